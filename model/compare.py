"""Compare the handwritten backward with autograd: weight by weight and step by step.

compare_backends() sets backends side by side on whole training positions (same
gradients? how fast?); compare_steps() finds each of the handwritten backward's
7 steps again inside autograd's graph, intermediate by intermediate.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from model import autodiff, manual
from model.backends import make_step
from model.config import Config
from model.data import examples, load_names
from model.params import Params, check_example, config_of, flatten, unflatten


def largest_difference(a: list, b: list) -> float:
    """The largest |a - b| over every entry of two weights (vectors or matrices)."""
    return max(abs(x - y) for x, y in zip(flatten({"w": a}), flatten({"w": b})))


def compare_backends(
    params: Params,
    positions: int,
    fused: bool = True,
    backends: Sequence[str] = ("manual", "autograd"),
    config: Config | None = None,
) -> dict:
    """The backends' gradients on the first `positions` training positions, side by side.

    The first backend is the reference (the handwritten backward by default); each
    other one is compared with it, weight by weight. Each is timed on the step
    that training runs (model.backends.make_step), with dropout off. config: the
    model's shape (None: lesson 6's); the handwritten backward refuses any other.

    Returns {"largest_difference": {weight: float}, the worst over all backends,
    "by_backend": {backend: {weight: float}}, "ms_per_position": {backend: float},
    "positions": int}.
    """
    if positions < 1:
        raise ValueError(f"compare at least 1 position, not {positions}")
    config = config_of(params, config)
    weights = flatten(params)
    todo = [ex for name in load_names() for ex in examples(name, config.context)][:positions]
    steps = {backend: make_step(backend, config, fused) for backend in backends}
    # A first call may be slow (PyTorch sets itself up, the compiled backend records each
    # window length): one window of each length, untimed.
    first_of_each_length = {len(ids): (ids, target) for ids, target in reversed(todo)}
    for step in steps.values():
        for ids, target in first_of_each_length.values():
            step(weights, ids, target)
    reference, others = backends[0], backends[1:]
    by_backend = {backend: {name: 0.0 for name in params} for backend in others}
    timing = {backend: 0.0 for backend in backends}
    for ids, target in todo:
        grads = {}
        for backend, step in steps.items():
            start = time.perf_counter()
            _, flat = step(weights, ids, target)
            timing[backend] += time.perf_counter() - start
            grads[backend] = unflatten(flat, config)
        for backend in others:
            largest = by_backend[backend]
            for name in params:
                diff = largest_difference(grads[reference][name], grads[backend][name])
                largest[name] = max(largest[name], diff)
    worst = {name: max((d[name] for d in by_backend.values()), default=0.0) for name in params}
    ms = {backend: 1000 * seconds / len(todo) for backend, seconds in timing.items()}
    return {
        "largest_difference": worst, "by_backend": by_backend, "ms_per_position": ms,
        "positions": len(todo),
    }  # fmt: skip


# ---------------------------------------------------------------- the 7 steps, one by one

# Where each handwritten step lives in autograd's graph: the scopes of autodiff.forward(),
# in the order backward() reaches them.
STEP_SCOPES = {
    1: (autodiff.LOSS,),
    2: (autodiff.OUTPUT,),
    3: (autodiff.RESIDUAL2,),
    4: (autodiff.MLP,),
    5: (autodiff.RESIDUAL1,),
    6: (autodiff.ATTENTION_OUTPUT, autodiff.SOFTMAX, autodiff.SCORES, autodiff.QKV),
    7: (autodiff.EMBEDDINGS,),
}

# The Values of autodiff.forward(trace=) whose .grad is each handwritten intermediate.
TRACE_OF = {
    "d_logits": "logits", "d_x2": "x2", "d_mlp_out": "mlp_out", "d_h": "h",
    "d_h_pre": "h_pre", "d_x1": "x1", "d_attn_out": "attn_out", "d_attn": "attn",
    "d_values": "values", "d_scores": "q_dot_k", "d_q": "q", "d_keys": "keys",
    "d_hidden": "hidden",
}  # fmt: skip

NOTES = {
    "d_scores": "the handwritten code folds 1/sqrt(E) into d_scores: it is the gradient of "
    "q . k before scaling, so it is compared with the .grad of those q . k Values",
}


@dataclass(frozen=True)
class Quantity:
    """One gradient of a step, handwritten against autograd."""

    name: str  # "d_logits" for an intermediate, the weight's name ("W_out") for a weight
    shape: tuple[int, ...]
    largest_difference: float  # the largest |handwritten - autograd| over its entries
    note: str = ""  # how the two were made comparable, when they are not the same number


@dataclass(frozen=True)
class StepComparison:
    """One of the 7 handwritten steps, found again in autograd's backward."""

    number: int
    name: str
    scopes: tuple[str, ...]  # the scopes of the graph this step is, in backward order
    quantities: list[Quantity]

    @property
    def largest_difference(self) -> float:
        return max((q.largest_difference for q in self.quantities), default=0.0)


def compare_steps(
    params: Params, ids: list[int], target: int, fused: bool = True, config: Config | None = None
) -> list[StepComparison]:
    """Each of the handwritten backward's 7 steps beside autograd's .grad, quantity by quantity.

    The handwritten numbers come from manual.backward_steps(); autograd's are the .grad
    of the Values that autodiff.forward(trace=) hands back (for intermediates) and of
    the weights, after one loss.backward(). Lesson 6's shape only: the 7 steps are its.
    """
    manual.check_lesson6_shape(check_example(params, ids, target, config))
    handwritten = manual.backward_steps(params, manual.forward(params, ids), target)
    vparams, trace = autodiff.to_values(params), {}
    autodiff.forward(vparams, ids, target, fused, trace=trace).backward()
    # autograd's number for every handwritten one: intermediates by name, then weights
    found = autodiff.grads_of({name: trace[held_by] for name, held_by in TRACE_OF.items()})
    found |= autodiff.grads_of(vparams)
    comparisons = []
    for step in handwritten:
        quantities = [
            Quantity(name, _shape(hand), largest_difference(hand, found[name]), NOTES.get(name, ""))
            for name, hand in (step.intermediates | step.weight_grads).items()
        ]
        scopes = STEP_SCOPES[step.number]
        comparisons.append(StepComparison(step.number, step.name, scopes, quantities))
    return comparisons


def _shape(x: list) -> tuple[int, ...]:
    return (len(x), *_shape(x[0])) if isinstance(x, list) and x else ()
