"""How fast does autograd train the mini-LLM, next to the handwritten backward?

    python benchmarks/bench_train.py            # 2,000 positions, 5 rounds (~3-4 minutes)
    python benchmarks/bench_train.py --quick    # 200 positions, 3 rounds, graphs up to 10^5
    python benchmarks/bench_train.py --json results.json

Everything runs in one process, on the same training positions, so that the
figures can be compared as ratios even on a busy machine:

1. the training step per position (forward + backward + SGD update) of every
   backend, in rounds, each round running every backend once, order rotated;
2. the size of one position's graph: nodes, and bytes per node (tracemalloc);
3. backward time per node on synthetic graphs of 10^3 to 10^6 nodes, to see
   whether the cost grows linearly with the size of the graph;
4. whether any node is kept alive by a reference cycle;
5. the core Value against the simplest design in the field: a small GPT in
   microgpt's style (benchmarks/microgpt.py) trained with autograd.Value and with
   the minimal reference Value (benchmarks/minimal_value.py), alternated rounds.

It prints figures and never asserts them; the table at the end can be pasted
into the README.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence

import microgpt
from minimal_value import MinimalValue

from autograd import Value, topological_order
from model import autodiff
from model.backends import Step, make_step
from model.compiled import windows_of_every_length
from model.data import VOCAB, examples, load_names
from model.optim import SGD
from model.params import Config, flatten, init_params, unflatten

Position = tuple[list[int], int]
Runner = Callable[[Sequence[Position]], list[float]]  # trains over positions, returns losses
Clock = Callable[[], float]  # seconds

# This process's CPU time: unlike the wall clock, it does not count the time other
# programs on a busy machine take from us. --clock wall switches to time.perf_counter.
CPU: Clock = time.process_time
CLOCKS = {"cpu": CPU, "wall": time.perf_counter}
CLOCK_NOTES = {
    "cpu": "this process's CPU time (time.process_time; --clock wall for wall time)",
    "wall": "wall time (time.perf_counter)",
}

LR = 0.01  # the lesson's SGD learning rate
SIZES = (10**3, 10**4, 10**5, 10**6)
HANDWRITTEN = "handwritten"
FUSED = "autograd fused"
PURE = "autograd pure"
FRESH = "autograd fresh"  # autodiff.autograd_loss_and_grads: new weight Values at every call
COMPILED = "autograd compiled"  # autograd.jit's replay; benchmarks/bench_jit.py tells more
TORCH = "PyTorch float64"
TORCH_SKIPPED = "skipped (pip install '.[torch]')"


# ---------------------------------------------------------------- the machine


def machine() -> dict:
    """Platform, Python, CPU model and core count: what the figures depend on."""
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "cpu": cpu,
        "cores": os.cpu_count(),
    }


# ---------------------------------------------------------------- 1. the training step


def training_positions(count: int, config: Config = Config()) -> list[Position]:
    """The first `count` (window, target) positions of the built-in names, in file order."""
    every = [ex for name in load_names() for ex in examples(name, config.context)]
    if not 0 < count <= len(every):
        raise ValueError(f"--positions must be between 1 and {len(every)}, got {count}")
    return every[:count]


def python_runner(backend: str, config: Config, fused: bool = True) -> Runner:
    """Train with model.backends.make_step and SGD, from the initial weights, over positions."""
    step = make_step(backend, config, fused)  # made once: autograd creates its leaves here
    return sgd_runner(step, config)


def fresh_values_runner(config: Config) -> Runner:
    """Train with autodiff.autograd_loss_and_grads, which wraps fresh weight Values at every call.

    That is what a learner's code does when it calls the model's function directly,
    instead of the step that make_step keeps and refills.
    """

    def step(weights: list[float], ids: list[int], target: int) -> tuple[float, list[float]]:
        loss, grads = autodiff.autograd_loss_and_grads(unflatten(weights, config), ids, target)
        return loss, flatten(grads)

    return sgd_runner(step, config)


def sgd_runner(step: Step, config: Config) -> Runner:
    """Train with `step` and SGD, from the initial weights, over positions; return the losses."""
    start = flatten(init_params(config))

    def run(positions: Sequence[Position]) -> list[float]:
        weights = list(start)
        opt = SGD(len(weights), LR)
        losses = []
        for ids, target in positions:
            loss, grads = step(weights, ids, target)
            opt.step(weights, grads)
            losses.append(loss)
        return losses

    return run


def torch_runner(config: Config) -> tuple[Runner | None, str]:
    """The PyTorch backend (model/torch_backend.py) as a runner and a note, or None and why not.

    It is make_step("torch") too: one position at a time, flat lists in and out,
    float64, one thread.
    """
    try:
        run = python_runner("torch", config)
    except ImportError:  # model.backends.TorchNotInstalled
        return None, TORCH_SKIPPED
    import torch

    return run, f"torch {torch.__version__} (model/torch_backend.py, make_step('torch'))"


def runners(config: Config, with_torch: bool = True) -> tuple[dict[str, Runner], str]:
    """Every backend to time, by label, and a note on PyTorch."""
    found = {
        HANDWRITTEN: python_runner("manual", config),
        FUSED: python_runner("autograd", config, fused=True),
        PURE: python_runner("autograd", config, fused=False),
        FRESH: fresh_values_runner(config),
        COMPILED: python_runner("compiled", config),
    }
    found[COMPILED](windows_of_every_length(config))  # records its 8 programs, untimed
    run_torch, note = torch_runner(config) if with_torch else (None, "skipped (--no-torch)")
    if run_torch is not None:
        found[TORCH] = run_torch
    return found, note


def time_training(
    backends: dict[str, Runner], positions: Sequence[Position], rounds: int, clock: Clock = CPU
) -> dict[str, dict]:
    """ms per position of every backend, over `rounds` alternated rounds.

    Each round runs every backend once over all positions, starting from the
    same weights; the order is rotated from round to round so that no backend is
    always first (or always right after the slowest). Also gives the largest
    difference of each backend's losses from the handwritten ones: the backends
    compute the same training, so it should be about 1e-12.
    """
    labels = list(backends)
    for label in labels:  # warm up, untimed
        backends[label](positions[:20])
    ms: dict[str, list[float]] = {label: [] for label in labels}
    losses: dict[str, list[float]] = {}
    for r in range(rounds):
        for label in labels[r % len(labels) :] + labels[: r % len(labels)]:
            gc.collect()
            start = clock()
            got = backends[label](positions)
            ms[label].append(1000 * (clock() - start) / len(positions))
            losses.setdefault(label, got)
    reference = losses[labels[0]]
    return {
        label: {
            "ms_per_position": ms[label],
            "median": statistics.median(ms[label]),
            "min": min(ms[label]),
            "max": max(ms[label]),
            "ratio": statistics.median(ms[label]) / statistics.median(ms[labels[0]]),
            "loss_difference": max(abs(a - b) for a, b in zip(losses[label], reference)),
        }
        for label in labels
    }


# ---------------------------------------------------------------- 2. graph size


def graph_nodes(positions: Sequence[Position], config: Config, fused: bool) -> dict:
    """Nodes of one position's graph (leaves included), for a window of 8 and on average.

    The count depends only on the window's length and on how many distinct
    letters it holds (a repeated letter reuses its embedding leaves), so each
    distinct case is built once and the mean over all positions stays exact.
    """
    vparams = autodiff.to_values(init_params(config))
    counts: dict[tuple[int, int], tuple[int, int]] = {}

    def count(ids: list[int], target: int) -> tuple[int, int]:
        key = (len(ids), len(set(ids)))
        if key not in counts:
            loss = autodiff.forward(vparams, ids, target, fused)
            counts[key] = (len(topological_order(loss)), len(topological_order(loss, False)))
        return counts[key]

    ids, target = typical_window(config)
    nodes, operations = count(ids, target)
    mean = statistics.mean(count(ids, t)[0] for ids, t in positions)
    return {"window_8": nodes, "window_8_operations": operations, "mean": mean}


def typical_window(config: Config) -> Position:
    """The first full-length window (8 letters) of the built-in names."""
    return next(
        ex for name in load_names() for ex in examples(name, config.context)
        if len(ex[0]) == config.context
    )  # fmt: skip


def bytes_per_node(config: Config, fused: bool) -> dict:
    """Memory of one position's graph built from fresh Values, per node (tracemalloc).

    The fresh weights are counted too, as nodes and as memory: labels included.
    A first build, untraced, warms up the caches that a build fills only once.
    """
    ids, target = typical_window(config)
    params = init_params(config)
    autodiff.forward(autodiff.to_values(params), ids, target, fused)
    gc.collect()
    tracemalloc.start()
    try:
        vparams = autodiff.to_values(params)
        loss = autodiff.forward(vparams, ids, target, fused)
        traced, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    nodes = {id(v) for v in topological_order(loss)} | {id(v) for v in autodiff.leaves(vparams)}
    return {"bytes": traced, "nodes": len(nodes), "per_node": traced / len(nodes)}


# ---------------------------------------------------------------- 3. backward cost per node


def chain(n: int) -> Value:
    """n nodes in a line: a leaf, then log, exp, log, exp... of the node before."""
    v = Value(2.0)
    for i in range(n - 1):
        v = v.log() if i % 2 == 0 else v.exp()
    return v


def wide_sum(n: int) -> Value:
    """n nodes: n - 1 leaves added by one `+` node (Value.sum)."""
    return Value.sum([Value(float(i % 10)) for i in range(n - 1)])


def random_dag(n: int, seed: int = 0) -> Value:
    """n nodes: 2 leaves, then each new node is a + or * of two random earlier nodes.

    The nodes nobody used are added up by a last `+` node, so that every node is
    in the graph. A `*` is replaced by a `+` when an input is above 1 in size:
    that keeps every number finite (the numbers do not change the cost).
    """
    rng = random.Random(seed)
    nodes = [Value(rng.uniform(-1.0, 1.0)) for _ in range(2)]
    used = bytearray(n - 1)
    for _ in range(n - 3):
        i, j = rng.randrange(len(nodes)), rng.randrange(len(nodes))
        a, b = nodes[i], nodes[j]
        used[i] = used[j] = 1
        times = rng.random() < 0.5 and abs(a.data) <= 1.0 and abs(b.data) <= 1.0
        nodes.append(a * b if times else a + b)
    return Value.sum([v for v, u in zip(nodes, used) if not u])


SHAPES: dict[str, Callable[[int], Value]] = {
    "chain": chain,
    "wide sum": wide_sum,
    "random DAG": random_dag,
}


def backward_scaling(sizes: Sequence[int], clock: Clock = CPU) -> dict[str, list[dict]]:
    """Time the first backward() of freshly built graphs, per node, as a training step does.

    Small graphs are built several times and the median is kept; graphs of 10^5
    nodes and more are built once (and once more for the second figure: the same
    backward with the cycle collector off, to show its share). The ratio is to the
    smallest size: 1.0 everywhere would be a cost exactly proportional to the size.
    """
    results: dict[str, list[dict]] = {}
    for shape, build in SHAPES.items():
        rows = []
        for n in sizes:
            repeats = max(1, min(20, 3 * 10**4 // n))
            built, times, no_gc = [], [], []
            for collector, timed in ((True, times), (False, no_gc)):
                for _ in range(repeats):
                    gc.collect()
                    start = clock()
                    root = build(n)
                    built.append(clock() - start)
                    timed.append(_time_backward(root, clock, collector))
                    nodes = len(topological_order(root))
                    del root
            backward = statistics.median(times)
            rows.append(
                {"size": n, "nodes": nodes, "build_s": statistics.median(built),
                 "backward_s": backward, "ns_per_node": 1e9 * backward / nodes,
                 "ns_per_node_gc_off": 1e9 * statistics.median(no_gc) / nodes}
            )  # fmt: skip
        for row in rows:
            row["ratio"] = row["ns_per_node"] / rows[0]["ns_per_node"]
            row["ratio_gc_off"] = row["ns_per_node_gc_off"] / rows[0]["ns_per_node_gc_off"]
        results[shape] = rows
    return results


def memory_control(sizes: Sequence[int], clock: Clock = CPU) -> list[dict]:
    """The cost of merely touching n Values in a random order (v.grad += v.data), per node.

    No graph, no sort: if this grows with n as the random DAG's backward does, the
    growth is the machine's memory (caches missed on a large, scattered heap), not
    the algorithm, whose work per node is the same at every size.
    """
    rows = []
    for n in sizes:
        values = [Value(1.0) for _ in range(n)]
        random.Random(0).shuffle(values)
        repeats = max(1, 10**6 // n)
        start = clock()
        for _ in range(repeats):
            for v in values:
                v.grad += v.data
        rows.append({"size": n, "ns_per_node": 1e9 * (clock() - start) / (repeats * n)})
        del values
    for row in rows:
        row["ratio"] = row["ns_per_node"] / rows[0]["ns_per_node"]
    return rows


def _time_backward(root: Value, clock: Clock, collector: bool = True) -> float:
    """Seconds taken by root.backward(), with the cycle collector on or off."""
    was_on = gc.isenabled()
    if not collector:
        gc.disable()
    try:
        start = clock()
        root.backward()
        return clock() - start
    finally:
        if was_on:
            gc.enable()


# ---------------------------------------------------------------- 4. reference cycles


def reference_cycles(positions: Sequence[Position], config: Config, size: int) -> dict:
    """Objects that only the cycle collector could free, after graphs were used and dropped.

    With the collector off, a graph whose nodes hold no reference cycle is freed
    entirely by reference counting when its last reference goes, so gc.collect()
    then finds nothing (0). A list that contains itself, the control, is found.
    """
    gc.collect()
    gc.disable()
    try:
        for fused in (True, False):
            python_runner("autograd", config, fused)(positions)
        for build in SHAPES.values():
            build(size).backward()
        found = gc.collect()
        control: list = []
        control.append(control)
        del control
        control_found = gc.collect()
    finally:
        gc.enable()
    return {"found": found, "control_found": control_found, "positions": len(positions),
            "graph_size": size}  # fmt: skip


# ---------------------------------------------------------- 5. the core Value vs the minimal one

CORE_VALUES: dict[str, Callable[[float], object]] = {
    "autograd.Value": Value,
    "minimal Value": MinimalValue,
}


def core_value_race(steps: int, rounds: int, clock: Clock = CPU) -> dict:
    """ms per training step of microgpt.py with each Value class, over alternated rounds.

    Each round trains both from the same weights for `steps` names, in an order that
    alternates from round to round. `same_losses` says whether the two trainings gave
    exactly the same loss at every step: they compute the same numbers in the same
    order, so anything but equality would be a bug in one of them.
    """
    names = load_names()
    labels = list(CORE_VALUES)
    ms: dict[str, list[float]] = {label: [] for label in labels}
    losses: dict[str, list[float]] = {}
    for r in range(rounds):
        for label in labels[r % 2 :] + labels[: r % 2]:
            gc.collect()
            start = clock()
            got = microgpt.train(CORE_VALUES[label], names, VOCAB, steps)
            ms[label].append(1000 * (clock() - start) / steps)
            losses.setdefault(label, got)
    median = {label: statistics.median(ms[label]) for label in labels}
    ours, minimal = labels
    return {
        "steps": steps, "rounds": rounds, "weights": microgpt.weight_count(len(VOCAB)),
        "ms_per_step": ms, "median": median, "ratio": median[ours] / median[minimal],
        "same_losses": losses[ours] == losses[minimal], "last_loss": losses[ours][-1],
    }  # fmt: skip


# ---------------------------------------------------------------- the report


def run(
    positions: int = 2000, rounds: int = 5, sizes: Sequence[int] = SIZES, with_torch: bool = True,
    clock: str = "cpu", say: Callable[[str], None] = print, core_steps: int = 10,
) -> dict:  # fmt: skip
    """Every measurement, as a dict (what --json writes); prints progress with `say`."""
    config, tick = Config(), CLOCKS[clock]
    todo = training_positions(positions, config)
    backends, torch_note = runners(config, with_torch)
    # Importing torch leaves ~150,000 objects for the cycle collector to walk through at
    # every full collection, which would slow the autograd backends (twice, for pure)
    # for a reason that has nothing to do with them. Freezing moves what exists now out
    # of its reach, as if torch had never been imported.
    gc.collect()
    gc.freeze()
    say(f"timing the training step: {len(todo):,} positions x {rounds} rounds ...")
    training = time_training(backends, todo, rounds, tick)
    say("counting nodes ...")
    graphs = {
        variant: {**graph_nodes(todo, config, fused), "bytes": bytes_per_node(config, fused)}
        for variant, fused in (("fused", True), ("pure", False))
    }
    say(f"timing backward on graphs of {', '.join(f'{n:,}' for n in sizes)} nodes ...")
    scaling = backward_scaling(sizes, tick)
    control = memory_control(sizes, tick)
    say("looking for reference cycles ...")
    cycles = reference_cycles(todo[:50], config, min(10**4, max(sizes)))
    say(f"racing the core Value against the minimal one: {core_steps} names x {rounds} rounds ...")
    core = core_value_race(core_steps, rounds, tick)
    results = {
        "machine": machine(), "torch": torch_note, "clock": clock, "positions": len(todo),
        "rounds": rounds,
        "training": training, "graphs": graphs, "scaling": scaling, "cycles": cycles,
        "memory_control": control, "core_value": core,
    }  # fmt: skip
    gc.unfreeze()
    results["targets"] = targets(results)
    return results


def targets(results: dict) -> list[dict]:
    """The team's targets, each with the measured figure and whether it is met."""
    training, scaling, found = results["training"], results["scaling"], results["cycles"]["found"]
    fused, pure = training[FUSED]["ratio"], training[PURE]["ratio"]
    fresh, core = training[FRESH]["ratio"] / fused, results["core_value"]["ratio"]
    worst = max(rows[-1]["ratio"] for rows in scaling.values())
    smallest, largest = _size(scaling["chain"][0]["size"]), _size(scaling["chain"][-1]["size"])
    shape, row = slowest_largest_graph(scaling)
    seconds = row["build_s"] + row["backward_s"]
    return [
        {"target": "autograd fused <= 3x handwritten", "value": f"{fused:.2f}x",
         "met": fused <= 3.0},
        {"target": "autograd fused <= 1.5x handwritten (aim)", "value": f"{fused:.2f}x",
         "met": fused <= 1.5},
        {"target": "autograd pure <= 10x handwritten", "value": f"{pure:.2f}x", "met": pure <= 10},
        {"target": "autograd fresh (autograd_loss_and_grads) <= 2x autograd fused",
         "value": f"{fresh:.2f}x", "met": fresh <= 2.0},
        {"target": "autograd.Value <= 1.0x the minimal Value (microgpt workload)",
         "value": f"{core:.2f}x", "met": core <= 1.0},
        {"target": f"backward ns/node within 2x from {smallest} to {largest} nodes",
         "value": f"worst {worst:.2f}x", "met": worst <= 2.0},
        {"target": f"a {largest}-node graph built + differentiated in < 30 s (well under 1 min)",
         "value": f"{seconds:.1f} s ({shape})", "met": seconds < 30},
        {"target": "no reference cycle per node", "value": f"{found} found", "met": found == 0},
    ]  # fmt: skip


def slowest_largest_graph(scaling: dict[str, list[dict]]) -> tuple[str, dict]:
    """The shape, and its row, that took longest to build and differentiate at the largest size."""
    return max(
        ((shape, rows[-1]) for shape, rows in scaling.items()),
        key=lambda item: item[1]["build_s"] + item[1]["backward_s"],
    )


def _size(n: int) -> str:
    """10**6 -> '10^6'; other numbers with thousands separators."""
    exponent = round(math.log10(n)) if n > 0 else 0
    return f"10^{exponent}" if 10**exponent == n else f"{n:,}"


def report(results: dict) -> str:
    """The figures as text, ending with the Markdown tables for the README."""
    m, training, graphs = results["machine"], results["training"], results["graphs"]
    scaling, cycles = results["scaling"], results["cycles"]
    out = [
        "# Training benchmark: handwritten backward vs autograd",
        f"machine: {m['platform']}; {m['python']}; {m['cpu']}; {m['cores']} cores",
        f"PyTorch: {results['torch']}",
        f"clock: {CLOCK_NOTES[results['clock']]}",
        "",
        f"## Training step per position (forward + backward + SGD), {results['positions']:,} "
        f"positions, {results['rounds']} rounds",
        f"{'backend':<18}{'median ms':>10}{'min':>8}{'max':>8}{'x handwritten':>15}"
        f"{'max |loss diff|':>17}",
    ]
    for label, t in training.items():
        out.append(
            f"{label:<18}{t['median']:>10.3f}{t['min']:>8.3f}{t['max']:>8.3f}"
            f"{t['ratio']:>15.2f}{t['loss_difference']:>17.1e}"
        )
    if TORCH not in training:
        out.append(f"{TORCH:<18}{results['torch']}")
    out += ["", "## Graph of one position"]
    for variant, g in graphs.items():
        b = g["bytes"]
        out.append(
            f"{variant}: {g['window_8']:,} nodes for a window of 8 "
            f"({g['window_8_operations']:,} operations + leaves), mean {g['mean']:,.0f} over "
            f"the positions; {b['per_node']:.0f} bytes/node ({b['bytes'] / 1e6:.2f} MB for "
            f"{b['nodes']:,} fresh Values, weights included)"
        )
    out += ["", "## backward() per node, synthetic graphs (ratio to the smallest size)"]
    out.append(
        f"{'shape':<12}{'nodes':>11}{'build s':>9}{'backward s':>12}{'ns/node':>9}{'ratio':>7}"
        f"{'gc off: ns/node':>17}{'ratio':>7}"
    )
    for shape, rows in scaling.items():
        for row in rows:
            out.append(
                f"{shape:<12}{row['nodes']:>11,}{row['build_s']:>9.3f}"
                f"{row['backward_s']:>12.4f}{row['ns_per_node']:>9.0f}{row['ratio']:>7.2f}"
                f"{row['ns_per_node_gc_off']:>17.0f}{row['ratio_gc_off']:>7.2f}"
            )
    control = results["memory_control"]
    out += ["", "## Memory control: touch every node once in random order, no graph"]
    out.append(
        "  ".join(
            f"{_size(r['size'])}: {r['ns_per_node']:.0f} ns ({r['ratio']:.2f})" for r in control
        )
    )
    out += [
        "",
        "## Reference cycles",
        f"objects freed only by the cycle collector after {cycles['positions']} training steps "
        f"of each autograd variant and one {cycles['graph_size']:,}-node graph of each shape: "
        f"{cycles['found']} (control, a list holding itself: {cycles['control_found']})",
        "",
        *core_value_lines(results["core_value"]),
        "",
        "## Targets",
    ]
    for t in results["targets"]:
        out.append(f"- {t['target']}: {t['value']} -> {'met' if t['met'] else 'NOT met'}")
    out += ["", "## Results (Markdown)", "", *markdown_tables(results)]
    return "\n".join(out)


def core_value_lines(core: dict) -> list[str]:
    """Section 5 of the report: the two Value classes on the microgpt workload."""
    lines = [
        f"## Core Value on a microgpt-style GPT ({core['weights']:,} weights), "
        f"{core['steps']} names x {core['rounds']} rounds",
        f"{'Value':<18}{'median ms/name':>15}{'min':>9}{'max':>9}",
    ]
    for label, ms in core["ms_per_step"].items():
        lines.append(f"{label:<18}{core['median'][label]:>15.1f}{min(ms):>9.1f}{max(ms):>9.1f}")
    same = "exactly the same" if core["same_losses"] else "DIFFERENT (a bug)"
    lines.append(
        f"autograd.Value / minimal Value: {core['ratio']:.2f}x; losses at every step: {same} "
        f"(last {core['last_loss']:.6f})"
    )
    return lines


def markdown_tables(results: dict) -> list[str]:
    """Two compact tables: the training step by backend, and backward cost per node by size."""
    training, graphs, scaling = results["training"], results["graphs"], results["scaling"]
    nodes = {FUSED: graphs["fused"], PURE: graphs["pure"]}
    lines = [
        f"Training step per position ({results['positions']:,} positions, {results['rounds']} "
        f"rounds; {results['machine']['cpu']}, {results['machine']['python']}):",
        "",
        "| Backend | ms / position, median (min-max) | x handwritten | nodes / position, "
        "mean (window of 8) | bytes / node |",
        "|---|---|---|---|---|",
    ]
    for label, t in training.items():
        g = nodes.get(label)
        size = f"{g['mean']:,.0f} ({g['window_8']:,})" if g else "-"
        per_node = f"{g['bytes']['per_node']:.0f}" if g else "-"
        lines.append(
            f"| {label} | {t['median']:.2f} ({t['min']:.2f}-{t['max']:.2f}) | "
            f"{t['ratio']:.2f} | {size} | {per_node} |"
        )
    if TORCH not in training:
        lines.append(f"| {TORCH} | {results['torch']} | - | - | - |")
    sizes = [row["size"] for row in next(iter(scaling.values()))]
    lines += [
        "",
        "backward() per node, ns (ratio to the smallest graph):",
        "",
        "| Graph | " + " | ".join(f"{_size(n)} nodes" for n in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for shape, rows in scaling.items():
        cells = [f"{row['ns_per_node']:.0f} ({row['ratio']:.2f})" for row in rows]
        lines.append(f"| {shape} | " + " | ".join(cells) + " |")
    cells = [f"{row['ns_per_node']:.0f} ({row['ratio']:.2f})" for row in results["memory_control"]]
    lines.append(
        "| control: touch each node once, random order, no graph | " + " | ".join(cells) + " |"
    )
    shape, row = slowest_largest_graph(scaling)
    lines += [
        "",
        f"The slowest {_size(row['size'])}-node graph ({shape}) builds in {row['build_s']:.1f} s "
        f"and differentiates in {row['backward_s']:.1f} s. Reference cycles found after "
        f"training steps and graphs were dropped: {results['cycles']['found']}.",
    ]
    return lines


def main(argv: Sequence[str] | None = None) -> dict:
    """Parse the command line, run everything, print the report; return the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--positions", type=int, help="training positions (default 2000)")
    parser.add_argument("--rounds", type=int, help="alternated rounds (default 5)")
    parser.add_argument("--sizes", help="graph sizes, e.g. 1e3,1e4 (default 1e3,1e4,1e5,1e6)")
    parser.add_argument("--quick", action="store_true", help="200 positions, 3 rounds, to 10^5")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    parser.add_argument("--clock", choices=CLOCKS, default="cpu", help="what to time (cpu)")
    parser.add_argument("--core-steps", type=int, help="names per round of section 5 (10; 3 quick)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    positions = args.positions or (200 if args.quick else 2000)
    rounds = args.rounds or (3 if args.quick else 5)
    sizes = SIZES[:3] if args.quick else SIZES
    if args.sizes:
        sizes = tuple(sorted({int(float(s)) for s in args.sizes.split(",")}))
    core_steps = args.core_steps or (3 if args.quick else 10)
    if rounds < 1 or core_steps < 1 or not sizes or min(sizes) < 4:
        parser.error("--rounds and --core-steps must be >= 1 and every graph size >= 4")

    results = run(positions, rounds, sizes, not args.no_torch, args.clock, _progress, core_steps)
    print(report(results))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2)
        print(f"\nfigures written to {args.json}")
    return results


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
