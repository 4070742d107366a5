"""Every lesson runs to its end in quick mode, in both languages, with and without `dot`,
and the figures it states are right.

Each lesson runs four times, in-process through `python -m lessons`'s main():
English and French, with Graphviz and without it (then also without matplotlib),
once with the exercise values as shipped and once with values that do the exercises.
"""

from __future__ import annotations

import importlib

import pytest

from lessons import LESSONS
from lessons.__main__ import main
from lessons.texts import Text
from tests.lessons.test_lesson_guesses import answers_wait_for_their_guesses


def written(claims: dict, x: float, spec: str = "") -> str:
    """A figure as the lesson prints it in its language: 2,400 or 2 400, 0.5 or 0,5."""
    return Text("common", claims["lang"]).number(x, spec)


# Values that do every exercise of a lesson, as a learner would give them. A new lesson
# adds a line here and a check below (or tests itself in a file of its own).
DONE = {
    9: {"window": ".bulbiza", "guess-dots": "371", "weight": "tok_emb"},
    12: {"guess-lines": "8", "guess-programs": "8", "branch": "relu"},
}
DONE_BY_DEFAULT: dict[int, list[int]] = {}  # exercises done with the values as shipped

# (language, Graphviz present, exercises done): both languages meet both worlds.
RUNS = [("en", True, False), ("en", False, True), ("fr", True, True), ("fr", False, False)]
LESSONS_WITH_GRAPHS = {9}


def run_lesson(number: int, lang: str, done: bool, out) -> tuple[int, dict]:
    argv = [str(number), "--lang", lang, "--quick", "--out", str(out)]
    if done:
        for option, value in DONE[number].items():
            argv += [f"--{option}", value]
    code = main(argv)
    return code, importlib.import_module(LESSONS[number]).lesson.last_claims


SLOW: dict[int, list[tuple[str, bool, bool]]] = {}  # a lesson that trains long: fewer runs


@pytest.mark.parametrize(
    ("number", "lang", "with_dot", "done"),
    [(number, *run) for number in sorted(DONE) for run in SLOW.get(number, RUNS)],
    ids=lambda x: str(x),
)
def test_lesson_runs_to_its_end(number, lang, with_dot, done, tmp_path, capsys, request):
    if not with_dot:
        request.getfixturevalue("no_dot")
        request.getfixturevalue("no_matplotlib")
    code, claims = run_lesson(number, lang, done, tmp_path)
    printed = capsys.readouterr().out
    assert code == 0
    every = list(range(1, importlib.import_module(LESSONS[number]).lesson.exercises + 1))
    assert claims["exercises_done"] == (every if done else DONE_BY_DEFAULT.get(number, []))
    answers_wait_for_their_guesses(printed, number, lang, done)
    CHECKS[number](claims, printed)

    files = claims["files"]
    assert all(p.exists() and p.stat().st_size > 0 for p in files)
    if number in LESSONS_WITH_GRAPHS:
        expected = ".svg" if with_dot else ".html"
        assert files and all(p.suffix == expected for p in files)
        if not with_dot:
            assert "graphviz" in printed.lower()  # it says what to install
    if not with_dot and number == 6:
        assert "pip install matplotlib" in printed
        assert not any(p.suffix == ".png" for p in files)
    if with_dot and number == 6:
        assert any(p.suffix == ".png" for p in files)


def check_lesson_9(claims: dict, printed: str) -> None:
    assert claims["largest_difference"] <= 1e-9  # autograd = the handwritten backward
    assert claims["loss_difference_with_floats"] <= 1e-12
    assert claims["dots_predicted"] == claims["dots_counted"]
    assert claims["nodes_pure"] - claims["nodes_fused"] == claims["pure_minus_fused_predicted"]
    assert written(claims, claims["largest_difference"], ".1e") in printed
    # The chart of windows by length uses the table's window at its length: one count.
    assert claims["nodes_by_length"][claims["window_letters"]][1] == claims["nodes_fused"]
    # "2,400 in the graph, not 2,832": the weights of the letters not in the window are not.
    assert claims["weights_in_graph"] < 2832
    assert written(claims, claims["weights_in_graph"], ",") in printed
    assert written(claims, claims["pure_nodes_9_letter_name"], ",") in printed
    assert claims["steps_largest_difference"] <= 1e-12  # the 7 steps, intermediate by intermediate
    assert "d_h_pre" in printed and "attention/softmax" in printed


def check_lesson_12(claims: dict, printed: str) -> None:
    # The code jit wrote for the neuron is printed, and gives backward()'s numbers exactly.
    assert "    g_w1 = x1 * g_p1\n" in printed and "    y = s if s > 0.0 else 0.0\n" in printed
    assert claims["neuron_max_difference"] == 0.0
    assert claims["backward_lines"] == 8  # exercise 1's answer: one line per arrow
    assert claims["largest_difference"] <= 1e-12  # the mini-LLM's program = lesson 6's backward
    assert claims["programs"] == 8  # exercise 2's answer: one per window length
    assert set(claims["ms_per_position"]) == {"handwritten", "autograd", "compiled"}
    assert all(ms > 0 for ms in claims["ms_per_position"].values())
    if 3 in claims["exercises_done"]:  # --branch relu: recorded, and replayed switched off
        assert claims["refused"] is False and claims["replayed_off"] == (0.0, (0.0, 0.0))
    else:  # the tracer's refusal, printed: the line, and what to write instead
        assert claims["refused"] is True
        assert "if z.data > 0.0:" in printed and "x.relu()" in printed


CHECKS = {
    12: check_lesson_12,
}  # fmt: skip


def test_run_returns_the_claims_in_process(tmp_path, capsys):
    """run() is what a notebook or a test calls: values by keyword, claims returned."""
    lesson11 = importlib.import_module("lessons.lesson11")
    claims = lesson11.run(lang="fr", quick=True, out=tmp_path, guess_padding=0.0)
    assert claims["exercises_done"][:1] == [1]
    assert claims["padding_difference"] < 1e-9
    with pytest.raises(TypeError, match="no value"):
        lesson11.run(quick=True, out=tmp_path, temprature=0.5)


def test_a_value_the_lesson_cannot_use_is_an_error_not_a_crash(tmp_path, capsys):
    assert main(["8", "--eps", "0", "--quick", "--out", str(tmp_path)]) == 2
