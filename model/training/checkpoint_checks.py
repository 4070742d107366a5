"""What a checkpoint file must hold before anything uses it.

A checkpoint is a JSON file anyone can edit, and every field of it is used later:
the weights and the vocabulary by sampling, the optimizer's state by the next
step, the counters by the training loop, the generator's state by the shuffling.
A wrong value found only then is an IndexError deep inside sampling, or a run
that trains on nonsense. So each field is checked when the file is read, and
each error names the field and what it should hold.
"""

from __future__ import annotations

import math
import random
from dataclasses import fields

from model.backends import BACKENDS
from model.config import SHAPE_FIELDS
from model.data import VOCAB
from model.helpers.checks import is_real_number, is_whole_number, shown
from model.optim import OPTIMIZERS
from model.params import Config, check_params, shapes

# Counters above 2**53 are no longer exact as floats (the schedule divides by them);
# a run at a million positions a second would need 285 years to reach it.
MAX_COUNT = 2**53
MAX_SEED = 2**64  # Python's json refuses ints of more than 4,300 digits: a seed must be saved
MT_WORDS = 625  # Python's generator: 624 words of state and a position, as getstate() gives


def check_config(raw: object) -> Config:
    """The model's size and shape, which must also fit the characters the model knows.

    The shape fields (heads, layers, norm, dropout) are optional: checkpoints saved
    before the model could grow have none, and are lesson 6's shape.
    """
    if not isinstance(raw, dict):
        raise ValueError(f"config must be a dict of sizes, got {_kind(raw)}")
    known = {f.name for f in fields(Config)}
    required = known - set(SHAPE_FIELDS)
    if not required <= set(raw) <= known:
        raise ValueError(
            f"config must have exactly the fields {sorted(required)}, plus any of "
            f"{list(SHAPE_FIELDS)} (older checkpoints have none of these), got {sorted(raw)}"
        )
    config = Config(**raw)
    if config.vocab_size != len(VOCAB):
        raise ValueError(
            f"its vocab_size is {config.vocab_size}, but the model knows {len(VOCAB)} "
            f"characters ({VOCAB!r}): sampling would pick characters that do not exist"
        )
    return config


def check_weights(params: object, config: Config) -> None:
    """The ten weights, with the shapes of `config`, every entry a finite number.

    Each entry of a vector must be a number too, not a list: a vector written as
    a column ([[0.1], [0.2], ...]) has the right length but crashes sampling.
    """
    check_params(params, config)
    for name, shape in shapes(config).items():
        rows = params[name] if len(shape) == 2 else [params[name]]  # type: ignore[index]
        for row in rows:
            for x in row:
                if not _is_finite(x):
                    raise ValueError(f"weight {name} holds {shown(x)}, not a finite number")


def check_optimizer(state: object, size: int) -> dict:
    """The optimizer's state_dict(), for `size` weights; {} for a checkpoint of weights only."""
    if state == {}:
        return {}  # enough to sample from; not to resume training
    if not isinstance(state, dict):
        raise ValueError(f"optimizer must be a dict, got {_kind(state)}")
    name = state.get("name")
    if not isinstance(name, str) or name not in OPTIMIZERS:
        raise ValueError(f"optimizer name is {name!r}; it must be one of {sorted(OPTIMIZERS)}")
    lr = state.get("lr")
    if not (_is_finite(lr) and lr > 0):
        raise ValueError(f"optimizer lr must be a number > 0, got {lr!r}")
    check_count("optimizer step t", state.get("t"))
    if state.get("decay_steps") is not None:
        check_count("optimizer decay_steps", state["decay_steps"])
    if name == "adam":
        for key in ("m", "v"):
            averages = state.get(key)
            if not isinstance(averages, list) or len(averages) != size:
                length = len(averages) if isinstance(averages, list) else _kind(averages)
                raise ValueError(f"Adam's {key} must hold {size} numbers, got {length}")
            if not all(_is_finite(x) for x in averages):
                raise ValueError(f"Adam's {key} must hold finite numbers only")
            if key == "v" and min(averages) < 0:
                raise ValueError("Adam's v (a mean of squares) cannot be negative")
    return dict(state)


def check_count(name: str, value: object) -> int:
    """A counter: a whole number from 0 to MAX_COUNT."""
    if not is_whole_number(value) or not 0 <= value <= MAX_COUNT:
        raise ValueError(f"{name} must be a whole number from 0 to 2**53, got {value!r}")
    return value


def check_loss(name: str, value: object) -> float:
    """A loss (a cross-entropy): a finite number >= 0."""
    if not (_is_finite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def check_history(history: object) -> list[float]:
    """The mean loss of each finished epoch."""
    if not isinstance(history, list):
        raise ValueError(f"history must be a list of losses, got {_kind(history)}")
    return [check_loss("each loss of history", x) for x in history]


def check_rng_state(state: object) -> list | None:
    """The shuffling generator's state as JSON keeps it: [3, [625 whole numbers], gauss or null].

    None (a checkpoint of weights only) is allowed.
    """
    if state is None:
        return None
    problem = "rng_state is not a state of Python's random generator"
    if not isinstance(state, list) or len(state) != 3 or not isinstance(state[1], list):
        raise ValueError(f"{problem}: it must be [version, [{MT_WORDS} numbers], gauss]")
    version, words, gauss = state
    if len(words) != MT_WORDS or not all(is_whole_number(w) and 0 <= w < 2**32 for w in words):
        raise ValueError(f"{problem}: it must hold {MT_WORDS} whole numbers from 0 to 2**32 - 1")
    if gauss is not None and not _is_finite(gauss):
        raise ValueError(f"{problem}: its last entry must be null or a finite number")
    try:
        random.Random().setstate((version, tuple(words), gauss))  # the generator's own check
    except (TypeError, ValueError) as err:
        raise ValueError(f"{problem} ({err})") from None
    return state


def check_backend(backend: object) -> str:
    if backend not in BACKENDS:
        raise ValueError(f"backend is {backend!r}; it must be one of {list(BACKENDS)}")
    return backend  # type: ignore[return-value]  (one of the BACKENDS strings)


def check_seed(seed: object) -> int:
    """A seed: a whole number within ±MAX_SEED (JSON cannot write one of 4,300 digits)."""
    if not is_whole_number(seed) or not -MAX_SEED <= seed <= MAX_SEED:
        raise ValueError(f"seed must be a whole number from -2**64 to 2**64, got {shown(seed)}")
    return seed


def _is_finite(x: object) -> bool:
    """An int or a float (not a bool), neither inf nor NaN, and small enough for a float."""
    if not is_real_number(x):
        return False
    try:
        return math.isfinite(x)
    except OverflowError:  # an int of 400 digits: JSON allows it, floats do not
        return False


def _kind(x: object) -> str:
    return type(x).__name__
