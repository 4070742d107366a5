"""Fixtures for the lessons: a world without matplotlib (no_dot is in tests/conftest.py)."""

from __future__ import annotations

import sys

import pytest


@pytest.fixture
def no_matplotlib(monkeypatch):
    """`import matplotlib` fails, as on a machine without the `plots` extra."""
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
