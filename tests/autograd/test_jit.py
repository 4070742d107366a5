"""autograd.jit: the replayed code computes backward()'s loss and gradients, at other inputs.

Random expressions (hypothesis) are recorded at one point and replayed at another,
far from it; the answer must be what Values and backward() give there.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import TraceError, Value, dot, jit, no_grad, scope

# ---------------------------------------------------------------- random expressions

# Each step makes a new node from two earlier ones (a, b). The forms keep log and **
# in their domains; what can still overflow is checked below: both ways must fail.
STEPS = {
    "add": lambda a, b: a + b,
    "mul": lambda a, b: a * b,
    "sub": lambda a, b: a - b,
    "div": lambda a, b: a / (b * b + 1.0),
    "exp": lambda a, b: (a * 0.5).exp(),
    "log": lambda a, b: (a * a + 0.1).log(),
    "relu": lambda a, b: a.relu() + b,
    "square": lambda a, b: a**2,
    "cube": lambda a, b: (a - b) ** 3,
    "root": lambda a, b: (a * a + 0.5) ** 0.5,
    "dot": lambda a, b: dot([a, b, a], [b, a, a]),
    "sum": lambda a, b: Value.sum([a, b, a, 1.5]),
    "max": lambda a, b: Value.max([a, b, 0.25]),  # the gradient goes to the largest
    "detach": lambda a, b: a.detach() * b,
    "constant": lambda a, b: Value(2.5) * a + Value(-1.0) ** 2,
}

recipes = st.lists(
    st.tuples(st.sampled_from(sorted(STEPS)), st.integers(0, 99), st.integers(0, 99)),
    min_size=1,
    max_size=14,
)
numbers = st.floats(-2.0, 2.0, allow_nan=False)
points = st.tuples(st.lists(numbers, min_size=3, max_size=3), numbers)


def expression(recipe):
    """fn(xs, y) that builds the recipe's steps on the inputs; the loss adds up every step."""

    def fn(xs, y):
        nodes = [*xs, y]
        for name, i, j in recipe:
            nodes.append(STEPS[name](nodes[i % len(nodes)], nodes[j % len(nodes)]))
        return Value.sum(nodes[4:]) + nodes[-1] * nodes[-1]

    return fn


def by_backward(fn, xs, y):
    """The loss and gradients of fn at (xs, y), by Values and backward()."""
    vx, vy = [Value(x) for x in xs], Value(y)
    loss = fn(vx, vy)
    loss.backward()
    return loss.data, ([v.grad for v in vx], vy.grad)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


@settings(max_examples=300, deadline=None)
@given(recipe=recipes, traced_at=points, replayed_at=points)
def test_replay_equals_backward_at_other_inputs(recipe, traced_at, replayed_at):
    fn = expression(recipe)
    f = jit(fn)
    try:
        by_backward(fn, *traced_at)
    except (ArithmeticError, ValueError):
        return  # a recipe that overflows where it would be recorded: nothing to record
    f(*traced_at)  # records
    try:
        expected_loss, (expected_xs, expected_y) = by_backward(fn, *replayed_at)
    except (ArithmeticError, ValueError) as err:
        with pytest.raises(type(err)):  # the replay fails with the engine's own error
            f(*replayed_at)
        return
    loss, (grads_xs, grad_y) = f(*replayed_at)
    assert len(f.programs) == 1  # replayed, not recorded again
    assert close(loss, expected_loss)
    assert all(close(g, e) for g, e in zip(grads_xs, expected_xs))
    assert close(grad_y, expected_y)


# ---------------------------------------------------------------- a neuron, read


def neuron(w, x, b):
    return (w * x + b).relu()


def test_a_neuron_source_reads_like_the_chain_rule():
    f = jit(neuron)
    assert f(0.5, 2.0, 0.3) == (1.3, (2.0, 0.5, 1.0))
    assert f.source == (
        "def neuron(*inputs):\n"
        "    [w, x, b] = inputs\n"
        "    # forward: one line per operation\n"
        "    v0 = w * x\n"
        "    v1 = v0 + b\n"
        "    v2 = v1 if v1 > 0.0 else 0.0\n"
        "    # backward: one line per chain-rule contribution, from the loss back\n"
        "    g_v2 = 1.0\n"
        "    g_v1 = g_v2 if v1 > 0.0 else 0.0\n"
        "    g_v0 = g_v1\n"
        "    g_b = g_v1\n"
        "    g_w = x * g_v0\n"
        "    g_x = w * g_v0\n"
        "    return v2, (g_w, g_x, g_b)\n"
    )


def test_relu_takes_its_branch_again_at_every_call():
    f = jit(neuron)
    f(0.5, 2.0, 0.3)  # recorded where the neuron is on
    assert f(0.5, -2.0, 0.3) == (0.0, (0.0, 0.0, 0.0))  # off: no gradient
    assert f(1.0, 1.0, 1.0) == (2.0, (1.0, 1.0, 1.0))
    assert len(f.programs) == 1


def test_labels_name_the_variables_and_scopes_become_comments():
    def layer(ws, xs):
        with scope("mlp"):
            z = dot(ws, xs)
            z.label = "z"
            h = z.relu()
            h.label = "hidden[0]"
        with scope("loss"):
            return (h - 1.0) ** 2

    f = jit(layer)
    loss, (g_ws, g_xs) = f([1.0, 2.0], [3.0, 0.5])
    assert loss == 9.0 and g_ws == [18.0, 3.0] and g_xs == [6.0, 12.0]
    source = f.source
    assert "    [[ws_0, ws_1], [xs_0, xs_1]] = inputs\n" in source
    assert "    # mlp\n    z = ws_0 * xs_0 + ws_1 * xs_1\n    hidden_0 = z if z > 0.0" in source
    assert "    # loss\n" in source
    assert "    g_ws_0 = xs_0 * g_z\n" in source  # one line per chain-rule contribution
    assert source.index("g_hidden_0 =") < source.index("g_z =")  # backward in reverse order


def test_an_input_used_twice_accumulates_and_an_unused_input_gets_zero():
    f = jit(lambda a, b, c: a * a + a.exp())
    loss, grads = f(1.0, 2.0, 3.0)
    assert loss == 1.0 + math.e
    assert grads == (2.0 + math.e, 0.0, 0.0)
    assert "g_a += " in f.source


def test_detach_and_constants_get_no_backward_line():
    f = jit(lambda s: (s[0] - Value.max(s).detach()).exp() * 3.0)
    loss, (grads,) = f([1.0, 2.0])
    assert close(loss, 3.0 * math.exp(-1.0))
    assert close(grads[0], loss) and grads[1] == 0.0  # nothing flows back through the max
    backward = f.source.split("# backward")[1]
    assert "max" not in backward and "which_" not in backward


def test_max_gives_its_gradient_to_the_largest_input_wherever_it_is():
    f = jit(lambda a, b: Value.max([a, b]) * 2.0)
    assert f(1.0, 3.0) == (6.0, (0.0, 2.0))
    assert f(5.0, 3.0) == (10.0, (2.0, 0.0))  # the largest moved: the replay follows it
    assert f(4.0, 4.0) == (8.0, (2.0, 0.0))  # a tie: the first, as Value.max does


# ---------------------------------------------------------------- structures and programs


def test_each_structure_of_inputs_records_its_own_program():
    f = jit(lambda xs: Value.sum([x * x for x in xs]))
    assert f([1.0, 2.0]) == (5.0, ([2.0, 4.0],))
    first = f.last
    assert f([1.0, 2.0, 3.0]) == (14.0, ([2.0, 4.0, 6.0],))
    assert len(f.programs) == 2 and f.last is not first
    assert "xs_2" in f.source and "xs_2" not in first.source
    assert f([3.0, 4.0]) == (25.0, ([6.0, 8.0],))  # the first program again, not recorded
    assert len(f.programs) == 2 and f.last is first
    assert f.program_for([0.0]).source.count("g_xs_0") >= 1
    assert len(f.programs) == 3


def test_a_sum_or_dot_of_many_terms_compiles_and_adds_in_the_same_order():
    def fn(xs):
        return Value.sum([x * x for x in xs]) + dot(xs, xs[::-1])

    numbers = [(i % 7 - 3) / 7 for i in range(300)]
    loss, (grads,) = jit(fn)(numbers)
    expected_loss, (expected, _) = by_backward(lambda xs, y: fn(xs), numbers, 0.0)
    assert loss == expected_loss and grads == expected  # same additions, same order: exact


def test_gradients_come_back_in_the_nesting_of_the_inputs():
    def fn(params, pair, scale):
        return (params["w"][0] * pair[0] + params["b"] - pair[1]) * scale

    f = jit(fn)
    loss, grads = f({"w": [2.0], "b": 1.0}, (3.0, 4.0), 0.5)
    assert loss == 1.5
    assert grads == ({"w": [1.5], "b": 0.5}, (1.0, -0.5), 3.0)
    assert type(grads[1]) is tuple and type(grads[0]["w"]) is list


def test_replay_runs_no_code_of_the_engine():
    """Only jit.py (the structure check) and the generated code run: no Value can be made."""
    f = jit(neuron)
    f(0.5, 2.0, 0.3)
    ran: set[str] = set()

    def profile(frame, event, arg):
        if event == "call":
            ran.add(frame.f_code.co_filename)

    sys.setprofile(profile)
    try:
        loss, grads = f(1.0, 3.0, -1.0)
    finally:
        sys.setprofile(None)
    assert (loss, grads) == (2.0, (3.0, 1.0, 1.0))
    assert {Path(name).name for name in ran} == {"program.py", "<autograd.jit neuron #1>"}


def test_a_program_called_with_another_structure_says_so():
    f = jit(lambda xs: Value.sum(xs))
    program = f.program_for([1.0, 2.0])
    with pytest.raises(ValueError, match=r"shaped \(\[3 × x\]\).*recorded for \(\[x, x\]\)"):
        program([1.0, 2.0, 3.0])


# ---------------------------------------------------------------- refusals and errors


def test_a_branch_on_data_is_refused_with_what_to_write_instead():
    def step(x):
        if x.data > 0:
            return x * 2.0
        return x

    with pytest.raises(TraceError) as refused:
        jit(step)(1.0)
    message = str(refused.value)
    assert "cannot record step" in message and "test_jit.py" in message
    assert "if x.data > 0:" in message  # the line, quoted
    assert "x.relu()" in message and "Value.max(values).detach()" in message
    assert Value(3.0).data == 3.0  # everything is back to normal afterwards


def test_a_max_read_from_data_is_refused_but_a_max_node_is_recorded():
    def frozen(s):
        top = max(v.data for v in s)
        return Value.sum([(v - top).exp() for v in s])

    def kept(s):
        top = Value.max(s).detach()
        return Value.sum([(v - top).exp() for v in s])

    with pytest.raises(TraceError, match=r"max\(v\.data for v in s\)"):
        jit(frozen)([1.0, 2.0])
    f = jit(kept)
    f([1.0, 2.0])
    loss, _ = f([1000.0, 0.0])  # a frozen max would overflow here
    assert close(loss, 1.0 + math.exp(-1000.0))


def test_reading_a_constant_or_printing_a_value_is_allowed():
    def fn(x):
        half = Value(0.5)
        repr(x)
        return x * half.data

    assert jit(fn)(4.0) == (2.0, (0.5,))


def test_errors_at_replay_carry_the_engines_message():
    f = jit(lambda x: (x - 1.0).log())
    f(3.0)
    with pytest.raises(ValueError, match="defined only for numbers > 0"):
        f(0.5)
    g = jit(lambda x: x.exp())
    g(1.0)
    with pytest.raises(OverflowError, match="too large"):
        g(1000.0)
    h = jit(lambda x: x**0.5)
    h(4.0)
    with pytest.raises(ValueError, match="negative number has no real"):
        h(-4.0)  # Python's ** would give a complex number


def test_an_overflow_is_refused_as_values_refuse_it_but_an_infinity_given_flows():
    f = jit(lambda x: x * 2.0)
    f(1.0)
    with pytest.raises(OverflowError):  # 2 * 1e308 is beyond the largest float
        f(1e308)
    assert f(math.inf) == (math.inf, (2.0,))  # an infinity passed in is a legitimate float


def test_bad_inputs_and_bad_functions_are_clear_errors():
    f = jit(neuron)
    with pytest.raises(TypeError, match=r"input x is a str"):
        f(1.0, "2", 3.0)
    with pytest.raises(TypeError, match=r"v\.data"):
        f(1.0, Value(2.0), 3.0)
    with pytest.raises(TypeError, match="by position"):
        f(1.0, 2.0, b=3.0)
    with pytest.raises(TypeError, match="must return one Value"):
        jit(lambda x: 1.0)(2.0)
    with pytest.raises(TypeError, match="needs a function"):
        jit(3)
    with pytest.raises(ValueError, match="nothing recorded yet"):
        _ = jit(neuron).source
    with no_grad(), pytest.raises(TraceError, match="outside `with no_grad"):
        jit(neuron)(1.0, 2.0, 3.0)
