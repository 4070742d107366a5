"""parse_args() without one trap of Python 3.11's argparse.

Given `--count=--`, argparse drops the "--" (its end-of-options mark) and sets
count to an empty list instead of refusing the value, so the program later fails
with a TypeError and a traceback. Newer Pythons refuse it; so do we, everywhere.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def parse_args(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """parser.parse_args(argv), with --option=-- refused as a missing value."""
    argv = sys.argv[1:] if argv is None else list(argv)
    for argument in argv:
        option, equals, value = argument.partition("=")
        if option.startswith("--") and equals and value == "--":
            parser.error(f"argument {option}: expected one value after '=', got '--'")
    return parser.parse_args(argv)


def at_least(option: str, value: int, minimum: int, meaning: str) -> int:
    """`value` itself, or a ValueError that names the option and what it means."""
    if value < minimum:
        raise ValueError(f"{option} is {meaning}: {minimum} or more, got {value}")
    return value
