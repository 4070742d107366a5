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
from autograd.drawing.draw import draw
from autograd.drawing.pages import write_html_page
from autograd.files import write_atomically
from autograd.value import Value

FORMATS = (*DOT_FORMATS, "dot", "html")
SUFFIXES = {**{f: f for f in FORMATS}, "gv": "dot", "htm": "html"}  # a file's suffix -> format


def render(
    graph_or_root: Any, path: str | Path, format: str | None = None, *, timeout: float = TIMEOUT
) -> Path:
    """Save a drawing (or draw(root)) to `path` in `format`, by default the one its suffix names.

    "svg", "png" and "pdf" are made by the dot program, stopped after `timeout`
    seconds; "dot" saves the DOT text and "html" the page of save_html(), which
    need no Graphviz. Without dot, the .dot and .html files are saved next to
    `path` and GraphvizNotFound says how to install Graphviz. A path without a
    suffix gets the format's (svg when none is given).
    """
    source = _source(graph_or_root)
    format, path = format_and_path(path, format)
    if format == "dot":
        return write_atomically(path, lambda f: f.write(source))
    if format == "html":
        return save_html(source, path)
    dot = shutil.which("dot")  # looked up on each call: installing Graphviz later works
    if dot is None:
        dot_path, html_path = save_fallbacks(source, path)
        raise GraphvizNotFound(
            NOT_FOUND.substitute(format=format, install=INSTALL_HINT, dot=dot_path, html=html_path),
            dot_path,
            html_path,
        )
    try:
        picture = run_dot(dot, source, format, timeout)
    except subprocess.TimeoutExpired:
        dot_path, html_path = save_fallbacks(source, path)
        raise TimeoutError(
            f"dot did not finish in {timeout:g} s, so it was stopped. Draw less "
            "(group_by='scope', focus=..., scope=...), or open the page saved as "
            f"{html_path} (the DOT text is in {dot_path})"
        ) from None
    return write_atomically(path, lambda f: f.write(picture), binary=True)


def format_and_path(
    path: str | Path, format: str | None = None, formats: tuple[str, ...] = FORMATS,
    option: str = "format",
) -> tuple[str, Path]:  # fmt: skip
    """The format to write and the file to write it to, which must agree.

    The format defaults to the one the suffix names (g.png: png), else svg; a path
    without a suffix gets the format's. A suffix that names another format, or no
    format we make (g.bmp), is an error: an SVG inside a .png opens nowhere.
    `option` is how the caller's users write the format, in the messages.
    """
    if format is not None and format not in formats:
        raise ValueError(f"{option} must be one of {formats}, got {format!r}")
    path = Path(path)
    suffix = path.suffix.lstrip(".").lower()
    if not suffix:
        format = format or "svg"
        return format, path.with_suffix(f".{format}")
    named = SUFFIXES.get(suffix)
    if named not in formats:
        endings = ", ".join(f".{s}" for s, f in SUFFIXES.items() if f in formats)
        raise ValueError(
            f"{path} ends in .{suffix}, and no {suffix} file can be made here: "
            f"end it in one of {endings}, or leave the suffix out"
        )
    if format is not None and format != named:
        raise ValueError(
            f"{path} ends in .{suffix} but {option} is {format}: make them agree "
            f"(or leave {option} out)"
        )
    return named, path


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
