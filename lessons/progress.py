"""The learner's progress: which exercises are done, kept between runs.

One small JSON file in the lesson output folder, `progress.json`:

    {"lesson07": {"done": [1, 3], "total": 3}, "lesson08": {"done": [], "total": 3}}

It is written atomically (autograd.files: a temporary file, then a rename), so Ctrl-C in the
middle of a save never leaves half a file; a file that cannot be read is
treated as no progress, with a warning, rather than stopping the lesson.
"""

import json
import sys
from pathlib import Path

from autograd.files import write_atomically

FILE_NAME = "progress.json"

Progress = dict[str, dict]  # lesson name -> {"done": [exercise numbers], "total": count}


def progress_path(out: str | Path) -> Path:
    """Where the progress of the lessons run with this output folder is kept."""
    return Path(out) / FILE_NAME


def load_progress(out: str | Path) -> Progress:
    """Every lesson's progress in folder `out` ({} when nothing was done yet)."""
    path = progress_path(out)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        print(f"(progress: cannot read {path}: {err}; starting from nothing)", file=sys.stderr)
        return {}
    if not isinstance(data, dict):
        return {}
    return {name: entry for name, entry in data.items() if isinstance(entry, dict)}


def save_progress(out: str | Path, progress: Progress) -> Path:
    """Write the progress atomically: readers see the old file or the new one, never half."""
    return write_atomically(
        progress_path(out), lambda f: json.dump(progress, f, indent=1, sort_keys=True)
    )


def exercises_done(out: str | Path, lesson: str) -> set[int]:
    """The exercises of `lesson` ("lesson07") done in earlier runs."""
    return {n for n in load_progress(out).get(lesson, {}).get("done", []) if isinstance(n, int)}


def record(out: str | Path, lesson: str, done: set[int], total: int) -> None:
    """Save the exercises of `lesson` done so far."""
    progress = load_progress(out)
    progress[lesson] = {"done": sorted(done), "total": total}
    save_progress(out, progress)


def reset(out: str | Path, lesson: str | None = None) -> None:
    """Forget the exercises done in one lesson, or in every lesson when `lesson` is None.

    What is not an exercise (the settings of lesson 6's trained model) is kept.
    """
    progress = load_progress(out)
    forget = [name for name in progress if name == lesson or (lesson is None and name != NOTES)]
    for name in forget:
        del progress[name]
    if forget:
        save_progress(out, progress)


NOTES = "notes"  # a lesson's facts to keep that are not exercises, e.g. how its model was trained


def recall(out: str | Path, key: str) -> dict:
    """The facts saved under `key` by remember() ({} if none)."""
    return load_progress(out).get(NOTES, {}).get(key, {})


def remember(out: str | Path, key: str, facts: dict) -> None:
    """Keep `facts` (JSON numbers and strings) under `key`, for the next runs."""
    progress = load_progress(out)
    progress.setdefault(NOTES, {})[key] = facts
    save_progress(out, progress)
