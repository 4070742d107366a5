"""A reader that goes away (`| head -1`) ends the program quietly, with status 141."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from model.helpers.closed_output import EXIT_CLOSED_OUTPUT, quiet_when_output_closes
from model.params import Config, init_params
from model.training.checkpoint import Checkpoint, save_checkpoint

ROOT = Path(__file__).parents[2]
MINILLM = Path(sys.executable).parent / "minillm"


def read_then_close(command: list[str], lines: int) -> tuple[list[str], int, str]:
    """Run `command`, read `lines` lines, close the pipe as head does; (lines, status, stderr)."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    first = [process.stdout.readline() for _ in range(lines)]
    process.stdout.close()
    stderr = process.stderr.read()
    return first, process.wait(timeout=120), stderr


def test_minillm_generate_into_head(tmp_path):
    ckpt = save_checkpoint(tmp_path / "m.json", Checkpoint(Config(), init_params(), {}))
    argv = [str(MINILLM), "generate", "--checkpoint", str(ckpt), "--count", "100000"]
    first, status, stderr = read_then_close(argv, 1)
    assert first[0].strip().isalpha()  # one invented name was read
    assert status == EXIT_CLOSED_OUTPUT and stderr == ""


@pytest.mark.parametrize(
    ("command", "number"),
    [
        ([sys.executable, "-m", "lessons", "7", "--quick", "--out", "{out}"], 7),
        ([sys.executable, "-m", "lessons", "7", "--lang", "fr", "--quick", "--out", "{out}"], 7),
        ([sys.executable, "-m", "lessons", "8", "--quick", "--out", "{out}"], 8),
    ],
)
def test_a_lesson_into_head(tmp_path, command, number):
    command = [part.replace("{out}", str(tmp_path)) for part in command]
    first, status, stderr = read_then_close(command, 3)
    assert str(number) in first[1]  # the banner: "Lesson 7: ..."
    assert status == EXIT_CLOSED_OUTPUT and "Traceback" not in stderr and "Error" not in stderr


def test_the_decorator_returns_141_on_a_closed_output_and_the_code_otherwise():
    @quiet_when_output_closes
    def reader_gone(argv: list[str]) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    @quiet_when_output_closes
    def fine(argv: list[str]) -> int:
        """Its own docstring."""
        return len(argv)

    assert reader_gone([]) == 141
    assert fine(["a", "b"]) == 2 and fine.__doc__ == "Its own docstring."
