"""Smoke test of benchmarks/bench_player.py on a tiny page: it runs and prints both figures.

No timing is checked: only that the page has the size asked for and that every
figure is a positive finite number.
"""

from __future__ import annotations

import contextlib
import io
import math
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def test_the_player_benchmark_measures_a_small_page():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import bench_player
    finally:
        sys.path.remove(str(BENCHMARKS))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        results = bench_player.main(["--values", "30", "--rounds", "1"])
    assert results["values"] == 30
    assert results["steps"] > 30  # 30 values appear, then backward's steps
    figures = [*results["draw_s"].values(), *results["step_ms"].values()]
    assert all(math.isfinite(x) and x > 0 for x in figures)
    lines = printed.getvalue().splitlines()
    assert lines[0].startswith("# Backprop player: a page of 30 values")
    assert lines[2].startswith("draw: median") and lines[3].startswith("step: median")
