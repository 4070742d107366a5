"""python -m lessons 7: a lesson source run in a terminal.

The Markdown cells are rendered with rich, each code cell is shown and then run
(its output under it), in one namespace, in order. In a terminal the lesson
pauses before each section (a "## " heading) until Enter; without one (a pipe,
a test) it runs straight through. Exercise values given as options (--bias -1)
replace those of the values cells once those cells have run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from autograd.files import SaveError, check_folder_writable
from lessons.guesses import Asker, can_ask
from lessons.kit import session
from lessons.kit.source import (
    LessonSourceError,
    assigned_names,
    compile_cell,
    read_cells,
    source_path,
    title,
    values_cells,
)
from lessons.kit.values import BadValue, check_value, lesson_values
from lessons.texts import Text, default_language, languages
from model.helpers.strict_args import parse_args

PLAIN = "default"  # code on the terminal's own background


def parser(number: int, lang: str) -> argparse.ArgumentParser:
    """The options: --lang, --quick, --out, ..., and one per exercise value (--bias -1)."""
    common = Text("common", lang)
    options = argparse.ArgumentParser(prog=f"python -m lessons {number}")
    options.add_argument("--lang", choices=languages(), default=lang, help=common("option_lang"))
    options.add_argument("--quick", action="store_true", help=common("option_quick"))
    options.add_argument("--out", default=session.DEFAULT_OUT, help=common("option_out"))
    options.add_argument("--verbose", action="store_true", help=common("option_verbose"))
    options.add_argument(
        "--interactive", action=argparse.BooleanOptionalAction, default=None,
        help=common("option_interactive"),
    )  # fmt: skip
    options.add_argument("--reset", action="store_true", help=common("option_reset"))
    if getattr(lesson_values(number), "TRAINS", False):
        options.add_argument("--retrain", action="store_true", help=common("option_retrain"))
    for name, value in lesson_values(number).VALUES.items():
        options.add_argument(
            "--" + name.replace("_", "-"), dest=name, type=type(value.default), default=None,
            help=f"{name} ({value.default!r})",
        )  # fmt: skip
    return options


def main(number: int, argv: Sequence[str]) -> int:
    """Run lesson `number` with command-line options; 0 when it reached its end."""
    first = argparse.ArgumentParser(add_help=False)
    first.add_argument("--lang", choices=languages(), default=default_language())
    lang = first.parse_known_args(list(argv))[0].lang
    args = vars(parse_args(parser(number, lang), list(argv)))
    given = {name: args[name] for name in lesson_values(number).VALUES if args[name] is not None}
    options = session.RunOptions(
        args["out"], args["quick"], args["interactive"], None, args["reset"], given,
        args.get("retrain", False),
    )  # fmt: skip
    try:
        run(number, args["lang"], options)
    except (BadValue, LessonSourceError) as err:  # e.g. --bias 1e300, or a broken source
        print(f"lesson {number}: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C, e.g. at a question: the exercises done are kept
        print(f"\nlesson {number}: {Text('common', lang)('stopped_interrupted')}", file=sys.stderr)
        return 130
    return 0


def run(
    number: int, lang: str, options: session.RunOptions | None = None, ask_with: Asker | None = None
) -> dict[str, Any]:
    """Run every cell of lesson `number` in `lang`; return the namespace, for tests to read."""
    from rich.markdown import Markdown
    from rich.syntax import Syntax

    options = options or session.RunOptions()
    options.ask_with = ask_with or options.ask_with
    for name, value in options.given.items():
        check_value(number, lang, name, value)
    try:  # an --out that is a file, or cannot be written: said now, not deep in the lesson
        check_folder_writable(options.out)
    except (SaveError, OSError) as err:
        raise BadValue(Text("common", lang)("bad_out", error=err)) from None
    path = source_path(number, lang)
    cells = read_cells(path)
    tagged = {id(cell) for cell in values_cells(cells)}
    pause = options.interactive is not False and can_ask()
    console = _console_class()(highlight=False)
    namespace: dict[str, Any] = {"__name__": "__lesson__"}
    session.prepare(options)
    banner = Text("common", lang)("lesson_banner", number=number, title=title(number, lang))
    print(f"{'═' * len(banner)}\n{banner}\n{'═' * len(banner)}\n")
    started = False
    for index, cell in enumerate(cells, start=1):
        if cell.cell_type == "markdown":
            if pause and started and cell.source.lstrip().startswith("## "):
                pause = wait_for_enter(Text("common", lang)("go_on"))
                if not pause:  # end of input: nobody will answer the guesses either
                    session.current("run").asking.on = False
            started = True
            console.print(Markdown(cell.source))
            console.print()
        elif cell.cell_type == "code":
            console.print(
                Syntax(
                    cell.source, "python", theme="ansi_dark", background_color=PLAIN, word_wrap=True
                )
            )
            exec(compile_cell(path, index, cell.source), namespace)
            if id(cell) in tagged:
                for name in assigned_names(cell.source).keys() & options.given.keys():
                    namespace[name] = options.given[name]
            console.print()
    return namespace


def wait_for_enter(prompt: str) -> bool:
    """Wait for Enter between sections; False at the end of input (Ctrl-D): stop pausing."""
    try:
        input(prompt)
    except EOFError:
        print()
        return False
    return True


def _console_class() -> type:
    """rich's Console, but a reader that goes away (`| head`) is left to the caller's
    quiet_when_output_closes (status 141) instead of rich's own exit with status 1."""
    from rich.console import Console

    class Quiet(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError(32, "Broken pipe")

    return Quiet
