"""The lessons' texts: one file per lesson and language, text/<lang>/lessonNN.txt.

Keeping every sentence out of the code lets a translator add a language by adding
files, without touching a lesson.
"""

import os
import re
import string
from pathlib import Path
from typing import Any

from autograd.drawing.language import parse_keyed
from autograd.drawing.numbers import write_number
from model.helpers.checks import is_real_number

TEXT_DIR = Path(__file__).parent / "text"
DEFAULT_LANGUAGE = "en"

# ---------------------------------------------------------------------------- texts
#
# One file per lesson per language: text/<lang>/lessonNN.txt, plus text/<lang>/common.txt
# for what all lessons say. A file is a list of sections:
#
#     [key]
#     Some text, with {placeholders} filled in by str.format.
#
# A line that starts with "#" is a note for translators, never printed.


def parse_text(source: str, origin: str = "text") -> dict[str, str]:
    """The sections of a text file, key -> text: the format of autograd's words files."""
    return parse_keyed(source, origin)


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


# ---------------------------------------------------------------------------- numbers
#
# One way to write numbers per language, taken from three texts of common.txt:
# [one_thousand] "1,000" or "1 000", [one_and_a_half] "1.5" or "1,5", [one_percent] "1%" or "1 %".
# write_number (autograd.drawing.numbers) writes them, for the drawings too.

SCIENTIFIC = re.compile(r"-?\d+(?:[.,]\d+)?e[-+]\d+")  # 1.4e-17, 1,73e+176


def scientific_parts(written: str, point: str = ".") -> dict[str, Any]:
    """What a number in scientific notation means, for the note that explains it.

    "1.4e-17" -> 1.4 times ten to the power -17: the point moves 17 places to the left.
    """
    mantissa, power = written.split("e")
    places = abs(int(power))
    example = "0" + point + "0" * (places - 1) + mantissa.lstrip("-").replace(point, "")
    return {
        "example": written, "mantissa": mantissa, "power": int(power), "places": places,
        "small": example if int(power) < 0 and places <= 20 else "",
    }  # fmt: skip


class _NumberFormatter(string.Formatter):
    """str.format, except that int and float values are written the language's way."""

    def __init__(self, write: Any) -> None:
        self.write = write

    def format_field(self, value: Any, format_spec: str) -> str:
        if is_real_number(value):
            return self.write(format(value, format_spec))
        return super().format_field(value, format_spec)


class Text:
    """The texts of one lesson in one language: text("key", x=1) gives the filled-in text.

    Numbers in the values are written the language's way: text("k", n=2832.5) with
    "{n:.1f}" gives "2,832.5" in English and "2 832,5" in French.
    """

    def __init__(self, name: str, lang: str) -> None:
        if lang not in languages():
            raise ValueError(f"no texts in language {lang!r}; choose one of {languages()}")
        self.name, self.lang = name, lang
        self.sections = {**read_sections("common", lang), **read_sections(name, lang)}
        self.thousands = self.sections.get("one_thousand", "1,000").strip("0123456789")
        self.point = self.sections.get("one_and_a_half", "1.5").strip("0123456789")
        self.percent = self.sections.get("one_percent", "1%").lstrip("0123456789")
        self._formatter = _NumberFormatter(self.write)

    def write(self, formatted: str) -> str:
        """A number formatted by Python, written the language's way (see write_number)."""
        return write_number(formatted, self.thousands, self.point, self.percent)

    def number(self, x: float, spec: str = "") -> str:
        """format(x, spec), written the language's way."""
        return self.write(format(x + 0.0 if isinstance(x, float) else x, spec))

    def __call__(self, key: str, **values: Any) -> str:
        try:
            template = self.sections[key]
        except KeyError:
            raise KeyError(f"no text [{key}] in text/{self.lang}/{self.name}.txt") from None
        return self._formatter.format(template, **values)


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
