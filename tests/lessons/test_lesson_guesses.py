"""Guesses are asked before their answers are on the screen; progress is kept between runs;
in a terminal the lesson waits for the learner's answers.

The pseudo-terminal test runs a real `python -m lessons` whose standard input and
output are a terminal (the `pty` module), and types answers as a learner would.
"""

from __future__ import annotations

import importlib
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lessons import LESSONS, progress
from lessons.__main__ import main
from lessons.texts import Text

ROOT = Path(__file__).resolve().parents[2]

# For each guess: (lesson, exercise) -> what would give the answer away, as printed in each
# language. None of it may be printed before the guess; some of it must be printed after
# (so a wrong string here makes the test fail rather than pass for nothing).
ANSWERS = {
    (6, 1): {"en": ["log(27)"], "fr": ["log(27)"]},
    (8, 1): {"en": ["2 + 2 = 4", "2a"], "fr": ["2 + 2 = 4", "2a"]},
    (8, 2): {"en": ["a.grad = 1:"], "fr": ["a.grad = 1 :"]},
    (8, 3): {"en": ["1e-01", "1e-13"], "fr": ["1e-01", "1e-13"]},
    (9, 2): {"en": ["= 239", " 239 "], "fr": ["= 239", " 239 "]},
    (10, 1): {"en": ["never part"], "fr": ["ne se séparent jamais"]},
    (11, 1): {"en": ["Padding must not change"], "fr": ["Le padding ne doit rien changer"]},
}
# These answers are shown only to a learner who found them (or typed "?").
SHOWN_WHEN_RIGHT = {(8, 1)}
# The right guesses, as a learner would give them on the command line.
RIGHT = {
    6: {"guess-loss": "3.3", "temperature-before": "0.1", "prefix": ".pik"},
    8: {"guess-square-grad": "4", "guess-calls-grad": "1", "eps": "0.1"},
    9: {"guess-dots": "239"},
}


def run(number: int, lang: str, out: Path, *options: str) -> tuple[int, dict]:
    quicker = ["--epochs", "1"] if number == 6 else []  # lesson 6 trains: one epoch is enough
    code = main([str(number), "--lang", lang, "--quick", "--out", str(out), *quicker, *options])
    return code, importlib.import_module(LESSONS[number]).lesson.last_claims


def question(lang: str, number: int, exercise: int) -> str:
    """The start of the exercise's question as printed: its first line, up to a value."""
    template = Text(f"lesson{number:02d}", lang).sections[f"exercise{exercise}"]
    return template.splitlines()[0].split("{")[0]


def report_end(printed: str, lang: str, exercise: int, start: int) -> int:
    """Where the outcome of the exercise (its hint, or well done) ends: a blank line."""
    label = Text("common", lang)("exercise_label", number=exercise)
    return printed.index("\n\n", printed.index(label, start))


def answers_wait_for_their_guesses(printed: str, number: int, lang: str, done: bool) -> None:
    """Nothing printed before a guess's question gives its answer away; when the guess was
    wrong, neither does its hint, and the answer comes after (unless only a right guess shows
    it). Lessons 10 and 11, which train, call this from their own runs (test_lesson_runs.py,
    test_lesson11.py)."""
    for (lesson, exercise), answers in ANSWERS.items():
        if lesson != number or (done and (lesson, exercise) in SHOWN_WHEN_RIGHT):
            continue  # a right value given up front shapes what comes before (target c: its loss)
        asked = printed.index(question(lang, number, exercise))
        answered = asked if done else report_end(printed, lang, exercise, asked)
        before, after = printed[:answered], printed[answered:]
        for answer in answers[lang]:
            assert answer not in before, (exercise, answer)
        if not done and (number, exercise) not in SHOWN_WHEN_RIGHT:
            assert any(answer in after for answer in answers[lang]), (exercise, answers[lang])


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("number", [6, 8, 9])
def test_no_answer_is_printed_before_its_guess(number, lang, tmp_path, capsys):
    assert run(number, lang, tmp_path)[0] == 0
    answers_wait_for_their_guesses(capsys.readouterr().out, number, lang, done=False)


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("number", [6, 8])
def test_right_guesses_are_done_and_then_show_their_answers(number, lang, tmp_path, capsys):
    options = [f"--{k}={v}" for k, v in RIGHT[number].items()]  # lesson 8: 2 calls × 0.5
    code, claims = run(number, lang, tmp_path, *options)
    printed = capsys.readouterr().out
    assert code == 0 and claims["exercises_done"] == [1, 2, 3]
    for lesson, exercise in SHOWN_WHEN_RIGHT:
        if lesson == number:
            assert any(a in printed for a in ANSWERS[lesson, exercise][lang]), exercise


def test_progress_survives_a_second_run_and_reset_starts_again(tmp_path, capsys):
    assert run(8, "en", tmp_path, "--guess-square-grad", "4")[1]["exercises_done"] == [1]
    claims = run(8, "en", tmp_path, "--eps", "0.1")[1]  # exercise 1 not done this time
    assert claims["exercises_done"] == [1, 3] and claims["done_this_run"] == [3]
    saved = progress.load_progress(tmp_path)["lesson08"]
    assert saved == {"done": [1, 3], "total": 3}

    capsys.readouterr()
    assert main(["--lang", "en", "--out", str(tmp_path)]) == 0  # the list shows it
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("    8"))
    assert line.endswith("🟩🟩⬜ 2/3")

    assert run(8, "en", tmp_path, "--reset")[1]["exercises_done"] == []
    assert main(["--out", str(tmp_path), "--reset"]) == 0
    assert "lesson08" not in progress.load_progress(tmp_path)


def test_a_broken_progress_file_is_no_progress(tmp_path, capsys):
    (tmp_path / "progress.json").write_text("{not json", encoding="utf-8")
    assert run(8, "en", tmp_path, "--guess-square-grad", "4")[1]["exercises_done"] == [1]
    assert "progress" in capsys.readouterr().err
    assert progress.exercises_done(tmp_path, "lesson08") == {1}  # written again, whole


def test_lesson_6_reuses_its_trained_model_unless_told_to_retrain(tmp_path, capsys):
    first = run(6, "en", tmp_path)[1]  # one epoch (see run): a reused model must match it
    assert first["reused_model"] is False
    assert (tmp_path / "lesson06_model.ckpt.json").exists()
    again = run(6, "fr", tmp_path, "--guess-loss", "3.3")[1]
    assert again["reused_model"] is True
    assert again["final_loss"] == first["final_loss"] and again["history"] == first["history"]
    assert again["exercises_done"] == [1]
    third = run(6, "en", tmp_path, "--prefix", ".pik", "--retrain")[1]
    assert third["reused_model"] is False
    assert third["exercises_done"] == [1, 3]  # exercise 1 from the run before, 3 from this one


# ---------------------------------------------------------------------------- in a terminal


def in_a_terminal(argv: list[str], answers: list[str], prompt: str, timeout: float = 60) -> str:
    """Run `python -m lessons argv` in a pseudo-terminal, typing one answer per prompt."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "100"}
    child = subprocess.Popen(
        [sys.executable, "-m", "lessons", *argv], cwd=ROOT, env=env,
        stdin=follower, stdout=follower, stderr=follower, close_fds=True,
    )  # fmt: skip
    os.close(follower)
    seen, typed, deadline = b"", 0, time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # the lesson ended and closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
            text = seen.decode("utf-8", "replace")
            if text.count(prompt) > typed and typed < len(answers):
                os.write(leader, answers[typed].encode() + b"\n")
                typed += 1
            if child.poll() is not None and not ready:
                break
        assert child.wait(timeout=10) == 0, seen.decode("utf-8", "replace")[-2000:]
    finally:
        if child.poll() is None:
            child.kill()
        os.close(leader)
    return seen.decode("utf-8", "replace").replace("\r\n", "\n")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_in_a_terminal_the_lesson_asks_hints_and_accepts_a_retry_a_skip_and_a_look(lang, tmp_path):
    common = Text("common", lang)
    prompt = common("ask_prompt")
    # Exercise 1: a wrong guess, something unreadable, then the right one. Exercise 2:
    # skipped (Enter). Exercise 3: "?", to see the answer.
    answers = ["3", "abc", "4", "", "?"]
    out = in_a_terminal(["8", "--lang", lang, "--quick", "--out", str(tmp_path)], answers, prompt)
    lesson = Text("lesson08", lang)
    assert out.count(prompt) == 5
    first_hint = lesson("exercise1_hint", guess=3).splitlines()[0]
    assert first_hint in out
    assert common("ask_not_understood", typed="abc", example=0.0) in out
    assert lesson("exercise1_ok", grad=4.0, guess=4.0).splitlines()[0] in out
    assert common("ask_skipped") in out
    assert lesson("exercise3_answer").splitlines()[0] in out
    # The hint came before the answer was on the screen, and the answer only after "4".
    assert out.index(first_hint) < out.index("2 + 2 = 4")
    assert progress.exercises_done(tmp_path, "lesson08") == {1}


def test_ctrl_c_at_a_question_ends_the_lesson_without_a_traceback(tmp_path):
    leader, follower = pty.openpty()
    argv = ["8", "--quick", "--out", str(tmp_path), "--guess-square-grad=4"]
    child = subprocess.Popen(
        [sys.executable, "-m", "lessons", *argv],
        cwd=ROOT, stdin=follower, stdout=follower, stderr=follower, close_fds=True,
        preexec_fn=as_in_a_terminal,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    os.close(follower)
    seen, prompt = b"", Text("common", "en")("ask_prompt").encode()
    deadline = time.monotonic() + 60
    try:
        while prompt not in seen and time.monotonic() < deadline:
            if select.select([leader], [], [], 0.2)[0]:
                seen += os.read(leader, 65536)
        assert prompt in seen, seen.decode("utf-8", "replace")[-800:]
        child.send_signal(signal.SIGINT)  # what Ctrl-C at the question sends
        give_up = time.monotonic() + 120  # a busy machine: keep reading until it ends
        while child.poll() is None and time.monotonic() < give_up:
            if select.select([leader], [], [], 0.2)[0]:
                try:
                    seen += os.read(leader, 65536)
                except OSError:
                    break
        code = child.wait(timeout=30)
        while select.select([leader], [], [], 0.2)[0]:
            try:
                seen += os.read(leader, 65536)
            except OSError:
                break
    finally:
        if child.poll() is None:
            child.kill()
        os.close(leader)
    out = seen.decode("utf-8", "replace")
    assert code == 130 and "Traceback" not in out and "Ctrl-C" in out
    assert progress.exercises_done(tmp_path, "lesson08") == {1}  # done before: kept


def test_without_a_terminal_nothing_is_asked(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "lessons", "8", "--quick", "--out", str(tmp_path)],
        cwd=ROOT, input="4\n", capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert Text("common", "en")("ask_prompt") not in done.stdout
    assert progress.exercises_done(tmp_path, "lesson08") == set()  # "4" on stdin was not read


def as_in_a_terminal() -> None:
    """Ctrl-C's default action in the child, as in a learner's terminal: a test runner started
    in the background may have passed SIGINT on as ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
