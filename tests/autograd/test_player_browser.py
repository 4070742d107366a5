"""The backprop player in real headless Chromium: the page shows what Python computed.

We step through whole graphs with the keyboard and with the mouse, read the grads
the page shows (its numbers and its text) and compare them with Python's .grad,
step back to the start, and watch that the page asks nothing of the network.
"""

from __future__ import annotations

import pytest
from jupyter_client.manager import start_new_kernel

from autograd import Value, player, topological_order
from autograd.drawing import views
from autograd.drawing.numbers import short
from autograd.drawing.player_trace import backward_steps
from tests.autograd.test_player import mixed_graph, page_script, replay

# Each drawn value n<i>: its full grad (data-grad), its grad text and its classes.
SHOWN = """[...document.querySelectorAll("#graph g.node")]
  .filter((g) => g.querySelector("title").textContent.startsWith("n"))
  .map((g) => ({
    node: g.querySelector("title").textContent,
    grad: g.dataset.grad === undefined ? null : Number(g.dataset.grad),
    text: [...g.querySelectorAll("text")].map((t) => t.textContent)
      .filter((t) => t.startsWith("grad ")).pop(),
    classes: g.getAttribute("class"),
  }))
  .sort((p, q) => Number(p.node.slice(1)) - Number(q.node.slice(1)))"""
# Everything a learner sees change: the values, the panel, the counter.
STATE = f"""({{ shown: {SHOWN}, now: document.getElementById("now").innerText,
  counter: document.getElementById("counter").innerText,
  edges: [...document.querySelectorAll("#graph g.edge")].map((g) => g.getAttribute("class")) }})"""

NODE = "#graph g.node[data-item='{}']"  # the drawing's n<i>, as the page marks it


def neuron():
    w, x, b = Value(0.5, "w"), Value(2.0, "x"), Value(-0.25, "b")
    return (w * x + b).relu() * Value(3.0, "c")


def a_times_a_plus_a():
    a = Value(2.0, "a")
    return a * a + a


GRAPHS = {"neuron": neuron, "a*a+a": a_times_a_plus_a}


def open_player(chromium, root, tmp_path, watch_network=False, **options):
    """The page of player(root) open in Chromium, drawn; and the script it carries."""
    shown = player(root, **options)
    path = shown.save(tmp_path / "player.html")
    tab = chromium.open(path.as_uri(), watch_network=watch_network)
    tab.wait_for("document.body.dataset.ready === '1'")
    return tab, page_script(shown.page), path


def assert_grads_are_pythons(tab, root):
    """Every value shows root.backward()'s grad: as a number exactly, and as draw() writes it."""
    order = topological_order(root)
    shown = tab.evaluate(SHOWN)
    assert [s["node"] for s in shown] == [f"n{i}" for i in range(len(order))]
    for value, s in zip(order, shown):
        assert s["grad"] == value.grad
        assert s["text"] == f"grad {short(value.grad)}"


@pytest.mark.parametrize("name", GRAPHS)
def test_stepping_with_the_keyboard_shows_every_grad_python_computed(chromium, tmp_path, name):
    root = GRAPHS[name]()
    tab, script, _ = open_player(chromium, root, tmp_path)
    total = tab.evaluate("player.total")
    values = len(topological_order(root))
    assert total == values + len(backward_steps(root))
    for index in range(1, total + 1):
        tab.press("ArrowRight")
        assert tab.evaluate("player.index") == index
        shown = tab.evaluate(SHOWN)
        appeared = [i for i, s in enumerate(shown) if "pending" not in s["classes"]]
        assert appeared == list(range(min(index, values)))  # forward: in topological order
        if index > values:  # backward: the grads of the script, step by step
            assert [s["grad"] for s in shown] == replay(script, index - values)
    assert "every grad is final" in tab.evaluate("document.getElementById('now').innerText")
    root.backward()
    assert_grads_are_pythons(tab, root)
    assert all("done" in s["classes"] for s in tab.evaluate(SHOWN))


def test_a_sees_its_three_contributions_accumulate(chromium, tmp_path):
    root = a_times_a_plus_a()
    tab, _, _ = open_player(chromium, root, tmp_path)
    tab.press("End")
    tab.press("ArrowLeft")  # back to the + step: a has received 1 from "+ a"
    assert tab.evaluate(SHOWN)[0]["text"] == "grad 1.0"
    tab.press("ArrowRight")  # a * a: two more, 2.0 each
    now = tab.evaluate("document.getElementById('now').innerText")
    assert "a.grad += 2.0 \u00d7 1.0 = 1.0 + 2.0 \u2192 3.0" in now
    assert "a.grad += 2.0 \u00d7 1.0 = 3.0 + 2.0 \u2192 5.0" in now
    assert tab.evaluate(SHOWN)[0]["text"] == "grad 5.0"


@pytest.mark.parametrize("name", GRAPHS)
def test_stepping_with_clicks_gives_the_same_grads(chromium, tmp_path, name):
    root = GRAPHS[name]()
    tab, _, _ = open_player(chromium, root, tmp_path)
    tab.press("End")
    tab.click("#reset")
    assert tab.evaluate("player.index") == 0
    for index in range(1, tab.evaluate("player.total") + 1):
        tab.click("#step")
        assert tab.evaluate("player.index") == index
    root.backward()
    assert_grads_are_pythons(tab, root)
    tab.click("#back")
    assert tab.evaluate("player.index") == tab.evaluate("player.total") - 1


def test_a_scope_view_adds_what_comes_from_outside_and_ends_on_pythons_grads(chromium, tmp_path):
    root = mixed_graph(0)[1]
    tab, _, _ = open_player(chromium, root, tmp_path, scope="layer")
    for _ in range(tab.evaluate("player.total")):
        tab.press("ArrowRight")
        if "values this view does not show" in tab.evaluate("document.body.innerText"):
            break
    else:
        raise AssertionError("no step shows the grads that come from outside the view")
    tab.press("End")
    root.backward()
    shown = tab.evaluate(SHOWN)
    assert [s["grad"] for s in shown] == [v.grad for v in views.in_scope(root, "layer").nodes]


def test_clicking_a_value_shows_its_operation_numbers_and_rule(chromium, tmp_path):
    root = a_times_a_plus_a()
    tab, _, _ = open_player(chromium, root, tmp_path, lang="fr")
    tab.press("End")
    tab.click(NODE.format(1))  # a * a
    details = tab.evaluate("document.getElementById('details').innerText")
    assert "* #1" in details and "valeur\n4,0" in details and "gradient actuel\n1,0" in details
    assert "d(* #1)/d(a) = 2,0\nd(* #1)/d(a) = 2,0" in details  # one derivative a line
    assert "d(a * b)/da = b et d(a * b)/db = a" in details
    tab.click(NODE.format(0))  # a: a leaf
    details = tab.evaluate("document.getElementById('details').innerText")
    assert "feuille" in details and "gradient actuel\n5,0" in details


def test_stepping_back_to_the_start_restores_the_start(chromium, tmp_path):
    root = neuron()
    tab, _, _ = open_player(chromium, root, tmp_path)
    start = tab.evaluate(STATE)
    assert all("pending" in s["classes"] for s in start["shown"])
    halfway = tab.evaluate("player.total") // 2 + 2
    for _ in range(halfway):
        tab.press("ArrowRight")
    middle = tab.evaluate(STATE)
    tab.press("End")
    for _ in range(tab.evaluate("player.total") - halfway):
        tab.press("ArrowLeft")
    assert tab.evaluate(STATE) == middle  # stepping back undoes exactly
    for _ in range(halfway):
        tab.press("ArrowLeft")
    assert tab.evaluate(STATE) == start
    tab.press("End")
    tab.press("Home")
    assert tab.evaluate(STATE) == start


def test_space_plays_to_the_end(chromium, tmp_path):
    root = neuron()
    tab, _, _ = open_player(chromium, root, tmp_path)
    tab.evaluate("const s = document.getElementById('speed'); s.value = 20;"
                 " s.dispatchEvent(new Event('input'))")  # fmt: skip
    tab.press(" ")
    assert tab.evaluate("document.getElementById('play').textContent") == "Pause"
    tab.wait_for("player.index === player.total", seconds=10)
    assert tab.evaluate("document.getElementById('play').textContent") == "Play"


def test_the_page_makes_no_network_request(chromium, tmp_path):
    root = neuron()
    tab, _, path = open_player(chromium, root, tmp_path, watch_network=True)
    tab.press("End")
    tab.click("#graph g.node")
    assert chromium.requested_urls() == [path.as_uri()]


def notebook_output(code: str) -> dict:
    """The rich output (MIME type -> data) of the last line of `code`, run in a real kernel."""
    manager, kernel = start_new_kernel(kernel_name="python3")
    results = []

    def keep(message: dict) -> None:
        if message["msg_type"] in ("execute_result", "display_data", "error"):
            results.append(message["content"])

    try:
        kernel.execute_interactive(code, timeout=120, output_hook=keep)
    finally:
        kernel.stop_channels()
        manager.shutdown_kernel(now=True)
    assert len(results) == 1 and "data" in results[0], results
    return results[0]["data"]


def test_in_jupyter_the_player_shows_inline_and_plays(chromium, tmp_path):
    code = "from autograd import Value, player\na = Value(2.0, 'a')\nplayer(a * a + a)"
    cell = notebook_output(code)["text/html"]
    assert cell.startswith("<iframe srcdoc=")
    page = tmp_path / "notebook.html"  # a notebook page is UTF-8, as Jupyter serves it
    page.write_text(f'<!DOCTYPE html><meta charset="utf-8"><body>{cell}</body>', "utf-8")
    tab = chromium.open(page.as_uri())
    inner = "document.querySelector('iframe').contentWindow"
    tab.wait_for(f"{inner}.document.body.dataset.ready === '1'")
    tab.evaluate(f"{inner}.player.go({inner}.player.total)")
    assert tab.evaluate(f"{inner}.player.grads") == [5.0, 1.0, 1.0]
