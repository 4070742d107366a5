"""The lesson being run: its number, language, output folder and exercises done.

The first code cell of a lesson calls start(7, "fr"); the helpers (check, guess,
draw...) read the session it opens. The terminal runner prepares the options a
learner gave (--out, --quick, --bias -1...) before the cells run: start() picks them up.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograd.browser import in_browser
from lessons import progress
from lessons.guesses import Asker, Asking, can_ask
from lessons.kit.values import lesson_values
from lessons.texts import Text, languages

DEFAULT_OUT = "lesson_output"


class CellOrderError(RuntimeError):
    """A helper called before the cell it needs ran: the message names that cell."""

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


def in_notebook() -> bool:
    """True inside Jupyter, VS Code's interactive window, Colab (an IPython kernel) or the
    course's browser site (Pyodide's kernel, whose shell is no IPKernelApp)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:
        return False
    return shell is not None and ("IPKernelApp" in getattr(shell, "config", {}) or in_browser())


@dataclass
class RunOptions:
    """What the terminal runner (or a test) asks of the next start(); a notebook: defaults."""

    out: str | Path = DEFAULT_OUT
    quick: bool = False
    interactive: bool | None = None  # None: ask when someone can type
    ask_with: Asker | None = None
    reset: bool = False
    given: dict[str, Any] = field(default_factory=dict)  # values from the command line
    retrain: bool = False  # a lesson that keeps a trained model trains it again


@dataclass
class Session:
    number: int
    lang: str
    quick: bool
    out: Path
    asking: Asking
    given: dict[str, Any]
    total: int
    done: set[int]
    text: Text
    retrain: bool = False

    @property
    def name(self) -> str:
        return f"lesson{self.number:02d}"


_next = RunOptions()
_current: Session | None = None


def prepare(options: RunOptions) -> None:
    """Options for the next start() (the terminal runner calls this before the first cell)."""
    global _next
    _next = options


def start(number: int, lang: str, quick: bool = False) -> None:
    """Open lesson `number` in `lang`: the first code cell of every lesson calls it."""
    global _current, _next
    if lang not in languages():
        raise ValueError(f"no lessons in language {lang!r}; choose one of {languages()}")
    options, _next = _next, RunOptions()
    out = Path(options.out)
    if options.reset:
        progress.reset(out, f"lesson{number:02d}")
    interactive = options.interactive
    if interactive is None:  # a notebook asks with the kernel's input(); a terminal if one is there
        interactive = in_notebook() or can_ask()
    _current = Session(
        number, lang, quick or options.quick, out, Asking(interactive, options.ask_with),
        dict(options.given), lesson_values(number).EXERCISES,
        progress.exercises_done(out, f"lesson{number:02d}"), Text("common", lang), options.retrain,
    )  # fmt: skip
    if in_notebook():
        from lessons.kit.missing_cell import explain_missing_names

        explain_missing_names(number, lang)


def current(helper: str) -> Session:
    """The open session; else an error that says to run the first cell."""
    if _current is None:
        raise CellOrderError(
            f"{helper}() needs the lesson's first code cell, start(...): run the cells from the "
            f"top. / {helper}() a besoin de la première cellule de code, start(...) : exécute "
            "les cellules depuis le début."
        )
    return _current


def quick_mode() -> bool:
    """True in a lesson's quick form (--quick): a lesson trains less, e.g. 1 epoch instead of 10."""
    return current("quick_mode").quick


def retrain_asked() -> bool:
    """True with --retrain: a lesson that keeps a trained model trains it again."""
    return current("retrain_asked").retrain


def out_file(name: str) -> Path:
    """A file of the lesson in the output folder (made if needed): lesson06_model.ckpt.json."""
    session = current("out_file")
    session.out.mkdir(parents=True, exist_ok=True)
    return session.out / f"{session.name}_{name}"
