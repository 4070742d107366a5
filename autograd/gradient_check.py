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

from autograd.context import no_grad
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
    if not inputs:
        raise ValueError("gradcheck needs at least one input")
    _check_setting("eps", eps, "the step of the finite differences, e.g. 1e-6", zero_ok=False)
    _check_setting("atol", atol, "the absolute tolerance, e.g. 1e-6", zero_ok=True)
    _check_setting("rtol", rtol, "the relative tolerance, e.g. 1e-4", zero_ok=True)
    points = [float(x.data) if isinstance(x, Value) else float(x) for x in inputs]
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
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"gradcheck: {name} must be a number {bound} ({meaning}), got {value!r}")
    number = float(value) if abs(value) < 1e308 else math.inf  # float(10**400) would overflow
    if not math.isfinite(number) or number < 0 or (number == 0 and not zero_ok):
        raise ValueError(
            f"gradcheck: {name} must be a finite number {bound} ({meaning}), got {value!r}"
        )
