"""Checkpoints: everything needed to sample from a model or to go on training it.

One JSON file, readable by eye. It is written atomically (atomic_file.py), so a
crash, Ctrl-C or a full disk never leaves a half-written checkpoint behind, and
every field is checked when it is read (checkpoint_checks.py). A training holds
the checkpoint's lock while it runs (run_lock.py): two trainings on one file
would overwrite each other's epochs. Before a long run, check_writable(path)
finds a path that could not be saved at its end.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograd.files import SaveError, check_writable, read_text, write_atomically
from model.params import Config, Params, count_params
from model.training import checkpoint_checks as checks
from model.training.run_lock import CheckpointInUse, lock_checkpoint

__all__ = [
    "Checkpoint",
    "CheckpointInUse",
    "SaveError",
    "check_writable",
    "load_checkpoint",
    "lock_checkpoint",
    "save_checkpoint",
]

FORMAT = "minillm-checkpoint"
VERSION = 1


@dataclass
class Checkpoint:
    """The state of a training run."""

    config: Config
    params: Params
    optimizer: dict  # the optimizer's state_dict()
    epoch: int = 0  # epochs finished
    position: int = 0  # names finished in the next epoch (non-zero after Ctrl-C)
    epoch_loss: float = 0.0  # sum of the losses of those names' positions
    rng_state: list | None = None  # the shuffling generator, as at the start of the next epoch
    history: list[float] = field(default_factory=list)  # mean loss of each finished epoch
    backend: str = "autograd"
    seed: int = 42
    names: str | None = None  # data.fingerprint() of the names trained on, to notice others


def save_checkpoint(path: str | Path, ckpt: Checkpoint) -> Path:
    """Write the checkpoint as JSON, atomically; return its path.

    A full disk or a read-only folder raises a SaveError that says so; the old
    checkpoint is then kept as it was.
    """
    data = {"format": FORMAT, "version": VERSION, **asdict(ckpt)}
    return write_atomically(path, lambda f: json.dump(data, f))


def load_checkpoint(path: str | Path, config: Config | None = None) -> Checkpoint:
    """Read and check a checkpoint; every problem is a ValueError that names the file."""
    if isinstance(path, str) and not path.strip():
        raise ValueError(f"the checkpoint path is {path!r}: give a file, e.g. minillm.ckpt.json")
    path = Path(path)
    try:
        text = read_text(path, "minillm.ckpt.json")  # a regular file, of a bounded size
    except FileNotFoundError:
        raise FileNotFoundError(
            f"no checkpoint at {path}; train one first: minillm train --checkpoint {path}"
        ) from None
    except UnicodeDecodeError as err:
        raise ValueError(_corrupt(path, err)) from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as err:  # bad JSON, a 5,000-digit number, ...
        raise ValueError(_corrupt(path, err)) from None
    try:
        return _parse(data, config)
    except KeyError as err:
        raise ValueError(f"{path} is not a usable checkpoint: it has no {err} field") from None
    except (TypeError, ValueError) as err:
        raise ValueError(f"{path} is not a usable checkpoint: {err}") from None


def _corrupt(path: Path, err: Exception) -> str:
    return (
        f"{path} is not a valid checkpoint: it is corrupt or truncated ({err}); "
        "train again or use another checkpoint"
    )


def _parse(data: object, config: Config | None) -> Checkpoint:
    """Every field checked (checkpoint_checks.py); optional ones take their defaults."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"it is not a {FORMAT} file")
    if type(data.get("version")) is not int or data["version"] != VERSION:  # true == 1 in Python
        raise ValueError(f"version {data.get('version')!r} is not supported (expected {VERSION})")
    saved = checks.check_config(data["config"])
    if config is not None and saved != config:
        raise ValueError(f"it was made for {saved}, not {config}")
    checks.check_weights(data["params"], saved)
    return Checkpoint(
        config=saved,
        params=data["params"],
        optimizer=checks.check_optimizer(data["optimizer"], count_params(saved)),
        epoch=checks.check_count("epoch", data.get("epoch", 0)),
        position=checks.check_count("position", data.get("position", 0)),
        epoch_loss=checks.check_loss("epoch_loss", data.get("epoch_loss", 0.0)),
        rng_state=checks.check_rng_state(data.get("rng_state")),
        history=checks.check_history(data.get("history", [])),
        backend=checks.check_backend(data.get("backend", "autograd")),
        seed=checks.check_seed(data.get("seed", 42)),
        names=_names_fingerprint(data.get("names")),
    )


def _names_fingerprint(value: object) -> str | None:
    """The names' fingerprint, if the checkpoint has one (older ones do not)."""
    if value is not None and not isinstance(value, str):
        raise ValueError(f"names must be a fingerprint string, got {value!r}")
    return value
