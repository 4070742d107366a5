"""The simplest scalar autograd in the field, as a yardstick for autograd.Value.

This is the micrograd / microgpt design, written again for the benchmark:
`__slots__`, one constructor, no checks at all (no NaN detection, no clear
errors, no scopes, no no_grad), and a recursive topological sort in backward().
The project's Value must not be slower than this on the same workload
(bench_train.py times both on benchmarks/microgpt.py).
"""

from __future__ import annotations

import math


class MinimalValue:
    """A scalar that remembers its inputs and the local derivative toward each."""

    __slots__ = ("_children", "_local_grads", "data", "grad")

    def __init__(self, data: float, children: tuple = (), local_grads: tuple = ()) -> None:
        self.data = data
        self.grad = 0
        self._children = children
        self._local_grads = local_grads

    def __add__(self, other: MinimalValue | float) -> MinimalValue:
        other = other if isinstance(other, MinimalValue) else MinimalValue(other)
        return MinimalValue(self.data + other.data, (self, other), (1, 1))

    def __mul__(self, other: MinimalValue | float) -> MinimalValue:
        other = other if isinstance(other, MinimalValue) else MinimalValue(other)
        return MinimalValue(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, k: float) -> MinimalValue:
        return MinimalValue(self.data**k, (self,), (k * self.data ** (k - 1),))

    def log(self) -> MinimalValue:
        return MinimalValue(math.log(self.data), (self,), (1 / self.data,))

    def exp(self) -> MinimalValue:
        return MinimalValue(math.exp(self.data), (self,), (math.exp(self.data),))

    def relu(self) -> MinimalValue:
        return MinimalValue(max(0, self.data), (self,), (float(self.data > 0),))

    def __neg__(self) -> MinimalValue:
        return self * -1

    def __radd__(self, other: float) -> MinimalValue:
        return self + other

    def __sub__(self, other: MinimalValue | float) -> MinimalValue:
        return self + (-other)

    def __rsub__(self, other: float) -> MinimalValue:
        return other + (-self)

    def __rmul__(self, other: float) -> MinimalValue:
        return self * other

    def __truediv__(self, other: MinimalValue | float) -> MinimalValue:
        return self * other**-1

    def __rtruediv__(self, other: float) -> MinimalValue:
        return other * self**-1

    def backward(self) -> None:
        order, visited = [], set()

        def visit(node: MinimalValue) -> None:
            if node not in visited:
                visited.add(node)
                for child in node._children:
                    visit(child)
                order.append(node)

        visit(self)
        self.grad = 1
        for node in reversed(order):
            for child, local in zip(node._children, node._local_grads):
                child.grad += local * node.grad
