"""The optimizers' update rules, against their formulas."""

from __future__ import annotations

import math

import pytest

from model import load_checkpoint, train
from model.optim import Adam, make_optimizer
from model.params import flatten


def test_sgd_steps_against_the_gradient():
    opt = make_optimizer("sgd", 3, lr=0.1)
    weights = [1.0, -2.0, 0.5]
    opt.step(weights, [0.5, -1.0, 0.0])
    assert weights == pytest.approx([0.95, -1.9, 0.5], abs=1e-15)


def test_adam_first_step_moves_each_weight_by_about_lr():
    # After one step, m = (1-b1) g and v = (1-b2) g^2; the bias corrections cancel
    # those factors, so the step is lr * g / (|g| + eps): lr times the sign of g.
    opt = make_optimizer("adam", 2, lr=0.01)
    weights = [0.0, 0.0]
    opt.step(weights, [3.0, -1e-3])
    assert weights[0] == pytest.approx(-0.01, rel=1e-6)
    assert weights[1] == pytest.approx(0.01, rel=1e-3)  # eps matters a little for tiny g


def test_adam_matches_its_formula_over_several_steps():
    opt = make_optimizer("adam", 1, lr=0.05)
    w, m, v = [1.0], 0.0, 0.0
    expected = 1.0
    for t, g in enumerate([0.3, -0.1, 0.7, 0.2], start=1):
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        m_hat, v_hat = m / (1 - 0.9**t), v / (1 - 0.999**t)
        # Kingma & Ba's efficient form puts eps on sqrt(v), i.e. eps / sqrt(1 - b2^t) here.
        expected -= 0.05 * m_hat / (math.sqrt(v_hat) + 1e-8 / math.sqrt(1 - 0.999**t))
        opt.step(w, [g])
    assert w[0] == pytest.approx(expected, rel=1e-12)


def test_linear_schedule_falls_to_zero_and_stays_there():
    opt = make_optimizer("sgd", 1, lr=0.2, decay_steps=4)
    seen = []
    for _ in range(6):
        seen.append(opt.current_lr())
        opt.step([0.0], [1.0])
    assert seen == pytest.approx([0.2, 0.15, 0.1, 0.05, 0.0, 0.0])


def test_state_round_trip_and_mismatch():
    opt = make_optimizer("adam", 3, lr=0.01, decay_steps=10)
    opt.step([0.0, 0.0, 0.0], [1.0, 2.0, 3.0])
    again = make_optimizer("adam", 3)
    again.load_state_dict(opt.state_dict())
    assert (again.m, again.v, again.t, again.lr, again.decay_steps) == (
        opt.m, opt.v, 1, 0.01, 10,
    )  # fmt: skip
    with pytest.raises(ValueError, match="not for 4 weights"):
        Adam(4, 0.01).load_state_dict(opt.state_dict())
    with pytest.raises(ValueError, match="'adam', not 'sgd'"):
        make_optimizer("sgd", 3).load_state_dict(opt.state_dict())


def test_training_with_the_linear_schedule_ends_with_a_tiny_step(names):
    subset = names[:10]
    positions = sum(len(n) + 1 for n in subset)
    result = train(
        subset, backend="manual", optimizer="adam", lr_schedule="linear", epochs=2,
        checkpoint=None, progress=False, log=None,
    )  # fmt: skip
    assert result.positions == 2 * positions
    with pytest.raises(ValueError, match="lr_schedule"):
        train(subset, lr_schedule="cosine", progress=False, log=None)


def test_linear_schedule_is_saved_and_resumed_exactly(tmp_path, names):
    subset = names[:15]
    kwargs = {"backend": "manual", "optimizer": "adam", "lr_schedule": "linear"}
    straight = train(subset, epochs=2, progress=False, log=None, **kwargs)
    path = tmp_path / "ckpt.json"
    train(subset, epochs=2, progress=False, log=None, checkpoint=path, **kwargs)
    state = load_checkpoint(path).optimizer
    assert state["decay_steps"] == state["t"] == 2 * sum(len(n) + 1 for n in subset)
    assert straight.params == load_checkpoint(path).params


def test_resuming_for_more_epochs_stretches_the_linear_schedule(tmp_path, names):
    subset = names[:15]
    kwargs = {"backend": "manual", "optimizer": "adam", "lr_schedule": "linear"}
    path = tmp_path / "ckpt.json"
    first = train(subset, epochs=1, progress=False, log=None, checkpoint=path, **kwargs)
    more = train(subset, epochs=3, progress=False, log=None, checkpoint=path, resume=True)
    positions = sum(len(n) + 1 for n in subset)
    state = load_checkpoint(path).optimizer
    assert state["decay_steps"] == 3 * positions and state["t"] == 3 * positions
    moved = max(abs(a - b) for a, b in zip(flatten(first.params), flatten(more.params)))
    assert moved > 1e-4  # the extra epochs did learn (at lr 0 nothing would move)
