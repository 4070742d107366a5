"""PyTorch builds any shape from the same flat weights: the same loss and gradients as
autograd to 1e-12, on one window, on a padded batch, and with the same dropout masks."""

from __future__ import annotations

import pytest

torch = pytest.importorskip(
    "torch", reason="PyTorch is an optional extra: pip install '.[torch]' (torch==2.13.0)"
)

from model.backends import make_batch_step, make_step  # noqa: E402
from model.config import Config  # noqa: E402
from model.dropout import window_mask_seed  # noqa: E402
from model.params import flatten  # noqa: E402
from model.torch_backend import mean_loss  # noqa: E402
from tests.model.grown import (  # noqa: E402
    SHAPES,
    largest_difference,
    random_params,
    shape_id,
    windows,
)


@pytest.mark.parametrize("config", SHAPES, ids=shape_id)
def test_torch_agrees_with_autograd_to_1e_12(config):
    weights = flatten(random_params(config))
    autograd_step, torch_step = make_step("autograd", config), make_step("torch", config)
    for ids, target in windows(config):
        loss_a, grads_a = autograd_step(weights, ids, target)
        loss_t, grads_t = torch_step(weights, ids, target)
        assert abs(loss_a - loss_t) <= 1e-12
        assert largest_difference(grads_a, grads_t) <= 1e-12


@pytest.mark.parametrize("config", SHAPES[1:3], ids=shape_id)
def test_a_padded_batch_is_its_windows_one_by_one(config):
    """Windows of every length in one tensor: padding changes no loss and no gradient,
    in the layers that run at every position too."""
    weights = flatten(random_params(config))
    batch = windows(config, seed=4)
    losses_t, grads_t = make_batch_step("torch", config)(weights, batch)
    losses_a, grads_a = make_batch_step("autograd", config)(weights, batch)
    assert largest_difference(losses_a, losses_t) <= 1e-12
    assert largest_difference(grads_a, grads_t) <= 1e-12
    params = random_params(config)
    assert abs(mean_loss(params, batch, config) - sum(losses_a) / len(batch)) <= 1e-12


@pytest.mark.parametrize("config", SHAPES[:2], ids=shape_id)
def test_every_backend_applies_the_same_dropout_masks(config):
    config = Config(**{**vars(config), "dropout": 0.4})
    weights = flatten(random_params(config))
    batch = windows(config, seed=6)
    seeds = [window_mask_seed(1, 0, position) for position in range(len(batch))]
    results = {
        backend: make_batch_step(backend, config)(weights, batch, mask_seeds=seeds)
        for backend in ("autograd", "compiled", "torch")
    }
    losses_a, grads_a = results["autograd"]
    off = make_batch_step("autograd", config)(weights, batch)
    assert largest_difference(losses_a, off[0]) > 1e-3  # the masks were applied
    for losses, grads in results.values():
        assert largest_difference(losses_a, losses) <= 1e-12
        assert largest_difference(grads_a, grads) <= 1e-12
