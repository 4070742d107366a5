from __future__ import annotations

import pytest

from model.data import VOCAB, count_positions, decode, encode, examples, load_names


def test_vocabulary_is_dot_then_a_to_z():
    assert VOCAB[0] == "."
    assert VOCAB[1:] == "abcdefghijklmnopqrstuvwxyz"
    assert encode(".az") == [0, 1, 26]
    assert decode(encode(".pikachu.")) == ".pikachu."


def test_builtin_names_are_the_course_list(names):
    assert len(names) == 1023
    assert names[:3] == ["abo", "abra", "absol"]
    assert "pikachu" in names and "bulbizarre" in names
    assert count_positions(names) == 9412  # one per letter, plus the final "."


def test_examples_are_windows_of_at_most_context_ids():
    pairs = list(examples("pikachu", context=3))
    assert len(pairs) == len("pikachu") + 1
    assert pairs[0] == ([0], encode("p")[0])  # the start mark predicts the first letter
    assert pairs[3] == (encode("ik")[:0] + encode("pik"), encode("a")[0])
    assert pairs[-1] == (encode("chu"), 0)  # the last letters predict the end mark
    assert all(1 <= len(window) <= 3 for window, _ in pairs)


def test_user_file_is_cleaned(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("Évoli\n\n  PIKACHU  \nçà\n", encoding="utf-8")
    assert load_names(path) == ["evoli", "pikachu", "ca"]


def test_bad_character_names_it_the_line_and_the_file(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("abra\nmr. mime\n", encoding="utf-8")
    with pytest.raises(ValueError) as err:
        load_names(path)
    message = str(err.value)
    assert "line 2" in message and "'.'" in message and str(path) in message


def test_digit_is_rejected(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("porygon2\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"'2'.*line 1|line 1.*'2'"):
        load_names(path)


def test_empty_file_is_an_error(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("\n  \n", encoding="utf-8")
    with pytest.raises(ValueError, match="no names"):
        load_names(path)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="names file not found"):
        load_names(tmp_path / "nope.txt")


def test_unknown_character_in_encode_is_named():
    with pytest.raises(ValueError, match="'é'"):
        encode(".pé")
