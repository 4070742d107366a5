"""Lesson 8, walking the graph backwards: what it states is what the kernel computed.

The claims are read from the kernel's variables (tests/lessons/notebook_first.py),
in both languages; the guesses are answered in a pseudo-terminal and with the
notebook's own input().
"""

from __future__ import annotations

import inspect
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import torch

from autograd import Value, gradcheck, topological_order
from lessons import progress
from lessons.__main__ import main
from lessons.kit.session import RunOptions
from lessons.kit.source import read_cells, source_path
from lessons.kit.terminal import run
from lessons.kit.writer import write_notebook
from lessons.texts import Text
from tests.autograd.test_player import page_script
from tests.lessons.notebook_first import execute, in_a_kernel, kernel_run, outputs
from tests.terminal import in_a_terminal

ROOT = Path(__file__).resolve().parents[2]
# The same quantity, named in each language.
SAME = {
    "fr": ["A", "B", "NOMS", "ordre_noms", "meme_ordre", "a_remonter", "grads", "memes_grads",
           "grads_faux", "d_L_d", "par_c", "par_d", "poussee", "pente_numerique", "une_fois",
           "multiplies", "remis_a_zero", "comme_neufs", "dedans", "taille_avec", "taille_sans",
           "entrees_sans_notes", "ecarts", "echecs", "grad_torch", "gradcheck_torch"],
    "en": ["A", "B", "NAMES", "order_names", "same_order", "to_walk", "grads", "same_grads",
           "wrong_grads", "d_L_d", "via_c", "via_d", "nudge", "numeric_slope", "once",
           "multiplied", "zeroed", "as_new", "inside", "size_with", "size_without",
           "inputs_noted", "gaps", "failures", "grad_torch", "gradcheck_torch"],
}  # fmt: skip
RIGHT = ["--guess-square-grad", "4", "--guess-calls-grad", "1", "--eps", "0.1"]
GRAPH = {"fr": "graphe", "en": "graph"}  # the drawing's name in each language
PLAYER = {"fr": "deux_fois", "en": "used_twice"}  # the player's


def measured(lang: str) -> dict:
    """The lesson's quantities in `lang`, under the French names."""
    variables = kernel_run(8, lang)[1]
    return {fr: variables[name] for fr, name in zip(SAME["fr"], SAME[lang])}


def prose(lang: str) -> str:
    cells = read_cells(source_path(8, lang))
    return "\n".join(c.source for c in cells if c.cell_type == "markdown")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_order_and_the_gradients_are_the_ones_stated(lang):
    got = measured(lang)
    assert (got["A"], got["B"]) == (2.0, 3.0)  # "with a = 2 and b = 3"
    assert got["ordre_noms"] == ["a", "b", "c", "d", "L"] and got["meme_ordre"] is True
    assert got["a_remonter"] == ["L", "d", "c"]  # the leaves have nothing to pass on
    assert got["grads"] == {"a": 0.5, "b": 0.25, "c": 0.125, "d": 0.125, "L": 1.0}
    assert got["memes_grads"] is True  # "backward() is this loop"
    # The wrong order: c visited before d, so c's inputs a and b never get their share.
    assert got["grads_faux"] == ["a", "b"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_value_used_twice_adds_its_two_paths(lang):
    got = measured(lang)
    assert got["par_c"] == 0.375 and got["par_d"] == 0.125
    assert got["par_c"] + got["par_d"] == got["grads"]["a"]
    assert got["poussee"] == 1e-6  # "a nudge of a millionth"
    assert abs(got["pente_numerique"] - got["grads"]["a"]) < 1e-8
    # "With a plain =, the path visited last would overwrite the other: only the one via c"
    graph = kernel_free_graph()
    graph.grad = 1.0
    for node in reversed(topological_order(graph)):
        for child, slope in zip(node.children, node.local_grads):
            child.grad = slope * node.grad  # = instead of +=
    a = next(n for n in topological_order(graph) if n.label == "a")
    assert a.grad == got["par_c"]


def kernel_free_graph() -> Value:
    """L = log(a * b + a), built here as the lesson builds it."""
    a, b = Value(2.0, "a"), Value(3.0, "b")
    return (a * b + a).log()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_backward_accumulates_zero_grad_resets_and_no_grad_keeps_no_notes(lang):
    got = measured(lang)
    assert got["une_fois"] == got["grads"] and got["multiplies"] is True
    assert got["remis_a_zero"] == [0.0] * 5 and got["comme_neufs"] is True
    assert got["dedans"] is False
    assert (got["taille_avec"], got["taille_sans"], got["entrees_sans_notes"]) == (5, 1, 0)
    assert got["grad_torch"] == 2 * got["grads"]["a"]  # PyTorch adds up its .grad too
    assert got["gradcheck_torch"] is True


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_finite_differences_fail_where_the_prose_says(lang):
    got = measured(lang)
    gaps = got["ecarts"]
    assert list(gaps) == [f"1e-{p:02d}" for p in range(1, 14)]  # "from 0.1 down to 1e-13"
    assert got["echecs"] == ["1e-01", "1e-13"]  # too big, too small
    assert 50 < gaps["1e-01"] / gaps["1e-02"] < 200  # "the error grows like eps²"
    assert abs(-math.log10(sys.float_info.epsilon) - 16) < 0.5  # "a float keeps about 16"
    best = min(gaps, key=gaps.get)
    assert best in ("1e-05", "1e-06") and gaps["1e-06"] < 1e-9  # a middling step is best
    # "gradcheck() takes eps = 1e-6 unless told", and so does PyTorch's
    assert inspect.signature(gradcheck).parameters["eps"].default == 1e-6
    assert inspect.signature(torch.autograd.gradcheck).parameters["eps"].default == 1e-6
    assert "1e-6" in prose(lang) and "16" in prose(lang)
    printed = "".join(outputs(kernel_run(8, lang)[0], "stream"))
    assert "1e-01, 1e-13" in printed


def test_the_two_languages_measure_the_same_numbers():
    assert measured("fr") == measured("en")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_drawing_and_the_player_show_inline_in_the_lesson_s_language(lang):
    notebook, _, folder = kernel_run(8, lang)
    pages = outputs(notebook, "text/html")
    assert any(page.startswith("<iframe srcdoc") for page in pages)  # the player
    assert any(f"lang=&quot;{lang}&quot;" in page for page in pages)
    viz = [p for p in pages if "Viz.instance()" in p and not p.startswith("<iframe")]
    drawn = outputs(notebook, "image/svg+xml") + viz  # with `dot`, or with viz.js
    assert drawn and ("0,125" in drawn[0]) == (lang == "fr")  # drawn after backward()
    assert f"lesson08_{GRAPH[lang]}.html" in {p.name for p in (folder / "lesson_output").iterdir()}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_player_shows_a_s_gradient_added_to_twice(lang):
    """ "watch a.grad receive its two contributions, one after the other" """
    folder = kernel_run(8, lang)[2] / "lesson_output"
    script = page_script((folder / f"lesson08_{PLAYER[lang]}.html").read_text("utf-8"))
    a = [node["name"] for node in script["nodes"]].index("a")
    added = [u for step in script["steps"] for u in step["updates"] if u[0] == a]
    assert len(added) == 2 and added[0][1] == 0.0 and added[1][1] == added[0][2]
    assert added[-1][2] == 0.5


def test_french_numbers_are_written_the_french_way():
    printed = "".join(outputs(kernel_run(8, "fr")[0], "stream"))
    assert "a.grad = 0,375 + 0,125 = 0,5" in printed and not re.search(r"\d\.\d", printed)
    assert "eps = 1e-01" in printed  # the steps are names, the same in both languages


def test_in_a_real_process_without_dot_the_pictures_are_pages(no_dot, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "lessons", "8", "--quick", "--out", str(tmp_path / "out")],
        cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    pages = {"lesson08_graph.html", "lesson08_used_twice.html"}
    assert {p.name for p in (tmp_path / "out").iterdir()} == pages  # no .svg, nothing done
    assert all(str(tmp_path / "out" / page) in done.stdout for page in pages)


def test_without_dot_the_drawing_shows_as_a_viz_js_page(no_dot, tmp_path):
    notebook = nbformat.read(write_notebook(8, "en", tmp_path, quick=True), as_version=4)
    execute(notebook, tmp_path)
    drawing = next(c for c in notebook.cells if c.source.startswith("machine = small_graph()"))
    html = [o.data["text/html"] for o in drawing.outputs if "text/html" in o.get("data", {})]
    assert html and "Viz.instance()" in html[0]
    assert not any("image/svg+xml" in o.get("data", {}) for o in drawing.outputs)
    assert (tmp_path / "lesson_output" / "lesson08_graph.html").exists()


def test_options_change_the_values_cells_and_do_every_exercise(tmp_path, capsys):
    assert main(["8", "--lang", "fr", "--out", str(tmp_path), *RIGHT]) == 0
    printed = capsys.readouterr().out
    assert progress.exercises_done(tmp_path, "lesson08") == {1, 2, 3}
    assert printed.count("✅") == 3 and "🏆" in printed and "3/3" in printed
    assert "2 + 2 = 4" in printed and "1e-01, 1e-13" in printed


def test_backward_calls_changes_the_answer_and_one_call_is_not_the_exercise(tmp_path):
    given = {"backward_calls": 3, "guess_calls_grad": 1.5}  # 3 calls × 0.5
    namespace = run(8, "en", RunOptions(out=tmp_path, interactive=False, given=given))
    assert namespace["backward_calls"] == 3 and namespace["multiplied"] is True
    assert progress.exercises_done(tmp_path, "lesson08") == {2}
    one = {"backward_calls": 1, "guess_calls_grad": 0.5}  # right, but nothing accumulated
    run(8, "en", RunOptions(out=tmp_path / "one", interactive=False, given=one))
    assert progress.exercises_done(tmp_path / "one", "lesson08") == set()


def test_values_out_of_range_are_refused_before_the_lesson(tmp_path, capsys):
    for bad in (["--backward-calls", "0"], ["--backward-calls", "1001"], ["--eps", "0"],
                ["--eps", "nan"], ["--guess-square-grad", "abc"]):  # fmt: skip
        assert main(["8", "--out", str(tmp_path / "o"), *bad]) == 2, bad
    err = capsys.readouterr().err
    assert "backward_calls" in err and "eps" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_progress_survives_a_second_run_and_reset_starts_again(tmp_path, capsys):
    assert main(["8", "--out", str(tmp_path), "--guess-square-grad", "4"]) == 0
    assert main(["8", "--out", str(tmp_path), "--eps", "0.1"]) == 0  # not exercise 1 this time
    assert progress.load_progress(tmp_path)["lesson08"] == {"done": [1, 3], "total": 3}
    capsys.readouterr()
    assert main(["--lang", "en", "--out", str(tmp_path)]) == 0  # the list shows it
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("    8"))
    assert line.endswith("🟩🟩⬜ 2/3")
    assert main(["8", "--out", str(tmp_path), "--reset"]) == 0
    assert progress.exercises_done(tmp_path, "lesson08") == set()
    assert main(["8", "--out", str(tmp_path), "--guess-square-grad", "4"]) == 0
    assert main(["--out", str(tmp_path), "--reset"]) == 0
    assert "lesson08" not in progress.load_progress(tmp_path)


def test_a_broken_progress_file_is_no_progress(tmp_path, capsys):
    (tmp_path / "progress.json").write_text("{not json", encoding="utf-8")
    assert main(["8", "--out", str(tmp_path), "--guess-square-grad", "4"]) == 0
    assert "progress" in capsys.readouterr().err
    assert progress.exercises_done(tmp_path, "lesson08") == {1}  # written again, whole


def test_a_guess_is_asked_with_the_notebook_s_input(tmp_path):
    """In a frontend that sends input (Jupyter, VS Code), a guess is typed under its cell."""
    notebook = nbformat.read(write_notebook(8, "en", tmp_path, quick=True), as_version=4)
    answers = ["4", "1", "1e-13"]  # d(a*a)/da, a.grad after 2 calls, a failing eps
    prompts, boxes, errors = in_a_kernel(notebook, tmp_path, answers)
    assert not errors and len(prompts) == 3  # backward_calls is not a guess: not asked
    ask = Text("common", "en")("guess_prompt", name="guess_square_grad", value=0.0)
    assert prompts[0].startswith(ask)
    green = [b for b in boxes if "lesson-check" in b and "#d4edda" in b]
    assert len(green) == 3 and "3/3" in green[-1] and any("lesson-trophy" in b for b in boxes)


def test_in_a_terminal_it_asks_the_guesses_before_their_answers(tmp_path):
    common = Text("common", "fr")
    ask, go_on = common("guess_prompt", name="X", value=0).split("X")[0], common("go_on")
    # Exercise 1: something unreadable, asked again, then 4; then 1,0 and a failing eps.
    answers = {ask: ["abc", "4", "1,0", "0,1"], go_on: [""] * 30}
    argv = ["8", "--lang", "fr", "--out", str(tmp_path)]
    code, out, typed = in_a_terminal(argv, answers)
    assert code == 0, out[-2000:]
    assert typed[ask] == 4 and typed[go_on] >= 6  # it waited between the sections
    assert common("ask_not_understood", typed="abc", example=0.0) in out
    assert progress.exercises_done(tmp_path, "lesson08") == {1, 2, 3}
    # each answer is shown only after its guess was asked
    assert out.index(ask + "guess_square_grad") < out.index("2 + 2 = 4")
    assert out.index(ask + "guess_calls_grad") < out.index("tous les gradients multipliés")
    assert out.index(ask + "eps") < out.index("gradcheck échoue pour eps = 1e-01, 1e-13")


def test_without_a_terminal_nothing_is_asked(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "lessons", "8", "--quick", "--out", str(tmp_path)],
        cwd=ROOT, input="4\n", capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    ask = Text("common", "en")("guess_prompt", name="X", value=0).split("X")[0]
    assert ask not in done.stdout and done.stdout.count("💡") == 3
    assert progress.exercises_done(tmp_path, "lesson08") == set()  # "4" on stdin was not read


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_source_runs_as_a_plain_python_script(lang, tmp_path):
    done = subprocess.run(
        [sys.executable, str(source_path(8, lang))], cwd=tmp_path, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("💡") == 3  # the three checks, as coloured lines
    assert not (tmp_path / "lesson_output" / "progress.json").exists()  # nothing done
