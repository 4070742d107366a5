"""The texts: every language has the same keys and placeholders; the loader and helpers."""

from __future__ import annotations

import re

import pytest

from lessons.pictures import bar_chart, line_chart, resample
from lessons.texts import (
    TEXT_DIR,
    Text,
    default_language,
    languages,
    parse_text,
    placeholders,
    text_problems,
)


def test_every_language_has_the_same_keys_and_placeholders():
    assert languages() == ["en", "fr"]
    assert text_problems() == []


def test_text_problems_names_what_a_translator_left_out(tmp_path, monkeypatch):
    for lang, body in {"en": "[a]\nHello {name}\n\n[b]\nBye\n", "xx": "[a]\nSalut {nom}\n"}.items():
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "lesson99.txt").write_text(body, encoding="utf-8")
    monkeypatch.setattr("lessons.texts.TEXT_DIR", tmp_path)
    problems = text_problems()
    assert any("xx/lesson99.txt has no [b]" in p for p in problems)
    assert any("[a] uses ['nom']" in p for p in problems)


def test_default_language_follows_LANG():
    assert default_language({"LANG": "fr_FR.UTF-8"}) == "fr"
    assert default_language({"LANG": "fr_CA"}) == "fr"
    assert default_language({"LANG": "en_US.UTF-8"}) == "en"
    assert default_language({"LANG": "de_DE.UTF-8"}) == "en"
    assert default_language({}) == "en"


def test_parse_text_reads_sections_and_skips_notes():
    sections = parse_text("# a note\n[one]\nfirst line\n\nsecond {x}\n\n[two.b]\n# note\nend\n")
    assert sections == {"one": "first line\n\nsecond {x}", "two.b": "end"}
    assert placeholders(sections["one"]) == {"x"}


@pytest.mark.parametrize(
    "source", ["[a]\nx\n[a]\ny\n", "text before any key\n[a]\nx\n"], ids=["twice", "orphan"]
)
def test_parse_text_refuses_what_a_translator_would_get_wrong(source):
    with pytest.raises(ValueError, match="line"):
        parse_text(source)


def test_a_missing_key_says_which_file():
    with pytest.raises(KeyError, match=r"fr/common\.txt"):
        Text("common", "fr")("no_such_key")


def test_french_texts_use_accents_and_no_ascii_fallbacks():
    french = "".join(p.read_text(encoding="utf-8") for p in (TEXT_DIR / "fr").glob("*.txt"))
    assert "é" in french and "à" in french
    assert not re.search(r"\b(lecon|entrainement|etape|deja)\b", french)


def test_charts_in_text():
    chart = line_chart({"a": [3.0, 2.0, 1.0], "b": [1.0, 1.5, 2.0]}, width=12, height=5)
    lines = chart.splitlines()
    assert lines[0].startswith("3.00") and "*" in lines[0] and "o" in chart
    assert lines[-1].strip() == "* a   o b"
    bars = bar_chart([("a", 0.5), ("b", 0.25)], width=8)
    assert bars.splitlines()[0].count("█") == 8 and bars.splitlines()[1].count("█") == 4
    assert resample([1, 2, 3, 4], 2) == [1.5, 3.5]
