"""gradcheck: is backward() right? Ask the definition of the derivative.

    f'(x) ~ (f(x + eps) - f(x - eps)) / (2 * eps)

This central difference is off by about eps^2 (the curvature term cancels), so
with eps = 1e-6 in float64 it agrees with an exact gradient to about 1e-8 on
smooth functions. It plays the role of torch.autograd.gradcheck, without PyTorch.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from numbers import Real

from autograd.context import is_grad_enabled, no_grad
from autograd.errors import checked_number
from autograd.value import Number, Value


class GradcheckError(AssertionError):
    """backward() and the finite differences disagree."""


@dataclass
class GradcheckReport:
    """The worst entry of a gradient check."""

    ok: bool
    checked: int  # how many inputs were compared
    worst_index: int  # which input differs most (relative to the tolerance)
    worst_label: str
    analytic: float  # from backward()
    numeric: float  # from finite differences
    abs_error: float

    def __str__(self) -> str:
        verdict = "OK" if self.ok else "MISMATCH"
        name = self.worst_label or f"input {self.worst_index}"
        return (
            f"gradcheck {verdict} on {self.checked} inputs; worst is {name}: "
            f"backward() {self.analytic:.10g} vs finite differences {self.numeric:.10g} "
            f"(difference {self.abs_error:.3g})"
        )


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[Value | Number],
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-4,
    raise_on_failure: bool = True,
) -> GradcheckReport:
    """Compare backward() with central differences for f(*inputs), input by input.

    `f` takes as many Values as there are inputs and returns one Value. An entry
    passes when |analytic - numeric| <= atol + rtol * |numeric|. Raises
    GradcheckError on a mismatch (or returns the report if raise_on_failure=False).
    """
    if not is_grad_enabled():
        raise RuntimeError(
            "gradcheck needs backward(), but no_grad() is on, so no graph is recorded: "
            "call gradcheck outside `with no_grad():`"
        )
    if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence):
        raise TypeError(
            f"gradcheck: inputs must be a list or tuple of numbers or Values, in f's order, "
            f"got {type(inputs).__name__}"
        )
    if not inputs:
        raise ValueError("gradcheck needs at least one input")
    _check_setting("eps", eps, "the step of the finite differences, e.g. 1e-6", zero_ok=False)
    _check_setting("atol", atol, "the absolute tolerance, e.g. 1e-6", zero_ok=True)
    _check_setting("rtol", rtol, "the relative tolerance, e.g. 1e-4", zero_ok=True)
    points = [
        x.data if isinstance(x, Value) else checked_number(x, f"gradcheck: input {i}")
        for i, x in enumerate(inputs)
    ]
    labels = [x.label if isinstance(x, Value) else "" for x in inputs]

    leaves = [Value(x, label) for x, label in zip(points, labels)]
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
    out.backward()

    def f_at(i: int, x: float) -> float:
        moved = list(points)
        moved[i] = x
        with no_grad():  # numbers only: no graph needed for finite differences
            return f(*(Value(p) for p in moved)).data

    worst: GradcheckReport | None = None
    worst_ratio = -1.0
    for i, x in enumerate(points):
        numeric = (f_at(i, x + eps) - f_at(i, x - eps)) / (2.0 * eps)
        analytic = leaves[i].grad
        error = abs(analytic - numeric)
        allowed = atol + rtol * abs(numeric)
        ratio = error / allowed if allowed > 0 else (0.0 if error == 0 else math.inf)
        if ratio != ratio:  # NaN (a NaN gradient, or inf - inf): never a pass
            ratio = math.inf
        if ratio > worst_ratio:
            worst_ratio = ratio
            worst = GradcheckReport(True, len(points), i, labels[i], analytic, numeric, error)
    assert worst is not None
    worst.ok = worst_ratio <= 1.0
    if not worst.ok and raise_on_failure:
        raise GradcheckError(str(worst))
    return worst


def _check_setting(name: str, value: object, meaning: str, zero_ok: bool) -> None:
    """A tolerance or a step must be a finite number, > 0 (or >= 0 for a tolerance).

    A negative tolerance would make every check fail, or (with the ratio test) pass
    by accident; a step of 0 divides by zero.
    """
    bound = ">= 0" if zero_ok else "> 0"
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"gradcheck: {name} must be a number {bound} ({meaning}), got {value!r}")
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float: surely too large a setting
        number = math.inf
    if not math.isfinite(number) or number < 0 or (number == 0 and not zero_ok):
        raise ValueError(
            f"gradcheck: {name} must be a finite number {bound} ({meaning}), got {value!r}"
        )
