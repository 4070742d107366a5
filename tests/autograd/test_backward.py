"""backward(): the chain rule over whole graphs, shared nodes, accumulation, big graphs.

Expected gradients are closed forms worked out by hand (chain, product and
quotient rules) or, on random graphs, gradcheck's finite differences.
"""

import gc
import math
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, dot, gradcheck, topological_order, zero_grad


def approx(x):
    return pytest.approx(x, rel=1e-12, abs=1e-15)


def tanh(v):
    """tanh from the primitives: (e^2v - 1) / (e^2v + 1)."""
    e = (2 * v).exp()
    return (e - 1) / (e + 1)


# ---------------------------------------------------------------------- chain rule


@pytest.mark.parametrize("x", [-1.3, 0.2, 0.9])
def test_exp_of_square(x):
    a = Value(x)
    y = (a * a).exp()
    y.backward()
    assert y.data == approx(math.exp(x * x))
    assert a.grad == approx(2 * x * math.exp(x * x))


@pytest.mark.parametrize("x", [-2.0, 0.0, 0.5, 3.0])
def test_log_of_one_plus_square(x):
    a = Value(x)
    y = (1 + a**2).log()
    y.backward()
    assert y.data == approx(math.log(1 + x * x))
    assert a.grad == approx(2 * x / (1 + x * x))


@pytest.mark.parametrize("x", [-2.0, -0.3, 0.0, 0.4, 1.7])
def test_tanh_from_primitives(x):
    a = Value(x)
    y = tanh(a)
    y.backward()
    assert y.data == pytest.approx(math.tanh(x), rel=1e-12, abs=1e-15)
    assert a.grad == pytest.approx(1 - math.tanh(x) ** 2, rel=1e-10)


@pytest.mark.parametrize("x", [-3.0, 0.0, 1.2])
def test_sigmoid(x):
    a = Value(x)
    y = 1 / (1 + (-a).exp())
    y.backward()
    s = 1 / (1 + math.exp(-x))
    assert y.data == approx(s)
    assert a.grad == approx(s * (1 - s))


@pytest.mark.parametrize("x", [0.5, 1.0, 2.0])
def test_product_rule_cube_times_log(x):
    a = Value(x)
    y = a**3 * a.log()
    y.backward()
    assert y.data == approx(x**3 * math.log(x))
    assert a.grad == approx(3 * x**2 * math.log(x) + x**2)


@pytest.mark.parametrize(("x", "w"), [(2.0, 1.0), (-1.0, 0.5), (0.1, -3.0)])
def test_relu_of_affine(x, w):
    a, b = Value(x), Value(w)
    y = (b * a - 1).relu() * a
    y.backward()
    z = w * x - 1
    assert y.data == approx(max(z, 0.0) * x)
    # d/da = relu'(z) * w * a + relu(z), d/db = relu'(z) * a * a
    slope = 1.0 if z > 0 else 0.0
    assert a.grad == approx(slope * w * x + max(z, 0.0))
    assert b.grad == approx(slope * x * x)


def test_log_softmax_cross_entropy():
    # L = log(e^a + e^b + e^c) - a: dL/di = softmax_i - [i == a]
    logits = [1.0, -0.5, 2.0]
    a, b, c = (Value(x) for x in logits)
    loss = Value.sum([a.exp(), b.exp(), c.exp()]).log() - a
    loss.backward()
    z = sum(math.exp(x) for x in logits)
    p = [math.exp(x) / z for x in logits]
    assert loss.data == approx(math.log(z) - logits[0])
    assert [a.grad, b.grad, c.grad] == [approx(p[0] - 1), approx(p[1]), approx(p[2])]


def test_mean_squared_error_of_a_neuron():
    # L = (w1 x1 + w2 x2 + b - t)^2: dL/dwi = 2 r xi, dL/db = 2 r with r the residual
    x1, x2, t = 0.5, -2.0, 1.0
    w1, w2, b = Value(0.3), Value(-0.7), Value(0.1)
    loss = (w1 * x1 + w2 * x2 + b - t) ** 2
    loss.backward()
    r = 0.3 * x1 - 0.7 * x2 + 0.1 - t
    assert loss.data == approx(r * r)
    assert (w1.grad, w2.grad, b.grad) == (approx(2 * r * x1), approx(2 * r * x2), approx(2 * r))


# ---------------------------------------------------------------------- shared nodes


def test_a_plus_a():
    a = Value(3.0)
    y = a + a
    y.backward()
    assert y.data == 6.0
    assert a.grad == 2.0


@pytest.mark.parametrize("x", [-1.5, 0.0, 4.0])
def test_a_times_a(x):
    a = Value(x)
    y = a * a
    y.backward()
    assert y.data == x * x
    assert a.grad == 2 * x


def test_a_times_a_times_a():
    a = Value(-2.0)
    y = a * a * a
    y.backward()
    assert a.grad == 3 * (-2.0) ** 2


def test_reuse_across_branches():
    # c = 3a + (3a) a = 3a + 3a^2: dc/da = 3 + 6a
    a = Value(1.5)
    b = a * 3
    c = b + b * a
    c.backward()
    assert c.data == approx(3 * 1.5 + 3 * 1.5**2)
    assert a.grad == approx(3 + 6 * 1.5)
    assert b.grad == approx(1 + 1.5)  # dc/db = 1 + a


@pytest.mark.parametrize("x", [-4.0, 0.5, 2.0])
def test_diamond(x):
    # d = (2a)(a + 3) = 2a^2 + 6a: dd/da = 4a + 6
    a = Value(x)
    b = a * 2
    c = a + 3
    d = b * c
    d.backward()
    assert d.data == approx(2 * x * (x + 3))
    assert a.grad == approx(4 * x + 6)
    assert b.grad == approx(x + 3)  # dd/db = c
    assert c.grad == approx(2 * x)  # dd/dc = b


@pytest.mark.parametrize("root_first", [True, False])
def test_paths_of_different_lengths(root_first):
    # a reaches the root directly and through a chain of 6 nodes: b = a * 1.5^6.
    # root = a + b, so d root/da = 1 + 1.5^6, and b must come after the whole chain.
    a = Value(0.8)
    b = a
    for _ in range(6):
        b = b * 1.5
    root = a + b if root_first else b + a
    order = topological_order(root)
    assert_topological(order, root)
    root.backward()
    assert a.grad == approx(1 + 1.5**6)


def test_deep_diamond_closed_form():
    # y = a^2, z = y + a, w = z*y + a: dw/da = (2a + 1) a^2 + (a^2 + a) 2a + 1
    x = 1.3
    a = Value(x)
    y = a * a
    z = y + a
    w = z * y + a
    order = topological_order(w)
    assert_topological(order, w)
    w.backward()
    assert w.data == approx((x * x + x) * x * x + x)
    assert a.grad == approx((2 * x + 1) * x * x + (x * x + x) * 2 * x + 1)
    assert gradcheck(lambda a: (a * a + a) * (a * a) + a, [x]).ok


# ---------------------------------------------------------------------- topological order


def reachable(root):
    """Every node reachable from root, found by a plain breadth-first walk."""
    seen, frontier = {id(root): root}, [root]
    while frontier:
        frontier = [c for n in frontier for c in n.children if id(c) not in seen]
        for c in frontier:
            seen[id(c)] = c
    return seen


def assert_topological(order, root, leaves=True):
    """Each reachable node exactly once, each one after every node it was computed from."""
    position = {id(n): i for i, n in enumerate(order)}
    assert len(position) == len(order), "a node appears twice"
    expected = {k for k, n in reachable(root).items() if leaves or n.children}
    assert set(position) == expected
    assert order[-1] is root
    for node in order:
        for child in node.children:
            if leaves or child.children:
                assert position[id(child)] < position[id(node)], (
                    f"{child!r} must come before {node!r}, which was computed from it"
                )


def build_dag(leaves, steps):
    """A random DAG: each step uses the previous node and some earlier ones.

    Always using the previous node makes one long path through every node; the
    other picks add shortcuts, so most nodes are reachable along paths of many
    lengths. Every operation keeps values in [-1, 1].
    """
    nodes = list(leaves)
    for kind, picks in steps:
        prev = nodes[-1]
        others = [nodes[p % len(nodes)] for p in picks]
        if kind == "add":
            node = (prev + others[0]) * 0.5
        elif kind == "mul":
            node = prev * others[0]
        elif kind == "mean":
            node = Value.sum([prev, *others]) * (1.0 / (1 + len(others)))
        elif kind == "dot":
            node = dot([prev, others[0]], [others[1], others[2]]) * 0.5
        elif kind == "tanh":
            node = tanh(prev + others[0])
        else:  # "sub"
            node = (prev - others[0]) * 0.5
        nodes.append(node)
    return nodes


dag_steps = st.lists(
    st.tuples(
        st.sampled_from(["add", "mul", "mean", "dot", "tanh", "sub"]),
        st.lists(st.integers(0, 10_000), min_size=3, max_size=5),
    ),
    min_size=1,
    max_size=25,
)
leaf_data = st.lists(st.floats(-1.0, 1.0), min_size=1, max_size=4)


@settings(max_examples=150, deadline=None)
@given(leaf_data, dag_steps)
def test_topological_order_on_random_dags(xs, steps):
    nodes = build_dag([Value(x) for x in xs], steps)
    root = nodes[-1]
    assert_topological(topological_order(root), root)
    assert_topological(topological_order(root, leaves=False), root, leaves=False)


@settings(max_examples=100, deadline=None)
@given(leaf_data, dag_steps)
def test_backward_matches_gradcheck_on_random_dags(xs, steps):
    report = gradcheck(lambda *leaves: build_dag(leaves, steps)[-1], xs)
    assert report.ok
    assert report.checked == len(xs)


def depth_first_order(root: Value, leaves: bool) -> list[Value]:
    """The order the docstring promises, written plainly: depth-first, first input first,
    each node after its inputs. Recursive, so only for graphs well under the recursion limit."""
    order: list[Value] = []
    seen: set[Value] = set()

    def visit(node: Value) -> None:
        seen.add(node)
        for child in node.children:
            if (leaves or child.children) and child not in seen:
                visit(child)
        order.append(node)

    if leaves or root.children:
        visit(root)
    return order


def stack_depth() -> int:
    """How many frames are on Python's stack here (pytest's own, and a worker's with -n)."""
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


@settings(max_examples=100, deadline=None)
@given(leaf_data, dag_steps)
def test_the_order_is_depth_first_whether_python_recursion_is_deep_enough_or_not(xs, steps):
    # topological_order walks by recursion, and with its own stack when a graph is too
    # deep for Python's recursion limit: the order must not depend on which one ran.
    root = build_dag([Value(x) for x in xs], steps)[-1]
    for leaves in (True, False):
        expected = depth_first_order(root, leaves)
        assert topological_order(root, leaves) == expected
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(stack_depth() + 15)  # too shallow for these graphs: the own stack
        try:
            by_own_stack = topological_order(root, leaves)
        finally:
            sys.setrecursionlimit(limit)
        assert by_own_stack == expected


def test_a_graph_too_deep_for_recursion_is_walked_in_the_same_order():
    x = Value(0.5)
    y, expected = x, [x]
    for _ in range(3 * sys.getrecursionlimit()):  # deeper than the recursion limit allows
        one = Value(1.0)
        times = y * one
        y = times + x
        expected += [one, times, y]  # depth-first, first input first: as in a shallow graph
    assert topological_order(y) == expected


def test_topological_order_of_a_leaf():
    a = Value(1.0)
    assert topological_order(a) == [a]
    assert topological_order(a, leaves=False) == []


# ---------------------------------------------------------------------- accumulation


def build_graph():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = a * b
    d = c + a.exp()
    e = d * d.relu() + b
    return [a, b, c, d], e


def test_backward_on_a_leaf():
    a = Value(5.0)
    a.backward()
    assert a.grad == 1.0


def test_second_backward_doubles_every_grad():
    nodes, root = build_graph()
    root.backward()
    first = [n.grad for n in nodes]
    a, b, _, d = (n.data for n in nodes)
    # closed form: e = d * relu(d) + b with d = ab + e^a > 0 here, so e = d^2 + b
    assert d > 0
    assert first[3] == approx(2 * d)
    assert first[2] == approx(2 * d)
    assert first[0] == approx(2 * d * (b + math.exp(a)))
    assert first[1] == approx(2 * d * a + 1)
    assert root.grad == 1.0

    root.backward()
    assert [n.grad for n in nodes] == [approx(2 * g) for g in first]  # leaves, intermediates
    assert root.grad == 2.0

    root.backward()
    assert [n.grad for n in nodes] == [approx(3 * g) for g in first]
    assert root.grad == 3.0


def test_two_losses_sharing_a_node_add_up():
    # h = a b; L1 = h^2, L2 = 3h: dL1/da + dL2/da = (2h + 3) b
    a, b = Value(1.5), Value(2.0)
    h = a * b
    loss1, loss2 = h**2, 3 * h
    loss1.backward()
    loss2.backward()
    assert h.grad == approx(2 * 3.0 + 3)
    assert a.grad == approx((2 * 3.0 + 3) * 2.0)
    assert b.grad == approx((2 * 3.0 + 3) * 1.5)


def test_zero_grad_resets():
    nodes, root = build_graph()
    root.backward()
    first = [n.grad for n in nodes]
    assert any(g != 0.0 for g in first)
    zero_grad([*nodes, root])
    assert all(n.grad == 0.0 for n in [*nodes, root])
    root.backward()
    assert [n.grad for n in nodes] == first
    assert root.grad == 1.0


def test_zero_grad_takes_any_iterable():
    values = [Value(1.0), Value(2.0)]
    (values[0] * values[1]).backward()
    zero_grad(v for v in values)
    assert [v.grad for v in values] == [0.0, 0.0]


# ---------------------------------------------------------------------- big graphs


@pytest.fixture
def shallow_stack():
    """A recursion limit of 500: any recursive walk of a big graph would fail."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(500)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def test_million_node_chain(shallow_stack):
    # y = x c^n: dy/dx = c^n, dy/dc = n x c^(n-1) (c is one shared Value used n times)
    n, x0, c0 = 1_000_000, 0.75, 1.0000001
    x, c = Value(x0), Value(c0)
    y = x
    for _ in range(n):
        y = y * c
    y.backward()
    assert y.data == pytest.approx(x0 * c0**n, rel=1e-8)
    assert x.grad == pytest.approx(c0**n, rel=1e-8)
    assert c.grad == pytest.approx(n * x0 * c0 ** (n - 1), rel=1e-8)


def test_million_term_value_sum(shallow_stack):
    n = 1_000_000
    values = [Value(float(i % 7)) for i in range(n)]
    out = Value.sum(values)
    assert len(out.children) == n
    scaled = (out * 0.5) ** 2
    scaled.backward()
    total = sum(i % 7 for i in range(n))
    assert out.data == total
    # d/dx_i (0.5 sum)^2 = 0.5 * 2 * (0.5 sum) = 0.5 sum, the same for every i
    expected = 0.5 * total
    assert all(v.grad == expected for v in values)


def test_builtin_sum_of_100k_values(shallow_stack):
    # built-in sum() makes a chain of 100,000 two-input + nodes
    n = 100_000
    values = [Value(0.5 * (i % 4)) for i in range(n)]
    out = sum(values)
    out.backward()
    assert out.data == sum(0.5 * (i % 4) for i in range(n))
    assert all(v.grad == 1.0 for v in values)


def test_a_zero_gradient_passes_nothing_on_even_through_an_infinite_slope():
    # n = b * inf has the local derivative inf toward b; n's gradient is 0 (the relu
    # after it is off), and 0 times any slope is 0: b.grad must be 0, not 0 * inf = NaN.
    b = Value(2.0)
    n = b * Value(float("inf"))
    loss = (n * -1.0).relu() + b
    loss.backward()
    assert n.grad == 0.0
    assert b.grad == 1.0  # from the `+ b` only


@pytest.mark.parametrize("depth", [10, 3 * sys.getrecursionlimit()], ids=["shallow", "deep"])
def test_backward_leaves_no_reference_cycle(depth):
    # Once dropped, a graph must be freed at once by reference counting: a cycle
    # (a nested function that calls itself, say) would keep it alive until the collector.
    gc.collect()
    gc.disable()
    try:
        x = Value(0.5)
        y = x
        for _ in range(depth):
            y = y * 1.0 + x
        y.backward()
        topological_order(y)
        del x, y
        assert gc.collect() == 0
    finally:
        gc.enable()
