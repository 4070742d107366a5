"""guess(): a value the learner types before its answer is on the screen.

    bias = guess("bias", bias)

Where someone can type (a terminal, or Jupyter's input box), the lesson waits:
Enter keeps the value of the values cell; "0,5" is read as 0.5. Where nobody can
(tests, pipes), or when the value was changed in its cell or given as an option
(--bias -1), that value is the guess, at once.
"""

from __future__ import annotations

from typing import Any

from lessons.guesses import parse_guess
from lessons.kit.session import current
from lessons.kit.values import BadValue, check_value, defaults


def checked(name: str, value: Any) -> Any:
    """`value` if exercise value `name` allows it, else BadValue saying why; nothing is asked."""
    session = current("checked")
    return check_value(session.number, session.lang, name, value)


def guess(name: str, value: Any) -> Any:
    """The learner's guess for exercise value `name`; `value` is the one in the values cell."""
    session = current("guess")
    value = check_value(session.number, session.lang, name, value)
    if name in session.given or value != defaults(session.number)[name]:
        return value
    prompt = session.text("guess_prompt", name=name, value=value)
    while session.asking.on:
        typed = session.asking.line(prompt + " ")
        if typed is None or not typed.strip():
            return value
        try:
            return check_value(session.number, session.lang, name, parse_guess(typed, value))
        except ValueError as err:  # not a number, or out of its range: say why, ask again
            shown = str(err) if isinstance(err, BadValue) else None
            print(shown or session.text("ask_not_understood", typed=typed.strip(), example=value))
    return value
