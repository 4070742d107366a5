"""no_grad() and scope(): the state every new Value reads, and its restoration."""

import math

import pytest

from autograd import Value, dot, is_grad_enabled, no_grad, scope


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
