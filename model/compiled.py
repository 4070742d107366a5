"""The compiled backend: autograd.jit records the mini-LLM once per window length, then replays.

The graph of one position depends on the window's length (how many letters the
attention looks at) but not on which letters they are, nor on the letter to
guess, if those come in as numbers: the rows of tok_emb the window uses, and the
target as a one-hot vector (1.0 for the letter to guess, 0.0 elsewhere), so that
-logit[target] is a dot product with it. Then one recording serves every window
of that length: 8 programs in all, each written and compiled once.

A grown model (model/config.py) records one program per window length for its
own shape. With dropout, the masks (model.dropout) are one more input, numbers
like the weights: the program holds no randomness, and dropout switched off is
the same program given masks of 1.0.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import add

from autograd import Value, dot, jit, scope
from autograd.compiler.program import Program
from model import autodiff
from model.dropout import dropout_masks
from model.params import Config, unflatten
from model.step_types import Step


def window_loss_function(config: Config = Config(), fused: bool = True) -> Callable[..., Value]:
    """The loss of one window as a function of numbers only: what autograd.jit records.

    With config.dropout > 0 it takes the window's dropout masks as a fourth input.
    """
    tok_emb_size = config.vocab_size * config.embed_dim

    def window_loss_with_masks(tok_rows: list, weights: list, target: list, masks: list) -> Value:
        """window_loss(), with the dropout masks (model.dropout) as one more input."""
        # unflatten() slices a flat list of all the weights: tok_emb's part is a stand-in.
        vparams = unflatten([None] * tok_emb_size + weights, config)
        vparams["tok_emb"] = tok_rows
        trace: dict = {}
        ids = list(range(len(tok_rows)))  # the window's rows are given in order
        autodiff.forward_logits(vparams, ids, fused, trace, config=config, masks=masks)
        for name, values in [*vparams.items(), *trace.items()]:
            if name != "tok_emb":  # its rows keep the names of the window's places, tok_rows[i]
                label(values, name)  # the generated code then says Wq_3_5 and x2_3, not v1234
        logits = trace["logits"]
        with scope("loss"):
            loss = autodiff.log_sum_exp(logits) - dot(target, logits)
        loss.label = "loss"
        return loss

    def window_loss(tok_rows: list, weights: list, target: list) -> Value:
        """tok_rows[i]: tok_emb's row for the i-th letter of the window; weights: the other
        weights, flat (model.params.flatten order, after tok_emb); target: one-hot."""
        return window_loss_with_masks(tok_rows, weights, target, None)  # type: ignore[arg-type]

    return window_loss_with_masks if config.dropout > 0 else window_loss


def label(values: list, name: str) -> None:
    """Label a vector (or a list of vectors) of Values name[i] (or name[i][j])."""
    for i, value in enumerate(values):
        if isinstance(value, list):
            label(value, f"{name}[{i}]")
        else:
            value.label = f"{name}[{i}]"


def windows_of_every_length(config: Config = Config()) -> list[tuple[list[int], int]]:
    """One window of each length, 1 to config.context: running a step on them records every
    program before a timing starts (the letters do not matter: the graph is the same)."""
    return [([0] * length, 0) for length in range(1, config.context + 1)]


def compiled_step(config: Config = Config(), fused: bool = True) -> Step:
    """A training step (weights, ids, target) -> (loss, grads) that replays compiled code."""
    jitted = jit(window_loss_function(config, fused))
    programs: dict[int, Program] = {}  # window length -> its program
    E, V = config.embed_dim, config.vocab_size

    def step(
        weights: list[float], ids: list[int], target: int, *, mask_seed: int | None = None
    ) -> tuple[float, list[float]]:
        if not 0 < len(ids) <= config.context:
            raise ValueError(f"a window has 1 to {config.context} ids, got {len(ids)}")
        one_hot = [0.0] * V
        one_hot[target] = 1.0
        inputs: tuple = ([weights[i * E : (i + 1) * E] for i in ids], weights[V * E :], one_hot)
        if config.dropout > 0:  # masks of 1.0 without a mask seed: dropout off
            inputs += (dropout_masks(config, len(ids), mask_seed),)
        program = programs.get(len(ids))
        if program is None:
            program = programs[len(ids)] = jitted.program_for(*inputs)
        loss, (tok_rows, rest, *_) = program(*inputs)
        grads = [0.0] * (V * E)  # tok_emb's gradient: only the window's letters have one
        for i, row in zip(ids, tok_rows):  # a letter used twice adds up, as in step 7
            grads[i * E : (i + 1) * E] = map(add, grads[i * E : (i + 1) * E], row)
        grads += rest
        return loss, grads

    step.jitted = jitted  # the recorded programs and their source, for lessons and benchmarks
    return step
