"""train(): the lesson's training loop in one call, with a progress bar and a line per epoch.

The loop itself is the Trainer (trainer.py); this module gives it the callbacks
a person watching needs: a progress bar on stderr (ProgressBar) and the run's
messages in English (log_messages). Whatever the backend, the loop is the same;
only the function that computes (loss, gradients) changes.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import fields, replace
from typing import Any

from tqdm import TqdmWarning

with warnings.catch_warnings():  # in Jupyter without ipywidgets tqdm.auto falls back to
    warnings.simplefilter("ignore", TqdmWarning)  # text bars, with a warning a learner
    from tqdm.auto import tqdm  # cannot act on inside a lesson: the bars work either way

from autograd.browser import in_browser
from model.data import count_positions, load_names
from model.params import Config, Params
from model.training.trainer import Trainer, TrainResult, TrainSettings

__all__ = ["ProgressBar", "TrainResult", "log_messages", "train"]

if in_browser():  # a web page cannot start tqdm's monitor thread: do without it, no warning
    tqdm.monitor_interval = 0


def train(
    names: Sequence[str] | None = None,
    settings: TrainSettings | None = None,
    *,
    config: Config | None = None,
    params: Params | None = None,
    progress: bool = True,
    log: Callable[[str], None] | None = print,
    on_epoch: Callable[[int, float], None] | None = None,
    **changes: Any,
) -> TrainResult:
    """Train the mini-LLM on `names` (the built-in names by default); return the result.

    settings: how to train, a TrainSettings (backend, optimizer, lr, lr_schedule,
    epochs, seed, fused, batch_size, checkpoint, resume: see its fields). Keyword
    arguments change single fields of it: train(names, backend="manual", epochs=3).
    The defaults are the command line's: autograd, Adam (lr 0.003), a linear
    schedule, 5 epochs, seed 42; the lesson's recipe is
    optimizer="sgd", lr_schedule="constant", epochs=10.
    config, params: the model's shape and first weights (init_params(config, seed)).
    config is e.g. Config(heads=2, layers=2, norm="rms", dropout=0.1); None is lesson
    6's for a new run, and the checkpoint's on resume.
    log receives the run's messages in English (None: silence); on_epoch(epoch, mean_loss)
    is called after each finished epoch, to show it in your own words or plot it live.
    """
    settings = with_changes(settings or TrainSettings(), changes)
    trainer = Trainer(load_names() if names is None else names, settings, config, params)
    if progress:
        ProgressBar().attach(trainer)
    if log:
        log_messages(trainer, log)
    if on_epoch:
        trainer.add_callback("on_epoch_end", lambda t: on_epoch(t.epoch, t.history[-1]))
    return trainer.run()


def with_changes(settings: TrainSettings, changes: dict[str, Any]) -> TrainSettings:
    """`settings` with some fields changed, or a TypeError naming an unknown one."""
    known = [f.name for f in fields(TrainSettings)]
    unknown = sorted(set(changes) - set(known))
    if unknown:
        raise TypeError(f"train() got unknown setting(s) {unknown}; the settings are {known}")
    return replace(settings, **changes)


class ProgressBar:
    """A tqdm bar for each epoch, on stderr: positions learned, and the mean loss so far."""

    def __init__(self) -> None:
        self.bar: tqdm | None = None

    def attach(self, trainer: Trainer) -> None:
        trainer.add_callback("on_epoch_start", self.open)
        trainer.add_callback("on_batch_end", self.update)
        trainer.add_callback("on_epoch_end", self.close)
        trainer.add_callback("on_run_end", self.close)

    def open(self, trainer: Trainer) -> None:
        self.close(trainer)
        self.bar = tqdm(
            total=count_positions(trainer.names), initial=trainer.epoch_positions,
            desc=f"epoch {trainer.epoch + 1}/{trainer.settings.epochs}", unit="pos", leave=False,
        )  # fmt: skip

    def update(self, trainer: Trainer) -> None:
        if self.bar is not None:
            mean = trainer.epoch_loss / trainer.epoch_positions
            self.bar.set_postfix(loss=f"{mean:.3f}", refresh=False)
            self.bar.update(trainer.epoch_positions - self.bar.n)  # redrawn a few times a second

    def close(self, trainer: Trainer) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def log_messages(trainer: Trainer, log: Callable[[str], None]) -> None:
    """Send the run's messages to `log`: one line per epoch, then how the run ended."""
    trainer.add_callback("on_epoch_end", lambda t: log(epoch_line(t)))
    trainer.add_callback("on_run_end", lambda t: log(ending(t)) if ending(t) else None)


def epoch_line(trainer: Trainer) -> str:
    return f"epoch {trainer.epoch}/{trainer.settings.epochs}  mean loss {trainer.history[-1]:.4f}"


def ending(trainer: Trainer) -> str:
    """How the run ended, naming only files that exist; "" when it simply finished."""
    if trainer.saved:
        where = f"The last good state is in {trainer.saved}."
    elif trainer.settings.checkpoint:
        where = "No epoch finished, so nothing was saved."
    else:
        where = "(No checkpoint given.)"
    if trainer.stopped == "diverged":
        return f"training stopped: {trainer.error}. Is the learning rate too high? {where}"
    if trainer.stopped == "interrupted":
        return f"interrupted. {where}" + (" Continue with --resume." if trainer.saved else "")
    if not trainer.losses and trainer.epoch >= trainer.settings.epochs:
        done, asked = trainer.epoch, trainer.settings.epochs
        return f"nothing to train: {done} epochs are done already, and {asked} were asked in all."
    return ""
