"""The learner's progress: which exercises are done, kept between runs.

One small JSON file in the lesson output folder, `progress.json`:

    {"lesson07": {"done": [1, 3], "total": 3}, "lesson08": {"done": [], "total": 3}}

It is written atomically (autograd.files: a temporary file, then a rename), so Ctrl-C in the
middle of a save never leaves half a file. It is checked when it is read, as a
checkpoint is: a file that cannot be read, or an entry that is not what this module
writes ("done": 5, "total": "3", NaN, a total of a billion), is treated as no
progress, with a warning, rather than stopping the lesson. Every change is made
under a lock and merged with the file as it is on disk (read, change, write), so a
terminal and a notebook that record exercises at the same moment lose none.
"""

import json
import sys
from collections.abc import Callable
from pathlib import Path

from autograd import file_lock
from autograd.files import read_text, write_atomically
from model.helpers.checks import is_whole_number, shown

FILE_NAME = "progress.json"
NOTES = "notes"  # a lesson's facts to keep that are not exercises, e.g. how its model was trained
MAX_EXERCISES = 100  # a lesson has a handful: a larger total is not one this project wrote
MAX_BYTES = 2**20  # the file is a few hundred bytes; more is not a progress file
LOCK_WAIT = 10.0  # seconds to wait for another writer, which needs milliseconds

Progress = dict[str, dict]  # lesson name -> {"done": [exercise numbers], "total": count}


def progress_path(out: str | Path) -> Path:
    """Where the progress of the lessons run with this output folder is kept."""
    return Path(out) / FILE_NAME


def load_progress(out: str | Path) -> Progress:
    """Every lesson's progress in folder `out` ({} when nothing was done yet).

    An entry that is not valid is left out, with a warning that names it.
    """
    path = progress_path(out)
    try:
        data = json.loads(read_text(path, FILE_NAME, MAX_BYTES))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, RecursionError) as err:
        _warn(f"cannot read {path}: {err}; starting from nothing")
        return {}
    if not isinstance(data, dict):
        _warn(f"{path} holds {type(data).__name__}, not a dict of lessons; starting from nothing")
        return {}
    progress = {}
    for name, entry in data.items():
        problem = entry_problem(name, entry)
        if problem:
            _warn(f"{path}: {name!r} {problem}; its progress starts from nothing")
        else:
            progress[name] = entry
    return progress


def entry_problem(name: str, entry: object) -> str | None:
    """Why one entry of the file cannot be used, in words; None when it can."""
    if name == NOTES:
        if isinstance(entry, dict) and all(isinstance(v, dict) for v in entry.values()):
            return None
        return "must be a dict of dicts of facts"
    if not isinstance(entry, dict):
        return f'must be {{"done": [...], "total": N}}, not {type(entry).__name__}'
    total, done = entry.get("total"), entry.get("done")
    if not is_whole_number(total) or not 0 <= total <= MAX_EXERCISES:
        return f"has total {shown(total)}, not a whole number from 0 to {MAX_EXERCISES}"
    numbers_ok = isinstance(done, list) and all(
        is_whole_number(n) and 1 <= n <= total for n in done
    )
    if not numbers_ok or len(set(done)) != len(done):
        return (
            f"has done {shown(done)}, not a list of exercise numbers from 1 to {total}, each once"
        )
    return None


def save_progress(out: str | Path, progress: Progress) -> Path:
    """Write the progress atomically: readers see the old file or the new one, never half."""
    return write_atomically(
        progress_path(out), lambda f: json.dump(progress, f, indent=1, sort_keys=True)
    )


def exercises_done(out: str | Path, lesson: str) -> set[int]:
    """The exercises of `lesson` ("lesson07") done in earlier runs."""
    return set(load_progress(out).get(lesson, {}).get("done", []))


def record(out: str | Path, lesson: str, done: set[int], total: int) -> None:
    """Save the exercises of `lesson` done so far, with those another process saved meanwhile."""

    def add(progress: Progress) -> None:
        on_disk = progress.get(lesson, {}).get("done", [])
        progress[lesson] = {"done": sorted(n for n in {*on_disk, *done} if n <= total),
                            "total": total}  # fmt: skip

    update(out, add)


def reset(out: str | Path, lesson: str | None = None) -> None:
    """Forget the exercises done in one lesson, or in every lesson when `lesson` is None.

    What is not an exercise (the settings of lesson 6's trained model) is kept.
    """

    def forget(progress: Progress) -> None:
        for name in [n for n in progress if n == lesson or (lesson is None and n != NOTES)]:
            del progress[name]

    update(out, forget)


def recall(out: str | Path, key: str) -> dict:
    """The facts saved under `key` by remember() ({} if none)."""
    return load_progress(out).get(NOTES, {}).get(key, {})


def remember(out: str | Path, key: str, facts: dict) -> None:
    """Keep `facts` (JSON numbers and strings) under `key`, for the next runs."""

    def keep(progress: Progress) -> None:
        progress.setdefault(NOTES, {})[key] = facts

    update(out, keep)


def update(out: str | Path, change: Callable[[Progress], None]) -> None:
    """Read the file, change(progress), write it back, all under the file's lock.

    Another writer waits for the lock, then reads what this one wrote: nothing is
    lost. A file the change leaves as it was is not written again. If the lock cannot be had
    (held too long, or something else where the lock file goes), the change is
    written anyway, with a warning.
    """
    path = progress_path(out)
    lock = path.with_name(f".{FILE_NAME}.lock")
    try:
        fd: int | None = file_lock.acquire(lock, wait=LOCK_WAIT)
    except file_lock.LockBusy as busy:
        _warn(f"{path} is held by another process{busy.holder}; writing without waiting")
        fd = None
    except (OSError, ValueError) as err:  # a read-only folder (the save will say so), a link
        if isinstance(err, ValueError):
            _warn(f"{err}; writing without the lock")
        fd = None
    try:
        progress = load_progress(out)
        before = json.dumps(progress, sort_keys=True)
        change(progress)
        if json.dumps(progress, sort_keys=True) != before:
            save_progress(out, progress)
    finally:
        if fd is not None:
            file_lock.release(fd, lock)


def _warn(message: str) -> None:
    print(f"(progress: {message})", file=sys.stderr)
