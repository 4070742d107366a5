"""Every lesson, in every language, as a generated notebook run in a real Jupyter kernel.

The notebooks are written by lessons/notebook.py and run by nbclient in an
ipykernel (the venv's Python), in quick mode. Each one must run without an error,
print something in every step's cell, show its drawings inline (SVG from `dot`,
or the viz.js page without it), its backprop players and its loss curves inline,
and react when the learner changes a value in the CHANGE_ME cell and runs the
step again.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

from lessons import LESSONS
from lessons.notebook import write_notebook
from lessons.texts import Text, languages

TIMEOUT = 300  # seconds for one cell; quick mode needs a few

# For each lesson, a value the learner changes in CHANGE_ME, that completes an exercise.
EXERCISE_CHANGES = {
    6: ("temperature_before", 2.0),
    8: ("eps", 0.1),
    9: ("window", ".bulbiza"),
    10: ("temperature", 1.5),
    11: ("batch_size", 256),
}


def test_the_kernel_is_this_python():
    """nbclient starts the "python3" kernel of this venv, where the project is installed."""
    command = KernelSpecManager().get_kernel_spec("python3").argv[0]
    assert command in ("python", sys.executable)  # jupyter_client turns "python" into this one


def text_of(cell) -> str:
    """Everything a code cell printed on stdout."""
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")


def markdown_of(notebook) -> str:
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def kinds_of(cell) -> set[str]:
    """The MIME types of the pictures a code cell displayed."""
    return {kind for o in cell.outputs if "data" in o for kind in o.data}


def is_step(cell) -> bool:
    return cell.cell_type == "code" and cell.metadata.get("minillm", {}).get("step", False)


def reads(cell, key: str) -> bool:
    """True when the step function of a cell reads the value `key` itself (not via a helper)."""
    steps = [
        node
        for node in ast.parse(cell.source).body
        if isinstance(node, ast.FunctionDef)
        and any(ast.unparse(d) == "lesson.step" for d in node.decorator_list)
    ]
    return any(f'"{key}"' in ast.get_source_segment(cell.source, step) for step in steps)


def done_line(number: int, exercise: int, lang: str) -> str:
    """The start of the line that says an exercise is done: "✅ Exercise 1:"."""
    label = Text(f"lesson{number:02d}", lang)("exercise_label", number=exercise)
    return f"✅ {label}"


def run_all(client: NotebookClient, notebook) -> None:
    """Run every cell in order, as "Run All" does; an error fails the test (CellExecutionError)."""
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            client.execute_cell(cell, index)


def set_value(source: str, key: str, value: object) -> str:
    """The CHANGE_ME cell with `key` set to `value`, as the learner would type it."""
    changed, count = re.subn(rf'("{key}":\s*)[^,#\n]+', rf"\g<1>{value!r}", source)
    assert count == 1, f"no value {key!r} in the CHANGE_ME cell:\n{source}"
    return changed


def client_for(notebook, folder: Path) -> NotebookClient:
    return NotebookClient(
        notebook, timeout=TIMEOUT, kernel_name="python3", resources={"metadata": {"path": folder}}
    )


@pytest.mark.parametrize("lang", languages())
@pytest.mark.parametrize("number", sorted(LESSONS))
def test_the_notebook_runs_in_a_kernel(number, lang, tmp_path):
    notebook = nbformat.read(write_notebook(number, lang, tmp_path, quick=True), as_version=4)
    client = client_for(notebook, tmp_path)
    with client.setup_kernel():
        run_all(client, notebook)  # no cell raises

        steps = [cell for cell in notebook.cells if is_step(cell)]
        assert steps, "the notebook has no step cell"
        for cell in steps:
            assert text_of(cell).strip(), f"this step printed nothing:\n{cell.source[:300]}"
        printed = "".join(text_of(cell) for cell in notebook.cells if cell.cell_type == "code")
        headings = re.findall(r"^## (.+)$", markdown_of(notebook), re.MULTILINE)
        assert headings and not [h for h in headings if h in printed]  # Markdown, not printed
        for cell in notebook.cells:
            if cell.cell_type != "code":
                continue
            pictures = [o.data for o in cell.outputs if o.output_type == "display_data"]
            drawings = cell.source.count("ctx.draw(") + cell.source.count("ctx.play(")
            shown = [d for d in pictures if {"image/svg+xml", "text/html"} & set(d)]
            assert len(shown) >= drawings, f"{drawings} drawing(s), shown: {len(shown)}"
            if "ctx.play(" in cell.source:  # the backprop player is a page
                assert any("text/html" in d for d in pictures)
            if "ctx.loss_curves(" in cell.source:
                assert any("image/png" in d for d in pictures), cell.source[:300]

        # The learner changes a value, runs the CHANGE_ME cell, then the steps that use it:
        # from the first step that reads the value, until one more exercise says it is done.
        key, value = EXERCISE_CHANGES[number]
        values_index = next(i for i, c in enumerate(notebook.cells) if "CHANGE_ME = {" in c.source)
        values_cell = notebook.cells[values_index]
        values_cell.source = set_value(values_cell.source, key, value)
        client.execute_cell(values_cell, values_index)
        first = next(i for i, c in enumerate(notebook.cells) if is_step(c) and reads(c, key))
        before = after = 0  # exercises done ("✅") by the same cells, before and after
        for index in range(first, len(notebook.cells)):
            cell = notebook.cells[index]
            if is_step(cell) and after <= before:
                before += text_of(cell).count("✅")
                after += text_of(client.execute_cell(cell, index)).count("✅")
        assert after > before, f"{key} = {value!r}: no exercise changed"


def test_without_dot_drawings_show_as_viz_js_pages(no_dot, tmp_path):
    """`dot` off the PATH: the kernel still draws, with the viz.js page (text/html)."""
    notebook = nbformat.read(write_notebook(8, "en", tmp_path, quick=True), as_version=4)
    client = client_for(notebook, tmp_path)
    with client.setup_kernel():
        run_all(client, notebook)
    drawings = [c for c in notebook.cells if c.cell_type == "code" and "ctx.draw(" in c.source]
    assert drawings
    for cell in drawings:
        html = [o.data["text/html"] for o in cell.outputs if "text/html" in o.get("data", {})]
        assert html and "Viz.instance()" in html[0], cell.source[:300]
        assert "image/svg+xml" not in kinds_of(cell)
    said = "".join(text_of(c) for c in notebook.cells if c.cell_type == "code")
    assert "apt-get install graphviz" in said  # and the learner is told how to get SVGs
    assert list((tmp_path / "lesson_output").glob("lesson08_*.html"))


def test_without_the_project_the_first_cell_says_in_one_line_how_to_install_it(tmp_path):
    notebook = nbformat.read(write_notebook(8, "fr", tmp_path, quick=True), as_version=4)
    hide = nbformat.v4.new_code_cell('import sys\nsys.modules["lessons"] = None  # not installed')
    notebook.cells.insert(0, hide)
    client = client_for(notebook, tmp_path)
    client.allow_errors = True
    with client.setup_kernel():
        client.execute_cell(hide, 0)
        index = next(i for i, c in enumerate(notebook.cells) if i and c.cell_type == "code")
        check = client.execute_cell(notebook.cells[index], index)
    errors = [o for o in check.outputs if o.output_type == "error"]
    assert len(errors) == 1 and errors[0].ename == "NotInstalled"
    assert len(check.outputs) == 1  # nothing else: no warning, no traceback
    (line,) = errors[0].traceback  # one line, no traceback
    assert "pip install -e ." in line and "Colab" in line and "Installe" in line
