"""Guessing exercises: the lesson asks, waits for the learner, and only then shows the answer.

A guess is asked before anything on the screen gives it away. Where a learner can
type (a terminal, or a notebook whose frontend sends input), the lesson stops and
asks; where nobody can (tests, pipes), it takes the value given on the command line
or in CHANGE_ME. In both cases a wrong guess gets a hint that never holds the answer.

In a notebook, the kernel's own input() asks under the cell; to ask another way
(a widget, a test), give a function that takes the prompt and returns the text typed:

    lesson.configure(interactive=True)                  # ask with input()
    lesson.configure(interactive=True, ask_with=my_ask) # ask with my_ask(prompt) -> str

A learner who types nothing (Enter) skips; "?" shows the answer. End of input
(Ctrl-D, or a closed pipe) skips too, and stops asking for the rest of the run.
"""

import sys
from collections.abc import Callable
from typing import Any

Asker = Callable[[str], str]  # shows a prompt, returns the line the learner typed

SEE_ANSWER = "?"


def can_ask() -> bool:
    """True when a learner can type answers: standard input and output are a terminal."""
    try:
        return sys.stdin is not None and sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def parse_guess(typed: str, like: Any) -> Any:
    """The text typed, as the same type as `like` (the CHANGE_ME value); ValueError if not.

    "0,5" is read as 0.5: a French learner writes a decimal comma.
    """
    typed = typed.strip()
    if isinstance(like, bool):
        raise ValueError("yes/no guesses are not supported")
    if isinstance(like, int):
        return int(typed)
    if isinstance(like, float):
        return float(typed.replace(",", "."))
    return typed


class Asking:
    """How one run asks: whether it may ask at all, and with which function."""

    def __init__(self, interactive: bool | None = None, ask_with: Asker | None = None) -> None:
        self.on = can_ask() if interactive is None else interactive
        self.ask_with = ask_with or input

    def line(self, prompt: str) -> str | None:
        """What the learner typed, or None at the end of input (then we stop asking)."""
        try:
            return self.ask_with(prompt)
        except (EOFError, NotImplementedError):  # NotImplemented: a notebook run without input
            self.on = False
            print()
            return None
