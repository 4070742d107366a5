"""render() and save_html(): a drawing saved as a file, with or without Graphviz.

`pip install graphviz` installs only a Python wrapper: the layout is made by
Graphviz's `dot` program, which is installed on its own. When it is missing, we
still save what we can: the DOT text, and an HTML page that lays it out in the
browser with viz.js (Graphviz compiled to WebAssembly, vendored in autograd/vendor/,
so the page works offline). Then the error says how to install Graphviz.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from autograd.drawing import draw
from autograd.value import Value

DOT_FORMATS = ("svg", "png", "pdf")  # the formats the dot program makes for us
TIMEOUT = 60.0  # seconds: a very big graph can keep dot busy for hours

_INSTALL = """\
Install Graphviz, then restart Python (or the Jupyter kernel):
  Debian/Ubuntu:  sudo apt-get install graphviz
  macOS:          brew install graphviz
  conda:          conda install -c conda-forge graphviz
  Windows:        the installer from https://graphviz.org/download/ (add Graphviz to the PATH)"""

_NOT_FOUND = Template("""\
Graphviz's `dot` program was not found, so no $format file could be made.
`pip install graphviz` installs only a Python wrapper; the drawing itself is made
by the `dot` program, which comes with Graphviz.
Tried: the `dot` program on PATH: not found.
$install
Meanwhile the drawing was saved as:
  $dot  (the DOT text, for any Graphviz viewer)
  $html  (a page that draws it in any browser, offline)""")


class GraphvizNotFound(RuntimeError):
    """The `dot` program is not on PATH; the message says how to install it, and what was saved.

    `dot_path` and `html_path` are the files saved instead (the DOT text, and a
    page that draws it in a browser).
    """

    def __init__(self, message: str, dot_path: Path | None = None, html_path: Path | None = None):
        super().__init__(message)
        self.dot_path = dot_path
        self.html_path = html_path


def render(
    graph_or_root: Any, path: str | Path, format: str = "svg", *, timeout: float = TIMEOUT
) -> Path:
    """Save a drawing (or draw(root)) to `path`, adding the format's suffix if it has none.

    "svg", "png" and "pdf" are made by the dot program, stopped after `timeout`
    seconds; "dot" saves the DOT text and "html" the page of save_html(), which
    need no Graphviz. Without dot, the .dot and .html files are saved next to
    `path` and GraphvizNotFound says how to install Graphviz.
    """
    source = _source(graph_or_root)
    path = Path(path)
    if not path.suffix:
        path = path.with_suffix(f".{format}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if format == "dot":
        path.write_text(source, encoding="utf-8")
        return path
    if format == "html":
        return save_html(source, path)
    if format not in DOT_FORMATS:
        raise ValueError(f"format must be one of {(*DOT_FORMATS, 'dot', 'html')}, got {format!r}")
    dot = shutil.which("dot")  # looked up on each call: installing Graphviz later works
    if dot is None:
        dot_path, html_path = _save_fallbacks(source, path)
        raise GraphvizNotFound(
            _NOT_FOUND.substitute(format=format, install=_INSTALL, dot=dot_path, html=html_path),
            dot_path,
            html_path,
        )
    try:
        path.write_bytes(_run_dot(dot, source, format, timeout))
    except subprocess.TimeoutExpired:
        dot_path, html_path = _save_fallbacks(source, path)
        raise TimeoutError(
            f"dot did not finish in {timeout:g} s, so it was stopped. Draw less "
            "(group_by='scope', focus=..., scope=...), or open the page saved as "
            f"{html_path} (the DOT text is in {dot_path})"
        ) from None
    return path


def save_html(graph_or_root: Any, path: str | Path) -> Path:
    """Save a page that draws the graph in any browser, offline, and return its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html_page(_source(graph_or_root), title=path.stem), encoding="utf-8")
    return path


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
    # "<" written as \u003c cannot close the <script> early; JSON.parse reads it back.
    dot_json = json.dumps(source).translate({ord("<"): "\\u003c", ord(">"): "\\u003e"})
    viz_js = resources.files("autograd").joinpath("vendor/viz-global.js").read_text("utf-8")
    viz_js = re.sub(r"</(script)", r"<\\/\1", viz_js, flags=re.IGNORECASE)  # same reason
    return _PAGE.substitute(title=html.escape(title), dot_json=dot_json, viz_js=viz_js)


def notebook_view(source: str, timeout: float = TIMEOUT) -> dict[str, str]:
    """What Jupyter shows: dot's SVG, else the HTML page in a frame, else a hint. Never raises."""
    try:
        dot = shutil.which("dot")
        if dot is not None:
            return {"image/svg+xml": _run_dot(dot, source, "svg", timeout).decode("utf-8")}
        hint = "Graphviz's `dot` program was not found: viz.js draws this in the browser.\n"
        hint += _INSTALL
    except Exception as error:  # a display hook must not raise
        hint = f"dot could not draw this graph ({error}): viz.js draws it in the browser."
    try:
        frame = html.escape(html_page(source))
        return {
            "text/html": f"<pre>{html.escape(hint)}</pre>"
            f'<iframe srcdoc="{frame}" style="width: 100%; height: 480px; border: 0"></iframe>',
            "text/plain": hint,
        }
    except Exception as error:
        return {"text/plain": f"{hint}\n(The HTML view failed too: {error}.)\n\n{source}"}


def _run_dot(dot: str, source: str, format: str, timeout: float) -> bytes:
    done = subprocess.run(
        [dot, f"-T{format}"], input=source.encode("utf-8"), capture_output=True, timeout=timeout
    )
    if done.returncode != 0:
        raise RuntimeError(f"dot failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout


def _save_fallbacks(source: str, path: Path) -> tuple[Path, Path]:
    """The DOT text and the HTML page, saved next to `path`, for when dot cannot help."""
    dot_path = path.with_suffix(".dot")
    dot_path.write_text(source, encoding="utf-8")
    return dot_path, save_html(source, path.with_suffix(".html"))


def _source(graph_or_root: Any) -> str:
    """The DOT text of a drawing, or of draw(root) for a Value; a str is taken as DOT."""
    if isinstance(graph_or_root, Value):
        return draw(graph_or_root).source
    if isinstance(graph_or_root, str):
        return graph_or_root
    source = getattr(graph_or_root, "source", None)
    if not isinstance(source, str):
        kind = type(graph_or_root).__name__
        raise TypeError(f"expected a Value or a drawing from draw(), got a {kind}")
    return source
