"""Smoke test of benchmarks/bench_jit.py on a tiny run: every figure is there and sensible.

No timing is compared: only that each window length was recorded, every ratio is
a positive finite number, and the compiled step trained exactly as the others did.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import math
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def test_a_tiny_run_reports_every_figure(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(BENCHMARKS))  # benchmarks/ is a folder of scripts
    bench = importlib.import_module("bench_jit")
    path = tmp_path / "jit.json"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
        results = bench.main(["--positions", "30", "--rounds", "1", "--json", str(path)])
    assert json.loads(path.read_text("utf-8"))["positions"] == 30
    assert [row["length"] for row in results["recording"]] == list(range(1, 9))
    assert all(row["record_s"] > 0 and row["compile_s"] > 0 for row in results["recording"])
    training = results["training"]
    assert list(training) == [bench.HANDWRITTEN, bench.FUSED, bench.COMPILED]
    assert all(math.isfinite(t["ratio"]) and t["ratio"] > 0 for t in training.values())
    assert training[bench.COMPILED]["loss_difference"] <= 1e-12  # the same training
    text = printed.getvalue()
    assert "## Recording and compiling" in text and "## Targets" in text
    assert f"| {bench.COMPILED} | " in text  # the README's row
