"""minillm graph --out: the file's suffix says what it holds, or the command refuses."""

from __future__ import annotations

import pytest

from model.cli import main


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("g.bmp", "g.bmp ends in .bmp, and no bmp file can be made here"),
        ("g.pdf", "g.pdf ends in .pdf, and no pdf file can be made here"),  # dot could; we do not
        ("g.jpeg", "end it in one of .svg, .png, .dot, .html"),
    ],
)
def test_an_out_file_of_a_format_graph_does_not_make_is_refused(
    out, message, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    assert main(["graph", "--out", out]) == 2
    err = capsys.readouterr().err
    assert err.startswith("minillm graph: error: ") and message in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_the_suffix_chooses_the_format(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["graph", "--out", "g.png"]) == 0
    assert (tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["graph", "--out", "g.gv"]) == 0
    assert (tmp_path / "g.gv").read_text().startswith("digraph")
