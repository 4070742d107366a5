"""The engine's guard rails: checks on numbers, and the messages that say what to do.

value.py keeps only the math; everything that can go wrong with a number is
stopped here, where it goes wrong, with a message naming what happened and a way out:
- a leaf must be a real number (int, float, or another real such as numpy.float32),
  not a bool, a string or NaN;
- NaN is never stored: an operation that would give NaN (inf - inf, 0 * inf) raises
  FloatingPointError, naming the operation and its inputs;
- an operation whose finite inputs give a result beyond the largest float raises
  OverflowError: its inf would become NaN a few operations later, far from the cause.
  An infinity passed in by the user is a legitimate float and flows through.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograd.value import Value

LARGEST_FLOAT = "about 1.8e308"  # sys.float_info.max, as the messages say it


def checked_number(data: object, what: str = "Value") -> float:
    """`data` as a float, if it is a real number; else an error that says what is wrong.

    Every real number is accepted the same way (int, float, fractions, numpy's
    float32 and int64, ...); a bool is refused, since True is rarely meant as 1.0.
    `what` names the caller in the message ("Value", "gradcheck", "jit input").
    """
    if isinstance(data, bool) or not isinstance(data, Real):
        raise TypeError(
            f"{what} needs a real number (an int or a float), got {type(data).__name__} "
            f"{data!r}; convert it first, e.g. float(x)"
        )
    try:
        number = float(data)
    except OverflowError:  # only a huge int (or Fraction) is too large for a float
        digits = len(str(abs(int(data))))
        raise OverflowError(
            f"{what} got a number of about {digits} digits, too large for a float (the "
            f"largest is {LARGEST_FLOAT}); scale it down first, or work with its logarithm"
        ) from None
    if number != number:  # only NaN differs from itself
        raise ValueError(f"{what} got NaN (not a number): check what produced it")
    return number


def refuse_non_finite(data: float, children: Sequence[Value], op: str) -> None:
    """Raise for a result that is NaN, or infinite although every input was finite.

    Called only for a result that is not a finite number, so it may be slow.
    An infinite result from an infinite input passes: the user gave that inf.
    """
    inputs = ", ".join(repr(c.data) for c in children[:4])
    more = f", ... ({len(children)} inputs)" if len(children) > 4 else ""
    if data != data:
        raise FloatingPointError(f"{op} of ({inputs}{more}) gave NaN (inf - inf or 0 * inf?)")
    if all(math.isfinite(c.data) for c in children):  # finite inputs: it overflowed here
        raise OverflowError(
            f"{op} of ({inputs}{more}) is beyond the largest float ({LARGEST_FLOAT}); "
            "keep the numbers smaller: normalise the inputs, lower the learning rate "
            "if training diverged, or compute in log space (log-sum-exp) instead"
        )


def exp_too_large(x: float) -> OverflowError:
    return OverflowError(
        f"exp({x!r}) is too large for a float (the limit is about exp(709.78)); "
        "subtract the largest score first, as the softmax does"
    )


def check_log(x: float) -> None:
    """log needs x > 0, and a slope 1/x that is still a float."""
    if x <= 0.0:
        raise ValueError(
            f"log({x!r}): the logarithm is defined only for numbers > 0; "
            "for a probability, compute log-softmax (log-sum-exp) instead of log(p)"
        )
    if 1.0 / x == math.inf:  # x below about 5.6e-309: the slope 1/x overflows
        raise OverflowError(
            f"log({x!r}): the slope 1/x is beyond the largest float ({LARGEST_FLOAT}); "
            "keep x away from 0, e.g. (x + 1e-12).log()"
        )


def checked_exponent(k: object) -> float:
    """The k of x ** k: a finite plain number, not a Value."""
    if hasattr(k, "local_grads"):  # a Value (not imported here: value.py imports this file)
        raise TypeError(
            "the exponent of ** must be a plain number, not a Value; "
            "for a learnable exponent write (k * x.log()).exp()"
        )
    k = checked_number(k, "the exponent of **")
    if math.isinf(k):
        raise ValueError(
            f"x ** {k!r}: an infinite exponent has no usable slope (it gives 0, 1 or inf, "
            "and k * x**(k-1) is NaN); use a large finite exponent instead"
        )
    return k


def check_power(x: float, k: float) -> None:
    """The bases where x ** k, or its slope k * x ** (k-1), has no real finite value."""
    if x < 0.0 and not k.is_integer():
        raise ValueError(f"({x!r}) ** {k!r}: a negative number has no real non-integer power")
    if x == 0.0 and k < 0.0:
        raise ZeroDivisionError(f"0.0 ** {k!r}: division by zero (is a denominator 0?)")
    if x == 0.0 and 0.0 < k < 1.0:
        raise ZeroDivisionError(
            f"0.0 ** {k!r}: the slope k * x**(k-1) is infinite at 0; "
            f"keep the base away from 0, e.g. (x + 1e-12) ** {k!r}"
        )


def power_too_large(x: float, k: float) -> OverflowError:
    return OverflowError(
        f"({x!r}) ** {k!r}: the power or its slope {k!r} * x ** {k - 1.0!r} is beyond "
        f"the largest float ({LARGEST_FLOAT}); scale the base toward 1 first "
        "(for a denominator, keep it away from 0)"
    )
