"""A grown model's backprop player in real headless Chromium: it plays every scope of every
layer to the end, and names no handwritten step (there is none for this shape)."""

from __future__ import annotations

from model.cli.graph_player import position_player
from model.config import Config
from tests.autograd.test_player import page_script
from tests.model.grown import random_params

CONFIG = Config(heads=2, layers=2, norm="layer", embed_dim=4, hidden_dim=6, context=4)


def test_in_chromium_a_grown_scope_page_plays_to_the_end(chromium, tmp_path):
    path = position_player(random_params(CONFIG), "mew", config=CONFIG).save(tmp_path / "g.html")
    boxes = page_script(path.read_text("utf-8"))["boxes"]
    assert {"L2/attention/qkv", "L2/mlp", "attention/norm", "output/norm"} <= {
        box["scope"] for box in boxes
    }
    tab = chromium.open(path.as_uri())
    tab.wait_for("document.body.dataset.ready === '1'")
    total = tab.evaluate("player.total")
    panels = []
    for _ in range(total):
        tab.press("ArrowRight")
        panels.append(tab.evaluate("document.getElementById('now').innerText"))
    assert not any("handwritten" in panel for panel in panels)
    classes = tab.evaluate(
        "[...document.querySelectorAll('#graph g.node')].map(g => g.className.baseVal)"
    )
    assert len(classes) >= len(boxes) and all("done" in c for c in classes)
    counter = tab.evaluate("document.getElementById('counter').innerText")
    assert counter == f"step {total} of {total}"
