"""Lesson 12 (notebook-first): what it says jit does is what the kernel measured.

Its claims are read from the kernel's variables after a quick run of each language:
the neuron's backward in 8 lines and backward()'s numbers exactly, the mini-LLM's
program and lesson 6's gradients, 8 programs for training, the trap refused. Then the
options, a bad branch, and the guesses in a terminal and with the notebook's input.
"""

from __future__ import annotations

import inspect

import nbformat

from lessons import progress
from lessons.__main__ import main
from lessons.kit.writer import write_notebook
from lessons.texts import Text
from model import autodiff
from model.data import count_positions, load_names
from model.params import Config, count_params
from tests.lessons.notebook_first import execute, in_a_kernel, kernel_run, outputs
from tests.terminal import in_a_terminal

# The same quantity, named in each language.
SAME = {
    "fr": ["lignes", "ecart_neurone", "y_rejoue", "grads_rejoues", "ecart_llm", "programmes",
           "longueurs", "ecrits", "refuse", "lignes_a_la_main", "grads_compiles", "NEURONE"],
    "en": ["lines", "gap_neuron", "y_replayed", "grads_replayed", "gap_llm", "programs",
           "lengths", "written", "refused", "handwritten_lines", "grads_compiled", "NEURON"],
}  # fmt: skip
RIGHT = ["--guess-lines", "8", "--guess-programs", "8", "--branch", "relu"]


def measured(lang: str) -> dict:
    """The lesson's quantities in `lang`, under the French names."""
    variables = kernel_run(12, lang)[1]
    return {fr: variables[name] for fr, name in zip(SAME["fr"], SAME[lang])}


def printed(lang: str) -> str:
    return "".join(outputs(kernel_run(12, lang)[0], "stream"))


def test_jit_writes_the_neuron_s_backward_and_gives_backward_s_numbers():
    for lang in ("fr", "en"):
        got = measured(lang)
        assert got["lignes"] == 8  # exercise 1's answer: one line per arrow of the graph
        assert got["ecart_neurone"] == 0.0  # "exactly the same numbers"
        assert got["grads_rejoues"] == [2.0, 0.6, 1.0, -0.4, 1.0]  # x1, w1, x2, w2, 1
        assert abs(got["y_rejoue"] - 0.9) < 1e-15
        assert got["NEURONE"] == {"w1": 0.6, "x1": 2.0, "w2": -0.4, "x2": 1.0, "b": 0.1}
        text = printed(lang)  # the code it wrote, as printed
        assert "    g_x1 = w1 * g_p1\n" in text and "    y = s if s > 0.0 else 0.0\n" in text


def test_the_mini_llm_s_program_is_lesson_6_s_backward():
    for lang in ("fr", "en"):
        got = measured(lang)
        assert got["ecart_llm"] <= 1e-12
        assert len(got["grads_compiles"]) == count_params()
        text = printed(lang)
        # The prose reads the side by side: outer(d_logits, x2), g_logits_26 is d_logits[26].
        assert "d_W_out = outer(d_logits, x2)" in text
        assert "g_W_out_26_0 = x2_0 * g_logits_26" in text and Config().vocab_size == 27
        assert f"{Text('common', lang).number(count_params(), 'd')} " in text
        # the whole program, saved for the learner to open: the one whose lines were counted
        folder = kernel_run(12, lang)[2] / "lesson_output"
        saved = (folder / f"lesson12_{'programme' if lang == 'fr' else 'program'}.py").read_text()
        assert saved.startswith("def ") and "    # backward" in saved
        backward = saved.split("# backward", 1)[1].splitlines()[1:]
        counted = sum(" = " in line or " += " in line for line in backward) - 1  # not g_y = 1.0
        assert counted > 10_000 and f": {Text('common', lang).number(counted, 'd')} " in text


def test_training_needs_one_program_per_window_length():
    for lang in ("fr", "en"):
        got = measured(lang)
        assert got["programmes"] == 8 == got["ecrits"]  # exercise 2's answer, all recorded
        assert got["longueurs"] == list(range(1, Config().context + 1))
        epoch = Text("common", lang).number(count_positions(load_names()), "d")
        assert f" {epoch} positions" in printed(lang)


def test_the_timing_table_has_the_three_ways_and_the_quick_run_times_200_positions():
    for lang, names in (("fr", "à la main (leçon 6)"), ("en", "handwritten (lesson 6)")):
        variables = kernel_run(12, lang)[1]
        assert len(variables["ms"]) == 3 and all(ms > 0 for ms in variables["ms"].values())
        assert next(iter(variables["ms"])) == names
        assert len(variables["positions"]) == 200  # quick: a few seconds on this machine


def test_the_trap_is_refused_with_where_and_what_to_write():
    for lang in ("fr", "en"):
        assert measured(lang)["refuse"] is True  # the values cell's "data"
        text = printed(lang)
        assert "if z.data > 0.0:" in text and "x.relu()" in text
    # "the softmax now writes Value.max(scores).detach()"
    assert "Value.max(scores).detach()" in inspect.getsource(autodiff)


def test_the_two_languages_measure_the_same_numbers():
    assert measured("fr") == measured("en")


def test_options_change_the_values_cells_and_do_every_exercise(tmp_path, capsys):
    argv = ["12", "--lang", "fr", "--quick", "--out", str(tmp_path), *RIGHT]
    assert main(argv) == 0
    said = capsys.readouterr().out
    assert progress.exercises_done(tmp_path, "lesson12") == {1, 2, 3}
    assert said.count("✅") == 3 and "3/3" in said
    # relu: recorded switched on, replayed switched off, every gradient 0
    assert "rejoué avec x = -3 : y = 0, gradients 0 et 0" in said


def test_a_branch_too_long_is_refused_before_the_lesson(tmp_path, capsys):
    assert main(["12", "--branch", "x" * 11, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "branch" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_in_a_notebook_an_unknown_branch_stops_its_cell_with_the_reason(tmp_path):
    notebook = nbformat.read(write_notebook(12, "en", tmp_path, quick=True), as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    neurons = next(c for c in code if c.source.startswith("def neuron_that_reads("))
    values = next(c for c in code if c.source.startswith('branch = "data"'))
    chosen = next(c for c in code if c.source.startswith('branch = checked("branch"'))
    values.source = values.source.replace('"data"', '"sign"')
    notebook.cells = [code[0], neurons, values, chosen]
    execute(notebook, tmp_path, allow_errors=True)
    errors = [o for o in chosen.outputs if o.output_type == "error"]
    assert errors and errors[0].ename == "ValueError"
    assert 'branch must be "data" or "relu", not "sign"' in errors[0].evalue


def test_in_a_terminal_each_guess_is_asked_before_its_answer(tmp_path):
    common = Text("common", "en")
    ask, go_on = common("guess_prompt", name="X", value=0).split("X")[0], common("go_on")
    answers = {ask: ["8", "7"], go_on: [""] * 20}
    argv = ["12", "--lang", "en", "--quick", "--out", str(tmp_path)]
    code, out, typed = in_a_terminal(argv, answers, timeout=300)
    assert code == 0, out[-2000:]
    assert typed[ask] == 2 and typed[go_on] >= 4  # it waited between the sections
    assert progress.exercises_done(tmp_path, "lesson12") == {1}  # 7 programs is not it
    assert out.index(ask + "guess_lines") < out.index("g_x1 = w1 * g_p1")
    assert out.index(ask + "guess_programs") < out.index("8 programs recorded")


def test_a_guess_is_asked_with_the_notebook_s_input(tmp_path):
    """In Jupyter or VS Code, the two guesses are typed under their cells."""
    notebook = nbformat.read(write_notebook(12, "fr", tmp_path, quick=True), as_version=4)
    last = next(i for i, c in enumerate(notebook.cells)
                if c.source.startswith("from model.data import load_names"))  # fmt: skip
    notebook.cells = notebook.cells[: last + 1]  # up to exercise 2's box: no timing
    prompts, boxes, errors = in_a_kernel(notebook, tmp_path, ["8", "8"])
    assert not errors and len(prompts) == 2
    assert prompts[0].startswith(Text("common", "fr")("guess_prompt", name="guess_lines", value=0))
    green = [b for b in boxes if "lesson-check" in b and "#d4edda" in b]
    assert len(green) == 2 and "2/3" in green[-1]
