"""player(): watch backward() work through a graph, one node at a time, in a browser.

Python does all the work: it records backward() step by step (player_trace.py),
writes the steps as JSON (player_script.py) next to the DOT text of the same
drawing draw() makes, and puts both in one HTML page with viz.js and a small
script (web/) that only replays them. The page opens from disk, offline.
"""

from __future__ import annotations

import html
import warnings
from collections import Counter
from importlib import resources
from pathlib import Path
from string import Template

from autograd.drawing import views
from autograd.drawing.draw import scope_boxes, value_graph
from autograd.drawing.language import Words, words
from autograd.drawing.pages import script_json, viz_js
from autograd.drawing.player_script import Notes, enclosing_scopes, scope_script, value_script
from autograd.drawing.player_trace import backward_steps
from autograd.files import write_atomically
from autograd.graph import topological_order
from autograd.value import Value

# Inches between the columns of values (Graphviz's default is 0.5): a page shows the
# whole graph at a readable size in more windows (lesson 7's neuron in 800 x 600).
RANKSEP = "0.3"


class Player:
    """A backprop player page: `.save(path)` writes it, Jupyter shows it in the notebook."""

    def __init__(self, page: str) -> None:
        self.page = page  # the whole self-contained HTML page

    def save(self, path: str | Path) -> Path:
        """Write the page at `path` (".html" added if it has no suffix), atomically; return it."""
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(".html")
        return write_atomically(path, lambda f: f.write(self.page))

    def _repr_html_(self) -> str:
        """The page in an iframe, so its script and styles stay apart from the notebook's."""
        return (
            f'<iframe srcdoc="{html.escape(self.page, quote=True)}" '
            'style="width: 100%; height: 640px; border: 1px solid #ccc; box-sizing: border-box">'
            "</iframe>"
        )


def player(
    root: Value,
    *,
    lang: str = "en",
    max_nodes: int | None = 500,
    group_by: str | None = None,
    focus: Value | None = None,
    scope: str | None = None,
    notes: Notes | None = None,
) -> Player:
    """A page that replays root.backward() step by step, on the drawing draw() makes.

    The views are draw()'s: all the values (refused above `max_nodes`, with the
    views that fit), `group_by="scope"` (one step per scope), `focus=value` or
    `scope="name"`. `notes` maps a scope name or a Value to a short text that the
    page shows when that scope or value is the current step or is clicked.
    The grads are computed as on a fresh graph; the Values' .grad are not touched.
    `lang` ("en", "fr") is the language of every word and number on the page
    (words/<lang>.txt). The graph fits the window, or follows the value at work.
    """
    views.check_value("the root", root, "player")
    if focus is not None:
        views.check_value("focus", focus, "player")
    said = words(lang)  # refuses a language it has no words for
    views.check_options(group_by, focus, scope, max_nodes)
    steps = backward_steps(root)
    if group_by == "scope":
        script = scope_script(root, steps, notes, said)
        graph = scope_boxes(root, said, rankdir="TB")
    else:
        view = _view(root, max_nodes, focus, scope)
        script = value_script(root, view, steps, notes, said)
        widest = dict(zip(view.nodes, _widest_grads(script, said)))
        graph = value_graph(root, view, focus, grad_text=lambda node: widest[node], said=said)
    graph.graph_attr["ranksep"] = RANKSEP
    return Player(_page(graph.source, script, said))


def _view(root: Value, max_nodes: int | None, focus: Value | None, scope: str | None) -> views.View:
    """draw()'s view of the graph; a view of more than max_nodes values is refused."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "drawing 4,624 values...": the refusal below says more
        if focus is not None:
            view = views.focused(root, focus, max_nodes)  # cut to max_nodes by itself
        elif scope is not None:
            view = views.in_scope(root, scope)
        else:
            view = views.View(topological_order(root))
    if max_nodes is not None and len(view.nodes) > max_nodes:
        raise ValueError(_too_big(root, len(view.nodes), max_nodes))
    return view


def _too_big(root: Value, count: int, max_nodes: int) -> str:
    """The refusal: how big the graph is, and every view of it that fits."""
    sizes: Counter[str] = Counter()
    for value in topological_order(root):
        sizes.update(enclosing_scopes(value.scope))  # "attention/qkv" counts in "attention" too
    fitting = [f"scope={name!r} ({n:,} values)" for name, n in sizes.items() if n <= max_nodes]
    boxes = len(views.count_by_scope(root)[0])
    return (
        f"this view has {count:,} values, more than max_nodes={max_nodes} that a page "
        f"can play smoothly. Views that fit: group_by='scope' (one step per scope, {boxes} "
        f"boxes); focus=<a value> (what it was computed from, up to {max_nodes} values)"
        + "".join(f"; {view}" for view in fitting)
        + ". Or raise max_nodes (a slower page)."
    )


def _widest_grads(script: dict, said: Words) -> list[str]:
    """For each drawn value, the longest grad text it will show, to size its box once."""
    texts = [[said.short(0.0)] for _ in script["nodes"]]
    for step in script["steps"]:
        for i, _, new in step["updates"]:
            texts[i].append(said.short(new))
    return [max(options, key=len) for options in texts]


_WEB = resources.files("autograd.drawing").joinpath("web")


def _page(dot_source: str, script: dict, said: Words) -> str:
    """The self-contained page: the DOT text, the script and the words as JSON, then the code."""
    template = Template(_WEB.joinpath("player.html").read_text("utf-8"))
    return template.substitute(
        lang=said.lang,
        title=html.escape(said("title")),
        drawing=html.escape(said("drawing")),
        css=_WEB.joinpath("player.css").read_text("utf-8"),
        dot_json=script_json(dot_source),
        script_json=script_json(script),
        words_json=script_json(said.sections),
        viz_js=viz_js(),
        player_js=_WEB.joinpath("player.js").read_text("utf-8"),
    )
