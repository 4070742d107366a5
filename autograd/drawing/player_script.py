"""The backprop player's script: the steps of backward(), as the page will replay them.

Python computes everything here, as plain lists and numbers ready for JSON; the
page only moves an index along them. Index i of `nodes` (or `boxes`) is the
drawing's node n<i> (or box b<i>), the names draw gives them.

Two scripts, one per kind of drawing:
- value_script: one value per step. Forward, the values appear in topological
  order; backward, one step per node, with every `+=` of the chain rule.
- scope_script: one scope per step, in the order backward() finishes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autograd.drawing import views
from autograd.drawing.draw import scope_title
from autograd.drawing.language import Words
from autograd.drawing.player_trace import BackwardStep, final_grads
from autograd.graph import topological_order
from autograd.value import Value

Notes = Mapping[Any, str]  # a scope name (str) or a Value -> a short text

# Which rule gave a node its local derivatives: a key of the page's words.
RULES = {"*": "mul", "exp": "exp", "log": "log", "relu": "relu", "**": "pow", "dot": "dot",
         "max": "max", "detach": "detach"}  # fmt: skip


def rule(value: Value) -> str:
    """The name of the derivative rule behind value.local_grads ("leaf" for a leaf)."""
    if not value.children:
        return "leaf"
    if value.op == "+":
        return "add" if len(value.children) == 2 else "sum"
    return RULES.get(value.op, "other")


def display_names(root: Value, said: Words) -> dict[Value, str]:
    """Every value's name in the panel: its label, else its operation and a short index.

    "dot #3" is the graph's third unnamed dot product, counted inputs first; an
    unnamed leaf is "leaf #2" in the page's language. The same value has the same
    name in every view of the graph.
    """
    counts: dict[str, int] = {}
    names = {}
    for value in topological_order(root):
        if value.label:
            names[value] = value.label
            continue
        kind = views.op_label(value) if value.children else said("leaf")
        counts[kind] = counts.get(kind, 0) + 1
        names[value] = f"{kind} #{counts[kind]}"
    return names


def value_script(
    root: Value, view: views.View, steps: list[BackwardStep], notes: Notes | None, said: Words
) -> dict:
    """The steps of a drawing of values: what appears, then every grad that changes.

    A view may leave values out (a scope, a focus). Their steps are not shown, but
    what they add to a drawn value is: it arrives as "from outside this view"
    just before the next shown step, so the grads stay exactly backward()'s.
    """
    index = {node: i for i, node in enumerate(view.nodes)}  # a Value hashes by identity
    names = display_names(root, said)
    value_notes, scope_notes = split_notes(notes, graph_values(steps, root))
    nodes = [
        {
            "name": names[node],
            "op": node.op,
            "opLabel": views.op_label(node),
            "rule": rule(node),
            "data": node.data,
            "scope": node.scope,
            "inputs": [index.get(child) for child in node.children],
            "inputNames": [names[child] for child in node.children],
            "locals": list(node.local_grads),
            "notes": notes_of(node, value_notes, scope_notes),
        }
        for node in view.nodes
    ]
    page_steps: list[dict] = []
    outside: list[list] = []  # [node, old, new] added by steps that are not shown
    for step in steps:
        updates = [[index[c.input], c.old, c.new] for c in step.contributions if c.input in index]
        if step.node not in index:
            outside += updates
            continue
        page_steps.append(
            {
                "node": index[step.node],
                "seed": step.seed,
                "grad": step.grad,
                "lines": [_line(c, index, names) for c in step.contributions],
                "outside": outside,
                "updates": outside + updates,
            }
        )
        outside = []
    if outside:  # leaves of the view that receive from outside after the last shown step
        page_steps.append({"node": None, "seed": False, "grad": 0.0, "lines": [],
                           "outside": outside, "updates": outside})  # fmt: skip
    _mark_done(page_steps, view.nodes)
    return {"kind": "values", "nodes": nodes, "stubs": [index[s.consumer] for s in view.stubs],
            "steps": page_steps}  # fmt: skip


def _line(c: Any, index: dict[Value, int], names: dict[Value, str]) -> dict:
    return {"input": index.get(c.input), "name": names[c.input], "local": c.local,
            "old": c.old, "add": c.contribution, "new": c.new}  # fmt: skip


def _mark_done(page_steps: list[dict], nodes: list[Value]) -> None:
    """Add to each step the values whose grad is final after it.

    A node is done when it has passed its grad back (its own step); a leaf, which
    has no step, when its last contribution has arrived.
    """
    done_at = {}
    for k, step in enumerate(page_steps):
        for i, _, _ in step["updates"]:
            if not nodes[i].children:
                done_at[i] = k
        if step["node"] is not None and not step["seed"]:
            done_at[step["node"]] = k
    last = len(page_steps) - 1
    for step in page_steps:
        step["done"] = []
    for i in range(len(nodes)):
        page_steps[done_at.get(i, last)]["done"].append(i)


def scope_script(root: Value, steps: list[BackwardStep], notes: Notes | None, said: Words) -> dict:
    """One step per scope, when backward() has finished it: all its values passed their grad.

    Scopes interleave in the backward order (a residual hands grads to two
    scopes at once), so a scope's step is where its last value is passed back;
    after it, every grad in the scope is final. Boxes are in draw()'s order; a
    box's inputs are the boxes whose values it uses, where its grads go back to.
    """
    counts, crossing = views.count_by_scope(root)
    box = {name: i for i, name in enumerate(counts)}
    value_notes, scope_notes = split_notes(notes, graph_values(steps, root))
    del value_notes  # a box shows its scope's notes only
    last: dict[str, int] = {}
    passed: dict[str, int] = dict.fromkeys(counts, 0)
    for k, step in enumerate(steps[1:]):  # steps[0] is the root's grad 1
        name = views.scope_name(step.node)
        last[name] = k
        passed[name] += 1
    largest: dict[str, float] = dict.fromkeys(counts, 0.0)
    for value, grad in final_grads(steps).items():
        name = views.scope_name(value)
        largest[name] = max(largest[name], abs(grad))
    page_steps = [{"box": box[name], "done": [box[name]]} for name in sorted(last, key=last.get)]
    if page_steps:  # scopes of leaves only (the weights) are final with the last step
        page_steps[-1]["done"] += [box[name] for name in counts if name not in last]
    boxes = [
        {
            "scope": scope_title(name, said),
            "values": sum(kinds.values()),
            "inputs": [box[source] for source, target in crossing if target == name],
            "passed": passed[name],
            "largestGrad": largest[name],
            "notes": scope_notes_of(name, scope_notes),
        }
        for name, kinds in counts.items()
    ]
    return {"kind": "scopes", "boxes": boxes, "steps": page_steps}


def graph_values(steps: list[BackwardStep], root: Value) -> set[Value]:
    """Every value of the graph: the nodes that pass grads back and the ones that receive."""
    return {root} | {c.input for step in steps for c in step.contributions}


def split_notes(notes: Notes | None, graph: set[Value]) -> tuple[dict[Value, str], dict[str, str]]:
    """Notes by value and by scope name, checked: a note must say something about this graph."""
    by_value: dict[Value, str] = {}
    by_scope: dict[str, str] = {}
    known = {name for v in graph for name in enclosing_scopes(views.scope_name(v))}
    for key, text in (notes or {}).items():
        if not isinstance(text, str):
            raise TypeError(f"a note is a str, got {type(text).__name__} for {key!r}")
        if isinstance(key, Value):
            if key not in graph:
                raise ValueError(f"notes: {key!r} is not a value of this graph")
            by_value[key] = text
        elif isinstance(key, str):
            if key.strip("/") not in known:
                raise ValueError(
                    f"notes: no scope {key!r} in this graph; its scopes are {sorted(known)}"
                )
            by_scope[key.strip("/")] = text
        else:
            raise TypeError(f"notes are keyed by a scope name (str) or a Value, got {key!r}")
    return by_value, by_scope


def enclosing_scopes(scope: str) -> list[str]:
    """`scope` and the scopes it is nested in, outermost first: "a/b" gives ["a", "a/b"]."""
    parts = scope.split("/") if scope else []
    return ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]


def scope_notes_of(scope: str, by_scope: dict[str, str]) -> list[str]:
    """The notes of `scope` and of the scopes it is nested in, outermost first."""
    return [by_scope[name] for name in enclosing_scopes(scope) if name in by_scope]


def notes_of(value: Value, by_value: dict[Value, str], by_scope: dict[str, str]) -> list[str]:
    """A value's notes: those of its scope first, then its own."""
    own = [by_value[value]] if value in by_value else []
    return scope_notes_of(views.scope_name(value), by_scope) + own
