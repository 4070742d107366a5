"""One training at a time per checkpoint.

Two trainings that save to the same checkpoint would overwrite each other's
epochs without a word. So a training holds a lock while it runs, on a small file
next to the checkpoint, .<name>.lock, which holds its process id; a second
training finds the lock taken and refuses.

The lock is the operating system's (flock on Linux and macOS, msvcrt.locking on
Windows), not the file's existence: it is released when the process ends, even
when it is killed with kill -9, so a killed run never blocks the next one. The
file such a run leaves behind is taken over, then removed, by the next run.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class CheckpointInUse(ValueError):
    """Another training holds the lock of this checkpoint."""


@contextmanager
def lock_checkpoint(path: str | Path) -> Iterator[Path]:
    """Hold the lock of checkpoint `path` inside the `with` block; yield the lock file's path.

    Raises CheckpointInUse at once (it never waits) if another training holds it.
    """
    lock = lock_path(path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = _acquire(lock, path)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield lock
    finally:
        with contextlib.suppress(OSError):  # Windows keeps an open file: it stays, unlocked
            lock.unlink()  # while we still hold it: nobody else can be using this file
        _unlock(fd)
        os.close(fd)


def lock_path(path: str | Path) -> Path:
    """The lock file of a checkpoint: .<name>.lock in the folder of the file it names."""
    real = Path(os.path.realpath(path))  # two names for one file share one lock
    return real.with_name(f".{real.name}.lock")


def _acquire(lock: Path, checkpoint: str | Path) -> int:
    """Open and lock `lock`, or raise CheckpointInUse; return the open file descriptor."""
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
        if not _try_lock(fd):
            holder = _read_pid(fd)
            os.close(fd)
            raise CheckpointInUse(
                f"{checkpoint} is in use by another training{holder}: two trainings on "
                "one checkpoint would overwrite each other's epochs; wait until it ends, "
                "or save to another file (--checkpoint OTHER.json)"
            )
        if _still_there(fd, lock):
            return fd
        # The run that held it removed the file before we locked it: lock the new one.
        _unlock(fd)
        os.close(fd)


def _still_there(fd: int, lock: Path) -> bool:
    """Whether `lock` still names the file we hold open (and not a newer one, or none)."""
    try:
        on_disk = os.stat(lock)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


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

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # the first byte, without waiting
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # without waiting
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
