"""What the program saves, it can load; what it loads is checked all the way down.

Issue 22, classes 2 and 6: every saved field within the loader's limits (a run
too long for them is refused before it starts), vectors written as columns,
"version": true, an optimizer name that is not a string.
"""

from __future__ import annotations

import json

import pytest

from model.params import Config, init_params
from model.training.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from model.training.checkpoint_checks import MAX_COUNT
from model.training.trainer import Trainer, TrainSettings

NAMES = ["ab", "cd"]  # 6 positions an epoch, so 6 optimizer steps with batch_size 1


def saved(tmp_path, **changes) -> dict:
    """A valid checkpoint's JSON, with some fields changed."""
    path = save_checkpoint(tmp_path / "c.json", Checkpoint(Config(), init_params(), {}))
    data = json.loads(path.read_text())
    data.update(changes)
    return data


def load(tmp_path, data: dict):
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data))
    return load_checkpoint(path)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("schedule", ["linear", "constant"])
@pytest.mark.parametrize("batch_size", [1, 4])
def test_the_longest_run_allowed_saves_a_checkpoint_its_loader_takes(
    tmp_path, optimizer, schedule, batch_size
):
    settings = TrainSettings(optimizer=optimizer, lr_schedule=schedule, batch_size=batch_size)
    steps = Trainer(NAMES, settings).steps_per_epoch()
    longest = MAX_COUNT // steps
    trainer = Trainer(NAMES, TrainSettings(
        optimizer=optimizer, lr_schedule=schedule, batch_size=batch_size, epochs=longest,
        checkpoint=tmp_path / "long.json", seed=MAX_COUNT,
    ))  # fmt: skip
    # The counters as they would be near the end of that run, each at its largest.
    trainer.epoch, trainer.opt.t = longest - 1, (longest - 1) * steps
    trainer._keep()
    state = load_checkpoint(tmp_path / "long.json")
    assert state.epoch == longest - 1 and state.seed == MAX_COUNT
    if schedule == "linear":
        assert state.optimizer["decay_steps"] == longest * steps <= MAX_COUNT
    resumed = Trainer(NAMES, TrainSettings(epochs=longest, checkpoint=tmp_path / "long.json",
                                           resume=True, batch_size=batch_size))  # fmt: skip
    assert resumed.epoch == longest - 1


@pytest.mark.parametrize("epochs", [MAX_COUNT // 6 + 1, 10**18, MAX_COUNT + 1])
def test_a_run_too_long_for_its_checkpoint_is_refused_up_front(tmp_path, epochs):
    most = f"{MAX_COUNT // 6:,}"  # 1,501,199,875,790,165 epochs of 6 steps
    with pytest.raises(ValueError, match=rf"more than a checkpoint can count.*most {most} epochs"):
        Trainer(NAMES, TrainSettings(epochs=epochs, checkpoint=tmp_path / "c.json"))
    assert not (tmp_path / "c.json").exists()


def test_the_same_limit_holds_on_resume_with_more_epochs(tmp_path):
    Trainer(NAMES, TrainSettings(epochs=1, checkpoint=tmp_path / "c.json")).run()
    with pytest.raises(ValueError, match="more than a checkpoint can count"):
        Trainer(NAMES, TrainSettings(epochs=10**17, checkpoint=tmp_path / "c.json", resume=True))
    assert load_checkpoint(tmp_path / "c.json").epoch == 1


@pytest.mark.parametrize("name", ["b1", "b2", "W_out"])
def test_weights_written_as_columns_are_refused(tmp_path, name):
    data = saved(tmp_path)
    w = data["params"][name]
    if isinstance(w[0], list):  # a matrix whose entries are lists one level deeper
        data["params"][name] = [[[x] for x in row] for row in w]
    else:  # a vector as a column: the right length, each entry a list
        data["params"][name] = [[x] for x in w]
    with pytest.raises(ValueError, match=rf"weight {name} holds \[.*not a finite number"):
        load(tmp_path, data)


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("version", True, "version True is not supported"),
        ("version", 1.0, "version 1.0 is not supported"),
        ("version", "1", "version '1' is not supported"),
        ("optimizer", {"name": ["adam"], "lr": 0.1, "t": 0}, "optimizer name is ['adam']"),
        ("optimizer", {"name": "sgd", "lr": True, "t": 0}, "lr must be a number > 0"),
        ("epoch", 1.0, "epoch must be a whole number"),
        ("seed", True, "seed must be a whole number"),
    ],
)
def test_fields_of_the_wrong_kind_are_refused(tmp_path, field, value, words):
    with pytest.raises(ValueError, match="not a usable checkpoint") as refused:
        load(tmp_path, saved(tmp_path, **{field: value}))
    assert words in str(refused.value)


def test_columns_no_longer_reach_generate(tmp_path):
    from model.cli import main

    data = saved(tmp_path)
    data["params"]["b1"] = [[x] for x in data["params"]["b1"]]
    (tmp_path / "cols.json").write_text(json.dumps(data))
    assert main(["generate", "--checkpoint", str(tmp_path / "cols.json")]) == 2


TOO_LONG = pytest.param(10**5000, id="5000-digits")  # json.dumps refuses it: no repr as an id


@pytest.mark.parametrize("seed", [2**64 + 1, -(2**64) - 1, TOO_LONG])
def test_a_seed_json_could_not_hold_is_refused_up_front(tmp_path, seed):
    with pytest.raises(ValueError, match="seed must be a whole number from -2"):
        Trainer(NAMES, TrainSettings(epochs=1, seed=seed, checkpoint=tmp_path / "c.json"))


@pytest.mark.parametrize("seed", [2**64, -(2**64), 0])
def test_the_largest_seeds_allowed_are_saved_and_loaded(tmp_path, seed):
    Trainer(NAMES, TrainSettings(epochs=1, seed=seed, checkpoint=tmp_path / "c.json")).run()
    assert load_checkpoint(tmp_path / "c.json").seed == seed
