"""Which values a drawing shows: all of them, the ones nearest the output, or one part.

A real graph has tens of thousands of values, and a picture of all of them is a
grey blur that takes dot minutes to lay out. So a drawing shows a chosen part in
full and puts a *stub* in place of each group of inputs it leaves out, so that
nothing disappears without a trace. `draw()` turns a `View` into DOT.
"""

from __future__ import annotations

import warnings
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from autograd.drawing.language import Words
from autograd.graph import topological_order
from autograd.value import Value

NO_SCOPE = "(no scope)"  # the box for values made outside every `with scope(...)`
BIG = 2_000  # above this many values, dot gets slow and the picture unreadable
KINDS = ("leaf", "+", "*", "dot", "exp", "log", "relu", "**")  # the order boxes list them in


@dataclass
class Stub:
    """Some inputs of one drawn value that are not drawn: `source` says why.

    `source` is "" when they were cut to keep the drawing small, else the scope
    they come from.
    """

    consumer: Value
    hidden: list[Value]  # distinct, in the consumer's input order
    source: str


@dataclass
class View:
    """What a drawing shows: some values in full, and stubs for the inputs left out."""

    nodes: list[Value]  # inputs first, as topological_order gives them
    stubs: list[Stub] = field(default_factory=list)
    cut: str = ""  # "near" (the values nearest the root) or "focus" when values were cut for size
    total: int = 0  # with cut="near", how many values the whole graph has


def check_value(what: str, x: object, caller: str = "draw") -> Value:
    """`x` itself if it is a Value; else a TypeError that says what `caller` (draw, player)
    needs."""
    if not isinstance(x, Value):
        raise TypeError(
            f"{caller}: {what} must be a Value, the result of a computation "
            f"(e.g. {caller}(loss)), got {type(x).__name__} {x!r}"
        )
    return x


def label(value: Value) -> str:
    """A value's label, which a drawing writes as text: it must be a str."""
    if not isinstance(value.label, str):
        raise TypeError(
            f"draw: a Value's label must be a str, got {type(value.label).__name__} "
            f"{value.label!r} (on the value with data {value.data:g}); "
            f'write Value(x, label="w3") or label=str(...)'
        )
    return value.label


def check_options(
    group_by: str | None, focus: Value | None, scope: str | None, max_nodes: int | None
) -> None:
    """The arguments that choose a view, as draw() and player() take them: one view at most."""
    if group_by not in (None, "scope"):
        raise ValueError(f"group_by can only be 'scope' (or None), got {group_by!r}")
    if sum(x is not None for x in (group_by, focus, scope)) > 1:
        raise ValueError("choose one of group_by=, focus= and scope=, not several")
    if max_nodes is not None and (isinstance(max_nodes, bool) or max_nodes < 1):
        raise ValueError(f"max_nodes must be at least 1, or None for no limit; got {max_nodes}")


def scope_name(value: Value) -> str:
    return value.scope or NO_SCOPE


def kind(value: Value) -> str:
    """The operation that made `value` ("**" for every power), or "leaf"."""
    return value.op if value.children else "leaf"


def op_label(value: Value) -> str:
    """The operation as a box shows it: the exponent written in, as in "**2"."""
    return f"**{value.exponent:g}" if value.exponent is not None else value.op


def inside(scope: str) -> Callable[[Value], bool]:
    """A test for 'made in `scope` or in a scope nested in it'; "" contains everything."""
    prefix = scope + "/"
    return lambda v: not scope or v.scope == scope or v.scope.startswith(prefix)


def near_root(root: Value, max_nodes: int | None) -> View:
    """Everything when it fits in `max_nodes`, else the `max_nodes` values nearest `root`."""
    order = topological_order(root)
    if max_nodes is None or len(order) <= max_nodes:
        warn_if_big(len(order))
        return View(order)
    shown = nearest(root, max_nodes, lambda v: True)
    view = _cut(order, shown, lambda v: "")
    view.cut, view.total = "near", len(order)
    return view


def focused(root: Value, focus: Value, max_nodes: int | None) -> View:
    """What `focus` was computed from, inside its own scope, up to `max_nodes` values.

    The walk goes back from `focus` breadth-first and stops at two borders: a value
    made outside focus's scope (drawn as a stub "k inputs from <scope>") and the size
    limit (a stub "k inputs hidden"). A value with no scope has everything inside,
    so focusing on the loss is the same as the default drawing.
    """
    if not any(v is focus for v in topological_order(root)):
        raise ValueError(
            "focus= must be a value the root was computed from; is it from an earlier "
            "forward pass? Draw it with draw(value) instead"
        )
    is_inside = inside(focus.scope)
    shown = nearest(focus, max_nodes, is_inside)
    view = _cut(topological_order(focus), shown, lambda v: "" if is_inside(v) else scope_name(v))
    if any(stub.source == "" for stub in view.stubs):
        view.cut = "focus"
    warn_if_big(len(shown))
    return view


def in_scope(root: Value, scope: str) -> View:
    """Every value made in `scope` or below it, in full; inputs from elsewhere are stubs."""
    scope = scope.strip("/")
    order = topological_order(root)
    is_inside = inside(scope)
    shown = {id(v) for v in order if is_inside(v)}
    if not scope or not shown:
        known = sorted({v.scope.split("/")[0] for v in order if v.scope})
        raise ValueError(f"no value in scope {scope!r}; the graph's top scopes are {known}")
    warn_if_big(len(shown))
    return _cut(order, shown, scope_name)


def nearest(start: Value, limit: int | None, allowed: Callable[[Value], bool]) -> set[int]:
    """id() of up to `limit` values nearest `start`, reached through `allowed` values only.

    Breadth-first from the output back to the inputs, so the values kept are
    those fewest operations away; ties go to the earlier input, which makes it
    the same every time.
    """
    shown = {id(start)}
    queue = deque([start])
    while queue and len(shown) != limit:
        for child in queue.popleft().children:
            if id(child) not in shown and allowed(child):
                shown.add(id(child))
                queue.append(child)
                if len(shown) == limit:
                    break
    return shown


def _cut(order: list[Value], shown: set[int], source: Callable[[Value], str]) -> View:
    """The shown values in `order`, with one stub per drawn value and source of hidden inputs."""
    nodes = [v for v in order if id(v) in shown]
    stubs = []
    for node in nodes:
        groups: dict[str, dict[int, Value]] = {}
        for child in node.children:
            if id(child) not in shown:
                groups.setdefault(source(child), {})[id(child)] = child
        stubs += [Stub(node, list(hidden.values()), src) for src, hidden in groups.items()]
    return View(nodes, stubs)


def notice(view: View, said: Words, see_more: str | None = None) -> str:
    """The line a cut drawing shows in its title and warns with; "" when nothing was cut.

    `see_more` ends it: how to see the rest (by default, draw()'s arguments, in
    the drawing's language); a program with other ways (minillm graph) passes its own.
    """
    if not view.cut:
        return ""
    shown, total = said.write(str(len(view.nodes))), said.write(str(view.total))
    what = said("notice_near" if view.cut == "near" else "notice_focus", shown=shown, total=total)
    return f"{what} {said('see_more') if see_more is None else see_more}"


def warn_if_big(count: int) -> None:
    if count > BIG:
        warnings.warn(
            f"drawing {count:,} values: dot may take minutes and the picture will be hard "
            "to read; group_by='scope' gives an overview",
            stacklevel=4,
        )


def count_by_scope(root: Value) -> tuple[dict[str, Counter], dict[tuple[str, str], int]]:
    """For each scope, its values by kind; for each pair of scopes, how many values cross.

    One pass over the graph. A value counts once per scope that uses it, however many
    times; scopes come in the order their first value appears, inputs first.
    """
    counts: dict[str, Counter] = {}
    crossing: dict[tuple[str, str], set[int]] = {}
    for node in topological_order(root):
        here = scope_name(node)
        counts.setdefault(here, Counter())[kind(node)] += 1
        for child in node.children:
            there = scope_name(child)
            if there != here:
                crossing.setdefault((there, here), set()).add(id(child))
    return counts, {pair: len(ids) for pair, ids in crossing.items()}
