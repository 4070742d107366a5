"""python -m lessons [N] [options]: list the lessons, run lesson N; --notebook, --site DIR."""

import argparse
import io
import sys

from lessons import all_lessons, progress
from lessons.kit.session import DEFAULT_OUT
from lessons.kit.source import title as source_title
from lessons.kit.terminal import main as run_source
from lessons.texts import Text, default_language, languages
from model.helpers.closed_output import quiet_when_output_closes

FLAGS = ("--quick", "--verbose", "--reset", "--retrain", "--interactive", "--no-interactive")


@quiet_when_output_closes  # python -m lessons 7 | head -3: end quietly
def main(argv: list[str] | None = None) -> int:
    """List the lessons (no number) or run one; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    never_fail_on_unprintable_characters()
    if "--notebook" in argv:  # write notebooks rather than run a lesson (notebook.py)
        from lessons.notebook import main as write_notebooks

        return write_notebooks(argv)
    if "--site" in argv or any(arg.startswith("--site=") for arg in argv):
        from lessons.site.command import main as build_site  # the browser site (lessons/site/)

        return build_site(argv)
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--lang", choices=languages(), default=default_language())
    options.add_argument("--out", default=DEFAULT_OUT)
    options.add_argument("--reset", action="store_true")
    try:
        known, _ = options.parse_known_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    place = _number_place(argv)
    if place is None:
        if known.reset:  # python -m lessons --reset: every lesson starts again
            progress.reset(known.out)
            print(Text("common", known.lang)("list_reset", file=progress.progress_path(known.out)))
        print_list(known.lang, known.out)
        return 0
    number = int(argv[place]) if argv[place].isdecimal() else argv[place]  # "²" is no int
    if number not in all_lessons():
        print_list(known.lang)
        print(Text("common", known.lang)("no_such_lesson", number=number), file=sys.stderr)
        return 2
    rest = argv[:place] + argv[place + 1 :]
    try:  # lessons/<lang>/lessonNN.py, run by kit/terminal.py
        return run_source(number, rest)
    except SystemExit as exit_:  # argparse: --help, or an unknown option
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 2


def never_fail_on_unprintable_characters() -> None:
    """A console that cannot print "é" or "█" shows "?" instead of stopping the lesson."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")


def _number_place(argv: list[str]) -> int | None:
    """Where the lesson number is (or what stands in its place: "abc" is no lesson, not none).

    It comes first, or after options such as --lang X, --quick.
    """
    i = 0
    while i < len(argv):
        if argv[i] in ("--lang", "--out"):
            i += 2
        elif argv[i].startswith(("--lang=", "--out=")) or argv[i] in FLAGS:
            i += 1
        else:
            return None if argv[i].startswith("-") else i  # an unknown option: the list
    return None


def print_list(lang: str, out: str = DEFAULT_OUT) -> None:
    """Each lesson's number and title, in `lang`, with the exercises done (kept in `out`)."""
    common = Text("common", lang)
    done = progress.load_progress(out)
    titles = {number: source_title(number, lang) for number in all_lessons()}
    width = max(len(title) for title in titles.values())
    print(common("list_header"))
    for number in all_lessons():
        entry = done.get(f"lesson{number:02d}", {})
        total, count = entry.get("total", 0), len(entry.get("done", []))
        bar = "🟩" * count + "⬜" * (total - count)
        state = common("list_progress", bar=bar, done=count, total=total) if total else ""
        print(f"  {number:>3}  {titles[number]:<{width}}  {state or common('list_not_started')}")
    print("\n" + common("list_footer"))


if __name__ == "__main__":
    sys.exit(main())
