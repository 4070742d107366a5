"""python -m lessons 7 --notebook: the lesson source written as lesson07_fr.ipynb, by Jupytext.

The .ipynb is made from the source each time, never edited by hand, never committed.
With --quick, the first code cell's start(7, "fr") becomes start(7, "fr", quick=True).
"""

from __future__ import annotations

from pathlib import Path

from autograd.files import write_atomically
from lessons.kit.source import LessonSourceError, read_cells, source_path

KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}


def write_notebook(number: int, lang: str, out: str | Path = ".", quick: bool = False) -> Path:
    """Write lesson `number` in `lang` as `out`/lessonNN_<lang>.ipynb; return its path."""
    import jupytext
    import nbformat

    cells = read_cells(source_path(number, lang))
    if quick:
        start = f'start({number}, "{lang}")'
        first = next((c for c in cells if c.cell_type == "code" and start in c.source), None)
        if first is None:
            path = source_path(number, lang)
            raise LessonSourceError(f"{path}: no code cell calls {start}; the first one must")
        first.source = first.source.replace(start, f'start({number}, "{lang}", quick=True)')
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = KERNEL
    notebook.metadata["language_info"] = {"name": "python"}
    text = jupytext.writes(notebook, fmt="ipynb")
    return write_atomically(Path(out) / f"lesson{number:02d}_{lang}.ipynb", lambda f: f.write(text))
