"""Lesson 11 (PyTorch) runs to its end in quick mode in both languages, and the figures
it states are right; without PyTorch it says how to install it and exits with 2.

Lesson 11 tests itself here rather than in test_lesson_runs.py: it needs the
optional torch extra, so these runs are skipped, with the reason, where it is absent.
"""

from __future__ import annotations

import importlib
import math
import subprocess
import sys
from pathlib import Path

import pytest

from lessons.__main__ import main
from lessons.texts import Text
from model import load_checkpoint
from tests.lessons.test_lesson_guesses import answers_wait_for_their_guesses

ROOT = Path(__file__).resolve().parents[2]
DONE = {"guess-padding": "0", "batch-size": "256", "lr": "0.03", "epochs": "8"}  # exercises 1-4


@pytest.fixture
def torch():
    return pytest.importorskip(
        "torch", reason="PyTorch is an optional extra: pip install '.[torch]' (torch==2.13.0)"
    )


def run_lesson(lang: str, out: Path, values: dict[str, str]) -> tuple[int, dict]:
    argv = ["11", "--lang", lang, "--quick", "--out", str(out)]
    for option, value in values.items():
        argv += [f"--{option}", value]
    code = main(argv)
    return code, importlib.import_module("lessons.lesson11").lesson.last_claims


@pytest.mark.parametrize(("lang", "values"), [("en", {}), ("fr", DONE)], ids=["en", "fr-done"])
def test_lesson_11_runs_to_its_end(torch, lang, values, tmp_path, capsys):
    code, claims = run_lesson(lang, tmp_path, values)
    printed = capsys.readouterr().out
    assert code == 0
    # Exercise 4 (more epochs) cannot be done in quick mode, which trains 6 at most.
    assert claims["exercises_done"] == ([1, 2, 3] if values else [])
    answers_wait_for_their_guesses(printed, 11, lang, done=bool(values))

    # Step 1: three backends, one gradient (to rounding); the tiny example agrees exactly.
    assert claims["tiny_same"] is True
    assert claims["torch_largest_difference"] <= 1e-12
    assert claims["autograd_largest_difference"] <= 1e-12
    write = Text("common", lang).number  # figures as the lesson writes them: 6.7e-16, 6,7e-16
    assert write(claims["torch_largest_difference"], ".1e") in printed

    # Step 2: padding changes nothing; every batch size was timed (no timing is compared).
    assert claims["padding_difference"] <= 1e-12
    batch_size = int(values.get("batch-size", 64))
    assert set(claims["us_per_position"]) == {1, 8, 64, 256, batch_size}
    assert all(us > 0 for us in claims["us_per_position"].values())
    assert claims["manual_us_per_position"] > 0
    # "One window at a time, PyTorch is ... the floats": the word the two timings allow.
    from lessons.lesson11 import one_window_versus_manual

    one, manual = claims["us_per_position"][1], claims["manual_us_per_position"]
    assert claims["one_window_versus_manual"] == one_window_versus_manual(one, manual)
    assert one_window_versus_manual(10.0, 20.0) == "faster"
    assert one_window_versus_manual(20.0, 10.0) == "slower"
    assert one_window_versus_manual(10.0, 12.0) == "close"

    # Step 3: quick mode trains 6 epochs; training is deterministic, the time is not.
    fast, slow = claims["torch_training"], claims["scalar_training"]
    assert fast["epochs"] == 6
    assert fast["loss"] < 2.45 < math.log(27)  # far below guessing among 27 letters
    assert write(fast["loss"], ".3f") in printed and write(fast["seconds"], ".1f") in printed
    assert slow["positions"] > 0 and math.isfinite(slow["loss"])

    # Step 4: the checkpoint PyTorch wrote is the common format, read by the floats.
    saved = load_checkpoint(tmp_path / "lesson11_torch.ckpt.json")
    assert saved.backend == "torch" and saved.epoch == 6
    assert len(saved.optimizer["m"]) == len(saved.optimizer["v"]) == 2832
    assert claims["checkpoint_loss_difference"] <= 1e-12
    assert claims["invented"] and all(isinstance(name, str) for name in claims["invented"])
    assert claims["files"] == []  # no pictures: the lesson draws in the terminal


def test_a_batch_size_of_0_is_an_error_not_a_crash(torch, tmp_path, capsys):
    assert main(["11", "--quick", "--batch-size", "0", "--out", str(tmp_path)]) == 2
    assert "batch_size" in capsys.readouterr().err


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_without_torch_the_lesson_says_how_to_install_it(lang, tmp_path):
    """In a fresh interpreter where `import torch` fails, as on a machine without the extra."""
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "from lessons.__main__ import main\n"
        f"sys.exit(main(['11', '--lang', {lang!r}, '--quick', '--out', {str(tmp_path)!r}]))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 2
    assert "pip install -e '.[torch]'" in run.stderr  # -e, as in the README
    assert "Traceback" not in run.stderr
    assert "PyTorch" in run.stdout  # the title was printed before the lesson stopped
