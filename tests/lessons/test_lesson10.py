"""Lesson 10, training with autograd: what it states is what the kernel computed.

The claims are read from the kernel's variables (tests/lessons/notebook_first.py),
in both languages; the options are given to an in-process run; the guess is
answered in a pseudo-terminal.
"""

from __future__ import annotations

import math
import re

import pytest

from lessons import progress
from lessons.__main__ import main
from lessons.kit.session import RunOptions
from lessons.kit.source import read_cells, source_path
from lessons.kit.terminal import run
from lessons.texts import Text
from model import VOCAB, encode, init_params, manual
from tests.lessons.notebook_first import kernel_run, outputs
from tests.terminal import in_a_terminal

# The same quantity, named in each language.
SAME = {
    "fr": ["ecart_boucle", "a_la_main", "par_autograd", "noms_boucle", "ecart_vitesse",
           "pertes_vitesse", "passages", "debut", "fin", "finale", "est_descendue",
           "divergents", "verdict", "meilleur", "inventes", "part_favorite", "lettre",
           "pas_torch"],
    "en": ["loop_gap", "by_hand", "by_autograd", "loop_names", "speed_gap", "speed_losses",
           "passes", "start_loss", "end_loss", "final", "went_down", "blew_up", "verdict",
           "best", "invented", "favourite_share", "letter", "torch_steps"],
}  # fmt: skip
DONE = {"guess_loop_gap": 0.0, "sgd_lr": 0.05, "temperature": 0.5, "prefix": ".pik"}


def measured(lang: str) -> dict:
    """The lesson's quantities in `lang`, under the French names."""
    variables = kernel_run(10, lang)[1]
    return {fr: variables[name] for fr, name in zip(SAME["fr"], SAME[lang])}


def printed(lang: str) -> str:
    return "".join(outputs(kernel_run(10, lang)[0], "stream"))


def prose(lang: str) -> str:
    cells = read_cells(source_path(10, lang))
    return "\n".join(c.source for c in cells if c.cell_type == "markdown")


def written(lang: str, x: float, spec: str) -> str:
    """A figure as the lesson prints it: 0.5 in English, 0,5 in French."""
    return Text("common", lang).number(x, spec)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_loop_gives_the_same_losses_whoever_finds_the_gradients(lang):
    got = measured(lang)
    assert got["ecart_boucle"] <= 1e-9  # "the two trainings never part"
    assert len(got["a_la_main"]) == len(got["par_autograd"]) > 20
    assert got["a_la_main"][0] > 3.0  # a real loss, near log(27) at the start
    assert len(got["noms_boucle"]) == 6  # the quick form
    assert written(lang, got["ecart_boucle"], ".1e") in printed(lang)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_three_ways_end_the_epoch_with_one_loss_and_the_handwritten_is_fastest(lang):
    variables = kernel_run(10, lang)[1]
    speeds = variables["vitesses" if lang == "fr" else "speeds"]
    assert set(speeds) == {"manual", "autograd (fused)", "autograd (pure)"}
    assert all(v > 0 for v in speeds.values())
    # "the handwritten backward is the fastest, the pure autograd the slowest" (measured on
    # a busy machine: about 10 and 4 times the pure autograd's speed)
    assert speeds["manual"] > speeds["autograd (fused)"] > speeds["autograd (pure)"]
    assert measured(lang)["ecart_vitesse"] <= 1e-9  # "all three end with the same loss"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sgd_and_adam_both_learn_and_the_verdict_is_the_one_the_losses_allow(lang):
    got = measured(lang)
    variables = kernel_run(10, lang)[1]
    clear_gap = variables["ECART_NET" if lang == "fr" else "CLEAR_GAP"]
    assert got["passages"] == 2  # "in the short form, 2 at most" (epochs is 3)
    assert all(got["est_descendue"].values()) and len(got["est_descendue"]) == 2
    assert got["divergents"] == []
    sgd, adam = got["finale"]["SGD (lr 0.01)"], got["finale"]["Adam (lr 0.003)"]
    assert math.isfinite(sgd) and math.isfinite(adam)
    if adam < sgd - clear_gap:
        assert got["verdict"] == "adam_ahead"
    elif sgd < adam - clear_gap:
        assert got["verdict"] == "sgd_ahead"
    else:
        assert got["verdict"] == "even"
    said = printed(lang)
    assert written(lang, sgd, ".3f") in said and written(lang, adam, ".3f") in said
    assert got["meilleur"] == min(got["finale"], key=got["finale"].get)
    picture = "sgd_contre_adam" if lang == "fr" else "sgd_against_adam"
    saved = kernel_run(10, lang)[2] / "lesson_output" / f"lesson10_{picture}.png"
    assert saved.stat().st_size > 1000  # the curves, drawn by matplotlib


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_lower_temperature_gives_the_favourite_letter_a_bigger_share(lang):
    got = measured(lang)
    share = got["part_favorite"]  # JSON keys: "0.5", "0.8", "1.0", "2.0"
    assert share["0.5"] > share["0.8"] > share["1.0"] > share["2.0"]
    said = printed(lang)
    assert written(lang, share["0.5"], ".1%") in said and written(lang, share["2.0"], ".1%") in said
    assert len(got["inventes"]) == 8 and all(re.fullmatch("[a-z]*", n) for n in got["inventes"])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pytorch_s_sgd_steps_with_the_gradient_and_adam_the_same_for_both(lang):
    steps = measured(lang)["pas_torch"]
    assert steps["SGD"] == pytest.approx([0.01, 1.0])  # "100 times bigger"
    assert steps["Adam"] == pytest.approx([0.01, 0.01], rel=1e-4)  # "the same for both"


def test_the_two_languages_measure_the_same_numbers():
    assert measured("fr") == measured("en")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_numbers_in_the_prose_are_the_code_s(lang):
    text, variables = prose(lang), kernel_run(10, lang)[1]
    params, ids = init_params(), encode(".pika")
    steps = manual.backward_steps(params, manual.forward(params, ids), ids[-1])
    assert f"{len(steps)} " in text  # "lesson 6's backward in 7 steps"
    assert f"log({len(VOCAB)}) ≈ {written(lang, math.log(len(VOCAB)), '.1f')}" in text
    assert round(-math.log(1e-8)) == 18 and "18" in text and "p = 1e-8" in text
    contenders = variables["duels" if lang == "fr" else "contenders"]
    assert contenders["Adam (lr 0.003)"]["lr"] == 0.003 and written(lang, 0.003, "g") in text
    assert len(variables["facons" if lang == "fr" else "ways"]) == 3
    assert ("trois façons" if lang == "fr" else "three ways") in text


def test_options_fill_the_values_cells_and_do_every_exercise(tmp_path):
    options = RunOptions(out=tmp_path, quick=True, interactive=False, given=dict(DONE))
    namespace = run(10, "en", options)
    assert progress.exercises_done(tmp_path, "lesson10") == {1, 2, 3, 4}
    assert namespace["sgd_lr"] == 0.05 and namespace["temperature"] == 0.5
    assert namespace["invented"] and all(n.startswith("pik") for n in namespace["invented"])
    assert "SGD (lr 0.05)" in namespace["final"]
    # The lesson calls a run diverged only when its loss really blew up.
    diverged = namespace["diverged"]
    healthy = [3.3 - i / 1000 for i in range(1000)]
    healthy[500] = 18.0  # p = 1.5e-8 for the right letter: it happens in a healthy run
    assert not diverged(healthy)
    assert diverged([3.3] * 500 + [1e3] * 100 + [3.0] * 400)
    assert diverged([3.3, 3.2, math.nan, 3.1]) and diverged([3.3, math.inf])
    assert not diverged([3.3, 3.0, 2.8])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--epochs", "31"], "choose a value from 1 to 30"),
        (["--sgd-lr", "1e6"], "makes the loss explode"),
        (["--temperature", "0"], "temperature"),
        (["--prefix", ".abcdefghijklmnopqrstuvwxyz"], "27 characters long"),
    ],
)
def test_values_out_of_range_are_refused_before_the_lesson(argv, message, tmp_path, capsys):
    assert main(["10", *argv, "--quick", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_in_a_terminal_the_guess_is_asked_before_its_answer(tmp_path):
    common = Text("common", "fr")
    ask, go_on = common("guess_prompt", name="X", value=0).split("X")[0], common("go_on")
    answers = {ask: ["0,0"], go_on: [""] * 30}
    argv = ["10", "--lang", "fr", "--quick", "--out", str(tmp_path)]
    code, out, typed = in_a_terminal(argv, answers, timeout=300)
    assert code == 0, out[-2000:]
    assert typed[ask] == 1 and typed[go_on] >= 4  # it waited between the sections
    assert progress.exercises_done(tmp_path, "lesson10") == {1}
    assert out.index(ask + "guess_loop_gap") < out.index("plus grand écart :")
