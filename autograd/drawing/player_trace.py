"""What backward() does, step by step, recorded for the backprop player.

The player's page computes nothing: it replays this record. So the record must be
Value.backward() itself, the same additions in the same order, only written down:
the root gets grad 1, then each node, in reverse topological order, adds
`local derivative * its grad` to the grad of each of its inputs.

The grads are kept in a dict of our own, starting from 0 as on a fresh graph:
the user's Values are read, never written.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograd.graph import topological_order
from autograd.value import Value


@dataclass(frozen=True)
class Contribution:
    """One line of the chain rule: input.grad += local * grad = old + contribution -> new."""

    input: Value
    local: float  # d(node)/d(input), stored when the node was made
    old: float  # input.grad before this line
    contribution: float  # local * grad
    new: float  # old + contribution


@dataclass(frozen=True)
class BackwardStep:
    """One node passing its grad back to its inputs (or, first, the root getting grad 1)."""

    node: Value
    grad: float  # the node's grad when it passes it back: final, every user has added theirs
    contributions: tuple[Contribution, ...]
    seed: bool = False  # True for the first step only: root.grad += 1


def backward_steps(root: Value) -> list[BackwardStep]:
    """Value.backward() on a fresh graph, one step per node, without touching any .grad."""
    grads: dict[Value, float] = {}  # a Value hashes by identity
    seed = _add(grads, root, local=1.0, grad=1.0)  # d(root)/d(root) = 1
    steps = [BackwardStep(root, 1.0, (seed,), seed=True)]
    # The same order as backward(): inputs before outputs, read backwards, leaves never visited.
    for node in reversed(topological_order(root, leaves=False)):
        grad = grads.get(node, 0.0)
        lines = tuple(
            _add(grads, child, local, grad) for child, local in zip(node.children, node.local_grads)
        )
        steps.append(BackwardStep(node, grad, lines))
    return steps


def _add(grads: dict[Value, float], value: Value, local: float, grad: float) -> Contribution:
    """grads[value] += local * grad, the very operation backward() does, written down."""
    old = grads.get(value, 0.0)
    contribution = local * grad
    new = old + contribution
    grads[value] = new
    return Contribution(value, local, old, contribution, new)


def final_grads(steps: list[BackwardStep]) -> dict[Value, float]:
    """Every value's grad once all the steps are done: what backward() leaves in .grad."""
    return {line.input: line.new for step in steps for line in step.contributions}
