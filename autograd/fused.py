"""dot: a fused operation, one node for a whole dot product.

The pure way to compute w . x records n `*` nodes and one `+` node. `dot` records
a single node with 2n inputs instead. Its local derivatives need no new math:
d(w . x)/d(w_i) = x_i and d(w . x)/d(x_i) = w_i, the other vector.

This is not a new primitive, only a shortcut with exactly the same gradients
(the tests check it entry by entry). It is the idea behind real frameworks, which
record one node per matrix product rather than one per multiplication.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import mul

from autograd.value import Value, make_node


def dot(ws: Sequence[Value], xs: Sequence[Value]) -> Value:
    """sum(w * x for w, x in zip(ws, xs)), recorded as one `dot` node."""
    if len(ws) != len(xs):
        raise ValueError(f"dot needs two vectors of the same length, got {len(ws)} and {len(xs)}")
    try:
        w_data = [w.data for w in ws]
        x_data = [x.data for x in xs]
    except AttributeError:
        raise TypeError("dot takes two sequences of Values; wrap numbers with Value(x)") from None
    out = sum(map(mul, w_data, x_data))  # w_0*x_0 + w_1*x_1 + ..., in that order
    # Inputs are (w_0..w_n-1, x_0..x_n-1); each one's local derivative is its partner.
    return make_node(out, (*ws, *xs), (*x_data, *w_data), "dot")
