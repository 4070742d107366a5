"""Every word a learner reads in drawings and in the player has one home per language.

autograd/drawing/words/<lang>.txt (and model/words/<lang>.txt beside it) hold the
same keys with the same placeholders; French says "tu", writes 0,5 and puts a
space before ":", "?" and "!"; and a French page, stepped through in headless
Chromium, shows none of a list of English words.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from autograd import Value, draw, player, scope
from autograd.drawing.language import WORDS, languages, missing_keys, read_words, words
from model.cli.graph_player import WORDS as MODEL_WORDS
from model.cli.graph_player import position_player
from model.params import init_params
from tests.autograd.test_player_fit import lesson7_neuron

FOLDERS = {"autograd": WORDS, "model": MODEL_WORDS}
# Words an English page shows that a French page must not (whole words).
ENGLISH = ["values", "value", "leaves", "leaf", "inputs", "input", "hidden", "from", "Step",
           "Reset", "Play", "Click", "Note", "Forward", "Backward", "pass", "none", "rule",
           "operation", "grad now", "drawn", "handwritten", "largest", "difference", "Showing",
           "nearest", "Keys", "Avancez", "Cliquez", "vous"]  # fmt: skip
ENGLISH_WORD = re.compile("|".join(rf"\b{re.escape(w)}\b" for w in ENGLISH))
POINT = re.compile(r"\d\.\d")  # 0.5: French writes 0,5
# What a French page says, everywhere: the panel, the legend, the drawing's labels.
PAGE_TEXT = """document.body.innerText + "\\n" +
  [...document.querySelectorAll("#graph text")].map((t) => t.textContent).join("\\n")"""


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_key_is_in_every_language_with_the_same_placeholders(folder):
    place = FOLDERS[folder]
    assert languages() == ("en", "fr")
    assert missing_keys(None if folder == "autograd" else place) == []
    files = {lang: read_words(place.joinpath(f"{lang}.txt")) for lang in languages()}
    for key, english in files["en"].items():
        assert placeholders(files["fr"][key]) == placeholders(english), key


def test_a_missing_key_is_found_and_named(tmp_path):
    (tmp_path / "en.txt").write_text("[one]\nOne\n\n[two]\nTwo\n", "utf-8")
    (tmp_path / "fr.txt").write_text("[one]\nUn\n", "utf-8")
    assert missing_keys(tmp_path) == [f"{tmp_path}/fr.txt has no [two]"]


@pytest.mark.parametrize("folder", FOLDERS)
def test_french_says_tu_and_puts_a_space_before_colons(folder):
    french = read_words(Path(str(FOLDERS[folder])) / "fr.txt")
    for key, text in french.items():
        assert not re.search(r"\b\w+ez\b|\bvous\b", text), (key, text)  # "Avancez": vous
        assert not re.search(r"[^\s\d][:?!](\s|$)", text), (key, text)  # "Remarque:"


def test_words_write_numbers_the_language_s_way():
    french, english = words("fr"), words("en")
    assert french.short(-0.9241418199787566) == "-0,9241"
    assert english.short(-0.9241418199787566) == "-0.9241"
    assert french.counted("values", 2400) == "2\u202f400 valeurs"
    assert english.counted("values", 1) == "1 value"
    assert french.counted("stub_from", 32, scope="attention/qkv") == (
        "32 entrées venant de attention/qkv"
    )
    with pytest.raises(ValueError, match=r"lang must be one of \('en', 'fr'\), got 'de'"):
        words("de")
    with pytest.raises(KeyError, match=r"no words \[nothing\] in language 'fr'"):
        french("nothing")


def test_model_words_cannot_change_autograd_s(tmp_path):
    for lang in languages():
        (tmp_path / f"{lang}.txt").write_text("[title]\nanother title\n", "utf-8")
    with pytest.raises(ValueError, match=r"repeats \[title\], which autograd's words have"):
        words("fr", extra=(tmp_path,))


def test_a_french_drawing_has_french_captions_and_commas():
    xs = [Value(0.5 * i, f"x{i}") for i in range(2400)]
    with scope("layer"):
        total = Value.sum(x * 1.5 for x in xs)
    loss = (total + 1.0).log()
    boxes = draw(loss, group_by="scope", lang="fr").source
    assert "2\u202f400 valeurs" in boxes and "feuilles 2\u202f400" in boxes
    with pytest.warns(UserWarning, match="On montre les 200 valeurs les plus proches"):
        cut = draw(loss, lang="fr").source
    assert "entrées cachées" in cut and "(hors scope)" not in cut
    assert re.search(r"data \d+,\d", cut) and not POINT.search(cut)
    assert not ENGLISH_WORD.search(re.sub(r"max_nodes=None|group_by|focus=|scope=", "", cut))


@pytest.mark.parametrize("page", ["neuron", "scopes"])
def test_a_french_page_holds_no_english_word(chromium, tmp_path, page):
    if page == "neuron":
        shown = player(lesson7_neuron(), lang="fr")
    else:
        shown = position_player(init_params(), lang="fr")
    path = shown.save(tmp_path / "page.html")
    tab = chromium.open(path.as_uri(), size=(1280, 800))
    tab.wait_for("document.body.dataset.ready === '1'")
    texts = []
    for index in range(tab.evaluate("player.total") + 1):
        tab.evaluate(f"player.go({index})")
        texts.append(tab.evaluate(PAGE_TEXT))
    tab.click("#graph g.node[data-item='0']")  # the details of a value (a box) too
    texts.append(tab.evaluate(PAGE_TEXT))
    for text in texts:
        assert not ENGLISH_WORD.search(text), ENGLISH_WORD.search(text)
        assert not POINT.search(text), POINT.search(text)
    assert "Remarque : " in "".join(texts) or page == "neuron"
    assert re.search(r"\d,\d", texts[-1])  # numbers there are, with decimal commas
