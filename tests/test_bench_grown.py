"""Smoke test of benchmarks/bench_grown.py on a tiny model and run: every figure is there.

No timing is compared: only that each backend was timed and trained the same numbers,
and that both models' losses are real cross-entropies.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import math
from pathlib import Path

from model.config import Config

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def test_a_tiny_run_reports_every_figure(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(BENCHMARKS))  # benchmarks/ is a folder of scripts
    bench = importlib.import_module("bench_grown")
    monkeypatch.setattr(bench, "CONFIG", Config(heads=2, norm="rms", embed_dim=4, context=4,
                                                 hidden_dim=8))  # fmt: skip
    path = tmp_path / "grown.json"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
        results = bench.main(["--steps", "2", "--timing-steps", "2", "--json", str(path)])
    assert json.loads(path.read_text("utf-8"))["steps"] == 2
    assert list(results["timings"]) == ["autograd", "compiled", "torch"]
    for backend, row in results["timings"].items():
        if "skipped" in row:  # PyTorch is an optional extra
            assert backend == "torch" and "PyTorch" in row["skipped"]
            continue
        assert row["median_ms"] > 0 and row["largest_loss_difference"] <= 1e-12
    for model in (results, results["microgpt"]):
        assert 1.0 < model["final_loss"] < 5.0 and math.isfinite(model["first_loss"])
    text = printed.getvalue()
    assert "| compiled | " in text and "| microgpt-style workload (autograd.Value) |" in text
