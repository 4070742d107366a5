"""How fast is autograd.jit's compiled training step, next to the handwritten backward?

    python benchmarks/bench_jit.py            # 2,000 positions, 5 rounds (about a minute)
    python benchmarks/bench_jit.py --quick    # 200 positions, 3 rounds
    python benchmarks/bench_jit.py --json results.json

Two measurements, in one process, on the same training positions:

1. recording: for each window length 1 to 8, the time autograd.jit takes to run
   the mini-LLM once on Values and write its program (record), then to compile()
   it (compile), and the program's size. This is paid once per window length;
2. the training step per position (forward + backward + SGD update) of the
   handwritten backward, autograd (fused) and the compiled backend, in alternated
   rounds (benchmarks/bench_train.py's time_training), as ratios to the
   handwritten one. The compiled backend's 8 programs are recorded before the
   rounds, so they time the replay only.

It prints figures and never asserts them.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bench_train import (
    CLOCK_NOTES,
    CLOCKS,
    COMPILED,
    FUSED,
    HANDWRITTEN,
    Runner,
    machine,
    python_runner,
    time_training,
    training_positions,
)

from model.backends import make_step
from model.compiled import windows_of_every_length
from model.params import Config, flatten, init_params

say = functools.partial(print, file=sys.stderr, flush=True)  # progress, on stderr


def recording_costs(config: Config) -> list[dict]:
    """Seconds to record and to compile the program of each window length, and its size."""
    step = make_step("compiled", config)
    weights = flatten(init_params(config))
    windows = windows_of_every_length(config)
    for ids, target in windows:
        step(weights, ids, target)
    return [
        {"length": len(ids), "operations": p.operations, "lines": p.source.count("\n"),
         "record_s": p.record_seconds, "compile_s": p.compile_seconds,
         "total_s": p.record_seconds + p.compile_seconds}
        for (ids, _), p in zip(windows, step.jitted.programs.values())
    ]  # fmt: skip


def runners(config: Config) -> dict[str, Runner]:
    """The three steps to time, the handwritten one first (the reference of the ratios)."""
    compiled = python_runner("compiled", config)
    compiled(windows_of_every_length(config))  # records the 8 programs, untimed
    return {
        HANDWRITTEN: python_runner("manual", config),
        FUSED: python_runner("autograd", config, fused=True),
        COMPILED: compiled,
    }


def run(positions: int, rounds: int, clock: str = "cpu") -> dict:
    """Every measurement, as a dict (what --json writes)."""
    config = Config()
    say(f"recording and compiling the program of each window length 1 to {config.context} ...")
    recording = recording_costs(config)
    say(f"timing the training step: {positions:,} positions x {rounds} rounds ...")
    gc.collect()
    training = time_training(
        runners(config), training_positions(positions, config), rounds, CLOCKS[clock]
    )
    saved_ms = training[FUSED]["median"] - training[COMPILED]["median"]
    record_s = sum(row["total_s"] for row in recording)
    results = {
        "machine": machine(), "clock": clock, "positions": positions, "rounds": rounds,
        "recording": recording, "training": training,
        # After how many positions recording all 8 programs has paid for itself over autograd.
        "break_even_positions": 1000 * record_s / saved_ms if saved_ms > 0 else None,
    }  # fmt: skip
    results["targets"] = targets(results)
    return results


def targets(results: dict) -> list[dict]:
    """The issue's targets, each with the measured figure and whether it is met."""
    ratio = results["training"][COMPILED]["ratio"]
    slowest = max(results["recording"], key=lambda row: row["total_s"])
    return [
        {"target": "compiled step <= 1.0x handwritten", "value": f"{ratio:.2f}x",
         "met": ratio <= 1.0},
        {"target": "compiled step <= 0.5x handwritten (aim)", "value": f"{ratio:.2f}x",
         "met": ratio <= 0.5},
        {"target": "record + compile < 1 s for each window length",
         "value": f"slowest {slowest['total_s']:.2f} s (length {slowest['length']})",
         "met": slowest["total_s"] < 1.0},
    ]  # fmt: skip


def report(results: dict) -> str:
    """The figures as text, ending with the README's table row."""
    m, training = results["machine"], results["training"]
    out = [
        "# autograd.jit benchmark: the compiled step vs the handwritten backward",
        f"machine: {m['platform']}; {m['python']}; {m['cpu']}; {m['cores']} cores",
        f"clock: {CLOCK_NOTES[results['clock']]}",
        "",
        "## Recording and compiling, once per window length",
        f"{'length':>6}{'operations':>12}{'lines':>8}{'record s':>10}{'compile s':>11}"
        f"{'total s':>9}",
    ]
    for row in results["recording"]:
        out.append(
            f"{row['length']:>6}{row['operations']:>12,}{row['lines']:>8,}{row['record_s']:>10.3f}"
            f"{row['compile_s']:>11.3f}{row['total_s']:>9.3f}"
        )
    out += [
        "",
        f"## Training step per position (forward + backward + SGD), {results['positions']:,} "
        f"positions, {results['rounds']} rounds",
        f"{'backend':<25}{'median ms':>10}{'min':>8}{'max':>8}{'x handwritten':>15}"
        f"{'max |loss diff|':>17}",
    ]
    for label, t in training.items():
        out.append(
            f"{label:<25}{t['median']:>10.3f}{t['min']:>8.3f}{t['max']:>8.3f}"
            f"{t['ratio']:>15.2f}{t['loss_difference']:>17.1e}"
        )
    if results["break_even_positions"] is not None:
        out.append(
            f"recording all {len(results['recording'])} programs pays for itself over autograd "
            f"after {results['break_even_positions']:,.0f} positions"
        )
    out += ["", "## Targets"]
    for t in results["targets"]:
        out.append(f"- {t['target']}: {t['value']} -> {'met' if t['met'] else 'NOT met'}")
    t = training[COMPILED]
    out += [
        "",
        "## README row (the training step table)",
        "",
        f"| {COMPILED} | {t['median']:.2f} ({t['min']:.2f}-{t['max']:.2f}) | {t['ratio']:.2f} "
        "| - | - |",
    ]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> dict:
    """Parse the command line, run everything, print the report; return the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--positions", type=int, help="training positions (default 2000)")
    parser.add_argument("--rounds", type=int, help="alternated rounds (default 5)")
    parser.add_argument("--quick", action="store_true", help="200 positions, 3 rounds")
    parser.add_argument("--clock", choices=CLOCKS, default="cpu", help="what to time (cpu)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    positions = args.positions or (200 if args.quick else 2000)
    rounds = args.rounds or (3 if args.quick else 5)
    if rounds < 1 or positions < 1:
        parser.error("--positions and --rounds must be >= 1")
    try:
        results = run(positions, rounds, args.clock)
    except ValueError as err:  # e.g. more positions than the names have
        parser.error(str(err))
    print(report(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
        print(f"\nfigures written to {args.json}")
    return results


if __name__ == "__main__":
    main()
