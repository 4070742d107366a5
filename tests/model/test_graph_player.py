"""minillm graph --player: the mini-LLM's backward, scope by scope, beside the 7 handwritten steps.

The browser test walks the scope page in headless Chromium and reads, at each
step, the handwritten step the panel names and the difference it shows.
"""

from __future__ import annotations

import re

import pytest

from model.cli import main
from model.cli.graph_cmd import DEFAULT_WORD, position_example
from model.cli.graph_player import position_player, step_notes
from model.compare import compare_steps
from model.params import init_params
from tests.autograd.test_player import page_script

STEP_NAMES = ["output", "W_out", "residual 2", "MLP", "residual 1", "attention", "embeddings"]
# The scopes in the order backward() finishes them, and the handwritten step each one is.
BACKWARD_SCOPES = {
    "loss": 1, "output": 2, "residual2": 3, "mlp": 4, "residual1": 5, "attention/output": 6,
    "attention/softmax": 6, "attention/scores": 6, "attention/qkv": 6, "embeddings": 7,
}  # fmt: skip
NOTE = re.compile(r"handwritten step (\d), ([\w ]+): largest difference (\S+)")


@pytest.fixture(scope="module")
def steps():
    params = init_params()
    return compare_steps(params, *position_example(params, DEFAULT_WORD))


def test_every_scope_gets_the_note_of_its_handwritten_step(steps):
    notes = step_notes(steps)
    assert list(notes) == list(BACKWARD_SCOPES)
    for scope, text in notes.items():
        number, name, difference = NOTE.fullmatch(text).groups()
        assert int(number) == BACKWARD_SCOPES[scope]
        assert name == STEP_NAMES[int(number) - 1]
        assert float(difference) == pytest.approx(steps[int(number) - 1].largest_difference, 0.1)
    assert step_notes(steps, "fr")["mlp"].startswith("étape 4 du calcul à la main, MLP : ")
    with pytest.raises(ValueError, match="lang must be one of"):
        step_notes(steps, "de")


def test_the_scope_page_steps_through_scopes_in_backward_order():
    script = page_script(position_player(init_params()).page)
    boxes = script["boxes"]
    order = [boxes[step["box"]]["scope"] for step in script["steps"]]
    assert order == list(BACKWARD_SCOPES)
    assert [boxes[step["box"]]["notes"][0][:18] for step in script["steps"]] == [
        f"handwritten step {n}" for n in BACKWARD_SCOPES.values()
    ]


def test_the_command_writes_the_page_and_refuses_another_format(steps, tmp_path, capsys):
    out = tmp_path / "player.html"
    assert main(["graph", "--player", "--scope", "mlp", "--lang", "fr", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    script = page_script(out.read_text("utf-8"))
    assert script["kind"] == "values" and {n["scope"] for n in script["nodes"]} == {"mlp"}
    assert script["nodes"][0]["notes"] == [step_notes(steps, "fr")["mlp"]]
    assert main(["graph", "--player", "--format", "svg"]) == 2
    assert "--player writes an HTML page" in capsys.readouterr().err


def test_a_view_too_big_is_refused_in_the_commands_words(capsys):
    assert main(["graph", "--player", "--pure", "--scope", "attention"]) == 2
    err = capsys.readouterr().err
    assert "more than max_nodes=500" in err and "Traceback" not in err
    assert "--view scopes" in err and "--view focus" in err and "--scope loss (116 values)" in err
    assert "group_by" not in err and "scope='" not in err


def test_in_chromium_the_scope_page_walks_the_seven_steps(chromium, tmp_path):
    path = position_player(init_params()).save(tmp_path / "scopes.html")
    tab = chromium.open(path.as_uri())
    tab.wait_for("document.body.dataset.ready === '1'")
    forward, total = tab.evaluate("[player.forwardCount, player.total]")
    seen = []
    for _ in range(forward):
        tab.press("ArrowRight")
    for _ in range(total - forward):
        tab.press("ArrowRight")
        panel = tab.evaluate("document.getElementById('now').innerText")
        number, name, difference = NOTE.search(panel).groups()
        assert float(difference) < 1e-12
        seen.append((int(number), name))
    assert [n for n, _ in seen] == list(BACKWARD_SCOPES.values())
    assert list(dict.fromkeys(seen)) == list(enumerate(STEP_NAMES, start=1))  # all 7, in order
    classes = tab.evaluate(
        "[...document.querySelectorAll('#graph g.node')].map(g => g.className.baseVal)"
    )
    assert all("done" in c for c in classes)  # every box shaded at the end
    mlp = [box["scope"] for box in page_script(path.read_text("utf-8"))["boxes"]].index("mlp")
    tab.click(f"#graph g.node[data-item='{mlp}']")
    details = tab.evaluate("document.getElementById('details').innerText")
    assert details.startswith("mlp") and "handwritten step 4, MLP: largest difference" in details
