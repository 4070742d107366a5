"""Graphviz's `dot` program: finding it, running it, and saying how to install it.

`pip install graphviz` installs only a Python wrapper: the layout is made by
Graphviz's `dot` program, which is installed on its own. When it is missing, we
still save what we can: the DOT text, and an HTML page that lays it out in the
browser with viz.js (see pages.py). Then the error says how to install Graphviz.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from pathlib import Path
from string import Template

from autograd.browser import in_browser
from autograd.drawing.inline import inline_svg
from autograd.drawing.pages import html_page, write_html_page
from autograd.files import write_atomically

DOT_FORMATS = ("svg", "png", "pdf")  # the formats the dot program makes for us
TIMEOUT = 60.0  # seconds: a very big graph can keep dot busy for hours

INSTALL_HINT = """\
Install Graphviz, then restart Python (or the Jupyter kernel):
  Debian/Ubuntu:  sudo apt-get install graphviz
  macOS:          brew install graphviz
  conda:          conda install -c conda-forge graphviz
  Windows:        the installer from https://graphviz.org/download/ (add Graphviz to the PATH)"""

NOT_FOUND = Template("""\
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


def notebook_view(source: str, timeout: float = TIMEOUT, lang: str = "en") -> dict[str, str]:
    """What Jupyter shows: dot's SVG fitted to the output (inline.py), else the HTML page in a
    frame, else a hint. Never raises."""
    try:
        dot = shutil.which("dot")
        if dot is not None:
            svg = run_dot(dot, source, "svg", timeout).decode("utf-8")
            return {"text/html": inline_svg(svg, lang), "image/svg+xml": svg}
        hint = "Graphviz's `dot` program was not found: viz.js draws this in the browser.\n"
        # Python in a web page (the course's site): there is nothing to install, say nothing.
        hint = "" if in_browser() else hint + INSTALL_HINT
    except Exception as error:  # a display hook must not raise
        hint = f"dot could not draw this graph ({error}): viz.js draws it in the browser."
    try:
        frame = html.escape(html_page(source))
        return {
            "text/html": (f"<pre>{html.escape(hint)}</pre>" if hint else "")
            + f'<iframe srcdoc="{frame}" style="width: 100%; height: 480px; border: 0"></iframe>',
            "text/plain": hint or "a graph, drawn by viz.js",
        }
    except Exception as error:
        return {"text/plain": f"{hint}\n(The HTML view failed too: {error}.)\n\n{source}"}


def run_dot(dot: str, source: str, format: str, timeout: float) -> bytes:
    done = subprocess.run(
        [dot, f"-T{format}"], input=source.encode("utf-8"), capture_output=True, timeout=timeout
    )
    if done.returncode != 0:
        raise RuntimeError(f"dot failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout


def save_fallbacks(source: str, path: Path) -> tuple[Path, Path]:
    """The DOT text and the HTML page, saved next to `path`, for when dot cannot help."""
    dot_path = write_atomically(path.with_suffix(".dot"), lambda f: f.write(source))
    return dot_path, write_html_page(source, path.with_suffix(".html"))
