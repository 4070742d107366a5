"""Checkpoints store the model's shape: every shape round-trips, older checkpoints load as
lesson 6's shape, and the command line trains, resumes, samples, draws and compares by it."""

from __future__ import annotations

import json

import pytest

from model import load_checkpoint, save_checkpoint
from model.cli import main
from model.config import SIZE_FIELDS, Config
from model.training.checkpoint import Checkpoint
from tests.autograd.test_player import page_script
from tests.model.grown import SHAPES, random_params

SMALL = ["--context", "4", "--embed", "4", "--hidden", "6", "--no-progress", "--count", "2"]
GROWN = ["--heads", "2", "--layers", "2", "--norm", "layer", "--dropout", "0.2"]


@pytest.mark.parametrize(
    "config", [*SHAPES, Config(dropout=0.5), Config(norm="rms", dropout=0.1)], ids=str
)
def test_every_shape_round_trips(config, tmp_path):
    params = random_params(config)
    path = save_checkpoint(tmp_path / "c.json", Checkpoint(config, params, {}))
    saved = json.loads(path.read_text("utf-8"))["config"]
    assert saved["heads"] == config.heads and saved["norm"] == config.norm
    loaded = load_checkpoint(path)
    assert loaded.config == config and loaded.params == params


def test_a_checkpoint_without_shape_fields_is_lesson6s(tmp_path, initial_params):
    path = save_checkpoint(tmp_path / "old.json", Checkpoint(Config(), initial_params, {}))
    data = json.loads(path.read_text("utf-8"))
    data["config"] = {field: data["config"][field] for field in SIZE_FIELDS}  # as saved before
    assert sorted(data["config"]) == ["context", "embed_dim", "hidden_dim", "vocab_size"]
    path.write_text(json.dumps(data), "utf-8")
    assert load_checkpoint(path).config == Config()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"heads": 3}, "heads 3 does not divide Config.embed_dim 16"),
        ({"norm": "batch"}, "Config.norm must be one of"),
        ({"dropout": 1}, "Config.dropout must be a probability"),
        ({"layers": 2}, "missing ['L2.Wq'"),  # the weights do not fit the shape
        ({"colour": 3}, "plus any of ['heads', 'layers', 'norm', 'dropout']"),
    ],
)
def test_a_wrong_shape_in_a_checkpoint_is_refused(change, words, tmp_path, initial_params):
    path = save_checkpoint(tmp_path / "c.json", Checkpoint(Config(), initial_params, {}))
    data = json.loads(path.read_text("utf-8"))
    data["config"] |= change
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(ValueError) as refused:
        load_checkpoint(path)
    assert words in str(refused.value) and str(path) in str(refused.value)


@pytest.fixture
def names_file(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("pikachu\nevoli\nraichu\nmew\n", "utf-8")
    return path


@pytest.fixture
def grown(tmp_path, names_file, capsys):
    """A grown model trained one epoch from the command line."""
    ckpt = tmp_path / "grown.json"
    argv = ["train", *GROWN, *SMALL, "--names", str(names_file), "--checkpoint", str(ckpt)]
    assert main([*argv, "--epochs", "1"]) == 0
    out = capsys.readouterr().out
    assert "model: 2 heads, 2 layers, layer norm, dropout 0.2" in out.splitlines()[0]
    assert len(out.split("invented names:")[1].split()) == 2
    return ckpt


def test_the_command_line_saves_the_shape_and_resumes_with_it(grown, names_file, capsys):
    shape = Config(heads=2, layers=2, norm="layer", dropout=0.2, embed_dim=4, hidden_dim=6,
                   context=4)  # fmt: skip
    assert load_checkpoint(grown).config == shape
    resume = ["train", "--resume", "--checkpoint", str(grown), "--names", str(names_file)]
    assert main([*resume, "--epochs", "2", "--no-progress", "--count", "1", "--heads", "2"]) == 0
    assert "resumed in epoch 2, model: 2 heads" in capsys.readouterr().out
    assert load_checkpoint(grown).epoch == 2
    for option, value, saved in [("--heads", "1", "2"), ("--norm", "rms", "'layer'"),
                                 ("--embed", "8", "4"), ("--dropout", "0.1", "0.2")]:  # fmt: skip
        assert main([*resume, "--epochs", "3", option, value]) == 2
        err = capsys.readouterr().err
        assert f"was trained with {option} {saved}, not " in err
        assert f"goes on with its own {option}; leave it out" in err


def test_generate_graph_and_the_player_read_the_shape(grown, tmp_path, capsys):
    assert main(["generate", "--checkpoint", str(grown), "--count", "3", "--seed", "1"]) == 0
    names = capsys.readouterr().out.split()
    assert len(names) == 3 and all(name.isalpha() for name in names)
    out = tmp_path / "g.dot"
    assert main(["graph", "--checkpoint", str(grown), "--out", str(out)]) == 0
    assert "L2/" in out.read_text("utf-8") and "attention/norm" in out.read_text("utf-8")
    page = tmp_path / "p.html"
    assert main(["graph", "--player", "--checkpoint", str(grown), "--out", str(page)]) == 0
    script = page_script(page.read_text("utf-8"))
    scopes = {box["scope"] for box in script["boxes"]}
    assert {"L2/mlp", "mlp/norm", "output/norm"} <= scopes
    assert all(not box["notes"] for box in script["boxes"])  # no handwritten steps to name


@pytest.mark.parametrize("steps", [[], ["--steps"]])
def test_compare_says_why_the_handwritten_backward_cannot_follow(grown, steps, capsys):
    assert main(["compare", "--checkpoint", str(grown), "--positions", "3", *steps]) == 2
    err = capsys.readouterr().err
    assert "the handwritten backward is written for lesson 6's shape only" in err
    assert "2 heads, 2 layers, layer norm, dropout 0.2" in err


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--heads", "3"], "--heads 3 does not divide --embed 4: the heads share the width"),
        (["--layers", "0"], "--layers must be a whole number >= 1, got 0"),
        (["--dropout", "1"], "--dropout must be a probability from 0 up to, not including, 1"),
        (["--dropout", "nan"], "--dropout must be a probability"),
        (["--context", "0"], "--context must be a whole number >= 1"),
        (["--hidden", "-2"], "--hidden must be a whole number >= 1"),
        (["--norm", "batch"], "argument --norm: invalid choice: 'batch'"),
    ],
)
def test_each_shape_flag_is_checked_with_a_sentence(options, words, names_file, tmp_path, capsys):
    argv = ["train", "--names", str(names_file), "--checkpoint", str(tmp_path / "x.json")]
    assert _exit_status([*argv, "--embed", "4", *options]) == 2
    assert words in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()


def _exit_status(argv: list[str]) -> int:
    """main's return value, or the status argparse exits with on a choice it refuses."""
    try:
        return main(argv)
    except SystemExit as stop:
        return stop.code


def test_the_python_api_trains_a_grown_model(tmp_path):
    from model import generate, train

    config = Config(heads=2, layers=2, norm="rms", dropout=0.1, embed_dim=4, hidden_dim=6,
                    context=4)  # fmt: skip
    result = train(["pikachu", "mew"], config=config, backend="compiled", epochs=1,
                   progress=False, log=None, checkpoint=tmp_path / "api.json")  # fmt: skip
    assert load_checkpoint(tmp_path / "api.json").config == config
    assert generate(result.params, config=config, seed=0).isalpha()
