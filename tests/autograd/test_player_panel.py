"""The player's details panel, in headless Chromium: readable, and still exact underneath.

Numbers show rounded to 4 digits, the same way everywhere, and in full on demand
("every digit"); every number keeps all its digits in data-exact, so the tests
read backward()'s numbers to the last digit. One derivative a line, unnamed
values called by their operation and a short index, and the inputs a view does
not draw summed up in one line.
"""

from __future__ import annotations

from autograd import Value, dot, player, topological_order
from autograd.drawing.language import words
from autograd.drawing.player_trace import backward_steps
from tests.autograd.test_player import page_script

NUMBERS = """[...document.querySelectorAll("#now .line")].map((line) =>
  [...line.querySelectorAll(".num")].map((n) => [n.textContent, n.dataset.exact]))"""


def open_player(chromium, tmp_path, root, **options):
    shown = player(root, **options)
    tab = chromium.open(shown.save(tmp_path / "player.html").as_uri(), size=(1280, 800))
    tab.wait_for("document.body.dataset.ready === '1'")
    return tab, page_script(shown.page)


def a_dot_graph():
    """Three dot products of unnamed constants: their names are "dot #1" to "dot #3"."""
    w = [Value(0.1 * i - 0.3, f"w{i}") for i in range(3)]
    heads = [dot(w, [Value(1.0 / (k + i + 1)) for i in range(3)]) for k in range(3)]
    return Value.sum(heads).relu()


def test_unnamed_values_are_called_by_their_operation_and_an_index():
    script = page_script(player(a_dot_graph(), lang="fr").page)
    names = [node["name"] for node in script["nodes"]]
    assert [n for n in names if n.startswith("dot")] == ["dot #1", "dot #2", "dot #3"]
    assert "feuille #1" in names and "relu #1" in names and "w0" in names
    assert not any("[" in name for name in names)


def test_each_number_is_rounded_and_keeps_every_digit_of_backward(chromium, tmp_path):
    root = a_dot_graph()
    tab, _ = open_player(chromium, tmp_path, root, lang="fr")
    forward = tab.evaluate("player.forwardCount")
    steps = backward_steps(root)
    for k, step in enumerate(steps[1:], start=2):  # every step after the seed
        tab.evaluate(f"player.go({forward + k})")
        lines = tab.evaluate(NUMBERS)
        assert len(lines) == len(step.contributions)
        for numbers, c in zip(lines, step.contributions):
            exact = [c.local, step.grad, c.old, c.contribution, c.new]
            assert [float(e) for _, e in numbers] == exact  # to the last digit
            assert [text for text, _ in numbers] == [words("fr").short(x) for x in exact]
    tab.click("#all-digits")  # every digit, written the French way
    lines = tab.evaluate(NUMBERS)
    assert all(text == exact.replace(".", ",") for line in lines for text, exact in line)
    assert any(len(text) > 8 for line in lines for text, _ in line)  # 0,16666666666666666


def test_one_derivative_a_line_in_the_details(chromium, tmp_path):
    root = a_dot_graph()
    tab, script = open_player(chromium, tmp_path, root)
    first_dot = [node["name"] for node in script["nodes"]].index("dot #1")
    tab.press("End")
    tab.click(f"#graph g.node[data-item='{first_dot}']")
    lines = tab.evaluate(
        "[...document.querySelectorAll('#details .derivative')].map((l) => l.innerText)"
    )
    node = topological_order(root)[first_dot]
    assert len(lines) == len(node.children) == 6
    assert lines[0] == f"d(dot #1)/d(w0) = {words('en').short(node.local_grads[0])}"


def test_inputs_that_are_not_drawn_are_summed_up_in_one_line(chromium, tmp_path):
    xs = [Value(0.01 * i, f"x{i}") for i in range(32)]
    total = Value.sum(x * 2.0 for x in xs)
    root = (total + xs[0]).exp()
    tab, script = open_player(chromium, tmp_path, root, focus=root, max_nodes=6)
    sums = [k for k, step in enumerate(script["steps"]) if step["node"] is not None
            and sum(line["input"] is None for line in step["lines"]) > 1]  # fmt: skip
    assert sums, "no step passes grads to values that are not drawn"
    tab.evaluate(f"player.go(player.forwardCount + {sums[0] + 1})")
    hidden = tab.evaluate(
        "[...document.querySelectorAll('#now .hidden-input')].map((l) => l.innerText)"
    )
    count = sum(line["input"] is None for line in script["steps"][sums[0]]["lines"])
    assert hidden == [f"… and {count} inputs not drawn, which get their share the same way."]
