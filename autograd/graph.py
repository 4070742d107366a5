"""Walking a graph of Values without recursion.

A graph of a million nodes would overflow Python's recursion limit (about 1,000
frames) if we walked it the way micrograd does, so we keep our own stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograd.value import Value


def topological_order(root: Value, leaves: bool = True) -> list[Value]:
    """Every node reachable from `root`, each one after all the nodes it was computed from.

    So `root` comes last, and reading the list backwards visits a node only when
    every node that used it has been visited: exactly what backpropagation needs.
    With `leaves=False` the nodes with no inputs (weights, constants) are left out;
    backward() does not need to visit them, their parents fill in their grads.

    This is a depth-first search with an explicit stack. A node is appended only when
    we come back to it after all its inputs (the `None` marker pushed above it),
    never when it is first pushed: that is what keeps a node reached along two
    paths in the right place.
    """
    order: list[Value] = []
    seen: set[Value] = set()  # nodes already expanded (a Value hashes by identity)
    stack: list[Value | None] = [root]
    while stack:
        node = stack.pop()
        if node is None:  # the marker: the node below it now has all its inputs in order
            order.append(stack.pop())
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append(node)
        stack.append(None)
        # Push in reverse so that the first input is expanded first: a fixed order.
        for child in reversed(node._children):
            if (leaves or child._children) and child not in seen:
                stack.append(child)
    if not leaves and not root._children:
        return []
    return order
