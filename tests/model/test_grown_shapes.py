"""A grown model (heads, layers, a norm): autograd, pure and compiled agree, gradcheck agrees,
lesson 6's shape is untouched, and the handwritten backward refuses, in one sentence."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from autograd import Value, gradcheck
from model import autodiff
from model.backends import make_step
from model.compare import compare_backends, compare_steps
from model.config import Config
from model.manual import manual_loss_and_grads
from model.params import WEIGHTS, count_params, flatten, init_params, shapes, unflatten
from tests.model.grown import SHAPES, largest_difference, random_params, shape_id, windows


@pytest.mark.parametrize("config", SHAPES, ids=shape_id)
def test_autograd_pure_and_compiled_agree_to_1e_12(config):
    """One forward, three ways to differentiate it: the same loss and gradients."""
    weights = flatten(random_params(config))
    steps = {
        "fused": make_step("autograd", config),
        "pure": make_step("autograd", config, fused=False),
        "compiled": make_step("compiled", config),
    }
    for ids, target in windows(config):
        (loss, grads), *others = [step(weights, ids, target) for step in steps.values()]
        assert 1.0 < loss < 20.0  # a real cross-entropy, not a zero from a broken graph
        assert max(abs(g) for g in grads) > 1e-3
        for other_loss, other_grads in others:
            assert abs(loss - other_loss) <= 1e-12
            assert largest_difference(grads, other_grads) <= 1e-12


@pytest.mark.parametrize("config", SHAPES[:3], ids=shape_id)
def test_gradcheck_agrees_on_a_sample_of_weights(config):
    """Finite differences of the loss, for 12 weights drawn from every part of the model."""
    params = random_params(config, seed=3)
    ids, target = windows(config, seed=3)[-1]
    weights = flatten(params)
    picked = random.Random(5).sample(range(len(weights)), 12)
    sizes = [math.prod(shape) for shape in shapes(config).values()]
    starts = dict(zip(shapes(config), itertools.accumulate([0, *sizes[:-1]])))
    picked += [starts[name] for name in starts if "norm" in name][-2:]  # out_norm's first entries

    def loss_of(*sampled: Value) -> Value:
        values = [Value(w) for w in weights]
        for index, v in zip(picked, sampled):
            values[index] = v
        return autodiff.forward(unflatten(values, config), ids, target, config=config)

    report = gradcheck(loss_of, [weights[i] for i in picked], atol=1e-7, rtol=1e-5)
    assert report.ok and report.checked == len(picked)


def test_lesson6_shape_draws_lesson6_numbers_first():
    """Layer 1 keeps lesson 6's names and numbers; norms and later layers come after W_out."""
    lesson6 = init_params(Config(), seed=42)
    grown = init_params(Config(heads=4, layers=3, norm="layer"), seed=42)
    assert list(grown)[:10] == list(WEIGHTS) == list(lesson6)
    assert all(grown[name] == lesson6[name] for name in WEIGHTS)
    assert "L2.Wq" in grown and "L3.b2" in grown and "out_norm.bias" in grown
    assert grown["attn_norm.gain"] == [1.0] * 16 and grown["mlp_norm.bias"] == [0.0] * 16
    assert count_params(Config()) == 2832
    # 2 more layers of 7 weights (3 x 256 + 512 + 32 + 512 + 16 = 1,840), 7 norms of 16 + 16
    assert count_params(Config(layers=3, norm="layer")) == 2832 + 2 * 1840 + 7 * 32


def test_one_head_is_lesson6_attention_exactly():
    """Config(heads=1) is lesson 6's model: the same loss as the handwritten one, to 1e-15."""
    params = init_params(seed=42)
    for ids, target in windows(Config(), seed=9):
        hand = manual_loss_and_grads(params, ids, target)
        auto = autodiff.autograd_loss_and_grads(params, ids, target, config=Config(heads=1))
        assert abs(hand[0] - auto[0]) <= 1e-15


def test_heads_change_the_model():
    """Two heads on the same weights give another loss: the split is really made."""
    params = init_params(seed=42)
    ids, target = [0, 5, 9, 1], 3
    one = autodiff.autograd_loss_and_grads(params, ids, target)[0]
    two = autodiff.autograd_loss_and_grads(params, ids, target, config=Config(heads=2))[0]
    assert abs(one - two) > 1e-3


@pytest.mark.parametrize("config", [SHAPES[1], Config(dropout=0.1)], ids=["grown", "dropout"])
def test_the_handwritten_backward_refuses_in_one_sentence(config):
    with pytest.raises(ValueError) as refused:
        make_step("manual", config)
    message = str(refused.value)
    assert message.startswith("the handwritten backward is written for lesson 6's shape only")
    assert config.describe_shape() in message and "autograd, compiled or torch" in message
    assert message.count(". ") == 0  # one sentence
    params = random_params(config)
    with pytest.raises(ValueError, match="lesson 6's shape only"):
        compare_backends(params, 3, config=config)
    with pytest.raises(ValueError, match="lesson 6's shape only"):
        compare_steps(params, [0, 1], 2, config=config)
    with pytest.raises(ValueError, match="lesson 6's shape only"):
        manual_loss_and_grads(params, [0, 1], 2, config=config)


def test_grown_weights_without_their_config_say_to_pass_it():
    params = random_params(SHAPES[1])
    with pytest.raises(ValueError, match=r"pass the model's config="):
        autodiff.autograd_loss_and_grads(params, [0, 1], 2)


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"heads": 3}, "Config.heads 3 does not divide Config.embed_dim 16"),
        ({"heads": 0}, "Config.heads must be a whole number >= 1"),
        ({"layers": 0}, "Config.layers must be a whole number >= 1"),
        ({"norm": "batch"}, "Config.norm must be one of ['none', 'layer', 'rms']"),
        ({"dropout": 1.0}, "Config.dropout must be a probability from 0 up to, not including, 1"),
        ({"dropout": -0.1}, "Config.dropout must be a probability"),
        ({"dropout": math.nan}, "Config.dropout must be a probability"),
        ({"dropout": True}, "Config.dropout must be a probability"),
        ({"layers": 1.5}, "Config.layers must be a whole number"),
    ],
)
def test_each_config_field_is_checked_with_a_sentence(fields, words):
    with pytest.raises(ValueError) as refused:
        Config(**fields)
    assert words in str(refused.value)
