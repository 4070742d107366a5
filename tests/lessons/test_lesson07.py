"""Lesson 7, a number that remembers: what it states is what the kernel computed.

The claims are read from the kernel's variables (tests/lessons/notebook_first.py),
in both languages; the guesses are answered in a pseudo-terminal and with the
notebook's own input().
"""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from lessons import progress
from lessons.__main__ import main
from lessons.kit.session import RunOptions
from lessons.kit.source import read_cells, source_path
from lessons.kit.terminal import run
from lessons.kit.writer import write_notebook
from lessons.texts import Text
from model import manual
from model.data import encode
from model.params import Config, init_params
from tests.lessons.notebook_first import execute, in_a_kernel, kernel_run, outputs
from tests.terminal import as_in_a_terminal, in_a_terminal, until_it_waits

ROOT = Path(__file__).resolve().parents[2]
# The same quantity, named in each language.
SAME = {
    "fr": ["ecart_valeur", "ecart_projet", "ecart_softmax", "somme", "pire", "pertes", "probas",
           "a_la_main", "partie_allumee", "ecart_torch", "s"],
    "en": ["gap_mine", "gap_project", "gap_softmax", "grad_sum", "worst", "losses", "probs",
           "by_hand", "on_part", "gap_torch", "s"],
}  # fmt: skip
RIGHT = ["--bias", "-1", "--guess-sum", "0", "--target", "c"]


def measured(lang: str) -> dict:
    """The lesson's quantities in `lang`, under the French names."""
    variables = kernel_run(7, lang)[1]
    return {fr: variables[name] for fr, name in zip(SAME["fr"], SAME[lang])}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_learner_s_value_gives_the_handwritten_and_the_project_s_gradients(lang):
    got = measured(lang)
    assert got["ecart_valeur"] == 0.0  # "the same numbers" as by hand
    assert got["ecart_projet"] == 0.0  # autograd.Value: the same idea
    assert got["ecart_softmax"] == 0.0
    assert abs(got["somme"]) < 1e-15  # exercise 2: the sum is 0, but for rounding
    assert got["pire"] == "c" and got["pertes"]["c"] == max(got["pertes"].values())
    assert got["ecart_torch"] < 1e-15  # PyTorch (installed with the torch extra) agrees
    assert got["a_la_main"] == {"x1": 0.6, "w1": 2.0, "x2": -0.4, "w2": 1.0, "b": 1.0}


def test_the_two_languages_measure_the_same_numbers():
    assert measured("fr") == measured("en")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_what_the_prose_says_is_what_the_code_does(lang):
    cells = read_cells(source_path(7, lang))
    prose = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    code = [c.source for c in cells if c.cell_type == "code"]
    # "like the 32 of the mini-LLM's MLP"
    assert f"{Config().hidden_dim} " in prose
    # "a Value in about sixty lines": from the class to backward(), comments included
    first = next(i for i, c in enumerate(code) if re.search(r"^class ", c, re.MULTILINE))
    last = next(i for i, c in enumerate(code) if ".backward = backward" in c)
    lines = sum(len(c.strip().splitlines()) for c in code[first : last + 1])
    assert 45 <= lines <= 70, lines
    printed = "".join(outputs(kernel_run(7, lang)[0], "stream"))
    # our recursive backward stops on a deep graph, the project's does not
    assert "RecursionError" in printed and printed.count("RecursionError") == 1
    assert "the logarithm is defined only for numbers > 0" in printed  # its clear error


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_drawing_and_the_player_show_inline_in_the_lesson_s_language(lang):
    notebook, _, folder = kernel_run(7, lang)
    pages = outputs(notebook, "text/html")
    assert any(page.startswith("<iframe srcdoc") for page in pages)  # the player
    assert any(f"lang=&quot;{lang}&quot;" in page for page in pages)  # escaped in srcdoc
    viz = [p for p in pages if "Viz.instance()" in p and not p.startswith("<iframe")]
    drawn = outputs(notebook, "image/svg+xml") + viz  # with `dot`, or with viz.js
    assert drawn and ("0,6" in drawn[0]) == (lang == "fr")  # numbers the language's way
    assert {p.name for p in (folder / "lesson_output").iterdir()} >= {
        f"lesson07_{'neurone' if lang == 'fr' else 'neuron'}.html"
    }


def test_options_change_the_values_cells_and_do_every_exercise(tmp_path, capsys):
    assert main(["7", "--lang", "fr", "--out", str(tmp_path), *RIGHT]) == 0
    printed = capsys.readouterr().out
    assert progress.exercises_done(tmp_path, "lesson07") == {1, 2, 3}
    assert printed.count("✅") == 3 and "🏆" in printed and "3/3" in printed
    assert "-0,8" in printed and not re.search(r"(?<![\w.,])-0(?![\d.,])", printed)
    options = RunOptions(out=tmp_path / "again", interactive=False, given={"bias": -1.0})
    namespace = run(7, "en", options)
    assert namespace["bias"] == -1.0 and namespace["y_exercise"].data == 0.0
    assert namespace["guess_sum"] == 1.0  # the values cell's own value, not given


def test_values_out_of_range_are_refused_before_the_lesson(tmp_path, capsys):
    assert main(["7", "--target", "abc", "--out", str(tmp_path / "o")]) == 2
    assert main(["7", "--bias", "nan", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "target" in err and "nan" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_in_a_notebook_a_bad_value_stops_its_cell_with_the_reason(tmp_path):
    notebook = nbformat.read(write_notebook(7, "fr", tmp_path, quick=True), as_version=4)
    values = next(c for c in notebook.cells if c.source.startswith("bias = 0.1"))
    values.source = values.source.replace("bias = 0.1", 'bias = float("nan")')
    execute(notebook, tmp_path, allow_errors=True)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors and errors[0].ename == "BadValue"
    assert errors[0].traceback == [f"BadValue: {errors[0].evalue}"]  # no traceback
    assert "bias" in errors[0].evalue and "nan" in errors[0].evalue


def test_a_guess_is_asked_with_the_notebook_s_input(tmp_path):
    """In a frontend that sends input (Jupyter, VS Code), a guess is typed under its cell."""
    notebook = nbformat.read(write_notebook(7, "en", tmp_path, quick=True), as_version=4)
    answers = ["-1", "0", "c"]  # the bias that switches it off, the sum, the letter
    prompts, boxes, errors = in_a_kernel(notebook, tmp_path, answers)
    assert not errors and len(prompts) == 3
    assert prompts[0].startswith(Text("common", "en")("guess_prompt", name="bias", value=0.1))
    green = [b for b in boxes if "lesson-check" in b and "#d4edda" in b]
    assert len(green) == 3 and "3/3" in green[-1] and any("lesson-trophy" in b for b in boxes)


def test_in_a_terminal_it_pauses_and_asks_the_guesses_before_their_answers(tmp_path):
    common = Text("common", "fr")
    ask, go_on = common("guess_prompt", name="X", value=0).split("X")[0], common("go_on")
    answers = {ask: ["-1", "0,0", "c"], go_on: [""] * 20}
    argv = ["7", "--lang", "fr", "--out", str(tmp_path)]
    code, out, typed = in_a_terminal(argv, answers)
    assert code == 0, out[-2000:]
    assert typed[ask] == 3 and typed[go_on] >= 4  # it waited between the sections
    assert progress.exercises_done(tmp_path, "lesson07") == {1, 2, 3}
    # the sum's gradients appear only after the sum was asked
    assert out.index(ask + "guess_sum") < out.index("dloss/dz_a : backward()   -0,341")


def test_ctrl_c_at_a_guess_ends_the_lesson_without_a_traceback(tmp_path):
    common = Text("common", "en")
    ask, go_on = common("guess_prompt", name="guess_sum", value=1.0), common("go_on")
    leader, follower = pty.openpty()
    argv = ["7", "--lang", "en", "--out", str(tmp_path), "--bias=-1"]
    child = subprocess.Popen(
        [sys.executable, "-m", "lessons", *argv], cwd=ROOT, stdin=follower, stdout=follower,
        stderr=follower, close_fds=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=as_in_a_terminal,
    )  # fmt: skip
    os.close(follower)
    seen, pauses, deadline = "", 0, time.monotonic() + 180
    try:
        while ask not in seen and time.monotonic() < deadline:
            if select.select([leader], [], [], 0.2)[0]:
                seen += os.read(leader, 65536).decode("utf-8", "replace")
            if seen.count(go_on) > pauses:  # Enter at each pause, up to the question
                os.write(leader, b"\n")
                pauses += 1
        until_it_waits(child.pid)  # at the question
        child.send_signal(signal.SIGINT)  # what Ctrl-C at the question sends
        give_up = time.monotonic() + 120  # a busy machine: keep reading until it ends
        while child.poll() is None and time.monotonic() < give_up:
            if select.select([leader], [], [], 0.2)[0]:
                try:
                    seen += os.read(leader, 65536).decode("utf-8", "replace")
                except OSError:
                    break
        try:
            code = child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the lesson went on after Ctrl-C; it printed:\n{seen[-3000:]}")
        while select.select([leader], [], [], 0.2)[0]:
            try:
                seen += os.read(leader, 65536).decode("utf-8", "replace")
            except OSError:
                break
    finally:
        if child.poll() is None:
            child.kill()
        os.close(leader)
    assert code == 130 and "Traceback" not in seen and "Ctrl-C" in seen
    assert progress.exercises_done(tmp_path, "lesson07") == {1}  # done before: kept


def test_a_cell_run_before_the_ones_above_it_names_the_missing_cell(tmp_path):
    notebook = nbformat.read(write_notebook(7, "fr", tmp_path, quick=True), as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    too_early = next(c for c in code if c.source.startswith("y, entrees = neurone(0.1)"))
    notebook.cells = [code[0], too_early]  # the start cell, then a cell from step 2
    execute(notebook, tmp_path, allow_errors=True)
    errors = [o for o in too_early.outputs if o.output_type == "error"]
    said = "".join(o.text for o in too_early.outputs if o.output_type == "stream")
    assert errors and errors[0].ename == "NameError"
    defining = next(i for i, c in enumerate(code, 1) if c.source.startswith("def neurone("))
    assert f"neurone est défini par la cellule de code n° {defining}" in said
    assert "« Étape 2 : un neurone, à la main et avec backward() »" in said


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_source_runs_as_a_plain_python_script(lang, tmp_path):
    done = subprocess.run(
        [sys.executable, str(source_path(7, lang))], cwd=tmp_path, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("💡") == 3  # the three checks, as coloured lines
    assert (tmp_path / "lesson_output" / "progress.json").exists() is False  # nothing done


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_counted_words_of_the_prose_are_the_code_s(lang):
    """ "the 7 steps" of lesson 6, a Value keeps "five things", "five operations"."""
    cells = read_cells(source_path(7, lang))
    prose = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    params, ids = init_params(), encode(".pika")
    steps = manual.backward_steps(params, manual.forward(params, ids), ids[-1])
    assert len(steps) == 7 and f"{len(steps)} " in prose
    init = code.split("def __init__", 1)[1].split("def __repr__", 1)[0]
    assert len(re.findall(r"^\s+self\.\w+ = ", init, re.MULTILINE)) == 5
    assert ("cinq choses" if lang == "fr" else "five things") in prose
    operations = set(re.findall(r'\), "([^"]+)"\)', code))  # Valeur(..., (slopes), "op")
    assert operations == {"+", "*", "exp", "log", "relu"}
    assert ("Cinq opérations" if lang == "fr" else "Five operations") in prose


def test_help_lists_the_values_and_reset_forgets_the_exercises(tmp_path, capsys):
    assert main(["7", "--help"]) == 0
    helped = capsys.readouterr().out
    assert all(f"--{option}" in helped for option in ("bias", "guess-sum", "target", "quick"))
    assert main(["7", "--out", str(tmp_path), "--bias", "-1"]) == 0
    assert progress.exercises_done(tmp_path, "lesson07") == {1}
    assert main(["7", "--out", str(tmp_path), "--reset", "--target", "c"]) == 0
    assert progress.exercises_done(tmp_path, "lesson07") == {3}  # 1 forgotten, 3 done now


def test_ctrl_d_at_a_pause_runs_the_rest_straight_through(tmp_path):
    go_on = Text("common", "en")("go_on")
    argv = ["7", "--lang", "en", "--out", str(tmp_path)]
    code, out, typed = in_a_terminal(argv, {go_on: ["\x04"]})  # Ctrl-D, then Enter
    assert code == 0 and typed[go_on] == 1 and "Traceback" not in out
    assert out.count(go_on) == 1 and "What we learned" in out
