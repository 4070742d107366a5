"""Sampling: invent a name one character at a time.

The model gives a probability for each next character; we draw one at random
with those weights, append it, and ask again, until it draws the end mark ".".
"""

from __future__ import annotations

import math
import random

from autograd import no_grad
from model import autodiff
from model.config import Config
from model.data import BOUNDARY, CHAR_TO_ID, decode, encode
from model.helpers.checks import check_whole_number, is_real_number
from model.manual import forward, softmax
from model.params import Params, config_of

# At 0.01 the likeliest letter is already all but certain; far below, z / T overflows.
MIN_TEMPERATURE = 0.01


def next_char_probs(
    params: Params, ids: list[int], temperature: float = 1.0, config: Config | None = None
) -> list[float]:
    """The probability of each next character after the window `ids`, at `temperature`.

    log p / T, softmaxed again, is the same as softmax(logits / T): log p and the
    logits differ only by a constant, which softmax ignores. So T < 1 makes the
    likely characters likelier, T > 1 flattens the odds.
    config: the model's shape (None: lesson 6's). Dropout is off when sampling.
    """
    logits = logits_of(params, ids, config_of(params, config))
    probs = softmax([z / temperature for z in logits])
    if not all(math.isfinite(p) for p in probs):  # huge weights: inf - inf in the softmax
        raise OverflowError(f"the next letter's odds after {decode(ids)!r} are not finite numbers")
    return probs


def logits_of(params: Params, ids: list[int], config: Config) -> list[float]:
    """The logits after `ids`: lesson 6's float forward, or, for a grown model, its autograd
    forward under no_grad (numbers only, no graph kept): one forward serves every shape."""
    if config.is_lesson6_architecture:
        return forward(params, ids)["logits"]
    with no_grad():
        logits = autodiff.forward_logits(autodiff.to_values(params), ids, config=config)
    return [z.data for z in logits]


def prefix_problem(prefix: object) -> str | None:
    """Why `prefix` cannot start a name, in words; None when it can.

    Only the letters a to z, after an optional "." (the start of a name): a "."
    anywhere else is the end of a name, and the model would go on after it.
    """
    if not isinstance(prefix, str):
        return f"the prefix must be a string such as '.pik', got {type(prefix).__name__}"
    if not prefix:
        return 'the prefix is empty; start with "." for a name from scratch'
    letters = prefix.lower().removeprefix(BOUNDARY)
    bad = [ch for ch in letters if not ("a" <= ch <= "z")]
    if bad:
        return (
            f"the prefix {prefix!r} has {bad[0]!r}: it may use only the letters a to z, "
            f'after an optional "." at its start'
        )
    return None


def generate(
    params: Params,
    prefix: str = ".",
    temperature: float = 0.8,
    max_len: int = 15,
    seed: int | None = None,
    config: Config | None = None,
) -> str:
    """A new name that starts with `prefix` (the leading "." is not returned).

    temperature < 1 makes the likely letters likelier (safe, repetitive names),
    temperature > 1 flattens the odds (wilder names). Sampling builds no graph.
    config: the model's shape, e.g. a checkpoint's .config (None: lesson 6's).
    """
    config = config_of(params, config)
    if not is_real_number(temperature):
        raise ValueError(f"temperature must be a number > 0, got {temperature!r}")
    if not (temperature >= MIN_TEMPERATURE and math.isfinite(temperature)):
        raise ValueError(
            f"temperature must be a number from {MIN_TEMPERATURE} (try 0.8), got {temperature!r}: "
            "below it the likeliest letter is always picked, and near 0 the logits / temperature "
            "overflow"
        )
    check_whole_number(max_len, "max_len", 0)
    problem = prefix_problem(prefix)
    if problem:
        raise ValueError(problem)
    ids = encode(prefix.lower())
    rng = random.Random(seed)
    end = CHAR_TO_ID[BOUNDARY]
    for _ in range(max_len):
        probs = next_char_probs(params, ids[-config.context :], temperature, config)
        next_id = rng.choices(range(config.vocab_size), weights=probs)[0]
        if next_id == end:
            break
        ids.append(next_id)
    text = decode(ids)
    return text[1:] if text.startswith(BOUNDARY) else text
