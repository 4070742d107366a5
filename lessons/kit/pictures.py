"""draw() and play(): a graph, and backward() replayed step by step, shown where the learner is.

In Jupyter both show under the cell; everywhere they are also saved in the output
folder (lesson07_<name>.html), which a terminal run prints the path of. They return
nothing, so that a notebook shows no Out[] line under them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from autograd import Value
from lessons.kit.session import Session, current, in_notebook, out_file


def draw(root: Value, name: str, what: str, **view: Any) -> None:
    """The graph that computed `root`, labelled in the lesson's language; saved as a page.

    `view` picks what autograd.draw shows: group_by="scope", focus=value...
    """
    from autograd import draw as draw_graph

    session = current("draw")
    drawing = draw_graph(root, lang=session.lang, **view)
    path = drawing.save_html(out_file(name + ".html"))
    _show(session, drawing, "saved_file", what, path)


def play(root: Value, name: str, what: str, **view: Any) -> None:
    """A page that replays root.backward() one step at a time, in the lesson's language.

    `view` picks what autograd.player shows: group_by="scope", notes={...}...
    """
    from autograd import player

    session = current("play")
    page = player(root, lang=session.lang, **view)
    path = page.save(out_file(name + ".html"))
    _show(session, page, "saved_player", what, path)


def _show(session: Session, picture: object, key: str, what: str, path: Path) -> None:
    """Under the cell in Jupyter; in a terminal, where the file is."""
    if in_notebook():
        from IPython.display import display

        display(picture)
    else:
        print(session.text(key, what=what, path=path))
