"""Compare backends: do they compute the same gradients, and how fast?"""

from __future__ import annotations

import time

from model import autodiff, manual
from model.data import examples, load_names
from model.params import Params, flatten


def compare_backends(params: Params, positions: int, fused: bool = True) -> dict:
    """Both backends' gradients on the first `positions` training positions.

    Returns {"largest_difference": {weight: float}, "ms_per_position": {backend: float},
    "positions": int}.
    """
    todo = [ex for name in load_names() for ex in examples(name, len(params["pos_emb"]))]
    todo = todo[:positions]
    largest = {name: 0.0 for name in params}
    timing = {"manual": 0.0, "autograd": 0.0}
    for ids, target in todo:
        start = time.perf_counter()
        _, by_hand = manual.manual_loss_and_grads(params, ids, target)
        middle = time.perf_counter()
        _, by_autograd = autodiff.autograd_loss_and_grads(params, ids, target, fused)
        timing["manual"] += middle - start
        timing["autograd"] += time.perf_counter() - middle
        for name in params:
            diff = max(
                abs(a - b)
                for a, b in zip(flatten({name: by_hand[name]}), flatten({name: by_autograd[name]}))
            )
            largest[name] = max(largest[name], diff)
    ms = {backend: 1000 * seconds / len(todo) for backend, seconds in timing.items()}
    return {"largest_difference": largest, "ms_per_position": ms, "positions": len(todo)}
