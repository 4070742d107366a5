"""A grown mini-LLM shaped like Karpathy's microgpt: how fast is a step, how low is the loss?

    python benchmarks/bench_grown.py              # 1,000 names, microgpt's own run (minutes)
    python benchmarks/bench_grown.py --quick      # 50 names
    python benchmarks/bench_grown.py --steps 300 --timing-steps 20 --json grown.json

The model: 1 layer, 4 heads, width 16, context 16, RMS norm, an MLP of 64
(Config(heads=4, norm="rms", embed_dim=16, context=16, hidden_dim=64)), trained
with Adam as microgpt trains: one name a step, on the mean loss of its
positions, lr 0.01 falling in a straight line to 0, beta1 0.85, beta2 0.99.

1. Time per step (one name) on autograd, compiled and PyTorch, from the same
   weights on the same names; the compiled backend's programs are recorded first
   (the recording time is printed apart).
2. The loss after --steps names (microgpt's own run is 1,000 steps), beside the
   microgpt-style workload of benchmarks/microgpt.py (autograd.Value, the same
   names in the same order, the same Adam), which differs from this model in
   its own ways: an output projection, a norm on the embeddings, weights drawn
   with a deviation of 0.08, a context of 8, and no biases.

It prints figures and never asserts them.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import microgpt

from autograd import Value
from model.backends import BatchStep, make_batch_step
from model.compiled import windows_of_every_length
from model.config import Config
from model.data import VOCAB, examples, load_names
from model.optim import Adam
from model.params import count_params, flatten, init_params

CONFIG = Config(heads=4, layers=1, norm="rms", embed_dim=16, context=16, hidden_dim=64)
MICROGPT_STEPS = 1000  # microgpt's own run: num_steps = 1000, one name a step
BACKENDS = ("autograd", "compiled", "torch")
LR, BETA1, BETA2 = 0.01, 0.85, 0.99  # microgpt's Adam, as benchmarks/microgpt.py has it
LAST = 50  # the final loss is the mean of the last steps' losses: one name's loss is noisy

say = functools.partial(print, file=sys.stderr, flush=True)  # progress, on stderr


def microgpt_adam(steps: int) -> Adam:
    """model.optim's Adam with microgpt's settings: lr 0.01 decaying to 0, betas 0.85, 0.99."""
    adam = Adam(count_params(CONFIG), LR, decay_steps=steps)
    adam.beta1, adam.beta2 = BETA1, BETA2
    return adam


def name_step(batch_step: BatchStep, weights: list[float], name: str) -> tuple[float, list]:
    """One step on one name: the mean loss of its positions, and its gradient."""
    losses, grads = batch_step(weights, list(examples(name, CONFIG.context)))
    return sum(losses) / len(losses), grads


def train_names(
    batch_step: BatchStep, names: Sequence[str], steps: int
) -> tuple[list[float], list[float]]:
    """Train from seed 42's weights for `steps` names; each step's loss and seconds."""
    weights, adam = flatten(init_params(CONFIG, seed=42)), microgpt_adam(steps)
    losses, seconds = [], []
    for step in range(steps):
        start = time.perf_counter()
        loss, grads = name_step(batch_step, weights, names[step % len(names)])
        adam.step(weights, grads)
        seconds.append(time.perf_counter() - start)
        losses.append(loss)
    return losses, seconds


def record_programs(batch_step: BatchStep) -> float:
    """Run the compiled backend once at every window length, so that it records its programs;
    the seconds it took (once per run: every later step replays)."""
    weights = flatten(init_params(CONFIG))
    start = time.perf_counter()
    for ids, target in windows_of_every_length(CONFIG):
        batch_step(weights, [(ids, target)])
    return time.perf_counter() - start


def batch_steps() -> dict[str, BatchStep | str]:
    """Each backend's step, or why it cannot run (PyTorch is an optional extra)."""
    steps: dict[str, BatchStep | str] = {}
    for backend in BACKENDS:
        try:
            steps[backend] = make_batch_step(backend, CONFIG)
        except ImportError as err:
            steps[backend] = str(err)
    return steps


def timings(steps: dict[str, BatchStep | str], names: Sequence[str], count: int) -> dict:
    """ms per step (one name) of each backend, median and range over `count` names."""
    found = {}
    for backend, batch_step in steps.items():
        if isinstance(batch_step, str):
            found[backend] = {"skipped": batch_step}
            continue
        say(f"timing {backend} on {count} names ...")
        losses, seconds = train_names(batch_step, names, count)
        ms = [1000 * s for s in seconds]
        found[backend] = {
            "median_ms": statistics.median(ms), "min_ms": min(ms), "max_ms": max(ms),
            "losses": losses,
        }  # fmt: skip
    reference = found["autograd"]["losses"]
    for row in found.values():
        if "losses" in row:
            row["largest_loss_difference"] = max(
                abs(a - b) for a, b in zip(reference, row["losses"])
            )
            del row["losses"]
    return found


def run(steps: int, timing_steps: int, loss_backend: str) -> dict:
    """Every figure of the report, as a dict."""
    names, backends = load_names(), batch_steps()
    say(f"recording the compiled programs of {CONFIG.context} window lengths ...")
    recorded = record_programs(backends["compiled"])  # type: ignore[arg-type]
    timed = timings(backends, names, timing_steps)
    say(f"training {steps} names with {loss_backend} ...")
    if isinstance(backends[loss_backend], str):
        raise SystemExit(f"--loss-backend {loss_backend}: {backends[loss_backend]}")
    ours, seconds = train_names(backends[loss_backend], names, steps)  # type: ignore[arg-type]
    say(f"training {steps} names with the microgpt-style workload (autograd.Value) ...")
    start = time.perf_counter()
    theirs = microgpt.train(Value, names, VOCAB, steps)
    theirs_seconds = time.perf_counter() - start
    last = min(LAST, steps)
    return {
        "config": vars(CONFIG), "weights": count_params(CONFIG), "steps": steps,
        "timing_steps": timing_steps, "record_seconds": recorded, "timings": timed,
        "loss_backend": loss_backend, "seconds": sum(seconds),
        "final_loss": statistics.mean(ours[-last:]), "first_loss": ours[0],
        "microgpt": {
            "weights": microgpt.weight_count(len(VOCAB)), "seconds": theirs_seconds,
            "final_loss": statistics.mean(theirs[-last:]), "first_loss": theirs[0],
        },
        "last": last,
    }  # fmt: skip


def report(results: dict) -> str:
    """The figures as Markdown."""
    c = results["config"]
    lines = [
        f"## A microgpt-shaped model: {c['layers']} layer, {c['heads']} heads, width "
        f"{c['embed_dim']}, context {c['context']}, {c['norm']} norm, MLP {c['hidden_dim']} "
        f"({results['weights']:,} weights)",
        "",
        f"Time per step (one name, the mean over its positions), {results['timing_steps']} "
        "names from the same weights:",
        "",
        "| Backend | ms / step, median (min-max) | largest loss difference from autograd |",
        "|---|---|---|",
    ]
    for backend, row in results["timings"].items():
        if "skipped" in row:
            lines.append(f"| {backend} | skipped: {row['skipped']} | - |")
        else:
            lines.append(
                f"| {backend} | {row['median_ms']:.1f} ({row['min_ms']:.1f}-{row['max_ms']:.1f}) "
                f"| {row['largest_loss_difference']:.1e} |"
            )
    theirs = results["microgpt"]
    lines += [
        "",
        f"Recording and compiling the compiled backend's {c['context']} programs, once: "
        f"{results['record_seconds']:.1f} s.",
        "",
        f"Loss after {results['steps']} steps (mean of the last {results['last']} names' losses), "
        f"Adam lr {LR} falling to 0, betas {BETA1}, {BETA2}:",
        "",
        "| Model | weights | first step's loss | final loss | seconds |",
        "|---|---|---|---|---|",
        f"| this model ({results['loss_backend']}) | {results['weights']:,} "
        f"| {results['first_loss']:.4f} | {results['final_loss']:.4f} | {results['seconds']:.0f} |",
        f"| microgpt-style workload (autograd.Value) | {theirs['weights']:,} "
        f"| {theirs['first_loss']:.4f} | {theirs['final_loss']:.4f} | {theirs['seconds']:.0f} |",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=None,
                        help=f"names to train on for the loss (default {MICROGPT_STEPS}, "
                        "microgpt's own run; 50 with --quick)")  # fmt: skip
    parser.add_argument(
        "--timing-steps",
        type=int,
        default=None,
        help="names each backend is timed on (default 30; 5 with --quick)",
    )
    parser.add_argument(
        "--loss-backend",
        choices=BACKENDS,
        default="compiled",
        help="the backend of the loss run (default compiled)",
    )
    parser.add_argument("--quick", action="store_true", help="a short run")
    parser.add_argument("--json", type=Path, default=None, help="also save the figures here")
    args = parser.parse_args(argv)
    steps = args.steps or (50 if args.quick else MICROGPT_STEPS)
    timing_steps = args.timing_steps or (5 if args.quick else 30)
    if steps < 1 or timing_steps < 1:
        parser.error("--steps and --timing-steps must be at least 1")
    results = run(steps, timing_steps, args.loss_backend)
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), "utf-8")
    return results


if __name__ == "__main__":
    main()
