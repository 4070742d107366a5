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

Numbers that go wrong are stopped where they go wrong, with a message that says
what happened and what to do:
- NaN is never stored: an operation that would give NaN (inf - inf, 0 * inf) raises
  FloatingPointError, naming the operation and its inputs.
- An operation whose finite inputs give a result beyond the largest float (about
  1.8e308) raises OverflowError, as `exp` does: its inf would become NaN a few
  operations later (inf - inf in a softmax, 0 * inf in backward), far from the cause.
  An infinity you pass in yourself is a legitimate float and flows through (inf + 1 is inf).
- backward() does not check: with finite values and finite local derivatives, a
  gradient can only overflow by growing past 1.8e308 along a path of huge slopes;
  the weights it would update then make the next forward pass fail with a message.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd.context import state
from autograd.graph import topological_order

Number = int | float

LARGEST_FLOAT = "about 1.8e308"  # sys.float_info.max, as the messages say it


def _checked_float(data: object) -> float:
    """The float inside `data`, a number from the user, or an error that says what is wrong."""
    if isinstance(data, bool) or not isinstance(data, (int, float)):
        raise TypeError(
            f"Value needs an int or a float, got {type(data).__name__} {data!r}; "
            "convert it first, e.g. Value(float(x))"
        )
    try:
        data = float(data)
    except OverflowError:  # only an int can be too large for a float
        digits = int(data.bit_length() * math.log10(2)) + 1
        raise OverflowError(
            f"an int of about {digits} digits is too large for a float (the largest is "
            f"{LARGEST_FLOAT}); scale it down first, or work with its logarithm"
        ) from None
    if math.isnan(data):
        raise ValueError("Value got NaN (not a number): check what produced it")
    return data


def _refuse_non_finite(data: float, children: tuple[Value, ...], op: str) -> None:
    """Raise a clear error for a result that is NaN, or infinite when no input was.

    Called by _result only for a result that is not a finite number, so it may be slow.
    An infinite result from an infinite input passes: the user gave that inf.
    """
    inputs = ", ".join(repr(c.data) for c in children[:4])
    more = f", ... ({len(children)} inputs)" if len(children) > 4 else ""
    if data != data:  # only NaN differs from itself
        raise FloatingPointError(f"{op} of ({inputs}{more}) gave NaN (inf - inf or 0 * inf?)")
    if all(c.data - c.data == 0.0 for c in children):  # every input finite: it overflowed here
        raise OverflowError(
            f"{op} of ({inputs}{more}) is beyond the largest float ({LARGEST_FLOAT}); "
            "keep the numbers smaller: normalise the inputs, lower the learning rate "
            "if training diverged, or compute in log space (log-sum-exp) instead"
        )


_new_value = object.__new__  # _new_value(Value): an empty Value, for _result to fill in


def _result(
    data: float, children: tuple[Value, ...], local_grads: tuple[float, ...], op: str
) -> Value:
    """The output node of an operation, made without Value(...) and its checks.

    It refuses NaN and overflow, tags the node with the current scope, and under
    no_grad() keeps the number without its history. It fills the fields itself:
    the number is already a float that needs no checking, and one call per
    operation instead of three makes every operation quicker. (+ and *, the busiest,
    write its last lines out themselves and call it only for the rare cases.)
    """
    if data - data:  # 0.0 for every finite number; NaN for NaN and for an infinity
        _refuse_non_finite(data, children, op)
    node = _new_value(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    no_grad_blocks, node._scope = state()  # this thread's: see autograd/context.py
    if no_grad_blocks:  # inside no_grad(): a bare number-holder, nothing to differentiate
        children, local_grads, op = (), (), ""
    node._children = children
    node._local_grads = local_grads
    node._op = op
    return node


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
        """A number of yours (a weight, an input, a constant): a leaf, with no history.

        The operations make their results without coming here (see _result); the three
        private arguments let a test or a lesson build a node by hand.
        """
        is_plain_float = type(data) is float and data == data  # NaN is the one float != itself
        self.data = data if is_plain_float else _checked_float(data)  # else convert or explain
        self.grad = 0.0
        self.label = label
        self._children = _children
        self._local_grads = _local_grads
        self._op = _op
        self._scope = state()[1]  # the scope this thread is in

    # ------------------------------------------------------------------ the graph, read-only

    @property
    def children(self) -> tuple[Value, ...]:
        """The inputs this value was computed from, in order; () for a leaf."""
        return self._children

    @property
    def op(self) -> str:
        """The operation that made this value: "+", "*", "exp", "log", "relu", "**",
        "max", "detach", "dot" (or another name a fused operation gives); "" for a leaf."""
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

    # + and * make almost every node of a model (61,345 of 62,569 in the benchmark's
    # microgpt). So they do _result's work themselves, as_value's too: a call per
    # operation is a tenth of its cost. They call _result only for the rare cases.

    def __add__(self, other: Value | Number) -> Value:
        if not isinstance(other, Value):
            other = Value(other)  # a number becomes a constant leaf
        data = self.data + other.data
        no_grad_blocks, scope = state()
        if no_grad_blocks or data - data:  # no_grad(), or NaN or inf to refuse: _result
            return _result(data, (self, other), (1.0, 1.0), "+")
        node = _new_value(Value)
        node.data = data
        node.grad = 0.0
        node.label = ""
        node._scope = scope
        node._children = (self, other)
        node._local_grads = (1.0, 1.0)  # d(a+b)/da = 1, d(a+b)/db = 1
        node._op = "+"
        return node

    def __mul__(self, other: Value | Number) -> Value:
        if not isinstance(other, Value):
            other = Value(other)
        a, b = self.data, other.data
        data = a * b
        no_grad_blocks, scope = state()
        if no_grad_blocks or data - data:
            return _result(data, (self, other), (b, a), "*")
        node = _new_value(Value)
        node.data = data
        node.grad = 0.0
        node.label = ""
        node._scope = scope
        node._children = (self, other)
        node._local_grads = (b, a)  # d(a*b)/da = b, d(a*b)/db = a
        node._op = "*"
        return node

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
        x = self.data
        if x <= 0.0:
            raise ValueError(
                f"log({x!r}): the logarithm is defined only for numbers > 0; "
                "for a probability, compute log-softmax (log-sum-exp) instead of log(p)"
            )
        slope = 1.0 / x  # d(log x)/dx = 1/x
        if slope == math.inf:  # x below about 5.6e-309: 1/x overflows
            raise OverflowError(
                f"log({x!r}): the slope 1/x is beyond the largest float ({LARGEST_FLOAT}); "
                "keep x away from 0, e.g. (x + 1e-12).log()"
            )
        return _result(math.log(x), (self,), (slope,), "log")

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
        try:
            power = x**k
            # x ** 0 is the constant 1, slope 0: without this case the power rule would
            # compute 0 * 0.0 ** -1.0 at x = 0, a division by zero.
            slope = k * x ** (k - 1.0) if k != 0.0 else 0.0
        except OverflowError:  # float ** raises it, where + and * would give inf
            raise OverflowError(
                f"({x!r}) ** {k!r}: the power or its slope {k!r} * x ** {k - 1.0!r} is beyond "
                f"the largest float ({LARGEST_FLOAT}); scale the base toward 1 first "
                "(for a denominator, keep it away from 0)"
            ) from None
        out = _result(power, (self,), (slope,), "**")
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
        """Add many values as one `+` node with many inputs.

        Built-in sum() works too, but it makes a chain of n-1 two-input `+` nodes;
        this makes one node whose local derivative is 1 for every input.
        """
        terms = tuple([as_value(t) for t in terms])
        total = sum([t.data for t in terms], 0.0)  # 0.0, not 0: a float even for no terms
        return _result(total, terms, (1.0,) * len(terms), "+")

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
        return _result(numbers[first], values, slopes, "max")

    def detach(self) -> Value:
        """The same number, as a `detach` node that passes no gradient back (as in PyTorch).

        For a number a result depends on but that must not be differentiated through,
        such as the max a softmax subtracts; unlike `.data`, it stays in the graph.
        """
        return _result(self.data, (self,), (0.0,), "detach")

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
            if grad:  # 0 (behind a relu that was off): 0 * any slope adds nothing, skip
                for child, local in zip(node._children, node._local_grads):
                    child.grad += local * grad
        for node, grad in earlier:
            node.grad += grad


def _set_aside_earlier_grads(order: list[Value]) -> list[tuple[Value, float]]:
    """Zero the inner nodes' grads left by an earlier backward(); return them to add back.

    An inner node passes on its whole .grad, so a second backward must start it from 0,
    or it would pass on the earlier call's gradient again, adding more than this call's
    (micrograd gets this wrong). Leaves (weights, inputs) are not in `order`: they
    pass nothing on, and simply accumulate.
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
