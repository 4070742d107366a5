"""The page of save_html() really draws the graph: opened in headless Chromium, offline.

The `chromium` fixture (tests/conftest.py, driver in tests/browser.py) opens the
page and waits until an <svg> appears or the page reports a failure.
"""

import xml.etree.ElementTree as ET

from autograd import Value, draw, save_html

SVG = "{http://www.w3.org/2000/svg}"


def test_the_html_page_draws_the_graph_in_a_browser(tmp_path, chromium):
    w, x = Value(0.5, "w"), Value(-2.0, "x")
    out = (w * x + Value(0.25, "bias")).relu()
    out.backward()
    page = save_html(draw(out), tmp_path / "neuron.html")

    svg = chromium.svg_of(page.as_uri())

    assert svg.startswith("<svg"), svg[:500]
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    for expected in ("w", "x", "bias", "relu", "data -0.75", "grad 1.0"):
        assert expected in texts
