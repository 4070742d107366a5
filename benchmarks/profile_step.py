"""Where does an autograd training step spend its time? cProfile of the fused and pure steps.

    python benchmarks/profile_step.py                 # 300 positions, top 15 functions
    python benchmarks/profile_step.py --positions 1000 --top 25 --variant pure

The step profiled is the benchmark's: model.backends.make_step then SGD.step, on
the first positions of the built-in names. cProfile slows small functions down
more than big ones, so read the shares as a guide, and check an idea with
bench_train.py before and after.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats

from bench_train import python_runner, training_positions

from model.params import Config


def profile(fused: bool, positions: int, top: int) -> str:
    """The `top` functions by own time (tottime) over `positions` training steps."""
    todo = training_positions(positions)
    run = python_runner("autograd", Config(), fused)
    run(todo[:20])  # warm up
    profiler = cProfile.Profile()
    profiler.runcall(run, todo)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--positions", type=int, default=300)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--variant", choices=["fused", "pure", "both"], default="both")
    args = parser.parse_args(argv)
    for variant in ("fused", "pure"):
        if args.variant in (variant, "both"):
            print(f"=== autograd {variant}, {args.positions} positions ===")
            print(profile(variant == "fused", args.positions, args.top))


if __name__ == "__main__":
    main()
