"""Every lesson runs to its end in quick mode, in both languages, with and without `dot`,
and the figures it states are right.

Each lesson runs four times, in-process through `python -m lessons`'s main():
English and French, with Graphviz and without it (then also without matplotlib),
once with the exercise values as shipped and once with values that do the exercises.
"""

from __future__ import annotations

import importlib
import math

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
    6: {"guess-loss": "3.3", "temperature-before": "0.1", "temperature": "2.0", "prefix": ".pik"},
    8: {"guess-square-grad": "4", "backward-calls": "3", "guess-calls-grad": "1.5", "eps": "0.1"},
    9: {"window": ".bulbiza", "guess-dots": "371", "weight": "tok_emb"},
    10: {"guess-loop-gap": "0", "sgd-lr": "0.05", "temperature": "0.5", "prefix": ".pik"},
}
DONE_BY_DEFAULT: dict[int, list[int]] = {}  # exercises done with the values as shipped

# (language, Graphviz present, exercises done): both languages meet both worlds.
RUNS = [("en", True, False), ("en", False, True), ("fr", True, True), ("fr", False, False)]
LESSONS_WITH_GRAPHS = {8, 9}


def run_lesson(number: int, lang: str, done: bool, out) -> tuple[int, dict]:
    argv = [str(number), "--lang", lang, "--quick", "--out", str(out)]
    if done:
        for option, value in DONE[number].items():
            argv += [f"--{option}", value]
    code = main(argv)
    return code, importlib.import_module(LESSONS[number]).lesson.last_claims


# Lesson 10 trains for half a minute on a busy machine: two runs still meet both languages,
# both worlds, and both sets of values.
SLOW = {10: [("en", True, False), ("fr", False, True)]}


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
    if done and number == 10:
        assert all(name.startswith("pik") for name in claims["invented"])  # --prefix .pik

    files = claims["files"]
    assert all(p.exists() and p.stat().st_size > 0 for p in files)
    if number in LESSONS_WITH_GRAPHS:
        expected = ".svg" if with_dot else ".html"
        assert files and all(p.suffix == expected for p in files)
        if not with_dot:
            assert "graphviz" in printed.lower()  # it says what to install
    if not with_dot and number in (6, 10):
        assert "pip install matplotlib" in printed
        assert not any(p.suffix == ".png" for p in files)
    if with_dot and number in (6, 10):
        assert any(p.suffix == ".png" for p in files)


def check_lesson_6(claims: dict, printed: str) -> None:
    assert claims["final_loss"] < claims["initial_loss"]  # training lowers the loss
    assert claims["loss_went_down"] is True  # "The loss went from 3.50 to 2.66": it did
    assert written(claims, claims["final_loss"], ".2f") in printed
    assert claims["history"] and len(claims["names_after"]) == 15


def check_lesson_8(claims: dict, printed: str) -> None:
    assert claims["order"] == ["a", "b", "c", "d", "L"]
    assert claims["step_by_step_equals_backward"] is True
    assert claims["a_grad"] == 0.5 and claims["square_grad"] == 4.0
    assert claims["grads_multiplied_by_calls"] is True
    assert claims["zero_grad_then_backward_is_fresh"] is True
    assert claims["no_grad_inputs"] == 0 and claims["no_grad_a_grad"] == 0.0
    assert claims["gradcheck_ok"] is True  # the finite-difference check passes
    assert claims["gradcheck_worst_error"] < 1e-6
    # The order is built by a depth-first search, the same as topological_order's.
    assert claims["dfs_equals_topological_order"] is True
    # "2 gradient(s) wrong: a, b": the wrong order really gives wrong gradients.
    assert claims["wrong_order_wrong_grads"] == ["a", "b"]
    assert "a, b" in printed
    # "It fails here for eps = 1e-01, 1e-13": the sweep's failing steps, as printed.
    assert claims["sweep_failing"] == ["1e-01", "1e-13"]
    assert "1e-01, 1e-13" in printed


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


def check_lesson_10(claims: dict, printed: str) -> None:
    assert claims["loop_max_difference"] <= 1e-9
    assert claims["speed_runs_same_loss"] <= 1e-9
    assert set(claims["positions_per_second"]) == {
        "manual",
        "autograd (fused)",
        "autograd (pure)",
    }
    assert all(v > 0 for v in claims["positions_per_second"].values())
    went_down = claims["loss_went_down"]
    assert len(went_down) == 2 and all(went_down.values())  # the loss goes down
    assert all(math.isfinite(x) for x in claims["final_loss"].values())
    check_who_wins(claims, printed)
    # "At temperature 0.5 the favourite gets 20.9%; at 2.0, 6.5%": as measured, and falling.
    share = claims["favourite_share"]
    assert share[0.5] > share[1.0] > share[2.0]
    assert written(claims, share[0.5], ".1%") in printed
    assert written(claims, share[2.0], ".1%") in printed


def check_who_wins(claims: dict, printed: str) -> None:
    """Lesson 10's conclusion is the one its final losses allow."""
    from lessons.lesson10 import CLEAR_GAP

    sgd, adam = claims["final_loss"].values()
    if claims["diverged"]:
        assert claims["verdict"] == "sgd_diverged"
    elif adam < sgd - CLEAR_GAP:
        assert claims["verdict"] == "adam_ahead"
    elif sgd < adam - CLEAR_GAP:
        assert claims["verdict"] == "sgd_ahead"
    else:
        assert claims["verdict"] == "even"
    assert written(claims, sgd, ".3f") in printed and written(claims, adam, ".3f") in printed
    assert claims["invented"] and all(isinstance(name, str) for name in claims["invented"])


CHECKS = {
    6: check_lesson_6, 8: check_lesson_8, 9: check_lesson_9,
    10: check_lesson_10,
}  # fmt: skip


def test_run_returns_the_claims_in_process(tmp_path, capsys):
    """run() is what a notebook or a test calls: values by keyword, claims returned."""
    lesson08 = importlib.import_module("lessons.lesson08")
    claims = lesson08.run(lang="fr", quick=True, out=tmp_path, guess_square_grad=4.0, eps=0.1)
    assert claims["exercises_done"] == [1, 3]
    assert claims["square_grad"] == 4.0
    with pytest.raises(TypeError, match="no value"):
        lesson08.run(quick=True, out=tmp_path, temprature=0.5)


def test_a_value_the_lesson_cannot_use_is_an_error_not_a_crash(tmp_path, capsys):
    assert main(["9", "--next-letter", "zz", "--quick", "--out", str(tmp_path)]) == 2
    assert "next_letter" in capsys.readouterr().err
    assert main(["8", "--eps", "0", "--quick", "--out", str(tmp_path)]) == 2
    assert main(["10", "--temperature", "0", "--quick", "--out", str(tmp_path)]) == 2  # at once
