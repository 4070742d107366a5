"""A lesson's source: lessons/<lang>/lessonNN.py, a Jupytext percent-format notebook.

Markdown cells (`# %% [markdown]`) hold the prose, code cells (`# %%`) what the
learner reads and runs; a code cell tagged values (`# %% tags=["values"]`) holds
exercise values, `bias = 0.1`. The same file runs with `python`, in a terminal
(terminal.py) and as a notebook (writer.py).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

LESSON_DIR = Path(__file__).resolve().parents[1]
VALUES_TAG = "values"


class LessonSourceError(ValueError):
    """A lesson source that cannot be read or compiled; the message names the file and cell."""


def source_path(number: int, lang: str) -> Path:
    """Where lesson `number` is written in `lang` (it may not exist yet)."""
    return LESSON_DIR / lang / f"lesson{number:02d}.py"


def notebook_first_lessons() -> list[int]:
    """The lessons written as notebooks (lessons/en/lessonNN.py exists), in order."""
    return sorted(int(p.stem[len("lesson") :]) for p in (LESSON_DIR / "en").glob("lesson[0-9]*.py"))


def read_cells(path: Path) -> list[Any]:
    """The cells of a lesson source (nbformat cells), every code cell compiled once to check it."""
    import jupytext

    try:
        notebook = jupytext.read(path, fmt="py:percent")
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise LessonSourceError(f"{path}: cannot be read as a lesson ({err})") from None
    for index, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type == "code":
            compile_cell(path, index, cell.source)
    return notebook.cells


def compile_cell(path: Path, index: int, code: str) -> Any:
    """The code of cell `index`, compiled; a SyntaxError names the file, cell and line."""
    try:
        return compile(code, f"{path} (cell {index})", "exec")
    except SyntaxError as err:
        raise LessonSourceError(
            f"{path}, cell {index}, line {err.lineno}: {err.msg} — fix that cell"
        ) from None


def title(number: int, lang: str) -> str:
    """The lesson's title: its first Markdown heading, without "# Leçon 7 :"."""
    for cell in read_cells(source_path(number, lang)):
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].split(":", 1)[-1].strip()
    raise LessonSourceError(f"{source_path(number, lang)}: no '# ' title in its Markdown cells")


def values_cells(cells: list[Any]) -> list[Any]:
    """The code cells tagged values."""
    return [c for c in cells if c.cell_type == "code" and VALUES_TAG in c.metadata.get("tags", [])]


def assigned_names(code: str) -> dict[str, Any]:
    """`name = literal` lines of a values cell: {"bias": 0.1}."""
    found = {}
    for node in ast.parse(code).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                found[target.id] = ast.literal_eval(node.value)
    return found
