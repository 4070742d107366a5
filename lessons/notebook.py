"""A lesson as a Jupyter notebook, made from its `# %%` script and the texts of one language.

The script stays the one source: a notebook is written from it each time it is
asked for, never edited by hand, never committed (*.ipynb is in .gitignore).

    python -m lessons 7 --notebook --lang fr     # writes lesson07_fr.ipynb, prints its path
    python -m lessons --notebook --out books     # every lesson (--quick: shorter runs)

What the notebook holds, in reading order:
  - the lesson's title, and how to use a notebook (Markdown);
  - a cell that checks the project is installed, and else says how to install it;
  - the script's imports;
  - the values to change, one Markdown line each, then CHANGE_ME alone in its cell:
    the learner edits it, runs it, and runs the steps again;
  - the lesson made in the chosen language (lesson.configure);
  - for each step: its heading, exercise statements and what to remember in
    Markdown, then the step's code in its own cell.

The texts shown in Markdown are given to lesson.configure(markdown=...), so the
steps do not print them a second time. A text with {placeholders} is only known
when its step runs: it stays printed.
"""

import argparse
import ast
import importlib.metadata
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograd.files import SaveError, write_atomically
from lessons import all_lessons
from lessons.kit.source import LessonSourceError, notebook_first_lessons
from lessons.kit.writer import write_notebook as write_source_notebook
from lessons.texts import Text, default_language, languages, placeholders

LESSON_DIR = Path(__file__).parent
CELL_MARK = "# %%"
EXERCISE_KEY = re.compile(r"exercise(\d+)$")
SUMMARY_KEY = "summary"  # "what to remember": the text of a lesson's last step
PROJECT = "minillm-autograd"  # the distribution name, as in pyproject.toml


class NotebookError(RuntimeError):
    """A notebook that cannot be written; the message says why and what to do."""


# ---------------------------------------------------------------------------- the script


def script_cells(source: str) -> list[str]:
    """The code of each `# %%` cell of a script, in order, without its mark line.

    What comes before the first mark, the module's docstring, is for readers of the
    .py file: the notebook has its own first cell.
    """
    cells: list[list[str]] = []
    for line in source.splitlines():
        if line.startswith(CELL_MARK):
            cells.append([])
        elif cells:
            cells[-1].append(line)
    return ["\n".join(lines).strip("\n") for lines in cells]


@dataclass
class StepTexts:
    """The texts a step cell prints with literal keys, in reading order."""

    printed: list[tuple[str, str]] = field(default_factory=list)  # ("heading" | "say", key)
    text_only: bool = True  # the step does nothing but print texts (a heading, a summary)


def step_texts(code: str) -> StepTexts | None:
    """What the steps of a cell print with literal keys; None when the cell has no step."""
    steps = [node for node in ast.parse(code).body if _is_lesson_step(node)]
    if not steps:
        return None
    calls = [
        (node, key) for step in steps for node in ast.walk(step) if (key := _printed_key(node))
    ]
    calls.sort(key=lambda call: (call[0].lineno, call[0].col_offset))  # walk() is not in order
    text_only = all(
        _is_text_call(statement) or _is_docstring(statement)
        for step in steps
        for statement in step.body
    )
    return StepTexts([key for _, key in calls], text_only)


def _is_lesson_step(node: ast.stmt) -> bool:
    """A function decorated with @lesson.step."""
    return isinstance(node, ast.FunctionDef) and any(
        isinstance(decorator, ast.Attribute) and decorator.attr == "step"
        for decorator in node.decorator_list
    )


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def _is_text_call(statement: ast.stmt) -> bool:
    """ctx.heading("key") or ctx.say("key"), with nothing to fill in."""
    call = statement.value if isinstance(statement, ast.Expr) else None
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in ("heading", "say")
        and _printed_key(call) is not None
        and not call.keywords
    )


def _printed_key(node: ast.AST) -> tuple[str, str] | None:
    """("heading" | "say", key) for ctx.heading("key"), ctx.say("key") and ctx.ask(N, ...)."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args):
        return None
    method, first = node.func.attr, node.args[0]
    if not isinstance(first, ast.Constant):
        return None
    if method in ("heading", "say") and isinstance(first.value, str):
        return method, first.value
    if method == "ask" and isinstance(first.value, int):  # ask(N, ...) prints exerciseN
        return "say", f"exercise{first.value}"
    return None


def split_change_me(code: str) -> tuple[str, str]:
    """The `CHANGE_ME = {...}` statement alone, and the rest of its cell (the Lesson)."""
    lines = code.splitlines()
    for node in ast.parse(code).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "CHANGE_ME" for target in node.targets
        ):
            end = node.end_lineno or node.lineno
            values = "\n".join(lines[node.lineno - 1 : end])
            rest = lines[: node.lineno - 1] + lines[end:]
            # The script's hint for notebooks is what the generated cell does: drop it.
            rest = [line for line in rest if "lesson.configure(" not in line]
            return values, "\n".join(rest).strip("\n")
    raise NotebookError("the lesson script has no CHANGE_ME = {...} statement")


# ---------------------------------------------------------------------------- Markdown


def markdown(text: str) -> str:
    """A lesson text as Markdown: prose reflows, indented lines keep their layout.

    The texts are written for a terminal: an indented block (a formula, an aligned
    list) becomes a code block, so that its columns stay where they are.
    """
    out: list[str] = []
    block: list[str] = []

    def close_block() -> None:
        if block:
            out.extend(["```text", *block, "```"])
            block.clear()

    for line in text.splitlines():
        if line.startswith("  ") and line.strip():
            block.append(line)
            continue
        close_block()
        out.append(_prose(line))
    close_block()
    return "\n".join(out).strip("\n")


def _prose(line: str) -> str:
    """A line of text as Markdown that shows it as it is: "a * b" is no emphasis.

    Outside `code spans`, * is escaped and < is written &lt; ("<- the right letter"
    is no HTML tag); inside them, Markdown already shows every character.
    """
    parts = line.split("`")
    for i in range(0, len(parts), 2):  # the even parts are outside the code spans
        parts[i] = parts[i].replace("*", "\\*").replace("<", "&lt;")
    return "`".join(parts)


class NotebookTexts:
    """The texts of one lesson in one language, as the notebook's Markdown uses them."""

    def __init__(self, number: int, lang: str) -> None:
        self.text = Text(f"lesson{number:02d}", lang)
        self.common = Text("common", lang)
        self.shown: list[str] = []  # the keys put in Markdown, in order

    def fixed(self, key: str) -> bool:
        """True when the text of `key` exists and has no {placeholder} to fill in at run time."""
        template = self.text.sections.get(key)
        return template is not None and not placeholders(template)

    def show(self, key: str) -> str:
        """The Markdown of a text, remembered as shown (the step will not print it again)."""
        self.shown.append(key)
        return markdown(self.text(key))

    def for_step(self, found: StepTexts) -> str:
        """A step's Markdown: its headings, then its exercise statements and summary.

        A step that only prints texts has every one of them here, in its order.
        """
        fixed = [(method, key) for method, key in found.printed if self.fixed(key)]
        if not found.text_only:
            headings = [item for item in fixed if item[0] == "heading"]
            fixed = headings + [item for item in fixed if _belongs_in_markdown(item[1])]
        parts = []
        for method, key in fixed:
            exercise = EXERCISE_KEY.match(key)
            if method == "heading":
                parts.append(f"## {self.show(key)}")
            elif exercise:
                label = self.text("exercise_label", number=int(exercise.group(1)))
                parts.append(f"**{label}** {self.show(key)}")
            else:
                parts.append(self.show(key))
        return "\n\n".join(parts)


def _belongs_in_markdown(key: str) -> bool:
    """Exercise statements and what to remember are read before a step's code runs."""
    return key == SUMMARY_KEY or EXERCISE_KEY.match(key) is not None


# ---------------------------------------------------------------------------- the notebook


def install_hint(lang: str) -> str:
    """One line: how to install the project, from a clone or (in Colab) from its repository."""
    common = Text("common", lang)
    address = repository() or common("notebook_repository_unknown")
    return common("notebook_install", repository=address)


def repository() -> str | None:
    """The project's repository address, from its metadata (Project-URL), if it has one."""
    try:
        urls = importlib.metadata.metadata(PROJECT).get_all("Project-URL") or []
    except importlib.metadata.PackageNotFoundError:
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("repository", "source", "homepage"):
            return url.strip()
    return None


def install_check(lang: str) -> str:
    """The first code cell: if the project is missing, one line says how to install it.

    Jupyter shows what _render_traceback_ returns instead of a traceback, and stops
    "Run All" there, as for any error.
    """
    return (
        "# Is the project installed in this notebook's Python? If not: how to install it.\n"
        "try:\n"
        "    import lessons  # noqa: F401\n"
        "except ImportError:\n\n"
        "    class NotInstalled(Exception):\n"
        "        def _render_traceback_(self) -> list[str]:  # the message, no traceback\n"
        "            return [str(self)]\n\n"
        f"    raise NotInstalled({install_hint(lang)!r}) from None\n"
        f"print({Text('common', lang)('notebook_installed')!r})"
    )


def values_markdown(texts: NotebookTexts, change_me: dict[str, Any]) -> str:
    """The values to change: what each one does, and how to try another value."""
    common = texts.common
    lines = [f"## {common('notebook_values_title')}", "", common("notebook_values"), ""]
    for key, value in change_me.items():
        lines.append(f"- `{key}` = `{value!r}` — {texts.text('change_' + key)}")
    return "\n".join(lines)


def build_notebook(number: int, lang: str, quick: bool = False) -> Any:
    """The notebook of lesson `number` in `lang` (an nbformat NotebookNode)."""
    v4 = require_nbformat().v4
    texts = NotebookTexts(number, lang)
    cells = script_cells((LESSON_DIR / f"lesson{number:02d}.py").read_text(encoding="utf-8"))
    steps = {i: found for i, code in enumerate(cells) if (found := step_texts(code)) is not None}
    if not steps or not any("CHANGE_ME = {" in code for code in cells):
        raise NotebookError(f"lesson {number}'s script needs a CHANGE_ME cell and steps")
    texts.shown += ["title", "values_intro"]  # the first cell and the values cell say them
    banner = texts.text("lesson_banner", number=number, title=texts.text("title"))
    book = [
        v4.new_markdown_cell(f"# {banner}\n\n{texts.common('notebook_intro', number=number)}"),
        v4.new_code_cell(install_check(lang)),
    ]
    lesson_cell = None
    for i, code in enumerate(cells):
        if i in steps:
            if i == max(steps):
                code += "\n\n\nlesson.finish()  # the pictures made and the exercises done"
            words = texts.for_step(steps[i])
            book += [v4.new_markdown_cell(words)] if words else []
            book.append(v4.new_code_cell(code, metadata={"minillm": {"step": True}}))
        elif lesson_cell is None and "CHANGE_ME = {" in code:
            values, lesson_code = split_change_me(code)
            change_me = ast.literal_eval(values.split("=", 1)[1].strip())
            lesson_cell = v4.new_code_cell(lesson_code)  # the configure line comes at the end
            book += [
                v4.new_markdown_cell(values_markdown(texts, change_me)),
                v4.new_code_cell(values),  # alone in its cell: the learner edits it, runs it
                lesson_cell,
            ]
        elif code:
            book.append(v4.new_code_cell(code))
    lesson_cell.source += "\n\n" + configure_line(lang, quick, texts.shown)
    notebook = v4.new_notebook(cells=book)
    notebook.metadata.update(
        kernelspec={"name": "python3", "display_name": "Python 3", "language": "python"},
        language_info={"name": "python"},
        minillm={"lesson": number, "lang": lang, "quick": quick},
    )
    return notebook


def configure_line(lang: str, quick: bool, shown: list[str]) -> str:
    """lesson.configure(...): the language, quick mode, guesses asked, texts in Markdown."""
    keys = textwrap.fill(
        ", ".join(f'"{key}"' for key in shown), width=88, initial_indent=" " * 8,
        subsequent_indent=" " * 8,
    )  # fmt: skip
    return (
        "# This notebook's language; quick=True for shorter runs, verbose=True for every table.\n"
        "# Guesses are asked under their cell; the texts above in Markdown are not printed again.\n"
        "lesson.configure(\n"
        f'    lang="{lang}", quick={quick}, interactive=True,\n'
        f"    markdown=[\n{keys}\n    ],\n"
        ")"
    )


def require_nbformat() -> Any:
    """The nbformat package, or an error that says how to install it."""
    try:
        import nbformat
    except ImportError:
        raise NotebookError(
            "writing notebooks needs the nbformat package: pip install -e '.[notebooks]'"
        ) from None
    return nbformat


def notebook_name(number: int, lang: str) -> str:
    """lesson07_fr.ipynb"""
    return f"lesson{number:02d}_{lang}.ipynb"


def write_notebook(number: int, lang: str, folder: str | Path = ".", quick: bool = False) -> Path:
    """Write lesson `number`'s notebook in `lang` into `folder`; return its path."""
    if number not in all_lessons():
        raise NotebookError(f"there is no lesson {number}; the lessons are {all_lessons()}")
    folder = Path(folder)
    path = folder / notebook_name(number, lang)
    nbformat = require_nbformat()
    try:
        if number in notebook_first_lessons():  # Jupytext writes it from lessons/<lang>/
            return write_source_notebook(number, lang, folder, quick)
        notebook = build_notebook(number, lang, quick)
        return write_atomically(path, lambda f: nbformat.write(notebook, f))
    except SaveError as err:
        raise NotebookError(f"cannot write the notebook: {err}") from None
    except OSError as err:
        raise NotebookError(f"cannot write {path}: {err.strerror or err}") from None


# ---------------------------------------------------------------------------- command line


def main(argv: list[str]) -> int:
    """python -m lessons [N] --notebook [--lang fr] [--out DIR] [--quick]; prints the paths."""
    first = argparse.ArgumentParser(add_help=False)  # the language of the help and errors
    first.add_argument("--lang", default=default_language())
    lang = first.parse_known_args(argv)[0].lang
    common = Text("common", lang if lang in languages() else default_language())
    parser = argparse.ArgumentParser(
        prog="python -m lessons", description=common("notebook_description"),
        usage="%(prog)s [N] --notebook [--lang LANG] [--out FOLDER] [--quick]",
    )  # fmt: skip
    parser.add_argument("number", nargs="?", type=int, help=common("notebook_option_number"))
    parser.add_argument("--notebook", action="store_true", help=common("notebook_option"))
    parser.add_argument("--lang", choices=languages(), default=default_language(),
                        help=common("option_lang"))  # fmt: skip
    parser.add_argument("--out", default=".", help=common("notebook_option_out"))
    parser.add_argument("--quick", action="store_true", help=common("notebook_option_quick"))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, or an option it does not know (already said)
        return 0 if exit_.code in (0, None) else 2
    if args.number is not None and args.number not in all_lessons():
        numbers = ", ".join(str(n) for n in all_lessons())
        print(common("notebook_no_such_lesson", number=args.number, numbers=numbers),
              file=sys.stderr)  # fmt: skip
        return 2
    numbers = all_lessons() if args.number is None else [args.number]
    try:
        for number in numbers:
            print(write_notebook(number, args.lang, args.out, args.quick))
    except (NotebookError, LessonSourceError) as err:
        print(f"python -m lessons: {err}", file=sys.stderr)
        return 2
    return 0
