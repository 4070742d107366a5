"""Errors that teach: the right exception type, and a message that shows the culprit."""

import math

import pytest

from autograd import Value, dot, no_grad


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


# ---------------------------------------------------------------------- overflow

BIG = 1e200


@pytest.mark.parametrize(
    ("f", "shown"),
    [
        (lambda: Value(BIG) ** 2, "1e+200"),
        (lambda: Value(BIG) ** 3.5, "1e+200"),
        (lambda: Value(-BIG) ** 3, "-1e+200"),
        (lambda: Value(1e-200) ** -2, "1e-200"),  # a tiny denominator, squared
        (lambda: Value(1e-200) ** -1, "1e-200"),  # 1e200 fits, but its slope -1e400 does not
        (lambda: 1.0 / Value(1e-320), "1e-320"),  # a / b is a * b ** -1
        (lambda: Value(BIG) * Value(BIG), "1e+200"),
        (lambda: Value(BIG) * BIG, "1e+200"),
        (lambda: BIG * Value(BIG), "1e+200"),
        (lambda: Value(1e308) + Value(1e308), "1e+308"),
        (lambda: Value(-1e308) - Value(1e308), "-1e+308"),
        (lambda: Value(1e308) + 1e308, "1e+308"),
        (lambda: Value.sum([Value(1e308), Value(1e308)]), "1e+308"),
        (lambda: sum([Value(1e308), Value(1e308)]), "1e+308"),
        (lambda: dot([Value(BIG), Value(1.0)], [Value(BIG), Value(1.0)]), "1e+200"),
        (lambda: dot([Value(1e308), Value(1e308)], [Value(1.0), Value(1.0)]), "1e+308"),
        (lambda: Value(2.0) * 1e308 * 1.0, "1e+308"),
    ],
    ids=[
        "pow2", "pow3.5", "negative-pow3", "tiny-pow-2", "tiny-pow-1-slope", "div-by-tiny",
        "mul", "mul-number", "rmul-number", "add", "sub", "add-number", "Value.sum", "sum",
        "dot", "dot-sum", "mul-chain",
    ],
)  # fmt: skip
def test_an_overflow_is_a_clear_error(f, shown):
    with pytest.raises(OverflowError) as info:
        f()
    message = str(info.value)
    assert shown in message  # the culprit
    assert "largest float" in message  # what went wrong
    assert "1.8e308" in message


def test_overflow_is_refused_under_no_grad_too():
    with no_grad(), pytest.raises(OverflowError, match="largest float"):
        Value(BIG) * Value(BIG)


def test_the_overflow_message_says_what_to_do():
    with pytest.raises(OverflowError) as info:
        Value(BIG) * Value(BIG)
    message = str(info.value)
    assert message.startswith("* of (1e+200, 1e+200)")
    assert "normalise" in message and "log space" in message
    with pytest.raises(OverflowError, match=r"\(1e\+200\) \*\* 2\.0") as info:
        Value(BIG) ** 2
    assert "scale the base" in str(info.value)


@pytest.mark.parametrize("n", [10**400, -(10**400), 2**1024])
def test_an_int_too_large_for_a_float(n):
    with pytest.raises(OverflowError) as info:
        Value(n)
    message = str(info.value)
    assert "too large for a float" in message
    assert f"about {len(str(abs(n)))} digits" in message
    assert "scale it down" in message


@pytest.mark.parametrize(
    "f",
    [lambda: Value(2.0) + 10**400, lambda: Value(2.0) * 10**400, lambda: Value(2.0) ** 10**400],
    ids=["add", "mul", "pow"],
)
def test_an_int_too_large_for_a_float_as_an_operand(f):
    with pytest.raises(OverflowError, match="too large for a float"):
        f()


def test_log_of_a_number_so_small_that_its_slope_overflows():
    with pytest.raises(OverflowError) as info:
        Value(5e-324).log()
    message = str(info.value)
    assert "5e-324" in message and "slope" in message and "1e-12" in message


def test_the_largest_finite_results_are_fine():
    assert (Value(1e308) + Value(7e307)).data == 1e308 + 7e307
    assert (Value(1e154) ** 2).data == 1e154**2
    assert (Value(1e-100) ** -2).local_grads == (-2.0 * 1e-100**-3,)  # -2e300 fits
    assert Value(1e-300).log().local_grads == (1.0 / 1e-300,)


def test_an_infinity_given_by_the_user_still_flows():
    # An inf you pass in is not an overflow: only results that overflow are refused.
    a = Value(INF)
    assert (a * Value(BIG)).data == INF
    assert (a + Value(1e308)).data == INF
    assert (a**2).data == INF
    assert dot([a, Value(1.0)], [Value(2.0), Value(3.0)]).data == INF
