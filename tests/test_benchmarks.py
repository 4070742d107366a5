"""Smoke test of benchmarks/bench_train.py on tiny sizes: it runs and its table is complete.

No timing is checked: only that every row is there and every ratio is a
positive finite number.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
BACKENDS = ["handwritten", "autograd fused", "autograd pure", "PyTorch float64"]
SHAPES = ["chain", "wide sum", "random DAG"]
SIZES = [10, 100, 1000]


@pytest.fixture(scope="module")
def bench():
    """benchmarks/bench_train.py as a module (benchmarks/ is a folder of scripts)."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import bench_train

        yield bench_train
    finally:
        sys.path.remove(str(BENCHMARKS))


@pytest.fixture(scope="module")
def quick_run(bench, tmp_path_factory):
    """The printed report, the returned figures and the JSON file of one tiny run."""
    path = tmp_path_factory.mktemp("bench") / "results.json"
    argv = ["--quick", "--positions", "20", "--rounds", "2", "--sizes", "10,100,1e3"]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
        results = bench.main([*argv, "--json", str(path)])
    return printed.getvalue(), results, json.loads(path.read_text("utf-8"))


def table_rows(printed: str) -> dict[str, list[str]]:
    """The Markdown tables' rows after the results heading, as {first cell: other cells}."""
    tables = printed.split("## Results (Markdown)", 1)[1]
    rows = {}
    for line in tables.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            rows[cells[0]] = cells[1:]
    return rows


def is_positive_finite(x: float) -> bool:
    return math.isfinite(x) and x > 0


def test_the_report_starts_with_the_machine(quick_run):
    printed, _, _ = quick_run
    assert printed.startswith("# Training benchmark")
    assert "cores" in printed.splitlines()[1]
    assert "20 positions, 2 rounds" in printed


def test_the_training_table_has_a_row_per_backend(quick_run):
    printed, _, _ = quick_run
    rows = table_rows(printed)
    assert set(BACKENDS) <= set(rows)
    ran = [b for b in BACKENDS if not rows[b][0].startswith("skipped")]
    assert ran[:3] == BACKENDS[:3]  # PyTorch may be skipped, the others always run
    for backend in ran:
        median = float(rows[backend][0].split()[0])
        ratio = float(rows[backend][1])
        assert is_positive_finite(median) and is_positive_finite(ratio)
    assert float(rows["handwritten"][1]) == 1.0


def test_the_scaling_table_has_a_row_per_shape_and_a_cell_per_size(quick_run):
    printed, _, _ = quick_run
    rows = table_rows(printed)
    assert rows["Graph"] == ["10^1 nodes", "10^2 nodes", "10^3 nodes"]
    for shape in SHAPES:
        assert len(rows[shape]) == len(SIZES)
        for cell in rows[shape]:
            ns, ratio = re.fullmatch(r"(\S+) \((\S+)\)", cell).groups()
            assert is_positive_finite(float(ns)) and is_positive_finite(float(ratio))


def test_the_figures_are_consistent_and_written_as_json(quick_run):
    _, results, written = quick_run
    assert written["positions"] == 20 and written["rounds"] == 2
    assert set(written["training"]) == set(results["training"])
    for t in results["training"].values():
        assert len(t["ms_per_position"]) == 2
        assert t["min"] <= t["median"] <= t["max"]
        assert t["loss_difference"] < 1e-9  # every backend trains the same model
    for variant in ("fused", "pure"):
        g = results["graphs"][variant]
        assert g["window_8"] > g["window_8_operations"] > 0
        assert is_positive_finite(g["bytes"]["per_node"])
    assert (
        results["graphs"]["pure"]["window_8_operations"]
        > (results["graphs"]["fused"]["window_8_operations"])
    )
    for rows in results["scaling"].values():
        assert [row["nodes"] for row in rows] == SIZES  # each graph has exactly n nodes
    assert len(results["targets"]) == 8
    assert all(isinstance(t["met"], bool) for t in results["targets"])


def test_the_core_value_and_the_minimal_one_train_exactly_alike(quick_run):
    printed, _, written = quick_run
    core = written["core_value"]
    assert core["same_losses"] is True  # the same numbers, in the same order: equal losses
    assert core["weights"] == 4064  # one layer, four heads: about 4,000 weights
    assert core["steps"] == 3 and core["rounds"] == 2
    assert set(core["ms_per_step"]) == {"autograd.Value", "minimal Value"}
    assert all(len(ms) == 2 for ms in core["ms_per_step"].values())
    assert is_positive_finite(core["ratio"])
    assert "losses at every step: exactly the same" in printed


def test_no_reference_cycle_and_the_check_can_see_one(quick_run):
    _, results, _ = quick_run
    assert results["cycles"]["control_found"] >= 1
    assert results["cycles"]["found"] == 0


def test_without_torch_the_row_says_how_to_install_it(bench, quick_run, monkeypatch):
    def no_torch(backend, *args, **kwargs):
        raise ImportError("no torch here")

    monkeypatch.setattr(bench, "make_step", no_torch)
    assert bench.torch_runner(bench.Config()) == (None, bench.TORCH_SKIPPED)
    _, results, _ = quick_run
    training = {k: v for k, v in results["training"].items() if k != bench.TORCH}
    without = {**results, "training": training, "torch": bench.TORCH_SKIPPED}
    rows = table_rows("## Results (Markdown)\n" + "\n".join(bench.markdown_tables(without)))
    assert rows["PyTorch float64"][0] == "skipped (pip install '.[torch]')"


def test_the_memory_control_has_a_ratio_per_size(quick_run):
    printed, results, _ = quick_run
    control = results["memory_control"]
    assert [row["size"] for row in control] == [10, 100, 1000]
    assert control[0]["ratio"] == 1.0
    assert all(is_positive_finite(row["ns_per_node"]) for row in control)
    row = table_rows(printed)["control: touch each node once, random order, no graph"]
    assert len(row) == 3
