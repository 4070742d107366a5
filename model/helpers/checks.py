"""Checks of the numbers a learner passes in, shared by the whole model package.

Python counts True as the whole number 1 and False as 0, so `epochs=True` would
quietly mean one epoch. These checks refuse a bool wherever a number is expected.
"""

from __future__ import annotations


def is_whole_number(value: object) -> bool:
    """An int, and not a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_real_number(value: object) -> bool:
    """An int or a float, and not a bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_whole_number(value: object, name: str, minimum: int) -> None:
    """Raise a ValueError that names `name` unless `value` is a whole number >= minimum."""
    if not is_whole_number(value) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")


def shown(value: object, width: int = 40) -> str:
    """repr(value) for an error message, cut to `width` characters.

    A list of a million numbers would fill the screen, and an int of 5,000 digits
    has no repr at all (Python refuses): it is told by its size instead.
    """
    if is_whole_number(value) and value.bit_length() > 128:
        return f"a whole number of {value.bit_length():,} bits"
    text = repr(value)
    return text if len(text) <= width else text[:width] + "..."
