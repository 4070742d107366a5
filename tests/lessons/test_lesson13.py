"""Lesson 13, growing the model: what it states is what the kernel computed.

The claims are read from the kernel's variables (tests/lessons/notebook_first.py),
in both languages, and the counted lines are counted again here, another way.
"""

from __future__ import annotations

import inspect
import io
import tokenize

import nbformat
import pytest

from lessons import progress
from lessons.__main__ import main
from lessons.kit.source import read_cells, source_path
from lessons.kit.writer import write_notebook
from lessons.texts import Text
from lessons.values.lesson13 import VALUES
from model import Config, autodiff, count_params, load_checkpoint, manual
from model.params import init_params
from tests.lessons.notebook_first import in_a_kernel, kernel_run, outputs
from tests.terminal import in_a_terminal

# The same quantity, named in each language.
SAME = {
    "fr": ["ecarts", "refus", "reference", "backend", "pertes", "inventes", "lignes_backward",
           "lignes_forward", "refus_tetes", "epoques"],
    "en": ["gaps", "refusal", "reference", "backend", "losses", "invented", "backward_lines",
           "forward_lines", "heads_refused", "epochs"],
}  # fmt: skip
GROWN = ["+ dropout", "+ dropout"]  # the last model of each language's table
RIGHT = ["--heads", "2", "--guess-lines", "60"]


def measured(lang: str) -> dict:
    """The lesson's quantities in `lang`, under the French names, in the table's order."""
    variables = kernel_run(13, lang)[1]
    got = {fr: variables[name] for fr, name in zip(SAME["fr"], SAME[lang])}
    for key in ("ecarts", "pertes", "inventes"):  # the model names differ: keep the order
        got[key] = list(got[key].values())
    return got


def code_lines(function) -> list[str]:
    """A function's code lines, found by its tokens: no blank line, comment or docstring."""
    tokens = tokenize.generate_tokens(io.StringIO(inspect.getsource(function)).readline)
    lines: set[int] = set()
    previous = None
    for token in tokens:
        docstring = (
            token.type == tokenize.STRING
            and previous is not None
            and (previous.type == tokenize.INDENT)
        )
        if token.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                              tokenize.DEDENT, tokenize.ENDMARKER) and not docstring:  # fmt: skip
            lines.update(range(token.start[0], token.end[0] + 1))
        previous = token
    return [line for n, line in enumerate(inspect.getsource(function).splitlines(), 1)
            if n in lines]  # fmt: skip


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_handwritten_backward_refuses_and_autograd_agrees_to_1e_12(lang):
    got = measured(lang)
    assert len(got["ecarts"]) == 5  # lesson 6's model and four notches of growth
    assert all(gap < 1e-12 for gap in got["ecarts"]), got["ecarts"]
    assert got["reference"] == "torch"  # the torch extra is installed for the tests
    assert got["backend"] == "torch"
    assert "lesson 6's shape only" in got["refus"] and "2 heads, 2 layers" in got["refus"]
    printed = "".join(outputs(kernel_run(13, lang)[0], "stream"))
    assert got["refus"] in printed and ": True" in printed  # "all under 1e-12: True"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_each_model_trains_and_invents_names(lang):
    got = measured(lang)
    assert got["epoques"] == 1  # the quick form
    assert all(2.0 < loss < 3.5 for loss in got["pertes"]), got["pertes"]  # ln 27 is 3.30
    assert all(len(names) == 4 and all(n.isalpha() or n == "" for n in names)
               for names in got["inventes"])  # fmt: skip


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_counted_lines_are_the_code_s(lang):
    got = measured(lang)
    assert got["lignes_backward"] == len(code_lines(manual.backward_steps))
    words = ("head", "layer", "norm", "mask")
    gained = len(code_lines(autodiff.normalize)) + sum(
        1 for function in (autodiff.forward_logits, autodiff.block, autodiff.attention)
        for line in code_lines(function) if any(w in line for w in words)
    )  # fmt: skip
    assert got["lignes_forward"] == gained
    assert got["lignes_forward"] < got["lignes_backward"]  # the forward grew by less
    assert "3" in got["refus_tetes"] and "[1, 2, 4, 8, 16]" in got["refus_tetes"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_head_adds_no_weight_a_layer_adds_many_and_the_grown_model_is_kept(lang):
    assert count_params(Config(heads=2)) == count_params(Config())  # "adds none"
    assert count_params(Config(heads=2, layers=2)) > count_params(Config(heads=2))
    folder = kernel_run(13, lang)[2] / "lesson_output"
    kept = folder / f"lesson13_{'grand' if lang == 'fr' else 'grown'}.ckpt.json"
    checkpoint = load_checkpoint(kept)
    assert checkpoint.config == Config(heads=2, layers=2, norm="rms", dropout=0.1)


def test_the_two_languages_measure_the_same_numbers():
    french, english = measured("fr"), measured("en")
    for key in ("refus", "refus_tetes"):  # Config's and the backward's own English
        assert french[key] == english[key]
    for key in ("ecarts", "pertes"):
        assert french[key] == pytest.approx(english[key], rel=1e-9, abs=1e-15)
    assert french["inventes"] == english["inventes"]
    assert [french[k] for k in SAME["fr"][6:8]] == [english[k] for k in SAME["fr"][6:8]]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_what_the_prose_says_is_what_the_code_does(lang):
    cells = read_cells(source_path(13, lang))
    prose = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    params = init_params()
    cache = manual.forward(params, [0, 16, 9, 11])
    assert len(manual.backward_steps(params, cache, 1)) == 7 and "7 " in prose
    assert "batch_size=32" in prose and "batch_size=32" in code
    assert "1e-12" in prose or "1e-12" in code
    assert "< 1e-12" in code  # the threshold printed is the one tested
    assert "dropout=0.1" in prose and "dropout=0.1)" in code
    # the exercise's Limit says 16 numbers: the width the heads share
    assert VALUES["heads"].limit.high == Config().embed_dim == 16


def test_options_fill_the_values_cells_and_do_every_exercise(tmp_path, capsys):
    assert main(["13", "--lang", "fr", "--quick", "--out", str(tmp_path), *RIGHT]) == 0
    printed = capsys.readouterr().out
    assert progress.exercises_done(tmp_path, "lesson13") == {1, 2}
    assert printed.count("✅") == 2 and "2/2" in printed


def test_values_out_of_range_are_refused_before_the_lesson(tmp_path, capsys):
    assert main(["13", "--heads", "17", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "heads" in err and "17" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_in_a_terminal_the_guesses_are_asked_before_their_answers(tmp_path):
    common = Text("common", "fr")
    ask, go_on = common("guess_prompt", name="X", value=0).split("X")[0], common("go_on")
    answers = {ask: ["2", "60"], go_on: [""] * 20}
    argv = ["13", "--lang", "fr", "--quick", "--out", str(tmp_path)]
    code, out, typed = in_a_terminal(argv, answers, timeout=240)
    assert code == 0, out[-2000:]
    assert typed[ask] == 2 and typed[go_on] >= 5  # it waited between the sections
    assert progress.exercises_done(tmp_path, "lesson13") == {1, 2}
    # the lines are counted only after the guess was asked
    assert out.index(ask + "guess_lines") < out.index("les 7 étapes du backward à la main :")


def test_a_guess_is_asked_with_the_notebook_s_input(tmp_path):
    """In a frontend that sends input (Jupyter, VS Code), a guess is typed under its cell."""
    notebook = nbformat.read(write_notebook(13, "en", tmp_path, quick=True), as_version=4)
    prompts, boxes, errors = in_a_kernel(notebook, tmp_path, ["4", "55"])
    assert not errors and len(prompts) == 2
    assert prompts[0].startswith(Text("common", "en")("guess_prompt", name="heads", value=3))
    green = [b for b in boxes if "lesson-check" in b and "#d4edda" in b]
    assert len(green) == 2 and "2/2" in green[-1] and any("lesson-trophy" in b for b in boxes)
