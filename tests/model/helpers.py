"""Small helpers the model tests share: picking positions, comparing weights."""

from __future__ import annotations

import random

from model import examples
from model.params import flatten

# train(..., **QUIET): no progress bar, no log lines in the test output.
QUIET = {"progress": False, "log": None}

# Malformed (window, target) pairs, with a word the error message must contain.
BAD_WINDOWS = [
    ([], 1, "empty"),
    ([0] * 9, 1, "at most 8"),
    ([0, 27], 1, "out of range"),
    ([0, -1], 1, "out of range"),
    ([0, 1], 27, "out of range"),
    ([0, 1.0], 2, "out of range"),
]


def positions_by_length(names, length: int, count: int, seed: int = 0) -> list:
    """`count` training positions whose window has exactly `length` ids."""
    pool = [ex for name in names for ex in examples(name, 8) if len(ex[0]) == length]
    return random.Random(seed).sample(pool, min(count, len(pool)))


def entries(w) -> list[float]:
    """A weight's numbers in one list, whether it is a vector or a matrix."""
    return flatten({"w": w})


def shape_of(w) -> tuple[int, ...]:
    return (len(w), len(w[0])) if isinstance(w[0], list) else (len(w),)


def max_difference(a, b) -> float:
    """The largest |a - b| over every entry of two params (or grads) dicts."""
    return max(abs(x - y) for x, y in zip(flatten(a), flatten(b)))


def assert_close(expected: dict, got: dict, tolerance: float) -> None:
    """Each weight within tolerance * max(1, its largest |entry|): relative for big weights."""
    assert list(got) == list(expected)
    for name in expected:
        a, b = entries(expected[name]), entries(got[name])
        assert len(a) == len(b), name
        scale = max(1.0, max(abs(x) for x in a))
        worst = max(abs(x - y) for x, y in zip(a, b))
        assert worst <= tolerance * scale, f"{name}: differs by {worst:.3g}"
