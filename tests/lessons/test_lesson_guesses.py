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
    (9, 2): {"en": ["= 239", " 239 "], "fr": ["= 239", " 239 "]},
    (12, 1): {"en": ["g_x1 = w1 * g_p1"], "fr": ["g_x1 = w1 * g_p1"]},  # the code, line by line
    (12, 2): {"en": ["the 8 programs"], "fr": ["les 8 programmes"]},
}
# These answers are shown only to a learner who found them (or typed "?").
SHOWN_WHEN_RIGHT: set[tuple[int, int]] = set()
# The right guesses, as a learner would give them on the command line.
RIGHT = {
    9: {"guess-dots": "239"},
}


def run(number: int, lang: str, out: Path, *options: str) -> tuple[int, dict]:
    code = main([str(number), "--lang", lang, "--quick", "--out", str(out), *options])
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
    it). Lesson 10, which trains, calls this from its own runs (test_lesson_runs.py)."""
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
@pytest.mark.parametrize("number", [9, 12])
def test_no_answer_is_printed_before_its_guess(number, lang, tmp_path, capsys):
    assert run(number, lang, tmp_path)[0] == 0
    answers_wait_for_their_guesses(capsys.readouterr().out, number, lang, done=False)


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("number", sorted(RIGHT))
def test_right_guesses_are_done_and_then_show_their_answers(number, lang, tmp_path, capsys):
    options = [f"--{k}={v}" for k, v in RIGHT[number].items()]
    code, claims = run(number, lang, tmp_path, *options)
    printed = capsys.readouterr().out
    assert code == 0 and claims["exercises_done"] == [1, 2, 3]
    for lesson, exercise in SHOWN_WHEN_RIGHT:
        if lesson == number:
            assert any(a in printed for a in ANSWERS[lesson, exercise][lang]), exercise


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
def test_in_a_terminal_the_lesson_asks_hints_and_accepts_a_retry_and_a_look(lang, tmp_path):
    common = Text("common", lang)
    prompt = common("ask_prompt")
    # Lesson 11's exercise 1: a wrong guess, something unreadable, then "?" to see the answer.
    answers = ["3", "abc", "?"]
    argv = ["11", "--lang", lang, "--quick", "--out", str(tmp_path)]
    out = in_a_terminal(argv, answers, prompt, timeout=300)  # lesson 11 trains a little
    lesson = Text("lesson11", lang)
    assert out.count(prompt) == 3
    first_hint = lesson("exercise1_hint", guess=3).splitlines()[0]
    assert first_hint in out
    assert common("ask_not_understood", typed="abc", example=1.0) in out
    answer = lesson("exercise1_answer", gap=0.0).split("(")[0]  # "0, to rounding "
    # The hint came before the answer was on the screen, and the answer only after "?".
    assert out.index(first_hint) < out.index(answer)
    assert progress.exercises_done(tmp_path, "lesson11") == set()
