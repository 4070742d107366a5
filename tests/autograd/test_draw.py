"""draw(): the DOT text of small known graphs, and the views of big ones."""

import re
import subprocess
import sys
import warnings

import pytest

from autograd import Value, draw, render, scope, topological_order
from autograd.drawing import COLOURS
from autograd.drawing.rendering import format_and_path

NODE = re.compile(r'^\t(\w+) \[label="((?:[^"\\]|\\.)*)"(.*)\]$', re.MULTILINE)
EDGE = re.compile(r"^\t(\w+) -> (\w+)", re.MULTILINE)


def nodes(graph):
    """{name: (label, other attributes)} of the DOT text, in order."""
    return {name: (label, rest) for name, label, rest in NODE.findall(graph.source)}


def edges(graph):
    return EDGE.findall(graph.source)


def stubs(graph):
    return [label for name, (label, _) in nodes(graph).items() if name.startswith("s")]


def small():
    """loss = relu(a * b) + exp(a), with a constant 2.0 folded in: 7 values."""
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    loss = (a * b).relu() + (a * 2.0).exp()
    loss.backward()
    return loss


def attention_like():
    """4 weights and 4 inputs (no scope), then attention/scores, attention/softmax, loss."""
    w = [Value(0.1 * i, f"W[{i}]") for i in range(4)]
    x = [Value(1.0 + i) for i in range(4)]
    with scope("attention"):
        with scope("scores"):
            scores = [wi * xi for wi, xi in zip(w, x)]  # 4 *
        with scope("softmax"):
            exps = [s.exp() for s in scores]  # 4 exp
            total = Value.sum(exps)  # 1 +
            probs = [e / total for e in exps]  # 4 ** and 4 *
    with scope("loss"):
        loss = -Value.sum(probs).log()  # +, log, and * by a new constant -1: 4 values
    return loss, total


# ---------------------------------------------------------------- the full drawing


def test_small_graph_has_one_record_per_value_and_edges_along_the_data():
    graph = draw(small())
    found = nodes(graph)
    assert [label for label, _ in found.values()] == [
        "{ a | data 2.0 | grad 109.2 }",
        "{ b | data -3.0 | grad 0.0 }",
        "{ * | data -6.0 | grad 0.0 }",
        "{ relu | data 0.0 | grad 1.0 }",
        "{ data 2.0 | grad 109.2 }",
        "{ * | data 4.0 | grad 54.6 }",
        "{ exp | data 54.6 | grad 1.0 }",
        "{ + | data 54.6 | grad 1.0 }",
    ]
    assert edges(graph) == [
        ("n0", "n2"), ("n1", "n2"), ("n2", "n3"), ("n0", "n5"),
        ("n4", "n5"), ("n5", "n6"), ("n3", "n7"), ("n6", "n7"),
    ]  # fmt: skip
    assert "rankdir=LR" in graph.source
    assert "shape=record" in graph.source


def test_colours_say_parameter_input_operation_and_loss():
    found = nodes(draw(small()))
    colour = {
        name: re.search(r'fillcolor="?([^" ]+)', attrs)[1] for name, (_, attrs) in found.items()
    }
    assert colour["n0"] == colour["n1"] == COLOURS["parameter"]  # a, b
    assert colour["n4"] == COLOURS["input"]  # the constant 2.0
    assert colour["n2"] == colour["n6"] == COLOURS["operation"]
    assert colour["n7"] == COLOURS["loss"]
    assert len(set(COLOURS.values())) == 4


def test_an_n_ary_sum_is_one_node_and_a_repeated_input_two_edges():
    x = Value(3.0, "x")
    total = Value.sum([x * x, x, Value(1.0)])
    graph = draw(total)
    assert len(nodes(graph)) == 4  # x, x*x, 1.0, the sum
    assert edges(graph).count(("n0", "n1")) == 2  # x into x*x, twice
    assert sum(1 for _, target in edges(graph) if target == "n3") == 3


def test_the_same_graph_gives_the_same_dot_text():
    first, second = draw(small()).source, draw(small()).source
    assert first == second
    loss, _ = attention_like()
    assert draw(loss).source == draw(loss).source
    assert list(nodes(draw(small()))) == [f"n{i}" for i in range(8)]  # never id()


def test_record_special_characters_are_escaped():
    odd = Value(1.0, 'a|b{c}<d>"e\\')
    label = nodes(draw(odd * 2.0))["n0"][0]
    assert label == r"{ a\|b\{c\}\<d\>\"e\\ | data 1.0 | grad 0.0 }"


def test_import_autograd_does_not_import_graphviz():
    code = "import sys, autograd; print('graphviz' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_wrong_arguments_are_explained():
    loss = small()
    with pytest.raises(ValueError, match="group_by"):
        draw(loss, group_by="op")
    with pytest.raises(ValueError, match="one of"):
        draw(loss, group_by="scope", scope="x")
    with pytest.raises(ValueError, match="max_nodes"):
        draw(loss, max_nodes=0)


# ---------------------------------------------------------------- near the root


def test_a_1000_term_sum_shows_the_200_nearest_values_and_one_stub():
    total = Value.sum(Value(float(i)) for i in range(1000))
    with pytest.warns(UserWarning, match=r"Showing the 200 values nearest the output, of 1,001"):
        graph = draw(total)
    assert sum(name.startswith("n") for name in nodes(graph)) == 200
    assert stubs(graph) == ["{ 801 inputs hidden }"]
    assert ("s0", "n199") in edges(graph)  # the stub feeds the sum, drawn last
    assert 'label="Showing the 200' in graph.source  # the notice is in the picture too
    for advice in ("max_nodes=None", "group_by='scope'", "focus=", "scope="):
        assert advice in graph.source


def test_a_long_chain_keeps_the_end_and_names_the_one_hidden_input():
    v = Value(1.0, "x")
    for _ in range(999):
        v = v.relu()
    with pytest.warns(UserWarning, match="50 values nearest the output, of 1,000"):
        graph = draw(v, max_nodes=50)
    assert sum(name.startswith("n") for name in nodes(graph)) == 50
    assert stubs(graph) == ["{ 1 input hidden | data 1.0 }"]


def test_values_nearest_the_root_win_over_deeper_ones():
    deep = Value(1.0, "deep")
    for _ in range(10):
        deep = deep.exp().log()
    root = deep + Value(2.0, "near")
    with pytest.warns(UserWarning):
        found = nodes(draw(root, max_nodes=3))
    labels = [label for label, _ in found.values()]
    assert "{ near | data 2.0 | grad 0.0 }" in labels
    assert sum(label.startswith("{ log") for label in labels) == 1
    assert labels[-1] == "{ 1 input hidden | data 2.718 }"  # the exp under that log


def test_max_nodes_none_draws_everything_and_warns_only_above_2000():
    v = Value(1.0, "x")
    for _ in range(1999):
        v = v.relu()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(nodes(draw(v, max_nodes=None))) == 2000
    v = v.relu()
    with pytest.warns(UserWarning, match="drawing 2,001 values"):
        graph = draw(v, max_nodes=None)
    assert len(nodes(graph)) == 2001
    assert stubs(graph) == []


# ---------------------------------------------------------------- one box per scope


def test_scope_boxes_count_values_by_kind_and_values_crossing():
    loss, _ = attention_like()
    graph = draw(loss, group_by="scope")
    assert [label for label, _ in nodes(graph).values()] == [
        "(no scope) | 8 values | leaves 8",
        "attention/scores | 4 values | * 4",
        "attention/softmax | 13 values | + 1, * 4, exp 4, ** 4",
        r"loss | 4 values | leaves 1, + 1, * 1, log 1",
    ]
    assert re.findall(r'^\t(\w+) -> (\w+) \[label="(\d+) values?"\]', graph.source, re.M) == [
        ("b0", "b1", "8"),
        ("b1", "b2", "4"),
        ("b2", "b3", "4"),
    ]


def test_scope_box_counts_add_up_to_the_graph_size_on_a_big_graph():
    xs = [Value(float(i % 7), f"x[{i}]") for i in range(3000)]
    with scope("layer"):
        hidden = [(x * 0.5).relu() for x in xs]  # 3000 constants, *, relu
        with scope("norm"):
            total = Value.sum(h**2 for h in hidden) ** 0.5  # 3000 **2, one +, one **0.5
    with scope("loss"):
        loss = (total + 1.0).log()
    graph = draw(loss, group_by="scope")
    counted = [int(n) for n in re.findall(r"\| (\d+) values? \|", graph.source)]
    assert sum(counted) == len(topological_order(loss)) == 15_005
    for label, _ in nodes(graph).values():
        _, total_here, by_kind = label.split(" | ")
        assert int(total_here.split()[0]) == sum(int(p.split()[-1]) for p in by_kind.split(", "))


# ---------------------------------------------------------------- focus= and scope=


def test_focus_shows_what_the_value_was_computed_from_inside_its_scope():
    loss, total = attention_like()
    graph = draw(loss, focus=total)
    labels = [label for name, (label, _) in nodes(graph).items() if name.startswith("n")]
    assert len(labels) == 5  # 4 exp and the sum
    assert sum(label.startswith("{ exp") for label in labels) == 4
    assert stubs(graph) == ["{ 1 input from attention/scores | data 0.0 }"] + [
        f"{{ 1 input from attention/scores | data {d} }}" for d in ("0.2", "0.6", "1.2")
    ]
    assert "penwidth=3" in nodes(graph)["n4"][1]  # the focused value, drawn last


def test_focus_with_a_size_limit_shows_both_kinds_of_stub():
    loss, total = attention_like()
    with pytest.warns(UserWarning, match="3 values nearest the focused value"):
        graph = draw(loss, focus=total, max_nodes=3)
    assert sum(name.startswith("n") for name in nodes(graph)) == 3  # two exp and the sum
    assert stubs(graph) == [
        "{ 1 input from attention/scores | data 0.0 }",
        "{ 1 input from attention/scores | data 0.2 }",
        "{ 2 inputs hidden }",
    ]


def test_focus_on_a_value_from_another_graph_is_refused():
    loss, _ = attention_like()
    _, other_total = attention_like()
    with pytest.raises(ValueError, match="earlier forward pass"):
        draw(loss, focus=other_total)


def test_scope_draws_the_scope_in_full_with_stubs_for_outside_inputs():
    loss, _ = attention_like()
    graph = draw(loss, scope="attention")
    assert sum(name.startswith("n") for name in nodes(graph)) == 17
    assert stubs(graph) == ["{ 2 inputs from (no scope) }"] * 4
    graph = draw(loss, scope="loss/")
    assert sum(name.startswith("n") for name in nodes(graph)) == 4
    assert stubs(graph) == ["{ 4 inputs from attention/softmax }"]


def test_an_unknown_scope_lists_the_known_ones():
    loss, _ = attention_like()
    with pytest.raises(ValueError, match=r"\['attention', 'loss'\]"):
        draw(loss, scope="att")  # a prefix of a name is not a scope


# ------------------------------------------------------------------ inputs refused


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
