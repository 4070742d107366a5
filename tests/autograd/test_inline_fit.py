"""Drawings and the player inline in a notebook are no wider than the output area.

Each object is shown by a real Jupyter kernel (nbclient's kernel client, as in
tests/autograd/test_player_browser.py); its HTML is put inside a page with an
output area of a fixed width, as JupyterLab does, and measured in headless Chromium.
"""

from __future__ import annotations

import pytest

from tests.autograd.test_player_browser import notebook_output
from tests.autograd.test_player_fit import ALL_ITEMS, IN_SIGHT, inside

OUTPUT_WIDTH = 1170  # pixels: JupyterLab's output area on a 1280-pixel-wide screen
NARROW = 700  # an output area on a small screen, or beside another panel
# Lesson 9's scope view of the mini-LLM: 3,905 px wide at its natural size.
SCOPES = """
from autograd import draw
from model.cli.graph_cmd import build_position_graph
from model.params import init_params
graph = build_position_graph(init_params())
"""
IMAGE = """(() => { const img = document.querySelector("#output img");
  return [img.getBoundingClientRect().width, img.naturalWidth]; })()"""


def in_output_area(chromium, tmp_path, cell_html: str, width: int = OUTPUT_WIDTH):
    """A tab showing `cell_html` inside an output area `width` pixels wide."""
    page = tmp_path / "notebook.html"
    page.write_text(
        '<!DOCTYPE html><meta charset="utf-8"><body style="margin: 0">'
        f'<div id="output" style="width: {width}px">{cell_html}</div></body>',
        "utf-8",
    )
    tab = chromium.open(page.as_uri(), size=(1280, 800))
    tab.wait_for(
        "document.getElementById('output') && [...document.images].every((i) => i.complete)"
    )
    return tab


@pytest.mark.parametrize(
    "code",
    # what a lesson's draw() cell shows too (lessons/kit/pictures.py displays the drawing)
    [SCOPES + "draw(graph.loss, group_by='scope', lang='fr')"],
    ids=["draw"],
)
def test_a_wide_drawing_fits_the_output_and_a_click_shows_it_full_size(
    chromium, tmp_path, monkeypatch, code
):
    monkeypatch.chdir(tmp_path)  # the kernel starts here: scopes.svg is saved here
    cell = notebook_output(code)
    tab = in_output_area(chromium, tmp_path, cell["text/html"])
    shown, natural = tab.evaluate(IMAGE)
    assert natural > 3 * OUTPUT_WIDTH  # the drawing is wide...
    assert shown <= OUTPUT_WIDTH  # ...and fits the output
    assert "Clique pour voir le dessin en grand." in cell["text/html"]
    tab.click("#output img")
    assert tab.evaluate(IMAGE)[0] == pytest.approx(natural, abs=1)  # full size; it scrolls
    tab.click("#output img")
    assert tab.evaluate(IMAGE)[0] <= OUTPUT_WIDTH


@pytest.mark.parametrize("width", [OUTPUT_WIDTH, NARROW])
def test_the_player_inline_fits_the_output_and_follows_the_neuron(chromium, tmp_path, width):
    code = (
        "from autograd import player\nfrom tests.autograd.test_player_fit import lesson7_neuron\n"
        "player(lesson7_neuron(), lang='fr')"
    )
    tab = in_output_area(chromium, tmp_path, notebook_output(code)["text/html"], width)
    frame = tab.evaluate("document.querySelector('iframe').getBoundingClientRect().width")
    assert frame <= width
    inner = "document.querySelector('iframe').contentWindow"
    tab.wait_for(f"{inner}.document.body.dataset.ready === '1'")
    page = f"{inner}.document.documentElement"
    assert tab.evaluate(f"{page}.scrollWidth <= {page}.clientWidth")  # nothing cut on the right
    in_frame = IN_SIGHT.replace("document.", f"{inner}.document.").replace("window.", f"{inner}.")
    pane = tab.evaluate(in_frame)["pane"]
    items = tab.evaluate(ALL_ITEMS.replace("document.", f"{inner}.document."))
    assert items and (width < OUTPUT_WIDTH or all(inside(item, pane) for item in items))
    for index in range(tab.evaluate(f"{inner}.player.total") + 1):
        tab.evaluate(f"{inner}.player.go({index})")
        seen = tab.evaluate(in_frame)
        assert all(inside(mark["box"], pane) for mark in seen["current"] + seen["inputs"])
