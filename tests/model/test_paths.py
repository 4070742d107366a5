"""minillm and paths that are not regular files (issue 22, class 1).

A device, a FIFO or a link loop given as --checkpoint or --names gets a sentence
at once: never a replaced device, an endless read, a blocked run or a traceback.
The lock next to a checkpoint is never followed through a link.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from model.params import Config, init_params
from model.training.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from model.training.run_lock import lock_checkpoint, lock_path

MINILLM = Path(sys.executable).parent / "minillm"


def minillm(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run minillm; a run that blocks fails the test after 60 s instead of hanging it."""
    argv = [str(MINILLM), *map(str, args)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=cwd)


def assert_one_sentence(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("minillm ") and done.stderr.count("\n") == 1, done.stderr
    for word in words:
        assert word in done.stderr


@pytest.fixture
def names_file(tmp_path) -> Path:
    path = tmp_path / "names.txt"
    path.write_text("pikachu\nevoli\n", encoding="utf-8")
    return path


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def test_a_device_as_checkpoint_is_not_replaced(names_file):
    done = minillm("train", "--epochs", "1", "--no-progress", "--names", names_file,
                   "--checkpoint", "/dev/null")  # fmt: skip
    assert_one_sentence(done, "/dev/null is a device", "not a regular file")
    assert not os.path.isfile("/dev/null")


def test_a_device_read_as_checkpoint_or_names_ends_at_once(names_file):
    assert_one_sentence(minillm("generate", "--checkpoint", "/dev/zero"), "/dev/zero is a device")
    assert_one_sentence(minillm("train", "--names", "/dev/zero"), "/dev/zero is a device")
    assert_one_sentence(minillm("graph", "--checkpoint", "/dev/urandom"), "is a device")


@pytest.mark.parametrize(
    "command",
    [
        ["generate", "--checkpoint", "{fifo}"],
        ["compare", "--checkpoint", "{fifo}"],
        ["train", "--names", "{fifo}"],
        ["train", "--resume", "--checkpoint", "{fifo}"],
        ["train", "--checkpoint", "{fifo}"],
    ],
)
def test_a_fifo_never_blocks(fifo, tmp_path, command):
    done = minillm(*(part.replace("{fifo}", str(fifo)) for part in command), cwd=tmp_path)
    assert_one_sentence(done, f"{fifo} is a FIFO")


def test_a_loop_of_links_is_one_sentence(tmp_path, names_file):
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)
    assert_one_sentence(minillm("generate", "--checkpoint", loop), "loop of symbolic links")
    assert_one_sentence(
        minillm("train", "--names", names_file, "--checkpoint", loop), "loop of symbolic links"
    )
    assert_one_sentence(minillm("train", "--names", loop), "loop of symbolic links")


def test_a_lock_planted_as_a_link_is_refused_and_its_target_untouched(tmp_path, names_file):
    ckpt = tmp_path / "run.json"
    precious = tmp_path / "precious.txt"
    precious.write_text("a whole thesis")
    lock_path(ckpt).symlink_to(precious)
    done = minillm("train", "--epochs", "1", "--no-progress", "--names", names_file,
                   "--checkpoint", ckpt)  # fmt: skip
    assert_one_sentence(done, "symbolic link", "never followed")
    assert precious.read_text() == "a whole thesis"
    assert not ckpt.exists()


def test_a_checkpoint_reached_through_a_link_still_locks_and_saves(tmp_path, names_file):
    real = save_checkpoint(tmp_path / "real.json", Checkpoint(Config(), init_params(), {}))
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with lock_checkpoint(link) as lock:
        assert lock == tmp_path / ".real.json.lock" and not lock.is_symlink()
    assert load_checkpoint(link).params == init_params()


def test_a_huge_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from autograd import files

    ckpt = save_checkpoint(tmp_path / "m.json", Checkpoint(Config(), init_params(), {}))
    monkeypatch.setattr(files, "MAX_READ_BYTES", 1000)
    with pytest.raises(ValueError, match=r"larger than 1,000 bytes"):
        load_checkpoint(ckpt)
