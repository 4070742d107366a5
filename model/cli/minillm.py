"""minillm: train the mini-LLM, invent names, compare the backends, run the lessons.

minillm train                      # defaults: autograd backend, Adam, then a few names
minillm generate --checkpoint minillm.ckpt.json --count 10
minillm compare --positions 200    # handwritten backward vs autograd, weight by weight
minillm compare --steps            # the 7 handwritten steps found again in autograd
minillm train --backend torch --batch-size 64  # PyTorch, 64 windows a step: pip install '.[torch]'
minillm compare --backend torch    # handwritten vs autograd vs PyTorch, side by side
minillm train --backend compiled   # autograd.jit: recorded once per window length, then replayed
minillm lesson 7                   # the lessons (python -m lessons lists them)
minillm lesson 7 --notebook --lang fr  # the lesson as a Jupyter notebook: lesson07_fr.ipynb
minillm graph --view near          # the graph of one position, drawn: minillm-graph.svg
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence

import autograd
from model.backends import TorchNotInstalled
from model.cli.graph_cmd import DEFAULT_WORD, add_graph_parser, cmd_graph, position_example
from model.cli.graph_player import cmd_player
from model.cli.train_cmd import DEFAULT_CHECKPOINT, INTERRUPTED, add_train_parser, cmd_train
from model.cli.weights import weights_and_config
from model.compare import compare_backends, compare_steps
from model.config import Config
from model.data import decode
from model.helpers.closed_output import quiet_when_output_closes
from model.helpers.strict_args import at_least, parse_args
from model.params import Params
from model.sample import generate


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="minillm", description="The course's mini-LLM, trained with autograd."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {autograd.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    add_train_parser(commands)  # minillm train: its options are in model/cli/train_cmd.py

    p = commands.add_parser("generate", help="invent names with a trained checkpoint")
    p.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT, help="a file from minillm train")
    p.add_argument("--count", type=int, default=10, help="how many names")
    p.add_argument("--temperature", type=float, default=0.8, help="< 1 safer, > 1 wilder")
    p.add_argument("--prefix", default=".", help='how names start, e.g. ".pik"')
    p.add_argument("--seed", type=int, default=None, help="for the same names every time")

    p = commands.add_parser("compare", help="gradients of the two backends, weight by weight")
    p.add_argument("--positions", type=int, default=200, help="how many training positions")
    p.add_argument("--seed", type=int, default=42, help="seed for the weights")
    p.add_argument("--checkpoint", default=None, help="compare at these weights instead")
    p.add_argument("--pure", action="store_true", help="autograd without the fused dot")
    p.add_argument("--backend", choices=["autograd", "torch", "compiled"], default="autograd",
                   help="torch: add PyTorch as a third column (needs PyTorch); compiled: add "
                   "autograd.jit's replay")  # fmt: skip
    p.add_argument("--tolerance", type=float, default=1e-9, help="largest allowed difference")
    p.add_argument("--steps", action="store_true",
                   help="the 7 handwritten steps found again in autograd, quantity by quantity, "
                        "on one position (--word, --position)")  # fmt: skip
    p.add_argument("--word", default=DEFAULT_WORD, help="with --steps: the name to take a "
                   f"position of (default {DEFAULT_WORD})")  # fmt: skip
    p.add_argument(
        "--position",
        type=int,
        default=None,
        help="with --steps: which position of the word (default: its last)",
    )

    p = commands.add_parser(
        "lesson", help="run a lesson, or write it as a notebook with --notebook (python -m lessons)"
    )
    p.add_argument("args", nargs=argparse.REMAINDER, help="the lesson number and its options")

    add_graph_parser(commands)  # minillm graph: its options and help are in model/cli/graph_cmd.py
    return parser


@quiet_when_output_closes  # minillm train | head -1: the reader went away, end quietly
def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(build_parser(), argv)
    if args.command is None:
        build_parser().print_help()
        return 0
    try:
        return COMMANDS[args.command](args)
    except (ValueError, FileNotFoundError, TorchNotInstalled) as err:
        print(f"minillm {args.command}: error: {err}", file=sys.stderr)
        return 2
    except ArithmeticError as err:  # an overflow of the engine: weights huge, though finite
        print(
            f"minillm {args.command}: error: the numbers grew beyond what a float holds "
            f"({err}); these weights are too large to compute with: use a checkpoint of a "
            "run that did not diverge",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:  # a second Ctrl-C while training, or one elsewhere
        print(f"minillm {args.command}: stopped (Ctrl-C)", file=sys.stderr)
        return INTERRUPTED


def cmd_graph_or_player(args: argparse.Namespace) -> int:
    """minillm graph draws the graph; with --player it writes the backprop player instead."""
    return cmd_player(args) if args.player else cmd_graph(args)


def cmd_generate(args: argparse.Namespace) -> int:
    at_least("--count", args.count, 0, "how many names to print")
    params, config = weights_and_config(args.checkpoint)
    for i in range(args.count):
        seed = None if args.seed is None else args.seed + i
        print(generate(params, args.prefix, args.temperature, seed=seed, config=config))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    if args.positions < 1:
        raise ValueError(f"--positions must be at least 1, got {args.positions}")
    if not (math.isfinite(args.tolerance) and args.tolerance >= 0):
        raise ValueError(
            f"--tolerance must be a finite number >= 0 (e.g. 1e-9), got {args.tolerance}"
        )
    params, config = weights_and_config(args.checkpoint, args.seed)
    if args.steps:
        return print_steps(params, args, config)
    backends = ["manual", "autograd"] + ([args.backend] if args.backend != "autograd" else [])
    report = compare_backends(params, args.positions, not args.pure, backends, config)
    columns = report["by_backend"]  # the largest difference of each weight, by backend
    print(f"{'weight':<8}" + "".join(f" {f'|manual - {b}|':>20}" for b in columns))
    for name in report["largest_difference"]:
        print(f"{name:<8}" + "".join(f" {diffs[name]:>20.3e}" for diffs in columns.values()))
    for backend, ms in report["ms_per_position"].items():
        print(f"{backend:<9} {ms:.3f} ms per position")
    worst = max(report["largest_difference"].values())
    verdict = "OK" if worst <= args.tolerance else "FAILED"
    print(
        f"{verdict}: largest difference {worst:.3e} (tolerance {args.tolerance:g}) "
        f"on {report['positions']} positions"
    )
    return 0 if worst <= args.tolerance else 1


def print_steps(params: Params, args: argparse.Namespace, config: Config) -> int:
    """minillm compare --steps: one line per quantity of each handwritten step."""
    ids, target = position_example(params, args.word, args.position, config)
    steps = compare_steps(params, ids, target, not args.pure, config)
    print(f"window {decode(ids)!r} -> {decode([target])!r}: handwritten minus autograd's .grad")
    print(f"{'step':<16} {'quantity':<10} {'shape':<9} {'largest difference':>18}  autograd scope")
    for step in steps:
        title, scopes = f"{step.number} {step.name}", ", ".join(step.scopes)
        for quantity in step.quantities:  # the step and its scopes on its first line only
            shape = "x".join(map(str, quantity.shape))
            print(f"{title:<16} {quantity.name:<10} {shape:<9} "
                  f"{quantity.largest_difference:>18.3e}  {scopes}".rstrip())  # fmt: skip
            title = scopes = ""
    notes = {q.name: q.note for step in steps for q in step.quantities if q.note}
    for name, note in notes.items():
        print(f"note: {name}: {note}")
    worst = max(step.largest_difference for step in steps)
    verdict = "OK" if worst <= args.tolerance else "FAILED"
    print(f"{verdict}: largest difference {worst:.3e} (tolerance {args.tolerance:g})")
    return 0 if worst <= args.tolerance else 1


def cmd_lesson(args: argparse.Namespace) -> int:
    from lessons.__main__ import main as lessons_main  # lessons depend on model, not the reverse

    return lessons_main(args.args)


COMMANDS = {"train": cmd_train, "generate": cmd_generate, "compare": cmd_compare,
            "lesson": cmd_lesson, "graph": cmd_graph_or_player}  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
