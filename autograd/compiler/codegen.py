"""Writing a recorded graph as straight-line Python: the forward, then the backward.

This is the code autograd.jit compiles. Each operation of the graph becomes one
line of the forward, in the order the operations were made; then the backward
walks the same list in reverse, with one line per chain-rule contribution,
exactly what `Value.backward()` does, written out:

    v0 = w * x                        # forward: one line per operation
    v1 = v0 + b
    v2 = v1 if v1 > 0.0 else 0.0      # relu: the branch is taken again at every call
    g_v2 = 1.0                        # backward: d v2 / d v2
    g_v1 = g_v2 if v1 > 0.0 else 0.0
    g_v0 = g_v1
    g_b = g_v1
    g_w = x * g_v0                    # d(w*x)/dw = x
    g_x = w * g_v0

Variables are named from the values' labels when a label makes an identifier
(`Wq[3][5]` gives `Wq_3_5`), else v0, v1, ...; a gradient is `g_` + the name.
A node whose gradient cannot reach an input (a constant, what comes out of a
`detach`) gets no backward line at all.
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Iterator

from autograd.escape import visible
from autograd.graph import topological_order
from autograd.value import Value

Structure = object  # None for a number, ("list" | "tuple", parts) or ("dict", keys, parts)

# What the generated code calls, and its own names: never a value's name.
RESERVED = {"inputs", "exp", "log", "max", "sum", "float"}
TERMS_ON_ONE_LINE = 100  # beyond this, a + b + ... becomes sum([...]): no deep nesting to compile
KNOWN_OPS = ("+", "*", "exp", "log", "relu", "**", "max", "detach", "dot")


class Names:
    """Unique variable names: an identifier made from a label when possible, else v0, v1, ..."""

    def __init__(self) -> None:
        self.used = set(RESERVED)
        self.counts: dict[str, int] = {}

    def fresh(self, label: str, stem: str) -> str:
        # ASCII only: Python folds identifiers to NFKC, so a label "ﬁ" would be the variable fi.
        name = re.sub(r"[^0-9A-Za-z_]+", "_", label).strip("_")
        # g_... and which_... are the backward's own names (gradients, the argmax of a max).
        free = name.isidentifier() and not keyword.iskeyword(name) and name not in self.used
        if free and not name.startswith(("g_", "which_")):
            self.used.add(name)
            return name
        while True:
            count = self.counts.get(stem, 0)
            self.counts[stem] = count + 1
            name = f"{stem}{count}"
            if name not in self.used:
                self.used.add(name)
                return name


def literal(x: float) -> str:
    """A constant as Python source; repr(x) gives back exactly the same float."""
    return repr(x) if math.isfinite(x) else f'float("{x}")'


def write_source(function_name: str, root: Value, inputs: list[Value], structure: Structure) -> str:
    """The source of `def function_name(*inputs)`, returning (loss, gradients shaped as inputs).

    `inputs` are the leaves made for the numbers of the inputs, in the order of
    `structure` (the nesting of the inputs, see autograd.jit).
    """
    names = Names()
    expr = {id(leaf): names.fresh(leaf.label, "x") for leaf in inputs}  # id -> name or literal
    lines = unpack("inputs", structure, iter([expr[id(leaf)] for leaf in inputs]), names)
    order = topological_order(root)
    lines.append("# forward: one line per operation")
    scope = ""  # a comment each time the scope changes
    for node in order:
        if not node.children:
            if id(node) not in expr:  # a constant made inside the function
                expr[id(node)] = literal(node.data)
            continue
        scope = _scope_comment(node, scope, lines)
        name = names.fresh(node.label, "v")
        lines.append(f"{name} = {forward_expression(node, expr)}")
        expr[id(node)] = name

    lines.append("# backward: one line per chain-rule contribution, from the loss back")
    reaches_input = _reaches_input(order, {id(leaf) for leaf in inputs})
    has_grad: set[int] = set()
    if reaches_input[id(root)]:
        lines.append(f"g_{expr[id(root)]} = 1.0")
        has_grad.add(id(root))
    scope = ""  # a comment each time the scope changes
    for node in reversed(order):
        if id(node) not in has_grad or not node.children:
            continue
        scope = _scope_comment(node, scope, lines)
        g = f"g_{expr[id(node)]}"
        if node.op == "max":  # which input was the largest: it alone gets the gradient
            lines.append(f"which_{expr[id(node)]} = [{_args(node, expr)}].index({expr[id(node)]})")
        for i, child in enumerate(node.children):
            if not reaches_input[id(child)]:
                continue
            term = contribution(node, i, expr, g)
            if term is None:
                continue
            sign = "+=" if id(child) in has_grad else "="  # the first contribution starts it
            lines.append(f"g_{expr[id(child)]} {sign} {term}")
            has_grad.add(id(child))

    grads = iter([f"g_{expr[id(leaf)]}" if id(leaf) in has_grad else "0.0" for leaf in inputs])
    lines.append(f"return {expr[id(root)]}, {display(structure, grads)}")
    return f"def {function_name}(*inputs):\n" + "".join(f"    {line}\n" for line in lines)


def forward_expression(node: Value, expr: dict[int, str]) -> str:
    """The right-hand side that computes `node` from its inputs' names, as Value does."""
    op, args = node.op, [expr[id(child)] for child in node.children]
    if op == "+":
        return _sum(args)
    if op == "*":
        return f"{args[0]} * {args[1]}"
    if op in ("exp", "log"):
        return f"{op}({args[0]})"
    if op == "relu":  # the branch is taken again at every replay
        return f"{args[0]} if {args[0]} > 0.0 else 0.0"
    if op == "**":
        base = f"({args[0]})" if args[0].startswith("-") else args[0]  # -2.0 ** 2 is -(2.0 ** 2)
        return f"{base} ** {literal(node.exponent)}"
    if op == "max":
        return f"max({', '.join(args)})" if len(args) > 1 else args[0]
    if op == "detach":
        return f"{args[0]}  # detach: the same number, no gradient back"
    if op == "dot":
        n = len(args) // 2  # inputs are (w_0 .. w_n-1, x_0 .. x_n-1)
        return _sum([f"{w} * {x}" for w, x in zip(args[:n], args[n:])])
    raise ValueError(
        f"autograd.jit cannot replay the operation {op!r}: it knows {', '.join(KNOWN_OPS)}; "
        "build the function from those, or call it on Values without jit"
    )


def contribution(node: Value, i: int, expr: dict[int, str], g: str) -> str | None:
    """d(node)/d(its input i) * g, as source; None when that slope is the constant 0."""
    op, args = node.op, [expr[id(child)] for child in node.children]
    if op == "+":
        return g
    if op == "*":
        return f"{args[1 - i]} * {g}"  # d(a*b)/da = b, d(a*b)/db = a
    if op == "exp":
        return f"{expr[id(node)]} * {g}"  # d(e^a)/da = e^a, the output itself
    if op == "log":
        return f"{g} / {args[0]}"  # d(log a)/da = 1/a
    if op == "relu":
        return f"{g} if {args[0]} > 0.0 else 0.0"
    if op == "**":
        k = node.exponent
        if k == 0.0:
            return None  # a ** 0 is the constant 1
        power = args[0] if k - 1.0 == 1.0 else f"{args[0]} ** {literal(k - 1.0)}"
        return f"{literal(k)} * {power} * {g}"  # the power rule: k * a^(k-1)
    if op == "max":
        return f"{g} if which_{expr[id(node)]} == {i} else 0.0"
    if op == "dot":
        n = len(args) // 2
        return f"{args[i + n] if i < n else args[i - n]} * {g}"  # each input's partner
    return None  # detach: no gradient goes back


def unpack(source: str, structure: Structure, names: Iterator[str], all_names: Names) -> list[str]:
    """Lines that bind every number inside `source`, shaped as `structure`, to its name.

    Unpacking checks every length on the way (`[a, b] = [1.0]` is a ValueError).
    """
    if not _has_dict(structure):
        return [f"{target(structure, names)} = {source}"]
    if structure[0] == "dict":
        _, keys, parts = structure
        return [
            line
            for key, part in zip(keys, parts)
            for line in unpack(f"{source}[{key!r}]", part, names, all_names)
        ]
    parts = structure[1]  # a list or tuple holding a dict: unpack into temporary names first
    temporaries = [all_names.fresh("", "part") for _ in parts]
    lines = [f"[{', '.join(temporaries)}] = {source}"]
    for name, part in zip(temporaries, parts):
        lines += unpack(name, part, names, all_names)
    return lines


def target(structure: Structure, names: Iterator[str]) -> str:
    """An assignment target with the shape of `structure`: [w, [x0, x1]]."""
    if structure is None:
        return next(names)
    return "[" + ", ".join(target(part, names) for part in structure[1]) + "]"


def display(structure: Structure, items: Iterator[str]) -> str:
    """A list, tuple or dict display with the shape of `structure`, filled with `items`."""
    if structure is None:
        return next(items)
    if structure[0] == "dict":
        _, keys, parts = structure
        return "{" + ", ".join(f"{k!r}: {display(p, items)}" for k, p in zip(keys, parts)) + "}"
    inside = ", ".join(display(part, items) for part in structure[1])
    if structure[0] == "tuple":
        return f"({inside}{',' * (len(structure[1]) == 1)})"
    return f"[{inside}]"


def _has_dict(structure: Structure) -> bool:
    if structure is None:
        return False
    return structure[0] == "dict" or any(_has_dict(part) for part in structure[1])


def _sum(terms: list[str]) -> str:
    # sum() starts from 0 and adds left to right, as Value.sum and dot do: the same float.
    if len(terms) > TERMS_ON_ONE_LINE:
        return f"sum([{', '.join(terms)}])"
    return " + ".join(terms)


def _args(node: Value, expr: dict[int, str]) -> str:
    return ", ".join(expr[id(child)] for child in node.children)


def _scope_comment(node: Value, scope: str, lines: list[str]) -> str:
    """Add a `# scope` line when the scope changes; return the scope now in force."""
    if node.scope != scope:
        # visible(): a line break in the user's scope would end the comment, and the
        # rest would be a line of the generated code, run at every replay.
        lines.append(f"# {visible(node.scope or '(no scope)')}")
    return node.scope


def _reaches_input(order: list[Value], inputs: set[int]) -> dict[int, bool]:
    """For each node: can a gradient flow from it back to an input? (Not through detach.)"""
    reaches: dict[int, bool] = {}
    for node in order:  # inputs before outputs: each child is known before its parents
        if not node.children:
            reaches[id(node)] = id(node) in inputs
        else:
            reaches[id(node)] = node.op != "detach" and any(
                reaches[id(child)] for child in node.children
            )
    return reaches
