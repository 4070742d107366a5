"""Sampling: invent a name one character at a time.

The model gives a probability for each next character; we draw one at random
with those weights, append it, and ask again, until it draws the end mark ".".
"""

from __future__ import annotations

import math
import random

from model.data import BOUNDARY, CHAR_TO_ID, VOCAB, encode
from model.manual import forward, softmax
from model.params import Params, config_of


def generate(
    params: Params,
    prefix: str = ".",
    temperature: float = 0.8,
    max_len: int = 15,
    seed: int | None = None,
) -> str:
    """A new name that starts with `prefix` (the leading "." is not returned).

    temperature < 1 makes the likely letters likelier (safe, repetitive names),
    temperature > 1 flattens the odds (wilder names). Sampling runs on plain
    floats, so it builds no graph at all.
    """
    config = config_of(params)
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
        raise ValueError(f"temperature must be a number > 0, got {temperature!r}")
    if not (temperature > 0 and math.isfinite(temperature)):
        raise ValueError(f"temperature must be > 0 (try 0.8), got {temperature!r}")
    if isinstance(max_len, bool) or not isinstance(max_len, int) or max_len < 0:
        raise ValueError(f"max_len must be a whole number >= 0, got {max_len!r}")
    if not prefix:
        raise ValueError('the prefix is empty; start with "." for a name from scratch')
    ids = encode(prefix.lower())  # raises on a character outside the vocabulary
    rng = random.Random(seed)
    end = CHAR_TO_ID[BOUNDARY]
    for _ in range(max_len):
        logits = forward(params, ids[-config.context :])["logits"]
        # log p / T, softmaxed again, is the same as softmax(logits / T):
        # log p and the logits differ only by a constant, which softmax ignores.
        probs = softmax([z / temperature for z in logits])
        next_id = rng.choices(range(config.vocab_size), weights=probs)[0]
        if next_id == end:
            break
        ids.append(next_id)
    text = "".join(VOCAB[i] for i in ids)
    return text[1:] if text.startswith(BOUNDARY) else text
