"""gradcheck: backward() against finite differences on random expressions, and its report.

gradcheck is the judge of the other tests, so it is tested both ways: it passes
on correct gradients and it raises on gradients that are deliberately wrong.
"""

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import GradcheckError, GradcheckReport, Value, gradcheck
from autograd.value import make_node

# ---------------------------------------------------------------------- random expressions

N_INPUTS = 3
POWERS = [2, 3, -1, -2, 0.5, 1.5, -0.5]


class OutOfDomain(Exception):
    """The expression leaves the region where finite differences can be trusted."""


leaves = st.one_of(
    st.tuples(st.just("x"), st.integers(0, N_INPUTS - 1)),
    st.tuples(st.just("const"), st.floats(-2.0, 2.0)),
)


def extend(children):
    return st.one_of(
        st.tuples(st.sampled_from(["+", "-", "*", "/"]), children, children),
        st.tuples(st.sampled_from(["exp", "log", "relu", "neg", "tanh", "sigmoid"]), children),
        st.tuples(st.just("pow"), children, st.sampled_from(POWERS)),
        st.tuples(st.just("sum"), st.lists(children, min_size=1, max_size=4)),
    )


# at least one operation at the top, then anything up to 16 leaves below
expressions = extend(st.recursive(leaves, extend, max_leaves=16))


def evaluate(expr, xs, check):
    """Build expr on the Values xs. With check=True, refuse points near a kink or pole.

    The margins keep every kink (relu at 0) and pole (1/0, log 0) far from the
    point compared to gradcheck's eps = 1e-6, and values small enough that
    rounding does not swamp the finite differences.
    """

    def guard(ok):
        if check and not ok:
            raise OutOfDomain

    def ev(e):
        return evaluate(e, xs, check)

    kind = expr[0]
    if kind == "x":
        return xs[expr[1]]
    if kind == "const":
        return Value(expr[1])
    if kind == "sum":
        out = Value.sum([ev(e) for e in expr[1]])
    elif kind == "pow":
        base, k = ev(expr[1]), expr[2]
        guard(base.data > 0.1 if not float(k).is_integer() else abs(base.data) > 0.1)
        out = base**k
    elif kind in "+-*/":
        a, b = ev(expr[1]), ev(expr[2])
        if kind == "+":
            out = a + b
        elif kind == "-":
            out = a - b
        elif kind == "*":
            out = a * b
        else:
            guard(abs(b.data) > 0.1)
            out = a / b
    else:
        a = ev(expr[1])
        if kind == "exp":
            guard(a.data < 5)
            out = a.exp()
        elif kind == "log":
            guard(a.data > 0.1)
            out = a.log()
        elif kind == "relu":
            guard(abs(a.data) > 0.01)
            out = a.relu()
        elif kind == "neg":
            out = -a
        elif kind == "tanh":
            guard(abs(a.data) < 20)
            e = (2 * a).exp()
            out = (e - 1) / (e + 1)
        else:  # sigmoid
            guard(abs(a.data) < 20)
            out = 1 / (1 + (-a).exp())
    guard(abs(out.data) < 100)
    return out


def closed_form(expr, xs):
    """(value, [d/dx_i]) of expr by forward-mode differentiation on plain floats.

    An independent oracle: dual numbers (value, gradient vector) with the textbook
    rule for each operation, no Value involved.
    """
    kind = expr[0]
    if kind == "x":
        grad = [0.0] * N_INPUTS
        grad[expr[1]] = 1.0
        return xs[expr[1]], grad
    if kind == "const":
        return expr[1], [0.0] * N_INPUTS
    if kind == "sum":
        parts = [closed_form(e, xs) for e in expr[1]]
        return sum(v for v, _ in parts), [sum(g[i] for _, g in parts) for i in range(N_INPUTS)]
    if kind == "pow":
        (v, g), k = closed_form(expr[1], xs), expr[2]
        return v**k, [k * v ** (k - 1) * gi for gi in g]
    if kind in "+-*/":
        (u, gu), (v, gv) = closed_form(expr[1], xs), closed_form(expr[2], xs)
        if kind == "+":
            return u + v, [a + b for a, b in zip(gu, gv)]
        if kind == "-":
            return u - v, [a - b for a, b in zip(gu, gv)]
        if kind == "*":
            return u * v, [a * v + u * b for a, b in zip(gu, gv)]
        return u / v, [(a * v - u * b) / v**2 for a, b in zip(gu, gv)]
    v, g = closed_form(expr[1], xs)
    slope = {
        "exp": lambda: math.exp(v),
        "log": lambda: 1 / v,
        "relu": lambda: 1.0 if v > 0 else 0.0,
        "neg": lambda: -1.0,
        "tanh": lambda: 1 - math.tanh(v) ** 2,
        "sigmoid": lambda: math.exp(-v) / (1 + math.exp(-v)) ** 2,
    }[kind]()
    value = {
        "exp": math.exp,
        "log": math.log,
        "relu": lambda t: max(t, 0.0),
        "neg": lambda t: -t,
        "tanh": math.tanh,
        "sigmoid": lambda t: 1 / (1 + math.exp(-t)),
    }[kind](v)
    return value, [slope * gi for gi in g]


inputs = st.lists(st.floats(-3.0, 3.0), min_size=N_INPUTS, max_size=N_INPUTS)


@settings(max_examples=300, deadline=None)
@given(expressions, inputs)
def test_backward_matches_finite_differences(expr, xs):
    try:
        evaluate(expr, [Value(x) for x in xs], check=True)
    except OutOfDomain:
        assume(False)
    report = gradcheck(lambda *vs: evaluate(expr, vs, check=False), xs)
    assert report.ok
    assert report.checked == N_INPUTS


@settings(max_examples=300, deadline=None)
@given(expressions, inputs)
def test_backward_matches_forward_mode(expr, xs):
    values = [Value(x) for x in xs]
    try:
        out = evaluate(expr, values, check=True)
    except OutOfDomain:
        assume(False)
    out.backward()
    value, grads = closed_form(expr, xs)
    assert out.data == pytest.approx(value, rel=1e-9, abs=1e-12)
    for v, g in zip(values, grads):
        assert v.grad == pytest.approx(g, rel=1e-9, abs=1e-12)


# ---------------------------------------------------------------------- the report


def test_report_fields_on_success():
    # f(a, b) = a^2 b: df/da = 2ab = -12, df/db = a^2 = 4
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    report = gradcheck(lambda a, b: a * a * b, [a, b])
    assert isinstance(report, GradcheckReport)
    assert report.ok is True
    assert report.checked == 2
    assert report.worst_index in (0, 1)
    assert report.worst_label == ["a", "b"][report.worst_index]
    exact = [2 * 2.0 * -3.0, 2.0**2][report.worst_index]
    assert report.analytic == pytest.approx(exact, rel=1e-12)
    assert report.numeric == pytest.approx(exact, rel=1e-6)
    assert report.abs_error == pytest.approx(abs(report.analytic - report.numeric), abs=1e-15)
    assert report.abs_error <= 1e-6 + 1e-4 * abs(report.numeric)
    assert "OK" in str(report)
    assert "on 2 inputs" in str(report)


def test_gradcheck_accepts_plain_numbers_and_leaves_the_inputs_alone():
    a = Value(0.5)
    report = gradcheck(lambda a, b: (a * b).exp(), [a, 1.5])
    assert report.ok
    assert report.checked == 2
    assert report.worst_label == ""
    assert a.grad == 0.0  # gradcheck works on copies


def test_gradcheck_needs_inputs():
    with pytest.raises(ValueError):
        gradcheck(lambda: Value(1.0), [])


def test_gradcheck_needs_a_value_back():
    with pytest.raises(TypeError, match="float"):
        gradcheck(lambda a: a.data * 2, [1.0])


# ---------------------------------------------------------------------- it can fail


def wrong_square(x):
    """x^2 with the local derivative x instead of 2x: a classic mistake."""
    return make_node(x.data * x.data, (x,), (x.data,), "square")


def test_wrong_local_gradient_raises():
    with pytest.raises(GradcheckError) as info:
        gradcheck(wrong_square, [3.0])
    assert "MISMATCH" in str(info.value)


def test_wrong_local_gradient_report():
    report = gradcheck(wrong_square, [Value(3.0, "x")], raise_on_failure=False)
    assert report.ok is False
    assert report.checked == 1
    assert report.worst_index == 0
    assert report.worst_label == "x"
    assert report.analytic == 3.0  # the wrong slope x
    assert report.numeric == pytest.approx(6.0, rel=1e-6)  # the true slope 2x
    assert report.abs_error == pytest.approx(3.0, rel=1e-6)
    assert "MISMATCH" in str(report)
    assert "x" in str(report)


def tampered_product(a, b):
    """a * b whose recorded d/db is off by one (only when a graph is recorded)."""
    out = a * b
    if out._local_grads:
        out._local_grads = (out._local_grads[0], out._local_grads[1] + 1.0)
    return out


def test_tampered_gradient_is_found_among_correct_ones():
    report = gradcheck(
        lambda a, b, c: tampered_product(a, b) + c.exp(), [1.0, 2.0, 0.5], raise_on_failure=False
    )
    assert not report.ok
    assert report.worst_index == 1
    assert report.analytic == pytest.approx(1.0 + 1.0)
    assert report.numeric == pytest.approx(1.0, rel=1e-6)
    with pytest.raises(GradcheckError):
        gradcheck(lambda a, b, c: tampered_product(a, b) + c.exp(), [1.0, 2.0, 0.5])


def test_small_errors_are_caught_at_the_tolerance():
    # a gradient off by 1e-3 relative is far above rtol = 1e-4
    def almost_exp(x):
        out = x.exp()
        if out._local_grads:
            out._local_grads = (out._local_grads[0] * (1 + 1e-3),)
        return out

    with pytest.raises(GradcheckError):
        gradcheck(almost_exp, [1.0])
    assert gradcheck(almost_exp, [1.0], rtol=1e-2).ok


def test_wrong_backward_is_caught(monkeypatch):
    # a backward() that forgets to accumulate: a node used twice gets one path only
    def forgetful_backward(self):
        from autograd import topological_order

        order = topological_order(self)
        self.grad = 1.0
        for node in reversed(order):
            for child, local in zip(node.children, node.local_grads):
                child.grad = local * node.grad  # = instead of +=

    monkeypatch.setattr(Value, "backward", forgetful_backward)
    with pytest.raises(GradcheckError):
        gradcheck(lambda a: a * a, [3.0])


@pytest.mark.parametrize("n_inputs", [1, 2])
def test_nan_gradient_is_a_failure(n_inputs):
    def nan_exp(x, *rest):
        out = x.exp()
        if out._local_grads:
            out._local_grads = (math.nan,)
        return Value.sum([out, *rest])

    with pytest.raises(GradcheckError):
        gradcheck(nan_exp, [1.0] * n_inputs)
    report = gradcheck(nan_exp, [1.0] * n_inputs, raise_on_failure=False)
    assert report.ok is False
    assert report.worst_index == 0
    assert math.isnan(report.analytic)


# ------------------------------------------------------------------ settings refused


def square_of(a: Value) -> Value:
    return a * a


@pytest.mark.parametrize(
    ("settings", "error", "message"),
    [
        ({"atol": -1e-6}, ValueError, "atol must be a finite number >= 0"),
        ({"rtol": -1.0}, ValueError, "rtol must be a finite number >= 0"),
        ({"eps": 0}, ValueError, "eps must be a finite number > 0"),
        ({"eps": -1e-6}, ValueError, "eps must be a finite number > 0"),
        ({"eps": math.nan}, ValueError, "eps must be a finite number > 0"),
        ({"atol": math.inf}, ValueError, "atol must be a finite number >= 0"),
        ({"eps": 10**400}, ValueError, "eps must be a finite number > 0"),
        ({"eps": "1e-6"}, TypeError, "eps must be a number > 0"),
        ({"rtol": True}, TypeError, "rtol must be a number >= 0"),
    ],
)
def test_gradcheck_refuses_settings_that_make_its_verdict_meaningless(settings, error, message):
    with pytest.raises(error, match=message):
        gradcheck(square_of, [3.0], **settings)


def test_a_negative_tolerance_used_to_say_ok_for_a_wrong_gradient():
    def wrong(a: Value) -> Value:  # value a*a, but gradient 3 instead of 2a
        return make_node(a.data * a.data, (a,), (3.0,), "wrong")

    assert not gradcheck(wrong, [3.0], raise_on_failure=False).ok
    with pytest.raises(ValueError, match="atol"):
        gradcheck(wrong, [3.0], atol=-10.0, raise_on_failure=False)


def test_zero_tolerances_ask_for_an_exact_match_without_dividing_by_zero():
    exact = gradcheck(lambda a: a * 2.0, [0.0], atol=0, rtol=0, raise_on_failure=False)
    assert exact.ok and exact.abs_error == 0.0  # (2h - -2h) / 2h is 2 exactly
    curved = gradcheck(square_of, [3.0], atol=0, rtol=0, raise_on_failure=False)
    assert not curved.ok and curved.abs_error > 0
