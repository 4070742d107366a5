"""A user's strings never become code and never break a page (issue 22, class 5).

Scope names and labels are the user's: written into autograd.jit's code, into
DOT, into a player page's JSON, they must be shown as written and nothing else.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import warnings

import pytest

from autograd import Value, draw, jit, player, save_html
from autograd.context import scope
from autograd.drawing.draw import dot_string
from autograd.drawing.pages import script_json
from autograd.escape import visible

HOSTILE = [
    "evil\ng_x = 1000.0\n#",
    "cr\rg_y = -5.0",
    "nul\x00byte",
    "sep\u2028g_x = 7.0",
    "trailing\\",
    'quote"} | <x> {',
    "tab\tand\vform\f",
]


# ---------------------------------------------------------------- autograd.jit


@pytest.mark.parametrize("name", HOSTILE)
def test_a_scope_name_never_becomes_a_line_of_the_generated_code(name):
    def f(x, y):
        with scope(name):
            return x * y + x

    compiled = jit(f)
    loss, grads = compiled(2.0, 3.0)
    assert (loss, grads) == (8.0, (4.0, 2.0))  # d/dx (xy + x) = y + 1, d/dy = x
    assert compiled(5.0, -1.0) == (0.0, (0.0, 5.0))  # at every replay
    comments = [line.strip() for line in compiled.source.splitlines() if "#" in line]
    assert f"# {visible(name)}" in comments
    assert all(ch.isprintable() for ch in compiled.source.replace("\n", ""))


def test_labels_that_python_folds_to_one_name_stay_two_variables():
    def f(x, y):
        a, b = x * 1.0, y * 1.0
        a.label, b.label = "ﬁ", "fi"  # Python reads the identifier ﬁ as fi (NFKC)
        return a * 10.0 + b

    compiled = jit(f)
    assert compiled(2.0, 3.0) == (23.0, (10.0, 1.0))
    assert compiled.source.isascii()


def test_labels_that_are_code_stay_names():
    def f(x):
        y = x * 2.0
        y.label = "__import__('os').system('false')"
        return y + 1.0

    compiled = jit(f)
    assert compiled(3.0) == (7.0, (2.0,))
    assert "system(" not in compiled.source and "'" not in compiled.source


# ---------------------------------------------------------------- DOT


def hostile_graph():
    with scope("a\nscope\x00with\\"):
        a = Value(2.0, "lab\x00el\\")
        b = Value(3.0, 'two\nlines"\u2028')
        out = a * b
    for _ in range(4):
        out = out * a
    return out


def dot_parses(source: str) -> None:
    done = subprocess.run(
        [shutil.which("dot") or "dot", "-Tsvg"], input=source.encode(), capture_output=True
    )
    assert done.returncode == 0 and not done.stderr, done.stderr.decode()


@pytest.mark.parametrize("options", [{}, {"group_by": "scope"}, {"max_nodes": 2}])
def test_labels_and_scopes_with_nul_newlines_and_backslashes_make_valid_dot(options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        drawing = draw(hostile_graph(), see_more="look here\\", **options)
    assert "\x00" not in drawing.source and "\u2028" not in drawing.source
    dot_parses(drawing.source)


def test_what_the_dot_shows_is_what_was_written():
    assert visible("a\x00b\nc\\") == "a\\x00b\\nc\\"
    assert dot_string("end\\") == "end\\\\" and dot_string('say "hi"') == 'say \\"hi\\"'
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        svg = subprocess.run(
            ["dot", "-Tsvg"], input=draw(hostile_graph(), max_nodes=2, see_more="see\\").source,
            capture_output=True, text=True,
        ).stdout  # fmt: skip
    assert "see\\" in svg and "lab\\x00el\\" in svg


def test_the_html_page_of_a_hostile_graph_draws_in_chromium(chromium, tmp_path):
    path = save_html(draw(hostile_graph()), tmp_path / "g.html")
    svg = chromium.svg_of(path.as_uri())
    assert svg.startswith("<svg") and "lab\\x00el\\" in svg


# ---------------------------------------------------------------- the player's JSON


def test_infinities_are_json_that_json_parse_reads_and_nan_is_refused():
    text = script_json({"x": math.inf, "y": [-math.inf, 1.5], "s": 'Infinity "NaN\\" -Infinity'})
    assert text == ('{"x": 1e999, "y": [-1e999, 1.5], "s": "Infinity \\"NaN\\\\\\" -Infinity"}')
    assert json.loads(text) == {"x": math.inf, "y": [-math.inf, 1.5],
                                "s": 'Infinity "NaN\\" -Infinity'}  # fmt: skip
    with pytest.raises(ValueError, match="a NaN cannot be shown"):
        script_json([math.nan])


def test_a_player_of_a_graph_with_an_infinity_draws_and_shows_it(chromium, tmp_path):
    a, b = Value(math.inf, "a"), Value(2.0, "b")
    root = (a + b) * 1.0 + b * b  # the engine lets an infinity passed in flow on
    path = player(root).save(tmp_path / "inf.html")
    assert "Infinity" not in path.read_text(encoding="utf-8").split("<script>")[0]
    tab = chromium.open(path.as_uri())
    tab.wait_for("document.body.dataset.ready === '1'")  # the page drew: its JSON was read
    data = tab.evaluate(
        "JSON.parse(document.getElementById('player-script').textContent)"
        ".nodes.map((n) => String(n.data))"
    )
    assert data.count("Infinity") == 4 and "2" in data  # a, a + b, (a + b) * 1.0, the root
    assert tab.evaluate("document.querySelectorAll('#graph g.node').length") == len(data)
    tab.press("End")
    assert tab.evaluate("player.index === player.total")
