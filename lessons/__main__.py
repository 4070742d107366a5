"""python -m lessons [N] [options]: list the lessons, or run lesson N."""

import argparse
import importlib
import sys

from lessons import LESSONS
from lessons.common import never_fail_on_unprintable_characters
from lessons.texts import Text, default_language, languages


def main(argv: list[str] | None = None) -> int:
    """List the lessons (no number) or run one; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    never_fail_on_unprintable_characters()
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--lang", choices=languages(), default=default_language())
    try:
        known, _ = options.parse_known_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    place = _number_place(argv)
    if place is None:
        print_list(known.lang)
        return 0
    number = int(argv[place])
    if number not in LESSONS:
        print_list(known.lang)
        print(Text("common", known.lang)("no_such_lesson", number=number), file=sys.stderr)
        return 2
    rest = argv[:place] + argv[place + 1 :]
    module = importlib.import_module(LESSONS[number])
    try:
        return module.lesson.main(rest)
    except SystemExit as exit_:  # argparse: --help, or an unknown option
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 2


def _number_place(argv: list[str]) -> int | None:
    """Where the lesson number is: first, or after --lang X / --quick."""
    i = 0
    while i < len(argv):
        if argv[i] == "--lang":
            i += 2
        elif argv[i].startswith("--lang=") or argv[i] == "--quick":
            i += 1
        else:
            return i if argv[i].isdigit() else None
    return None


def print_list(lang: str) -> None:
    """Each lesson's number and title, in `lang`."""
    common = Text("common", lang)
    print(common("list_header"))
    for number in sorted(LESSONS):
        print(f"  {number:>3}  {Text(f'lesson{number:02d}', lang)('title')}")
    print("\n" + common("list_footer"))


if __name__ == "__main__":
    sys.exit(main())
