"""Lesson 10 calls a run diverged only when its loss really blew up."""

from __future__ import annotations

import math

from lessons.lesson10 import diverged


def test_one_confident_wrong_guess_is_not_a_divergence():
    healthy = [3.3 - i / 1000 for i in range(1000)]
    healthy[500] = 18.0  # p = 1.5e-8 for the right letter: it happens in a healthy run
    assert not diverged(healthy)


def test_a_blown_up_stretch_or_a_nan_is_a_divergence():
    blown = [3.3] * 500 + [1e3] * 100 + [3.0] * 400
    assert diverged(blown)
    assert diverged([3.3, 3.2, math.nan, 3.1])
    assert diverged([3.3, math.inf])
    assert not diverged([3.3, 3.0, 2.8])
