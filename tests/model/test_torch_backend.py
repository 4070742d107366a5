"""PyTorch, the third backend: the handwritten backward's gradients to 1e-12, the same
training steps, and checkpoints that any backend can read and continue."""

from __future__ import annotations

import copy
import os
import random
import signal

import pytest

torch = pytest.importorskip(
    "torch", reason="PyTorch is an optional extra: pip install '.[torch]' (torch==2.13.0)"
)

from model import (  # noqa: E402
    examples,
    generate,
    load_checkpoint,
    manual_loss_and_grads,
    torch_backend,
    train,
)
from model.compare import compare_backends  # noqa: E402
from model.data import count_positions  # noqa: E402
from model.manual import forward  # noqa: E402
from model.params import Config, flatten, init_params, shapes  # noqa: E402
from model.torch_backend import (  # noqa: E402
    losses_and_mean_grad,
    mean_loss,
    torch_loss_and_grads,
)
from tests.model.helpers import (  # noqa: E402
    BAD_WINDOWS,
    QUIET,
    assert_close,
    max_difference,
    positions_by_length,
    shape_of,
)

# ---------------------------------------------------------------- one window


@pytest.mark.parametrize("length", range(1, 9))
@pytest.mark.parametrize("weights", ["initial", "trained"])
def test_torch_equals_handwritten_backward(names, initial_params, trained_params, weights, length):
    params = initial_params if weights == "initial" else trained_params
    batch = positions_by_length(names, length, 200, seed=length)
    assert len(batch) == 200
    for ids, target in batch:
        loss_m, grads_m = manual_loss_and_grads(params, ids, target)
        loss_t, grads_t = torch_loss_and_grads(params, ids, target)
        assert abs(loss_m - loss_t) <= 1e-12 * max(1.0, loss_m)
        assert_close(grads_m, grads_t, 1e-12)


def test_grads_are_plain_lists_with_the_shapes_of_params(initial_params):
    loss, grads = torch_loss_and_grads(initial_params, [0, 16, 9], 11)  # ".pi" -> "k"
    assert type(loss) is float
    assert {name: shape_of(w) for name, w in grads.items()} == shapes()
    assert all(type(x) is float for x in flatten(grads))
    assert all(x == 0.0 for row in grads["pos_emb"][3:] for x in row)  # positions not used


def test_params_are_not_changed(initial_params):
    before = copy.deepcopy(initial_params)
    torch_loss_and_grads(initial_params, [0, 1, 2], 3)
    assert initial_params == before


def test_loss_is_stable_where_a_probability_underflows(initial_params):
    params = copy.deepcopy(initial_params)
    params["W_out"][5] = [-100.0] * 16
    params["W_out"][0] = [100.0] * 16  # logits of about +-800 for "." and "e"
    logits = forward(params, [0])["logits"]
    target = min((0, 5), key=lambda i: logits[i])  # the one that is about -800
    loss_m, _ = manual_loss_and_grads(params, [0], target)
    loss_t, grads = torch_loss_and_grads(params, [0], target)
    assert loss_t > 700 and abs(loss_t - loss_m) <= 1e-12 * loss_m
    assert all(x == x for x in flatten(grads))  # no NaN


@pytest.mark.parametrize(("ids", "target", "message"), BAD_WINDOWS)
def test_malformed_window_is_the_same_clear_error(initial_params, ids, target, message):
    with pytest.raises(ValueError, match=message):
        torch_loss_and_grads(initial_params, ids, target)


def test_malformed_params_are_a_clear_error(initial_params):
    broken = copy.deepcopy(initial_params)
    del broken["b2"]
    with pytest.raises(ValueError, match="b2"):
        torch_loss_and_grads(broken, [0], 1)
    with pytest.raises(ValueError, match="dict"):
        torch_loss_and_grads([1, 2, 3], [0], 1)


# ---------------------------------------------------------------- batches


@pytest.mark.parametrize("weights", ["initial", "trained"])
def test_padding_changes_nothing(names, initial_params, trained_params, weights):
    """A padded batch gives each window its own loss, and the mean of their gradients."""
    params = initial_params if weights == "initial" else trained_params
    batch = [ex for n in range(1, 9) for ex in positions_by_length(names, n, 4, seed=n)]
    random.Random(0).shuffle(batch)  # lengths mixed: most windows are padded
    losses, got = losses_and_mean_grad(flatten(params), Config(), batch)
    expected = [0.0] * len(got)
    for (ids, target), loss in zip(batch, losses):
        loss_m, grads_m = manual_loss_and_grads(params, ids, target)
        assert abs(loss - loss_m) <= 1e-12 * max(1.0, loss_m)
        expected = [e + g / len(batch) for e, g in zip(expected, flatten(grads_m))]
    scale = max(1.0, max(abs(x) for x in expected))
    assert max(abs(a - b) for a, b in zip(expected, got)) <= 1e-12 * scale


@pytest.mark.parametrize("weights", ["initial", "trained"])
def test_mean_loss_is_the_mean_of_the_handwritten_losses(
    names, initial_params, trained_params, weights
):
    params = initial_params if weights == "initial" else trained_params
    windows = [ex for name in names[:100] for ex in examples(name, 8)]
    expected = sum(manual_loss_and_grads(params, ids, t)[0] for ids, t in windows) / len(windows)
    assert abs(mean_loss(params, windows) - expected) <= 1e-12 * expected


def test_the_thread_setting_is_given_back(initial_params):
    """The backend computes on one thread (tiny tensors), and leaves PyTorch as it found it."""
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        torch_loss_and_grads(initial_params, [0, 1, 2], 3)
        with pytest.raises(ValueError):
            torch_loss_and_grads(initial_params, [], 3)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_batch_size_1_takes_the_steps_of_the_handwritten_backward(names, optimizer):
    subset = names[:40]
    manual = train(subset, backend="manual", optimizer=optimizer, epochs=1, **QUIET)
    torch_run = train(subset, backend="torch", optimizer=optimizer, epochs=1, **QUIET)
    assert max_difference(manual.params, init_params()) > 1e-3  # the weights did move
    assert max_difference(torch_run.params, manual.params) <= 1e-9
    assert abs(torch_run.history[0] - manual.history[0]) <= 1e-9
    assert len(torch_run.losses) == len(manual.losses) == count_positions(subset)
    assert max(abs(a - b) for a, b in zip(torch_run.losses, manual.losses)) <= 1e-9


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_batches_of_8_are_the_same_steps_in_every_backend(names, optimizer):
    """batch_size means the same in every backend: the mean gradient of that many windows."""
    subset = names[:30]
    manual = train(subset, backend="manual", optimizer=optimizer, epochs=2, batch_size=8, **QUIET)
    torch_run = train(subset, backend="torch", optimizer=optimizer, epochs=2, batch_size=8, **QUIET)
    one_at_a_time = train(subset, backend="manual", optimizer=optimizer, epochs=2, **QUIET)
    assert max_difference(torch_run.params, manual.params) <= 1e-9
    assert max_difference(manual.params, one_at_a_time.params) > 1e-3  # batching does change
    assert max(abs(a - b) for a, b in zip(torch_run.history, manual.history)) <= 1e-9


def test_make_step_and_compare_know_torch(initial_params):
    report = compare_backends(initial_params, 20, backends=("manual", "autograd", "torch"))
    assert set(report["by_backend"]) == {"autograd", "torch"}
    assert set(report["ms_per_position"]) == {"manual", "autograd", "torch"}
    assert 0.0 < max(report["by_backend"]["torch"].values()) <= 1e-12
    assert report["positions"] == 20


def test_divergence_stops_and_keeps_the_last_good_checkpoint(tmp_path, names):
    path = tmp_path / "run.json"
    first = train(names[:10], backend="torch", epochs=1, checkpoint=path, **QUIET)
    result = train(
        names[:10], backend="torch", optimizer="sgd", lr=1e6, epochs=3, batch_size=4,
        checkpoint=path, params=first.params, **QUIET,
    )  # fmt: skip
    assert result.stopped == "diverged"
    assert result.params == first.params
    assert load_checkpoint(path).params == first.params


@pytest.mark.parametrize("batch_size", [0, -2, 1.5, True])
def test_bad_batch_size(names, batch_size):
    with pytest.raises(ValueError, match="batch_size"):
        train(names[:3], backend="torch", batch_size=batch_size, **QUIET)


# ---------------------------------------------------------------- checkpoints across backends


@pytest.mark.parametrize(
    ("first", "then"),
    [("torch", "manual"), ("torch", "autograd"), ("manual", "torch"), ("autograd", "torch")],
)
def test_checkpoint_from_one_backend_resumes_and_samples_with_another(tmp_path, names, first, then):
    subset = names[:25]
    adam = {"optimizer": "adam", "lr_schedule": "constant"}  # the same step size all along
    straight = train(subset, backend="manual", epochs=2, **adam, **QUIET)
    path = tmp_path / "run.json"
    half = train(subset, backend=first, epochs=1, checkpoint=path, **adam, **QUIET)
    saved = load_checkpoint(path)
    assert saved.backend == first and saved.epoch == 1
    assert saved.optimizer["t"] == count_positions(subset)
    assert len(saved.optimizer["m"]) == len(saved.optimizer["v"]) == len(flatten(saved.params))
    assert all(type(x) is float for x in saved.optimizer["m"] + saved.optimizer["v"])
    assert [generate(saved.params, seed=s) for s in range(5)] == [
        generate(half.params, seed=s) for s in range(5)
    ]
    resumed = train(subset, backend=then, epochs=2, checkpoint=path, resume=True, **QUIET)
    assert resumed.epochs == 2
    assert max_difference(resumed.params, straight.params) <= 1e-9
    assert max(abs(a - b) for a, b in zip(resumed.history, straight.history)) <= 1e-9
    assert load_checkpoint(path).backend == then


def test_same_checkpoint_layout_whatever_the_backend(tmp_path, names):
    layouts = {}
    for backend in ("manual", "torch"):
        path = tmp_path / f"{backend}.json"
        train(names[:5], backend=backend, optimizer="adam", epochs=1, checkpoint=path, **QUIET)
        ckpt = load_checkpoint(path)
        layouts[backend] = (list(vars(ckpt)), list(ckpt.optimizer))
    assert layouts["torch"] == layouts["manual"]


def test_ctrl_c_with_batches_stops_at_the_end_of_a_name(tmp_path, names, monkeypatch):
    subset = names[:30]
    real = torch_backend.torch_batch_step

    def torch_batch_step(config):
        batch_step, calls = real(config), [0]

        def interrupting(weights, batch):
            calls[0] += 1
            if calls[0] == 5:  # the 5th batch of 16, in the middle of the first epoch
                os.kill(os.getpid(), signal.SIGINT)
            return batch_step(weights, batch)

        return interrupting

    monkeypatch.setattr(torch_backend, "torch_batch_step", torch_batch_step)
    path = tmp_path / "run.json"
    stopped = train(subset, backend="torch", epochs=2, batch_size=16, checkpoint=path, **QUIET)
    assert stopped.stopped == "interrupted"
    ckpt = load_checkpoint(path)
    order = list(subset)
    random.Random(42).shuffle(order)  # the order train() used in the first epoch
    assert ckpt.epoch == 0 and 0 < ckpt.position < len(subset)
    assert len(stopped.losses) == count_positions(order[: ckpt.position])  # whole names only
    assert ckpt.epoch_loss == pytest.approx(sum(stopped.losses))
    assert ckpt.params == stopped.params
    monkeypatch.undo()
    resumed = train(subset, backend="torch", epochs=2, batch_size=16, checkpoint=path,
                    resume=True, **QUIET)  # fmt: skip
    assert resumed.stopped == "done" and resumed.epochs == 2
    assert len(stopped.losses) + len(resumed.losses) == 2 * count_positions(subset)
