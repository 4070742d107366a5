"""`python -m lessons 7 --notebook`: the lesson's source written as a notebook, through Jupytext.

test_notebook_first.py runs the notebooks in a kernel; these tests ask for them.
"""

from __future__ import annotations

import nbformat

from lessons import all_lessons
from lessons.__main__ import main
from lessons.kit.source import title
from model.cli import main as minillm


def test_python_m_lessons_writes_the_notebook_here_and_prints_its_path(
    capsys, monkeypatch, tmp_path
):
    monkeypatch.chdir(tmp_path)
    assert main(["11", "--notebook", "--lang", "fr"]) == 0
    assert capsys.readouterr().out.strip() == "lesson11_fr.ipynb"
    notebook = nbformat.read(tmp_path / "lesson11_fr.ipynb", as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    assert f"# Leçon 11 : {title(11, 'fr')}" in notebook.cells[0].source


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
