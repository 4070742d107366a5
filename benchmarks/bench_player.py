"""How fast is the backprop player's page? Draw time and step time in headless Chromium.

    python benchmarks/bench_player.py              # a page of 500 values, 3 rounds
    python benchmarks/bench_player.py --values 200 --rounds 1

The targets (issues 10 and 19): a 500-value page draws in under 2 s, and a step takes
under 50 ms. For each round we open a fresh tab in a 1280 x 800 window and measure:

- draw: from the start of the page's loading until viz.js has drawn the graph, the
  view is fitted to the pane and the player has shown its first state
  (performance.now() when it is ready);
- step: one step forward, the page's work (the view following the value at work
  included) plus the browser's style and layout (forced by reading a size), for
  every step of the page, forward then backward.

It prints figures and never asserts them. Chromium is driven by the tests'
DevTools driver (tests/browser.py).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.browser

from autograd import Value, player, topological_order
from tests.browser import Chromium

WINDOW = (1280, 800)  # the screen the issue 19 names
DRAW_TARGET_S = 2.0
STEP_TARGET_MS = 50.0
# Every step of the page, timed in the page: its own work plus style and layout.
TIME_EVERY_STEP = """(() => {
  const times = [];
  for (let index = 1; index <= player.total; index++) {
    const start = performance.now();
    player.go(index);
    document.getElementById("graph").getBoundingClientRect();  // forces style and layout
    times.push(performance.now() - start);
  }
  return times;
})()"""


def graph_of(size: int, seed: int = 0) -> Value:
    """A small network of exactly `size` values: layers of relu neurons, as a learner builds.

    Layers of 4 neurons are added while they fit; `** 1` nodes make up the rest.
    """
    rng = random.Random(seed)
    layer = [Value(rng.uniform(-1, 1), f"x{i}") for i in range(4)]
    out = Value.sum(layer)
    while True:
        neurons = [
            Value.sum(Value(rng.uniform(-1, 1), f"w{j}.{i}") * x for i, x in enumerate(layer))
            .relu()
            for j in range(4)
        ]  # fmt: skip
        bigger = Value.sum(neurons)
        if len(topological_order(bigger)) > size:
            break
        layer, out = neurons, bigger
    while len(topological_order(out)) < size:
        out = out**1.0
    return out


def measure(chromium: Chromium, page: Path) -> tuple[float, list[float]]:
    """Seconds until the page is drawn and ready, and the milliseconds of each step."""
    tab = chromium.open(page.as_uri(), size=WINDOW)
    tab.wait_for("document.body.dataset.ready === '1'", seconds=120)
    drawn_ms = tab.evaluate("player.drawnAt")
    return drawn_ms / 1000, tab.evaluate(TIME_EVERY_STEP)


def main(argv: Sequence[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--values", type=int, default=500, help="values in the page's graph")
    parser.add_argument("--rounds", type=int, default=3, help="fresh tabs to measure")
    args = parser.parse_args(argv)
    if args.values < 2 or args.rounds < 1:
        parser.error("--values must be at least 2 and --rounds at least 1")
    root = graph_of(args.values)
    with tempfile.TemporaryDirectory() as folder:
        page = player(root, max_nodes=args.values).save(Path(folder) / "bench.html")
        chromium = Chromium(Path(folder) / "profile")
        try:
            rounds = [measure(chromium, page) for _ in range(args.rounds)]
        finally:
            chromium.close()
    draws = [draw for draw, _ in rounds]
    steps = [ms for _, times in rounds for ms in times]
    results = {
        "values": len(topological_order(root)),
        "steps": len(rounds[0][1]),
        "draw_s": {"median": statistics.median(draws), "max": max(draws)},
        "step_ms": {
            "median": statistics.median(steps),
            "p95": statistics.quantiles(steps, n=20)[-1] if len(steps) > 1 else steps[0],
            "max": max(steps),
        },
    }
    print(f"# Backprop player: a page of {results['values']} values, {results['steps']} steps,")
    print(f"# {args.rounds} round(s) in headless Chromium, a {WINDOW[0]} x {WINDOW[1]} window")
    print(
        f"draw: median {results['draw_s']['median']:.2f} s, slowest {results['draw_s']['max']:.2f}"
        f" s (target under {DRAW_TARGET_S:g} s)"
    )
    print(
        f"step: median {results['step_ms']['median']:.2f} ms, 95% under "
        f"{results['step_ms']['p95']:.2f} ms, slowest {results['step_ms']['max']:.2f} ms "
        f"(target under {STEP_TARGET_MS:g} ms)"
    )
    return results


if __name__ == "__main__":
    main()
