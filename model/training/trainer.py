"""The training loop of model/loop.py as one object, plus what a long run needs.

model/loop.py is the loop a learner reads first (about 20 lines: window, step,
update). A Trainer runs that same loop and adds Ctrl-C (stop after the current
name, keep what is learned), resume (go on from a checkpoint, bit-identically),
checkpoints saved atomically after every epoch, batches, Adam and a schedule.

Each epoch shuffles the names; for each name, for each position: forward and
backward (the backend's step), then a small step of every weight against its
gradient (the optimizer's). The Trainer never prints: what a run shows is added
as callbacks, functions of the trainer called at named events, as in minGPT:

    trainer = Trainer(names, TrainSettings(epochs=3))
    trainer.add_callback("on_epoch_end", lambda t: print(t.epoch, t.history[-1]))
    result = trainer.run()

Events: "on_epoch_start"; "on_batch_end", after each optimizer step;
"on_epoch_end", after the epoch is saved (so that a callback that fails, for
instance a print to a closed pipe, never loses it); "on_run_end", when
trainer.stopped says how the run ended: "done", "interrupted" or "diverged".
"""

from __future__ import annotations

import math
import random
import time
import warnings
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from model.backends import Window, make_batch_step
from model.data import check_names, count_positions, examples, fingerprint
from model.dropout import window_mask_seed
from model.helpers.checks import check_whole_number
from model.optim import make_optimizer
from model.params import Config, Params, check_params, count_params, flatten, init_params, unflatten
from model.training.checkpoint import (
    Checkpoint,
    check_writable,
    load_checkpoint,
    lock_checkpoint,
    save_checkpoint,
)
from model.training.checkpoint_checks import MAX_COUNT, check_seed
from model.training.ctrl_c import CtrlC, ctrl_c_stops_softly

# The defaults of a new run, the command line's too (see the README).
DEFAULT_OPTIMIZER = "adam"
DEFAULT_SCHEDULE = "linear"
DEFAULT_EPOCHS = 5
DEFAULT_SEED = 42
SCHEDULES = ("constant", "linear")
EVENTS = ("on_epoch_start", "on_batch_end", "on_epoch_end", "on_run_end")

Callback = Callable[["Trainer"], None]


@dataclass(frozen=True)
class TrainSettings:
    """How to train. A None means the default for a new run, and the checkpoint's on resume."""

    backend: str = "autograd"  # "autograd", "manual" or "torch"
    fused: bool = True  # False: the autograd backend records every * (the pure path)
    optimizer: str | None = None  # "sgd" or "adam" (DEFAULT_OPTIMIZER)
    lr: float | None = None  # the optimizer's own default (model.optim.DEFAULT_LR)
    lr_schedule: str | None = None  # "constant" or "linear" (DEFAULT_SCHEDULE)
    epochs: int = DEFAULT_EPOCHS  # in all, the resumed ones included
    seed: int | None = None  # for the first weights and the shuffling (DEFAULT_SEED)
    batch_size: int = 1  # windows a step, on their mean gradient
    checkpoint: str | Path | None = None  # saved after every epoch and on Ctrl-C
    resume: bool = False  # go on from `checkpoint`


@dataclass
class TrainResult:
    """What a training run gives back."""

    params: Params  # the weights at the end (or the last good ones)
    history: list[float]  # mean loss of each finished epoch
    epochs: int  # epochs finished in all, resumed ones included
    positions: int  # training positions run by this call
    seconds: float
    stopped: str = "done"  # "done", "interrupted" (Ctrl-C) or "diverged" (NaN or inf)
    checkpoint: Path | None = None  # the file that holds `params`; None if nothing was saved
    losses: list[float] = field(default_factory=list)  # every position's loss, in order

    @property
    def positions_per_second(self) -> float:
        return self.positions / self.seconds if self.seconds > 0 else 0.0


class _UndoPoint(NamedTuple):
    """The live state before a name's first step, to undo that name if Ctrl-C cuts it."""

    weights: list[float]
    optimizer: dict
    epoch_loss: float
    losses: int
    epoch_positions: int


class Trainer:
    """One training run: its settings, its live state, and the callbacks that show it."""

    def __init__(
        self,
        names: Sequence[str],
        settings: TrainSettings = TrainSettings(),
        config: Config | None = None,
        params: Params | None = None,
    ) -> None:
        """Check everything before the first step; `params` are the first weights of a new run.

        config: the model's size and shape; None is Config() (lesson 6's) for a new run,
        and the checkpoint's on resume (another one is refused, naming what differs).
        """
        self.names = check_names(names)
        self.settings = settings
        _check_settings(settings)
        _check_run_length(settings.epochs, self.steps_per_epoch())
        if settings.resume:
            start = self._resumed(config)
            self.config = start.config
        else:
            self.config = Config() if config is None else config
            start = self._fresh(params)
        self.batch_step = make_batch_step(settings.backend, self.config, settings.fused)
        self.opt = make_optimizer(start.optimizer["name"], count_params(self.config))
        self.opt.load_state_dict(start.optimizer)
        if self.opt.decay_steps:  # resuming for more (or fewer) epochs: decay to 0 at the new end
            self.opt.decay_steps = settings.epochs * self.steps_per_epoch()
        self.weights = flatten(start.params)
        self.rng = random.Random()
        self.rng.setstate(_to_tuple(start.rng_state))
        self.rng_state = start.rng_state  # the generator as at the start of this epoch
        self.epoch, self.position, self.epoch_loss = start.epoch, start.position, start.epoch_loss
        self.history, self.seed = list(start.history), start.seed
        self.losses: list[float] = []  # every position's loss in this run
        self.epoch_positions = 0  # positions learned in the current epoch
        self.stopped, self.error, self.seconds = "done", "", 0.0
        self.good = start  # the last state worth keeping
        self.saved: Path | None = Path(settings.checkpoint) if settings.resume else None
        self.ctrl_c = CtrlC()
        self.output_closed: BrokenPipeError | None = None  # a callback's output went away
        self.callbacks: dict[str, list[Callback]] = {event: [] for event in EVENTS}

    # ------------------------------------------------------------------ callbacks

    def add_callback(self, event: str, callback: Callback) -> None:
        """Call callback(trainer) at every `event` (one of EVENTS), after the earlier ones."""
        if event not in self.callbacks:
            raise ValueError(f"unknown event {event!r}; choose one of {list(EVENTS)}")
        self.callbacks[event].append(callback)

    def trigger(self, event: str) -> None:
        """Call the callbacks of `event`; a closed output stops the run as Ctrl-C does.

        A print to a closed pipe (`minillm train 2>&1 | head -1`) raises
        BrokenPipeError in a callback: the run then stops at the next window, keeps
        (and saves) the names finished, and run() raises it again at its end.
        """
        for callback in self.callbacks[event]:
            try:
                callback(self)
            except BrokenPipeError as closed:
                self.output_closed = closed
                self.ctrl_c.pressed = True

    # ------------------------------------------------------------------ the run

    def steps_per_epoch(self) -> int:
        """Optimizer steps in one epoch: a batch never spans two epochs."""
        return -(-count_positions(self.names) // self.settings.batch_size)

    def run(self) -> TrainResult:
        """Train up to settings.epochs epochs in all; Ctrl-C stops within a moment and saves."""
        started = time.perf_counter()
        with ExitStack() as stack:
            if self.settings.checkpoint:  # one training at a time on a checkpoint
                stack.enter_context(lock_checkpoint(self.settings.checkpoint))
            self.ctrl_c = stack.enter_context(ctrl_c_stops_softly())
            try:
                while self.epoch < self.settings.epochs and not self.ctrl_c.pressed:
                    self._one_epoch()
            except (FloatingPointError, OverflowError) as err:
                self.stopped, self.error = "diverged", str(err)
            cut = self.ctrl_c.pressed and self.epoch < self.settings.epochs
            if cut and self.stopped == "done":
                self.stopped = "interrupted"
                self._keep()  # the names finished in this epoch are kept
        self.seconds = time.perf_counter() - started
        self.trigger("on_run_end")
        if self.output_closed:
            raise self.output_closed  # after the save: the caller ends quietly (status 141)
        return self.result()

    def result(self) -> TrainResult:
        """The run so far: the last good weights, and every loss of this call."""
        good = self.good
        return TrainResult(
            params=good.params, history=list(good.history), epochs=good.epoch,
            positions=len(self.losses), seconds=self.seconds, stopped=self.stopped,
            checkpoint=self.saved, losses=list(self.losses),
        )  # fmt: skip

    def _one_epoch(self) -> None:
        """Shuffle, learn the names, and keep the epoch if it was not cut short."""
        self.rng_state = list(self.rng.getstate())  # to shuffle this epoch again on resume
        order = list(self.names)
        self.rng.shuffle(order)
        self.epoch_positions = count_positions(order[: self.position])
        self.trigger("on_epoch_start")
        self._learn_names(order)
        if self.position < len(order):
            return  # cut by Ctrl-C
        self.history.append(self.epoch_loss / count_positions(order))
        self.epoch, self.position, self.epoch_loss = self.epoch + 1, 0, 0.0
        self.rng_state = list(self.rng.getstate())
        self._keep()
        self.trigger("on_epoch_end")

    def _learn_names(self, order: list[str]) -> None:
        """Learn the names from self.position on, settings.batch_size windows a step.

        At the end of the epoch, or on Ctrl-C, the windows still waiting make one
        smaller batch: a saved state always ends at the end of a name.
        """
        waiting: list[Window] = []  # fewer than batch_size windows, not learned yet
        for name in order[self.position :]:
            finished, waiting = self._learn_name(name, waiting)
            if not finished:
                break
            self.position += 1
        if waiting:
            self._learn(waiting, "in the last batch of the epoch")

    def _learn_name(self, name: str, waiting: list[Window]) -> tuple[bool, list[Window]]:
        """Learn one name; return (finished, the windows waiting after it).

        Ctrl-C is looked at before every window, so it stops within a moment even on
        a long name. The name it cuts is undone, weights and all: it returns
        (False, the windows that were waiting before the name).
        """
        before, undo = list(waiting), None
        for window in examples(name, self.config.context):
            if self.ctrl_c.pressed:
                if undo is not None:
                    self._restore(undo)
                return False, before
            waiting.append(window)
            if len(waiting) == self.settings.batch_size:
                undo = undo or self._undo_point()  # copied once a name, and only if it learns
                self._learn(waiting, f"on {name!r}")
                waiting = []
        return True, waiting

    def _learn(self, batch: list[Window], where: str) -> None:
        """One optimizer step on the mean gradient of `batch`; a NaN or inf loss stops the run."""
        if self.config.dropout > 0:  # drawn from the run's seed and each window's position
            first = self.epoch_positions
            seeds = [window_mask_seed(self.seed, self.epoch, first + i) for i in range(len(batch))]
            batch_losses, grads = self.batch_step(self.weights, batch, mask_seeds=seeds)
        else:
            batch_losses, grads = self.batch_step(self.weights, batch)
        for loss in batch_losses:
            if not math.isfinite(loss):
                raise FloatingPointError(f"the loss became {loss} {where}")
        self.opt.step(self.weights, grads)
        self.losses.extend(batch_losses)
        for loss in batch_losses:
            self.epoch_loss += loss  # one by one, in the same order whatever the batch size
        self.epoch_positions += len(batch)
        self.trigger("on_batch_end")

    # ------------------------------------------------------------------ state

    def _keep(self) -> None:
        """The current state becomes the last good one; saved when there is a checkpoint."""
        self.good = self._snapshot()
        if self.settings.checkpoint:
            self.saved = save_checkpoint(self.settings.checkpoint, self.good)

    def _snapshot(self) -> Checkpoint:
        """A copy of the state, safe to keep or save: later steps never change it.

        unflatten() slices new lists and state_dict() copies Adam's m and v.
        """
        return Checkpoint(
            config=self.config, params=unflatten(self.weights, self.config),
            optimizer=self.opt.state_dict(), epoch=self.epoch, position=self.position,
            epoch_loss=self.epoch_loss, rng_state=self.rng_state, history=list(self.history),
            backend=self.settings.backend, seed=self.seed, names=fingerprint(self.names),
        )  # fmt: skip

    def _undo_point(self) -> _UndoPoint:
        return _UndoPoint(
            list(self.weights), self.opt.state_dict(), self.epoch_loss, len(self.losses),
            self.epoch_positions,
        )  # fmt: skip

    def _restore(self, point: _UndoPoint) -> None:
        self.weights[:] = point.weights
        self.opt.load_state_dict(point.optimizer)
        self.epoch_loss, self.epoch_positions = point.epoch_loss, point.epoch_positions
        del self.losses[point.losses :]

    # ------------------------------------------------------------------ the start

    def _fresh(self, params: Params | None) -> Checkpoint:
        """The state of a new run: the settings' choices, or the defaults."""
        s = self.settings
        seed = DEFAULT_SEED if s.seed is None else s.seed
        params = init_params(self.config, seed) if params is None else params
        check_params(params, self.config)
        if s.checkpoint:
            check_writable(s.checkpoint)  # now, not after a whole epoch
        decay = (s.lr_schedule or DEFAULT_SCHEDULE) == "linear"
        opt = make_optimizer(
            s.optimizer or DEFAULT_OPTIMIZER, count_params(self.config), s.lr,
            s.epochs * self.steps_per_epoch() if decay else None,
        )  # fmt: skip
        return Checkpoint(
            config=self.config, params=params, optimizer=opt.state_dict(),
            rng_state=list(random.Random(seed).getstate()), backend=s.backend, seed=seed,
        )  # fmt: skip

    def _resumed(self, config: Config | None) -> Checkpoint:
        """The state saved in the checkpoint, if it can go on with these settings and names."""
        path = self.settings.checkpoint
        if not path:
            raise ValueError("resume needs a checkpoint path to resume from")
        state = load_checkpoint(path)
        if not state.optimizer or state.rng_state is None:
            raise ValueError(f"{path} holds weights only, no training state: it cannot be resumed")
        conflicts = _resume_conflicts(self.settings, state)
        if config is not None:
            conflicts |= shape_conflicts(vars(config), state.config)
        if conflicts:
            option, (asked, saved) = next(iter(conflicts.items()))
            raise resume_refused(path, option, asked, saved)
        if state.position > len(self.names):
            raise ValueError(
                f"{path} stopped after {state.position} names of its epoch, but there are "
                f"only {len(self.names)} names now: resume with the names it was trained on"
            )
        if state.names is not None and state.names != fingerprint(self.names):
            warnings.warn(
                f"these {len(self.names)} names are not the ones {path} was trained on; "
                "training goes on with them",
                stacklevel=4,
            )
        check_writable(path)
        return state


def resume_refused(path: str | Path, option: str, asked: object, saved: object) -> ValueError:
    """The error for a resume that asks for another `option` than the checkpoint's."""
    return ValueError(
        f"{path} was trained with {option} {saved!r}, not {asked!r}: a resumed run "
        f"goes on with its own {option}; leave it out, or start a new run without resume"
    )


def shape_conflicts(asked: dict[str, object], saved: Config) -> dict[str, tuple]:
    """The Config fields asked for (not None) that differ from `saved`: {field: (asked, saved)}."""
    return {
        field: (value, getattr(saved, field))
        for field, value in asked.items()
        if value is not None and value != getattr(saved, field)
    }


def _resume_conflicts(settings: TrainSettings, state: Checkpoint) -> dict[str, tuple]:
    """The settings given (not None) that differ from the checkpoint's: {option: (asked, saved)}."""
    saved = {
        "optimizer": state.optimizer["name"],
        "lr": state.optimizer["lr"],
        "lr_schedule": "linear" if state.optimizer.get("decay_steps") else "constant",
        "seed": state.seed,
    }
    asked = {option: getattr(settings, option) for option in saved}
    return {
        option: (asked[option], saved[option])
        for option in saved
        if asked[option] is not None and asked[option] != saved[option]
    }


def _check_settings(s: TrainSettings) -> None:
    """A clear ValueError for a setting that cannot work, before anything runs."""
    check_whole_number(s.epochs, "epochs", 0)
    check_whole_number(s.batch_size, "batch_size", 1)
    if isinstance(s.checkpoint, str) and not s.checkpoint.strip():
        raise ValueError(
            f"the checkpoint path is {s.checkpoint!r}: give a file, e.g. minillm.ckpt.json "
            "(or, in Python, checkpoint=None to save nothing)"
        )
    if s.lr_schedule not in (None, *SCHEDULES):
        raise ValueError(f"lr_schedule must be 'constant' or 'linear', got {s.lr_schedule!r}")
    if s.seed is not None:
        check_seed(s.seed)  # the loader's own check: what is saved can be loaded


def _check_run_length(epochs: int, steps_per_epoch: int) -> None:
    """Refuse a run whose counters its own checkpoint could not hold (MAX_COUNT, 2**53).

    The optimizer counts its steps, and a linear schedule the steps of the whole run:
    both are saved, and loading refuses counts that floats no longer hold exactly.
    """
    if epochs * steps_per_epoch > MAX_COUNT:
        raise ValueError(
            f"epochs is {epochs:,}: that is {epochs * steps_per_epoch:,} optimizer steps, more "
            f"than a checkpoint can count (2**53); give at most {MAX_COUNT // steps_per_epoch:,} "
            "epochs with these names and this batch size"
        )


def _to_tuple(x: object) -> object:
    """JSON turns the generator's state tuples into lists; random.setstate wants tuples."""
    return tuple(_to_tuple(v) for v in x) if isinstance(x, list) else x
