"""The command line at its edges (issue 22, class 8).

Huge but finite weights, a closed stdout or stderr, names files with a BOM or
odd line breaks, --prefix with a '.' inside, --checkpoint "".
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from model.cli import main
from model.data import load_names
from model.helpers.closed_output import EXIT_CLOSED_OUTPUT
from model.params import Config, init_params
from model.sample import generate, prefix_problem
from model.training.checkpoint import Checkpoint, load_checkpoint, save_checkpoint

MINILLM = Path(sys.executable).parent / "minillm"


@pytest.fixture
def huge(tmp_path) -> Path:
    """A checkpoint every check accepts (finite weights) whose numbers overflow in use."""
    params = init_params()
    params["tok_emb"] = [[1e308] * 16 for _ in range(27)]
    return save_checkpoint(tmp_path / "huge.json", Checkpoint(Config(), params, {}))


@pytest.mark.parametrize(
    "command",
    [
        ["generate", "--count", "1"],
        ["compare", "--positions", "2"],
        ["compare", "--steps"],
        ["compare", "--positions", "2", "--backend", "compiled"],
        ["graph", "--format", "dot", "--out", "{tmp}/g.dot"],
        ["graph", "--player", "--out", "{tmp}/g.html"],
    ],
)
def test_huge_finite_weights_are_one_sentence(huge, tmp_path, capsys, command):
    argv = [part.replace("{tmp}", str(tmp_path)) for part in command]
    assert main([*argv, "--checkpoint", str(huge)]) == 1
    err = capsys.readouterr().err.splitlines()[-1]  # graph --player says first what it writes
    assert err.startswith(f"minillm {argv[0]}: error: the numbers grew beyond what a float holds")
    assert "too large to compute with" in err and "Traceback" not in capsys.readouterr().err
    assert "Total of weights" not in err  # Python's own words from random.choices


def test_generate_says_what_overflowed(huge):
    with pytest.raises(OverflowError, match=r"odds after '\.' are not finite numbers"):
        generate(load_checkpoint(huge).params, seed=0)


# ---------------------------------------------------------------- closed outputs


def names_file(tmp_path: Path, count: int = 3) -> Path:
    path = tmp_path / "names.txt"
    path.write_text("\n".join(["pikachu", "bulbizarre", "salameche"] * count), encoding="utf-8")
    return path


def closed_at_start(tmp_path: Path, fd: int) -> tuple[subprocess.CompletedProcess, Path]:
    """minillm train with file descriptor `fd` (1 or 2) closed before it starts."""
    ckpt = tmp_path / "run.json"
    keep = {1: "stderr", 2: "stdout"}[fd]
    done = subprocess.run(
        [str(MINILLM), "train", "--epochs", "1", "--names", str(names_file(tmp_path, 1)),
         "--checkpoint", str(ckpt)],
        preexec_fn=lambda: os.close(fd), **{keep: subprocess.PIPE}, text=True, timeout=120,
    )  # fmt: skip
    return done, ckpt


@pytest.mark.parametrize("fd", [1, 2])
def test_a_stream_closed_before_the_start_ends_quietly_with_the_checkpoint(tmp_path, fd):
    done, ckpt = closed_at_start(tmp_path, fd)
    assert done.returncode == EXIT_CLOSED_OUTPUT
    assert "Traceback" not in (done.stdout or "") + (done.stderr or "")
    assert load_checkpoint(ckpt).epoch == 1  # the run trained and saved
    assert not (tmp_path / ".run.json.lock").exists()


def test_stderr_closed_in_the_middle_of_an_epoch_keeps_the_names_finished(tmp_path):
    ckpt = tmp_path / "run.json"
    reader, writer = os.pipe()
    process = subprocess.Popen(
        [str(MINILLM), "train", "--epochs", "2", "--names", str(names_file(tmp_path, 60)),
         "--checkpoint", str(ckpt)],
        stdout=subprocess.PIPE, stderr=writer, text=True,
    )  # fmt: skip
    os.close(writer)
    deadline = time.monotonic() + 60
    seen = b""
    while b"pos" not in seen and time.monotonic() < deadline:  # the progress bar has started
        seen += os.read(reader, 1024)
    time.sleep(1.0)  # some names of the epoch are learned
    os.close(reader)  # the reader of stderr goes away, as `2>&1 | head -1` does
    out, _ = process.communicate(timeout=120)
    assert process.returncode == EXIT_CLOSED_OUTPUT
    state = load_checkpoint(ckpt)
    assert state.epoch == 0 and 0 < state.position < 180  # the names finished, mid-epoch
    assert "Continue with --resume" in out and "Traceback" not in out


# ---------------------------------------------------------------- names files


@pytest.mark.parametrize(
    "text, line",
    [
        ("ef\nab\u2028cd\n", 2),  # U+2028 is no line end for an editor: refused, on line 2
        ("ef\ngh\nab\vcd\n", 3),  # str.splitlines() made two names of it
        ("ab\fcd\n", 1),
        ("ef\nab\x85cd\n", 2),
        ("ab\r\ncd\rx1\n", 3),  # \r\n and \r are line ends
    ],
)
def test_line_numbers_of_errors_are_the_editors(tmp_path, text, line):
    path = tmp_path / "names.txt"
    path.write_text(text, encoding="utf-8", newline="")
    with pytest.raises(ValueError, match=rf"names\.txt, line {line}: character"):
        load_names(path)


def test_a_utf8_bom_is_not_a_character_of_the_first_name(tmp_path):
    path = tmp_path / "names.txt"
    path.write_bytes("\ufeffÉvoli\r\npikachu\r\n".encode())
    assert load_names(path) == ["evoli", "pikachu"]
    path.write_bytes("\ufeff\ufeffab\n".encode())  # only the first one is a BOM
    with pytest.raises(ValueError, match="line 1"):
        load_names(path)


# ---------------------------------------------------------------- --prefix, --checkpoint ""


@pytest.mark.parametrize("prefix", ["pik.", ".pik.", "..", ".p.k", "p-k", ".pïk"])
def test_a_prefix_with_a_dot_after_its_start_is_refused(prefix, capsys):
    assert prefix_problem(prefix) is not None
    with pytest.raises(ValueError, match="may use only the letters a to z"):
        generate(init_params(), prefix=prefix)


@pytest.mark.parametrize("prefix", [".", ".pik", "pik", ".PIK", "Dra"])
def test_good_prefixes_still_work(prefix):
    assert prefix_problem(prefix) is None
    assert (
        generate(init_params(), prefix=prefix, seed=1)
        .lower()
        .startswith(prefix.lower().lstrip("."))
    )


def test_the_cli_refuses_pik_dot(tmp_path, capsys):
    ckpt = save_checkpoint(tmp_path / "m.json", Checkpoint(Config(), init_params(), {}))
    assert main(["generate", "--checkpoint", str(ckpt), "--prefix", "pik."]) == 2
    assert "the prefix 'pik.' has '.'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "command",
    [
        ["train", "--epochs", "1", "--no-progress"],
        ["generate"],
        ["compare", "--positions", "1"],
        ["graph", "--format", "dot", "--out", "{tmp}/g.dot"],
    ],
)
@pytest.mark.parametrize("empty", ["", " "])
def test_an_empty_checkpoint_path_is_refused(tmp_path, monkeypatch, capsys, command, empty):
    monkeypatch.chdir(tmp_path)
    argv = [part.replace("{tmp}", str(tmp_path)) for part in command]
    assert main([*argv, "--checkpoint", empty]) == 2
    err = capsys.readouterr().err
    assert f"the checkpoint path is {empty!r}: give a file" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing trained, nothing saved


def test_the_readme_says_a_batched_resume_is_not_bit_identical():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert "with `--batch-size` above 1 it\nis not" in readme
