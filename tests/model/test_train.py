"""Training: both backends walk the same path; checkpoints keep every finished step."""

from __future__ import annotations

import importlib
import math
import os
import signal

import pytest

from model import generate, init_params, load_checkpoint, train
from model.cli.minillm import build_parser
from model.data import count_positions
from model.params import flatten
from model.training.trainer import Trainer, TrainSettings
from tests.model.helpers import QUIET, max_difference

LESSON = {"optimizer": "sgd", "lr_schedule": "constant"}  # the lesson's recipe
backends_module = importlib.import_module("model.backends")  # where the trainer finds make_step


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_one_epoch_gives_the_same_weights_with_every_backend(names, optimizer):
    subset = names[:40]
    runs = {
        "manual": train(subset, backend="manual", optimizer=optimizer, epochs=1, **QUIET),
        "fused": train(subset, backend="autograd", optimizer=optimizer, epochs=1, **QUIET),
        "pure": train(
            subset, backend="autograd", fused=False, optimizer=optimizer, epochs=1, **QUIET
        ),
    }
    start = init_params()
    assert max_difference(runs["manual"].params, start) > 1e-3  # the weights did move
    for name in ("fused", "pure"):
        assert max_difference(runs[name].params, runs["manual"].params) <= 1e-9
        assert abs(runs[name].history[0] - runs["manual"].history[0]) <= 1e-9


def test_loss_goes_down_and_history_has_one_mean_per_epoch(names):
    seen = []
    result = train(
        names[:60], backend="manual", lr=0.05, epochs=3, on_epoch=lambda *e: seen.append(e),
        **LESSON, **QUIET,
    )  # fmt: skip
    assert seen == list(enumerate(result.history, start=1))
    assert len(result.history) == 3 and result.epochs == 3
    assert result.history[-1] < result.history[0] < math.log(27) + 0.5
    positions = sum(len(n) + 1 for n in names[:60])
    assert result.positions == 3 * positions == len(result.losses)
    assert result.history[0] == pytest.approx(sum(result.losses[:positions]) / positions)


def test_train_has_the_command_line_defaults(names):
    """train() and `minillm train` start the same run when given nothing: Adam, linear, 5 epochs."""
    args = build_parser().parse_args(["train"])
    defaults = TrainSettings()  # what train() uses when given nothing
    same = ["backend", "optimizer", "lr", "epochs", "seed", "batch_size", "resume"]
    for option, parameter in [*zip(same, same), ("schedule", "lr_schedule")]:
        assert getattr(args, option) == getattr(defaults, parameter), option
    assert args.pure is not defaults.fused
    trainer = Trainer(names[:3])
    assert trainer.opt.name == "adam" and trainer.opt.lr == 0.003 and trainer.seed == 42
    assert trainer.opt.decay_steps == 5 * count_positions(names[:3])  # linear, over 5 epochs


def test_same_seed_same_run_other_seed_other_run(names):
    a = train(names[:20], backend="manual", epochs=1, seed=5, **QUIET)
    b = train(names[:20], backend="manual", epochs=1, seed=5, **QUIET)
    c = train(names[:20], backend="manual", epochs=1, seed=6, **QUIET)
    assert a.params == b.params
    assert a.params != c.params


def test_resume_continues_exactly_where_it_stopped(tmp_path, names):
    subset = names[:30]
    adam = {"optimizer": "adam", "lr_schedule": "constant"}
    straight = train(subset, backend="manual", epochs=3, **adam, **QUIET)
    path = tmp_path / "run.json"
    train(subset, backend="manual", epochs=1, checkpoint=path, **adam, **QUIET)
    resumed = train(subset, backend="manual", epochs=3, checkpoint=path, resume=True, **QUIET)
    assert resumed.epochs == 3 and len(resumed.history) == 3
    assert resumed.params == straight.params
    assert resumed.history == straight.history


def ctrl_c_after(monkeypatch, steps: int) -> None:
    """Make the training step send SIGINT to this process after `steps` steps."""
    real = backends_module.make_step

    def make_step(*args, **kwargs):
        step, calls = real(*args, **kwargs), [0]

        def interrupting(*a):
            calls[0] += 1
            if calls[0] == steps:
                os.kill(os.getpid(), signal.SIGINT)
            return step(*a)

        return interrupting

    monkeypatch.setattr(backends_module, "make_step", make_step)


def test_ctrl_c_keeps_finished_names_and_resume_is_exact(tmp_path, names, monkeypatch):
    subset = names[:30]
    straight = train(subset, backend="manual", epochs=2, **QUIET)
    path = tmp_path / "run.json"
    ctrl_c_after(monkeypatch, steps=150)  # in the middle of the first epoch
    stopped = train(subset, backend="manual", epochs=2, checkpoint=path, **QUIET)
    assert stopped.stopped == "interrupted"
    ckpt = load_checkpoint(path)
    assert ckpt.epoch == 0 and 0 < ckpt.position < len(subset)
    monkeypatch.undo()
    resumed = train(subset, backend="manual", epochs=2, checkpoint=path, resume=True, **QUIET)
    assert resumed.stopped == "done"
    assert resumed.params == straight.params
    assert resumed.history == straight.history


def test_sigint_handler_is_restored(names):
    before = signal.getsignal(signal.SIGINT)
    train(names[:3], backend="manual", epochs=1, **QUIET)
    assert signal.getsignal(signal.SIGINT) is before


@pytest.mark.parametrize("backend", ["manual", "autograd"])
def test_divergence_stops_and_keeps_the_last_good_checkpoint(tmp_path, names, backend):
    path = tmp_path / "run.json"
    first = train(names[:10], backend=backend, epochs=1, checkpoint=path, **QUIET)
    messages = []
    result = train(
        names[:10], backend=backend, lr=1e6, epochs=3, checkpoint=path, resume=False,
        params=first.params, progress=False, log=messages.append, **LESSON,
    )  # fmt: skip
    assert result.stopped == "diverged"
    assert any("stopped" in m for m in messages)
    assert result.params == first.params  # nothing from the diverged epoch is kept
    assert load_checkpoint(path).params == first.params
    assert all(math.isfinite(x) for x in flatten(load_checkpoint(path).params))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"backend": "numpy"}, "unknown backend"),
        ({"optimizer": "rmsprop"}, "unknown optimizer"),
        ({"lr": -0.1}, "learning rate"),
        ({"lr": float("nan")}, "learning rate"),
        ({"epochs": -1}, "epochs"),
        ({"resume": True}, "checkpoint"),
    ],
)
def test_bad_training_arguments(names, kwargs, message):
    with pytest.raises(ValueError, match=message):
        train(names[:3], **QUIET, **kwargs)


def test_generation_is_deterministic_under_a_seed_and_uses_the_prefix():
    params = init_params()
    assert generate(params, seed=1) == generate(params, seed=1)
    assert len({generate(params, seed=s) for s in range(10)}) > 1
    assert generate(params, prefix=".pik", seed=3).startswith("pik")
    assert len(generate(params, max_len=4, seed=0)) <= 4


@pytest.mark.parametrize("temperature", [0, -1, float("inf"), float("nan"), "hot"])
def test_temperature_must_be_positive(temperature):
    with pytest.raises(ValueError, match="temperature"):
        generate(init_params(), temperature=temperature)


def test_low_temperature_picks_the_likeliest_letter(names, trained_params):
    from model.manual import forward

    logits = forward(trained_params, [0])["logits"]
    best = max(range(27), key=lambda i: logits[i])
    cold = {generate(trained_params, temperature=0.01, max_len=1, seed=s) for s in range(20)}
    assert cold == {"abcdefghijklmnopqrstuvwxyz"[best - 1]} if best else cold == {""}


@pytest.mark.parametrize("prefix", [".pé", ".PIK!", ".p1", ""])
def test_bad_prefix_names_the_character(prefix):
    with pytest.raises(ValueError, match=r"'é'|'!'|'1'|empty"):
        generate(init_params(), prefix=prefix)


def test_sampling_builds_no_graph(monkeypatch):
    import autograd.value

    def no_values(*args, **kwargs):
        raise AssertionError("generate() created a Value")

    # Value's constructor is public; no other way says "not one Value was made" as plainly.
    monkeypatch.setattr(autograd.value.Value, "__init__", no_values)
    assert isinstance(generate(init_params(), seed=0), str)


def test_an_unknown_setting_is_named_with_the_known_ones(names):
    with pytest.raises(TypeError, match=r"unknown setting\(s\) \['epoch'\].*'epochs'"):
        train(names[:3], epoch=2, **QUIET)


def test_settings_as_one_object_and_changes_as_keywords(names):
    settings = TrainSettings(backend="manual", epochs=1, seed=7)
    by_object = train(names[:10], settings, **QUIET)
    by_keywords = train(names[:10], backend="manual", epochs=1, seed=7, **QUIET)
    changed = train(names[:10], settings, seed=8, **QUIET)
    assert by_object.params == by_keywords.params != changed.params
