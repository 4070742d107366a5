"""What every lesson shares: how it runs, its exercises, its files and drawings.

Its texts are loaded by texts.py and its pictures in the terminal drawn by pictures.py.

A lesson is a plain script, lessons/lessonNN.py, that reads top to bottom:

    CHANGE_ME = {"temperature": 0.8}              # exercise values, near the top
    lesson = Lesson(7, CHANGE_ME, exercises=3)    # number, values, how many exercises

    @lesson.step
    def first_step(ctx: Context) -> None:         # one step = one notebook cell
        ctx.heading("first_title")                # texts come from text/<lang>/lesson07.txt
        ctx.say("first_text", x=1.5)

    run = lesson.run                              # run(lang, quick, out, **values) -> claims

`python -m lessons 7` runs the steps in order. In a notebook (Jupyter, VS Code),
each step runs as soon as its cell is run, so the lesson reads like the course
(a step's helpers come before it in its cell); `python -m lessons 7 --notebook`
writes one (notebook.py).

`ctx` (the Context) is what a step gets: the language, the exercise values, the
output folder, the exercise progress, and `claims`, the figures the lesson states
(returned by run(), so the tests can check them).

A guessing exercise asks before its answer is on the screen (see guesses.py):

    ctx.ask(3, "guess_sum", lambda guess: abs(guess - total) < 1e-6)

The exercises done are kept in the output folder (see progress.py), so a learner
can do them one run at a time; --reset starts again.
"""

import argparse
import io
import re
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from autograd import GraphvizNotFound, draw, player, render, save_html
from autograd.drawing.inline import InlineSvg
from autograd.files import SaveError, check_folder_writable, write_atomically
from lessons import progress
from lessons.guesses import SEE_ANSWER, Asker, Asking, parse_guess
from lessons.kit.session import in_notebook  # one test for both kinds of lesson
from lessons.kit.values import BadValue  # one error for both kinds of lesson
from lessons.limits import value_problem
from lessons.pictures import bar_chart, line_chart, smooth, table
from lessons.texts import SCIENTIFIC, Text, default_language, languages, scientific_parts
from model.data import BOUNDARY, VOCAB, encode
from model.helpers.checks import is_whole_number
from model.helpers.closed_output import quiet_when_output_closes
from model.helpers.strict_args import parse_args
from model.params import Params
from model.sample import next_char_probs

DEFAULT_OUT = "lesson_output"


# ---------------------------------------------------------------------------- the model


def start_of_name(prefix: str) -> str:
    """Turn ".pik", "pik" or "Pik" into ".pik": a name starts after the boundary dot."""
    prefix = prefix.lower()
    return prefix if prefix.startswith(BOUNDARY) else BOUNDARY + prefix


def next_letters(
    params: Params, text: str, temperature: float = 1.0, top: int = 6
) -> list[tuple[str, float]]:
    """The `top` likeliest letters after `text`, with their probabilities ("." ends a name)."""
    probs = next_char_probs(params, encode(text)[-len(params["pos_emb"]) :], temperature)
    best = sorted(range(len(VOCAB)), key=lambda i: -probs[i])[:top]
    return [(VOCAB[i], probs[i]) for i in best]


# ---------------------------------------------------------------------------- notebooks


def never_fail_on_unprintable_characters() -> None:
    """A console that cannot print "é" or "█" shows "?" instead of stopping the lesson."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")


def display_file(path: Path, lang: str = "en") -> None:
    """In a notebook, show an SVG or PNG file under the cell, no wider than the output (a click
    shows an SVG full size); elsewhere do nothing."""
    if not in_notebook():
        return
    from IPython.display import Image, display

    if path.suffix == ".svg":
        display(InlineSvg(path.read_text(encoding="utf-8"), lang))
    else:
        display(Image(filename=str(path)))


# ---------------------------------------------------------------------------- a lesson


LessonStep = Callable[["Context"], None]  # one step of a lesson (a notebook cell)
NAMES_PER_LINE = 5  # invented names are short: five a line keep a lesson short
EXERCISE_STATEMENT = re.compile(r"exercise\d+$")  # the text that states exercise N
RUN_OPTIONS = ("verbose", "interactive", "reset", "retrain")  # run()'s options on the command line


class Lesson:
    """A lesson: its number, its exercise values and its steps, in reading order."""

    def __init__(
        self, number: int, change_me: dict[str, Any], exercises: int, trains: bool = False
    ) -> None:
        self.number = number
        self.trains = trains  # it keeps a trained model in the output folder: --retrain
        self.name = f"lesson{number:02d}"  # its text files: text/<lang>/lessonNN.txt
        self.change_me = dict(change_me)
        self.exercises = exercises
        self.steps: dict[str, LessonStep] = {}
        self.notebook: dict[str, Any] = {"lang": None, "quick": False, "out": None, "options": {}}
        self._notebook_ctx: Context | None = None
        self.last_claims: dict[str, Any] = {}  # what the last main() run stated, for tests

    def step(self, function: LessonStep) -> LessonStep:
        """Add a step to the lesson; in a notebook, also run it now (its cell was run)."""
        self.steps[function.__name__] = function  # a cell run twice keeps its place
        if in_notebook():
            function(self._context_for_notebook(function))
        return function

    def configure(
        self, lang: str | None = None, quick: bool = False, out: str | None = None,
        markdown: Sequence[str] = (), **options: Any,
    ) -> None:  # fmt: skip
        """For notebooks: choose the language, quick mode and output folder before the steps.

        `options` are those of run(): verbose=True, interactive=True (ask the guesses with
        the kernel's input()), ask_with=function(prompt) -> str, reset=True, retrain=True.
        `markdown`: the text keys a generated notebook shows in Markdown cells (see
        notebook.py); the steps do not print them again.
        """
        self.notebook = {"lang": lang, "quick": quick, "out": out, "options": options,
                         "markdown": frozenset(markdown)}  # fmt: skip
        self._notebook_ctx = None

    def finish(self) -> None:
        """In a notebook, the end of the lesson: the pictures made and the exercises done."""
        if self._notebook_ctx is not None:
            self._notebook_ctx.finish()

    def run(
        self, lang: str | None = None, quick: bool = False, out: str | Path | None = None,
        *, verbose: bool = False, interactive: bool | None = None, ask_with: Asker | None = None,
        reset: bool = False, retrain: bool = False, **values: Any,
    ) -> dict[str, Any]:  # fmt: skip
        """Run every step in order; return the claims (the figures the lesson stated).

        verbose: every table; interactive: ask the guesses (None: when in a terminal);
        ask_with: how to ask (input() by default); reset: forget the exercises done;
        retrain: train again rather than reuse the model saved in `out`.
        """
        options = {"verbose": verbose, "interactive": interactive, "ask_with": ask_with,
                   "reset": reset, "retrain": retrain}  # fmt: skip
        ctx = self.start(lang, quick, out, values, **options)
        for step in self.steps.values():
            step(ctx)
        ctx.finish()
        return ctx.claims

    def start(
        self, lang: str | None, quick: bool, out: str | Path | None, values: dict[str, Any],
        **options: Any,
    ) -> "Context":  # fmt: skip
        """A fresh Context, after printing the title and the values the learner may change."""
        unknown = sorted(set(values) - set(self.change_me))
        if unknown:
            raise TypeError(
                f"lesson {self.number} has no value {unknown}; it has {sorted(self.change_me)}"
            )
        merged = self.typed({**self.change_me, **values})
        self.check_limits(merged, lang)
        self.check_out(Path(out or DEFAULT_OUT), lang)
        ctx = Context(
            self, lang or default_language(), quick, Path(out or DEFAULT_OUT), merged, **options
        )
        ctx.header()
        return ctx

    def typed(self, values: dict[str, Any]) -> dict[str, Any]:
        """The values, each of its CHANGE_ME type (a whole number is a float where one is wanted).

        A TypeError names the value otherwise: "3" where 3 is wanted, or True (Python's
        1) where a number is, would pass the range checks and fail deep in the lesson.
        """
        checked = {}
        for key, value in values.items():
            kind = type(self.change_me[key])
            if kind is float and is_whole_number(value):
                value = float(value)
            if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
                raise TypeError(
                    f"{key} must be a {kind.__name__} like {self.change_me[key]!r}, got {value!r}"
                )
            checked[key] = value
        return checked

    def check_limits(self, values: dict[str, Any], lang: str | None) -> None:
        """Raise BadValue for NaN, inf, or a value out of its range (lessons/limits.py)."""
        problem = value_problem(self.number, self.name, lang or default_language(), values)
        if problem:
            raise BadValue(problem)

    def check_out(self, out: Path, lang: str | None) -> None:
        """Raise BadValue now if the output folder cannot hold the lesson's files."""
        try:
            check_folder_writable(out)
        except ValueError as err:
            raise BadValue(
                Text("common", lang or default_language())("bad_out", error=err)
            ) from None

    def _context_for_notebook(self, function: LessonStep) -> "Context":
        """The notebook's Context, made on the first step; CHANGE_ME is read again each time."""
        if self._notebook_ctx is None:
            nb = self.notebook
            self._notebook_ctx = self.start(
                nb["lang"], nb["quick"], nb["out"], {}, **nb.get("options", {})
            )
        latest = function.__globals__.get("CHANGE_ME", {})
        latest = self.typed({k: v for k, v in latest.items() if k in self.change_me})
        self.check_limits(latest, self._notebook_ctx.lang)
        self._notebook_ctx.values.update(latest)
        return self._notebook_ctx

    # -------------------------------------------------------------- command line

    def parser(self, lang: str) -> argparse.ArgumentParser:
        """The options: --lang, --quick, --out, and one per exercise value (--temperature 0.5)."""
        text = Text(self.name, lang)
        parser = argparse.ArgumentParser(
            prog=f"python -m lessons {self.number}", description=text("title")
        )
        parser.add_argument("--lang", choices=languages(), default=lang, help=text("option_lang"))
        parser.add_argument("--quick", action="store_true", help=text("option_quick"))
        parser.add_argument("--out", default=DEFAULT_OUT, help=text("option_out"))
        parser.add_argument("--verbose", action="store_true", help=text("option_verbose"))
        parser.add_argument(
            "--interactive", action=argparse.BooleanOptionalAction, default=None,
            help=text("option_interactive"),
        )  # fmt: skip
        parser.add_argument("--reset", action="store_true", help=text("option_reset"))
        if self.trains:
            parser.add_argument("--retrain", action="store_true", help=text("option_retrain"))
        for key, value in self.change_me.items():
            parser.add_argument(
                "--" + key.replace("_", "-"), dest=key, type=type(value), default=value,
                help=f"{text('change_' + key)} ({value!r})".replace("%", "%%"),
            )  # fmt: skip
        return parser

    def main(self, argv: Sequence[str] | None = None) -> int:
        """Run the lesson with command-line options; 0 when it reached its end."""
        argv = list(sys.argv[1:] if argv is None else argv)
        never_fail_on_unprintable_characters()
        first = argparse.ArgumentParser(add_help=False)
        first.add_argument("--lang", choices=languages(), default=default_language())
        known, _ = first.parse_known_args(argv)
        args = vars(parse_args(self.parser(known.lang), argv))
        lang, quick, out = args.pop("lang"), args.pop("quick"), args.pop("out")
        options = {key: args.pop(key) for key in RUN_OPTIONS if key in args}
        try:
            self.last_claims = self.run(lang, quick, out, **options, **args)
        except BadValue as err:  # a value the lesson cannot use, e.g. a temperature of 0
            print(f"lesson {self.number}: {err}", file=sys.stderr)
            return 2
        except SaveError as err:  # a full disk, a read-only folder: one sentence, files kept
            print(f"lesson {self.number}: {err}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:  # Ctrl-C, e.g. at a question: the exercises done are kept
            stopped = Text("common", lang)("stopped_interrupted")
            print(f"\nlesson {self.number}: {stopped}", file=sys.stderr)
            return 130
        return 0

    def run_as_script(self) -> None:
        """For `python lessons/lessonNN.py`; in a notebook the cells already ran the steps."""
        if not in_notebook():
            sys.exit(quiet_when_output_closes(self.main)())  # | head -3 ends quietly


class Context:
    """What a step works with: language, values, output folder, progress and claims."""

    def __init__(
        self, lesson: Lesson, lang: str, quick: bool, out: Path, values: dict[str, Any],
        verbose: bool = False, interactive: bool | None = None, ask_with: Asker | None = None,
        reset: bool = False, retrain: bool = False,
    ) -> None:  # fmt: skip
        self.lesson = lesson
        self.lang = lang
        self.text = Text(lesson.name, lang)
        self.quick = quick
        self.out = out
        self.values = values  # the exercise values, CHANGE_ME with the command line's changes
        self.verbose = verbose  # every table, not only the ones the lesson needs
        self.retrain = retrain
        self.asking = Asking(interactive, ask_with)
        self.claims: dict[str, Any] = {"files": [], "lang": lang}
        self.state = SimpleNamespace()  # what a step leaves for the next ones
        if reset:
            progress.reset(out, lesson.name)
        self.done: set[int] = progress.exercises_done(out, lesson.name)  # this run and before
        self.done_before = set(self.done)
        self._done_now: set[int] = set()
        self.hidden = 0  # tables left out without --verbose
        self._said_once: set[str] = set()
        # Progress bars while training, only where someone watches: a terminal or a notebook.
        self.progress_bars = in_notebook() or sys.stderr.isatty()
        # In a generated notebook, the texts its Markdown cells already show.
        shown = lesson.notebook.get("markdown", frozenset())
        self.markdown: frozenset[str] = shown if in_notebook() else frozenset()

    # -------------------------------------------------------------- words

    def t(self, key: str, **values: Any) -> str:
        """The text of `key` in the lesson's language, filled in."""
        return self.text(key, **values)

    def number(self, n: float, spec: str | None = None) -> str:
        """A number written the language's way: 2,832.5 in English, 2 832,5 in French.

        Without `spec`, rounded to a whole number; else format(n, spec), e.g. ".3f".
        """
        return self.text.number(round(n), ",") if spec is None else self.text.number(n, spec)

    def chart_label(self, x: float) -> str:
        """A number on a chart's axis: 2 decimals, or 1.73e+176, the language's way."""
        return self.text.number(x, ".2f" if abs(x) < 1e5 else ".2e")

    def cell(self, x: float) -> str:
        """A number in a table: 4 significant digits, written the language's way."""
        return self.text.number(x, ".4g" if isinstance(x, float) else ",")

    def print(self, text: str = "") -> None:
        """Print `text`; the first number in scientific notation (1.4e-17) is explained."""
        print(text)
        if "scientific" not in self._said_once:
            found = SCIENTIFIC.search(text)
            if found:
                self._said_once.add("scientific")
                parts = scientific_parts(found.group(0), self.text.point)
                how = self.t("scientific_small" if parts["small"] else "scientific_big", **parts)
                self.say("scientific_note", how=how, **parts)

    def say(self, key: str, **values: Any) -> None:
        """Print the text of `key`, filled in, followed by a blank line.

        An exercise's statement (exercise1, exercise2...) has no blank line after it:
        its outcome, or the question, follows at once.
        """
        if key not in self.markdown:
            blank = "" if EXERCISE_STATEMENT.match(key) else "\n"
            self.print(self.t(key, **values) + blank)

    def line(self, key: str, **values: Any) -> None:
        """Print the text of `key`, filled in, with no blank line after it."""
        self.print(self.t(key, **values))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Show a table, its numbers written the language's way."""
        self.show(table(header, rows, number=self.cell))

    def bars(self, rows: Sequence[tuple[str, float]], spec: str = ".1%", **options: Any) -> None:
        """Show horizontal bars, their numbers written the language's way (25.4% by default)."""
        self.show(bar_chart(rows, fmt=lambda v: self.number(v, spec), **options))

    def in_full(self) -> bool:
        """True with --verbose; without it, count a table left out (finish() says so)."""
        if not self.verbose:
            self.hidden += 1
        return self.verbose

    def say_once(self, key: str, **values: Any) -> None:
        """say(), but only the first time in this run (for advice such as what to install)."""
        if key not in self._said_once:
            self._said_once.add(key)
            self.say(key, **values)

    def show_names(self, names: Sequence[str], known: set[str] | frozenset = frozenset()) -> None:
        """Invented names, capitalised, five a line; a name that is in the data gets a ✓."""
        cells = [name.capitalize() + (" ✓" if name in known else "") for name in names]
        width = max((len(cell) for cell in cells), default=0) + 3
        for start in range(0, len(cells), NAMES_PER_LINE):
            row = "".join(f"{c:<{width}}" for c in cells[start : start + NAMES_PER_LINE])
            print(("  " + row).rstrip())
        if any(name in known for name in names):
            print("  ✓ " + self.t("known_name"))
        print()

    def heading(self, key: str, **values: Any) -> None:
        """A step's title, underlined."""
        if key in self.markdown:
            return
        title = self.t(key, **values)
        print(f"{title}\n{'─' * len(title)}")  # the text before it ends with a blank line

    def show(self, picture: str) -> None:
        """Print a table or chart made by the functions above, then a blank line."""
        self.print(picture + "\n")

    def header(self) -> None:
        number, title = self.lesson.number, self.t("title")
        banner = self.t("lesson_banner", number=number, title=title)
        if "title" not in self.markdown:
            print(f"{'═' * len(banner)}\n{banner}\n{'═' * len(banner)}\n")
        if self.values and "values_intro" not in self.markdown:
            example = next(iter(self.values))
            self.say(
                "values_intro", number=number, option=example.replace("_", "-"),
                value=self.values[example],
            )  # fmt: skip
            rows = [
                (key, repr(value), self.t("change_" + key)) for key, value in self.values.items()
            ]
            if self.in_full():  # --verbose; else --help lists them
                self.show(table([self.t("col_value"), "", self.t("col_try")], rows))

    def finish(self) -> None:
        """The end of a run: the files made and the exercises done."""
        files = self.claims["files"]
        if files and self.verbose:  # each picture was announced where it was made
            self.say("files_made", count=len(files), folder=self.out)
        if self.hidden:
            self.say("verbose_hint", count=self.hidden, number=self.lesson.number)
        total = self.lesson.exercises
        if total:
            progress.record(self.out, self.lesson.name, self.done, total)
            self.say(
                "final_progress", bar=self._bar(), done=len(self.done), total=total,
                file=progress.progress_path(self.out),
            )  # fmt: skip
        self.claims["exercises_done"] = sorted(self.done)
        self.claims["done_this_run"] = sorted(self._done_now)

    # -------------------------------------------------------------- exercises and claims

    def check(self, number: int, done: bool, ok: str, hint: str, **values: Any) -> bool:
        """Tell the learner whether exercise `number` is done, with the progress so far."""
        message = self.t(ok if done else hint, **values)
        self._report(number, "✅" if done else "💡", message, done)
        return done

    def ask(
        self, number: int, key: str, is_right: Callable[[Any], bool],
        about: Callable[[Any], dict[str, Any]] | None = None, **question: Any,
    ) -> bool:  # fmt: skip
        """Exercise `number`: a guess for the value `key`, asked before its answer is shown.

        Prints the text exerciseN (filled with `question`), then checks the guess
        with is_right(guess). The texts exerciseN_ok (right), exerciseN_hint (wrong:
        it must not hold the answer) and exerciseN_answer ("?" typed) are filled with
        about(guess) and `guess`. When the learner can type and gave no value of their
        own, the lesson waits: a wrong guess gets the hint and another try; Enter
        skips; "?" shows the answer. Otherwise the value of CHANGE_ME (or its flag) is
        the guess. The guess the learner typed becomes ctx.values[key].
        """
        self.say(f"exercise{number}", **question)
        guess = self.values[key]
        details = about or (lambda _: {})
        if self.asking.on and guess == self.lesson.change_me[key]:
            typed = self._ask_until_right(key, is_right, details, number)
            if typed is None:
                return False
            guess = self.values[key] = typed
        right = is_right(guess)
        return self.check(
            number, right, f"exercise{number}_ok", f"exercise{number}_hint", guess=guess,
            **details(guess),
        )  # fmt: skip

    def _ask_until_right(
        self, key: str, is_right: Callable[[Any], bool],
        details: Callable[[Any], dict[str, Any]], number: int,
    ) -> Any:  # fmt: skip
        """The learner's right guess, or None when they skip or ask to see the answer."""
        like = self.lesson.change_me[key]
        while self.asking.on:
            typed = self.asking.line(self.t("ask_prompt") + " ")
            if typed is None or not typed.strip():
                self._report(number, "⏭️", self.t("ask_skipped"), False)
                return None
            if typed.strip() == SEE_ANSWER:
                answer = self.t(f"exercise{number}_answer", guess=like, **details(like))
                self._report(number, "👀", answer, False)
                return None
            try:
                guess = parse_guess(typed, like)
            except ValueError:
                print(self.t("ask_not_understood", typed=typed.strip(), example=like))
                continue
            problem = value_problem(self.lesson.number, self.lesson.name, self.lang, {key: guess})
            if problem:  # a guess out of its range (lessons/limits.py): say why, ask again
                print(problem)
                continue
            if is_right(guess):
                return guess
            self.print(
                "💡 " + self.t(f"exercise{number}_hint", guess=guess, **details(guess)) + "\n"
            )
        return None

    def _report(self, number: int, mark: str, message: str, done: bool) -> None:
        """One exercise's outcome; when it is done, the progress bar (kept in the output folder)."""
        label = self.t("exercise_label", number=number)
        self.print(f"{mark} {label} {message}")
        total = self.lesson.exercises
        if done:
            self.done.add(number)
            self._done_now.add(number)
            progress.record(self.out, self.lesson.name, self.done, total)
            print("   " + self.t("progress", bar=self._bar(), done=len(self.done), total=total))
        if done and len(self.done) == total and number not in self.done_before:
            print("🏆 " + self.t("all_done"))
        print()
        self.claims["exercises_done"] = sorted(self.done)

    def _bar(self) -> str:
        n = len(self.done)
        return "🟩" * n + "⬜" * (self.lesson.exercises - n)

    def require(self, condition: bool, key: str, **values: Any) -> None:
        """Stop with the text of `key` (filled in with the exercise values) unless `condition`."""
        if not condition:
            raise BadValue(self.t(key, **{**self.values, **values}))

    def claim(self, name: str, value: Any) -> Any:
        """Record a figure the lesson states, for the tests; returns it."""
        self.claims[name] = value
        return value

    def sized(self, full: Any, quick: Any) -> Any:
        """`quick` in quick mode, else `full`: fewer names, fewer epochs (said the first time)."""
        if self.quick and full != quick:
            self.say_once("quick_mode")
        return quick if self.quick else full

    # -------------------------------------------------------------- files and pictures

    def out_file(self, name: str) -> Path:
        """A path in the output folder (made if needed), named after the lesson."""
        self.out.mkdir(parents=True, exist_ok=True)
        return self.out / f"{self.lesson.name}_{name}"

    def saved(self, path: Path, what: str) -> Path:
        """Say where a picture was saved; show it in a notebook."""
        self.claims["files"].append(path)
        self.say("saved_file", what=what, path=path)
        display_file(path, self.lang)
        return path

    def draw(self, root: Any, name: str, what: str, **options: Any) -> Path | None:
        """Draw the graph behind `root` to an SVG file, with draw(root, **options).

        Without Graphviz's `dot` program, the drawing is saved as an HTML page
        instead (viz.js draws it in the browser) and we say how to install Graphviz.
        """
        path = self.out_file(name + ".svg")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a cut drawing says so in its own title
                drawing = draw(root, lang=self.lang, **options)
                render(drawing, path)
        except ImportError:  # the graphviz Python package is missing
            self.say_once("no_graphviz_package")
            return None
        except GraphvizNotFound as missing:
            self.say_once("no_dot")
            page = missing.html_path or save_html(drawing, path.with_suffix(".html"))
            self.claims["files"].append(page)
            self.say("saved_file", what=what, path=page)
            if in_notebook():
                from IPython.display import display

                display(drawing)  # the drawing shows itself with viz.js
            return page
        except (RuntimeError, TimeoutError, OSError) as err:
            self.say("drawing_failed", error=err)
            return None
        return self.saved(path, what)

    def play(self, root: Any, name: str, what: str, **options: Any) -> Path:
        """Save the backprop player of `root` (autograd.player(root, **options)) and say where.

        The page replays backward() one step at a time in any browser, offline, in
        the lesson's language; in a notebook it also shows under the cell.
        """
        page = player(root, lang=self.lang, **options)
        path = page.save(self.out_file(name + ".html"))
        self.claims.setdefault("players", []).append(path)  # pages, apart from the pictures
        self.say("saved_player", what=what, path=path)
        if in_notebook():
            from IPython.display import display

            display(page)
        return path

    def plot(
        self, curves: dict[str, tuple[Sequence[float], Sequence[float]]], name: str,
        title: str, xlabel: str, ylabel: str,
    ) -> Path | None:  # fmt: skip
        """Save curves {label: (xs, ys)} as a PNG with matplotlib, if it is installed."""
        try:
            import matplotlib  # noqa: F401  (the optional `plots` extra)
            from matplotlib.figure import Figure
        except ImportError:
            self.say_once("no_matplotlib")
            return None
        figure = Figure(figsize=(7.5, 4.2), layout="tight")
        axes = figure.add_subplot()
        for label, (xs, ys) in curves.items():
            axes.plot(xs, ys, label=label, linewidth=1.8)
        axes.set(title=title, xlabel=xlabel, ylabel=ylabel)
        axes.grid(alpha=0.3)
        if len(curves) > 1:
            axes.legend()
        path = self.out_file(name + ".png")
        write_atomically(path, lambda f: figure.savefig(f, format="png", dpi=110), binary=True)
        return self.saved(path, title)

    def loss_curves(self, losses: dict[str, Sequence[float]], name: str, title: str) -> None:
        """Losses per position, smoothed: a chart in the terminal, and a PNG when possible."""
        print(title)
        coarse = {label: smooth(values, points=30)[1] for label, values in losses.items()}
        self.show(line_chart(coarse, height=12 if self.verbose else 5, fmt=self.chart_label))
        smoothed = {label: smooth(values, points=80) for label, values in losses.items()}
        self.plot(smoothed, name, title, self.t("axis_positions"), self.t("axis_loss"))
