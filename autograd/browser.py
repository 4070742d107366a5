"""Python inside a web page (Pyodide, as in the course's JupyterLite site): what differs there.

There is no `dot` program to install, no second process to lock out, no thread to
start; and every drawing of a page can share one copy of viz.js, served next to
the page, instead of carrying its own 1.3 MB. The site tells us where that copy
is with the environment variable AUTOGRAD_VIZ_JS_URL (an address relative to the
notebook's page, e.g. "../shared/viz-global.js").
"""

from __future__ import annotations

import os
import sys

VIZ_JS_URL_VARIABLE = "AUTOGRAD_VIZ_JS_URL"


def in_browser() -> bool:
    """True when Python runs in a web page (Pyodide, compiled to WebAssembly for Emscripten)."""
    return sys.platform == "emscripten"


def shared_viz_js_url() -> str | None:
    """Where the page's shared viz.js is, or None: then each drawing inlines its own copy."""
    return os.environ.get(VIZ_JS_URL_VARIABLE) or None
