"""render() and save_html(): a drawing saved as a file, with or without Graphviz.

svg, png and pdf files are made by Graphviz's `dot` program (dot_program.py);
dot and html files need nothing but Python (pages.py).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from autograd.drawing.dot_program import (
    DOT_FORMATS,
    INSTALL_HINT,
    NOT_FOUND,
    TIMEOUT,
    GraphvizNotFound,
    run_dot,
    save_fallbacks,
)
from autograd.drawing.dot_text import draw
from autograd.drawing.pages import write_html_page
from autograd.value import Value


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
        dot_path, html_path = save_fallbacks(source, path)
        raise GraphvizNotFound(
            NOT_FOUND.substitute(format=format, install=INSTALL_HINT, dot=dot_path, html=html_path),
            dot_path,
            html_path,
        )
    try:
        path.write_bytes(run_dot(dot, source, format, timeout))
    except subprocess.TimeoutExpired:
        dot_path, html_path = save_fallbacks(source, path)
        raise TimeoutError(
            f"dot did not finish in {timeout:g} s, so it was stopped. Draw less "
            "(group_by='scope', focus=..., scope=...), or open the page saved as "
            f"{html_path} (the DOT text is in {dot_path})"
        ) from None
    return path


def save_html(graph_or_root: Any, path: str | Path) -> Path:
    """Save a page that draws the graph in any browser, offline, and return its path."""
    return write_html_page(_source(graph_or_root), path)


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
