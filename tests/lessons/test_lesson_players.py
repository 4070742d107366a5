"""Lesson 9 saves a backprop player beside their pictures and say where it is."""

from __future__ import annotations

import pytest

from tests.autograd.test_player import page_script
from tests.lessons.test_lesson_runs import run_lesson


@pytest.mark.parametrize(("number", "lang"), [(9, "en")])
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
    if number == 9:  # one step per scope, each with its handwritten step
        notes = [script["boxes"][step["box"]]["notes"] for step in script["steps"]]
        assert len(notes) == 10 and all(n[0].startswith("handwritten step") for n in notes)
