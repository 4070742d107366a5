"""Exercise values: one English identifier, its default and its range, stated once per lesson.

Each lesson has a small module, lessons/values/lessonNN.py, that both language
sources and the terminal's options read:

    EXERCISES = 3                                   # how many exercises (the progress bar's N)
    VALUES = {"bias": ExerciseValue(0.1, Limit(-100, 100, "bias"))}

The notebook's "values" cells hold `bias = 0.1`; a test holds them to these defaults.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any, NamedTuple

from lessons.limits import Limit, limit_problem
from lessons.texts import Text


class ExerciseValue(NamedTuple):
    default: Any  # its type is the type of the value: float, int or str
    limit: Limit  # the allowed range (for a text: its length), and why (common.txt [why_...])


class BadValue(ValueError):
    """An exercise value the lesson cannot use; the message says why, in the lesson's language."""

    def _render_traceback_(self) -> list[str]:
        """In a notebook, the message alone: the value is wrong, not the lesson's code."""
        return [f"{type(self).__name__}: {self}"]


def lesson_values(number: int) -> ModuleType:
    """The module lessons/values/lessonNN.py: EXERCISES and VALUES."""
    return importlib.import_module(f"lessons.values.lesson{number:02d}")


def defaults(number: int) -> dict[str, Any]:
    """Every exercise value of lesson `number` with its default: {"bias": 0.1, ...}."""
    return {name: value.default for name, value in lesson_values(number).VALUES.items()}


def check_value(number: int, lang: str, name: str, value: Any) -> Any:
    """`value` if it fits exercise value `name` of lesson `number`; else BadValue saying why."""
    declared = lesson_values(number).VALUES
    if name not in declared:
        raise BadValue(f"lesson {number} has no exercise value {name!r}; it has {sorted(declared)}")
    kind = type(declared[name].default)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise BadValue(
            f"{name} must be a {kind.__name__} like {declared[name].default!r}, got {value!r}"
        )
    problem = limit_problem({name: declared[name].limit}, Text("common", lang), {name: value})
    if problem:
        raise BadValue(problem)
    return value
