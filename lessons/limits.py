"""How far each exercise value may go, and why.

An exercise value comes from CHANGE_ME or the command line, where Python and
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

LIMITS: dict[int, dict[str, Limit]] = {
    6: {
        "guess_loss": GUESS,
        "temperature_before": TEMPERATURE,
        "epochs": Limit(1, 100, "epochs_manual"),
        "lr": LEARNING_RATE,
        "temperature": TEMPERATURE,
        "prefix": PREFIX,
    },
    8: {
        "guess_square_grad": GUESS,
        "backward_calls": Limit(1, 1000, "calls"),
        "guess_calls_grad": GUESS,
        "eps": Limit(1e-300, 1, "eps"),
    },
    9: {
        "window": Limit(1, 100, "window"),
        "next_letter": Limit(1, 1, "one_letter"),
        "guess_dots": Limit(0, 1_000_000, "guess"),
        "weight": Limit(1, 10, "weight"),
    },
    10: {
        "epochs": Limit(1, 30, "epochs_autograd"),
        "guess_loop_gap": GUESS,
        "sgd_lr": LEARNING_RATE,
        "temperature": TEMPERATURE,
        "prefix": PREFIX,
    },
    11: {
        "guess_padding": GUESS,
        "batch_size": Limit(1, 10_000, "batch"),
        "lr": LEARNING_RATE,
        "epochs": Limit(1, 1000, "epochs_torch"),
    },
}


def value_problem(number: int, name: str, lang: str, values: dict[str, Any]) -> str | None:
    """What is wrong with the first value of lesson `number` out of range, in `lang`; else None.

    `name` is the lesson's text file (lesson08), for the language's way of writing numbers.
    """
    return limit_problem(LIMITS.get(number, {}), Text(name, lang), values)


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
