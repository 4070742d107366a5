"""Walking a graph of Values: every node after the nodes it was computed from.

The clearest walk is micrograd's, a recursive depth-first search, and in Python it
is also the quickest (a call is cheap since Python 3.11). But a chain of a million
nodes is a million calls deep, far beyond Python's recursion limit (about 1,000),
so when the recursion gives up, the same walk is done again with a stack of our own.
Both give the same order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograd.value import Value


def topological_order(root: Value, leaves: bool = True) -> list[Value]:
    """Every node reachable from `root`, each one after all the nodes it was computed from.

    So `root` comes last, and reading the list backwards visits a node only when
    every node that used it has been visited: exactly what backpropagation needs.
    With `leaves=False` the nodes with no inputs (weights, constants) are left out;
    backward() does not need to visit them, their parents fill in their grads.
    """
    if not leaves and not root._children:
        return []
    try:
        return _by_recursion(root, leaves)
    except RecursionError:  # a graph deeper than Python's recursion limit
        return _by_own_stack(root, leaves)


def _by_recursion(root: Value, leaves: bool) -> list[Value]:
    """Depth-first: a node is appended after all its inputs, the first input first."""
    order: list[Value] = []
    _visit(root, leaves, set(), order.append)
    return order


def _visit(node: Value, leaves: bool, seen: set[Value], append: Callable[[Value], None]) -> None:
    # A plain function, not one nested in _by_recursion: a nested function that calls
    # itself is a reference cycle, which would keep the whole graph alive after use.
    seen.add(node)  # a Value hashes by identity
    for child in node._children:
        if (leaves or child._children) and child not in seen:
            _visit(child, leaves, seen, append)
    append(node)


def _by_own_stack(root: Value, leaves: bool) -> list[Value]:
    """The same walk as _by_recursion, with an explicit stack instead of Python's calls.

    A node is appended only when we come back to it after all its inputs (the `None`
    marker pushed above it), never when it is first pushed: that is what keeps a
    node reached along two paths in the right place.
    """
    order: list[Value] = []
    seen: set[Value] = set()  # nodes already expanded
    stack: list[Value | None] = [root]
    push, pop, mark = stack.append, stack.pop, seen.add  # looked up once: used for every node
    while stack:
        node = pop()
        if node is None:  # the marker: the node below it now has all its inputs in order
            order.append(pop())
            continue
        if node in seen:
            continue
        mark(node)
        push(node)
        push(None)
        # Push in reverse so that the first input is expanded first, as in the recursion.
        for child in reversed(node._children):
            if (leaves or child._children) and child not in seen:
                push(child)
    return order
