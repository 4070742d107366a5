"""Each operation of Value against its closed-form value and derivative.

Every expected number here comes from calculus (d/dx e^x = e^x, d/dx log x = 1/x,
the power rule, ...) computed with `math`, never from running the engine.
"""

import math

import pytest

from autograd import Value, dot

# ---------------------------------------------------------------------- constructor


@pytest.mark.parametrize("data", [3, -7, 0, 2.5, -0.125, 1e300, float("inf")])
def test_constructor_stores_a_float(data):
    v = Value(data)
    assert type(v.data) is float
    assert v.data == float(data)
    assert v.grad == 0.0
    assert type(v.grad) is float
    assert v.label == ""


def test_constructor_label():
    assert Value(1.0, "w1").label == "w1"
    assert Value(1.0, label="bias").label == "bias"


@pytest.mark.parametrize(
    ("data", "type_name"),
    [
        (True, "bool"),
        (False, "bool"),
        ("3", "str"),
        (None, "NoneType"),
        (1 + 2j, "complex"),
        ([1.0], "list"),
    ],
)
def test_constructor_rejects_non_numbers_naming_the_type(data, type_name):
    with pytest.raises(TypeError) as info:
        Value(data)
    assert type_name in str(info.value)


def test_constructor_rejects_nan():
    with pytest.raises(ValueError, match="NaN"):
        Value(float("nan"))
    with pytest.raises(ValueError, match="NaN"):
        Value(math.inf - math.inf)


# ---------------------------------------------------------------------- helpers


def derivative(f, x):
    """(f(a).data, a.grad) for a = Value(x): the value and d f/dx from backward()."""
    a = Value(x)
    y = f(a)
    assert isinstance(y, Value)
    y.backward()
    return y.data, a.grad


def approx(x):
    return pytest.approx(x, rel=1e-12, abs=1e-15)


# ---------------------------------------------------------------------- primitives


@pytest.mark.parametrize(("x", "y"), [(2.0, -3.0), (0.5, 0.25), (-1.5, 4)])
def test_add(x, y):
    a, b = Value(x), Value(y)
    out = a + b
    assert out.op == "+"
    assert out.children == (a, b)
    assert out.data == x + y
    out.backward()
    assert (a.grad, b.grad) == (1.0, 1.0)


@pytest.mark.parametrize(("x", "y"), [(2.0, -3.0), (0.5, 0.25), (-1.5, 4)])
def test_mul(x, y):
    a, b = Value(x), Value(y)
    out = a * b
    assert out.op == "*"
    assert out.children == (a, b)
    assert out.data == x * y
    out.backward()
    # product rule: d(ab)/da = b, d(ab)/db = a
    assert (a.grad, b.grad) == (y, x)


@pytest.mark.parametrize("x", [-3.0, -0.5, 0.0, 0.7, 2.0, 10.0])
def test_exp(x):
    value, grad = derivative(lambda a: a.exp(), x)
    assert value == approx(math.exp(x))
    assert grad == approx(math.exp(x))  # d/dx e^x = e^x


@pytest.mark.parametrize("x", [1e-3, 0.1, 1.0, 2.5, 100.0])
def test_log(x):
    value, grad = derivative(lambda a: a.log(), x)
    assert value == approx(math.log(x))
    assert grad == approx(1.0 / x)  # d/dx log x = 1/x


@pytest.mark.parametrize("x", [-3.0, -1e-9, 1e-9, 0.5, 4.0])
def test_relu(x):
    value, grad = derivative(lambda a: a.relu(), x)
    assert value == max(0.0, x)
    assert grad == (1.0 if x > 0 else 0.0)


@pytest.mark.parametrize("zero", [0.0, -0.0, 0])
def test_relu_derivative_at_zero_is_zero(zero):
    value, grad = derivative(lambda a: a.relu(), zero)
    assert value == 0.0
    assert grad == 0.0


def test_primitive_op_names():
    a = Value(2.0)
    assert a.exp().op == "exp"
    assert a.log().op == "log"
    assert a.relu().op == "relu"
    assert a.exp().children == (a,)


# ---------------------------------------------------------------------- derived ops


@pytest.mark.parametrize("x", [-2.0, 0.0, 3.5])
def test_neg(x):
    value, grad = derivative(lambda a: -a, x)
    assert value == -x
    assert grad == -1.0


@pytest.mark.parametrize(("x", "y"), [(5.0, 3.0), (-1.0, 2.5), (0.0, 0.0)])
def test_sub(x, y):
    a, b = Value(x), Value(y)
    out = a - b
    assert out.data == x - y
    out.backward()
    assert (a.grad, b.grad) == (1.0, -1.0)


@pytest.mark.parametrize(("x", "y"), [(6.0, 3.0), (-1.0, 0.25), (2.0, -4.0)])
def test_div(x, y):
    a, b = Value(x), Value(y)
    out = a / b
    assert out.data == approx(x / y)
    out.backward()
    # quotient rule: d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
    assert a.grad == approx(1.0 / y)
    assert b.grad == approx(-x / y**2)


X = 1.75  # the point used for the mixed number/Value tests


@pytest.mark.parametrize(
    ("f", "value", "slope"),
    [
        (lambda a: 2 * a, 2 * X, 2.0),
        (lambda a: a * 2, 2 * X, 2.0),
        (lambda a: 2.5 * a, 2.5 * X, 2.5),
        (lambda a: 1 + a, 1 + X, 1.0),
        (lambda a: a + 1, X + 1, 1.0),
        (lambda a: 1 - a, 1 - X, -1.0),
        (lambda a: a - 1, X - 1, 1.0),
        (lambda a: 1 / a, 1 / X, -1 / X**2),
        (lambda a: 3.0 / a, 3.0 / X, -3.0 / X**2),
        (lambda a: a / 2, X / 2, 0.5),
        (lambda a: a / 0.25, X / 0.25, 4.0),
    ],
    ids=["2*a", "a*2", "2.5*a", "1+a", "a+1", "1-a", "a-1", "1/a", "3/a", "a/2", "a/0.25"],
)
def test_numbers_on_either_side(f, value, slope):
    got_value, got_slope = derivative(f, X)
    assert got_value == approx(value)
    assert got_slope == approx(slope)


@pytest.mark.parametrize("k", [2, 3, 1, 0, 0.5, 1.5, 2.25, -1, -2, -0.5, -1.5])
@pytest.mark.parametrize("x", [0.3, 1.0, 2.5])
def test_pow_positive_base(x, k):
    value, grad = derivative(lambda a: a**k, x)
    assert value == approx(x**k)
    assert grad == approx(k * x ** (k - 1))  # power rule


@pytest.mark.parametrize("k", [2, 3, 4, -1, -2, 3.0, -3.0])
@pytest.mark.parametrize("x", [-0.5, -2.0])
def test_pow_negative_base_integer_exponent(x, k):
    value, grad = derivative(lambda a: a**k, x)
    assert value == approx(x**k)
    assert grad == approx(k * x ** (k - 1))


@pytest.mark.parametrize(
    ("k", "value", "slope"),
    [(0, 1.0, 0.0), (1, 0.0, 1.0), (2, 0.0, 0.0), (3, 0.0, 0.0), (2.5, 0.0, 0.0)],
)
def test_pow_at_zero(k, value, slope):
    # 0^0 = 1 with slope 0 (x^0 is the constant 1); x^k for k >= 1 is finite at 0
    assert derivative(lambda a: a**k, 0.0) == (value, slope)


def test_pow_is_one_node():
    a = Value(3.0)
    out = a**2
    assert out.children == (a,)
    assert len(out.local_grads) == 1


@pytest.mark.parametrize(("x", "y"), [(1.0, 4.0), (4.0, 1.0), (-2.5, 0.5)])
def test_square_of_difference(x, y):
    # (a - b)^2 with a negative base: the reason ** is its own node and not exp(k log x)
    a, b = Value(x), Value(y)
    out = (a - b) ** 2
    assert out.data == approx((x - y) ** 2)
    out.backward()
    assert a.grad == approx(2 * (x - y))
    assert b.grad == approx(-2 * (x - y))


# ---------------------------------------------------------------------- sums


@pytest.mark.parametrize("n", [1, 2, 7, 50])
def test_value_sum_is_one_node(n):
    xs = [0.5 * i - 3.0 for i in range(n)]
    values = [Value(x) for x in xs]
    out = Value.sum(values)
    assert out.op == "+"
    assert len(out.children) == n
    assert all(child is v for child, v in zip(out.children, values))
    assert out.data == approx(math.fsum(xs))
    out.backward()
    assert [v.grad for v in values] == [1.0] * n


def test_value_sum_accepts_numbers_and_generators():
    a, b = Value(2.0), Value(-5.0)
    out = Value.sum(t for t in [a, 3, b, 0.5])
    assert len(out.children) == 4
    assert out.data == 2.0 + 3 - 5.0 + 0.5
    out.backward()
    assert (a.grad, b.grad) == (1.0, 1.0)


def test_value_sum_with_repeated_terms():
    a, b = Value(2.0), Value(-1.0)
    out = Value.sum([a, b, a, a])
    assert out.data == 3 * 2.0 - 1.0
    out.backward()
    assert (a.grad, b.grad) == (3.0, 1.0)


def test_value_sum_of_weighted_terms():
    # sum_i c_i * x_i^2: d/dx_i = 2 c_i x_i
    xs = [1.0, -2.0, 0.5, 3.0]
    cs = [0.5, 2.0, -1.0, 4.0]
    values = [Value(x) for x in xs]
    out = Value.sum(c * v**2 for c, v in zip(cs, values))
    assert out.data == approx(sum(c * x * x for c, x in zip(cs, xs)))
    out.backward()
    for v, c, x in zip(values, cs, xs):
        assert v.grad == approx(2 * c * x)


def test_builtin_sum():
    xs = [1.5, -2.0, 4.0, 0.25]
    values = [Value(x) for x in xs]
    out = sum(values)  # starts at 0 + values[0]: needs __radd__
    assert isinstance(out, Value)
    assert out.data == sum(xs)
    out.backward()
    assert [v.grad for v in values] == [1.0] * len(xs)


# ---------------------------------------------------------------------- fused dot


def test_dot_matches_the_sum_of_products():
    ws_data = [0.5, -1.5, 2.0, 3.25]
    xs_data = [4.0, 0.5, -1.0, 2.0]

    ws, xs = [Value(w) for w in ws_data], [Value(x) for x in xs_data]
    fused = dot(ws, xs)
    assert fused.op == "dot"
    assert len(fused.children) == 2 * len(ws)
    fused.backward()
    fused_grads = [v.grad for v in ws + xs]

    ws2, xs2 = [Value(w) for w in ws_data], [Value(x) for x in xs_data]
    pure = Value.sum(w * x for w, x in zip(ws2, xs2))
    pure.backward()
    pure_grads = [v.grad for v in ws2 + xs2]

    expected = sum(w * x for w, x in zip(ws_data, xs_data))
    assert fused.data == approx(expected)
    assert pure.data == approx(expected)
    # d(w . x)/dw_i = x_i and d(w . x)/dx_i = w_i
    assert fused_grads == pure_grads == xs_data + ws_data


def test_dot_inside_a_bigger_expression():
    # L = (w . x)^2: dL/dw_i = 2 (w . x) x_i
    ws_data, xs_data = [1.0, 2.0], [3.0, -0.5]
    ws, xs = [Value(w) for w in ws_data], [Value(x) for x in xs_data]
    s = sum(w * x for w, x in zip(ws_data, xs_data))
    loss = dot(ws, xs) ** 2
    loss.backward()
    assert [w.grad for w in ws] == [approx(2 * s * x) for x in xs_data]
    assert [x.grad for x in xs] == [approx(2 * s * w) for w in ws_data]


def test_dot_with_a_shared_value():
    # dot([a, a], [b, a]) = ab + a^2: d/da = b + 2a, d/db = a
    a, b = Value(1.5), Value(-4.0)
    out = dot([a, a], [b, a])
    assert out.data == approx(1.5 * -4.0 + 1.5**2)
    out.backward()
    assert a.grad == approx(-4.0 + 2 * 1.5)
    assert b.grad == approx(1.5)


def test_dot_length_mismatch():
    with pytest.raises(ValueError, match="length"):
        dot([Value(1.0), Value(2.0)], [Value(3.0)])


@pytest.mark.parametrize(
    ("ws", "xs"),
    [
        ([Value(1.0), Value(2.0)], [3.0, 4.0]),
        ([1, 2], [Value(3.0), Value(4.0)]),
        ([Value(1.0), "2"], [Value(3.0), Value(4.0)]),
    ],
)
def test_dot_rejects_non_values(ws, xs):
    with pytest.raises(TypeError, match="Value"):
        dot(ws, xs)


# ---------------------------------------------------------------- the public, read-only graph


def test_the_graph_is_readable_through_public_properties():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    out = a * b
    assert (out.children, out.op, out.local_grads) == ((a, b), "*", (-3.0, 2.0))
    assert (a.children, a.op, a.local_grads, a.exponent) == ((), "", (), None)
    assert isinstance(out.children, tuple) and isinstance(out.local_grads, tuple)


def test_the_exponent_of_a_power_is_data_not_text():
    a = Value(3.0)
    cube = a**3
    assert (cube.op, cube.exponent, cube.local_grads) == ("**", 3.0, (27.0,))
    assert (a / 2.0).children[1].exponent == -1.0  # a / b is a * b**-1
    assert (a * 2.0).exponent is None


@pytest.mark.parametrize("name", ["children", "op", "local_grads", "exponent", "scope"])
def test_the_graph_properties_cannot_be_assigned(name):
    out = Value(1.0) + 2.0
    with pytest.raises(AttributeError):
        setattr(out, name, None)
