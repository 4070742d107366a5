"""minillm: train the mini-LLM, invent names, compare the backends, run the lessons.

minillm train                      # defaults: autograd backend, Adam, then a few names
minillm generate --checkpoint minillm.ckpt.json --count 10
minillm compare --positions 200    # handwritten backward vs autograd, weight by weight
minillm train --backend torch --batch-size 64  # PyTorch, 64 windows a step: pip install '.[torch]'
minillm compare --backend torch    # handwritten vs autograd vs PyTorch, side by side
minillm lesson 7                   # the lessons (python -m lessons lists them)
minillm graph --view near          # the graph of one position, drawn: minillm-graph.svg
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import autograd
from model.backends import BACKENDS, TorchNotInstalled
from model.checkpoint import load_checkpoint
from model.compare import compare_backends
from model.data import count_positions, load_names
from model.graph_cmd import add_graph_parser, cmd_graph
from model.optim import DEFAULT_LR, OPTIMIZERS
from model.params import init_params
from model.sample import generate
from model.train import train

DEFAULT_CHECKPOINT = "minillm.ckpt.json"
# The command line's defaults are chosen to finish in under 3 minutes on 2 cores and
# to reach a lower loss than the lesson's 10 SGD epochs (see the README).
CLI_OPTIMIZER = "adam"
CLI_SCHEDULE = "linear"
CLI_EPOCHS = 5


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="minillm", description="The course's mini-LLM, trained with autograd."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {autograd.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = commands.add_parser("train", help="train on names, save a checkpoint, print new names")
    p.add_argument(
        "--backend", choices=BACKENDS, default="autograd", help="how gradients are computed"
    )
    p.add_argument("--pure", action="store_true", help="autograd: record every * (no fused dot)")
    p.add_argument("--batch-size", type=int, default=1,
                   help="windows a step, on their mean gradient (fast with torch)")  # fmt: skip
    p.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default=CLI_OPTIMIZER,
                   help=f"update rule (default {CLI_OPTIMIZER}; the lesson used sgd)")  # fmt: skip
    p.add_argument("--epochs", type=int, default=CLI_EPOCHS, help="passes over all the names")
    p.add_argument("--lr", type=float, default=None,
                   help=f"learning rate (default: {DEFAULT_LR})")  # fmt: skip
    p.add_argument("--schedule", choices=["constant", "linear"], default=CLI_SCHEDULE,
                   help=f"learning rate over the run (default {CLI_SCHEDULE}: falls to 0 "
                   "at the end; the lesson kept it constant)")  # fmt: skip
    p.add_argument("--names", default=None, help="a UTF-8 file with one name a line")
    p.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT, help="where to save the model")
    p.add_argument("--resume", action="store_true", help="continue from --checkpoint")
    p.add_argument("--seed", type=int, default=42, help="seed for the weights and the shuffling")
    p.add_argument("--count", type=int, default=10, help="how many names to print at the end")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")

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
    p.add_argument("--backend", choices=["autograd", "torch"], default="autograd",
                   help="torch: add PyTorch as a third column (needs PyTorch)")  # fmt: skip
    p.add_argument("--tolerance", type=float, default=1e-9, help="largest allowed difference")

    p = commands.add_parser("lesson", help="run a lesson (see: python -m lessons)")
    p.add_argument("args", nargs=argparse.REMAINDER, help="the lesson number and its options")

    add_graph_parser(commands)  # minillm graph: its options and help are in model/graph_cmd.py
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help()
        return 0
    try:
        return COMMANDS[args.command](args)
    except (ValueError, FileNotFoundError, TorchNotInstalled) as err:
        print(f"minillm {args.command}: error: {err}", file=sys.stderr)
        return 2


def cmd_train(args: argparse.Namespace) -> int:
    names = load_names(args.names)
    print(
        f"training on {len(names)} names ({count_positions(names)} positions an epoch), "
        f"backend {args.backend}{' (pure)' if args.pure else ''}, optimizer {args.optimizer}"
        f"{f', batches of {args.batch_size}' if args.batch_size > 1 else ''}"
    )
    result = train(
        names,
        backend=args.backend,
        optimizer=args.optimizer,
        lr=args.lr,
        lr_schedule=args.schedule,
        epochs=args.epochs,
        seed=args.seed,
        fused=not args.pure,
        batch_size=args.batch_size,
        checkpoint=args.checkpoint,
        resume=args.resume,
        progress=not args.no_progress,
    )
    print(
        f"{result.positions} positions in {result.seconds:.0f} s "
        f"({result.positions_per_second:.0f} positions/s); checkpoint: {args.checkpoint}"
    )
    if result.stopped == "diverged":
        return 1
    print("invented names:")
    for i in range(args.count):
        print("  " + generate(result.params, seed=args.seed + i).capitalize())
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    params = load_checkpoint(args.checkpoint).params
    for i in range(args.count):
        seed = None if args.seed is None else args.seed + i
        print(generate(params, prefix=args.prefix, temperature=args.temperature, seed=seed))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    if args.positions < 1:
        raise ValueError(f"--positions must be at least 1, got {args.positions}")
    params = (
        load_checkpoint(args.checkpoint).params if args.checkpoint else init_params(seed=args.seed)
    )
    backends = ["manual", "autograd"] + (["torch"] if args.backend == "torch" else [])
    report = compare_backends(params, args.positions, fused=not args.pure, backends=backends)
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


def cmd_lesson(args: argparse.Namespace) -> int:
    from lessons.__main__ import main as lessons_main  # lessons depend on model, not the reverse

    return lessons_main(args.args)


COMMANDS = {"train": cmd_train, "generate": cmd_generate, "compare": cmd_compare,
            "lesson": cmd_lesson, "graph": cmd_graph}  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
