"""gradcheck's settings and drawing's inputs: wrong ones are refused with a clear error."""

import math

import pytest

from autograd import Value, draw, gradcheck, render
from autograd.drawing.rendering import format_and_path


def square(a: Value) -> Value:
    return a * a


# ------------------------------------------------------------------ gradcheck


@pytest.mark.parametrize(
    ("settings", "error", "message"),
    [
        ({"atol": -1e-6}, ValueError, "atol must be a finite number >= 0"),
        ({"rtol": -1.0}, ValueError, "rtol must be a finite number >= 0"),
        ({"eps": 0}, ValueError, "eps must be a finite number > 0"),
        ({"eps": -1e-6}, ValueError, "eps must be a finite number > 0"),
        ({"eps": math.nan}, ValueError, "eps must be a finite number > 0"),
        ({"atol": math.inf}, ValueError, "atol must be a finite number >= 0"),
        ({"eps": 10**400}, ValueError, "eps must be a finite number > 0"),
        ({"eps": "1e-6"}, TypeError, "eps must be a number > 0"),
        ({"rtol": True}, TypeError, "rtol must be a number >= 0"),
    ],
)
def test_gradcheck_refuses_settings_that_make_its_verdict_meaningless(settings, error, message):
    with pytest.raises(error, match=message):
        gradcheck(square, [3.0], **settings)


def test_a_negative_tolerance_used_to_say_ok_for_a_wrong_gradient():
    def wrong(a: Value) -> Value:  # value a*a, but gradient 3 instead of 2a
        return Value(a.data * a.data, _children=(a,), _local_grads=(3.0,), _op="wrong")

    assert not gradcheck(wrong, [3.0], raise_on_failure=False).ok
    with pytest.raises(ValueError, match="atol"):
        gradcheck(wrong, [3.0], atol=-10.0, raise_on_failure=False)


def test_zero_tolerances_ask_for_an_exact_match_without_dividing_by_zero():
    exact = gradcheck(lambda a: a * 2.0, [0.0], atol=0, rtol=0, raise_on_failure=False)
    assert exact.ok and exact.abs_error == 0.0  # (2h - -2h) / 2h is 2 exactly
    curved = gradcheck(square, [3.0], atol=0, rtol=0, raise_on_failure=False)
    assert not curved.ok and curved.abs_error > 0


# ------------------------------------------------------------------ draw


@pytest.mark.parametrize("root", [5, 2.5, "loss", None, [Value(1.0)]])
def test_draw_needs_a_value(root):
    with pytest.raises(TypeError, match=r"draw: the root must be a Value.*got "):
        draw(root)


def test_draw_needs_a_value_to_focus_on():
    with pytest.raises(TypeError, match=r"draw: focus must be a Value, .* got int 3"):
        draw(Value(1.0) * 2.0, focus=3)


@pytest.mark.parametrize("label", [5, 2.5, None, ("w", 1)])
def test_a_label_that_is_not_text_is_named(label):
    w = Value(0.5, label)
    with pytest.raises(TypeError, match=r"a Value's label must be a str, got .* data 0\.5"):
        draw(w * 2.0)


def test_a_label_that_is_not_text_is_named_even_as_a_hidden_input():
    w = Value(0.5, 7)
    root = w
    for _ in range(6):
        root = root.relu()
    with pytest.raises(TypeError, match="got int 7"), pytest.warns(UserWarning, match="nearest"):
        draw(root, max_nodes=6)  # w is cut: the stub in its place names it by its label


# ------------------------------------------------------------------ render: the suffix is the truth


def test_a_png_path_with_format_svg_is_refused_and_nothing_is_written(tmp_path):
    with pytest.raises(ValueError, match=r"g\.png ends in \.png but format is svg"):
        render(draw(Value(1.0) * 2.0), tmp_path / "g.png", format="svg")
    assert list(tmp_path.iterdir()) == []


def test_a_suffix_no_format_has_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"g\.bmp ends in \.bmp, and no bmp file can be made"):
        render(draw(Value(1.0) * 2.0), tmp_path / "g.bmp")
    assert list(tmp_path.iterdir()) == []


def test_without_a_format_the_suffix_chooses_it(tmp_path):
    drawing = draw(Value(1.0, "x") * 2.0)
    assert render(drawing, tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert render(drawing, tmp_path / "g.gv").read_text() == drawing.source
    assert render(drawing, tmp_path / "g.HTML").read_text().startswith("<!DOCTYPE html>")
    assert render(drawing, tmp_path / "g").name == "g.svg"


@pytest.mark.parametrize(
    ("path", "format", "expected"),
    [
        ("g", None, ("svg", "g.svg")),
        ("g", "dot", ("dot", "g.dot")),
        ("g.svg", None, ("svg", "g.svg")),
        ("g.svg", "svg", ("svg", "g.svg")),
        ("g.htm", None, ("html", "g.htm")),
        ("out/g.PNG", "png", ("png", "out/g.PNG")),
    ],
)
def test_format_and_path(path, format, expected):
    chosen, file = format_and_path(path, format)
    assert (chosen, file.as_posix()) == expected
