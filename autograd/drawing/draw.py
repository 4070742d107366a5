"""draw(): the graph behind a Value, as a Graphviz picture.

Only the DOT text is built here: a few lines per value, no layout. The `graphviz`
package is imported inside the functions that need it, so `import autograd`
works with the standard library alone. Which values are drawn is decided in
views.py; turning the DOT into a picture is rendering.py's job.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograd.drawing import views
from autograd.drawing.dot_program import notebook_view
from autograd.drawing.language import Words, words
from autograd.drawing.pages import write_html_page
from autograd.escape import visible
from autograd.value import Value

if TYPE_CHECKING:
    import graphviz

DRAW_MAX_NODES = 200  # draw()'s default: above it, the values nearest the root are drawn

# Fill colour of each role; the legend is in draw()'s docstring.
COLOURS = {"parameter": "#cfe2ff", "input": "#e9ecef", "operation": "white", "loss": "#ffc078"}


def draw(
    root: Value,
    *,
    max_nodes: int | None = DRAW_MAX_NODES,
    group_by: str | None = None,
    focus: Value | None = None,
    scope: str | None = None,
    see_more: str | None = None,
    lang: str = "en",
) -> graphviz.Digraph:
    """A picture of the graph that computed `root`, data flowing left to right.

    Each value is one box: the operation that made it (for a result), its label,
    its data and its grad, e.g. "relu | data 0.5 | grad 1.0". An n-ary sum is
    one box with many arrows coming in. The colours say what a value is:

        light blue    parameter: a leaf with a label, like "Wq[3][5]"
        light grey    input or constant: a leaf without a label
        white         intermediate: the result of an operation
        orange        the root you drew from, usually the loss
        thick border  the focused value, with focus=
        dashed box    a stub: inputs that are not drawn, and why

    What is drawn, one choice at a time:

        draw(loss)                     all values if at most max_nodes, else the max_nodes
                                       values nearest the loss, with stubs and a notice
        draw(loss, max_nodes=None)     all values (warns above 2,000)
        draw(loss, group_by="scope")   one box per scope: its values counted by kind,
                                       and arrows saying how many values cross
        draw(loss, focus=value)        what `value` was computed from, inside its scope
        draw(loss, scope="attention")  every value made in that scope, in full

    A cut drawing says so in a warning and in its title, ending with `see_more`:
    how to see the rest (by default, with the arguments above).
    `lang` ("en", "fr") is the language of the captions and numbers: 0.5 or 0,5.

    The result is a graphviz.Digraph: Jupyter shows it (in the browser, through
    viz.js, when the Graphviz program is missing) and render() saves it.
    """
    views.check_value("the root", root)
    if focus is not None:
        views.check_value("focus", focus)
    views.check_options(group_by, focus, scope, max_nodes)
    said = words(lang)
    if group_by == "scope":
        graph = scope_boxes(root, said)
    else:
        if scope is not None:
            view = views.in_scope(root, scope)
        elif focus is not None:
            view = views.focused(root, focus, max_nodes)
        else:
            view = views.near_root(root, max_nodes)
        notice = views.notice(view, said, see_more)
        if notice:
            warnings.warn(notice, stacklevel=2)
        graph = value_graph(root, view, focus, said=said, notice=notice)
    graph.lang = lang  # for the notebook's display
    return graph


def value_graph(
    root: Value,
    view: views.View,
    focus: Value | None = None,
    grad_text: Callable[[Value], str] | None = None,
    said: Words | None = None,
    notice: str = "",
) -> graphviz.Digraph:
    """One record per value in the view, named n0, n1, ... inputs first; stubs s0, s1, ...

    `grad_text(value)` writes the grad field (default: the value's .grad); the
    backprop player writes there the widest number it will show, to size the box.
    `said` gives the words and numbers (English by default), `notice` the title.
    """
    said = said or words()
    grad_text = grad_text or (lambda node: said.short(node.grad))
    graph = _new_graph(notice)
    names = {id(node): f"n{i}" for i, node in enumerate(view.nodes)}
    for node in view.nodes:
        graph.node(
            names[id(node)],
            _record(
                views.op_label(node),
                views.label(node),
                f"{said('data')} {said.short(node.data)}",
                f"{said('grad')} {grad_text(node)}",
            ),
            fillcolor=COLOURS[_role(node, root)],
            penwidth="3" if node is focus else None,
        )
    for node in view.nodes:
        for child in node.children:  # one arrow per use, so x*x has two
            if id(child) in names:
                graph.edge(names[id(child)], names[id(node)])
    for i, stub in enumerate(view.stubs):
        graph.node(f"s{i}", _stub_label(stub, said), style="dashed", fontcolor="gray35")
        graph.edge(f"s{i}", names[id(stub.consumer)], style="dashed")
    return graph


def scope_boxes(root: Value, said: Words | None = None, rankdir: str = "LR") -> graphviz.Digraph:
    """One box per scope, b0, b1, ... in the order scopes first appear, inputs first.

    `rankdir="TB"` stacks the scopes from top to bottom (the backprop player's
    choice: a tall drawing fits a window at a readable size, a wide one does not).
    """
    said = said or words()
    counts, crossing = views.count_by_scope(root)
    graph = _new_graph(rankdir=rankdir)
    names = {scope: f"b{i}" for i, scope in enumerate(counts)}
    for scope, kinds in counts.items():
        listed = [k for k in views.KINDS if k in kinds] + sorted(set(kinds) - set(views.KINDS))
        by_kind = ", ".join(
            f"{said('leaves') if k == 'leaf' else k} {said.write(str(kinds[k]))}" for k in listed
        )
        is_root = scope == views.scope_name(root)
        graph.node(
            names[scope],
            _record(scope_title(scope, said), said.counted("values", sum(kinds.values())),
                    by_kind, horizontal=rankdir != "LR"),
            fillcolor=COLOURS["loss" if is_root else "operation"],
        )  # fmt: skip
    for (source, target), n in crossing.items():
        graph.edge(names[source], names[target], label=said.counted("values", n))
    return graph


def scope_title(scope: str, said: Words) -> str:
    """A scope's name as a drawing writes it: "(no scope)" in the drawing's language."""
    return said("no_scope") if scope == views.NO_SCOPE else scope


def _role(value: Value, root: Value) -> str:
    if value is root:
        return "loss"
    if value.children:
        return "operation"
    return "parameter" if value.label else "input"


def _stub_label(stub: views.Stub, said: Words) -> str:
    k = len(stub.hidden)
    if stub.source:
        caption = said.counted("stub_from", k, scope=scope_title(stub.source, said))
    else:
        caption = said.counted("stub_hidden", k)
    first = stub.hidden[0]
    # One hidden input is worth naming; many are only counted.
    name = (views.label(first) or f"{said('data')} {said.short(first.data)}") if k == 1 else ""
    return _record(caption, name)


_RECORD_ESCAPES = str.maketrans({c: "\\" + c for c in '\\{}|<>"'})
_STRING_ESCAPES = str.maketrans({c: "\\" + c for c in '\\"'})


def dot_string(text: str) -> str:
    """`text` safe inside a DOT "..." string: a trailing backslash cannot escape the quote."""
    return visible(text).translate(_STRING_ESCAPES)


def _record(*fields: str, horizontal: bool = True) -> str:
    """A record label, "{ a | b | c }": fields side by side with rankdir=LR (braces do that),
    stacked with rankdir=TB."""
    body = " | ".join(visible(f).translate(_RECORD_ESCAPES) for f in fields if f)
    return f"{{ {body} }}" if horizontal else body


def _new_graph(notice: str = "", rankdir: str = "LR") -> graphviz.Digraph:
    graph_attr = {"rankdir": rankdir, "fontname": "Helvetica"}
    if notice:
        graph_attr |= {"label": dot_string(notice), "labelloc": "t"}
    return _drawing_class()(
        "autograd",
        graph_attr=graph_attr,
        node_attr={"shape": "record", "style": "filled", "fontname": "Helvetica"},
        edge_attr={"fontname": "Helvetica"},
    )


@functools.cache
def _drawing_class() -> type[graphviz.Digraph]:
    """graphviz.Digraph with a notebook display that never raises (made on first use)."""
    import graphviz

    class Drawing(graphviz.Digraph):
        """A Digraph that shows itself in Jupyter, with or without the `dot` program."""

        lang = "en"  # the language draw() was asked for: the hint under the drawing's cursor

        def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **_: Any) -> dict:
            return notebook_view(self.source, lang=self.lang)

        def save_html(self, path: str | Path) -> Path:
            """Save a page that draws this graph in any browser, offline: draw(x).save_html(p)."""
            return write_html_page(self.source, path)

    return Drawing
