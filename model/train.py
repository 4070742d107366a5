"""The training loop of the lesson: for each name, for each position, forward,
backward, and a small step of every weight against its gradient.

Whatever the backend, the loop is the same; only the function that computes
(loss, gradients) changes. With batch_size > 1, each step uses the mean gradient
of that many windows: any backend can do it, PyTorch does it in one pass. State
that matters is saved in a checkpoint at the end of every epoch and on Ctrl-C,
and a run that diverges keeps its last good one.
"""

from __future__ import annotations

import math
import random
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from model.backends import BatchStep, Step, Window, make_step
from model.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from model.data import count_positions, examples, load_names
from model.optim import make_optimizer
from model.params import (
    Config,
    Params,
    check_params,
    count_params,
    flatten,
    init_params,
    unflatten,
)


@dataclass
class TrainResult:
    """What a training run gives back."""

    params: Params  # the weights at the end (or the last good ones)
    history: list[float]  # mean loss of each finished epoch
    epochs: int  # epochs finished in all, resumed ones included
    positions: int  # training positions run by this call
    seconds: float
    stopped: str = "done"  # "done", "interrupted" (Ctrl-C) or "diverged" (NaN or inf)
    checkpoint: Path | None = None
    losses: list[float] = field(default_factory=list)  # every position's loss, in order

    @property
    def positions_per_second(self) -> float:
        return self.positions / self.seconds if self.seconds > 0 else 0.0


def train(
    names: Sequence[str] | None = None,
    *,
    config: Config = Config(),
    backend: str = "autograd",
    optimizer: str = "sgd",
    lr: float | None = None,
    lr_schedule: str = "constant",
    epochs: int = 10,
    seed: int = 42,
    fused: bool = True,
    batch_size: int = 1,
    params: Params | None = None,
    checkpoint: str | Path | None = None,
    resume: bool = False,
    progress: bool = True,
    log: Callable[[str], None] | None = print,
    on_epoch: Callable[[int, float], None] | None = None,
) -> TrainResult:
    """Train the mini-LLM on `names` (the built-in names by default) for `epochs` epochs.

    backend: "autograd" (Values and backward()), "manual" (the handwritten backward)
    or "torch" (PyTorch, an optional extra); fused=False makes the autograd backend
    record every multiplication (the pure path).
    optimizer: "sgd" (the lesson's, lr 0.01) or "adam" (lr 0.003); `lr` overrides.
    lr_schedule: "constant" (the lesson's) or "linear": the step size falls in a
    straight line to 0 at the end of the last epoch, for a lower final loss.
    batch_size: windows per step, which uses their mean gradient (1: the lesson's way).
    A batch may span names; on Ctrl-C the last one is cut at the end of the current
    name, so with batch_size > 1 a resumed run may group a few windows differently.
    log receives the run's messages in English (None: silence); on_epoch(epoch, mean_loss)
    is called after each finished epoch, to show it in your own words or plot it live.
    With `checkpoint`, the state is saved there after every epoch and on Ctrl-C;
    with `resume`, training continues from it, up to `epochs` epochs in all (a
    linear schedule then stretches to end at the last of those epochs).
    """
    say = log or (lambda message: None)
    names = list(load_names() if names is None else names)
    if not names:
        raise ValueError("no names to train on")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be a whole number >= 0, got {epochs!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a whole number >= 1, got {batch_size!r}")
    if lr_schedule not in ("constant", "linear"):
        raise ValueError(f"lr_schedule must be 'constant' or 'linear', got {lr_schedule!r}")
    batch_step = _make_batch_step(backend, config, fused)
    steps = epochs * -(-count_positions(names) // batch_size)  # optimizer steps in the run
    decay_steps = steps if lr_schedule == "linear" else None
    state = _start_state(
        config, backend, optimizer, lr, decay_steps, seed, params, checkpoint, resume
    )
    opt = make_optimizer(state.optimizer["name"], count_params(config), state.optimizer["lr"])
    opt.load_state_dict(state.optimizer)
    if opt.decay_steps:  # resuming for more (or fewer) epochs: decay to 0 at the new end
        opt.decay_steps = steps
    weights = flatten(state.params)
    rng = random.Random()
    rng.setstate(_to_tuple(state.rng_state))

    good = _snapshot(state, weights, opt)  # the last state worth keeping
    losses: list[float] = []
    stopped = "done"
    started = time.perf_counter()
    with _ctrl_c_stops_after_this_name() as ctrl_c:
        try:
            while state.epoch < epochs and not ctrl_c.pressed:
                state.rng_state = list(rng.getstate())  # to shuffle this epoch again on resume
                order = list(names)
                rng.shuffle(order)
                _run_epoch(
                    state, order, weights, batch_step, batch_size, opt, losses, ctrl_c,
                    progress, epochs,
                )  # fmt: skip
                if ctrl_c.pressed:
                    break
                state.history.append(state.epoch_loss / count_positions(order))
                state.epoch, state.position, state.epoch_loss = state.epoch + 1, 0, 0.0
                state.rng_state = list(rng.getstate())
                good = _snapshot(state, weights, opt)
                say(f"epoch {state.epoch}/{epochs}  mean loss {state.history[-1]:.4f}")
                if checkpoint:
                    save_checkpoint(checkpoint, good)
                if on_epoch:
                    on_epoch(state.epoch, state.history[-1])
        except (FloatingPointError, OverflowError) as err:
            stopped = "diverged"
            say(f"training stopped: {err}. Is the learning rate too high? {_where(checkpoint)}")
    if ctrl_c.pressed and stopped == "done":
        stopped = "interrupted"
        good = _snapshot(state, weights, opt)  # the names finished in this epoch are kept
        if checkpoint:
            save_checkpoint(checkpoint, good)
        say(f"interrupted. {_where(checkpoint)} Continue with --resume.")
    return TrainResult(
        params=good.params, history=list(good.history), epochs=good.epoch,
        positions=len(losses), seconds=time.perf_counter() - started, stopped=stopped,
        checkpoint=Path(checkpoint) if checkpoint else None, losses=losses,
    )  # fmt: skip


def _run_epoch(
    state, order, weights, batch_step, batch_size, opt, losses, ctrl_c, progress, epochs
) -> None:
    """Train on the names of one epoch, from state.position on; stop early on Ctrl-C.

    Windows are taken in order, batch_size at a time. At the end of the epoch, or
    on Ctrl-C, the windows still waiting make one smaller batch: the state saved
    then always ends at the end of a name.
    """
    done = count_positions(order[: state.position])
    waiting: list[Window] = []  # fewer than batch_size windows, not learned yet

    def learn(batch: list[Window], name: str) -> None:
        nonlocal done
        batch_losses, grads = batch_step(weights, batch)
        for loss in batch_losses:
            if not math.isfinite(loss):
                raise FloatingPointError(f"the loss became {loss} on {name!r}")
        opt.step(weights, grads)
        losses.extend(batch_losses)
        for loss in batch_losses:
            state.epoch_loss += loss  # one by one, in the same order whatever the batch size
        done += len(batch)

    with tqdm(
        total=count_positions(order), initial=done, desc=f"epoch {state.epoch + 1}/{epochs}",
        unit="pos", disable=not progress, leave=False,
    ) as bar:  # fmt: skip
        for n in range(state.position, len(order)):
            waiting.extend(examples(order[n], state.config.context))
            while len(waiting) >= batch_size:
                learn(waiting[:batch_size], order[n])
                del waiting[:batch_size]
            stop = ctrl_c.pressed  # read once: a later Ctrl-C is seen after the next name
            if waiting and (stop or n == len(order) - 1):
                learn(waiting, order[n])
                waiting.clear()
            state.position = n + 1
            bar.update(len(order[n]) + 1)
            if done:  # 0 while the first batch is still filling up
                bar.set_postfix(loss=f"{state.epoch_loss / done:.3f}", refresh=False)
            if stop:
                return


def _make_batch_step(backend: str, config: Config, fused: bool) -> BatchStep:
    """PyTorch computes a batch in one pass; the other backends one window at a time."""
    if backend == "torch":
        from model.torch_backend import torch_batch_step  # PyTorch is optional, and slow to import

        return torch_batch_step(config)
    return _one_window_at_a_time(make_step(backend, config, fused))


def _one_window_at_a_time(step: Step) -> BatchStep:
    def batch_step(weights: list[float], batch: list[Window]) -> tuple[list, list[float]]:
        results = [step(weights, ids, target) for ids, target in batch]
        if len(results) == 1:
            return [results[0][0]], results[0][1]  # the lesson's case: no mean to take
        mean = [sum(gs) / len(results) for gs in zip(*(grads for _, grads in results))]
        return [loss for loss, _ in results], mean

    return batch_step


class _CtrlC:
    pressed = False


@contextmanager
def _ctrl_c_stops_after_this_name() -> Iterator[_CtrlC]:
    """Turn the first Ctrl-C into a request to stop after the current name.

    The weights are then never caught half-updated. A second Ctrl-C stops at once,
    keeping only the last checkpoint.
    """
    flag = _CtrlC()
    if threading.current_thread() is not threading.main_thread():
        yield flag  # signal handlers can only be set from the main thread
        return

    def handler(signum, frame) -> None:
        if flag.pressed:
            raise KeyboardInterrupt
        flag.pressed = True

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


def _start_state(
    config, backend, optimizer, lr, decay_steps, seed, params, checkpoint, resume
) -> Checkpoint:
    """A fresh training state, or the one saved in the checkpoint when resuming."""
    if resume:
        if not checkpoint:
            raise ValueError("resume needs a checkpoint path to resume from")
        state = load_checkpoint(checkpoint, config)
        state.backend = backend
        return state
    if params is None:
        params = init_params(config, seed)
    check_params(params, config)
    opt = make_optimizer(optimizer, count_params(config), lr, decay_steps)
    return Checkpoint(
        config=config, params=params, optimizer=opt.state_dict(),
        rng_state=list(random.Random(seed).getstate()), backend=backend, seed=seed,
    )  # fmt: skip


def _snapshot(state: Checkpoint, weights: list[float], opt) -> Checkpoint:
    """A copy of the state with the current weights and optimizer, safe to keep or save.

    unflatten() slices new lists and state_dict() copies Adam's m and v, so later
    steps never change a snapshot.
    """
    return Checkpoint(
        config=state.config, params=unflatten(weights, state.config),
        optimizer=opt.state_dict(), epoch=state.epoch, position=state.position,
        epoch_loss=state.epoch_loss, rng_state=state.rng_state, history=list(state.history),
        backend=state.backend, seed=state.seed,
    )  # fmt: skip


def _to_tuple(x):
    """JSON turns the generator's state tuples into lists; random.setstate wants tuples."""
    return tuple(_to_tuple(v) for v in x) if isinstance(x, list) else x


def _where(checkpoint: str | Path | None) -> str:
    return f"The last good state is in {checkpoint}." if checkpoint else "(No checkpoint given.)"
