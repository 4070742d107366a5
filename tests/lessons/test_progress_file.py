"""lessons/progress.py: the progress file checked as a checkpoint is, and never lost.

Issue 22, class 4: wrong types give no traceback (a bad entry is no progress, with
a warning), a huge total costs nothing, and two writers at once (a terminal and a
notebook) lose no exercise.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lessons import progress
from lessons.__main__ import print_list

ROOT = Path(__file__).parents[2]


def write(out: Path, text: str) -> None:
    (out / "progress.json").write_text(text, encoding="utf-8")


GOOD = {"done": [1], "total": 3}


@pytest.mark.parametrize(
    "entry, words",
    [
        ('{"done": 5, "total": 3}', "has done 5"),
        ("null", "not NoneType"),
        ('{"done": [1], "total": "3"}', "has total '3'"),
        ('{"done": [1], "total": NaN}', "has total nan"),
        ('{"done": [1], "total": Infinity}', "has total inf"),
        ('{"done": [1], "total": 1000000000000}', "not a whole number from 0 to 100"),
        ('{"done": [1], "total": true}', "has total True"),
        ('{"done": [true], "total": 3}', "has done [True]"),
        ('{"done": [1, 1], "total": 3}', "each once"),
        ('{"done": [4], "total": 3}', "from 1 to 3"),
        ('{"done": [1.0], "total": 3}', "has done [1.0]"),
        ('{"total": 3}', "has done None"),
        ("[1, 2]", "not list"),
    ],
)
def test_a_bad_entry_is_no_progress_with_a_warning(tmp_path, capsys, entry, words):
    write(tmp_path, f'{{"lesson07": {entry}, "lesson08": {json.dumps(GOOD)}}}')
    assert progress.load_progress(tmp_path) == {"lesson08": GOOD}  # the good one is kept
    err = capsys.readouterr().err
    assert "'lesson07'" in err and words in err and "starts from nothing" in err
    assert progress.exercises_done(tmp_path, "lesson07") == set()
    progress.record(tmp_path, "lesson07", {2}, 3)  # and the next save writes a good file
    assert progress.load_progress(tmp_path)["lesson07"] == {"done": [2], "total": 3}


@pytest.mark.parametrize("text", ["[]", "5", "null", '"x"', "{", "\ufeff{}", "[" * 100000])
def test_a_file_that_is_not_a_dict_of_lessons_is_no_progress(tmp_path, capsys, text):
    write(tmp_path, text)
    assert progress.load_progress(tmp_path) == {}
    assert "starting from nothing" in capsys.readouterr().err


def test_bad_notes_are_dropped_and_good_notes_kept(tmp_path, capsys):
    write(tmp_path, '{"notes": [1]}')
    assert progress.recall(tmp_path, "lesson06_model") == {}
    assert "'notes' must be a dict of dicts" in capsys.readouterr().err
    progress.remember(tmp_path, "lesson06_model", {"epochs": 3})
    assert progress.recall(tmp_path, "lesson06_model") == {"epochs": 3}


def test_a_huge_total_costs_nothing_in_the_lesson_list(tmp_path, capsys):
    write(tmp_path, '{"lesson07": {"done": [1], "total": 20000000000}}')
    print_list("en", str(tmp_path))
    out = capsys.readouterr().out
    assert len(out) < 5000 and "⬜" * 100 not in out


def test_a_fifo_or_a_device_is_no_progress_and_never_blocks(tmp_path, capsys):
    os.mkfifo(tmp_path / "progress.json")
    assert progress.load_progress(tmp_path) == {}
    assert "is a FIFO" in capsys.readouterr().err


def test_a_lock_planted_as_a_link_is_not_followed(tmp_path, capsys):
    precious = tmp_path / "precious.txt"
    precious.write_text("keep")
    (tmp_path / ".progress.json.lock").symlink_to(precious)
    progress.record(tmp_path, "lesson07", {1}, 3)
    assert precious.read_text() == "keep"
    assert "symbolic link" in capsys.readouterr().err
    assert progress.exercises_done(tmp_path, "lesson07") == {1}


def test_record_merges_with_what_another_process_saved(tmp_path):
    progress.record(tmp_path, "lesson07", {1}, 3)  # a terminal
    progress.record(tmp_path, "lesson07", {3}, 3)  # a notebook that never saw exercise 1
    assert progress.exercises_done(tmp_path, "lesson07") == {1, 3}
    progress.reset(tmp_path, "lesson07")  # --reset still forgets
    assert progress.exercises_done(tmp_path, "lesson07") == set()


WRITER = """
import sys
from lessons import progress
out, start, lesson = sys.argv[1], int(sys.argv[2]), sys.argv[3]
done = set()
for number in range(start, 61, 2):
    done.add(number)
    progress.record(out, lesson, done, 60)
    progress.remember(out, f"{lesson}-{start}", {"last": number})
"""


def test_two_writers_at_once_lose_nothing(tmp_path):
    runs = [(1, "lesson07"), (2, "lesson07"), (1, "lesson08"), (2, "lesson08")]
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(start), name], cwd=ROOT)
        for start, name in runs
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0, 0]
    saved = progress.load_progress(tmp_path)
    for lesson in ("lesson07", "lesson08"):
        assert saved[lesson] == {"done": list(range(1, 61)), "total": 60}
    assert len(saved["notes"]) == 4
    assert not (tmp_path / ".progress.json.lock").exists()


def test_the_api_the_notebooks_use_is_kept(tmp_path):
    names = ["progress_path", "load_progress", "save_progress", "exercises_done", "record",
             "reset", "recall", "remember", "NOTES", "FILE_NAME"]  # fmt: skip
    assert all(hasattr(progress, name) for name in names)
    assert progress.save_progress(tmp_path, {"lesson09": GOOD}) == tmp_path / "progress.json"
    assert progress.load_progress(tmp_path) == {"lesson09": GOOD}
