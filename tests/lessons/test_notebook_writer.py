"""`python -m lessons 7 --notebook`: a notebook written from the script and the texts.

These tests read the notebooks; test_notebooks_kernel.py runs them in a kernel.
"""

from __future__ import annotations

import ast
import re
import sys

import nbformat
import pytest

from lessons import LESSONS, all_lessons, notebook
from lessons.__main__ import main
from lessons.notebook import LESSON_DIR, build_notebook, install_hint, markdown, script_cells
from lessons.texts import Text, languages, placeholders
from model.cli import main as minillm


def script_of(number: int) -> str:
    return (LESSON_DIR / f"lesson{number:02d}.py").read_text(encoding="utf-8")


def code_cells(notebook) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def markdown_text(notebook) -> str:
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def shown_in_markdown(notebook) -> list[str]:
    """The keys that lesson.configure(markdown=[...]) says the Markdown cells show."""
    configure = next(code for code in code_cells(notebook) if "lesson.configure(" in code)
    return re.findall(r'"(\w+)"', configure.split("markdown=", 1)[1])


def test_python_m_lessons_writes_the_notebook_here_and_prints_its_path(
    capsys, monkeypatch, tmp_path
):
    monkeypatch.chdir(tmp_path)
    assert main(["11", "--notebook", "--lang", "fr"]) == 0
    assert capsys.readouterr().out.strip() == "lesson11_fr.ipynb"
    notebook = nbformat.read(tmp_path / "lesson11_fr.ipynb", as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    assert notebook.cells[0].source.startswith("# Leçon 11 : " + Text("lesson11", "fr")("title"))


def test_minillm_lesson_writes_it_too_and_no_number_writes_every_lesson(capsys, tmp_path):
    assert minillm(["lesson", "7", "--notebook", "--lang", "fr", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "lesson07_fr.ipynb")
    assert main(["--notebook", "--lang", "en", "--out", str(tmp_path / "all")]) == 0
    printed = capsys.readouterr().out.split()
    names = [f"lesson{n:02d}_en.ipynb" for n in all_lessons()]
    assert printed == [str(tmp_path / "all" / name) for name in names]
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == names


def test_bad_requests_say_what_is_wrong(capsys, tmp_path):
    assert main(["99", "--notebook", "--lang", "fr"]) == 2
    assert "Il n'y a pas de leçon 99" in capsys.readouterr().err
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert main(["7", "--notebook", "--out", str(blocked)]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and "a-file" in err and "Traceback" not in err
    assert main(["7", "--notebook", "--lang", "xx"]) == 2
    assert "xx" in capsys.readouterr().err


@pytest.mark.parametrize("lang", languages())
@pytest.mark.parametrize("number", sorted(LESSONS))
def test_the_notebook_reads_like_the_course(number, lang):
    notebook = build_notebook(number, lang)
    text = Text(f"lesson{number:02d}", lang)
    codes = code_cells(notebook)
    assert "import lessons" in codes[0]  # first, the check that the project is installed

    # The script is the one source: every line of its cells is in the notebook's code.
    all_code = "\n".join(codes)
    for code in script_cells(script_of(number)):
        for line in code.splitlines():
            assert line in all_code or "lesson.configure(" in line, line

    # Each step in its own cell; the values alone in one cell, near the top.
    steps = [cell for cell in notebook.cells if cell.metadata.get("minillm", {}).get("step")]
    assert len(steps) == script_of(number).count("\n@lesson.step\n")
    assert all(cell.source.count("@lesson.step") == 1 for cell in steps)
    values = [i for i, code in enumerate(codes) if "CHANGE_ME = {" in code]
    assert len(values) == 1 and values[0] <= 3
    assert codes[values[0]].startswith("CHANGE_ME = {") and codes[values[0]].endswith("}")

    # The lesson's text in Markdown, in the notebook's language.
    words = markdown_text(notebook)
    assert text("title") in words
    for key in text.sections:
        if key.startswith("change_"):  # each value's explanation, beside its name
            assert f"`{key[len('change_') :]}`" in words and text(key) in words
    assert markdown(text("summary")) in words  # what to remember
    shown = shown_in_markdown(notebook)
    for key in shown:
        if key not in ("title", "values_intro"):  # their own cells, written differently
            assert markdown(text(key)) in words, key
    exercises = [k for k in text.sections if re.fullmatch(r"exercise\d+", k)]
    for key in exercises:  # a statement with {blanks} is printed when its step fills them in
        assert (key in shown) == (not placeholders(text.sections[key])), key


def test_the_markdown_keeps_what_the_terminal_lined_up():
    text = "Read it:\n  +     slope 1\n  *     the other input\n\n- a <- b\n- done"
    assert markdown(text) == (
        "Read it:\n```text\n  +     slope 1\n  *     the other input\n```\n\n- a &lt;- b\n- done"
    )


def test_the_markdown_shows_stars_as_stars_outside_code():
    assert markdown("d(a*a)/da, and m `*` nodes") == "d(a\\*a)/da, and m `*` nodes"


@pytest.mark.parametrize("number", sorted(LESSONS))
def test_a_step_comes_last_in_its_cell(number):
    """A notebook runs a step as soon as its cell defines it: its helpers must come first."""
    for code in script_cells(script_of(number)):
        body = ast.parse(code).body
        is_step = [
            isinstance(node, ast.FunctionDef)
            and any(getattr(d, "attr", None) == "step" for d in node.decorator_list)
            for node in body
        ]
        if any(is_step):
            after = body[is_step.index(True) + 1 :]
            first = ast.unparse(after[0]).splitlines()[0] if after else ""
            assert not after, f"lesson {number}: move `{first}` above the step of its cell"


def test_the_install_line_names_the_repository_when_the_project_has_one(monkeypatch):
    class Metadata:
        def get_all(self, field: str) -> list[str]:
            assert field == "Project-URL"
            return ["Documentation, https://example.org/docs", "Repository, https://example.org/m"]

    monkeypatch.setattr(notebook.importlib.metadata, "metadata", lambda name: Metadata())
    assert '%pip install "minillm-autograd @ git+https://example.org/m"' in install_hint("en")
    monkeypatch.setattr(notebook, "repository", lambda: None)
    assert "git+<l'adresse du dépôt du projet>" in install_hint("fr")


def test_without_nbformat_it_says_what_to_install(capsys, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "nbformat", None)  # as without the `notebooks` extra
    assert main(["11", "--notebook", "--out", str(tmp_path)]) == 2
    assert "pip install -e '.[notebooks]'" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
