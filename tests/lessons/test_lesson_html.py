"""Lesson 7 as a learner sees it in a browser: rendered to HTML by nbconvert, shown in
headless Chromium (tests/browser.py), with a screenshot kept for whoever looks."""

from __future__ import annotations

import base64
import time

import pytest
from nbconvert import HTMLExporter

from tests.browser import Chromium
from tests.lessons.notebook_first import kernel_run

WIDTH = 1100  # a laptop's browser window


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_rendered_lesson_shows_prose_code_boxes_and_the_player(lang, tmp_path):
    notebook = kernel_run(7, lang)[0]
    html, _ = HTMLExporter().from_notebook_node(notebook)
    page = tmp_path / f"lesson07_{lang}.html"
    page.write_text(html, encoding="utf-8")
    browser = Chromium(tmp_path / "profile")
    try:
        tab = browser.open(page.as_uri())
        browser.call(
            "Emulation.setDeviceMetricsOverride", tab.session, width=WIDTH, height=900,
            deviceScaleFactor=1, mobile=False,
        )  # fmt: skip
        tab.wait_for("document.readyState === 'complete'")
        time.sleep(1)  # the player's iframe draws itself
        title = tab.evaluate("document.querySelector('h1').innerText")
        sections = tab.evaluate("[...document.querySelectorAll('h2')].map(h => h.innerText)")
        boxes = tab.evaluate(
            "[...document.querySelectorAll('.lesson-check')]"
            ".map(b => [b.innerText, b.getBoundingClientRect().width])"
        )
        prompts = tab.evaluate(
            "[...document.querySelectorAll('.jp-OutputPrompt')].map(p => p.innerText.trim())"
        )
        players = tab.evaluate("document.querySelectorAll('iframe').length")
        shot = browser.call("Page.captureScreenshot", tab.session, format="png")
    finally:
        browser.close()
    (tmp_path / f"lesson07_{lang}.png").write_bytes(base64.b64decode(shot["data"]))
    assert title.startswith("Leçon 7" if lang == "fr" else "Lesson 7")
    assert len(sections) == 5  # the three steps, "En vrai..." and the summary
    assert sections[3] == ("En vrai..." if lang == "fr" else "For real...")
    assert len(boxes) == 3 and all(0 < width <= WIDTH for _, width in boxes)
    assert all(("Exercice" if lang == "fr" else "Exercise") in text for text, _ in boxes)
    assert not [p for p in prompts if p.startswith("Out[")]  # helpers return nothing to show
    assert players == 1
