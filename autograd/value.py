"""Value: a number that remembers how it was computed.

Every operation on Values returns a new Value, a node of the graph, that keeps its
number (`data`), its inputs (`children`), the operation's name (`op`) and, computed
right away while the numbers are at hand, d(output)/d(input) for each input
(`local_grads`). So `backward()` is only the chain rule: each node, outputs first,
passes `local derivative * its own grad` to each of its inputs.

Five operations are primitives: `+`, `*`, `exp`, `log`, `relu`. Each is a few
lines: the number, its local derivative, its node. `**` is one extra node type
(see `__pow__` for why); `-`, `/`, `sum` are built from the others; `max` and
`detach` keep numbers in the graph for autograd.jit. Checks and messages live
in errors.py, so that this file shows the math.

Adding a primitive: a method here (number, local derivative, `make_node`); its
closed form in tests/autograd/test_value_ops.py and a gradcheck in
tests/autograd/test_gradcheck.py; its forward and backward lines in
autograd/compiler/codegen.py (KNOWN_OPS: the jit refuses an op it does not know);
its kind in autograd/drawing/views.py (KINDS) and its rule in the player
(player_script.py RULES, with the words of the rule in the player's words files).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd import errors
from autograd.context import state
from autograd.graph import topological_order

Number = int | float


def make_node(data: float, children: tuple, local_grads: tuple, op: str) -> Value:
    """The output node of an operation: every operation makes its result here.

    `local_grads[i]` is d(data)/d(children[i]). A NaN, or an inf from finite inputs, is
    refused (errors.py). Under no_grad() the node keeps its number but no history.
    It skips Value(...), whose checks are for numbers that come from the user.
    """
    if data - data:  # 0.0 for every finite number; NaN for NaN and for an infinity
        errors.refuse_non_finite(data, children, op)
    node = object.__new__(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    no_grad_blocks, node._scope = state()  # this thread's state: see context.py
    if no_grad_blocks:
        children, local_grads, op = (), (), ""
    node._children = children
    node._local_grads = local_grads
    node._op = op
    return node


class Value:
    """A scalar in a computation graph, with its gradient."""

    # __slots__: no per-object dict, so a node is small and quick to make (_exponent: `**` only).
    __slots__ = ("_children", "_exponent", "_local_grads", "_op", "_scope", "data", "grad", "label")

    def __init__(self, data: Number, label: str = "") -> None:
        """A number of yours (a weight, an input, a constant): a leaf, with no history."""
        is_plain_float = type(data) is float and data == data  # NaN is the one float != itself
        self.data = data if is_plain_float else errors.checked_number(data)
        self.grad = 0.0
        self.label = label
        self._children: tuple[Value, ...] = ()
        self._local_grads: tuple[float, ...] = ()
        self._op = ""
        self._scope = state()[1]  # the scope this thread is in

    # ------------------------------------------------------------------ the graph, read-only

    @property
    def children(self) -> tuple[Value, ...]:
        """The inputs this value was computed from, in order; () for a leaf."""
        return self._children

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(child) for each child, computed when this value was made."""
        return self._local_grads

    @property
    def op(self) -> str:
        """The operation that made this value ("+", "*", "exp", "dot", ...); "" for a leaf."""
        return self._op

    @property
    def exponent(self) -> float | None:
        """k for a value made by `x ** k`, else None."""
        return getattr(self, "_exponent", None)  # an unset slot: not a `**` node

    @property
    def scope(self) -> str:
        """The scope this value was created in, e.g. "attention/scores"; "" outside any."""
        return self._scope

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{label})"

    # ------------------------------------------------------------------ the five primitives

    def __add__(self, other: Value | Number) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        # d(a+b)/da = 1, d(a+b)/db = 1
        return make_node(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __mul__(self, other: Value | Number) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        a, b = self.data, other.data
        # d(a*b)/da = b, d(a*b)/db = a
        return make_node(a * b, (self, other), (b, a), "*")

    def exp(self) -> Value:
        try:
            out = math.exp(self.data)
        except OverflowError:
            raise errors.exp_too_large(self.data) from None
        # d(e^x)/dx = e^x: the output itself
        return make_node(out, (self,), (out,), "exp")

    def log(self) -> Value:
        x = self.data
        errors.check_log(x)
        # d(log x)/dx = 1/x
        return make_node(math.log(x), (self,), (1.0 / x,), "log")

    def relu(self) -> Value:
        on = self.data > 0.0
        # max(0, x): slope 1 where x > 0, else 0 (at exactly 0 too, as in the lesson)
        return make_node(self.data if on else 0.0, (self,), (1.0 if on else 0.0,), "relu")

    # ------------------------------------------------------------------ the extra node

    def __pow__(self, k: Number) -> Value:
        """x ** k for a plain number k, recorded as one node of its own.

        Why not exp(k * log(x)) from the primitives? Because log needs x > 0, and
        we want `(a - b) ** 2` and `1 / b` for any sign.
        """
        k = errors.checked_exponent(k)
        x = self.data
        errors.check_power(x, k)
        try:
            power = x**k
            # The power rule: d(x^k)/dx = k * x^(k-1). For k = 0 the power is the
            # constant 1, slope 0 (the rule would compute 0 * 0.0 ** -1.0 at x = 0).
            slope = k * x ** (k - 1.0) if k != 0.0 else 0.0
        except OverflowError:  # float ** raises it, where + and * give inf
            raise errors.power_too_large(x, k) from None
        out = make_node(power, (self,), (slope,), "**")
        if out._children:  # not under no_grad(): remember k, so the graph can be read back
            out._exponent = k
        return out

    # ------------------------------------------------------------------ built from the above

    def __neg__(self) -> Value:
        """-a is a * -1: one `*` node."""
        return self * -1.0

    def __sub__(self, other: Value | Number) -> Value:
        """a - b is a + (-b): a `*` node (b * -1) then a `+` node."""
        return self + as_value(other) * -1.0

    def __truediv__(self, other: Value | Number) -> Value:
        """a / b is a * b**-1: a `**` node then a `*` node."""
        return self * as_value(other) ** -1.0

    # 1 + a is computed as a + 1 (it also lets built-in sum() start at 0), 2 * a as a * 2:
    # the same numbers, since float + and * give the same result in either order.
    __radd__ = __add__
    __rmul__ = __mul__

    def __rsub__(self, other: Number) -> Value:  # 1 - a
        return as_value(other) - self

    def __rtruediv__(self, other: Number) -> Value:  # 1 / a
        return as_value(other) / self

    @staticmethod
    def sum(terms: Iterable[Value | Number]) -> Value:
        """Add many values as one `+` node with many inputs, each with slope 1.

        Built-in sum() works too, but makes a chain of n-1 two-input `+` nodes.
        """
        terms = tuple([as_value(t) for t in terms])
        total = sum([t.data for t in terms], 0.0)  # 0.0, not 0: a float even for no terms
        return make_node(total, terms, (1.0,) * len(terms), "+")

    # ------------------------------------------------------------------ numbers kept in the graph

    @staticmethod
    def max(values: Iterable[Value | Number]) -> Value:
        """The largest value, as one `max` node: slope 1 for the first largest input, 0 else.

        max(v.data for v in values) gives the same number as a plain float, which the
        graph cannot see: autograd.jit would replay it frozen. This node is recomputed.
        """
        values = tuple([as_value(v) for v in values])
        if not values:
            raise ValueError("Value.max needs at least one value")
        numbers = [v.data for v in values]
        first = numbers.index(max(numbers))
        slopes = tuple([1.0 if i == first else 0.0 for i in range(len(values))])
        return make_node(numbers[first], values, slopes, "max")

    def detach(self) -> Value:
        """The same number, as a node that passes no gradient back (as in PyTorch).

        For a number a result depends on but that must not be differentiated through,
        such as the max a softmax subtracts; unlike `.data`, it stays in the graph.
        """
        return make_node(self.data, (self,), (0.0,), "detach")

    # ------------------------------------------------------------------ backpropagation

    def backward(self) -> None:
        """Add d(self)/d(node) to the .grad of every node this Value was computed from.

        Gradients accumulate, as in PyTorch: a second call adds the same amounts
        again, so every .grad doubles. Reset with zero_grad() between steps.
        """
        order = topological_order(self, leaves=False)  # inputs before outputs
        earlier = _set_aside_earlier_grads(order)
        self.grad += 1.0  # d(self)/d(self)
        for node in reversed(order):  # outputs before inputs: the chain rule
            grad = node.grad
            if grad:  # 0 (behind a relu that was off) adds nothing: skip
                for child, local in zip(node._children, node._local_grads):
                    child.grad += local * grad
        for node, grad in earlier:
            node.grad += grad


def _set_aside_earlier_grads(order: list[Value]) -> list[tuple[Value, float]]:
    """Zero the inner nodes' grads left by an earlier backward(); return them to add back.

    An inner node passes on its whole .grad, so a second backward must start it from 0,
    or it would pass on the earlier call's gradient again. Leaves (weights, inputs)
    are not in `order`: they pass nothing on, and simply accumulate.
    """
    earlier = [(node, node.grad) for node in order if node.grad]
    for node, _ in earlier:
        node.grad = 0.0
    return earlier


def as_value(x: Value | Number) -> Value:
    """x itself if it is a Value, else a new constant leaf holding x."""
    return x if isinstance(x, Value) else Value(x)


def zero_grad(values: Iterable[Value]) -> None:
    """Set .grad back to 0.0 on each value, before the next backward()."""
    for value in values:
        value.grad = 0.0
