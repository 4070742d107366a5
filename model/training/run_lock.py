"""One training at a time per checkpoint.

Two trainings that save to the same checkpoint would overwrite each other's
epochs without a word. So a training holds a lock while it runs, on a small file
next to the checkpoint, .<name>.lock, which holds its process id; a second
training finds the lock taken and refuses.

The lock is the operating system's (autograd.file_lock), not the file's
existence: it is released when the process ends, even when it is killed with
kill -9, so a killed run never blocks the next one. The file such a run leaves
behind is taken over, then removed, by the next run. A link planted where the
lock goes is refused, never followed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from autograd import file_lock


class CheckpointInUse(ValueError):
    """Another training holds the lock of this checkpoint."""


@contextmanager
def lock_checkpoint(path: str | Path) -> Iterator[Path]:
    """Hold the lock of checkpoint `path` inside the `with` block; yield the lock file's path.

    Raises CheckpointInUse at once (it never waits) if another training holds it.
    """
    lock = lock_path(path)
    try:
        fd = file_lock.acquire(lock)
    except file_lock.LockBusy as busy:
        raise CheckpointInUse(
            f"{path} is in use by another training{busy.holder}: two trainings on "
            "one checkpoint would overwrite each other's epochs; wait until it ends, "
            "or save to another file (--checkpoint OTHER.json)"
        ) from None
    try:
        yield lock
    finally:
        file_lock.release(fd, lock)


def lock_path(path: str | Path) -> Path:
    """The lock file of a checkpoint: .<name>.lock in the folder of the file it names."""
    real = Path(os.path.realpath(path))  # two names for one file share one lock
    return real.with_name(f".{real.name}.lock")
