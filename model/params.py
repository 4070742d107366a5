"""The model's weights, as plain nested lists of floats: lesson 6's ten, and a grown model's.

Plain lists, not Values or tensors: every backend reads the same dictionary, so
the handwritten backward, autograd (and PyTorch) start from the same numbers.
A grown model (model/config.py) keeps lesson 6's ten names for its first layer;
its norms and later layers (L2.Wq, ...) come after W_out, so that lesson 6's
shape draws exactly lesson 6's numbers from the same seed.
"""

from __future__ import annotations

import math
import random
from typing import NamedTuple

from model.config import Config
from model.helpers.checks import is_whole_number

Vector = list[float]
Matrix = list[list[float]]
Params = dict[str, list]  # name -> Vector or Matrix


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


# The weights every layer has, by their layer-1 names; layer k > 1 prefixes them: L2.Wq.
LAYER_WEIGHTS = ("Wq", "Wk", "Wv", "W1", "b1", "W2", "b2")
# A norm's learned gain starts at 1 and its bias (LayerNorm only) at 0: the norm alone.
NORM_PARTS = {"layer": (("gain", 1.0), ("bias", 0.0)), "rms": (("gain", 1.0),), "none": ()}
NORMS_OF_LAYER = ("attn_norm", "mlp_norm")  # before attention, before the MLP
OUTPUT_NORM = "out_norm"  # before W_out


class WeightSpec(NamedTuple):
    """How one weight is made: its shape, and a Gaussian's deviation or a constant fill."""

    shape: tuple[int, ...]
    std: float  # > 0: drawn from a Gaussian; 0: every entry is `fill`
    fill: float = 0.0


def layer_prefix(layer: int) -> str:
    """ "" for layer 1 (lesson 6's names), "L2." for layer 2, and so on."""
    return "" if layer == 1 else f"L{layer}."


def layer_weights(weights: dict, layer: int, config: Config) -> dict:
    """Layer `layer`'s weights under their layer-1 names (Wq, ..., attn_norm.gain, ...).

    Works on any dict of weights: floats, Values or tensors.
    """
    names = [*LAYER_WEIGHTS, *_norm_names(NORMS_OF_LAYER, config)]
    return {name: weights[layer_prefix(layer) + name] for name in names}


def norm_of(weights: dict, which: str) -> dict:
    """The norm `which` ("attn_norm", "mlp_norm" of layer_weights(), or OUTPUT_NORM of all the
    weights) as {"gain": ..., "bias": ...}: only a gain for rms, {} without a norm."""
    return {
        part: weights[f"{which}.{part}"]
        for part in ("gain", "bias")
        if f"{which}.{part}" in weights
    }


def _norm_names(norms: tuple[str, ...], config: Config) -> list[str]:
    return [f"{norm}.{part}" for norm in norms for part, _ in NORM_PARTS[config.norm]]


def weight_specs(config: Config = Config()) -> dict[str, WeightSpec]:
    """Every weight, in drawing order (also the flatten order): lesson 6's ten first."""
    size = {
        dim: getattr(config, dim) for dim in ("vocab_size", "embed_dim", "context", "hidden_dim")
    }
    lesson6 = {
        name: WeightSpec(tuple(size[d] for d in dims), std) for name, (dims, std) in WEIGHTS.items()
    }
    specs = dict(lesson6)
    for layer in range(1, config.layers + 1):
        if layer > 1:
            specs |= {layer_prefix(layer) + name: lesson6[name] for name in LAYER_WEIGHTS}
        for norm in NORMS_OF_LAYER:
            specs |= _norm_specs(layer_prefix(layer) + norm, config)
    return specs | _norm_specs(OUTPUT_NORM, config)


def _norm_specs(norm: str, config: Config) -> dict[str, WeightSpec]:
    return {
        f"{norm}.{part}": WeightSpec((config.embed_dim,), 0.0, fill)
        for part, fill in NORM_PARTS[config.norm]
    }


def shapes(config: Config = Config()) -> dict[str, tuple[int, ...]]:
    """Each weight's shape in numbers, e.g. {"Wq": (16, 16), "b1": (32,), ...}."""
    return {name: spec.shape for name, spec in weight_specs(config).items()}


def init_params(config: Config = Config(), seed: int = 42) -> Params:
    """Random weights, drawn as the lesson draws them (seed 42 gives its exact numbers).

    A norm's gain and bias are constants (1 and 0), drawn from no generator.
    """
    rng = random.Random(seed)
    params: Params = {}
    for name, (shape, std, fill) in weight_specs(config).items():
        if len(shape) == 1:
            params[name] = [rng.gauss(0, std) if std else fill for _ in range(shape[0])]
        else:
            rows, cols = shape
            params[name] = [
                [rng.gauss(0, std) if std else fill for _ in range(cols)] for _ in range(rows)
            ]
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
            f"params do not match the model ({config.describe_shape()}): missing "
            f"{missing or 'nothing'}, unexpected {extra or 'nothing'}; start from "
            "init_params(config), and pass the model's config= (a checkpoint's .config) "
            "to functions that take weights"
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


def config_of(params: Params, config: Config | None = None) -> Config:
    """`config` if these weights fit it; without one, lesson 6's shape at the weights' sizes.

    The shape cannot be read from the weights alone (nothing in them says how many
    heads there are), so a grown model's functions take its config=.
    """
    if config is not None:
        check_params(params, config)
        return config
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


def check_example(
    params: Params, ids: list[int], target: int, config: Config | None = None
) -> Config:
    """Raise a clear ValueError unless (ids, target) is one valid example for these weights."""
    config = config_of(params, config)
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
