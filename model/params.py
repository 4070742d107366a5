"""The model's size (Config) and its ten weights, as plain nested lists of floats.

Plain lists, not Values or tensors: every backend reads the same dictionary, so
the handwritten backward, autograd (and PyTorch) start from the same numbers.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from model.helpers.checks import check_whole_number, is_whole_number

Vector = list[float]
Matrix = list[list[float]]
Params = dict[str, list]  # name -> Vector or Matrix


@dataclass(frozen=True)
class Config:
    """The lesson's dimensions."""

    vocab_size: int = 27  # "." and a..z
    embed_dim: int = 16  # each character becomes 16 numbers
    context: int = 8  # the model sees at most 8 characters back
    hidden_dim: int = 32  # neurons in the MLP

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            check_whole_number(value, f"Config.{name}", 1)


# name -> (shape as Config field names, standard deviation of the initial Gaussian).
# The order is the lesson's: drawing in this order reproduces its weights exactly.
WEIGHTS: dict[str, tuple[tuple[str, ...], float]] = {
    "tok_emb": (("vocab_size", "embed_dim"), 0.5),
    "pos_emb": (("context", "embed_dim"), 0.5),
    "Wq": (("embed_dim", "embed_dim"), 0.2),
    "Wk": (("embed_dim", "embed_dim"), 0.2),
    "Wv": (("embed_dim", "embed_dim"), 0.2),
    "W1": (("hidden_dim", "embed_dim"), 0.2),
    "b1": (("hidden_dim",), 0.1),
    "W2": (("embed_dim", "hidden_dim"), 0.2),
    "b2": (("embed_dim",), 0.1),
    "W_out": (("vocab_size", "embed_dim"), 0.2),
}


def shapes(config: Config = Config()) -> dict[str, tuple[int, ...]]:
    """Each weight's shape in numbers, e.g. {"Wq": (16, 16), "b1": (32,), ...}."""
    return {
        name: tuple(getattr(config, dim) for dim in dims) for name, (dims, _) in WEIGHTS.items()
    }


def init_params(config: Config = Config(), seed: int = 42) -> Params:
    """Random weights, drawn as the lesson draws them (seed 42 gives its exact numbers)."""
    rng = random.Random(seed)
    params: Params = {}
    for name, shape in shapes(config).items():
        std = WEIGHTS[name][1]
        if len(shape) == 1:
            params[name] = [rng.gauss(0, std) for _ in range(shape[0])]
        else:
            rows, cols = shape
            params[name] = [[rng.gauss(0, std) for _ in range(cols)] for _ in range(rows)]
    return params


def zeros_like(params: Params) -> Params:
    """The same keys and shapes, filled with 0.0 (the shape of a gradient)."""
    return {
        name: [[0.0] * len(row) for row in w] if isinstance(w[0], list) else [0.0] * len(w)
        for name, w in params.items()
    }


def count_params(config: Config = Config()) -> int:
    """How many numbers the model learns (2,832 for the lesson's Config)."""
    return sum(math.prod(shape) for shape in shapes(config).values())


def flatten(params: Params) -> list[float]:
    """All the numbers in one list, weight after weight, row after row."""
    flat: list[float] = []
    for w in params.values():
        if w and isinstance(w[0], list):
            for row in w:
                flat.extend(row)
        else:
            flat.extend(w)
    return flat


def unflatten(flat: list[float], config: Config = Config()) -> Params:
    """The inverse of flatten()."""
    params: Params = {}
    start = 0
    for name, shape in shapes(config).items():
        if len(shape) == 1:
            params[name] = flat[start : start + shape[0]]
            start += shape[0]
        else:
            rows, cols = shape
            params[name] = [flat[start + r * cols : start + (r + 1) * cols] for r in range(rows)]
            start += rows * cols
    return params


def check_params(params: object, config: Config = Config()) -> None:
    """Raise a ValueError that says what is wrong if `params` is not this model's weights.

    Only keys and shapes are checked, so that it is cheap enough to call every step.
    """
    if not isinstance(params, dict):
        raise ValueError(f"params must be a dict of weights, got {type(params).__name__}")
    expected = shapes(config)
    missing = [name for name in expected if name not in params]
    extra = [name for name in params if name not in expected]
    if missing or extra:
        raise ValueError(
            f"params do not match the model: missing {missing or 'nothing'}, "
            f"unexpected {extra or 'nothing'}; start from init_params()"
        )
    for name, shape in expected.items():
        _check_shape(name, params[name], shape)


def _check_shape(name: str, value: object, shape: tuple[int, ...]) -> None:
    if not isinstance(value, list) or len(value) != shape[0]:
        size = len(value) if isinstance(value, list) else type(value).__name__
        raise ValueError(f"params[{name!r}] should have {shape[0]} entries, got {size}")
    if len(shape) == 2:
        for r, row in enumerate(value):
            if not isinstance(row, list) or len(row) != shape[1]:
                size = len(row) if isinstance(row, list) else type(row).__name__
                raise ValueError(
                    f"params[{name!r}][{r}] should have {shape[1]} entries, got {size}"
                )


def config_of(params: Params) -> Config:
    """The Config whose shapes these weights have (checked)."""
    try:
        config = Config(
            vocab_size=len(params["tok_emb"]),
            embed_dim=len(params["Wq"]),
            context=len(params["pos_emb"]),
            hidden_dim=len(params["b1"]),
        )
    except (KeyError, TypeError) as err:
        raise ValueError(
            f"params must be the model's dict of weights, as from init_params(): {err!r}"
        ) from None
    check_params(params, config)
    return config


def check_example(params: Params, ids: list[int], target: int) -> Config:
    """Raise a clear ValueError unless (ids, target) is one valid example for these weights."""
    config = config_of(params)
    if not isinstance(ids, (list, tuple)) or not ids:
        raise ValueError("the window `ids` is empty: give at least one id, e.g. [0] for '.'")
    if len(ids) > config.context:
        raise ValueError(
            f"the window has {len(ids)} ids but the model sees at most {config.context}; "
            f"keep the last ones: ids[-{config.context}:]"
        )
    for i in [*ids, target]:
        if not is_whole_number(i) or not 0 <= i < config.vocab_size:
            raise ValueError(f"id {i!r} is out of range: ids go from 0 to {config.vocab_size - 1}")
    return config
