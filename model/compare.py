"""Compare backends: do they compute the same gradients, and how fast?"""

from __future__ import annotations

import time
from collections.abc import Sequence

from model.backends import make_step
from model.data import examples, load_names
from model.params import Params, config_of, flatten, unflatten


def largest_difference(a: list, b: list) -> float:
    """The largest |a - b| over every entry of two weights (vectors or matrices)."""
    return max(abs(x - y) for x, y in zip(flatten({"w": a}), flatten({"w": b})))


def compare_backends(
    params: Params,
    positions: int,
    fused: bool = True,
    backends: Sequence[str] = ("manual", "autograd"),
) -> dict:
    """The backends' gradients on the first `positions` training positions, side by side.

    The first backend is the reference (the handwritten backward by default); each
    other one is compared with it, weight by weight. Each is timed on the step
    that training runs (model.backends.make_step).

    Returns {"largest_difference": {weight: float}, the worst over all backends,
    "by_backend": {backend: {weight: float}}, "ms_per_position": {backend: float},
    "positions": int}.
    """
    if positions < 1:
        raise ValueError(f"compare at least 1 position, not {positions}")
    config = config_of(params)
    weights = flatten(params)
    todo = [ex for name in load_names() for ex in examples(name, config.context)][:positions]
    steps = {backend: make_step(backend, config, fused) for backend in backends}
    for step in steps.values():
        step(weights, *todo[0])  # a first call may be slow (PyTorch sets itself up): not timed
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
