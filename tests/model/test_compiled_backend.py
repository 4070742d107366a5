"""The compiled backend: autograd.jit's replay gives backward()'s loss and gradients, at every
window length, at weights far from those it was recorded with; it trains and checkpoints
like the other backends."""

from __future__ import annotations

import inspect
import json
import random

import pytest

from model import load_checkpoint, train
from model.backends import make_step
from model.cli import main as minillm
from model.compiled import window_loss_function
from model.params import flatten, init_params
from tests.model.helpers import positions_by_length


def far_weights(seed: int) -> list[float]:
    """Weights drawn three times wider than the initial ones, from another seed."""
    return [3.0 * w for w in flatten(init_params(seed=seed))]


def assert_same_step(expected_step, step, weights, ids, target) -> None:
    """Both steps give the same loss and gradients, to 1e-12."""
    loss_a, grads_a = expected_step(weights, ids, target)
    loss_c, grads_c = step(weights, ids, target)
    assert abs(loss_a - loss_c) <= 1e-12
    assert max(abs(a - c) for a, c in zip(grads_a, grads_c)) <= 1e-12


@pytest.fixture(scope="module")
def recorded(names):
    """A compiled step recorded at the initial weights, once per window length 1 to 8."""
    step = make_step("compiled")
    weights = flatten(init_params(seed=42))
    for length in range(1, 9):
        ids, target = positions_by_length(names, length, 1)[0]
        step(weights, ids, target)
    return step


@pytest.mark.parametrize("length", range(1, 9))
@pytest.mark.parametrize("weights", ["trained", "far"])
def test_replay_equals_backward_at_every_window_length(
    names, recorded, trained_params, weights, length
):
    at = flatten(trained_params) if weights == "trained" else far_weights(seed=length)
    autograd = make_step("autograd")
    for ids, target in positions_by_length(names, length, 40, seed=length):
        assert_same_step(autograd, recorded, at, ids, target)
    assert len(recorded.jitted.programs) == 8  # nothing was recorded again


def test_one_program_per_window_length_and_a_readable_source(recorded):
    programs = recorded.jitted.programs.values()
    assert sorted(p.operations for p in programs) == sorted({p.operations for p in programs})
    longest = max(programs, key=lambda p: p.operations)
    source = longest.source
    assert "# attention/softmax\n" in source and "# mlp\n" in source
    assert "g_Wq_0_0 " in source and "g_tok_rows_7_15 " in source  # names from the inputs
    assert " if " in source  # relu's branch, taken at every replay


def test_the_pure_path_replays_too(names, trained_params):
    at = flatten(trained_params)
    compiled, autograd = make_step("compiled", fused=False), make_step("autograd", fused=False)
    for ids, target in positions_by_length(names, 3, 20, seed=1):
        assert_same_step(autograd, compiled, at, ids, target)


def test_the_program_takes_the_windows_rows_the_other_weights_and_a_one_hot_target():
    assert list(inspect.signature(window_loss_function()).parameters) == [
        "tok_rows", "weights", "target",
    ]  # fmt: skip


def test_a_window_too_long_is_a_clear_error():
    step = make_step("compiled")
    with pytest.raises(ValueError, match="1 to 8 ids"):
        step(flatten(init_params()), [0] * 9, 1)


def test_training_matches_autograd_and_checkpoints_are_shared(names, tmp_path):
    runs = {
        backend: train(
            names[:12], backend=backend, epochs=1, progress=False, log=None,
            checkpoint=tmp_path / f"{backend}.json",
        )
        for backend in ("autograd", "compiled")
    }  # fmt: skip
    autograd, compiled = runs["autograd"].losses, runs["compiled"].losses
    assert len(compiled) == len(autograd) > 50
    assert max(abs(a - c) for a, c in zip(autograd, compiled)) <= 1e-9
    saved = load_checkpoint(tmp_path / "compiled.json")
    assert saved.backend == "compiled" and saved.epoch == 1
    more = train(
        names[:12], backend="manual", epochs=2, progress=False, log=None,
        checkpoint=tmp_path / "compiled.json", resume=True,
    )  # fmt: skip
    assert more.epochs == 2  # the handwritten backward resumes what the compiled one saved


def test_cli_trains_and_compares_with_the_compiled_backend(tmp_path, capsys):
    names_file = tmp_path / "names.txt"
    names_file.write_text("pikachu\nevoli\n", encoding="utf-8")
    checkpoint = tmp_path / "c.json"
    argv = ["train", "--backend", "compiled", "--epochs", "1", "--names", str(names_file),
            "--checkpoint", str(checkpoint), "--no-progress", "--count", "2"]  # fmt: skip
    assert minillm(argv) == 0
    assert "backend compiled" in capsys.readouterr().out
    assert json.loads(checkpoint.read_text(encoding="utf-8"))["backend"] == "compiled"

    assert minillm(["compare", "--backend", "compiled", "--positions", "30"]) == 0
    out = capsys.readouterr().out
    assert "|manual - compiled|" in out and "OK" in out


def test_random_windows_at_random_weights(names):
    """Windows the recording never saw, any letters, any target: the same numbers."""
    rng = random.Random(5)
    compiled, autograd = make_step("compiled"), make_step("autograd")
    for _ in range(30):
        ids = [rng.randrange(27) for _ in range(rng.randint(1, 8))]
        target, at = rng.randrange(27), far_weights(seed=rng.randrange(1000))
        assert_same_step(autograd, compiled, at, ids, target)
