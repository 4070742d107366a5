"""Checkpoints under attack: edited fields, two trainings at once, kill -9, links, full disks."""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from autograd import files as atomic_file
from model import train
from model.cli import main
from model.data import load_names
from model.optim import make_optimizer
from model.params import Config, count_params, init_params
from model.training.checkpoint import (
    Checkpoint,
    CheckpointInUse,
    SaveError,
    check_writable,
    load_checkpoint,
    lock_checkpoint,
    save_checkpoint,
)
from model.training.run_lock import lock_path
from tests.model.helpers import QUIET


def a_checkpoint() -> Checkpoint:
    """What training saves after its first epoch, with Adam's state."""
    opt = make_optimizer("adam", count_params(), decay_steps=100)
    opt.t = 10
    opt.m = [0.01] * count_params()
    opt.v = [0.02] * count_params()
    return Checkpoint(
        config=Config(), params=init_params(), optimizer=opt.state_dict(), epoch=1,
        rng_state=json.loads(json.dumps(random.Random(3).getstate())),  # as JSON gives it back
        history=[2.6], backend="manual", seed=3,
    )  # fmt: skip


@pytest.fixture
def saved(tmp_path) -> Path:
    return save_checkpoint(tmp_path / "run.json", a_checkpoint())


def edited(path: Path, change) -> Path:
    """A copy of the checkpoint's JSON, changed by change(data)."""
    data = json.loads(path.read_text())
    change(data)
    copy = path.with_name("edited.json")
    copy.write_text(json.dumps(data))
    return copy


def run_cli(argv, capsys) -> tuple[int, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


# ------------------------------------------------------------------ every field is checked


def test_a_valid_checkpoint_loads_unchanged(saved):
    loaded = load_checkpoint(saved)
    assert loaded == a_checkpoint()


def test_a_vocabulary_the_model_does_not_know_is_refused_before_sampling(saved, capsys):
    """30 rows of tok_emb and W_out agree with vocab_size 30, but only 27 characters exist."""

    def grow(data):
        data["config"]["vocab_size"] = 30
        for name in ("tok_emb", "W_out"):
            data["params"][name] += [[0.0] * 16] * 3
        data["optimizer"] = {}

    bigger = edited(saved, grow)
    with pytest.raises(ValueError, match=r"vocab_size is 30.*knows 27 characters") as caught:
        load_checkpoint(bigger)
    assert str(bigger) in str(caught.value)
    code, output = run_cli(["generate", "--checkpoint", str(bigger), "--count", "3"], capsys)
    assert code == 2 and "vocab_size is 30" in output and "Traceback" not in output


def _set(*keys_and_value):
    *keys, value = keys_and_value

    def change(data):
        target = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return change


BAD_FIELDS = [
    (_set("epoch", "3"), "epoch must be a whole number"),
    (_set("epoch", 1.5), "epoch must be a whole number"),
    (_set("epoch", True), "epoch must be a whole number"),
    (_set("epoch", -1), "epoch must be a whole number from 0"),
    (_set("position", 10**300), "position must be a whole number from 0 to 2\\*\\*53"),
    (_set("epoch_loss", -2.0), "epoch_loss must be a finite number >= 0"),
    (_set("history", [2.5, "low"]), "each loss of history"),
    (_set("history", {"1": 2.5}), "history must be a list"),
    (_set("optimizer", "t", -5), "optimizer step t must be a whole number"),
    (_set("optimizer", "t", 2.5), "optimizer step t must be a whole number"),
    (_set("optimizer", "decay_steps", "100"), "optimizer decay_steps"),
    (_set("optimizer", "name", "rmsprop"), "optimizer name is 'rmsprop'"),
    (_set("optimizer", "lr", 0), "optimizer lr must be a number > 0"),
    (_set("optimizer", "lr", 10**400), "optimizer lr must be a number > 0"),
    (_set("optimizer", "m", [0.0] * 5), "Adam's m must hold 2832 numbers, got 5"),
    (_set("optimizer", "v", [-1.0] * 2832), "cannot be negative"),
    (_set("optimizer", [1, 2]), "optimizer must be a dict"),
    (_set("rng_state", [3, [1, 2, 3], None]), "rng_state is not a state"),
    (_set("rng_state", 1, 624, 999), "rng_state is not a state"),  # position past the end
    (_set("rng_state", 1, 0, -1), "rng_state is not a state"),
    (_set("rng_state", 0, 7), "rng_state is not a state"),  # an unknown version
    (_set("backend", "gpu"), "backend is 'gpu'"),
    (_set("seed", "42"), "seed must be a whole number"),
    (_set("config", "colour", 3), "config must have exactly the fields"),
    (_set("config", "context", 0), "Config.context must be a whole number >= 1"),
    (_set("params", "b2", 3, None), "weight b2 holds None"),
]


def _drop(key):
    return lambda data: data.pop(key)


BAD_FIELDS += [
    (_drop(key), f"it has no '{key}' field") for key in ("config", "params", "optimizer")
]


@pytest.mark.parametrize(("change", "message"), BAD_FIELDS)
def test_every_field_is_checked_and_the_error_names_the_file(saved, change, message):
    bad = edited(saved, change)
    with pytest.raises(ValueError, match=message) as caught:
        load_checkpoint(bad)
    assert str(caught.value).startswith(f"{bad} is not a usable checkpoint")


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,  # nested too deep for the JSON reader
        '{"format": "minillm-checkpoint", "epoch": ' + "9" * 5000 + "}",  # a 5,000-digit number
    ],
)
def test_json_that_python_cannot_read_is_called_corrupt(tmp_path, text):
    path = tmp_path / "odd.json"
    path.write_text(text)
    with pytest.raises(ValueError, match="corrupt or truncated"):
        load_checkpoint(path)


def test_a_checkpoint_of_weights_only_still_serves_to_sample(tmp_path):
    """optimizer={} and no generator state: what lessons and graphs save (not enough to resume)."""
    path = save_checkpoint(tmp_path / "w.json", Checkpoint(Config(), init_params(), optimizer={}))
    loaded = load_checkpoint(path)
    assert loaded.optimizer == {} and loaded.rng_state is None


# ------------------------------------------------------------------ one training at a time

HOLD_THE_LOCK = """
import sys, time
from model.training.checkpoint import lock_checkpoint
with lock_checkpoint(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(60)
"""


def _hold_lock_in_another_process(path: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_second_training_on_the_same_checkpoint_is_refused(tmp_path):
    path = tmp_path / "run.json"
    holder = _hold_lock_in_another_process(path)
    try:
        refused = pytest.raises(CheckpointInUse, match=f"in use by another training.*{holder.pid}")
        with refused, lock_checkpoint(path):
            pass
        other = tmp_path / "other.json"
        with lock_checkpoint(other):  # another checkpoint in the same folder is free
            pass
    finally:
        holder.terminate()
        holder.wait(timeout=10)
    # Free once the first run ended, and then taken again, even within one process:
    with lock_checkpoint(path), pytest.raises(CheckpointInUse), lock_checkpoint(path):
        pass
    assert not lock_path(path).exists()  # a run that ends removes its lock file


def test_the_lock_of_a_run_killed_with_kill_9_does_not_block(tmp_path):
    path = tmp_path / "run.json"
    holder = _hold_lock_in_another_process(path)
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    assert lock_path(path).exists()  # left behind, but no longer locked
    with lock_checkpoint(path) as lock:
        assert lock.read_text() == str(os.getpid())
    assert not lock_path(path).exists()


def test_a_symlink_and_its_target_share_one_lock(tmp_path):
    real = tmp_path / "real.json"
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with lock_checkpoint(real), pytest.raises(CheckpointInUse), lock_checkpoint(link):
        pass


# ------------------------------------------------------------------ kill -9 leaves nothing behind

KILLED_WHILE_SAVING = """
import os, signal, sys
from autograd.files import write_atomically

def write_then_die(f):
    f.write('{"half": ')
    f.flush()
    os.kill(os.getpid(), signal.SIGKILL)

write_atomically(sys.argv[1], write_then_die)
"""


def test_a_save_killed_with_kill_9_leaves_a_file_the_next_save_removes(saved):
    before = saved.read_bytes()
    killed = subprocess.run([sys.executable, "-c", KILLED_WHILE_SAVING, str(saved)], timeout=60)
    assert killed.returncode == -signal.SIGKILL
    orphans = [p for p in saved.parent.iterdir() if p.name.endswith(".tmp")]
    assert len(orphans) == 1 and saved.read_bytes() == before
    save_checkpoint(saved, a_checkpoint())
    assert sorted(p.name for p in saved.parent.iterdir()) == ["run.json"]


def test_the_temporary_file_of_a_running_save_is_left_alone(saved):
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        in_use = saved.with_name(f".run.json.{running.pid}.0123abcd.tmp")
        in_use.write_text("{")
        save_checkpoint(saved, a_checkpoint())
        assert in_use.exists()
    finally:
        running.kill()
        running.wait(timeout=10)
    save_checkpoint(saved, a_checkpoint())
    assert not in_use.exists()


# ------------------------------------------------------------------ modes and links


def test_saving_keeps_the_mode_of_the_file(saved):
    saved.chmod(0o640)
    save_checkpoint(saved, a_checkpoint())
    assert stat.S_IMODE(saved.stat().st_mode) == 0o640


def test_a_new_file_gets_the_usual_mode_not_a_private_one(tmp_path):
    umask = os.umask(0o022)
    try:
        path = save_checkpoint(tmp_path / "new.json", a_checkpoint())
    finally:
        os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # 0o666 less the umask, as for any file


def test_saving_through_a_symlink_keeps_the_link_and_writes_its_target(tmp_path):
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    real = save_checkpoint(folder / "real.json", Checkpoint(Config(), init_params(), {}))
    link = tmp_path / "link.json"
    link.symlink_to(real)
    save_checkpoint(link, a_checkpoint())
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert load_checkpoint(real).epoch == 1  # the target holds the new checkpoint


# ------------------------------------------------------------------ folders, read-only, full disk


def test_a_folder_given_as_a_file_is_named_as_a_folder(tmp_path, capsys):
    folder = tmp_path / "a_folder"
    folder.mkdir()
    for call in (load_checkpoint, check_writable, load_names):
        with pytest.raises(ValueError, match=f"{folder} is a folder, not a file"):
            call(folder)
    with pytest.raises(SaveError, match="is a folder"):
        save_checkpoint(folder, a_checkpoint())
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(SaveError, match="one of its folders is a file"):
        save_checkpoint(tmp_path / "notes.txt" / "more" / "run.json", a_checkpoint())
    assert list(folder.iterdir()) == []
    for argv in (
        ["generate", "--checkpoint", str(folder)],
        ["graph", "--checkpoint", str(folder), "--out", str(tmp_path / "g.dot")],
        ["train", "--names", str(folder), "--epochs", "1", "--checkpoint", str(tmp_path / "x")],
    ):
        code, output = run_cli(argv, capsys)
        assert code == 2 and "is a folder, not a file" in output and "Traceback" not in output


def test_check_writable_finds_what_cannot_be_saved_before_training(tmp_path, monkeypatch):
    check_writable(tmp_path / "new" / "folders" / "run.json")  # made when saving: fine
    assert list(tmp_path.iterdir()) == []  # and nothing was left behind by the check
    a_file = tmp_path / "notes.txt"
    a_file.write_text("hello")
    with pytest.raises(SaveError, match=r"notes\.txt is a file, not a folder"):
        check_writable(a_file / "run.json")

    def read_only(*args, **kwargs):  # what a read-only folder answers (root ignores chmod)
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(atomic_file.os, "open", read_only)
    with pytest.raises(SaveError, match=r"run\.json cannot be written: its folder is read-only"):
        check_writable(tmp_path / "run.json")


CHECK_WRITABLE = """
import sys
from model.training.checkpoint import SaveError, check_writable
try:
    check_writable(sys.argv[1])
except SaveError as err:
    print(err)
"""


def test_a_read_only_folder_is_found_by_check_writable():
    """For real: root writes anywhere, so as root the check runs without that privilege."""
    folder = Path(tempfile.mkdtemp())
    folder.chmod(0o555)  # r-x: readable, not writable
    # setpriv takes away root's right to ignore permissions (CAP_DAC_OVERRIDE and friends).
    drop = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"]
    command = [*(drop if os.geteuid() == 0 else []), sys.executable, "-c", CHECK_WRITABLE]
    try:
        done = subprocess.run(
            [*command, str(folder / "run.json")], capture_output=True, text=True, timeout=60,
            cwd=Path(__file__).parents[2],
        )  # fmt: skip
    finally:
        folder.chmod(0o755)
        folder.rmdir()
    assert done.returncode == 0, done.stderr
    assert "run.json cannot be written: its folder is read-only or not yours" in done.stdout


def test_a_full_disk_is_said_in_one_sentence_and_keeps_the_old_checkpoint(saved, monkeypatch):
    before = saved.read_bytes()

    def disk_full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic_file.os, "fsync", disk_full)
    with pytest.raises(SaveError) as caught:
        save_checkpoint(saved, a_checkpoint())
    message = str(caught.value)
    assert message.startswith("the disk is full: ") and message.count(". ") == 0
    assert "the previous file is kept as it was" in message
    assert saved.read_bytes() == before
    assert [p.name for p in saved.parent.iterdir()] == ["run.json"]
    with pytest.raises(SaveError, match="nothing was written"):
        save_checkpoint(saved.with_name("new.json"), a_checkpoint())
    assert not saved.with_name("new.json").exists()


# ------------------------------------------------------------------ the trainer uses the lock


def test_minillm_train_refuses_a_checkpoint_another_training_is_writing(tmp_path, capsys):
    names = tmp_path / "names.txt"
    names.write_text("pikachu\nevoli\nraichu\n", "utf-8")
    ckpt = tmp_path / "run.json"
    first = subprocess.Popen(  # the built-in names, 1,023 of them: an epoch takes seconds
        [str(Path(sys.executable).parent / "minillm"), "train", "--backend", "manual",
         "--epochs", "3", "--no-progress", "--checkpoint", str(ckpt)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not lock_path(ckpt).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        argv = ["train", "--names", str(names), "--epochs", "1", "--no-progress"]
        code, output = run_cli([*argv, "--checkpoint", str(ckpt)], capsys)
        assert code == 2 and "Traceback" not in output
        assert f"{ckpt} is in use by another training (process {first.pid})" in output
    finally:
        first.kill()  # kill -9: its lock must not block the next run
        first.wait(timeout=10)
    code, output = run_cli([*argv, "--checkpoint", str(ckpt), "--count", "0"], capsys)
    assert code == 0, output
    assert load_checkpoint(ckpt).epoch == 1
    assert not lock_path(ckpt).exists()


def test_checkpoint_round_trip(tmp_path, names):
    path = tmp_path / "run.json"
    result = train(
        names[:20], backend="manual", optimizer="adam", epochs=2, checkpoint=path, **QUIET
    )
    ckpt = load_checkpoint(path)
    assert ckpt.params == result.params
    assert ckpt.epoch == 2 and ckpt.history == result.history
    assert ckpt.optimizer["name"] == "adam" and ckpt.optimizer["t"] == result.positions
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]  # no temporary file left


def test_failed_write_leaves_the_old_checkpoint_intact(tmp_path, monkeypatch):
    path = tmp_path / "run.json"
    good = Checkpoint(config=init_params.__defaults__[0], params=init_params(), optimizer={})
    save_checkpoint(path, good)
    before = path.read_bytes()

    def broken_dump(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(json, "dump", broken_dump)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(path, good)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]


def test_corrupt_truncated_and_mismatched_checkpoints(tmp_path, names):
    path = tmp_path / "run.json"
    train(names[:5], backend="manual", epochs=1, checkpoint=path, **QUIET)
    text = path.read_text()

    truncated = tmp_path / "truncated.json"
    truncated.write_text(text[: len(text) // 2])
    with pytest.raises(ValueError, match="corrupt or truncated"):
        load_checkpoint(truncated)

    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\x00\xff not json")
    with pytest.raises(ValueError, match="corrupt or truncated"):
        load_checkpoint(garbage)

    other = tmp_path / "other.json"
    other.write_text(json.dumps({"hello": 1}))
    with pytest.raises(ValueError, match="not a minillm-checkpoint"):
        load_checkpoint(other)

    data = json.loads(text)
    data["params"]["Wq"][2] = data["params"]["Wq"][2][:5]
    bad_shape = tmp_path / "bad_shape.json"
    bad_shape.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=r"Wq'\]\[2\] should have 16 entries"):
        load_checkpoint(bad_shape)

    data = json.loads(text)
    data["config"]["embed_dim"] = 8
    mismatched = tmp_path / "mismatched.json"
    mismatched.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=r"should have 8 entries|made for"):
        load_checkpoint(mismatched)

    data = json.loads(text)
    data["params"]["b1"][0] = "x"
    not_number = tmp_path / "not_number.json"
    not_number.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="not a finite number"):
        load_checkpoint(not_number)

    with pytest.raises(FileNotFoundError, match="minillm train"):
        load_checkpoint(tmp_path / "missing.json")
