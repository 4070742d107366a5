"""How far each exercise value may go, and why.

An exercise value comes from a values cell or the command line, where Python and
argparse accept anything that looks like a number: nan, inf, a billion. A lesson
given --backward-calls 1000000000 would run for hours, and a NaN would end in a
traceback far from where it came in. So every value has a range, checked before
the lesson starts, and a reason for it in the learner's language
(text/<lang>/common.txt, the keys why_...).

A range is inclusive. For a text value it bounds the number of characters; which
characters are allowed is checked by the lesson itself.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from lessons.texts import Text
from model.sample import MIN_TEMPERATURE


class Limit(NamedTuple):
    low: float
    high: float
    why: str  # the text [why_<why>] in common.txt says why


# Shared by several lessons. A temperature divides the logits: below 0.01 the likeliest
# letter is always picked (and near 0 the division overflows); above 10 every letter is
# about as likely as any other.
TEMPERATURE = Limit(MIN_TEMPERATURE, 10, "temperature")
LEARNING_RATE = Limit(1e-9, 10, "lr")
GUESS = Limit(-1_000_000, 1_000_000, "guess")
PREFIX = Limit(0, 15, "prefix")  # the longest name of the data has 12 letters
SHOWN = 30  # characters of a text value an error message repeats


def limit_problem(limits: dict[str, Limit], text: Text, values: dict[str, Any]) -> str | None:
    """What is wrong with the first value out of range in `limits`, said by `text`; else None."""
    for key, value in values.items():
        limit = limits.get(key)
        option = key.replace("_", "-")
        if isinstance(value, float) and not math.isfinite(value):
            return text("value_not_finite", name=key, option=option, value=value)
        if limit is None or isinstance(value, bool):
            continue
        size = len(value) if isinstance(value, str) else value
        if not limit.low <= size <= limit.high:
            kind = "text_out_of_range" if isinstance(value, str) else "value_out_of_range"
            why = " ".join(text("why_" + limit.why).split())  # one line, however it is written
            if isinstance(value, str) and len(value) > SHOWN:
                value = value[:SHOWN] + "..."
            return text(
                kind, name=key, option=option, value=value, size=size, low=limit.low,
                high=limit.high, why=why,
            )  # fmt: skip
    return None
