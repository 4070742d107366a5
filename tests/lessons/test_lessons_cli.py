"""`python -m lessons` and `minillm lesson`: the list, the language, the options."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lessons import all_lessons
from lessons.__main__ import main
from lessons.kit.source import title as source_title
from model.cli import main as minillm

ROOT = Path(__file__).resolve().parents[2]


def titles(lang: str) -> list[str]:
    return [source_title(n, lang) for n in all_lessons()]


def test_no_number_lists_every_lesson_with_its_title(capsys, monkeypatch):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert main([]) == 0
    out = capsys.readouterr().out
    for number, title in zip(all_lessons(), titles("en")):
        assert f"{number:>3}  {title}" in out


def test_the_language_follows_LANG_unless_lang_is_given(capsys, monkeypatch):
    def listed(argv: list[str]) -> str:
        assert main(argv) == 0
        return capsys.readouterr().out

    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    french = listed([])
    assert all(title in french for title in titles("fr"))
    english = listed(["--lang", "en"])
    assert all(title in english for title in titles("en"))
    monkeypatch.setenv("LANG", "C.UTF-8")
    english = listed([])
    assert all(title in english for title in titles("en"))


def test_a_lesson_speaks_the_language_of_LANG(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert main(["8", "--quick", "--out", str(tmp_path)]) == 0
    assert "Remonter le graphe" in capsys.readouterr().out


def test_unknown_lesson_and_unknown_option_exit_2(capsys):
    assert main(["99"]) == 2
    assert "99" in capsys.readouterr().err
    assert main(["7", "--no-such-option"]) == 2


def test_help_lists_the_exercise_values(capsys):
    assert main(["10", "--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--temperature", "--prefix", "--epochs", "--sgd-lr", "--quick", "--out"):
        assert option in out


def test_lang_may_come_before_the_number(capsys, tmp_path):
    assert main(["--lang", "fr", "8", "--quick", "--out", str(tmp_path)]) == 0
    assert "Remonter le graphe" in capsys.readouterr().out


def test_minillm_lesson_runs_a_lesson(capsys, tmp_path):
    assert minillm(["lesson", "7", "--lang", "fr", "--quick", "--out", str(tmp_path)]) == 0
    assert "Un nombre qui se souvient" in capsys.readouterr().out


@pytest.fixture
def path_without_dot(tmp_path) -> str:
    """A PATH with only a `python`: no `dot`, as on a machine without Graphviz."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    return str(bin_dir)


def test_the_list_in_a_real_process_follows_LANG(path_without_dot):
    env = {**os.environ, "PATH": path_without_dot, "LANG": "fr_FR.UTF-8"}
    done = subprocess.run(
        [sys.executable, "-m", "lessons"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0
    assert all(title in done.stdout for title in titles("fr"))
