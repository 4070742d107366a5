"""Errors that teach: the right exception type, and a message that shows the culprit."""

import math

import pytest

from autograd import Value, dot


@pytest.mark.parametrize("x", [0, 0.0, -2, -2.0, -1e-300, float("-inf")])
def test_log_of_non_positive(x):
    with pytest.raises(ValueError) as info:
        Value(x).log()
    assert repr(float(x)) in str(info.value)


def test_log_of_a_computed_zero():
    a = Value(3.0)
    with pytest.raises(ValueError, match=r"log\(0\.0\)"):
        (a - 3).log()


@pytest.mark.parametrize("x", [710.0, 1000, 1e6])
def test_exp_overflow(x):
    with pytest.raises(OverflowError) as info:
        Value(x).exp()
    assert repr(float(x)) in str(info.value)


def test_exp_just_below_the_limit_is_fine():
    assert Value(709.0).exp().data == math.exp(709.0)


def test_pow_with_a_value_exponent():
    with pytest.raises(TypeError) as info:
        Value(3.0) ** Value(2)
    message = str(info.value)
    assert "Value" in message
    assert "exp" in message and "log" in message  # the hint: (k * x.log()).exp()


@pytest.mark.parametrize("k", [True, "2", None])
def test_pow_with_a_non_number_exponent(k):
    with pytest.raises(TypeError):
        Value(3.0) ** k


@pytest.mark.parametrize("k", [-1, -2, -0.5, -1.0])
def test_zero_to_a_negative_power(k):
    with pytest.raises(ZeroDivisionError) as info:
        Value(0.0) ** k
    assert repr(float(k)) in str(info.value)


@pytest.mark.parametrize("f", [lambda a: 1 / a, lambda a: Value(2.0) / a, lambda a: a / a])
def test_division_by_zero(f):
    with pytest.raises(ZeroDivisionError):
        f(Value(0.0))


@pytest.mark.parametrize("k", [0.5, 0.25])
def test_root_of_zero_has_an_infinite_slope(k):
    with pytest.raises(ZeroDivisionError) as info:
        Value(0.0) ** k
    assert repr(k) in str(info.value)


@pytest.mark.parametrize(("x", "k"), [(-8.0, 0.5), (-8, 1 / 3), (-1e-3, 2.5)])
def test_negative_base_non_integer_power(x, k):
    with pytest.raises(ValueError) as info:
        Value(x) ** k
    message = str(info.value)
    assert repr(float(x)) in message
    assert repr(float(k)) in message


INF = float("inf")


@pytest.mark.parametrize(
    ("f", "op"),
    [
        (lambda: Value(INF) + Value(-INF), "+"),
        (lambda: Value(INF) - Value(INF), "+"),
        (lambda: Value(INF) * Value(0.0), "*"),
        (lambda: Value(0.0) * Value(-INF), "*"),
        (lambda: Value(INF) * 0, "*"),
        (lambda: Value.sum([Value(1.0), Value(INF), Value(-INF)]), "+"),
        (lambda: dot([Value(INF)], [Value(0.0)]), "dot"),
    ],
    ids=["inf+-inf", "inf-inf", "inf*0", "0*-inf", "inf*int0", "sum", "dot"],
)
def test_nan_result_names_op_and_inputs(f, op):
    with pytest.raises(FloatingPointError) as info:
        f()
    message = str(info.value)
    assert op in message
    assert "NaN" in message
    assert "inf" in message


def test_nan_message_for_a_long_sum_is_short():
    terms = [Value(INF), Value(-INF)] + [Value(float(i)) for i in range(1000)]
    with pytest.raises(FloatingPointError) as info:
        Value.sum(terms)
    message = str(info.value)
    assert "1002" in message  # says how many inputs...
    assert len(message) < 300  # ...without listing them all


def test_infinity_itself_is_allowed():
    # inf is a legitimate float (an overflowed score); only NaN is refused
    a = Value(INF)
    assert (a + 1).data == INF
    assert (a * -2).data == -INF
    assert Value(-INF).relu().data == 0.0
