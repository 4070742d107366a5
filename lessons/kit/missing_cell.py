"""In Jupyter, a name not yet defined says which cell of the lesson defines it.

A learner who runs a cell before the ones above it gets Python's NameError, and
under it: "neurone is defined by code cell 9, under « Étape 2 : ... »: run the
cells from the top".
"""

from __future__ import annotations

import ast
import sys
from typing import Any

from autograd.browser import in_browser
from lessons.kit.source import read_cells, source_path
from lessons.texts import Text


def where_defined(cells: list[Any]) -> dict[str, tuple[int, str]]:
    """name -> (the number of the code cell that first defines it, the section it is in)."""
    found: dict[str, tuple[int, str]] = {}
    section, code_number = "", 0
    for cell in cells:
        if cell.cell_type == "markdown":
            headings = [line for line in cell.source.splitlines() if line.startswith("#")]
            section = headings[-1].lstrip("# ").strip() if headings else section
            continue
        code_number += 1
        for node in ast.walk(ast.parse(cell.source)):
            for name in _defined_names(node):
                found.setdefault(name, (code_number, section))
    return found


def _defined_names(node: ast.AST) -> list[str]:
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
        return [node.id]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [(alias.asname or alias.name).split(".")[0] for alias in node.names]
    return []


def explain_missing_names(number: int, lang: str) -> None:
    """In an IPython kernel, add the defining cell under every NameError of this lesson.

    Not in the course's browser site: reading a lesson's source takes Jupytext, whose
    dependencies are not all pure Python, so the site leaves it out (lessons/site/pins.py).
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None or in_browser():
        return
    definitions = where_defined(read_cells(source_path(number, lang)))
    text = Text("common", lang)

    def handler(shell: Any, kind: type, error: BaseException, tb: Any, tb_offset: Any = None):
        shell.showtraceback((kind, error, tb), tb_offset=tb_offset)
        name = getattr(error, "name", None)
        if name in definitions:
            cell, section = definitions[name]
            print(text("missing_cell", name=name, cell=cell, section=section), file=sys.stderr)

    shell.set_custom_exc((NameError,), handler)
