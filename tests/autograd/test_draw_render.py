"""render(), save_html() and the notebook display: with dot, without it, and when it fails."""

import base64
import json
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from importlib import resources

import pytest

from autograd import GraphvizNotFound, Value, draw, render, save_html
from autograd.drawing.pages import html_page

SVG = "{http://www.w3.org/2000/svg}"
VIZ_JS = resources.files("autograd.drawing").joinpath("vendor/viz-global.js").read_text("utf-8")


def neuron():
    w, x = Value(0.5, "w"), Value(-2.0, "x")
    out = (w * x + Value(0.25, "bias")).relu()
    out.backward()
    return out


class Scripts(HTMLParser):
    """The text inside each <script>, as a browser would cut it."""

    def __init__(self, page):
        super().__init__()
        self.found, self._inside = [], False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._inside = True
            self.found.append((dict(attrs), ""))

    def handle_endtag(self, tag):
        self._inside = self._inside and tag != "script"

    def handle_data(self, data):
        if self._inside:
            attrs, text = self.found[-1]
            self.found[-1] = (attrs, text + data)


def fake_dot(tmp_path, monkeypatch, script):
    """Put a `dot` on PATH that runs `script` (a POSIX shell body) instead of Graphviz."""
    folder = tmp_path / "fake-bin"
    folder.mkdir()
    (folder / "dot").write_text("#!/bin/sh\n" + script + "\n")
    (folder / "dot").chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))


# ---------------------------------------------------------------- with the dot program


def test_render_svg_is_valid_xml_with_the_labels(tmp_path):
    path = render(draw(neuron()), tmp_path / "neuron.svg")
    assert path == tmp_path / "neuron.svg"
    texts = [t.text for t in ET.parse(path).getroot().iter(f"{SVG}text")]
    for expected in ("w", "x", "bias", "relu", "data 0.5", "grad 1.0", "data -0.75"):
        assert expected in texts


def test_render_png_pdf_and_dot_text(tmp_path):
    graph = draw(neuron())
    assert render(graph, tmp_path / "n", "png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert render(graph, tmp_path / "n", "pdf").read_bytes()[:5] == b"%PDF-"
    assert render(graph, tmp_path / "n.gv", "dot").read_text() == graph.source
    with pytest.raises(ValueError, match="format must be one of"):
        render(graph, tmp_path / "n.jpg", "jpg")


def test_render_takes_a_value_and_draws_it(tmp_path):
    root = neuron()
    path = render(root, tmp_path / "root", "dot")
    assert path.name == "root.dot"
    assert path.read_text() == draw(root).source


def test_special_characters_survive_dot(tmp_path):
    odd = Value(1.0, 'a|b{c}<d>"e')
    path = render(draw(odd.exp()), tmp_path / "odd.svg")
    texts = [t.text for t in ET.parse(path).getroot().iter(f"{SVG}text")]
    assert 'a|b{c}<d>"e' in texts


def test_the_notebook_shows_dots_svg():
    bundle = draw(neuron())._repr_mimebundle_()
    assert list(bundle) == ["text/html", "image/svg+xml"]  # HTML first: fitted to the output
    assert ET.fromstring(bundle["image/svg+xml"]).tag == f"{SVG}svg"
    svg = base64.b64encode(bundle["image/svg+xml"].encode("utf-8")).decode("ascii")
    assert f'src="data:image/svg+xml;base64,{svg}"' in bundle["text/html"]


# ---------------------------------------------------------------- without it


def test_without_dot_render_saves_dot_and_html_and_says_how_to_install(tmp_path, no_dot):
    graph = draw(neuron())
    with pytest.raises(GraphvizNotFound) as caught:
        render(graph, tmp_path / "out" / "neuron.svg")  # the folder is made too
    message = str(caught.value)
    for needed in (
        "pip install graphviz",
        "only a Python wrapper",
        "`dot` program on PATH: not found",
        "apt-get install graphviz",
        "brew install graphviz",
        "conda install -c conda-forge graphviz",
        "graphviz.org",
        str(tmp_path / "out" / "neuron.dot"),
        str(tmp_path / "out" / "neuron.html"),
    ):
        assert needed in message
    assert isinstance(caught.value, RuntimeError)
    assert caught.value.dot_path == tmp_path / "out" / "neuron.dot"
    assert caught.value.html_path == tmp_path / "out" / "neuron.html"
    assert (tmp_path / "out" / "neuron.dot").read_text() == graph.source
    assert VIZ_JS in (tmp_path / "out" / "neuron.html").read_text()
    assert not (tmp_path / "out" / "neuron.svg").exists()


def test_without_dot_dot_and_html_formats_still_work(tmp_path, no_dot):
    graph = draw(neuron())
    assert render(graph, tmp_path / "a.dot", "dot").read_text() == graph.source
    assert render(graph, tmp_path / "a.html", "html").read_text() == html_page(graph.source, "a")


def test_a_drawing_saves_its_own_html_page(tmp_path, no_dot):
    graph = draw(neuron())
    page = graph.save_html(tmp_path / "neuron.html")
    assert page.read_text() == html_page(graph.source, "neuron")


def test_without_dot_the_notebook_shows_the_html_view(no_dot):
    bundle = draw(neuron())._repr_mimebundle_()
    assert "not found" in bundle["text/plain"]
    assert "apt-get install graphviz" in bundle["text/plain"]
    assert bundle["text/html"].count("<iframe srcdoc=") == 1
    assert "Viz.instance()" in bundle["text/html"]


def test_the_notebook_display_never_raises_even_if_the_html_view_fails(no_dot, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("vendor file missing")

    monkeypatch.setattr("autograd.drawing.dot_program.html_page", broken)
    graph = draw(neuron())
    bundle = graph._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    assert "vendor file missing" in bundle["text/plain"]
    assert graph.source in bundle["text/plain"]


def test_a_failing_dot_is_reported_and_the_notebook_falls_back(tmp_path, monkeypatch):
    fake_dot(tmp_path, monkeypatch, 'echo "syntax error in line 3" >&2; exit 1')
    graph = draw(neuron())
    with pytest.raises(RuntimeError, match="dot failed: syntax error in line 3"):
        render(graph, tmp_path / "bad.svg")
    bundle = graph._repr_mimebundle_()
    assert "syntax error in line 3" in bundle["text/plain"]
    assert "<iframe srcdoc=" in bundle["text/html"]


def test_a_slow_dot_is_stopped_after_the_timeout(tmp_path, monkeypatch):
    fake_dot(tmp_path, monkeypatch, f"exec {shutil.which('sleep')} 30")
    with pytest.raises(TimeoutError, match=r"did not finish in 0\.2 s") as caught:
        render(draw(neuron()), tmp_path / "slow.png", "png", timeout=0.2)
    assert str(tmp_path / "slow.html") in str(caught.value)
    assert (tmp_path / "slow.dot").exists()
    assert not (tmp_path / "slow.png").exists()


# ---------------------------------------------------------------- the HTML page


def test_the_html_page_holds_the_dot_text_and_the_vendored_renderer(tmp_path):
    graph = draw(neuron())
    path = save_html(graph, tmp_path / "neuron.html")
    scripts = Scripts(path.read_text(encoding="utf-8")).found
    assert [attrs.get("type") for attrs, _ in scripts] == ["application/json", None, None]
    assert json.loads(scripts[0][1]) == graph.source
    assert scripts[1][1] == VIZ_JS
    assert "Viz.instance()" in scripts[2][1]
    assert "renderSVGElement(dotText)" in scripts[2][1]
    assert "http" not in scripts[2][1]  # nothing fetched: it works offline


def test_a_label_cannot_close_the_script_early():
    graph = draw(Value(1.0, "</script><script>alert(1)</script>").exp())
    scripts = Scripts(html_page(graph.source)).found
    assert len(scripts) == 3
    assert json.loads(scripts[0][1]) == graph.source


def test_the_vendored_renderer_is_viz_js_with_its_licence():
    assert VIZ_JS.startswith("/*!\nViz.js 3.31.0")
    assert "A.instance=function()" in VIZ_JS
    vendor = resources.files("autograd.drawing").joinpath("vendor")
    assert "3.31.0" in vendor.joinpath("README.md").read_text()
    assert "Permission is hereby granted" in vendor.joinpath("LICENSE").read_text()
