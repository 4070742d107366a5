"""Fixtures every test folder uses."""

from __future__ import annotations

import shutil

import pytest

from tests.browser import Chromium


@pytest.fixture
def no_dot(tmp_path, monkeypatch):
    """A PATH with nothing on it, as on a machine without Graphviz: `dot` cannot be found."""
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("dot") is None


@pytest.fixture
def chromium(tmp_path):
    """Headless Chromium, driven over the DevTools protocol (tests/browser.py)."""
    browser = Chromium(tmp_path / "profile")
    yield browser
    browser.close()
