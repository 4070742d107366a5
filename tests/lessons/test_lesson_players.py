"""Lesson 8 saves a backprop player beside its pictures and says where it is."""

from __future__ import annotations

import pytest

from tests.autograd.test_player import page_script
from tests.lessons.test_lesson_runs import run_lesson


@pytest.mark.parametrize(("number", "lang"), [(8, "en")])
def test_the_lesson_saves_its_player_and_tells_where(number, lang, tmp_path, capsys):
    code, claims = run_lesson(number, lang, False, tmp_path)
    printed = capsys.readouterr().out
    assert code == 0
    [path] = claims["players"]
    assert path.parent == tmp_path and path.name.startswith(f"lesson{number:02d}_")
    assert str(path) in printed
    page = path.read_text("utf-8")
    assert f'<html lang="{lang}">' in page
    script = page_script(page)
    if number == 8:  # a is used twice: its grad is added to twice, as the lesson says
        a = [node["name"] for node in script["nodes"]].index("a")
        added = [u for step in script["steps"] for u in step["updates"] if u[0] == a]
        assert len(added) == 2 and added[0][1] == 0.0 and added[1][1] == added[0][2]
