"""Every real number is taken alike by Value, gradcheck and jit; everything else is refused alike.

numpy's float32 and int64, a Fraction, a Decimal-free int: all are real numbers
(numbers.Real) and become floats. A bool, a string, None or a set is refused with
a TypeError that names what was given; NaN with a ValueError; an int too large
for a float with an OverflowError.
"""

import math
from fractions import Fraction

import numpy as np
import pytest

from autograd import Value, gradcheck, jit, no_grad

REALS = [np.float32(0.25), np.float64(0.25), np.int64(3), np.int8(-2), Fraction(1, 4), 7, 0.5]
NOT_REALS = [True, "0.5", None, {0.5}, [0.5], 1 + 2j]


@pytest.mark.parametrize("x", REALS, ids=lambda x: type(x).__name__)
def test_value_gradcheck_and_jit_take_every_real_number_as_a_float(x):
    assert type(Value(x).data) is float and Value(x).data == float(x)
    assert gradcheck(lambda a: a * a, [x]).ok
    loss, (grad,) = jit(lambda a: a * a)(x)
    assert (loss, grad) == (float(x) * float(x), 2.0 * float(x))
    assert type(loss) is float and type(grad) is float


@pytest.mark.parametrize("x", NOT_REALS, ids=lambda x: type(x).__name__)
def test_what_is_not_a_real_number_is_refused_alike(x):
    with pytest.raises(TypeError, match=type(x).__name__):
        Value(x)
    with pytest.raises(TypeError, match=type(x).__name__):
        gradcheck(lambda a: a * a, [x])
    with pytest.raises(TypeError, match=type(x).__name__):
        jit(lambda a: a * a)(x)


@pytest.mark.parametrize("make", [Value, lambda x: gradcheck(lambda a: a, [x])])
def test_nan_and_huge_ints_are_refused_with_what_to_do(make):
    with pytest.raises(ValueError, match="NaN"):
        make(math.nan)
    with pytest.raises(OverflowError, match="scale it down"):
        make(10**400)


def test_jit_names_the_input_that_is_wrong():
    with pytest.raises(TypeError, match=r"input ws\[1\] needs a real number.*bool"):
        jit(lambda ws: ws[0] * ws[1])([1.0, True])
    with pytest.raises(OverflowError, match=r"input ws\[0\]"):
        jit(lambda ws: ws[0] * ws[1])([10**400, 1.0])


@pytest.mark.parametrize("inputs", ["ab", {1.0, 2.0}, 3.0, b"ab"], ids=repr)
def test_gradcheck_wants_its_inputs_as_a_sequence(inputs):
    with pytest.raises(TypeError, match="list or tuple"):
        gradcheck(lambda *a: a[0], inputs)


def test_gradcheck_under_no_grad_says_so_instead_of_blaming_backward():
    with no_grad(), pytest.raises(RuntimeError, match="no_grad"):
        gradcheck(lambda a: a * a, [3.0])


@pytest.mark.parametrize("k", [math.inf, -math.inf])
@pytest.mark.parametrize("x", [0.5, 2.0])
def test_an_infinite_exponent_is_refused_rather_than_storing_a_nan_slope(x, k):
    with pytest.raises(ValueError, match="infinite exponent"):
        Value(x) ** k


def test_a_real_number_as_a_gradcheck_setting():
    assert gradcheck(lambda a: a * a, [3.0], eps=np.float32(1e-3), atol=Fraction(1, 1000)).ok
