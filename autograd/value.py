"""Value: a number that remembers how it was computed.

Every operation on Values returns a new Value that keeps three things:
its inputs (`children`), the name of the operation (`op`), and the local
derivatives d(output)/d(input), one per input (`local_grads`). They are
computed right away, while the numbers are at hand, so that `backward()` is only
the chain rule: each node passes `local derivative * its own grad` to each input.

The graph is public and read-only: `children`, `op`, `local_grads`, `exponent`
(for a `**` node) and `scope` are properties that drawings, lessons, the model
and the player read; nothing outside this file writes the underscore fields.

Five operations are primitives, recorded as nodes: `+`, `*`, `exp`, `log`, `relu`.
Everything else (`-`, `/`, `sum`) is built from them; `**` is the one extra
node type, for the reason given in `__pow__`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd import context
from autograd.graph import topological_order

Number = int | float


def _checked_float(data: object) -> float:
    """The float inside `data`, or a TypeError that names what came instead."""
    if isinstance(data, bool) or not isinstance(data, (int, float)):
        raise TypeError(
            f"Value needs an int or a float, got {type(data).__name__} {data!r}; "
            "convert it first, e.g. Value(float(x))"
        )
    data = float(data)
    if math.isnan(data):
        raise ValueError("Value got NaN (not a number): check what produced it")
    return data


class Value:
    """A scalar in a computation graph, with its gradient."""

    # __slots__: no per-object dict, so a node is small and quick to create.
    __slots__ = (
        "_children",
        "_exponent",
        "_local_grads",
        "_op",
        "_scope",
        "data",
        "grad",
        "label",
    )  # _exponent is set on `**` nodes only

    def __init__(
        self,
        data: Number,
        label: str = "",
        _children: tuple[Value, ...] = (),
        _local_grads: tuple[float, ...] = (),
        _op: str = "",
    ) -> None:
        # Results of operations are already floats; only user input needs checking.
        # A float is checked too when it is NaN (NaN != NaN): Value(float("nan")) must fail.
        self.data = data if type(data) is float and data == data else _checked_float(data)
        self.grad = 0.0
        self.label = label
        self._children = _children
        self._local_grads = _local_grads
        self._op = _op
        self._scope = context.current_scope

    # ------------------------------------------------------------------ the graph, read-only

    @property
    def children(self) -> tuple[Value, ...]:
        """The inputs this value was computed from, in order; () for a leaf."""
        return self._children

    @property
    def op(self) -> str:
        """The operation that made this value: "+", "*", "exp", "log", "relu", "**",
        "dot" (or another name a fused operation gives); "" for a leaf."""
        return self._op

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(child) for each child, computed when this value was made."""
        return self._local_grads

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

    # ------------------------------------------------------------------ primitives

    def __add__(self, other: Value | Number) -> Value:
        other = as_value(other)
        # d(a+b)/da = 1, d(a+b)/db = 1
        return _result(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __mul__(self, other: Value | Number) -> Value:
        other = as_value(other)
        # d(a*b)/da = b, d(a*b)/db = a
        return _result(self.data * other.data, (self, other), (other.data, self.data), "*")

    def exp(self) -> Value:
        try:
            out = math.exp(self.data)
        except OverflowError:
            raise OverflowError(
                f"exp({self.data!r}) is too large for a float (the limit is about exp(709.78)); "
                "subtract the largest score first, as the softmax does"
            ) from None
        # d(e^x)/dx = e^x: the output itself
        return _result(out, (self,), (out,), "exp")

    def log(self) -> Value:
        if self.data <= 0.0:
            raise ValueError(
                f"log({self.data!r}): the logarithm is defined only for numbers > 0; "
                "for a probability, compute log-softmax (log-sum-exp) instead of log(p)"
            )
        # d(log x)/dx = 1/x
        return _result(math.log(self.data), (self,), (1.0 / self.data,), "log")

    def relu(self) -> Value:
        # max(0, x): slope 1 where x > 0, else 0 (at exactly 0 too, as in the lesson)
        positive = self.data > 0.0
        return _result(self.data if positive else 0.0, (self,), (1.0 if positive else 0.0,), "relu")

    # ------------------------------------------------------------------ the extra node

    def __pow__(self, k: Number) -> Value:
        """x ** k for a plain number k, recorded as one node of its own.

        Why not exp(k * log(x)) from the primitives? Because log needs x > 0, and
        we want `(a - b) ** 2` and `1 / b` for any sign. The derivative is the
        power rule: d(x^k)/dx = k * x^(k-1).
        """
        if isinstance(k, Value):
            raise TypeError(
                "the exponent of ** must be a plain number, not a Value; "
                "for a learnable exponent write (k * x.log()).exp()"
            )
        k = _checked_float(k)
        x = self.data
        if x < 0.0 and not k.is_integer():
            raise ValueError(f"({x!r}) ** {k!r}: a negative number has no real non-integer power")
        if x == 0.0 and k < 0.0:
            raise ZeroDivisionError(f"0.0 ** {k!r}: division by zero (is a denominator 0?)")
        if x == 0.0 and 0.0 < k < 1.0:
            raise ZeroDivisionError(
                f"0.0 ** {k!r}: the slope k * x**(k-1) is infinite at 0; "
                f"keep the base away from 0, e.g. (x + 1e-12) ** {k!r}"
            )
        # x ** 0 is the constant 1, slope 0: without this case the power rule would
        # compute 0 * 0.0 ** -1.0 at x = 0, a division by zero.
        slope = k * x ** (k - 1.0) if k != 0.0 else 0.0
        out = _result(x**k, (self,), (slope,), "**")
        if out._children:  # not under no_grad(): remember k, so the graph can be read back
            out._exponent = k
        return out

    # ------------------------------------------------------------------ built from the above

    def __neg__(self) -> Value:
        """-a is a * -1: one `*` node."""
        return self * -1.0

    def __sub__(self, other: Value | Number) -> Value:
        """a - b is a + (-b): a `*` node then a `+` node."""
        return self + (-as_value(other))

    def __truediv__(self, other: Value | Number) -> Value:
        """a / b is a * b**-1: a `**` node then a `*` node."""
        return self * as_value(other) ** -1.0

    def __radd__(self, other: Number) -> Value:  # 1 + a; also lets built-in sum() start at 0
        return self + other

    def __rmul__(self, other: Number) -> Value:  # 2 * a
        return self * other

    def __rsub__(self, other: Number) -> Value:  # 1 - a
        return as_value(other) - self

    def __rtruediv__(self, other: Number) -> Value:  # 1 / a
        return as_value(other) / self

    @staticmethod
    def sum(terms: Iterable[Value | Number]) -> Value:
        """Add many values as one `+` node with many inputs.

        Built-in sum() works too, but it makes a chain of n-1 two-input `+` nodes;
        this makes one node whose local derivative is 1 for every input.
        """
        terms = tuple([as_value(t) for t in terms])
        return _result(sum([t.data for t in terms]), terms, (1.0,) * len(terms), "+")

    # ------------------------------------------------------------------ backpropagation

    def backward(self) -> None:
        """Add d(self)/d(node) to the .grad of every node this Value was computed from.

        Gradients accumulate, as in PyTorch: a second call adds the same amounts
        again, so every .grad doubles. Reset with zero_grad() between steps.
        """
        order = topological_order(self, leaves=False)  # inputs before outputs
        # Inner nodes must pass on only this call's gradient. On a graph that was
        # differentiated before, put their old grads aside and add them back at the
        # end; leaves (weights, inputs) simply accumulate as we go.
        earlier = [node.grad for node in order]
        differentiated_before = any(earlier)
        if differentiated_before:
            for node in order:
                node.grad = 0.0
        self.grad += 1.0  # d(self)/d(self)
        for node in reversed(order):  # outputs before inputs: the chain rule
            grad = node.grad
            for child, local in zip(node._children, node._local_grads):
                child.grad += local * grad
        if differentiated_before:
            for node, old in zip(order, earlier):
                node.grad += old


def as_value(x: Value | Number) -> Value:
    """x itself if it is a Value, else a new constant leaf holding x."""
    return x if isinstance(x, Value) else Value(x)


def _result(data: float, children: tuple, local_grads: tuple, op: str) -> Value:
    """The output node of an operation, or a bare number-holder under no_grad()."""
    if data != data:  # only NaN differs from itself
        inputs = ", ".join(repr(c.data) for c in children[:4])
        more = f", ... ({len(children)} inputs)" if len(children) > 4 else ""
        raise FloatingPointError(f"{op} of ({inputs}{more}) gave NaN (inf - inf or 0 * inf?)")
    if not context.recording:
        return Value(data)
    return Value(data, "", children, local_grads, op)


def zero_grad(values: Iterable[Value]) -> None:
    """Set .grad back to 0.0 on each value, before the next backward()."""
    for value in values:
        value.grad = 0.0
