"""The backprop player's script, in Python: it is backward(), step by step, and nothing else.

The page only replays the script (tests/autograd/test_player_browser.py checks
that in Chromium), so here we check the script itself: replayed, it gives every
grad backward() gives, it shows accumulation, it touches no .grad, and the page
refuses graphs too big to play, in the words of the language asked for.
"""

from __future__ import annotations

import json
import random
import re

import pytest

from autograd import Player, Value, dot, player, scope, topological_order
from autograd.drawing import views
from autograd.drawing.language import missing_keys, words
from autograd.drawing.player_script import RULES, scope_script, value_script
from autograd.drawing.player_trace import backward_steps, final_grads


def a_times_a_plus_a():
    a = Value(2.0, "a")
    return a, a * a + a


def neuron():
    w, x, b = Value(0.5, "w"), Value(2.0, "x"), Value(0.25, "b")
    return [w, x, b], (w * x + b).relu()


def mixed_graph(seed: int):
    """Every kind of node (+ of two and of many, *, exp, log, relu, **, dot, max, detach)."""
    rng = random.Random(seed)
    xs = [Value(rng.uniform(0.5, 2.0), f"x{i}") for i in range(4)]
    with scope("layer"):
        h = [(xi * rng.uniform(-1, 1) + xs[0]).relu() for xi in xs]
        s = dot(xs, h) + Value.sum(h) ** 2
    with scope("head"):
        out = ((s * 0.1).exp() + 1.0).log() + xs[1] / (xs[2] - 3.0)
    out = out - Value.max(h) + out.detach() * xs[3]
    return xs, out


def page_script(page: str) -> dict:
    """The steps a saved page carries, read back from its JSON."""
    found = re.search(r'<script type="application/json" id="player-script">(.*?)</script>', page)
    return json.loads(found.group(1))


def replay(script: dict, upto: int | None = None) -> list[float]:
    """The grads the page shows after `upto` backward steps, replayed as player.js does."""
    grads = [0.0] * len(script["nodes"])
    for step in script["steps"][:upto]:
        for i, _, new in step["updates"]:
            grads[i] = new
    return grads


def fresh_grads(build, *args) -> dict[str, float]:
    """name -> .grad of every labelled value of a fresh graph, after root.backward()."""
    _, root = build(*args)
    root.backward()
    return {v.label: v.grad for v in topological_order(root) if v.label}


@pytest.mark.parametrize("build", [a_times_a_plus_a, neuron])
def test_the_trace_is_backward_exactly(build):
    _, root = build()
    steps = backward_steps(root)
    grads = final_grads(steps)
    root.backward()
    for value in topological_order(root):
        assert grads[value] == value.grad  # exactly: the same additions in the same order


@pytest.mark.parametrize("seed", range(5))
def test_every_kind_of_node_and_a_scope_view_replay_to_the_grads_of_backward(seed):
    _, root = mixed_graph(seed)
    for view in (views.View(topological_order(root)), views.in_scope(root, "layer")):
        script = value_script(root, view, backward_steps(root), None, words("en"))
        shown = replay(script)
        root.backward()
        assert shown == [node.grad for node in view.nodes]
        for node in topological_order(root):
            node.grad = 0.0


def test_a_times_a_plus_a_shows_a_accumulating():
    a, out = a_times_a_plus_a()
    script = page_script(player(out).page)
    names = [node["name"] for node in script["nodes"]]
    assert names == ["a", "* #1", "+ #1"]  # the forward order; unnamed: operation and index
    seed, plus, times = script["steps"]
    assert seed["seed"] and seed["updates"] == [[2, 0.0, 1.0]]
    assert [(line["name"], line["old"], line["new"]) for line in plus["lines"]] == [
        ("* #1", 0.0, 1.0),
        ("a", 0.0, 1.0),  # the `+ a` reaches a first
    ]
    # then a * a gives a two more contributions of local 2.0 (the other a) times grad 1.0
    assert [(ln["local"], ln["old"], ln["add"], ln["new"]) for ln in times["lines"]] == [
        (2.0, 1.0, 2.0, 3.0),
        (2.0, 3.0, 2.0, 5.0),
    ]
    assert [s["done"] for s in script["steps"]] == [[], [2], [0, 1]]  # a is final with the last
    out.backward()
    assert replay(script) == [a.grad, out.children[0].grad, out.grad] == [5.0, 1.0, 1.0]


def test_the_users_grads_are_not_touched():
    _, out = mixed_graph(0)
    values = topological_order(out)
    for i, value in enumerate(values):
        value.grad = float(i)  # as if a backward() had run before, or something else
    page = player(out).page
    assert [v.grad for v in values] == [float(i) for i in range(len(values))]
    # and the page shows the grads of a fresh backward(), not those leftovers
    script = page_script(page)
    fresh = fresh_grads(mixed_graph, 0)
    shown = dict(zip([n["name"] for n in script["nodes"]], replay(script)))
    assert {name: shown[name] for name in fresh} == fresh


def test_above_max_nodes_the_player_refuses_and_names_the_views_that_fit():
    _, out = mixed_graph(1)
    count = len(topological_order(out))
    in_head = sum(1 for v in topological_order(out) if v.scope == "head")
    in_layer = sum(1 for v in topological_order(out) if v.scope == "layer")
    assert in_head < in_layer < count
    with pytest.raises(ValueError) as refused:
        player(out, max_nodes=in_layer - 1)
    message = str(refused.value)
    assert f"this view has {count} values, more than max_nodes={in_layer - 1}" in message
    assert "group_by='scope'" in message and "focus=" in message
    assert f"scope='head' ({in_head} values)" in message
    assert "scope='layer'" not in message  # it does not fit
    assert isinstance(player(out, max_nodes=count), Player)
    with pytest.raises(ValueError, match="this view has"):
        player(out, scope="layer", max_nodes=in_layer - 1)


def test_a_focus_view_fits_by_cutting_and_still_replays_to_backward():
    _, out = mixed_graph(2)
    s = [v for v in topological_order(out) if v.scope == "layer"][-1]  # the last, "+"
    page = player(out, focus=s, max_nodes=6).page
    script = page_script(page)
    assert len(script["nodes"]) == 6
    out.backward()
    view = views.focused(out, s, 6)
    assert replay(script) == [node.grad for node in view.nodes]
    assert any(step["outside"] for step in script["steps"])  # s's grad came from outside


@pytest.mark.parametrize(
    ("lang", "words"), [("en", ["Step back", "Backward step"]), ("fr", ["Reculer", "Pas arrière"])]
)
def test_the_page_speaks_the_language_asked_for(lang, words):
    _, out = neuron()
    page = player(out, lang=lang).page
    assert f'<html lang="{lang}">' in page
    for word in words:
        assert json.dumps(word)[1:-1] in page


def test_another_language_is_refused():
    _, out = neuron()
    with pytest.raises(ValueError, match=r"lang must be one of \('en', 'fr'\), got 'de'"):
        player(out, lang="de")


def test_bad_views_are_refused_as_draw_refuses_them():
    _, out = neuron()
    with pytest.raises(ValueError, match="group_by can only be 'scope'"):
        player(out, group_by="op")
    with pytest.raises(ValueError, match="choose one of"):
        player(out, group_by="scope", scope="layer")
    with pytest.raises(ValueError, match="max_nodes must be at least 1"):
        player(out, max_nodes=0)
    with pytest.raises(TypeError, match=r"player: the root must be a Value.*got float 2.5"):
        player(2.5)
    with pytest.raises(TypeError, match="player: focus must be a Value"):
        player(out, focus="w")


def test_notes_go_with_their_scope_or_value_and_unknown_ones_are_refused():
    xs, out = mixed_graph(3)
    notes = {"layer": "the hidden layer", xs[0]: "the first input"}
    script = page_script(player(out, notes=notes).page)
    by_name = {node["name"]: node for node in script["nodes"]}
    assert by_name["x0"]["notes"] == ["the first input"]
    layer = [node for node in script["nodes"] if node["scope"] == "layer"]
    assert layer and all(node["notes"] == ["the hidden layer"] for node in layer)
    with pytest.raises(ValueError, match=r"no scope 'hidden' in this graph; its scopes are"):
        player(out, notes={"hidden": "?"})
    with pytest.raises(ValueError, match="is not a value of this graph"):
        player(out, notes={Value(1.0): "?"})
    with pytest.raises(TypeError, match="a note is a str"):
        player(out, notes={"layer": 3})


def test_the_scope_view_has_one_step_per_scope_in_the_order_backward_finishes_them():
    xs = [Value(x, f"x{i}") for i, x in enumerate([0.5, -1.0, 2.0])]  # made outside any scope
    with scope("layer"):
        h = [(x * 0.7).relu() for x in xs]
    with scope("head"):
        out = Value.sum(h).exp()
    with scope("loss"):
        loss = out * out
    script = scope_script(loss, backward_steps(loss), {"head": "the last layer"}, words("en"))
    boxes = [box["scope"] for box in script["boxes"]]
    assert boxes == ["(no scope)", "layer", "head", "loss"]  # draw()'s order, inputs first
    assert [boxes[step["box"]] for step in script["steps"]] == ["loss", "head", "layer"]
    assert script["steps"][-1]["done"] == [1, 0]  # the inputs' box is final at the end
    head = script["boxes"][2]
    assert head["notes"] == ["the last layer"]
    loss.backward()
    assert head["largestGrad"] == max(
        abs(v.grad) for v in topological_order(loss) if v.scope == "head"
    )


def test_save_adds_html_and_jupyter_gets_an_iframe(tmp_path):
    _, out = neuron()
    shown = player(out)
    path = shown.save(tmp_path / "sub" / "neuron")
    assert path == tmp_path / "sub" / "neuron.html"
    assert path.read_text("utf-8") == shown.page
    frame = shown._repr_html_()
    assert frame.startswith("<iframe srcdoc=") and "&lt;!DOCTYPE html&gt;" in frame
    assert "<script" not in frame  # all of the page is inside the attribute, escaped


def test_both_languages_have_every_word_and_a_rule_for_every_kind_of_node():
    assert missing_keys() == []
    _, out = mixed_graph(0)
    script = page_script(player(out).page)
    kinds = {node["rule"] for node in script["nodes"]}
    assert kinds == {*RULES.values(), "add", "sum", "leaf"}  # every kind is in the graph
    assert all(f"rule_{kind}" in words("en").sections for kind in [*kinds, "other"])
