"""minillm train when things go wrong: Ctrl-C, a closed output, a bad names file, a resume.

Each case checks what a learner sees: the exit status, a message that names the
problem, no traceback, and that the files that were there before are intact.
The Ctrl-C and pipe cases run a real `minillm train` process.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from model import backends, load_checkpoint, train
from model.cli.train_cmd import INTERRUPTED
from model.data import MAX_NAME_LENGTH, count_positions, load_names
from model.helpers.closed_output import EXIT_CLOSED_OUTPUT
from tests.model.helpers import QUIET

MINILLM = Path(sys.executable).parent / "minillm"
NAMES = ["pikachu", "raichu", "bulbizarre", "salameche", "carapuce", "evoli"]


@pytest.fixture
def names_file(tmp_path) -> Path:
    path = tmp_path / "names.txt"
    path.write_text("\n".join(NAMES) + "\n", "utf-8")
    return path


@pytest.fixture
def trained(tmp_path, names_file) -> Path:
    """A checkpoint of 1 epoch with the defaults (Adam, linear schedule, seed 42)."""
    path = tmp_path / "run.json"
    done = minillm("train", "--names", names_file, "--epochs", "1", "--checkpoint", path)
    assert done.returncode == 0, done.stderr
    return path


def minillm(*args: object) -> subprocess.CompletedProcess:
    argv = [str(MINILLM), *map(str, args), "--no-progress", "--count", "1", "--backend", "manual"]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120)


def assert_clean_failure(done: subprocess.CompletedProcess, *words: str) -> None:
    """A non-zero exit, no traceback, and a message on stderr with every one of `words`."""
    assert done.returncode != 0
    assert "Traceback" not in done.stderr + done.stdout
    for word in words:
        assert word in done.stderr, (word, done.stderr)


def start_training(names_file: Path, checkpoint: Path, *options: str) -> subprocess.Popen:
    argv = [str(MINILLM), "train", "--names", str(names_file), "--checkpoint", str(checkpoint)]
    argv += ["--no-progress", "--count", "1", *options]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


# ---------------------------------------------------------------- Ctrl-C


def test_ctrl_c_stops_within_a_second_in_a_long_name_and_resumes(tmp_path):
    """Names as long as allowed, on the slowest backend: Ctrl-C is seen between positions."""
    names = tmp_path / "long.txt"
    names.write_text("\n".join("ab"[i % 2] * MAX_NAME_LENGTH for i in range(40)) + "\n")
    checkpoint = tmp_path / "run.json"
    process = start_training(names, checkpoint, "--backend", "autograd", "--pure")
    assert process.stdout.readline().startswith("training on 40 names")
    time.sleep(1.0)  # well inside the first name (65 positions of a few ms each)
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    seconds = time.monotonic() - sent
    assert seconds < 2.0, f"Ctrl-C took {seconds:.1f} s"
    assert process.returncode == INTERRUPTED and "Traceback" not in err
    assert f"The last good state is in {checkpoint}" in out and "--resume" in out
    saved = load_checkpoint(checkpoint)
    assert saved.epoch == 0  # the name Ctrl-C cut was undone: only whole names are kept
    learned = count_positions(["a" * MAX_NAME_LENGTH] * saved.position)
    assert saved.optimizer["t"] == learned


def test_ctrl_c_after_an_epoch_keeps_it_and_resume_finishes_the_run(tmp_path, names_file):
    checkpoint = tmp_path / "run.json"
    process = start_training(names_file, checkpoint, "--epochs", "100000", "--backend", "manual")
    lines = [process.stdout.readline() for _ in range(2)]
    assert lines[1].startswith("epoch 1/100000")  # printed after the epoch was saved
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == INTERRUPTED and "Traceback" not in err
    assert "interrupted" in out and str(checkpoint) in out
    stopped = load_checkpoint(checkpoint)
    assert stopped.epoch >= 1
    done = minillm("train", "--names", names_file, "--checkpoint", checkpoint, "--resume",
                   "--epochs", stopped.epoch + 1)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert load_checkpoint(checkpoint).epoch == stopped.epoch + 1


def test_two_quick_ctrl_c_end_without_a_traceback(tmp_path, names_file, trained):
    before = trained.read_bytes()
    checkpoint = tmp_path / "other.json"
    process = start_training(names_file, checkpoint, "--epochs", "100000", "--backend", "manual")
    assert process.stdout.readline().startswith("training on")
    process.send_signal(signal.SIGINT)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == INTERRUPTED and "Traceback" not in out + err
    assert "interrupted" in out or "stopped (Ctrl-C)" in err
    assert trained.read_bytes() == before  # another checkpoint, untouched


# ---------------------------------------------------------------- a closed output


def test_train_into_head_ends_quietly_after_saving_the_finished_epoch(tmp_path, names_file):
    checkpoint = tmp_path / "run.json"
    process = start_training(names_file, checkpoint, "--epochs", "3", "--backend", "manual")
    first = process.stdout.readline()
    process.stdout.close()  # as `head -1` does
    err = process.stderr.read()
    assert first.startswith("training on 6 names")
    assert process.wait(timeout=120) == EXIT_CLOSED_OUTPUT and err == ""
    assert load_checkpoint(checkpoint).epoch >= 1  # the epoch line failed after the save


# ---------------------------------------------------------------- messages that are true


def test_divergence_in_the_first_epoch_names_no_file(tmp_path, names_file):
    checkpoint = tmp_path / "run.json"
    done = minillm("train", "--names", names_file, "--checkpoint", checkpoint,
                   "--optimizer", "sgd", "--lr", "1e6")  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "learning rate too high" in done.stdout and "nothing was saved" in done.stdout
    assert str(checkpoint) not in done.stdout and "no checkpoint saved" in done.stdout
    assert not checkpoint.exists()


def test_divergence_in_a_new_run_leaves_an_older_file_alone(trained):
    before = trained.read_bytes()
    messages: list[str] = []
    result = train(NAMES, backend="manual", optimizer="sgd", lr=1e6, epochs=3,
                   checkpoint=trained, progress=False, log=messages.append)  # fmt: skip
    assert result.stopped == "diverged" and result.checkpoint is None
    assert "nothing was saved" in messages[-1] and str(trained) not in messages[-1]
    assert trained.read_bytes() == before


def test_divergence_after_an_epoch_names_the_file_that_holds_it(tmp_path, monkeypatch):
    real = backends.make_step

    def nan_in_the_second_epoch(*args, **kwargs):
        step, calls = real(*args, **kwargs), [0]

        def step_or_nan(*a):
            calls[0] += 1
            loss, grads = step(*a)
            return (float("nan") if calls[0] > count_positions(NAMES) else loss), grads

        return step_or_nan

    monkeypatch.setattr(backends, "make_step", nan_in_the_second_epoch)
    path, messages = tmp_path / "run.json", []
    result = train(NAMES, backend="manual", epochs=3, checkpoint=path, progress=False,
                   log=messages.append)  # fmt: skip
    assert result.stopped == "diverged" and result.checkpoint == path
    assert f"The last good state is in {path}." in messages[-1]
    assert load_checkpoint(path).epoch == 1 and result.epochs == 1


def test_zero_epochs_saves_nothing_and_says_so(tmp_path, names_file):
    checkpoint = tmp_path / "run.json"
    done = minillm("train", "--names", names_file, "--epochs", "0", "--checkpoint", checkpoint)
    assert done.returncode == 0, done.stderr
    assert "nothing to train" in done.stdout and "no checkpoint saved" in done.stdout
    assert "checkpoint: " not in done.stdout and not checkpoint.exists()


def test_resume_with_nothing_left_names_the_existing_checkpoint(trained, names_file):
    before = trained.read_bytes()
    done = minillm("train", "--names", names_file, "--checkpoint", trained, "--resume",
                   "--epochs", "1")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "nothing to train" in done.stdout and f"checkpoint: {trained}" in done.stdout
    assert trained.read_bytes() == before


# ---------------------------------------------------------------- names


def test_a_name_too_long_is_refused_with_its_line(tmp_path, trained):
    names = tmp_path / "long.txt"
    names.write_text("pikachu\n" + "a" * 100_000 + "\nraichu\n")
    before = trained.read_bytes()
    done = minillm("train", "--names", names, "--checkpoint", trained)
    assert_clean_failure(done, str(names), "line 2", "100,000 characters", "too long")
    assert done.returncode == 2 and len(done.stderr) < 500  # the name itself is not printed
    assert trained.read_bytes() == before


def test_train_refuses_a_name_it_could_not_learn():
    with pytest.raises(ValueError, match=r"names\[1\].*too long"):
        train(["abra", "b" * (MAX_NAME_LENGTH + 1)], **QUIET)
    with pytest.raises(ValueError, match=r"names\[0\].*'P'"):
        train(["Pikachu"], **QUIET)
    assert max(len(name) for name in load_names()) <= MAX_NAME_LENGTH


# ---------------------------------------------------------------- resume


@pytest.mark.parametrize(
    ("option", "value", "saved"),
    [("--optimizer", "sgd", "'adam'"), ("--lr", "0.01", "0.003"), ("--seed", "7", "42"),
     ("--schedule", "constant", "'linear'")],
)  # fmt: skip
def test_resume_refuses_an_option_that_contradicts_the_checkpoint(
    trained, names_file, option, value, saved
):
    before = trained.read_bytes()
    done = minillm("train", "--names", names_file, "--checkpoint", trained, "--resume",
                   "--epochs", "2", option, value)  # fmt: skip
    assert_clean_failure(done, str(trained), option.lstrip("-").replace("schedule", "lr_schedule"))
    assert saved in done.stderr and done.stdout == ""  # refused before the first line
    assert trained.read_bytes() == before


def test_resume_with_the_same_options_goes_on(trained, names_file):
    done = minillm("train", "--names", names_file, "--checkpoint", trained, "--resume",
                   "--epochs", "2", "--optimizer", "adam", "--lr", "0.003", "--seed", "42",
                   "--schedule", "linear")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "optimizer adam, resumed in epoch 2" in done.stdout
    assert load_checkpoint(trained).epoch == 2


def test_resume_on_other_names_warns_and_goes_on(tmp_path, trained):
    other = tmp_path / "other.txt"
    other.write_text("abra\nkadabra\nalakazam\nmew\nmewtwo\nronflex\n")
    done = minillm("train", "--names", other, "--checkpoint", trained, "--resume", "--epochs", "2")
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert "warning" in done.stderr and "not the ones" in done.stderr
    assert str(trained) in done.stderr
    assert load_checkpoint(trained).epoch == 2


def test_resume_of_a_sgd_run_keeps_sgd_without_the_option(tmp_path, names_file):
    checkpoint = tmp_path / "sgd.json"
    first = minillm("train", "--names", names_file, "--checkpoint", checkpoint,
                    "--optimizer", "sgd", "--schedule", "constant", "--epochs", "1")  # fmt: skip
    assert first.returncode == 0, first.stderr
    done = minillm("train", "--names", names_file, "--checkpoint", checkpoint, "--resume",
                   "--epochs", "2")  # fmt: skip
    assert done.returncode == 0 and "optimizer sgd" in done.stdout.splitlines()[0]
    assert load_checkpoint(checkpoint).optimizer["name"] == "sgd"


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("position", 10**6, "only 6 names"),
        ("position", -1, "position"),
        ("epoch", 1e300, "epoch"),
        ("epoch", -3, "epoch"),
        ("optimizer.t", -1, "t"),
        ("optimizer.t", "12", "t"),
        ("optimizer.decay_steps", 0.5, "decay_steps"),
    ],
)
def test_resume_refuses_counters_out_of_range(trained, names_file, field, value, words):
    data = json.loads(trained.read_text())
    holder, key = (data["optimizer"], field.split(".")[1]) if "." in field else (data, field)
    holder[key] = value
    trained.write_text(json.dumps(data))
    before = trained.read_bytes()
    done = minillm("train", "--names", names_file, "--checkpoint", trained, "--resume",
                   "--epochs", "3")  # fmt: skip
    assert_clean_failure(done, str(trained), words)
    assert done.returncode == 2 and trained.read_bytes() == before
