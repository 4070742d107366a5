"""The 7 handwritten steps found again in autograd, intermediate by intermediate."""

from __future__ import annotations

import random

import pytest

from model import manual
from model.cli import main
from model.compare import STEP_SCOPES, compare_steps
from model.params import config_of, flatten, init_params, unflatten
from tests.model.helpers import positions_by_length

STEP_NAMES = ["output", "W_out", "residual 2", "MLP", "residual 1", "attention", "embeddings"]


def scaled_params(scale: float, seed: int) -> dict:
    """Random weights drawn uniformly in [-scale, scale]: far from the initial ones."""
    rng = random.Random(seed)
    config = config_of(init_params())
    return unflatten([rng.uniform(-scale, scale) for _ in flatten(init_params())], config)


WEIGHTS = {
    "initial": lambda: init_params(seed=42),
    "random x0.1": lambda: scaled_params(0.1, 1),
    "random x0.5": lambda: scaled_params(0.5, 2),
    # Weights up to 1 already give logits in the hundreds; beyond that, rounding in the
    # two orders of summation grows with the numbers (1e-11 at 2.0) while staying relative.
    "random x1": lambda: scaled_params(1.0, 3),
}


@pytest.mark.parametrize("fused", [True, False], ids=["fused", "pure"])
@pytest.mark.parametrize("weights", list(WEIGHTS))
def test_every_intermediate_of_every_step_is_autograds_grad(names, weights, fused):
    params = WEIGHTS[weights]()
    for length in range(1, 9):  # windows of 1 to 8 letters
        for ids, target in positions_by_length(names, length, count=2, seed=length):
            steps = compare_steps(params, ids, target, fused=fused)
            assert [(s.number, s.name) for s in steps] == list(enumerate(STEP_NAMES, 1))
            for step in steps:
                for quantity in step.quantities:
                    assert quantity.largest_difference <= 1e-12, (
                        f"window {length}, step {step.number}, {quantity.name}: "
                        f"{quantity.largest_difference:.3g}"
                    )


def test_each_step_names_its_intermediates_and_weights(names):
    ids, target = positions_by_length(names, 5, count=1)[0]
    steps = compare_steps(init_params(), ids, target)
    got = {s.number: [q.name for q in s.quantities] for s in steps}
    assert got == {
        1: ["d_logits"],
        2: ["d_x2", "W_out"],
        3: ["d_mlp_out"],
        4: ["d_h", "d_h_pre", "d_x1", "W2", "b2", "W1", "b1"],
        5: ["d_attn_out"],
        6: ["d_attn", "d_values", "d_scores", "d_q", "d_keys", "Wq", "Wk", "Wv"],
        7: ["d_hidden", "tok_emb", "pos_emb"],
    }
    shapes = {q.name: q.shape for s in steps for q in s.quantities}
    assert shapes["d_logits"] == (27,) and shapes["d_h_pre"] == (32,)
    assert shapes["d_keys"] == (5, 16) and shapes["tok_emb"] == (27, 16)
    # Every weight is filled by exactly one step.
    weights = [n for s in manual.backward_steps(init_params(), manual.forward(init_params(), ids),
                                                 target) for n in s.weight_grads]  # fmt: skip
    assert sorted(weights) == sorted(init_params())


def test_the_folded_scale_of_the_scores_is_said_and_compared_like_with_like(names):
    ids, target = positions_by_length(names, 4, count=1)[0]
    step6 = compare_steps(init_params(), ids, target)[5]
    d_scores = next(q for q in step6.quantities if q.name == "d_scores")
    assert "1/sqrt(E)" in d_scores.note
    assert d_scores.largest_difference <= 1e-12


def test_the_steps_are_the_scopes_of_autograds_graph_in_backward_order():
    from model.cli.graph_cmd import SCOPES

    in_backward_order = [scope for number in range(1, 8) for scope in STEP_SCOPES[number]]
    assert in_backward_order == list(reversed(SCOPES))


def test_backward_is_the_sum_of_its_steps(names):
    params = scaled_params(1.0, 5)
    ids, target = positions_by_length(names, 6, count=1)[0]
    cache = manual.forward(params, ids)
    merged = {}
    for step in manual.backward_steps(params, cache, target):
        merged.update(step.weight_grads)
    grads = manual.backward(params, cache, target)
    assert list(grads) == list(params)
    assert flatten(grads) == flatten({name: merged[name] for name in params})


def test_a_wrong_handwritten_intermediate_is_caught(names, monkeypatch):
    """The comparison can fail: spoil one number of step 4 and it shows, in step 4 only."""
    real = manual.backward_steps

    def spoiled(params, cache, target):
        steps = real(params, cache, target)
        steps[3].intermediates["d_h_pre"][0] += 1e-6
        return steps

    monkeypatch.setattr(manual, "backward_steps", spoiled)
    ids, target = positions_by_length(names, 3, count=1)[0]
    steps = compare_steps(init_params(), ids, target)
    worst = {s.number: s.largest_difference for s in steps}
    assert worst[4] == pytest.approx(1e-6, rel=1e-3)
    assert all(worst[n] < 1e-12 for n in worst if n != 4)


def test_minillm_compare_steps_prints_the_table(capsys):
    assert main(["compare", "--steps", "--word", "eevee", "--position", "2"]) == 0
    out = capsys.readouterr().out
    assert "window '.ee' -> 'v'" in out
    lines = {line.split()[2]: line for line in out.splitlines() if line.startswith(("1 ", "6 "))}
    assert lines["d_logits"].split()[3] == "27"
    assert lines["d_attn"].split()[3] == "3"
    assert "attention/output" in lines["d_attn"]
    assert out.strip().splitlines()[-1].startswith("OK: largest difference")
    assert "note: d_scores" in out


def test_minillm_compare_steps_fails_on_a_bad_word(capsys):
    assert main(["compare", "--steps", "--word", "pika2"]) != 0
    assert "not a letter" in capsys.readouterr().err
