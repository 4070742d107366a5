"""A lock held on a small file, so that two processes never write the same file at once.

The lock is the operating system's (flock on Linux and macOS, msvcrt.locking on
Windows), not the file's existence: it is released when the process ends, even
after kill -9. The lock file is opened without following a symbolic link: a link
planted where the lock goes would otherwise make us truncate the file it points
to. Whoever holds the lock removes the file when done (nobody else can be using
it then); a waiting process that finds it gone locks the new one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from autograd.browser import in_browser


class LockBusy(Exception):
    """The lock is held by another process (and we were not to wait, or waited too long)."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder  # " (process 1234)", or "" when the lock file does not say


def acquire(lock: str | Path, wait: float = 0.0) -> int:
    """Lock the file `lock` (made if missing) and write our pid in it; return its descriptor.

    Wait up to `wait` seconds for another holder to let go, then raise LockBusy.
    A symbolic link, a folder or a device where the lock goes is a ValueError.
    """
    lock = Path(lock)
    lock.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    while True:
        fd = _open_lock_file(lock)
        if not try_lock(fd):
            holder = _read_pid(fd)
            os.close(fd)
            if time.monotonic() >= deadline:
                raise LockBusy(holder)
            time.sleep(0.01)
            continue
        if _still_there(fd, lock):
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
            return fd
        # The holder removed the file before we locked it: lock the new one.
        unlock(fd)
        os.close(fd)


def release(fd: int, lock: str | Path) -> None:
    """Remove the lock file (while we still hold it), then let go of the lock."""
    with contextlib.suppress(OSError):  # Windows keeps an open file: it stays, unlocked
        Path(lock).unlink()
    unlock(fd)
    os.close(fd)


@contextmanager
def held(lock: str | Path, wait: float = 0.0) -> Iterator[Path]:
    """Hold the lock file `lock` inside the `with` block (see acquire)."""
    fd = acquire(lock, wait)
    try:
        yield Path(lock)
    finally:
        release(fd, lock)


def _open_lock_file(lock: Path) -> int:
    """Open `lock` for reading and writing, never through a link; a ValueError if not a file."""
    link = ValueError(
        f"{lock} is a symbolic link, where only a lock file belongs: a lock is never "
        "followed through a link (that would write into the file it points to); remove it"
    )
    if lock.is_symlink():  # O_NOFOLLOW below closes the race where the system has it
        raise link
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise link from None
        if err.errno == errno.EISDIR:
            raise ValueError(f"{lock} is a folder, where only a lock file belongs") from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ValueError(f"{lock} is not a regular file, where only a lock file belongs")
    return fd


def _still_there(fd: int, lock: Path) -> bool:
    """Whether `lock` still names the file we hold open (and not a newer one, or none)."""
    try:
        on_disk = os.lstat(lock)
    except FileNotFoundError:
        return False
    held_file = os.fstat(fd)
    return (held_file.st_dev, held_file.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _read_pid(fd: int) -> str:
    """' (process 1234)' from the lock file, or '' when it cannot be read."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 32).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (process {text})" if text.isdigit() else ""


if os.name == "nt":
    import msvcrt

    def try_lock(fd: int) -> bool:
        """Take the lock without waiting; False if another process holds it."""
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # the first byte, without waiting
        except OSError:
            return False
        return True

    def unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

elif in_browser():  # Pyodide: its fcntl has no flock, and no other process can share its files

    def try_lock(fd: int) -> bool:
        """Take the lock without waiting: in a web page, nobody else can hold it."""
        return True

    def unlock(fd: int) -> None:
        pass

else:
    import fcntl

    def try_lock(fd: int) -> bool:
        """Take the lock without waiting; False if another process holds it."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # without waiting
        except BlockingIOError:
            return False
        return True

    def unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
