"""Small grown models the grown-shape tests share: every head count, layer count and norm."""

from __future__ import annotations

import random

from model.config import Config
from model.params import Params, init_params

# Heads 1 to 4, layers 1 to 3 and each norm all appear; widths stay small for speed.
# Widths are 2 or 3 numbers a head, so that heads 3 divides its width too.
SHAPES = [
    Config(heads=1, layers=1, norm="layer", embed_dim=3, hidden_dim=5, context=4),
    Config(heads=2, layers=2, norm="rms", embed_dim=6, hidden_dim=5, context=4),
    Config(heads=3, layers=3, norm="none", embed_dim=6, hidden_dim=4, context=3),
    Config(heads=4, layers=1, norm="rms", embed_dim=8, hidden_dim=6, context=4),
    Config(heads=2, layers=3, norm="layer", embed_dim=4, hidden_dim=5, context=3),
    Config(heads=4, layers=2, norm="none", embed_dim=8, hidden_dim=4, context=4),
]


def shape_id(config: Config) -> str:
    return f"h{config.heads}-l{config.layers}-{config.norm}"


def random_params(config: Config, seed: int = 0) -> Params:
    """init_params(), with every norm's gain and bias moved off 1 and 0: a gain of exactly 1
    would hide a gain used in the wrong place."""
    params = init_params(config, seed)
    rng = random.Random(seed + 1)
    for name, w in params.items():
        if "norm" in name:
            params[name] = [x + rng.gauss(0, 0.3) for x in w]
    return params


def windows(config: Config, seed: int = 0) -> list[tuple[list[int], int]]:
    """One random window of each length, 1 to config.context, with a random target."""
    rng = random.Random(seed)
    return [
        ([0, *(rng.randrange(1, config.vocab_size) for _ in range(length - 1))],
         rng.randrange(config.vocab_size))
        for length in range(1, config.context + 1)
    ]  # fmt: skip


def largest_difference(a: list[float], b: list[float]) -> float:
    return max(abs(x - y) for x, y in zip(a, b, strict=True))
