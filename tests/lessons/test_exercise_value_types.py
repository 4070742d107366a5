"""Exercise values are checked as deep as checkpoints (issue 22, class 6).

Python counts True as 1, and a notebook's CHANGE_ME can hold any object: "3"
where 3 is wanted passed the range checks (a text of one character) and failed
far inside the lesson. One check serves the command line and the notebook.
"""

from __future__ import annotations

import types

import pytest
from lessons.lesson07 import lesson as lesson07

from lessons.lesson08 import lesson as lesson08


@pytest.mark.parametrize(
    "lesson, values, words",
    [
        (lesson07, {"bias": True}, r"bias must be a float like 0\.1, got True"),
        (lesson07, {"bias": "3"}, r"bias must be a float like 0\.1, got '3'"),
        (lesson07, {"target": 5}, "target must be a str like 'a', got 5"),
        (lesson07, {"guess_sum": None}, "guess_sum must be a float"),
        (lesson08, {"backward_calls": True}, "backward_calls must be a int like"),
        (lesson08, {"backward_calls": 2.0}, "backward_calls must be a int like"),
        (lesson08, {"backward_calls": "2"}, "backward_calls must be a int like"),
    ],
)
def test_a_value_of_the_wrong_type_is_named(lesson, values, words):
    with pytest.raises(TypeError, match=words):
        lesson.typed(values)


def test_a_whole_number_is_a_float_where_a_float_is_wanted():
    assert lesson07.typed({"bias": -1, "target": "b"}) == {"bias": -1.0, "target": "b"}
    assert type(lesson07.typed({"bias": -1})["bias"]) is float
    assert lesson08.typed({"backward_calls": 3}) == {"backward_calls": 3}


def test_the_command_line_path_refuses_them_before_anything_runs(tmp_path):
    with pytest.raises(TypeError, match="bias must be a float"):
        lesson07.start("en", True, tmp_path, {"bias": "3"})
    assert list(tmp_path.iterdir()) == []


def test_the_notebook_path_refuses_them_too(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(lesson07, "notebook", {"lang": "en", "quick": True, "out": str(tmp_path)})
    monkeypatch.setattr(lesson07, "_notebook_ctx", None)
    cell = types.FunctionType(
        (lambda: None).__code__, {"CHANGE_ME": {"bias": True, "target": "a"}}
    )  # a step whose notebook set CHANGE_ME["bias"] = True
    with pytest.raises(TypeError, match=r"bias must be a float like 0\.1, got True"):
        lesson07._context_for_notebook(cell)
