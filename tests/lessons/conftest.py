"""Fixtures for the lessons: a world without Graphviz's `dot`, or without matplotlib."""

from __future__ import annotations

import shutil
import sys

import pytest


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    """PATH points at an empty folder, so shutil.which("dot") finds nothing."""
    empty = tmp_path / "empty_path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("dot") is None


@pytest.fixture
def no_matplotlib(monkeypatch):
    """`import matplotlib` fails, as on a machine without the `plots` extra."""
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
