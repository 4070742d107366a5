"""A small scalar autograd engine: Values that remember, and backward() that walks back.

>>> from autograd import Value
>>> a, b = Value(2.0, "a"), Value(-3.0, "b")
>>> loss = (a * b).relu() + a.exp()  # relu(-6) is 0, so only exp(a) counts
>>> loss.backward()
>>> round(a.grad, 4), b.grad  # d(loss)/da = exp(2), d(loss)/db = 0
(7.3891, 0.0)

`import autograd` loads the engine only (value, graph, context, fused, gradient_check).
Drawing, the player and jit are loaded the first time one of their names is used,
so a training run that never draws never pays for them.
"""

from importlib import import_module, metadata

from autograd.context import is_grad_enabled, no_grad, scope
from autograd.fused import dot
from autograd.gradient_check import GradcheckError, GradcheckReport, gradcheck
from autograd.graph import topological_order
from autograd.value import Value, as_value, zero_grad

try:
    __version__ = metadata.version("minillm-autograd")  # written once, in pyproject.toml
except metadata.PackageNotFoundError:  # a copy of the folders that pip never installed
    __version__ = "unknown"

# Loaded on first use: the name, and the subpackage that defines it.
_LAZY = {
    "GraphvizNotFound": "autograd.drawing",
    "Player": "autograd.drawing",
    "draw": "autograd.drawing",
    "player": "autograd.drawing",
    "render": "autograd.drawing",
    "save_html": "autograd.drawing",
    "TraceError": "autograd.compiler",
    "jit": "autograd.compiler",
}


def __getattr__(name: str) -> object:
    """`autograd.draw`, `from autograd import jit`, ...: import their subpackage now (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'autograd' has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name]), name)
    globals()[name] = value  # found once; later look-ups do not come back here
    return value


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
