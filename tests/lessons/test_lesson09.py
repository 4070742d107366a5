"""Lesson 9, the mini-LLM built from Values: what it states is what the kernel computed.

The claims are read from the kernel's variables (tests/lessons/notebook_first.py), in
both languages; the guess is answered in a pseudo-terminal.
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
from model.params import Config
from tests.autograd.test_player import page_script
from tests.lessons.notebook_first import kernel_run, outputs
from tests.terminal import in_a_terminal

# The same quantity, named in each language.
SAME = {
    "fr": ["ecart_loss", "fusionne", "pur", "par_longueur", "par_lettre_pur", "par_nom", "en_plus",
           "ecart_pur", "prevu", "utilises", "tous", "ecart_une_position", "pire_poids",
           "ecart_positions", "ecart_etapes", "avec_gradient", "combien", "fixe", "par_lettre",
           "noeuds_torch", "gradients_produits", "ids", "cible", "n"],
    "en": ["loss_gap", "fused_counts", "pure_counts", "by_length", "pure_per_letter", "per_name",
           "extra", "pure_gap", "predicted", "used", "every", "gap_one_position", "worst_weight",
           "gap_positions", "steps_gap", "with_grad", "how_many", "fixed", "per_letter",
           "torch_nodes", "product_grads", "ids", "target", "n"],
}  # fmt: skip
# The right values, as a learner gives them: 8 letters, 107 + 33 × 8 dots, another weight.
RIGHT = ["--window", ".bulbiza", "--guess-dots", "371", "--weight", "tok_emb"]
CONFIG = Config()


KINDS = {"weights": "poids", "constants": "constantes"}  # the leaves' kinds, named in English


def measured(lang: str) -> dict:
    """The lesson's quantities in `lang`, under the French names."""
    variables = kernel_run(9, lang)[1]
    got = {fr: variables[name] for fr, name in zip(SAME["fr"], SAME[lang])}
    for counts in ("fusionne", "pur"):
        got[counts] = {KINDS.get(kind, kind): many for kind, many in got[counts].items()}
    return got


def printed(lang: str) -> str:
    """Everything the lesson printed in the kernel."""
    return "".join(outputs(kernel_run(9, lang)[0], "stream"))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_values_give_the_float_loss_and_the_handwritten_gradients(lang):
    got = measured(lang)
    assert got["ecart_loss"] <= 1e-12  # "the same number"
    # "rounding, in the 16th digit": one position, many positions, the 7 steps
    assert 0 < got["ecart_une_position"] < 1e-15
    assert got["ecart_positions"] < 1e-15 and got["ecart_etapes"] < 1e-15
    # "all 16 products have the same gradient"
    assert len(got["gradients_produits"]) == 1 and got["gradients_produits"][0] != 0
    # exercise 3's hint, for Wq: "all 256 numbers have a gradient"
    assert got["avec_gradient"] == got["combien"] == CONFIG.embed_dim**2
    assert got["noeuds_torch"] <= 3  # PyTorch: one node for the whole dot product


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_counts_are_what_the_formula_says(lang):
    got = measured(lang)
    assert got["n"] == len(".pik") == len(got["ids"])
    assert (got["fixe"], got["par_lettre"]) == (107, 33)  # "107 + 33 × n"
    assert got["prevu"] == 107 + 33 * got["n"] == got["fusionne"]["dot"] == 239
    assert "dot" not in got["pur"] and got["fusionne"]["*"] < got["pur"]["*"]
    assert got["ecart_pur"] == got["en_plus"]  # pure minus fused, predicted
    # the weights in the graph: fewer than all, the embedding rows of absent letters missing
    absent = (CONFIG.vocab_size - len(set(got["ids"]))) + (CONFIG.context - got["n"])
    assert got["utilises"] == got["tous"] - absent * CONFIG.embed_dim
    # the chart uses the table's window at its length, and grows by the same step
    lengths = got["par_longueur"]
    assert lengths[str(got["n"])] == [got["pur"]["total"], got["fusionne"]["total"]]
    steps = {lengths[str(k + 1)][0] - lengths[str(k)][0] for k in range(1, CONFIG.context)}
    assert steps == {got["par_lettre_pur"]}
    assert got["par_nom"] == sum(lengths[str(min(p + 1, 8))][0] for p in range(10))


def test_the_two_languages_measure_the_same_numbers():
    assert measured("fr") == measured("en")


FIXED = {
    "fr": ["{E} pour la requête", "2 × n × {E} pour les clés", "{E} pour la sortie",
           "{H} + {E} pour le MLP", "{V} pour les logits", "w{E}*x{E}", "{E} nœuds `*`",
           "{C} au plus", "de 1 à {C} lettres", "les {S} étapes", "{E} produits", "1/sqrt({E})",
           "0,25"],
    "en": ["{E} for the query", "2 × n × {E} for the keys", "{E} for the attention output",
           "{H} + {E} for the MLP", "{V} for the logits", "w{E}*x{E}", "{E} `*` nodes",
           "{C} at most", "of 1 to {C} letters", "the {S} steps", "{E} products",
           "1/sqrt({E})", "0.25"],
}  # fmt: skip


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_fixed_numbers_of_the_prose_are_the_model_s(lang):
    cells = read_cells(source_path(9, lang))
    prose = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    E, H, V, C = CONFIG.embed_dim, CONFIG.hidden_dim, CONFIG.vocab_size, CONFIG.context
    S = len(re.findall(r"^\d .* (?:écart max|max diff)", printed(lang), re.MULTILINE))
    assert S == 7 and 1 / math.sqrt(E) == 0.25
    for text in FIXED[lang]:
        assert text.format(E=E, H=H, V=V, C=C, S=S) in prose, text
    assert len(".bulbiza") == C  # "try .bulbiza", 8 letters
    assert E + E + H + E + V == 107 and 2 * E + 1 == 33  # the formula's numbers


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_numbers_are_written_the_language_s_way(lang):
    said = printed(lang)
    assert Text("common", lang).number(2400, ",") in said and "2400" not in said
    assert not re.search(r"(?<![\w.,])-0(?![\d.,])", said)  # no minus zero
    if lang == "fr":
        assert not re.search(r"\d\.\d", said) and "5,005" in said
    else:
        assert not re.search(r"\d,\d{1,2}\b", said) and "5.005" in said


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_pictures_and_the_player_speak_the_lesson_s_language(lang):
    notebook, _, folder = kernel_run(9, lang)
    pages = outputs(notebook, "text/html")
    drawn = outputs(notebook, "image/svg+xml") or [p for p in pages if "Viz.instance()" in p]
    assert len(drawn) == 2  # one box a step, then one score
    scopes = drawn[0]
    if lang == "fr":
        assert "valeurs" in scopes and "feuilles" in scopes
        assert not re.search(r"\bvalues\b|\bleaves\b", scopes)
        assert "2\u202f400" in scopes or "2&#8239;400" in scopes
    else:
        assert "values" in scopes and "2,400" in scopes
    [player] = [p for p in (folder / "lesson_output").iterdir() if "player" in p.name
                or "lecteur" in p.name]  # fmt: skip
    page = player.read_text("utf-8")
    assert f'<html lang="{lang}">' in page
    script = page_script(page)
    notes = [script["boxes"][step["box"]]["notes"] for step in script["steps"]]
    first = "étape " if lang == "fr" else "handwritten step"
    assert len(notes) == 10 and all(n[0].startswith(first) for n in notes)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_7_steps_are_listed_with_what_they_compute(lang):
    said = printed(lang)
    steps = re.findall(r"^(\d) (\S[^\n]*?) +(?:écart max|max diff)", said, re.MULTILINE)
    assert [int(number) for number, _ in steps] == list(range(1, 8))
    attention = said.split("6 attention", 1)[1].split("7 embeddings", 1)[0]
    assert "d_scores" in attention and "attention/qkv" in attention


def test_options_fill_the_values_cells_and_do_every_exercise(tmp_path, capsys):
    assert main(["9", "--lang", "fr", "--quick", "--out", str(tmp_path), *RIGHT]) == 0
    said = capsys.readouterr().out
    assert progress.exercises_done(tmp_path, "lesson09") == {1, 2, 3}
    assert said.count("✅") == 3 and "3/3" in said
    given = {"window": ".bulbiza", "weight": "tok_emb"}
    options = RunOptions(out=tmp_path / "again", quick=True, interactive=False, given=given)
    namespace = run(9, "en", options)
    assert namespace["window"] == ".bulbiza" and namespace["n"] == 8
    assert namespace["fused_counts"]["dot"] == 107 + 33 * 8 == 371
    assert namespace["guess_dots"] == 0  # the values cell's own value, not given
    # tok_emb: only the rows of the window's letters get a gradient
    assert namespace["with_grad"] == len(set(namespace["ids"])) * CONFIG.embed_dim
    assert namespace["how_many"] == CONFIG.vocab_size * CONFIG.embed_dim


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--next-letter", "zz"], "next_letter"),
        (["--window", "a" * 500], "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...', 500 characters"),
        (["--window", ".Pik!"], "['!', 'P']"),
        (["--weight", "W9"], "W9"),
    ],
)
def test_values_the_lesson_cannot_use_are_refused_with_the_reason(argv, said, tmp_path, capsys):
    assert main(["9", "--quick", "--out", str(tmp_path / "o"), *argv]) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


def test_in_a_terminal_the_guess_is_asked_before_its_answer(tmp_path):
    common = Text("common", "fr")
    ask, go_on = common("guess_prompt", name="X", value=0).split("X")[0], common("go_on")
    argv = ["9", "--lang", "fr", "--quick", "--out", str(tmp_path)]
    code, out, typed = in_a_terminal(argv, {ask: ["239"], go_on: [""] * 30}, timeout=240)
    assert code == 0, out[-2000:]
    assert typed[ask] == 1 and typed[go_on] >= 4  # it waited between the sections
    assert progress.exercises_done(tmp_path, "lesson09") == {2}
    asked = out.index(ask + "guess_dots")
    assert "239" not in out[:asked] and "= 239" in out[asked:]
