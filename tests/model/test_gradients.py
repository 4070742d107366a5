"""The heart of the project: autograd finds the handwritten 7-step backward's gradients,
entry by entry, and both agree with the definition of the derivative."""

from __future__ import annotations

import copy
import random

import pytest

from model import autograd_loss_and_grads, manual_loss_and_grads
from model.manual import cross_entropy, forward, softmax
from model.params import shapes
from tests.model.helpers import (
    BAD_WINDOWS,
    assert_close,
    entries,
    positions_by_length,
    shape_of,
)

PATHS = {"fused": True, "pure": False}


def assert_same_gradients(expected, got, loss_expected, loss_got):
    assert abs(loss_expected - loss_got) <= 1e-12
    assert_close(expected, got, 1e-9)  # "within 1e-9 of the largest entry"


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("length", range(1, 9))
@pytest.mark.parametrize("weights", ["initial", "trained"])
def test_autograd_equals_handwritten_backward(
    names, initial_params, trained_params, weights, length, path
):
    params = initial_params if weights == "initial" else trained_params
    batch = positions_by_length(names, length, 200, seed=length)
    assert len(batch) == 200
    for ids, target in batch:
        loss_m, grads_m = manual_loss_and_grads(params, ids, target)
        loss_a, grads_a = autograd_loss_and_grads(params, ids, target, fused=PATHS[path])
        assert_same_gradients(grads_m, grads_a, loss_m, loss_a)


def test_trained_weights_exercise_relu_and_peaked_attention(names, trained_params):
    """The 'trained' case above is only worth it if ReLUs are off and attention is sharp."""
    off, peaked = 0, 0
    for ids, _ in positions_by_length(names, 8, 50):
        cache = forward(trained_params, ids)
        off += sum(1 for s in cache["h_pre"] if s <= 0)
        peaked += max(cache["attn"]) > 2.5 / len(ids)  # 2.5x an even share of attention
    assert off > 0 and peaked > 0


def test_grads_have_the_shapes_of_params_and_zero_unused_rows(initial_params):
    ids, target = [0, 16, 9], 11  # ".pi" -> "k"
    for fn in (manual_loss_and_grads, autograd_loss_and_grads):
        _, grads = fn(initial_params, ids, target)
        assert {k: shape_of(v) for k, v in grads.items()} == shapes()
        assert all(x == 0.0 for row in grads["pos_emb"][3:] for x in row)
        used = set(ids)
        assert all(x == 0.0 for i, row in enumerate(grads["tok_emb"]) if i not in used for x in row)


def test_neither_backend_mutates_params(initial_params):
    before = copy.deepcopy(initial_params)
    manual_loss_and_grads(initial_params, [0, 1, 2], 3)
    autograd_loss_and_grads(initial_params, [0, 1, 2], 3)
    autograd_loss_and_grads(initial_params, [0, 1, 2], 3, fused=False)
    assert initial_params == before


def loss_at(params, ids, target):
    return cross_entropy(forward(params, ids)["logits"], target)


@pytest.mark.parametrize("weights", ["initial", "trained"])
def test_both_backends_match_finite_differences(names, initial_params, trained_params, weights):
    params = initial_params if weights == "initial" else trained_params
    rng = random.Random(3)
    eps = 1e-6
    for ids, target in [positions_by_length(names, n, 1, seed=n)[0] for n in (1, 4, 8)]:
        _, by_hand = manual_loss_and_grads(params, ids, target)
        _, by_autograd = autograd_loss_and_grads(params, ids, target)
        _, by_pure = autograd_loss_and_grads(params, ids, target, fused=False)
        for name, shape in shapes().items():
            rows = list(set(ids)) if name == "tok_emb" else range(shape[0])
            if name == "pos_emb":
                rows = range(len(ids))
            for _ in range(3):
                r = rng.choice(list(rows))
                index = (r, rng.randrange(shape[1])) if len(shape) == 2 else (r,)
                numeric = _central_difference(params, ids, target, name, index, eps)
                for grads in (by_hand, by_autograd, by_pure):
                    analytic = _get(grads[name], index)
                    assert abs(analytic - numeric) <= 1e-6 + 1e-5 * abs(numeric), (name, index)


def _get(w, index):
    return w[index[0]][index[1]] if len(index) == 2 else w[index[0]]


def _central_difference(params, ids, target, name, index, eps):
    moved = copy.deepcopy(params)

    def set_to(x):
        if len(index) == 2:
            moved[name][index[0]][index[1]] = x
        else:
            moved[name][index[0]] = x

    x0 = _get(params[name], index)
    set_to(x0 + eps)
    up = loss_at(moved, ids, target)
    set_to(x0 - eps)
    down = loss_at(moved, ids, target)
    return (up - down) / (2 * eps)


def test_loss_is_stable_where_a_probability_underflows(initial_params):
    """log-sum-exp keeps the loss finite even when p[target] rounds to 0 in float64."""
    params = copy.deepcopy(initial_params)
    ids, target = [0], 5
    x2 = forward(params, ids)["x2"]
    c = 400.0 / sum(x * x for x in x2)
    params["W_out"][target] = [-c * x for x in x2]  # logit of the target: -400
    params["W_out"][0] = [c * x for x in x2]  # logit of ".": +400, so p[target] ~ e^-800 = 0.0
    probability = softmax(forward(params, ids)["logits"])[target]
    assert probability == 0.0  # the naive -log(p) would be infinite
    for fn in (manual_loss_and_grads, autograd_loss_and_grads):
        loss, grads = fn(params, ids, target)
        assert 799.0 < loss < 801.0
        assert all(x == x for x in entries(grads["W_out"]))


@pytest.mark.parametrize(("ids", "target", "message"), BAD_WINDOWS)
@pytest.mark.parametrize("fn", [manual_loss_and_grads, autograd_loss_and_grads])
def test_malformed_input_is_a_clear_error(initial_params, fn, ids, target, message):
    with pytest.raises(ValueError, match=message):
        fn(initial_params, ids, target)


@pytest.mark.parametrize("fn", [manual_loss_and_grads, autograd_loss_and_grads])
def test_malformed_params_are_a_clear_error(initial_params, fn):
    broken = copy.deepcopy(initial_params)
    del broken["b2"]
    with pytest.raises(ValueError, match="b2"):
        fn(broken, [0], 1)
    broken = copy.deepcopy(initial_params)
    broken["Wv"] = broken["Wv"][:-1]
    with pytest.raises(ValueError, match="Wv"):
        fn(broken, [0], 1)
    with pytest.raises(ValueError, match="dict"):
        fn([1, 2, 3], [0], 1)
