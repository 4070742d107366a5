"""Writing a file so that a crash, a full disk or Ctrl-C never leaves it half-written.

The text goes first to a temporary file in the same folder, then that file is
renamed over the old one in a single step: a reader sees the old file or the new
one, never a mix. If anything fails before the rename, the old file is untouched.

Three details make it safe to use on a learner's files:
- the temporary file is named .<name>.<pid>.<random>.tmp; a process killed with
  kill -9 leaves it behind, and the next write removes it once that pid is gone;
- the new file keeps the old one's permissions (chmod 644 stays 644);
- a symlink stays a symlink: the file it points to is the one replaced.

check_writable() and check_readable() find a path that cannot be used before a
long job starts, with a message that says why. Every path the project reads or
writes must be a regular file (or not exist yet): a folder, a device such as
/dev/zero, a FIFO or a loop of symbolic links gets a sentence, never a traceback,
an endless read or a replaced device. read_text() reads a regular file only, and
at most MAX_READ_BYTES of it.
"""

from __future__ import annotations

import errno
import glob
import os
import re
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TextIO

# Errors the learner can do something about, in words (errno names the cause).
_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_NOT_ALLOWED = {errno.EACCES, errno.EPERM, errno.EROFS}

# The most read_text() reads: a checkpoint of the lesson's model is about 100 KB and the
# course's names 10 KB, so a larger file is the wrong one (or /dev/zero), not one to load.
MAX_READ_BYTES = 64 * 2**20

# What a path can be instead of a regular file, in words.
_KINDS = {
    stat.S_IFIFO: "a FIFO (a named pipe: reading it would wait for a writer)",
    stat.S_IFCHR: "a device (reading it might never end, writing would replace it)",
    stat.S_IFBLK: "a device (a disk: it cannot hold our file)",
    stat.S_IFSOCK: "a socket",
}


class SaveError(ValueError):
    """A file could not be written; the message says why, and that the old file is kept."""


def write_atomically(
    path: str | Path, write: Callable[[TextIO], None] | Callable[[BinaryIO], None],
    *, binary: bool = False,
) -> Path:  # fmt: skip
    """Call write(f) on a temporary file, then rename it over `path`; return `path`.

    f is a UTF-8 text file, or a bytes file with binary=True (a PNG, a PDF). A
    path that is not a regular file (a folder, a device, a FIFO, a link loop), a
    full disk or a folder that cannot be written raise a SaveError in one
    sentence; other errors pass through. Either way the old file is kept as it was.
    """
    path = Path(path)
    problem = path_problem(path) or (f"{path} is a folder, not a file" if path.is_dir() else "")
    if problem:
        raise SaveError(f"{problem}; nothing was written")
    target = _real_target(path)
    existed = target.exists()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_orphans(target)
        fd, tmp = _new_temp_file(target)
    except OSError as err:
        _raise_if_explained(err, path, existed)
        raise
    try:
        with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8") as f:
            write(f)  # type: ignore[arg-type]  (text or bytes, as `binary` says)
            f.flush()
            os.fsync(f.fileno())  # the bytes are on disk before the rename makes them visible
        if existed:
            os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
        os.replace(tmp, target)  # atomic: readers see the old file or the new one, never half
    except BaseException as err:
        tmp.unlink(missing_ok=True)
        _raise_if_explained(err, path, existed)
        raise
    return path


def check_writable(path: str | Path, example: str = "minillm.ckpt.json") -> None:
    """Raise a ValueError (a SaveError for a system error) now if `path` could not be written.

    Call it before a long job that saves at its end: a path that is a folder, a
    folder inside a file, or a read-only folder is then found in a second, not
    after an hour. A temporary file is created and removed to find out. `example`
    is the file name the message suggests instead of a folder.
    """
    path = Path(path)
    check_file(path, example)
    check_folder_writable(_real_target(path).parent, path)


def check_folder_writable(folder: str | Path, wanted: str | Path | None = None) -> None:
    """Raise a ValueError now if no file can be written in `folder` (made later if missing).

    `wanted` is the path the message names (default: the folder itself).
    """
    folder = Path(folder)
    wanted = folder if wanted is None else wanted
    problem = path_problem(folder)  # a loop of links, a name too long, a device
    if problem:
        raise SaveError(f"{wanted} cannot be written: {problem}")
    existing = folder
    while not existing.exists():  # write_atomically makes the missing folders from here
        existing = existing.parent
    if not existing.is_dir():
        raise SaveError(f"{wanted} cannot be written: {existing} is a file, not a folder")
    try:
        fd, probe = _new_temp_file(existing / ".write-check")
    except OSError as err:
        _raise_if_explained(err, Path(wanted), False)
        raise
    os.close(fd)
    probe.unlink()


def refuse_folder(path: str | Path, example: str) -> None:
    """Raise a ValueError if `path` is a folder (or a link to one) where a file is wanted."""
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{path} is a folder, not a file: give a file, e.g. {path / example}")


def check_readable(path: str | Path, example: str) -> None:
    """Raise a ValueError if `path` (when it exists) is not a regular file or cannot be read."""
    check_file(path, example)
    if os.path.exists(path) and not os.access(path, os.R_OK):
        raise ValueError(f"{path} cannot be read: you are not allowed to (see its permissions)")


def check_file(path: str | Path, example: str) -> None:
    """Raise a ValueError if `path` exists and is not a regular file (or a link to one)."""
    problem = path_problem(path)
    if problem:
        raise ValueError(f"{problem}; give a file, e.g. {example}")
    refuse_folder(path, example)


def path_problem(path: str | Path) -> str | None:
    """Why `path` cannot be read or replaced as a file, in words; None if it is one or is new.

    The path is followed through symbolic links, as reading and saving follow them.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None  # a new file (or a link to one still to be made)
    except OSError as err:
        if err.errno == errno.ELOOP:
            return f"{path} is a loop of symbolic links (a link that leads back to itself)"
        if err.errno == errno.ENAMETOOLONG:
            return f"{path} is a name too long for this system"
        return None  # not allowed to look: reading or writing says so in its own words
    if stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode):
        return None  # a folder is refused by refuse_folder(), with an example of a file in it
    kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a file")
    return f"{path} is {kind}, not a regular file"


def read_text(path: str | Path, example: str, max_bytes: int | None = None) -> str:
    """The UTF-8 text of the regular file `path`, or a ValueError that says why not.

    The file is opened without waiting (a FIFO never blocks) and checked once open,
    so it cannot be swapped between the check and the read; more than `max_bytes`
    (default MAX_READ_BYTES) is refused: /dev/zero or a wrong file never fills the memory.
    FileNotFoundError and UnicodeDecodeError pass through for the caller's words.
    """
    check_readable(path, example)
    max_bytes = MAX_READ_BYTES if max_bytes is None else max_bytes
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise
    except OSError as err:
        raise ValueError(
            f"{path} cannot be read ({err.strerror}); give a file, e.g. {example}"
        ) from None
    with os.fdopen(fd, "rb") as f:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = _KINDS.get(stat.S_IFMT(mode), "a folder" if stat.S_ISDIR(mode) else "not a file")
            raise ValueError(f"{path} is {kind}, not a regular file; give a file, e.g. {example}")
        try:
            data = f.read(max_bytes + 1)
        except OSError as err:  # a file of /proc that refuses reads, a failing disk
            raise ValueError(f"{path} cannot be read ({err.strerror}); give another file") from None
    if len(data) > max_bytes:
        raise ValueError(
            f"{path} is larger than {max_bytes:,} bytes, the most read here "
            f"(autograd.files.MAX_READ_BYTES): it is not a {example}-like file; give the right one"
        )
    return data.decode("utf-8")


def remove_orphans(target: Path) -> list[Path]:
    """Remove the temporary files of `target` left by processes that no longer run."""
    pattern = re.compile(re.escape(f".{target.name}.") + r"(\d+)\.[0-9a-f]{8}\.tmp")
    removed = []
    for candidate in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        match = pattern.fullmatch(candidate.name)
        if match is None or _running(int(match.group(1))):
            continue
        try:
            candidate.unlink()
            removed.append(candidate)
        except OSError:  # gone already, or (Windows) still open in another process
            pass
    return removed


def _new_temp_file(target: Path) -> tuple[int, Path]:
    """Create .<name>.<pid>.<random>.tmp next to target, opened for writing.

    Mode 0o666 lets the umask decide the permissions, as for any new file
    (tempfile.mkstemp would make it 0o600, readable by its owner only).
    """
    while True:
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:  # one chance in four billion: draw another name
            continue


def _real_target(path: Path) -> Path:
    """The file to replace: through symlinks, so that a link keeps pointing to it."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _running(pid: int) -> bool:
    """Whether process `pid` still runs (its temporary file may be in use)."""
    if pid == os.getpid():
        return True
    if os.name == "nt":
        return False  # Windows refuses to delete a file another process has open
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # it exists but belongs to someone else (or the pid is not a pid)
    return True


def _raise_if_explained(err: BaseException, path: Path, existed: bool) -> None:
    """Raise a SaveError in one sentence for the causes a learner can fix; else do nothing."""
    if not isinstance(err, OSError):
        return
    kept = "the previous file is kept as it was" if existed else "nothing was written"
    if err.errno in _DISK_FULL:
        message = f"the disk is full: {path} could not be saved ({kept}); free some space"
    elif err.errno in _NOT_ALLOWED:
        message = (
            f"{path} cannot be written: its folder is read-only or not yours "
            f"({err.strerror}); choose another path ({kept})"
        )
    elif err.errno == errno.EISDIR:
        message = f"{path} is a folder, not a file: give a file name ({kept})"
    elif err.errno in (errno.ENOTDIR, errno.EEXIST):  # mkdir, where a file has the name
        message = f"{path} cannot be written: one of its folders is a file ({kept})"
    else:
        return
    raise SaveError(message) from None
