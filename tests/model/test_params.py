"""init_params must give the lesson's starting weights, drawn the lesson's way."""

from __future__ import annotations

import random

import pytest

from model import Config, count_params, init_params
from model.params import check_params, flatten, unflatten


def lesson_weights() -> dict:
    """The lesson's procedure, step by step: the global generator seeded with 42,
    then rand_matrix / rand_vector in the lesson's order and with its scales."""
    random.seed(42)

    def matrix(rows, cols, scale):
        return [[random.gauss(0, scale) for _ in range(cols)] for _ in range(rows)]

    def vector(size, scale):
        return [random.gauss(0, scale) for _ in range(size)]

    return {
        "tok_emb": matrix(27, 16, 0.5),
        "pos_emb": matrix(8, 16, 0.5),
        "Wq": matrix(16, 16, 0.2),
        "Wk": matrix(16, 16, 0.2),
        "Wv": matrix(16, 16, 0.2),
        "W1": matrix(32, 16, 0.2),
        "b1": vector(32, 0.1),
        "W2": matrix(16, 32, 0.2),
        "b2": vector(16, 0.1),
        "W_out": matrix(27, 16, 0.2),
    }


def test_seed_42_gives_the_lessons_weights_bit_for_bit():
    ours, theirs = init_params(seed=42), lesson_weights()
    assert list(ours) == list(theirs)
    for name in theirs:
        assert ours[name] == theirs[name], name


def test_a_few_first_weights_are_as_the_lesson_prints_them():
    params = init_params(seed=42)
    random.seed(42)
    first = random.gauss(0, 0.5)
    assert params["tok_emb"][0][0] == first
    assert params["tok_emb"][0][0] != init_params(seed=43)["tok_emb"][0][0]


def test_shapes_and_count():
    params = init_params()
    assert len(params["tok_emb"]) == 27 and len(params["tok_emb"][0]) == 16
    assert len(params["pos_emb"]) == 8
    assert len(params["W1"]) == 32 and len(params["W1"][0]) == 16
    assert len(params["W2"]) == 16 and len(params["W2"][0]) == 32
    assert len(params["b1"]) == 32 and len(params["b2"]) == 16
    lesson_formula = 27 * 16 + 8 * 16 + 3 * 16 * 16 + 32 * 16 + 32 + 16 * 32 + 16 + 27 * 16
    assert count_params() == lesson_formula == len(flatten(params))


def test_flatten_unflatten_round_trip():
    params = init_params(Config(embed_dim=4, hidden_dim=5, context=3), seed=1)
    assert unflatten(flatten(params), Config(embed_dim=4, hidden_dim=5, context=3)) == params


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_config_rejects_bad_sizes(bad):
    with pytest.raises(ValueError, match="embed_dim"):
        Config(embed_dim=bad)


def test_check_params_names_the_problem():
    params = init_params()
    del params["Wq"]
    with pytest.raises(ValueError, match="missing \\['Wq'\\]"):
        check_params(params)
    params = init_params()
    params["W1"][3] = params["W1"][3][:-1]
    with pytest.raises(ValueError, match=r"params\['W1'\]\[3\] should have 16 entries, got 15"):
        check_params(params)
