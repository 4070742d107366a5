"""The browser site in headless Chromium: serve it, open a lesson, run it, answer its guesses.

Shared by tests/lessons/test_site.py and benchmarks/bench_site.py. A small threaded
server serves the site on 127.0.0.1, under a sub-path as GitHub Pages serves a
project. Chromium runs with the network cut (no name but 127.0.0.1 resolves: the
learner's machine offline) and records the requests of the pages, their workers
(where Python runs) and the service worker, so any request for another host is seen.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.browser import Chromium, Tab

OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"  # Chromium's flag
SUB_PATH = "course"  # the site is served at http://127.0.0.1:PORT/course/
NOTEBOOK = "jupyterapp.shell.currentWidget"  # the notebook panel open in JupyterLite
# The notebook's state: its code cells (their run count and outputs), the kernel's status,
# and whether a guess waits in an input box.
STATE = f"""(() => {{
  const panel = {NOTEBOOK};
  const cells = [...panel.content.model.cells].filter((c) => c.type === "code");
  return {{
    counts: cells.map((c) => c.executionCount),
    outputs: cells.map((c) => c.outputs.toJSON()),
    kernel: panel.sessionContext.session?.kernel?.status ?? "none",
    asking: document.querySelector(".jp-Stdin-input:not([data-answered])") !== null,
  }};
}})()"""
# Each drawing or player shown in an output frame: its <svg> once viz.js has drawn it.
DRAWN_FRAMES = """[...document.querySelectorAll(".jp-OutputArea-output iframe")]
  .map((frame) => frame.contentDocument?.querySelector("#graph svg") ? "drawn" : "waiting")"""


class RecordingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files, with the types modules and WebAssembly need, and keeps every path asked."""

    extensions_map = {  # noqa: RUF012  (http.server's own class attribute)
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm",
        ".json": "application/json", ".whl": "application/zip",
    }  # fmt: skip

    def __init__(self, *args: Any, asked: list[str], **kwargs: Any) -> None:
        self.asked = asked
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        self.asked.append(self.path)


@contextmanager
def serve(root: Path) -> Iterator[tuple[str, list[str]]]:
    """Serve the folder `root` on 127.0.0.1; yield its address and the paths asked so far."""
    asked: list[str] = []
    handler = functools.partial(RecordingHandler, directory=str(root), asked=asked)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


def lesson_url(base: str, number: int, lang: str) -> str:
    """JupyterLite's address that opens lesson `number` in `lang`, under the sub-path."""
    return f"{base}/{SUB_PATH}/lab/index.html?path=lesson{number:02d}_{lang}.ipynb"


def open_lesson(browser: Chromium, base: str, number: int, lang: str) -> tuple[Tab, float]:
    """Open the lesson in JupyterLite and run its first code cell, start(...): the project loads.

    Returns the tab and the seconds from opening the page until that cell ran:
    how long Python takes to be ready (Pyodide, the kernel, and the project's wheel).
    """
    start = time.monotonic()
    tab = browser.open(lesson_url(base, number, lang))
    tab.wait_for(f"{NOTEBOOK}.sessionContext.session.kernel.status === 'idle'", seconds=240)
    tab.evaluate(f"""(() => {{
      const panel = {NOTEBOOK};
      panel.content.activeCellIndex = [...panel.content.model.cells]
        .findIndex((c) => c.type === "code");
      void jupyterapp.commands.execute("notebook:run-cell");  // not awaited: it ends with the run
    }})()""")
    tab.wait_for(f"{STATE}.counts[0] !== null && {STATE}.kernel === 'idle'", seconds=120)
    return tab, time.monotonic() - start


def run_all(tab: Tab, answers: Sequence[str], seconds: float = 300) -> dict[str, Any]:
    """Run all cells, typing `answers` in the input boxes as the guesses come; return the state.

    Stops at the first error output (the state shows it). The state's "typed" lists
    the answers given; "seconds" is how long the run took.
    """
    start = time.monotonic()
    tab.evaluate('void jupyterapp.commands.execute("notebook:run-all-cells")')
    left, typed = list(answers), []
    give_up = start + seconds
    while True:
        state = tab.evaluate(STATE)
        failed = any(o.get("output_type") == "error" for out in state["outputs"] for o in out)
        if state["asking"] and left:
            box = 'document.querySelector(".jp-Stdin-input:not([data-answered])")'
            tab.evaluate(f"{box}.focus()")
            tab.type(left[0])
            tab.evaluate(f"{box}.dataset.answered = 'yes'")  # the next question has a new box
            tab.press("Enter")
            typed.append(left.pop(0))
            tab.wait_for('!document.querySelector(".jp-Stdin-input[data-answered]")', seconds=30)
        elif failed or (all(c is not None for c in state["counts"]) and state["kernel"] == "idle"):
            break
        elif time.monotonic() > give_up:
            raise TimeoutError(
                f"the lesson did not finish in {seconds} s: {json.dumps(state)[:3000]}"
            )
        time.sleep(0.2)
    return {**state, "typed": typed, "seconds": time.monotonic() - start}


def printed(state: dict[str, Any]) -> str:
    """All the text the cells printed (streams, and the plain text of other outputs)."""
    parts = []
    for outputs in state["outputs"]:
        for output in outputs:
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            parts.append("".join(text) if isinstance(text, list) else text)
    return "".join(parts)


def drawn_frames(tab: Tab, at_least: int, seconds: float = 60) -> list[str]:
    """The state of each output frame (a drawing or a player), once `at_least` are drawn."""
    tab.wait_for(f"{DRAWN_FRAMES}.filter((s) => s === 'drawn').length >= {at_least}", seconds)
    return tab.evaluate(DRAWN_FRAMES)


def expose_app(site: Path) -> None:
    """Let the tests reach JupyterLite's application (window.jupyterapp) to run its commands.

    JupyterLite's own setting exposeAppInBrowser, switched on in the site's settings.
    """
    path = site / "jupyter-lite.json"
    settings = json.loads(path.read_text(encoding="utf-8"))
    settings["jupyter-config-data"]["exposeAppInBrowser"] = (
        "true"  # a string, as JupyterLite reads it
    )
    path.write_text(json.dumps(settings, indent=1), encoding="utf-8")


def run_code(tab: Tab, code: str) -> str:
    """Run `code` in the notebook's kernel, outside the cells; return what it printed.

    stdout and stderr, in order; an error as "ERROR name: message".
    """
    return tab.evaluate(f"""(async () => {{
      const future = {NOTEBOOK}.sessionContext.session.kernel.requestExecute({{
        code: {json.dumps(code)} }});
      const parts = [];
      future.onIOPub = (message) => {{
        const kind = message.header.msg_type, content = message.content;
        if (kind === "stream") parts.push(content.text);
        if (kind === "error") parts.push(`ERROR ${{content.ename}}: ${{content.evalue}}`);
      }};
      await future.done;
      return parts.join("");
    }})()""")
