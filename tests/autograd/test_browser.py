"""Python in a web page (autograd/browser.py): no install hint, one shared viz.js.

Here we play the browser (sys.platform "emscripten", and the site's setting); the
real thing runs in tests/lessons/test_site.py, in Chromium.
"""

from __future__ import annotations

import sys

from autograd import Value, draw
from autograd.browser import VIZ_JS_URL_VARIABLE, in_browser, shared_viz_js_url
from autograd.drawing.dot_program import notebook_view
from autograd.drawing.pages import html_page, viz_js

SHARED = "../shared/viz-global.js"


def test_only_pyodide_is_a_browser(monkeypatch):
    assert not in_browser()
    monkeypatch.setattr(sys, "platform", "emscripten")
    assert in_browser()


def test_with_the_site_setting_a_page_loads_the_shared_viz_js_instead_of_its_own(monkeypatch):
    own = html_page("digraph { a -> b }")
    monkeypatch.setenv(VIZ_JS_URL_VARIABLE, SHARED)
    assert shared_viz_js_url() == SHARED
    shared = html_page("digraph { a -> b }")
    assert len(own) > 1_000_000 and len(shared) < 5_000  # 1.3 MB of viz.js, or one line
    assert viz_js().startswith('document.write("\\u003cscript src=\\"../shared/viz-global.js')
    assert "\\u003c/script\\u003e" in viz_js()  # closed, and no "</script" ends the page early
    assert "</script" not in viz_js()


def test_an_empty_setting_keeps_viz_js_inline(monkeypatch):
    monkeypatch.setenv(VIZ_JS_URL_VARIABLE, "")
    assert shared_viz_js_url() is None
    assert len(viz_js()) > 1_000_000


def test_in_a_browser_a_drawing_shows_without_saying_how_to_install_graphviz(no_dot, monkeypatch):
    a = Value(2.0, "a")
    source = draw(a * a).source
    assert "apt-get install graphviz" in notebook_view(source)["text/plain"]  # on a computer
    monkeypatch.setattr(sys, "platform", "emscripten")
    view = notebook_view(source)
    assert "install" not in view["text/plain"] and "<pre>" not in view["text/html"]
    assert view["text/html"].startswith("<iframe srcdoc=")  # the drawing itself, nothing else
