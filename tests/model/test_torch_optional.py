"""PyTorch is optional: nothing imports it until asked, and without it the torch
commands say how to install it and stop cleanly. These tests run with or without
torch installed: they hide it from a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from model.backends import TorchNotInstalled, make_step

ROOT = Path(__file__).resolve().parents[2]
HIDE_TORCH = "import sys; sys.modules['torch'] = None  # as if it were not installed\n"


def python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_nothing_imports_torch_at_import_time():
    run = python(
        "import sys\n"
        "import model, model.backends, model.cli.main, model.compare, model.training, lessons\n"
        "sys.modules['model.cli.main'].build_parser()  # model.cli.main is also the function\n"
        "print(sorted(m for m in sys.modules if m == 'torch' or m.startswith('torch.')))\n"
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "argv",
    [
        ["train", "--backend", "torch", "--epochs", "1", "--no-progress"],
        ["compare", "--backend", "torch", "--positions", "3"],
    ],
)
def test_without_torch_the_cli_says_how_to_install_it(tmp_path, argv):
    argv = [*argv, "--checkpoint", str(tmp_path / "run.json")] if argv[0] == "train" else argv
    run = python(HIDE_TORCH + f"from model.cli.main import main\nsys.exit(main({argv!r}))\n")
    assert run.returncode == 2
    assert "pip install '.[torch]'" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "run.json").exists()


def test_without_torch_make_step_raises_a_clear_import_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    monkeypatch.delitem(sys.modules, "model.torch_backend", raising=False)
    with pytest.raises(TorchNotInstalled, match=r"pip install '\.\[torch\]'"):
        make_step("torch")
    with pytest.raises(ImportError, match="PyTorch"):  # TorchNotInstalled is an ImportError
        from model.torch_backend import torch_loss_and_grads  # noqa: F401
