"""Dropout masks, drawn in Python from the run's seed and the position, then given to a backend.

Dropout zeroes each attention and MLP output with probability p while training,
and multiplies the others by 1 / (1 - p), so that their mean stays the same.
The masks are numbers drawn here, not randomness inside a backend: every backend
multiplies by the same masks (so all four agree), the compiled program stays a
plain function of its inputs, and a resumed run draws the same masks again from
nothing but its seed, its epoch and its position in the epoch.

Masks of one window: one (attention, mlp) pair per layer, each a list of rows,
one row of embed_dim numbers per position the layer computes: every position of
the window for the layers before the last, the last position only for the last.
"""

from __future__ import annotations

import hashlib
import random

from model.config import Config

Masks = list[tuple[list[list[float]], list[list[float]]]]  # per layer: (attention, mlp) rows


def window_mask_seed(run_seed: int, epoch: int, position: int) -> int:
    """The mask seed of one training window: a number from the run's seed, epoch and position.

    A hash, so that neighbouring windows get unrelated masks, and the same three
    numbers always give the same seed (Python's own hash() of a str changes per process).
    """
    text = f"dropout/{run_seed}/{epoch}/{position}".encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big")


def positions_computed(config: Config, layer: int, length: int) -> int:
    """How many positions layer `layer` (1 to config.layers) computes for a window of `length`."""
    return 1 if layer == config.layers else length


def dropout_masks(config: Config, length: int, mask_seed: int | None) -> Masks:
    """The masks of a window of `length` ids: random for a mask seed, all 1.0 (off) for None.

    All 1.0 is dropout switched off (sampling, comparing gradients): x * 1.0 is x exactly.
    """
    rng = random.Random(mask_seed) if mask_seed is not None else None
    keep = 1.0 / (1.0 - config.dropout)

    def rows(count: int) -> list[list[float]]:
        if rng is None:
            return [[1.0] * config.embed_dim for _ in range(count)]
        return [
            [0.0 if rng.random() < config.dropout else keep for _ in range(config.embed_dim)]
            for _ in range(count)
        ]

    masks: Masks = []
    for layer in range(1, config.layers + 1):
        count = positions_computed(config, layer, length)
        masks.append((rows(count), rows(count)))
    return masks
