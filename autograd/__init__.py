"""A small scalar autograd engine: Values that remember, and backward() that walks back.

>>> from autograd import Value
>>> a, b = Value(2.0, "a"), Value(-3.0, "b")
>>> loss = (a * b).relu() + a.exp()  # relu(-6) is 0, so only exp(a) counts
>>> loss.backward()
>>> round(a.grad, 4), b.grad  # d(loss)/da = exp(2), d(loss)/db = 0
(7.3891, 0.0)
"""

from importlib import metadata

from autograd.check import GradcheckError, GradcheckReport, gradcheck
from autograd.context import is_grad_enabled, no_grad, scope
from autograd.drawing import GraphvizNotFound, Player, draw, player, render, save_html
from autograd.fused import dot
from autograd.graph import topological_order
from autograd.jit import TraceError, jit
from autograd.value import Value, as_value, zero_grad

try:
    __version__ = metadata.version("minillm-autograd")  # written once, in pyproject.toml
except metadata.PackageNotFoundError:  # a copy of the folders that pip never installed
    __version__ = "unknown"

__all__ = [
    "GradcheckError",
    "GradcheckReport",
    "GraphvizNotFound",
    "Player",
    "TraceError",
    "Value",
    "as_value",
    "dot",
    "draw",
    "gradcheck",
    "is_grad_enabled",
    "jit",
    "no_grad",
    "player",
    "render",
    "save_html",
    "scope",
    "topological_order",
    "zero_grad",
]
