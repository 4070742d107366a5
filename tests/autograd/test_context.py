"""no_grad() and scope(): the state every new Value reads, and its restoration."""

import math
import threading

import pytest

from autograd import Value, dot, is_grad_enabled, no_grad, scope, topological_order


class Boom(Exception):
    pass


# ---------------------------------------------------------------------- no_grad


def test_grad_is_enabled_by_default():
    assert is_grad_enabled() is True


def test_no_grad_results_have_no_history():
    a, b = Value(2.0), Value(-3.0)
    with no_grad():
        assert is_grad_enabled() is False
        results = {  # result: the number it must hold
            a + b: 2 - 3,
            a * b: 2 * -3,
            a.exp(): math.exp(2),
            a.log(): math.log(2),
            a.relu(): 2.0,
            a**2: 4.0,
            -a: -2.0,
            a - b: 5.0,
            a / b: 2 / -3,
            Value.sum([a, b, a]): 1.0,
            dot([a], [b]): -6.0,
            sum([a, b]): -1.0,
        }
    assert is_grad_enabled() is True
    for result, expected in results.items():
        assert result.children == ()
        assert result.local_grads == ()
        assert result.op == ""
        assert result.data == pytest.approx(expected, rel=1e-12)


def test_no_grad_result_backward_reaches_nothing():
    a = Value(2.0)
    with no_grad():
        y = a * a
    y.backward()
    assert y.grad == 1.0
    assert a.grad == 0.0


def test_graph_built_before_no_grad_still_works():
    a = Value(3.0)
    y = a * a
    with no_grad():
        y.backward()  # backward itself does not depend on recording
    assert a.grad == 6.0


def test_no_grad_is_restored_after_an_exception():
    with pytest.raises(Boom), no_grad():
        assert is_grad_enabled() is False
        raise Boom
    assert is_grad_enabled() is True
    a = Value(1.0)
    assert (a + a).children == (a, a)


def test_no_grad_is_restored_after_an_engine_error():
    with pytest.raises(ValueError), no_grad():
        Value(-1.0).log()
    assert is_grad_enabled() is True


def test_no_grad_nests():
    with no_grad():
        with no_grad():
            assert is_grad_enabled() is False
        assert is_grad_enabled() is False  # leaving the inner block keeps it off
        a = Value(1.0)
        assert (a * 2).children == ()
    assert is_grad_enabled() is True


def test_no_grad_nested_with_an_exception_inside():
    with no_grad():
        with pytest.raises(Boom), no_grad():
            raise Boom
        assert is_grad_enabled() is False
    assert is_grad_enabled() is True


# ---------------------------------------------------------------------- scope


def test_default_scope_is_empty():
    assert Value(1.0).scope == ""


def test_scope_tags_new_values():
    a = Value(1.0)  # created outside
    with scope("attention") as name:
        assert name == "attention"
        b = Value(2.0)
        c = a * b
    d = a + b
    assert a.scope == ""
    assert b.scope == "attention"
    assert c.scope == "attention"  # an operation's result belongs where it is computed
    assert d.scope == ""


def test_scopes_nest():
    with scope("attention") as outer:
        with scope("scores") as inner:
            assert inner == "attention/scores"
            s = Value(1.0) * 2
            with scope("softmax") as innermost:
                assert innermost == "attention/scores/softmax"
                t = s.exp()
        u = s + 1
    assert outer == "attention"
    assert s.scope == "attention/scores"
    assert t.scope == "attention/scores/softmax"
    assert u.scope == "attention"
    assert Value(0.0).scope == ""


def test_sibling_scopes():
    with scope("layer"):
        with scope("mlp"):
            a = Value(1.0)
        with scope("norm"):
            b = Value(1.0)
    assert (a.scope, b.scope) == ("layer/mlp", "layer/norm")


def test_scope_is_restored_after_an_exception():
    with scope("outer"):
        with pytest.raises(Boom), scope("inner"):
            assert Value(1.0).scope == "outer/inner"
            raise Boom
        assert Value(1.0).scope == "outer"
    assert Value(1.0).scope == ""


def test_scope_with_no_grad():
    a = Value(2.0)
    with scope("sample"), no_grad():
        y = a * 3
    assert y.scope == "sample"
    assert y.children == ()
    assert is_grad_enabled() is True
    assert Value(1.0).scope == ""


@pytest.mark.parametrize("name", ["", "/", "//"])
def test_empty_scope_name(name):
    with pytest.raises(ValueError), scope(name):
        pass
    assert Value(1.0).scope == ""


def test_empty_scope_name_inside_a_scope_keeps_the_outer_one():
    with scope("outer"):
        with pytest.raises(ValueError), scope(""):
            pass
        assert Value(1.0).scope == "outer"


# ---------------------------------------------------------------------- one state per thread


def in_thread(work):
    """Run work() in a new thread; return what it returned (or raise what it raised)."""
    box = {}

    def target():
        try:
            box["result"] = work()
        except BaseException as error:  # handed to the test's thread
            box["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "the thread did not finish"
    if "error" in box:
        raise box["error"]
    return box["result"]


def test_no_grad_in_one_thread_does_not_stop_recording_in_another():
    inside, done = threading.Event(), threading.Event()

    def sampler():
        with no_grad():
            inside.set()
            done.wait(timeout=10)
            return is_grad_enabled(), (Value(1.0) * 2).children

    thread_result = {}
    thread = threading.Thread(target=lambda: thread_result.update(r=sampler()))
    thread.start()
    assert inside.wait(timeout=10)
    a = Value(3.0)  # the other thread is inside no_grad() right now
    y = a * a
    assert is_grad_enabled() is True
    assert y.children == (a, a)
    done.set()
    thread.join(timeout=10)
    assert thread_result["r"] == (False, ())  # while the thread itself recorded nothing


def test_a_new_thread_starts_recording_outside_any_scope():
    with no_grad(), scope("main"):
        enabled, scope_name = in_thread(lambda: (is_grad_enabled(), Value(1.0).scope))
    assert (enabled, scope_name) == (True, "")


def test_two_threads_leaving_no_grad_in_overlapping_order_leave_recording_on():
    # Thread A enters, thread B enters, A leaves, B leaves: with one global flag,
    # B would restore A's "off" at the end and recording would stay off for good.
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def thread_a():
        with no_grad():
            a_in.set()
            b_in.wait(timeout=10)
        seen["a"] = is_grad_enabled()
        a_out.set()

    def thread_b():
        a_in.wait(timeout=10)
        with no_grad():
            b_in.set()
            a_out.wait(timeout=10)
        seen["b"] = is_grad_enabled()

    threads = [threading.Thread(target=thread_a), threading.Thread(target=thread_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert seen == {"a": True, "b": True}
    assert is_grad_enabled() is True
    a = Value(2.0)
    assert (a + a).children == (a, a)


def test_no_grad_blocks_left_in_overlapping_order_in_one_thread_leave_recording_on():
    first, second = no_grad(), no_grad()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # left before the block entered after it
    assert is_grad_enabled() is False  # the second block is still open
    second.__exit__(None, None, None)
    assert is_grad_enabled() is True


def test_scopes_are_per_thread():
    entered, checked = threading.Event(), threading.Event()

    def worker():
        with scope("worker"):
            entered.set()
            checked.wait(timeout=10)
            return Value(1.0).scope

    result = {}
    thread = threading.Thread(target=lambda: result.update(scope=worker()))
    thread.start()
    assert entered.wait(timeout=10)
    with scope("main"):
        here = Value(1.0).scope  # the worker is inside its own scope right now
    assert Value(1.0).scope == ""
    checked.set()
    thread.join(timeout=10)
    assert (here, result["scope"]) == ("main", "worker")


def test_many_threads_building_graphs_at_once_keep_their_own_scopes():
    start = threading.Barrier(4)

    def build(name):
        start.wait(timeout=10)
        with scope(name):
            v = Value(1.0)
            for _ in range(2000):
                v = v * 1.0 + 0.0
        return {node.scope for node in topological_order(v)}

    results = {}
    threads = [
        threading.Thread(target=lambda n=n: results.update({n: build(n)}))
        for n in ("t0", "t1", "t2", "t3")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert results == {n: {n} for n in ("t0", "t1", "t2", "t3")}
