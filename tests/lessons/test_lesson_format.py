"""How the lessons write: one number format per language, scientific notation explained once,
pictures labelled in the lesson's language, and short by default (--verbose shows it all)."""

from __future__ import annotations

import re

import pytest

from lessons import LESSONS
from lessons.__main__ import main
from lessons.texts import Text, scientific_parts, write_number

NARROW = "\u202f"  # the French thousands separator, a narrow no-break space


@pytest.mark.parametrize(
    ("python", "english", "french"),
    [
        ("2832", "2,832", f"2{NARROW}832"),
        ("-2832.50", "-2,832.50", f"-2{NARROW}832,50"),
        ("-0", "0", "0"),  # minus zero teaches nothing
        ("-0.000", "0.000", "0,000"),
        ("-1.4e-17", "-1.4e-17", "-1,4e-17"),  # small, not zero: the sign stays
        ("25.4%", "25.4%", f"25,4{NARROW}%"),
        ("07", "07", "07"),  # zero-padded, as in lesson07.py
        ("1.73e+176", "1.73e+176", "1,73e+176"),
    ],
)
def test_numbers_are_written_the_language_s_way(python, english, french):
    assert write_number(python) == english
    assert write_number(python, NARROW, ",", f"{NARROW}%") == french
    assert Text("common", "fr").write(python) == french
    assert Text("common", "en").write(python) == english


def test_texts_write_their_numbers_the_language_s_way():
    assert Text("lesson09", "fr")("exercise2_answer", n=8, dots=371) == (
        "107 + 33 × 8 = 371 produits scalaires."
    )
    assert Text("common", "fr").number(2832.5, ",.1f") == f"2{NARROW}832,5"
    assert Text("common", "en").number(-0.0, "g") == "0"


def test_scientific_notation_is_explained_with_its_meaning():
    parts = scientific_parts("1.4e-17")
    assert parts["power"] == -17 and parts["places"] == 17
    assert parts["small"] == "0.000000000000000014"
    assert float(parts["small"]) == 1.4e-17
    assert scientific_parts("1,73e+176", ",")["small"] == ""  # too big to write out


def run(number: int, lang: str, out, capsys, *options: str) -> str:
    assert main([str(number), "--lang", lang, "--quick", "--out", str(out), *options]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_first_number_in_scientific_notation_is_explained_once(lang, tmp_path, capsys):
    printed = run(8, lang, tmp_path, capsys)
    note = Text("common", lang)("scientific_note", example="X", mantissa="", power="", how="")
    words = note.split("X", 1)[1].splitlines()[0]  # " is scientific notation, the way..."
    assert printed.count(words) == 1
    first = re.search(r"\d[.,]?\d*e[-+]\d+", printed)
    explained = printed.index(words)
    assert first.start() < explained  # right after its first appearance
    assert first.group(0) in printed[explained - 40 : explained]  # and about that number


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_lesson_has_one_number_format_and_no_minus_zero(lang, tmp_path, capsys):
    counts = run(9, lang, tmp_path, capsys)
    written = Text("common", lang).number(2400, ",")
    assert written in counts and "2400" not in counts.replace("2400 values", "")
    if lang == "fr":
        assert "0,5" in run(8, lang, tmp_path, capsys) and " 0.5 " not in counts


def test_the_pictures_speak_the_lesson_s_language(tmp_path, capsys):
    run(9, "fr", tmp_path, capsys)
    scopes = (tmp_path / "lesson09_scopes.svg").read_text(encoding="utf-8")
    assert "valeurs" in scopes and "feuilles" in scopes
    assert not re.search(r"\bvalues\b|\bleaves\b", scopes)
    assert f"2{NARROW}400" in scopes or "2&#8239;400" in scopes
    run(8, "fr", tmp_path, capsys)
    graph = (tmp_path / "lesson08_graph.svg").read_text(encoding="utf-8")
    assert "grad 0,125" in graph  # drawn after backward(): the real gradients


# Lines a lesson prints by default (without --verbose), at most: a lesson fits in a screenful
# or two, and --verbose shows every table.
LIMIT = 120


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("number", sorted(LESSONS))
def test_a_lesson_is_short_by_default(number, lang, tmp_path, capsys):
    if number == 11:  # PyTorch is an optional extra
        pytest.importorskip(
            "torch", reason="lesson 11 needs the torch extra: pip install '.[torch]'"
        )
    short = run(number, lang, tmp_path, capsys)
    lines = short.splitlines()
    assert len(lines) <= LIMIT, len(lines)
    assert "--verbose" in "\n".join(lines[-4:])  # it says that --verbose shows the rest


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("number", [8, 9])
def test_verbose_shows_every_table(number, lang, tmp_path, capsys):
    short = run(number, lang, tmp_path, capsys)
    full = run(number, lang, tmp_path, capsys, "--verbose")
    assert len(full.splitlines()) > len(short.splitlines())
    assert "--verbose" not in full.split("═\n", 2)[-1][-400:]  # nothing left out


def test_the_7_steps_are_one_line_each_and_every_quantity_with_verbose(tmp_path, capsys):
    """Lesson 9 lists each handwritten step on one line; --verbose, each of its quantities."""
    short = run(9, "en", tmp_path, capsys)
    full = run(9, "en", tmp_path, capsys, "--verbose")
    step_6 = next(line for line in short.splitlines() if line.startswith("  6 attention"))
    assert "d_scores" in step_6 and "attention/output" in step_6
    table = short.split("\n  step  ", 1)[1].split("\n\n", 1)[0]  # the table of the 7 steps
    assert len(table.splitlines()) == 2 + 7 + 1  # attention's names and scopes take 2 lines
    assert max(len(line) for line in table.splitlines()) <= 100
    assert "  7 embeddings  d_hidden, tok_emb, pos_emb" in short
    assert "4×16" not in short and "4×16" in full  # the shapes, quantity by quantity
