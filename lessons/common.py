"""What every lesson shares: its texts, its exercises, its pictures.

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
import os
import re
import string
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from autograd import Value, topological_order
from model import manual
from model.data import BOUNDARY, VOCAB, encode
from model.params import Params

TEXT_DIR = Path(__file__).parent / "text"
DEFAULT_LANGUAGE = "en"
DEFAULT_OUT = "lesson_output"

# ---------------------------------------------------------------------------- texts
#
# One file per lesson per language: text/<lang>/lessonNN.txt, plus text/<lang>/common.txt
# for what all lessons say. A file is a list of sections:
#
#     [key]
#     Some text, with {placeholders} filled in by str.format.
#
# A line that starts with "#" is a note for translators, never printed.

_KEY_LINE = re.compile(r"^\[([A-Za-z0-9_.-]+)\]\s*$")


def parse_text(source: str, origin: str = "text") -> dict[str, str]:
    """The sections of a text file, key -> text (blank lines around each text removed)."""
    sections: dict[str, str] = {}
    key: str | None = None
    lines: list[str] = []

    def close() -> None:
        if key is not None:
            sections[key] = "\n".join(lines).strip("\n")

    for number, line in enumerate(source.splitlines(), start=1):
        if line.startswith("#"):
            continue
        match = _KEY_LINE.match(line)
        if match:
            close()
            key, lines = match.group(1), []
            if key in sections:
                raise ValueError(f"{origin}, line {number}: the key [{key}] appears twice")
        elif key is not None:
            lines.append(line.rstrip())
        elif line.strip():
            raise ValueError(f"{origin}, line {number}: text before the first [key]")
    close()
    return sections


def languages() -> list[str]:
    """The languages that have a folder in text/, e.g. ["en", "fr"]."""
    return sorted(p.name for p in TEXT_DIR.iterdir() if p.is_dir() and not p.name.startswith("_"))


def default_language(environ: dict[str, str] | None = None) -> str:
    """French when LANG starts with "fr" (fr_FR.UTF-8...), and so on; else English."""
    lang = (os.environ if environ is None else environ).get("LANG", "")[:2].lower()
    return lang if lang in languages() else DEFAULT_LANGUAGE


def read_sections(name: str, lang: str) -> dict[str, str]:
    """The sections of text/<lang>/<name>.txt."""
    path = TEXT_DIR / lang / f"{name}.txt"
    return parse_text(path.read_text(encoding="utf-8"), origin=str(path))


class Text:
    """The texts of one lesson in one language: text("key", x=1) gives the filled-in text."""

    def __init__(self, name: str, lang: str) -> None:
        if lang not in languages():
            raise ValueError(f"no texts in language {lang!r}; choose one of {languages()}")
        self.name, self.lang = name, lang
        self.sections = {**read_sections("common", lang), **read_sections(name, lang)}

    def __call__(self, key: str, **values: Any) -> str:
        try:
            template = self.sections[key]
        except KeyError:
            raise KeyError(f"no text [{key}] in text/{self.lang}/{self.name}.txt") from None
        return template.format(**values)


def placeholders(template: str) -> set[str]:
    """The names between braces in a template: "{x:.2f} and {y}" -> {"x", "y"}."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def text_problems() -> list[str]:
    """Every way the languages differ: a missing file, a missing key, other placeholders.

    A translator adds text/<lang>/ with the same files and keys; this says what is left.
    """
    langs = languages()
    files = sorted({p.stem for lang in langs for p in (TEXT_DIR / lang).glob("*.txt")})
    problems = []
    for lang in langs:  # a lesson's key must not hide one of common.txt by accident
        shared = read_sections("common", lang) if (TEXT_DIR / lang / "common.txt").exists() else {}
        for name in files:
            path = TEXT_DIR / lang / f"{name}.txt"
            if name != "common" and path.exists():
                for key in sorted(set(read_sections(name, lang)) & set(shared)):
                    problems.append(f"text/{lang}/{name}.txt repeats [{key}] of common.txt")
    for name in files:
        texts = {}
        for lang in langs:
            if (TEXT_DIR / lang / f"{name}.txt").exists():
                texts[lang] = read_sections(name, lang)
            else:
                problems.append(f"text/{lang}/{name}.txt is missing")
        keys = set().union(*texts.values())
        for lang, sections in texts.items():
            for key in sorted(keys - set(sections)):
                problems.append(f"text/{lang}/{name}.txt has no [{key}]")
            for key in sorted(set(sections) & keys):
                wanted = set().union(*(placeholders(s[key]) for s in texts.values() if key in s))
                if placeholders(sections[key]) != wanted:
                    problems.append(
                        f"text/{lang}/{name}.txt [{key}] uses {sorted(placeholders(sections[key]))}"
                        f", other languages use {sorted(wanted)}"
                    )
    return problems


# ---------------------------------------------------------------------------- pictures in text


MARKS = "*o+x#"  # one mark per curve of a line chart
EIGHTHS = " ▏▎▍▌▋▊▉█"  # a bar's last character, to an eighth of a character


def resample(values: Sequence[float], width: int) -> list[float]:
    """`width` points: the means of equal slices of `values` (or `values` if shorter)."""
    n = len(values)
    if n <= width:
        return [float(v) for v in values]
    return [
        sum(values[n * i // width : n * (i + 1) // width]) / (n * (i + 1) // width - n * i // width)
        for i in range(width)
    ]


def short(x: float) -> str:
    """A number for an axis label: 2 decimals, or powers of ten when it is huge."""
    return f"{x:.2f}" if abs(x) < 1e5 else f"{x:.2e}"


def line_chart(
    series: dict[str, Sequence[float]], width: int = 60, height: int = 12, fmt: str | None = None
) -> str:
    """A chart of one or more curves in characters, for the terminal (* for the first curve).

    `fmt` writes the axis labels, e.g. "{:.1f}"; by default 2 decimals, or 1.73e+176.
    """
    label = fmt.format if fmt else short
    columns = {name: resample(values, width) for name, values in series.items() if values}
    if not columns:
        return ""
    points = [v for values in columns.values() for v in values]
    low, high = min(points), max(points)
    if high - low < 1e-12:
        low, high = low - 0.5, high + 0.5
    span = width  # a curve with fewer points than columns is stretched
    grid = [[" "] * span for _ in range(height)]
    for mark, values in zip(MARKS, columns.values()):
        stretch = span / len(values)
        for i, v in enumerate(values):
            row = round((high - v) / (high - low) * (height - 1))
            for x in range(int(i * stretch), max(int(i * stretch) + 1, int((i + 1) * stretch))):
                grid[row][x] = mark
    labels = {0: label(high), height // 2: label((high + low) / 2), height - 1: label(low)}
    pad = max(len(text) for text in labels.values())
    lines = [
        f"{labels.get(r, ''):>{pad}} {'┤' if r in labels else '│'}{''.join(row)}"
        for r, row in enumerate(grid)
    ]
    lines.append(" " * pad + " └" + "─" * span)
    if len(columns) > 1:
        legend = "   ".join(f"{mark} {name}" for mark, name in zip(MARKS, columns))
        lines.append(" " * (pad + 2) + legend)
    return "\n".join(lines)


def bar_chart(
    rows: Sequence[tuple[str, float]],
    width: int = 30,
    fmt: str | Callable[[float], str] = "{:.1%}",
    marks: dict[int, str] | None = None,
) -> str:
    """Horizontal bars, the longest one `width` characters; `marks` adds a note to some rows.

    `fmt` writes each value: a format string, or a function such as Context.number.
    """
    write = fmt.format if isinstance(fmt, str) else fmt
    if not rows:
        return ""
    top = max(v for _, v in rows) or 1.0
    pad = max(len(label) for label, _ in rows)
    lines = []
    for i, (label, value) in enumerate(rows):
        eighths = max(0, round(value / top * width * 8))
        bar = "█" * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")
        note = f"  {marks[i]}" if marks and i in marks else ""
        lines.append(f"  {label:>{pad}} │{bar:<{width}} {write(value)}{note}")
    return "\n".join(lines)


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Columns aligned: text to the left, numbers to the right."""
    cells = [[str(h) for h in header]] + [[_cell(x) for x in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    numeric = [all(isinstance(row[i], (int, float)) for row in rows) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return (
            "  "
            + "  ".join(
                c.rjust(w) if num else c.ljust(w) for c, w, num in zip(row, widths, numeric)
            ).rstrip()
        )

    rule = "  " + "  ".join("─" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def equations(rows: Sequence[tuple[str, str] | tuple[str, str, str]]) -> str:
    """Lines "left = right   (note)", the = signs one under the other."""
    pad = max(len(row[0]) for row in rows)
    return "\n".join(
        f"  {row[0]:<{pad}} = {row[1]}" + (f"    ({row[2]})" if len(row) > 2 and row[2] else "")
        for row in rows
    )


def _cell(x: Any) -> str:
    if isinstance(x, bool):
        return "✓" if x else "✗"
    if isinstance(x, float):
        return f"{x + 0.0:.6g}"  # + 0.0 turns -0.0 into 0.0
    return str(x)


def smooth(losses: Sequence[float], points: int = 60) -> tuple[list[float], list[float]]:
    """A noisy loss per position as `points` means: (position at each mean's middle, mean)."""
    n = len(losses)
    k = max(1, n // points)
    xs, ys = [], []
    for start in range(0, n - k + 1, k):
        xs.append(start + k / 2)
        ys.append(sum(losses[start : start + k]) / k)
    return xs, ys


# ---------------------------------------------------------------------------- small graphs


def named(value: Value, label: str) -> Value:
    """Give a computed Value a name, so that printouts and drawings can say "p1"."""
    value.label = label
    return value


def formulas(root: Value) -> str:
    """Each computed value of the graph, inputs first, as a line: "p1 = w1 * x1 = 1.2"."""
    lines = []
    for node in topological_order(root):
        if not node._children:
            continue
        names = [child.label or f"{child.data:g}" for child in node._children]
        if node._op in ("+", "*"):
            expression = f" {node._op} ".join(names)
        elif node._op.startswith("**"):
            expression = f"{names[0]} ** {node._op[2:]}"
        elif node._op == "dot":
            half = len(names) // 2
            expression = f"dot([{', '.join(names[:half])}], [{', '.join(names[half:])}])"
        else:
            expression = f"{node._op}({names[0]})"
        lines.append(f"  {node.label or '?'} = {expression} = {node.data:.6g}")
    return "\n".join(lines)


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
