"""minillm train: train on names, save a checkpoint after every epoch, print invented names.

The options map one to one onto TrainSettings (trainer.py), with the same
defaults. The first line says what will really run: on --resume, the
checkpoint's optimizer; options that contradict the checkpoint are refused.
Each epoch line is printed after the epoch is saved, so a closed output
(`minillm train | head -1`) never costs a finished epoch.

The model's shape options (--heads, --layers, --norm, --dropout, and the sizes
--context, --embed, --hidden) make a Config (model/config.py), each checked
with a sentence that names the option; on --resume they default to the checkpoint's.
"""

from __future__ import annotations

import argparse
import sys
import warnings

from model.backends import BACKENDS
from model.config import NORMS, Config, check_fields
from model.data import count_positions, load_names
from model.helpers.strict_args import at_least
from model.optim import DEFAULT_LR, OPTIMIZERS
from model.sample import generate
from model.training.train import ProgressBar, log_messages
from model.training.trainer import (
    DEFAULT_EPOCHS,
    DEFAULT_OPTIMIZER,
    DEFAULT_SCHEDULE,
    DEFAULT_SEED,
    SCHEDULES,
    Trainer,
    TrainSettings,
    resume_refused,
    shape_conflicts,
)

DEFAULT_CHECKPOINT = "minillm.ckpt.json"
INTERRUPTED = 130  # the exit status of a program stopped by Ctrl-C (128 + SIGINT)
ON_RESUME = "; on --resume, the checkpoint's"
# The model's options: Config field -> (flag, type, help). Their default is lesson 6's model.
SHAPE_OPTIONS = {
    "heads": ("--heads", int, "attention heads, each on a slice of the width; must divide --embed"),
    "layers": ("--layers", int, "blocks of attention and MLP, one after the other"),
    "norm": ("--norm", str, "a norm before attention, the MLP and the output: "
             + ", ".join(NORMS)),
    "dropout": ("--dropout", float, "the probability of zeroing an attention or MLP output "
                "while training, from 0 up to 1 (not included)"),
    "context": ("--context", int, "how many characters the model sees"),
    "embed_dim": ("--embed", int, "the width: numbers per character"),
    "hidden_dim": ("--hidden", int, "neurons of each MLP"),
}  # fmt: skip


def add_train_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The `train` subcommand and its options, added to minillm's subcommands."""
    p = commands.add_parser("train", help="train on names, save a checkpoint, print new names")
    p.add_argument(
        "--backend", choices=BACKENDS, default="autograd", help="how gradients are computed"
    )
    p.add_argument("--pure", action="store_true", help="autograd: record every * (no fused dot)")
    p.add_argument("--batch-size", type=int, default=1,
                   help="windows a step, on their mean gradient (fast with torch)")  # fmt: skip
    p.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default=None,
                   help=f"update rule (default {DEFAULT_OPTIMIZER}{ON_RESUME}; "
                   "the lesson used sgd)")  # fmt: skip
    p.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS,
                   help=f"passes over the names, in all (default {DEFAULT_EPOCHS})")  # fmt: skip
    p.add_argument("--lr", type=float, default=None,
                   help=f"learning rate (default: {DEFAULT_LR}{ON_RESUME})")  # fmt: skip
    p.add_argument("--schedule", choices=SCHEDULES, default=None,
                   help=f"learning rate over the run (default {DEFAULT_SCHEDULE}: falls to 0 "
                   f"at the end{ON_RESUME}; the lesson kept it constant)")  # fmt: skip
    p.add_argument("--names", default=None, help="a UTF-8 file with one name a line")
    p.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT, help="where to save the model")
    p.add_argument("--resume", action="store_true", help="continue from --checkpoint")
    p.add_argument("--seed", type=int, default=None,
                   help=f"seed for the weights and the shuffling (default {DEFAULT_SEED}"
                   f"{ON_RESUME})")  # fmt: skip
    for field, (flag, kind, meaning) in SHAPE_OPTIONS.items():
        default = getattr(Config(), field)
        p.add_argument(flag, type=kind, default=None, dest=field, choices=NORMS if field == "norm"
                       else None, help=f"{meaning} (default {default}{ON_RESUME})")  # fmt: skip
    p.add_argument("--count", type=int, default=10, help="how many names to print at the end")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return p


def cmd_train(args: argparse.Namespace) -> int:
    """Train, printing each line as soon as it is true; 1 if the run diverged, 130 on Ctrl-C."""
    at_least("--count", args.count, 0, "how many names to print at the end")
    trainer = make_trainer(args)
    print(first_line(trainer), flush=True)
    if not args.no_progress:
        ProgressBar().attach(trainer)
    log_messages(trainer, lambda line: print(line, flush=True))
    result = trainer.run()
    saved = f"checkpoint: {result.checkpoint}" if result.checkpoint else "no checkpoint saved"
    print(
        f"{result.positions} positions in {result.seconds:.0f} s "
        f"({result.positions_per_second:.0f} positions/s); {saved}"
    )
    if result.stopped == "diverged":
        return 1
    print("invented names:")
    for i in range(args.count):
        name = generate(result.params, seed=trainer.seed + i, config=trainer.config)
        print("  " + name.capitalize())
    return INTERRUPTED if result.stopped == "interrupted" else 0


def make_trainer(args: argparse.Namespace) -> Trainer:
    """The Trainer the options ask for; a warning (other names on resume) goes to stderr."""
    settings = TrainSettings(
        backend=args.backend, fused=not args.pure, optimizer=args.optimizer, lr=args.lr,
        lr_schedule=args.schedule, epochs=args.epochs, seed=args.seed,
        batch_size=args.batch_size, checkpoint=args.checkpoint, resume=args.resume,
    )  # fmt: skip
    asked = {field: getattr(args, field) for field in SHAPE_OPTIONS}
    config = None if args.resume else config_from_options(asked)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer = Trainer(load_names(args.names), settings, config)
    for warning in caught:
        print(f"minillm train: warning: {warning.message}", file=sys.stderr)
    conflicts = shape_conflicts(asked, trainer.config)  # on --resume: the checkpoint's shape
    if conflicts:
        field, (asked_value, saved) = next(iter(conflicts.items()))
        raise resume_refused(args.checkpoint, SHAPE_OPTIONS[field][0], asked_value, saved)
    return trainer


def config_from_options(asked: dict[str, object]) -> Config:
    """The Config of a new run: the options given, lesson 6's for the others, each checked."""
    values = vars(Config()) | {field: v for field, v in asked.items() if v is not None}
    check_fields(values, lambda field: SHAPE_OPTIONS[field][0] if field in SHAPE_OPTIONS else field)
    return Config(**values)


def first_line(trainer: Trainer) -> str:
    """What will run: the names, the backend and the optimizer really used."""
    s, names = trainer.settings, trainer.names
    batches = f", batches of {s.batch_size}" if s.batch_size > 1 else ""
    resumed = f", resumed in epoch {trainer.epoch + 1}" if s.resume else ""
    config = trainer.config
    shape = "" if config.is_lesson6_shape else f", model: {config.describe_shape()}"
    return (
        f"training on {len(names)} names ({count_positions(names)} positions an epoch), "
        f"backend {s.backend}{'' if s.fused else ' (pure)'}, optimizer {trainer.opt.name}"
        f"{batches}{resumed}{shape}"
    )
