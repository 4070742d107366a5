"""Every notebook-first lesson (lessons/<lang>/lessonNN.py), in every language.

It runs in a real kernel in its quick form, shows its checks as HTML boxes, keeps its
code cells short and its comments in its language, holds its exercise values to the
declared defaults, and runs in a terminal. A lesson's own claims are in test_lessonNN.py.
"""

from __future__ import annotations

import re
import statistics

import nbformat
import pytest

from lessons import all_lessons
from lessons.__main__ import main
from lessons.kit import (
    check,
    checked,
    guess,
    out_file,
    quick_mode,
    retrain_asked,
    session,
    source,
)
from lessons.kit.source import (
    LessonSourceError,
    assigned_names,
    notebook_first_lessons,
    read_cells,
    source_path,
    values_cells,
)
from lessons.kit.values import BadValue, defaults, lesson_values
from lessons.kit.writer import write_notebook
from lessons.texts import languages
from tests.lessons.notebook_first import comments, kernel_run, outputs

CASES = [(number, lang) for number in notebook_first_lessons() for lang in languages()]
# Words that show a comment is English; a French comment has none of them.
ENGLISH = {"the", "and", "with", "this", "that", "is", "are", "of", "from", "when", "its", "it"}
FRENCH = {"le", "la", "les", "de", "des", "un", "une", "et", "est", "du", "sa", "son"}
LONGEST, TYPICAL = 30, 15  # lines of a code cell: none over 30, most under 15


def test_every_lesson_from_6_to_13_is_a_notebook_first_source():
    assert all_lessons() == notebook_first_lessons() == list(range(6, 14))


@pytest.mark.parametrize(("number", "lang"), CASES)
def test_the_lesson_runs_in_a_kernel_and_shows_its_checks_as_boxes(number, lang):
    notebook, variables, folder = kernel_run(number, lang)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    boxes = [html for html in outputs(notebook, "text/html") if 'class="lesson-check"' in html]
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    checks = len(re.findall(r"(?<![\w.])check\(", code))  # not gradcheck(
    assert checks >= lesson_values(number).EXERCISES and len(boxes) == checks
    assert all("#fff3cd" in box and "💡" in box for box in boxes)  # nothing done: hints
    assert variables  # the kernel's variables were read
    assert (folder / "lesson_output").is_dir()


@pytest.mark.parametrize(("number", "lang"), CASES)
def test_code_cells_are_short(number, lang):
    cells = [c for c in read_cells(source_path(number, lang)) if c.cell_type == "code"]
    lengths = [len(c.source.strip().splitlines()) for c in cells]
    assert max(lengths) <= LONGEST, max(lengths)
    assert statistics.median(lengths) < TYPICAL


@pytest.mark.parametrize("number", notebook_first_lessons())
def test_french_comments_are_french(number):
    cells = [c for c in read_cells(source_path(number, "fr")) if c.cell_type == "code"]
    said = [text for cell in cells for text in comments(cell.source)]
    words = [w for text in said for w in re.findall(r"[a-zà-ÿ']+", text.lower())]
    english = sorted({w for w in words if w in ENGLISH})
    assert not english, english
    assert sum(w in FRENCH for w in words) >= 10  # and French words are there


@pytest.mark.parametrize(("number", "lang"), CASES)
def test_the_values_cells_hold_the_declared_defaults(number, lang):
    cells = values_cells(read_cells(source_path(number, lang)))
    found = {}
    for cell in cells:
        assigned = assigned_names(cell.source)
        assert assigned and not found.keys() & assigned.keys()  # each value once
        found |= assigned
    assert found == defaults(number)
    for name, value in found.items():
        assert type(value) is type(defaults(number)[name])


@pytest.mark.parametrize(("number", "lang"), CASES)
def test_the_terminal_runs_the_same_source(number, lang, tmp_path, capsys):
    assert main([str(number), "--lang", lang, "--quick", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "# %%" not in printed and "[markdown]" not in printed  # rendered, not the source
    assert "start(" in printed  # the code is shown, then run
    assert printed.count("💡") >= lesson_values(number).EXERCISES  # each check, as a line


@pytest.mark.parametrize("lang", languages())
def test_the_notebook_is_written_by_jupytext_under_today_s_name(lang, tmp_path, capsys):
    assert main(["7", "--notebook", "--lang", lang, "--quick", "--out", str(tmp_path)]) == 0
    path = tmp_path / f"lesson07_{lang}.ipynb"
    assert capsys.readouterr().out.strip() == str(path)
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    first = notebook.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("> **")
    start = next(c for c in notebook.cells if c.cell_type == "code")
    assert f'start(7, "{lang}", quick=True)' in start.source
    plain = write_notebook(7, lang, tmp_path / "plain")
    assert f'start(7, "{lang}")' in nbformat.read(plain, as_version=4).cells[1].source


def test_the_list_shows_the_notebook_first_lessons(capsys, tmp_path):
    assert main(["--lang", "fr", "--out", str(tmp_path)]) == 0
    assert "Un nombre qui se souvient" in capsys.readouterr().out


def test_a_helper_called_before_the_first_cell_names_it(monkeypatch):
    monkeypatch.setattr(session, "_current", None)
    with pytest.raises(session.CellOrderError, match=r"start\(\.\.\.\)"):
        check(1, True, "ok", "hint")


def test_a_source_that_cannot_be_read_names_the_file_and_the_cell(tmp_path):
    broken = tmp_path / "lesson99.py"
    broken.write_text("# %% [markdown]\n# # Title\n\n# %%\nx = 1\n\n# %%\nif x\n", "utf-8")
    with pytest.raises(LessonSourceError, match=r"lesson99\.py, cell 3, line 1"):
        read_cells(broken)


@pytest.mark.parametrize(("number", "lang"), CASES)
def test_each_section_starts_its_own_markdown_cell(number, lang):
    """The terminal pauses before a Markdown cell that starts with "## ": so must every section."""
    cells = [c for c in read_cells(source_path(number, lang)) if c.cell_type == "markdown"]
    for cell in cells:
        later = [line for line in cell.source.splitlines()[1:] if line.startswith("## ")]
        assert not later, f"start a new Markdown cell at {later[0]!r}"


def test_the_helpers_read_the_run_s_options(tmp_path):
    options = session.RunOptions(out=tmp_path, quick=True, interactive=False, retrain=True)
    session.prepare(options)
    session.start(7, "fr")
    assert quick_mode() is True and retrain_asked() is True
    assert out_file("model.ckpt.json") == tmp_path / "lesson07_model.ckpt.json"
    assert checked("bias", -1) == -1.0  # an int where a float is declared: the float
    with pytest.raises(BadValue, match="bias \\(--bias\\) vaut 1\u202f000"):
        checked("bias", 1000.0)  # out of range, said in the lesson's language
    assert guess("bias", 0.1) == 0.1  # nobody can type: the values cell's value
    session.start(7, "en")  # options are for one start only
    assert quick_mode() is False and retrain_asked() is False


def test_a_broken_source_is_said_in_one_line_by_the_commands(monkeypatch, tmp_path, capsys):
    broken = tmp_path / "en" / "lesson07.py"
    broken.parent.mkdir()
    broken.write_text("# %%\nstart(7, 'en'\n", "utf-8")
    monkeypatch.setattr(source, "LESSON_DIR", tmp_path)
    assert main(["7", "--lang", "en", "--out", str(tmp_path / "out")]) == 2
    assert main(["7", "--notebook", "--lang", "en", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count(f"{broken}, cell 1, line 1") == 2 and "Traceback" not in err
