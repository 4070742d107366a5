"""python -m lessons 7 --notebook: a lesson written as a Jupyter notebook, lesson07_fr.ipynb.

The lesson's source (lessons/<lang>/lessonNN.py, Jupytext's percent format) stays
the one thing a teacher edits: the notebook is written from it through Jupytext
each time it is asked for (lessons/kit/writer.py), never committed.

    python -m lessons 7 --notebook --lang fr     # writes lesson07_fr.ipynb, prints its path
    python -m lessons --notebook --out books     # every lesson (--quick: shorter runs)
"""

import argparse
import sys
from pathlib import Path

from autograd.files import SaveError
from lessons import all_lessons
from lessons.kit.source import LessonSourceError
from lessons.kit.writer import write_notebook as write_source_notebook
from lessons.texts import Text, default_language, languages


class NotebookError(RuntimeError):
    """A notebook that cannot be written; the message says why and what to do."""


def notebook_name(number: int, lang: str) -> str:
    """lesson07_fr.ipynb"""
    return f"lesson{number:02d}_{lang}.ipynb"


def write_notebook(number: int, lang: str, folder: str | Path = ".", quick: bool = False) -> Path:
    """Write lesson `number`'s notebook in `lang` into `folder`; return its path."""
    if number not in all_lessons():
        raise NotebookError(f"there is no lesson {number}; the lessons are {all_lessons()}")
    path = Path(folder) / notebook_name(number, lang)
    try:
        return write_source_notebook(number, lang, folder, quick)
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
