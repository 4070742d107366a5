"""Helpers for the tests of notebook-first lessons (lessons/<lang>/lessonNN.py).

kernel_run(7, "fr") writes the lesson as a notebook (quick form), runs it in a real
kernel (nbclient + ipykernel) and returns the executed notebook with the kernel's
variables: every global that JSON can hold, read by one last cell. A lesson's own
test file holds its claims to those variables.
"""

from __future__ import annotations

import functools
import io
import json
import tempfile
import tokenize
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient

from lessons.kit.writer import write_notebook

TIMEOUT = 300  # seconds for one cell
MARK = "KERNEL VARIABLES "
READ_VARIABLES = f"""
import json as _json
_kept = {{}}
for _name, _value in list(globals().items()):
    if _name.startswith("_"):
        continue
    try:
        _kept[_name] = _json.loads(_json.dumps(_value))
    except (TypeError, ValueError):
        pass
print({MARK!r} + _json.dumps(_kept))
"""


def execute(notebook: Any, folder: Path, allow_errors: bool = False) -> dict[str, Any]:
    """Run every cell in a kernel started in `folder`; the kernel's variables afterwards."""
    notebook.cells.append(nbformat.v4.new_code_cell(READ_VARIABLES))
    client = NotebookClient(
        notebook, timeout=TIMEOUT, kernel_name="python3", allow_errors=allow_errors,
        resources={"metadata": {"path": str(folder)}},
    )  # fmt: skip
    client.execute()
    last = notebook.cells.pop()
    printed = "".join(o.get("text", "") for o in last.outputs if o.output_type == "stream")
    return json.loads(printed.split(MARK, 1)[1]) if MARK in printed else {}


@functools.cache
def kernel_run(number: int, lang: str) -> tuple[Any, dict[str, Any], Path]:
    """Lesson `number` in `lang`, run once per test session: (notebook, variables, folder)."""
    folder = Path(tempfile.mkdtemp(prefix=f"lesson{number:02d}_{lang}_"))
    notebook = nbformat.read(write_notebook(number, lang, folder, quick=True), as_version=4)
    variables = execute(notebook, folder)
    return notebook, variables, folder


def outputs(notebook: Any, kind: str) -> list[str]:
    """Every output of MIME type `kind` (text/html, image/svg+xml...) or stream text ("stream")."""
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if kind == "stream" and output.output_type == "stream":
                found.append(output.text)
            elif kind in output.get("data", {}):
                found.append(output["data"][kind])
    return found


def comments(code: str) -> list[str]:
    """The comments and docstrings of some Python code, as written."""
    found = []
    tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    for token in tokens:
        if token.type == tokenize.COMMENT:
            found.append(token.string.lstrip("#").strip())
        elif token.type == tokenize.STRING and token.string.startswith('"""'):
            found.append(token.string.strip('"'))
    return found


def in_a_kernel(notebook: Any, folder: Path, answers: list[str]) -> tuple[list, list, list]:
    """Run `notebook` in a kernel that sends input(), typing `answers`: (prompts, boxes, errors)."""
    replies, prompts, boxes, errors = iter(answers), [], [], []
    manager, kernel = start_new_kernel(kernel_name="python3", cwd=str(folder))

    def on_output(message: dict) -> None:
        if message["msg_type"] == "display_data":
            boxes.append(message["content"]["data"].get("text/html", ""))
        elif message["msg_type"] == "error":
            errors.append(message["content"]["evalue"])

    def on_input(message: dict) -> None:
        prompts.append(message["content"]["prompt"])
        kernel.input(next(replies))

    try:
        for cell in (c for c in notebook.cells if c.cell_type == "code"):
            kernel.execute_interactive(
                cell.source, allow_stdin=True, timeout=TIMEOUT, output_hook=on_output,
                stdin_hook=on_input,
            )  # fmt: skip
    finally:
        kernel.stop_channels()
        manager.shutdown_kernel(now=True)
    return prompts, boxes, errors
