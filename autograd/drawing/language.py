"""The words a learner reads in drawings and in the backprop player, one file per language.

Every such word lives in words/<lang>.txt, a keyed text file a translator edits
without reading code:

    [key]
    Some text, with {placeholders} that the program fills in.

A line that starts with "#" is a note for translators. `model` and `lessons` keep
their own keys in files of the same format beside theirs (`extra=` folders).
Numbers are written the language's way, from two keys: [one_thousand] ("1,000"
or "1 000") and [one_and_a_half] ("1.5" or "1,5").
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path
from typing import Any

from autograd.drawing.numbers import short, write_number

WORDS = resources.files("autograd.drawing").joinpath("words")
_KEY_LINE = re.compile(r"^\[([A-Za-z0-9_.-]+)\]\s*$")


def parse_keyed(source: str, origin: str = "text") -> dict[str, str]:
    """The sections of a keyed text file, key -> text (blank lines around each text removed)."""
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


def languages() -> tuple[str, ...]:
    """The languages autograd speaks: one words/<lang>.txt each, e.g. ("en", "fr")."""
    return tuple(sorted(p.name[:-4] for p in WORDS.iterdir() if p.name.endswith(".txt")))


class Words:
    """Every word of one language: words("key", n=3) fills a text in; numbers the language's way."""

    def __init__(self, lang: str, sections: dict[str, str]) -> None:
        self.lang = lang
        self.sections = sections
        self.thousands = sections["one_thousand"].strip("0123456789")
        self.point = sections["one_and_a_half"].strip("0123456789")

    def __call__(self, key: str, **values: object) -> str:
        try:
            template = self.sections[key]
        except KeyError:
            raise KeyError(f"no words [{key}] in language {self.lang!r}") from None
        return template.format(**values)

    def write(self, formatted: str) -> str:
        """A number Python wrote ("2400.5", "1e-05") written the language's way."""
        return write_number(formatted, self.thousands, self.point)

    def short(self, x: float) -> str:
        """x to 4 significant digits, the language's way: 0.6 or 0,6 (see numbers.short)."""
        return self.write(short(x))

    def counted(self, key: str, n: int, **values: object) -> str:
        """words(key) for n things, from [key_one] when n is 1: "1 value", "2,400 values"."""
        chosen = f"{key}_one" if n == 1 and f"{key}_one" in self.sections else key
        return self(chosen, n=self.write(str(n)), **values)


def words(lang: str = "en", extra: tuple[str | Path, ...] = ()) -> Words:
    """The words of `lang`: autograd's, plus the keys of <folder>/<lang>.txt for each extra folder.

    An extra file may add keys, never change autograd's: one key, one home.
    """
    return _words(lang, tuple(str(folder) for folder in extra))


@functools.cache
def _words(lang: str, extra: tuple[str, ...]) -> Words:
    if not isinstance(lang, str) or lang not in languages():
        raise ValueError(f"lang must be one of {languages()}, got {lang!r}")
    sections = read_words(WORDS.joinpath(f"{lang}.txt"))
    for folder in extra:
        more = read_words(Path(folder) / f"{lang}.txt")
        for key in sorted(set(more) & set(sections)):
            raise ValueError(f"{folder}/{lang}.txt repeats [{key}], which autograd's words have")
        sections |= more
    return Words(lang, sections)


def read_words(path: Any) -> dict[str, str]:
    """The sections of one words file (`path`: a Path, or a file of the installed package)."""
    return parse_keyed(path.read_text(encoding="utf-8"), origin=str(path))


def missing_keys(folder: str | Path | None = None) -> list[str]:
    """What one language has and another lacks, in autograd's words or in `folder`'s."""
    place = WORDS if folder is None else Path(folder)
    files = {lang: read_words(place.joinpath(f"{lang}.txt")) for lang in languages()}
    every = set().union(*files.values())
    return [
        f"{place}/{lang}.txt has no [{key}]"
        for lang, sections in files.items()
        for key in sorted(every - set(sections))
    ]
