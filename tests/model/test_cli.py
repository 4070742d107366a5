"""minillm on the command line: what a learner types, and what goes wrong."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from model import load_checkpoint
from model.cli import main

MINILLM = Path(sys.executable).parent / "minillm"  # the console script of this environment


@pytest.fixture
def names_file(tmp_path) -> Path:
    path = tmp_path / "names.txt"
    path.write_text("Pikachu\nÉvoli\n\nraichu\nbulbizarre\nsalameche\ncarapuce\n", "utf-8")
    return path


@pytest.fixture
def trained(tmp_path, names_file) -> Path:
    ckpt = tmp_path / "model.json"
    argv = ["train", "--names", str(names_file), "--epochs", "1", "--no-progress"]
    assert main([*argv, "--checkpoint", str(ckpt), "--count", "2"]) == 0
    return ckpt


def test_help_and_version_from_the_installed_script():
    for flag in ("--help", "--version"):
        done = subprocess.run([MINILLM, flag], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    assert "minillm" in done.stdout and "0.1.0" in done.stdout
    helped = subprocess.run([MINILLM, "--help"], capture_output=True, text=True, timeout=60)
    for command in ("train", "generate", "compare", "graph", "lesson"):
        assert command in helped.stdout


def test_train_prints_losses_and_names_and_saves(trained, capsys):
    ckpt = load_checkpoint(trained)
    assert ckpt.epoch == 1 and len(ckpt.history) == 1
    assert ckpt.optimizer["name"] == "adam" and ckpt.optimizer["decay_steps"] == ckpt.optimizer["t"]


def test_train_output(tmp_path, names_file, capsys):
    ckpt = tmp_path / "m.json"
    argv = ["train", "--names", str(names_file), "--epochs", "2", "--optimizer", "sgd"]
    assert main([*argv, "--no-progress", "--checkpoint", str(ckpt), "--count", "3"]) == 0
    out = capsys.readouterr().out
    assert "training on 6 names" in out
    assert "epoch 1/2" in out and "epoch 2/2" in out
    names = out.split("invented names:")[1].split()
    assert len(names) == 3 and all(n.isalpha() for n in names)


def test_resume_from_the_command_line(trained, names_file, capsys):
    argv = ["train", "--names", str(names_file), "--checkpoint", str(trained), "--no-progress"]
    assert main([*argv, "--resume", "--epochs", "2", "--count", "0"]) == 0
    out = capsys.readouterr().out
    assert "epoch 2/2" in out and "epoch 1/2" not in out
    assert load_checkpoint(trained).epoch == 2


def test_generate(trained, capsys):
    argv = ["generate", "--checkpoint", str(trained), "--count", "4", "--seed", "3"]
    assert main(argv) == 0
    first = capsys.readouterr().out.split()
    assert main(argv) == 0
    assert capsys.readouterr().out.split() == first and len(first) == 4
    assert main([*argv, "--prefix", ".pik"]) == 0
    assert all(name.startswith("pik") for name in capsys.readouterr().out.split())


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--temperature", "0"], "temperature"),
        (["--temperature", "-2"], "temperature"),
        (["--prefix", ".pé"], "'é'"),
        (["--prefix", "1"], "'1'"),
    ],
)
def test_generate_bad_arguments(trained, capsys, extra, message):
    assert main(["generate", "--checkpoint", str(trained), *extra]) == 2
    err = capsys.readouterr().err
    assert "minillm generate: error:" in err and message in err


def test_generate_without_or_with_a_broken_checkpoint(tmp_path, trained, capsys):
    assert main(["generate", "--checkpoint", str(tmp_path / "none.json")]) == 2
    assert "no checkpoint" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text(trained.read_text()[:100])
    assert main(["generate", "--checkpoint", str(broken)]) == 2
    assert "corrupt or truncated" in capsys.readouterr().err
    data = json.loads(trained.read_text())
    data["config"]["hidden_dim"] = 4
    broken.write_text(json.dumps(data))
    assert main(["generate", "--checkpoint", str(broken)]) == 2
    assert "should have 4 entries" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--epochs", "-1"], "epochs"),
        (["--lr", "-0.1"], "learning rate"),
        (["--lr", "0"], "learning rate"),
        (["--resume"], "no checkpoint"),
    ],
)
def test_train_bad_arguments(tmp_path, names_file, capsys, extra, message):
    argv = ["train", "--names", str(names_file), "--checkpoint", str(tmp_path / "x.json")]
    assert main([*argv, "--no-progress", *extra]) == 2
    assert message in capsys.readouterr().err


def test_train_bad_names_file(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_text("abra\nmr.mime\n", "utf-8")
    assert main(["train", "--names", str(bad), "--checkpoint", str(tmp_path / "c.json")]) == 2
    err = capsys.readouterr().err
    assert "line 2" in err and "'.'" in err and str(bad) in err
    assert main(["train", "--names", str(tmp_path / "missing.txt")]) == 2
    assert "not found" in capsys.readouterr().err


def test_compare_agrees_and_exits_zero(capsys):
    assert main(["compare", "--positions", "20"]) == 0
    out = capsys.readouterr().out
    assert "OK: largest difference" in out
    for weight in ("tok_emb", "pos_emb", "Wq", "Wk", "Wv", "W1", "b1", "W2", "b2", "W_out"):
        assert f"\n{weight} " in out
    assert "ms per position" in out


def test_compare_fails_when_a_gradient_is_wrong(monkeypatch, capsys):
    compare = importlib.import_module("model.compare")
    real = compare.make_step

    def make_step(backend, config, fused=True):
        step = real(backend, config, fused)
        if backend != "autograd":
            return step

        def off_by_a_little(weights, ids, target):
            loss, grads = step(weights, ids, target)
            grads[-1] += 1e-6  # the last entry of W_out
            return loss, grads

        return off_by_a_little

    monkeypatch.setattr(compare, "make_step", make_step)
    assert main(["compare", "--positions", "5"]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and "1.000e-06" in out


def test_compare_bad_positions(capsys):
    assert main(["compare", "--positions", "0"]) == 2
    assert "--positions" in capsys.readouterr().err
