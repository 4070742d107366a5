"""The data: names, the 27-character vocabulary, and training examples.

A name like "pikachu" becomes ".pikachu." : the dot marks both where a name
starts and where it ends. Every letter after the first dot is one example: the
model sees the letters before it (at most `context` of them) and must guess it.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path

from autograd.files import read_text

VOCAB = ".abcdefghijklmnopqrstuvwxyz"  # id 0 is ".", then a=1 ... z=26
BOUNDARY = "."
CHAR_TO_ID = {ch: i for i, ch in enumerate(VOCAB)}
BOM = "\ufeff"  # the byte order mark some editors write at the start of a UTF-8 file
MAX_NAME_LENGTH = 64  # the longest Pokémon name has 12 letters


def encode(text: str) -> list[int]:
    """Characters to ids; an unknown character is an error that names it."""
    ids = []
    for position, ch in enumerate(text):
        if ch not in CHAR_TO_ID:
            raise ValueError(
                f"character {ch!r} at position {position} of {text!r} is not in the "
                f"vocabulary; use only '.' and the letters a to z"
            )
        ids.append(CHAR_TO_ID[ch])
    return ids


def decode(ids: Sequence[int]) -> str:
    """Ids back to characters."""
    return "".join(VOCAB[i] for i in ids)


def clean_name(line: str) -> str:
    """Lower-case, and strip accents: 'Évoli' -> 'evoli' (é is e + a combining accent)."""
    decomposed = unicodedata.normalize("NFKD", line.strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def load_names(path: str | Path | None = None) -> list[str]:
    """The course's ~1,000 Pokémon names, or one name a line from your own file."""
    if path is None:
        text = resources.files("model").joinpath("data/pokemon.txt").read_text("utf-8")
        source = "the built-in names"
    else:
        if not str(path):
            raise ValueError("the names file is empty: give a file, e.g. names.txt")
        try:
            text = read_text(path, "names.txt").removeprefix(BOM)  # Notepad starts with one
        except FileNotFoundError:
            raise FileNotFoundError(f"names file not found: {path}") from None
        except UnicodeDecodeError as err:
            raise ValueError(f"{path} is not UTF-8 text ({err.reason}); save it as UTF-8") from None
        source = str(path)
    names = []
    for number, line in enumerate(lines(text), start=1):
        name = clean_name(line)
        if not name:
            continue  # empty lines are skipped
        problem = name_problem(name, line.strip())
        if problem:
            raise ValueError(f"{source}, line {number}: {problem}")
        names.append(name)
    if not names:
        raise ValueError(f"{source} has no names: write one name a line")
    return names


def lines(text: str) -> list[str]:
    """The lines of a text file, cut at line ends only (\\n, \\r\\n, \\r).

    str.splitlines() also cuts at \\v, \\f, \\x1c-\\x1e, \\x85 and U+2028/U+2029:
    the line numbers of errors would then not be the editor's.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def name_problem(name: str, as_written: str | None = None) -> str | None:
    """Why a cleaned name cannot be trained on, in words; None when it can.

    A name longer than MAX_NAME_LENGTH is refused: it is most likely not a name
    (a paragraph, a file that is not one name a line), and each of its letters
    would be one more position to learn before the epoch can end.
    """
    shown = as_written if as_written is not None else name
    if len(name) > MAX_NAME_LENGTH:
        return (
            f"{shown[:20]!r}... is {len(name):,} characters long, too long for a name "
            f"(at most {MAX_NAME_LENGTH}); write one name a line"
        )
    for ch in name:
        if ch not in CHAR_TO_ID or ch == BOUNDARY:
            return (
                f"character {ch!r} in {shown!r} cannot be used; names may contain only "
                "the letters a to z (accents are removed)"
            )
    return None


def check_names(names: Sequence[str]) -> list[str]:
    """The names as a list, or a ValueError that says which one cannot be trained on."""
    names = list(names)
    if not names:
        raise ValueError("no names to train on")
    for number, name in enumerate(names):
        if not isinstance(name, str) or not name:
            raise ValueError(f"names[{number}] is {name!r}: every name must be a non-empty string")
        problem = name_problem(name)
        if problem:
            raise ValueError(f"names[{number}]: {problem}; clean_name() lowers and strips accents")
    return names


def fingerprint(names: Sequence[str]) -> str:
    """A short digest of the names, in order: a checkpoint keeps it to notice other names."""
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]


def examples(name: str, context: int) -> Iterator[tuple[list[int], int]]:
    """(window, target) pairs of one name: the last `context` ids, then the next id."""
    ids = encode(BOUNDARY + name + BOUNDARY)
    for i in range(1, len(ids)):
        yield ids[max(0, i - context) : i], ids[i]


def count_positions(names: Sequence[str]) -> int:
    """How many examples the names give: one per letter plus one for the final dot."""
    return sum(len(name) + 1 for name in names)
