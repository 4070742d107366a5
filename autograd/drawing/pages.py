"""The self-contained HTML page: DOT text plus the vendored viz.js, drawn in any browser.

No network and no Graphviz are needed to open it: viz.js is Graphviz compiled to
WebAssembly, inlined in the page (see vendor/README.md). The backprop player
uses the same viz.js through `viz_js()`. In the course's browser site, where every
drawing of a notebook would carry its own copy, they all load the site's one copy
instead (autograd/browser.py).
"""

from __future__ import annotations

import functools
import html
import json
import re
from importlib import resources
from pathlib import Path
from string import Template

from autograd.browser import shared_viz_js_url
from autograd.files import write_atomically

_PAGE = Template("""\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>$title</title>
<style>body { font-family: sans-serif; } #graph svg { max-width: 100%; height: auto; }</style>
</head>
<body>
<div id="graph">Drawing the graph with viz.js...</div>
<script type="application/json" id="dot-source">$dot_json</script>
<script>$viz_js</script>
<script>
const dotText = JSON.parse(document.getElementById("dot-source").textContent);
const box = document.getElementById("graph");
Viz.instance()
  .then((viz) => box.replaceChildren(viz.renderSVGElement(dotText)))
  .catch((error) => {
    box.className = "failed";
    box.textContent = "viz.js could not draw this graph: " + error;
  });
</script>
</body>
</html>
""")


def html_page(source: str, title: str = "autograd graph") -> str:
    """A self-contained page: the DOT text as JSON, then viz.js, then three lines to draw."""
    return _PAGE.substitute(title=html.escape(title), dot_json=script_json(source), viz_js=viz_js())


def write_html_page(source: str, path: str | Path) -> Path:
    """Save html_page(source) at `path` (its folder made if needed), atomically; return the path."""
    page = html_page(source, title=Path(path).stem)
    return write_atomically(path, lambda f: f.write(page))


def script_json(data: object) -> str:
    """`data` as JSON that is safe inside a <script> element, and that JSON.parse reads.

    Python writes an infinity as Infinity, which JSON.parse refuses (the page would
    never draw); 1e999 is valid JSON and JSON.parse reads it as Infinity. A NaN has
    no JSON number at all: it is refused here rather than shown as a wrong number.
    """
    text = _NON_FINITE.sub(_finite_spelling, json.dumps(data))
    # "<" written as \u003c cannot close the <script> early; JSON.parse reads it back.
    return text.translate({ord("<"): "\\u003c", ord(">"): "\\u003e"})


# A JSON string (left as it is), or one of the words Python writes for inf and NaN.
_NON_FINITE = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


def _finite_spelling(match: re.Match) -> str:
    word = match.group(1)
    if word is None:
        return match.group(0)  # a string, even one that reads "Infinity"
    if word == "NaN":
        raise ValueError("a NaN cannot be shown in the page: find the operation that made it")
    return word.replace("Infinity", "1e999")


def viz_js() -> str:
    """What goes inside a page's viz.js <script> element: the vendored code, inlined.

    When the site shares one copy (autograd/browser.py), a line that loads it instead:
    a <script src> written while the page is parsed runs before the next script,
    just as the inlined code would.
    """
    url = shared_viz_js_url()
    if url:
        return f"document.write({script_json(f'<script src={json.dumps(url)}></script>')});"
    return _vendored_viz_js()


@functools.cache
def _vendored_viz_js() -> str:
    """The vendored viz.js, ready to inline in a <script> element (read once)."""
    code = resources.files("autograd.drawing").joinpath("vendor/viz-global.js").read_text("utf-8")
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE)  # same reason
