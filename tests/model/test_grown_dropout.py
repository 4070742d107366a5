"""Dropout: masks drawn in Python from the run's seed and the position, the same for a fixed
seed (a resume included), and off when sampling and when no mask seed is given."""

from __future__ import annotations

import pytest

from model import generate, train
from model.backends import make_step
from model.config import Config
from model.dropout import dropout_masks, window_mask_seed
from model.params import flatten
from model.sample import next_char_probs
from tests.model.grown import random_params, windows

CONFIG = Config(heads=2, layers=2, norm="rms", dropout=0.25, embed_dim=4, hidden_dim=6, context=4)
NO_DROPOUT = Config(**{**vars(CONFIG), "dropout": 0.0})


def test_masks_zero_about_p_of_the_outputs_and_scale_the_rest():
    masks = dropout_masks(Config(dropout=0.25, layers=2), 8, mask_seed=3)
    assert [len(attn) for attn, _ in masks] == [8, 1]  # every position, then the last only
    numbers = [x for attn, mlp in masks for row in attn + mlp for x in row]
    assert set(numbers) == {0.0, 1.0 / 0.75}
    assert 0.18 < numbers.count(0.0) / len(numbers) < 0.32  # 288 draws at p = 0.25
    assert dropout_masks(Config(dropout=0.25, layers=2), 8, mask_seed=3) == masks
    assert dropout_masks(Config(dropout=0.25, layers=2), 8, mask_seed=4) != masks
    off = dropout_masks(Config(dropout=0.25), 5, mask_seed=None)
    assert {x for attn, mlp in off for row in attn + mlp for x in row} == {1.0}


def test_mask_seeds_depend_on_run_seed_epoch_and_position_only():
    seeds = {window_mask_seed(s, e, p) for s in (1, 2) for e in (0, 1) for p in (0, 1, 2)}
    assert len(seeds) == 12
    assert window_mask_seed(7, 1, 30) == window_mask_seed(7, 1, 30)


@pytest.mark.parametrize("backend", ["autograd", "compiled"])
def test_a_step_is_reproducible_and_off_without_a_mask_seed(backend):
    weights = flatten(random_params(CONFIG))
    step = make_step(backend, CONFIG)
    ids, target = windows(CONFIG, seed=2)[-1]
    first = step(weights, ids, target, mask_seed=11)
    assert step(weights, ids, target, mask_seed=11) == first
    assert step(weights, ids, target, mask_seed=12)[0] != first[0]
    assert step(weights, ids, target) == make_step(backend, NO_DROPOUT)(weights, ids, target)


def test_dropout_zero_ignores_a_mask_seed():
    weights = flatten(random_params(NO_DROPOUT))
    step = make_step("autograd", NO_DROPOUT)
    assert step([*weights], [0, 3], 4, mask_seed=5) == step([*weights], [0, 3], 4)


def _train(names, epochs, **options):
    defaults = {
        "config": CONFIG,
        "seed": 3,
        "lr_schedule": "constant",
        "progress": False,
        "log": None,
    }
    return train(names, epochs=epochs, **(defaults | options))


def test_training_with_dropout_is_reproducible_and_resumes_exactly(names, tmp_path):
    """Two runs with one seed are the same; a resumed run draws the same masks again."""
    few = names[:5]
    straight = _train(few, 2)
    assert _train(few, 2).params == straight.params
    assert _train(few, 2, seed=4).params != straight.params
    assert _train(few, 2, config=NO_DROPOUT).history != straight.history
    checkpoint = tmp_path / "dropout.ckpt.json"
    _train(few, 1, checkpoint=checkpoint)
    resumed = _train(few, 2, checkpoint=checkpoint, resume=True, config=None, seed=None,
                     lr_schedule=None)  # fmt: skip
    assert resumed.params == straight.params and resumed.history == straight.history


def test_sampling_has_no_dropout():
    params = random_params(CONFIG)
    assert next_char_probs(params, [0, 5], 1.0, CONFIG) == next_char_probs(
        params, [0, 5], 1.0, NO_DROPOUT
    )
    names = [generate(params, seed=i, config=CONFIG) for i in range(5)]
    assert names == [generate(params, seed=i, config=NO_DROPOUT) for i in range(5)]
    assert len(set(names)) > 1
