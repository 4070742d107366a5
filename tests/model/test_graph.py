"""minillm graph: the views of one mini-LLM position, and the command that saves them.

Expected values come from the model's sizes or from walking the graph here, by
hand, never from draw()'s own helpers.
"""

import json
import math
import re
import warnings
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from autograd import draw, topological_order
from autograd.drawing import COLOURS
from model.autodiff import SCOPES
from model.cli import main
from model.cli.graph_cmd import build_position_graph, draw_position
from model.data import CHAR_TO_ID
from model.params import Config, init_params
from model.training.checkpoint import Checkpoint, save_checkpoint

CONFIG = Config()
E, H, V = CONFIG.embed_dim, CONFIG.hidden_dim, CONFIG.vocab_size
WORD = "pikachu"
WINDOW = ".pikachu"  # the last position of "pikachu" sees these 8 letters, guesses "."
TEN_SCOPES = set(SCOPES)  # forward()'s own list: the drawings must find exactly these
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

NODE = re.compile(r'^\t(\w+) \[label="((?:[^"\\]|\\.)*)"(.*)\]$', re.MULTILINE)


def dot_nodes(source):
    """[(name, [fields of the record label], other attributes)] of DOT text, in order."""
    found = []
    for name, label, rest in NODE.findall(source):
        body = label.removeprefix("{ ").removesuffix(" }")
        found.append((name, body.split(" | "), rest))
    return found


def values_and_stubs(source):
    nodes = dot_nodes(source)
    return [n for n in nodes if n[0].startswith("n")], [n for n in nodes if n[0].startswith("s")]


def short(x):
    """How a drawing writes a number: 4 significant digits, as Python prints floats."""
    return repr(float(f"{x:.4g}"))


def quiet(make):
    """make(), with draw()'s size warnings silenced (they are tested on their own)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make()


@pytest.fixture(scope="module")
def params():
    return init_params()


@pytest.fixture(scope="module", params=[True, False], ids=["fused", "pure"])
def position(request, params):
    return build_position_graph(params, WORD, None, fused=request.param)


# ---------------------------------------------------------------- the position


def test_the_default_position_is_the_last_one_and_the_scores_are_the_lessons(position, params):
    assert (position.window, position.target) == (WINDOW, ".")
    # The attention scores, from the plain floats: q . k_j / sqrt(E).
    ids = [CHAR_TO_ID[c] for c in WINDOW]
    hidden = [
        [t + p for t, p in zip(params["tok_emb"][tok], params["pos_emb"][i])]
        for i, tok in enumerate(ids)
    ]
    q = [sum(w * x for w, x in zip(row, hidden[-1])) for row in params["Wq"]]
    for j, h in enumerate(hidden):
        k = [sum(w * x for w, x in zip(row, h)) for row in params["Wk"]]
        expected = sum(a * b for a, b in zip(q, k)) / math.sqrt(E)
        assert position.scores[j].data == pytest.approx(expected, rel=1e-12)
    assert len(position.scores) == len(WINDOW)
    assert position.loss.grad == 1.0  # backward() has run: the drawing shows gradients


# ---------------------------------------------------------------- the scopes view


def test_the_scopes_view_has_the_ten_scopes_and_counts_that_add_up(position):
    source = draw_position(position, "scopes").source
    boxes = {}
    for _, (scope, total, kinds), _ in dot_nodes(source):
        by_kind = {k: int(n) for k, n in (item.rsplit(" ", 1) for item in kinds.split(", "))}
        boxes[scope] = (int(total.removesuffix(" values")), by_kind)
        assert sum(by_kind.values()) == boxes[scope][0], scope

    # The ten scopes of forward(), and the weights, made before it outside every scope.
    assert set(boxes) == TEN_SCOPES | {"(no scope)"}
    assert sum(total for total, _ in boxes.values()) == len(topological_order(position.loss))

    n = len(WINDOW)
    weights_used = (
        len(set(WINDOW)) * E  # the rows of tok_emb of the letters in the window
        + n * E  # pos_emb rows 0..n-1
        + 3 * E * E  # Wq, Wk, Wv
        + H * E + H + E * H + E  # W1, b1, W2, b2
        + V * E  # W_out
    )  # fmt: skip
    assert boxes["(no scope)"] == (weights_used, {"leaves": weights_used})
    assert boxes["embeddings"] == (n * E, {"+": n * E})  # token + position, entry by entry
    assert boxes["residual1"] == boxes["residual2"] == (E, {"+": E})


# ---------------------------------------------------------------- the focus view


def test_the_focus_view_shows_the_first_score_and_stubs_for_q_and_k(position):
    focus = position.scores[0]
    source = draw_position(position, "focus").source
    drawn, stubs = values_and_stubs(source)

    # What the focus was computed from without leaving attention/scores, walked here.
    inside, stack = {id(focus): focus}, [focus]
    while stack:
        for child in stack.pop().children:
            if child.scope == "attention/scores" and id(child) not in inside:
                inside[id(child)] = child
                stack.append(child)
    expected_stubs = []
    for node in inside.values():
        outside = {id(c): c for c in node.children if id(c) not in inside}
        for scope in sorted({c.scope for c in outside.values()}):
            k = sum(c.scope == scope for c in outside.values())
            expected_stubs.append(f"{k} input{'s' * (k != 1)} from {scope}")
    assert len(drawn) == len(inside)
    assert sorted(fields[0] for _, fields, _ in stubs) == sorted(expected_stubs)

    # And from the model: score = dot(q, k) * scale, with the E products drawn when pure.
    if not any(v.op == "dot" for v in topological_order(position.loss)):  # pure
        assert len(drawn) == E + 3  # E products, their sum, the scale and the score
        assert [f[0] for _, f, _ in stubs] == ["2 inputs from attention/qkv"] * E
    else:
        assert len(drawn) == 3  # dot, the scale and the score
        assert [f[0] for _, f, _ in stubs] == [f"{2 * E} inputs from attention/qkv"]

    thick = [fields for _, fields, rest in drawn if "penwidth=3" in rest]
    assert thick == [["*", f"data {short(focus.data)}", f"grad {short(focus.grad)}"]]


# ---------------------------------------------------------------- the near-root view


def nearest_by_hand(root, limit):
    """id -> distance of the `limit` values nearest root, breadth-first, first input first."""
    distance, queue = {id(root): 0}, [root]
    for node in queue:
        if len(distance) == limit:
            break
        for child in node.children:
            if id(child) not in distance:
                distance[id(child)] = distance[id(node)] + 1
                queue.append(child)
                if len(distance) == limit:
                    break
    return distance


def test_the_near_view_shows_the_200_values_nearest_the_loss_and_stubs_the_rest(position):
    loss = position.loss
    total = len(topological_order(loss))
    notice = f"Showing the 200 values nearest the output, of {total:,}"
    with pytest.warns(UserWarning, match=notice):
        source = draw_position(position, "near").source
    drawn, stubs = values_and_stubs(source)

    shown = nearest_by_hand(loss, 200)
    expected = [v for v in topological_order(loss) if id(v) in shown]
    assert len(drawn) == len(expected) == 200
    for (_, fields, _), v in zip(drawn, expected):
        assert fields == [*filter(None, [v.op, v.label]), f"data {short(v.data)}",
                          f"grad {short(v.grad)}"]  # fmt: skip

    # One stub per drawn value with inputs left out, counting them (distinct ones).
    expected_stubs = []
    for v in expected:
        k = len({id(c) for c in v.children if id(c) not in shown})
        if k:
            expected_stubs.append(f"{k} input{'s' * (k != 1)} hidden")
    assert sorted(fields[0] for _, fields, _ in stubs) == sorted(expected_stubs)
    assert sum(int(f[0].split()[0]) for _, f, _ in stubs) > 0


def test_the_near_view_of_the_fused_model_reaches_the_output_weights_and_the_max(params):
    """Within 5 steps of the loss: log-sum-exp over V logits, W_out[target], x2, x1, mlp_out,
    and the max log-sum-exp subtracts (a detach of a max node, recomputed by autograd.jit),
    which reaches every logit in 4 steps, so every row of W_out in 5."""
    position = build_position_graph(params, WORD, None, fused=True)
    distance = nearest_by_hand(position.loss, None)
    # 8 + 2V + 8E as when the max was a constant leaf, that leaf replaced by the detach and
    # the max nodes (+1), and the other V - 1 logits with their rows of W_out (E + 1 each).
    within_5 = 8 + 2 * V + 8 * E + 1 + (V - 1) * (E + 1)
    assert sum(d <= 5 for d in distance.values()) == within_5
    source = quiet(lambda: draw_position(position, "near")).source
    labels = {fields[0] for _, fields, _ in dot_nodes(source)}
    target = CHAR_TO_ID[position.target]
    assert {f"W_out[{target}][{j}]" for j in range(E)} <= labels
    assert {"detach", "max"} <= labels  # the max the replay recomputes is near the loss
    assert not any(label.startswith(("Wq[", "W1[")) for label in labels)  # far from the loss


# ---------------------------------------------------------------- labels and determinism


def test_parameters_are_labelled_by_name_row_and_column_in_the_dot(params):
    position = build_position_graph(params, WORD, None, fused=True)
    source = quiet(lambda: draw(position.loss, max_nodes=None)).source
    blue = f'fillcolor="{COLOURS["parameter"]}"'
    for label, x in [
        ("Wq[3][5]", params["Wq"][3][5]),
        ("tok_emb[p][2]", params["tok_emb"][CHAR_TO_ID["p"]][2]),
        ("pos_emb[7][0]", params["pos_emb"][7][0]),
        ("b1[31]", params["b1"][31]),
    ]:
        line = re.search(rf"label=\"\{{ {re.escape(label)} \| data (\S+) \|.*", source)
        assert line, label
        assert line.group(1) == short(x)
        assert blue in line.group(0)
    assert "tok_emb[z]" not in source  # z is not in ".pikachu": its row is not in the graph


def test_the_same_position_twice_gives_the_same_dot_text(params):
    def sources(word, position):
        built = build_position_graph(params, word, position, fused=True)
        views = [("scopes", None), ("near", None), ("focus", None), ("scopes", "mlp")]
        return quiet(lambda: [draw_position(built, v, s).source for v, s in views])

    first = sources(WORD, None)
    assert sources(WORD, None) == first
    assert sources(WORD, len(WORD)) == first  # the default is the last position
    other = sources(WORD, 3)
    assert all(a != b for a, b in zip(first, other))


# ---------------------------------------------------------------- minillm graph

VIEWS = {
    "scopes": ["--view", "scopes"],
    "near": ["--view", "near"],
    "focus": ["--view", "focus"],
    "scope": ["--scope", "attention/softmax"],
}


def expected_dot(params, view, fused=True, word=WORD, position=None):
    built = build_position_graph(params, word, position, fused=fused)
    scope = "attention/softmax" if view == "scope" else None
    return quiet(lambda: draw_position(built, view, scope)).source


class DotSource(HTMLParser):
    """The text of <script id="dot-source">, where the page keeps the DOT text."""

    def __init__(self, page):
        super().__init__()
        self.text, self._inside = "", False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self._inside = tag == "script" and dict(attrs).get("id") == "dot-source"

    def handle_endtag(self, tag):
        self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.text += data


@pytest.mark.parametrize("format", ["svg", "png", "html", "dot"])
@pytest.mark.parametrize("view", list(VIEWS))
def test_minillm_graph_writes_each_view_in_each_format(view, format, params, tmp_path, capsys):
    assert main(["graph", *VIEWS[view], "--format", format, "--out", str(tmp_path / "g")]) == 0
    out = tmp_path / f"g.{format}"
    assert capsys.readouterr().out == f"{out}\n"
    expected = expected_dot(params, view)
    data = out.read_bytes()
    if format == "dot":
        assert data.decode() == expected
        assert data.startswith(b"digraph")
    elif format == "html":
        assert json.loads(DotSource(data.decode()).text) == expected
    elif format == "svg":
        svg = ET.fromstring(data)
        assert svg.tag == "{http://www.w3.org/2000/svg}svg"
        drawn = svg.findall(".//{http://www.w3.org/2000/svg}g[@class='node']")
        assert len(drawn) == len(dot_nodes(expected))  # every value, box and stub was laid out
    else:
        assert data.startswith(PNG_SIGNATURE) and data[12:16] == b"IHDR"


def test_minillm_graph_defaults_to_the_scopes_in_svg_here(params, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["graph"]) == 0
    assert capsys.readouterr().out == "minillm-graph.svg\n"
    assert (tmp_path / "minillm-graph.svg").read_bytes().startswith(b"<?xml")
    assert main(["graph", "--out", "pic.png"]) == 0  # the format follows --out's suffix
    assert (tmp_path / "pic.png").read_bytes().startswith(PNG_SIGNATURE)


@pytest.mark.parametrize(
    "options, fused, word, position",
    [
        (["--pure"], False, WORD, None),
        (["--word", "Évoli", "--position", "0"], True, "evoli", 0),
        (["--word", "eevee", "--position", "5"], True, "eevee", 5),
    ],
)
def test_minillm_graph_draws_the_position_asked_for(
    options, fused, word, position, params, tmp_path
):
    out = tmp_path / "g.dot"
    assert main(["graph", *options, "--view", "near", "--out", str(out)]) == 0
    assert out.read_text() == expected_dot(params, "near", fused, word, position)


def test_minillm_graph_uses_the_weights_of_a_checkpoint(params, tmp_path):
    other = init_params(seed=3)
    ckpt = save_checkpoint(tmp_path / "m.json", Checkpoint(CONFIG, other, optimizer={}))
    out = tmp_path / "g.dot"
    assert main(["graph", "--view", "near", "--checkpoint", str(ckpt), "--out", str(out)]) == 0
    assert out.read_text() == expected_dot(other, "near")
    assert out.read_text() != expected_dot(params, "near")


@pytest.mark.parametrize("format", ["svg", "png"])
def test_without_dot_svg_and_png_fail_saying_what_to_install_and_what_was_saved(
    format, no_dot, params, tmp_path, capsys
):
    assert main(["graph", "--format", format, "--out", str(tmp_path / "g")]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "Graphviz's `dot` program was not found" in err
    assert "sudo apt-get install graphviz" in err
    assert str(tmp_path / "g.dot") in err and str(tmp_path / "g.html") in err
    assert "Traceback" not in err
    assert not (tmp_path / f"g.{format}").exists()
    assert (tmp_path / "g.dot").read_text() == expected_dot(params, "scopes")
    assert json.loads(DotSource((tmp_path / "g.html").read_text()).text) == expected_dot(
        params, "scopes"
    )


@pytest.mark.parametrize("format", ["html", "dot"])
def test_without_dot_html_and_dot_still_work(format, no_dot, tmp_path, capsys):
    assert main(["graph", "--format", format, "--out", str(tmp_path / "g")]) == 0
    assert capsys.readouterr().out == f"{tmp_path / f'g.{format}'}\n"


@pytest.mark.parametrize(
    "options, message",
    [
        (["--word", "pika3"], "'3', which is not a letter a to z"),
        (["--word", "pika.chu"], "'.', which is not a letter a to z"),
        (["--word", ""], "the word is empty"),
        (["--position", "8"], "position 8 is out of range: 'pikachu' has 8 positions, 0 to 7"),
        (["--position", "-1"], "position -1 is out of range"),
        (["--view", "near", "--scope", "mlp"], "use --scope mlp without --view"),
        (["--format", "svg", "--out", "g.png"], "ends in .png but --format is svg"),
        (["--checkpoint", "missing.json"], "no checkpoint at missing.json"),
    ],
)
def test_bad_input_is_a_clear_error_with_exit_status_2(
    options, message, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    assert main(["graph", *options]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("minillm graph: error: ") and message in err
    assert "Traceback" not in err and out == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "options, message",
    [
        (["--scope", "attention/keys"], "argument --scope: invalid choice: 'attention/keys'"),
        (["--format", "gif"], "argument --format: invalid choice: 'gif'"),
        (["--view", "all"], "argument --view: invalid choice: 'all'"),
        (["--position", "last"], "argument --position: invalid int value: 'last'"),
    ],
)
def test_unknown_choices_are_refused_by_the_parser_with_exit_status_2(
    options, message, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        main(["graph", *options])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "minillm graph: error: " in err and message in err
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ --out: the suffix, the format
@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("g.bmp", "g.bmp ends in .bmp, and no bmp file can be made here"),
        ("g.pdf", "g.pdf ends in .pdf, and no pdf file can be made here"),  # dot could; we do not
        ("g.jpeg", "end it in one of .svg, .png, .dot, .html"),
    ],
)
def test_an_out_file_of_a_format_graph_does_not_make_is_refused(
    out, message, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    assert main(["graph", "--out", out]) == 2
    err = capsys.readouterr().err
    assert err.startswith("minillm graph: error: ") and message in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_the_suffix_chooses_the_format(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["graph", "--out", "g.png"]) == 0
    assert (tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["graph", "--out", "g.gv"]) == 0
    assert (tmp_path / "g.gv").read_text().startswith("digraph")
