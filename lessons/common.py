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
each step runs as soon as its cell is run, so the lesson reads like the course.

`ctx` (the Context) is what a step gets: the language, the exercise values, the
output folder, the exercise progress, and `claims`, the figures the lesson states
(returned by run(), so the tests can check them).
"""

import argparse
import io
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from lessons.pictures import line_chart, smooth, table
from lessons.texts import Text, default_language, languages
from model import manual
from model.data import BOUNDARY, VOCAB, encode
from model.params import Params

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
    ids = encode(text)[-len(params["pos_emb"]) :]
    logits = manual.forward(params, ids)["logits"]
    probs = manual.softmax([z / temperature for z in logits])
    best = sorted(range(len(VOCAB)), key=lambda i: -probs[i])[:top]
    return [(VOCAB[i], probs[i]) for i in best]


# ---------------------------------------------------------------------------- notebooks


def in_notebook() -> bool:
    """True inside Jupyter, VS Code's interactive window or Colab (an IPython kernel)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:
        return False
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def never_fail_on_unprintable_characters() -> None:
    """A console that cannot print "é" or "█" shows "?" instead of stopping the lesson."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")


def display_file(path: Path) -> None:
    """In a notebook, show an SVG or PNG file under the cell; elsewhere do nothing."""
    if not in_notebook():
        return
    from IPython.display import SVG, Image, display

    display(SVG(filename=str(path)) if path.suffix == ".svg" else Image(filename=str(path)))


# ---------------------------------------------------------------------------- a lesson


class BadValue(ValueError):
    """An exercise value the lesson cannot use; the message says why, in the lesson's language."""


Step = Callable[["Context"], None]


class Lesson:
    """A lesson: its number, its exercise values and its steps, in reading order."""

    def __init__(self, number: int, change_me: dict[str, Any], exercises: int) -> None:
        self.number = number
        self.name = f"lesson{number:02d}"  # its text files: text/<lang>/lessonNN.txt
        self.change_me = dict(change_me)
        self.exercises = exercises
        self.steps: dict[str, Step] = {}
        self.notebook: dict[str, Any] = {"lang": None, "quick": False, "out": None}
        self._notebook_ctx: Context | None = None
        self.last_claims: dict[str, Any] = {}  # what the last main() run stated, for tests

    def step(self, function: Step) -> Step:
        """Add a step to the lesson; in a notebook, also run it now (its cell was run)."""
        self.steps[function.__name__] = function  # a cell run twice keeps its place
        if in_notebook():
            function(self._context_for_notebook(function))
        return function

    def configure(self, lang: str | None = None, quick: bool = False, out: str | None = None):
        """For notebooks: choose the language, quick mode and output folder before the steps."""
        self.notebook = {"lang": lang, "quick": quick, "out": out}
        self._notebook_ctx = None

    def run(
        self, lang: str | None = None, quick: bool = False, out: str | Path | None = None,
        **values: Any,
    ) -> dict[str, Any]:  # fmt: skip
        """Run every step in order; return the claims (the figures the lesson stated)."""
        ctx = self.start(lang, quick, out, values)
        for step in self.steps.values():
            step(ctx)
        ctx.finish()
        return ctx.claims

    def start(
        self, lang: str | None, quick: bool, out: str | Path | None, values: dict[str, Any]
    ) -> "Context":
        """A fresh Context, after printing the title and the values the learner may change."""
        unknown = sorted(set(values) - set(self.change_me))
        if unknown:
            raise TypeError(
                f"lesson {self.number} has no value {unknown}; it has {sorted(self.change_me)}"
            )
        merged = {**self.change_me, **values}
        for key, value in merged.items():
            kind = type(self.change_me[key])
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                merged[key] = float(value)
            elif not isinstance(merged[key], kind):
                raise TypeError(f"{key} must be a {kind.__name__}, got {value!r}")
        ctx = Context(self, lang or default_language(), quick, Path(out or DEFAULT_OUT), merged)
        ctx.header()
        return ctx

    def _context_for_notebook(self, function: Step) -> "Context":
        """The notebook's Context, made on the first step; CHANGE_ME is read again each time."""
        if self._notebook_ctx is None:
            options = self.notebook
            self._notebook_ctx = self.start(options["lang"], options["quick"], options["out"], {})
        latest = function.__globals__.get("CHANGE_ME", {})
        self._notebook_ctx.values.update({k: v for k, v in latest.items() if k in self.change_me})
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
        args = vars(self.parser(known.lang).parse_args(argv))
        lang, quick, out = args.pop("lang"), args.pop("quick"), args.pop("out")
        try:
            self.last_claims = self.run(lang, quick, out, **args)
        except BadValue as err:  # a value the lesson cannot use, e.g. a temperature of 0
            print(f"lesson {self.number}: {err}", file=sys.stderr)
            return 2
        return 0

    def run_as_script(self) -> None:
        """For `python lessons/lessonNN.py`; in a notebook the cells already ran the steps."""
        if not in_notebook():
            sys.exit(self.main())


class Context:
    """What a step works with: language, values, output folder, progress and claims."""

    def __init__(
        self, lesson: Lesson, lang: str, quick: bool, out: Path, values: dict[str, Any]
    ) -> None:
        self.lesson = lesson
        self.lang = lang
        self.text = Text(lesson.name, lang)
        self.quick = quick
        self.out = out
        self.values = values  # the exercise values, CHANGE_ME with the command line's changes
        self.claims: dict[str, Any] = {"files": []}
        self.state = SimpleNamespace()  # what a step leaves for the next ones
        self.done: set[int] = set()  # the exercises done
        self._said_once: set[str] = set()
        # Progress bars while training, only where someone watches: a terminal or a notebook.
        self.progress_bars = in_notebook() or sys.stderr.isatty()

    # -------------------------------------------------------------- words

    def t(self, key: str, **values: Any) -> str:
        """The text of `key` in the lesson's language, filled in."""
        return self.text(key, **values)

    def number(self, n: float) -> str:
        """A whole number written the language's way: 2,832 in English, 2 832 in French."""
        separator = self.t("one_thousand").strip("0123456789")
        return f"{round(n):,}".replace(",", separator)

    def say(self, key: str, **values: Any) -> None:
        """Print the text of `key`, filled in, followed by a blank line."""
        print(self.t(key, **values) + "\n")

    def say_once(self, key: str, **values: Any) -> None:
        """say(), but only the first time in this run (for advice such as what to install)."""
        if key not in self._said_once:
            self._said_once.add(key)
            self.say(key, **values)

    def show_names(self, names: Sequence[str], known: set[str] | frozenset = frozenset()) -> None:
        """Invented names, one a line, capitalised; a name that is in the data says so."""
        for name in names:
            note = self.t("known_name") if name in known else ""
            print(f"  {name.capitalize():<16}{note}".rstrip())
        print()

    def heading(self, key: str, **values: Any) -> None:
        """A step's title, underlined."""
        title = self.t(key, **values)
        print(f"\n{title}\n{'─' * len(title)}\n")

    def show(self, picture: str) -> None:
        """Print a table or chart made by the functions above, then a blank line."""
        print(picture + "\n")

    def header(self) -> None:
        number, title = self.lesson.number, self.t("title")
        banner = self.t("lesson_banner", number=number, title=title)
        print(f"{'═' * len(banner)}\n{banner}\n{'═' * len(banner)}\n")
        if self.quick:
            self.say("quick_mode")
        if self.values:
            example = next(iter(self.values))
            self.say(
                "values_intro", number=number, option=example.replace("_", "-"),
                value=self.values[example],
            )  # fmt: skip
            rows = [
                (key, repr(value), self.t("change_" + key)) for key, value in self.values.items()
            ]
            self.show(table([self.t("col_value"), "", self.t("col_try")], rows))

    def finish(self) -> None:
        """The end of a run: the files made and the exercises done."""
        files = self.claims["files"]
        if files:
            self.say("files_made", count=len(files), folder=self.out)
        total = self.lesson.exercises
        if total:
            self.say("final_progress", bar=self._bar(), done=len(self.done), total=total)

    # -------------------------------------------------------------- exercises and claims

    def check(self, number: int, done: bool, ok: str, hint: str, **values: Any) -> bool:
        """Tell the learner whether exercise `number` is done, with the progress so far."""
        label = self.t("exercise_label", number=number)
        if done:
            self.done.add(number)
            print(f"✅ {label} {self.t(ok, **values)}")
        else:
            print(f"💡 {label} {self.t(hint, **values)}")
        total = self.lesson.exercises
        print("   " + self.t("progress", bar=self._bar(), done=len(self.done), total=total))
        if done and len(self.done) == total:
            print("🏆 " + self.t("all_done"))
        print()
        self.claims["exercises_done"] = sorted(self.done)
        return done

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
        """`quick` in quick mode, else `full`: fewer names, fewer epochs."""
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
        display_file(path)
        return path

    def draw(self, root: Any, name: str, what: str, **options: Any) -> Path | None:
        """Draw the graph behind `root` to an SVG file, with draw(root, **options).

        Without Graphviz's `dot` program, the drawing is saved as an HTML page
        instead (viz.js draws it in the browser) and we say how to install Graphviz.
        """
        try:
            from autograd import GraphvizNotFound, draw, render, save_html
        except ImportError as err:  # an autograd without drawings
            self.say_once("no_drawing", error=err)
            return None
        path = self.out_file(name + ".svg")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a cut drawing says so in its own title
                drawing = draw(root, **options)
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
        figure.savefig(path, dpi=110)
        return self.saved(path, title)

    def loss_curves(self, losses: dict[str, Sequence[float]], name: str, title: str) -> None:
        """Losses per position, smoothed: a chart in the terminal, and a PNG when possible."""
        print(title)
        coarse = {label: smooth(values, points=30)[1] for label, values in losses.items()}
        self.show(line_chart(coarse))
        smoothed = {label: smooth(values, points=80) for label, values in losses.items()}
        self.plot(smoothed, name, title, self.t("axis_positions"), self.t("axis_loss"))
