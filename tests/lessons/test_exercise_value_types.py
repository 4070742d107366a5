"""Exercise values are checked as deep as checkpoints: their type, then their range.

Python counts True as 1, and a notebook's values cell can hold any object: "3"
where 3 is wanted would pass a range check (a text of one character) and fail far
inside the lesson. One check (lessons.kit.values.check_value) serves the command
line, the guesses and the notebook.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from lessons.kit import values
from lessons.kit.values import BadValue, ExerciseValue, check_value
from lessons.limits import Limit


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("bias", True, r"bias must be a float like 0\.1, got True"),
        ("bias", "3", r"bias must be a float like 0\.1, got '3'"),
        ("target", 5, "target must be a str like 'a', got 5"),
        ("guess_sum", None, "guess_sum must be a float"),
    ],
)
def test_a_value_of_the_wrong_type_is_named(name, value, words):
    with pytest.raises(BadValue, match=words):
        check_value(7, "en", name, value)


def test_a_whole_number_is_a_float_where_a_float_is_wanted():
    assert check_value(7, "en", "bias", -1) == -1.0
    assert type(check_value(7, "en", "bias", -1)) is float
    assert check_value(7, "en", "target", "b") == "b"


@pytest.mark.parametrize("value", [True, 2.0, "2"])
def test_a_bool_a_float_or_a_text_is_not_a_whole_number(value, monkeypatch):
    declared = {"calls": ExerciseValue(2, Limit(1, 10, "bias"))}
    monkeypatch.setattr(values, "lesson_values", lambda number: SimpleNamespace(VALUES=declared))
    assert check_value(99, "en", "calls", 3) == 3
    with pytest.raises(BadValue, match="calls must be a int like 2"):
        check_value(99, "en", "calls", value)


def test_an_unknown_value_is_named_with_the_known_ones():
    with pytest.raises(BadValue, match=r"no exercise value 'biais'.*'bias'"):
        check_value(7, "fr", "biais", 0.5)
