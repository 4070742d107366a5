"""The backprop player fits the screen: in headless Chromium at 1280 x 800 and at 800 x 600.

At every step, the value being worked on and the values it sends its gradient to
(or, forward, the values it is computed from) lie inside the visible graph pane,
measured with getBoundingClientRect in the page. Small graphs are whole and
readable from the start; zoom, fit and pan move the view with buttons and keys.
"""

from __future__ import annotations

import pytest

from autograd import Value, player
from model.cli.graph_player import position_player
from model.params import init_params
from tests.autograd.test_player import page_script

SIZES = [(1280, 800), (800, 600)]
READABLE_PX = 9  # the smallest label a learner reads comfortably

# The drawn values of the step: the current one and its inputs, with their boxes and the
# pane's, in CSS pixels of the window.
IN_SIGHT = """(() => {
  const box = (e) => { const r = e.getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom }; };
  const pane = box(document.getElementById("graph"));
  const marked = (name) => [...document.querySelectorAll(`#graph g.node.${name}`)]
    .map((g) => ({ item: Number(g.dataset.item), box: box(g) }));
  return { pane, current: marked("current"), inputs: marked("input"),
           window: [window.innerWidth, window.innerHeight] };
})()"""
# Every drawn item's box, and the height of its first label in pixels.
ALL_ITEMS = """[...document.querySelectorAll("#graph g.node")].map((g) => {
  const r = g.getBoundingClientRect();
  return { left: r.left, top: r.top, right: r.right, bottom: r.bottom,
           text: g.querySelector("text").getBoundingClientRect().height };
})"""


def inside(box: dict, pane: dict) -> bool:
    """Whether `box` lies in `pane` (half a pixel of rounding allowed)."""
    return (
        box["left"] >= pane["left"] - 0.5
        and box["top"] >= pane["top"] - 0.5
        and box["right"] <= pane["right"] + 0.5
        and box["bottom"] <= pane["bottom"] + 0.5
    )


def lesson7_neuron() -> Value:
    """y = relu(w1*x1 + w2*x2 + b), named as lesson 7 names it (lessons/lesson07.py)."""
    x1, w1, x2, w2 = Value(2.0, "x1"), Value(0.6, "w1"), Value(1.0, "x2"), Value(-0.4, "w2")
    b = Value(0.1, "b")
    p1, p2 = w1 * x1, w2 * x2
    p1.label, p2.label = "p1", "p2"
    s = Value.sum([p1, p2, b])
    s.label = "s"
    y = s.relu()
    y.label = "y"
    return y


def lesson8_graph() -> Value:
    """L = log(a * b + a), lesson 8's 5 values: a is used twice."""
    a, b = Value(2.0, "a"), Value(3.0, "b")
    c = a * b
    c.label = "c"
    d = c + a
    d.label = "d"
    loss = d.log()
    loss.label = "L"
    return loss


PAGES = {
    "lesson 7's neuron": lambda: player(lesson7_neuron(), lang="fr"),
    "lesson 8's graph": lambda: player(lesson8_graph(), lang="en"),
    "the mini-LLM's scope view": lambda: position_player(init_params(), lang="fr"),
}


def open_page(chromium, page, tmp_path, size):
    path = page.save(tmp_path / "page.html")
    tab = chromium.open(path.as_uri(), size=size)
    tab.wait_for("document.body.dataset.ready === '1'")
    return tab, page_script(page.page)


def expected_marks(script: dict, index: int) -> tuple[int | None, set[int]]:
    """The current item and the items its gradient goes to (or it comes from), from the script."""
    items = script["nodes"] if script["kind"] == "values" else script["boxes"]
    forward = len(items)
    if index == 0:
        return None, set()
    if index <= forward:
        current, inputs = index - 1, items[index - 1]["inputs"]
    else:
        step = script["steps"][index - forward - 1]
        if script["kind"] == "scopes":
            current, inputs = step["box"], items[step["box"]]["inputs"]
        else:
            current = step["node"]
            inputs = [] if step["seed"] else [line["input"] for line in step["lines"]]
    return current, {i for i in inputs if i is not None and i != current}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", PAGES)
def test_at_every_step_the_value_at_work_and_its_inputs_are_seen(chromium, tmp_path, name, size):
    tab, script = open_page(chromium, PAGES[name](), tmp_path, size)
    total = tab.evaluate("player.total")
    for index in range(total + 1):
        tab.evaluate(f"player.go({index})")
        seen = tab.evaluate(IN_SIGHT)
        pane = seen["pane"]
        assert pane["right"] <= seen["window"][0] and pane["bottom"] <= seen["window"][1]
        current, inputs = expected_marks(script, index)
        assert [m["item"] for m in seen["current"]] == ([] if current is None else [current])
        assert {m["item"] for m in seen["inputs"]} == inputs
        for mark in seen["current"] + seen["inputs"]:
            assert inside(mark["box"], pane), (index, mark, pane)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", ["lesson 7's neuron", "lesson 8's graph"])
def test_a_small_graph_opens_whole_and_readable(chromium, tmp_path, name, size):
    tab, _ = open_page(chromium, PAGES[name](), tmp_path, size)
    pane = tab.evaluate(IN_SIGHT)["pane"]
    items = tab.evaluate(ALL_ITEMS)
    assert items and all(inside(item, pane) for item in items)  # the root too
    assert min(item["text"] for item in items) >= READABLE_PX


def test_a_big_graph_opens_readable_and_follows_the_value_at_work(chromium, tmp_path):
    page = position_player(init_params(), view="near")  # 200 values: too big to fit whole
    tab, _ = open_page(chromium, page, tmp_path, (800, 600))
    assert tab.evaluate("player.view.scale") * 14 * 4 / 3 >= READABLE_PX - 1e-9  # 14 pt labels
    pane = tab.evaluate(IN_SIGHT)["pane"]
    assert not all(inside(item, pane) for item in tab.evaluate(ALL_ITEMS))
    for index in (1, 100, tab.evaluate("player.forwardCount") + 1, tab.evaluate("player.total")):
        tab.evaluate(f"player.go({index})")
        seen = tab.evaluate(IN_SIGHT)
        assert seen["current"] and all(inside(m["box"], pane) for m in seen["current"])


def test_zoom_fit_and_pan_with_buttons_and_keys(chromium, tmp_path):
    tab, _ = open_page(chromium, PAGES["lesson 7's neuron"](), tmp_path, (1280, 800))
    view = "[player.view.scale, player.view.x, player.view.y]"
    start = tab.evaluate(view)
    tab.click("#zoom-in")
    assert tab.evaluate(view)[0] == pytest.approx(start[0] * 1.25)
    tab.press("-")
    assert tab.evaluate(view)[0] == pytest.approx(start[0])
    tab.press("+")
    tab.press("+")
    assert tab.evaluate(view)[0] == pytest.approx(start[0] * 1.25**2)
    tab.click("#fit")
    assert tab.evaluate(view) == pytest.approx(start)
    tab.click("#zoom-out")
    tab.press("0")  # fit again, with the keyboard
    assert tab.evaluate(view) == pytest.approx(start)
    width = tab.evaluate("document.getElementById('graph').getBoundingClientRect().width")
    tab.browser.call("Input.dispatchKeyEvent", tab.session, type="rawKeyDown", key="ArrowLeft",
                     code="ArrowLeft", windowsVirtualKeyCode=37, modifiers=8)  # fmt: skip
    moved = tab.evaluate(view)
    assert moved[1] == pytest.approx(start[1] + 0.15 * width) and moved[2] == start[2]
    assert tab.evaluate("player.index") == 0  # Shift + arrow pans; it does not step


def test_the_legend_names_every_look_a_value_can_have(chromium, tmp_path):
    tab, _ = open_page(chromium, PAGES["lesson 7's neuron"](), tmp_path, (800, 600))
    legend = tab.evaluate("document.getElementById('legend').innerText")
    for words in ("pas encore calculée", "calculée (passe avant)", "la valeur en cours",
                  "là où va son gradient", "gradient définitif", "non dessinée"):  # fmt: skip
        assert words in legend
