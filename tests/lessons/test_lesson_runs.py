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

# Values that do every exercise of a lesson, as a learner would give them. A new lesson
# adds a line here and a check below (or tests itself in a file of its own).
DONE = {
    6: {"temperature-before": "0.1", "temperature": "2.0", "prefix": ".pik"},
    7: {"bias": "-1.0", "target": "c", "guess-sum": "0"},
    8: {"guess-square-grad": "4", "backward-calls": "3", "eps": "0.1"},
    9: {"window": ".bulbiza", "guess-dots": "371", "weight": "tok_emb"},
    10: {"sgd-lr": "0.05", "temperature": "0.5", "prefix": ".pik"},
}
DONE_BY_DEFAULT = {6: [2]}  # lesson 6's exercise 2 is to watch the loss go down: it does

# (language, Graphviz present, exercises done): both languages meet both worlds.
RUNS = [("en", True, False), ("en", False, True), ("fr", True, True), ("fr", False, False)]
LESSONS_WITH_GRAPHS = {7, 8, 9}


def run_lesson(number: int, lang: str, done: bool, out) -> tuple[int, dict]:
    argv = [str(number), "--lang", lang, "--quick", "--out", str(out)]
    if done:
        for option, value in DONE[number].items():
            argv += [f"--{option}", value]
    code = main(argv)
    return code, importlib.import_module(LESSONS[number]).lesson.last_claims


@pytest.mark.parametrize(("lang", "with_dot", "done"), RUNS, ids=lambda x: str(x))
@pytest.mark.parametrize("number", sorted(DONE))
def test_lesson_runs_to_its_end(number, lang, with_dot, done, tmp_path, capsys, request):
    if not with_dot:
        request.getfixturevalue("no_dot")
        request.getfixturevalue("no_matplotlib")
    code, claims = run_lesson(number, lang, done, tmp_path)
    printed = capsys.readouterr().out
    assert code == 0
    assert claims["exercises_done"] == ([1, 2, 3] if done else DONE_BY_DEFAULT.get(number, []))
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
    assert claims["history"] and len(claims["names_after"]) == 15


def check_lesson_7(claims: dict, printed: str) -> None:
    # The gradients derived by hand are backward()'s, exactly or to rounding.
    assert claims["neuron_max_difference"] == 0.0
    assert claims["softmax_max_difference"] <= 1e-12
    assert claims["shortcut_max_difference"] <= 1e-12
    assert abs(claims["gradient_sum"]) <= 1e-12


def check_lesson_8(claims: dict, printed: str) -> None:
    assert claims["order"] == ["a", "b", "c", "d", "L"]
    assert claims["step_by_step_equals_backward"] is True
    assert claims["a_grad"] == 0.5 and claims["square_grad"] == 4.0
    assert claims["grads_multiplied_by_calls"] is True
    assert claims["zero_grad_then_backward_is_fresh"] is True
    assert claims["no_grad_inputs"] == 0 and claims["no_grad_a_grad"] == 0.0
    assert claims["gradcheck_ok"] is True  # the finite-difference check passes
    assert claims["gradcheck_worst_error"] < 1e-6


def check_lesson_9(claims: dict, printed: str) -> None:
    assert claims["largest_difference"] <= 1e-9  # autograd = the handwritten backward
    assert claims["loss_difference_with_floats"] <= 1e-12
    assert claims["dots_predicted"] == claims["dots_counted"]
    assert claims["nodes_pure"] - claims["nodes_fused"] == claims["pure_minus_fused_predicted"]
    assert f"{claims['largest_difference']:.1e}" in printed


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
    assert claims["invented"] and all(isinstance(name, str) for name in claims["invented"])


CHECKS = {
    6: check_lesson_6, 7: check_lesson_7, 8: check_lesson_8, 9: check_lesson_9,
    10: check_lesson_10,
}  # fmt: skip


def test_run_returns_the_claims_in_process(tmp_path, capsys):
    """run() is what a notebook or a test calls: values by keyword, claims returned."""
    lesson07 = importlib.import_module("lessons.lesson07")
    claims = lesson07.run(lang="fr", quick=True, out=tmp_path, bias=-1.0, target="c")
    assert claims["exercises_done"] == [1, 2]
    assert claims["neuron_output"] == 0.0
    with pytest.raises(TypeError, match="no value"):
        lesson07.run(quick=True, out=tmp_path, temprature=0.5)


def test_a_value_the_lesson_cannot_use_is_an_error_not_a_crash(tmp_path, capsys):
    assert main(["7", "--target", "z", "--quick", "--out", str(tmp_path)]) == 2
    assert "target" in capsys.readouterr().err
    assert main(["8", "--eps", "0", "--quick", "--out", str(tmp_path)]) == 2
    assert main(["10", "--temperature", "0", "--quick", "--out", str(tmp_path)]) == 2  # at once
