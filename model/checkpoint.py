"""Checkpoints: everything needed to sample from a model or to go on training it.

One JSON file, readable by eye. It is written atomically: first to a temporary
file in the same folder, then renamed over the old one, so a crash or Ctrl-C in
the middle of writing never leaves a half-written checkpoint behind.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from model.params import Config, Params, check_params

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


def save_checkpoint(path: str | Path, ckpt: Checkpoint) -> Path:
    """Write the checkpoint as JSON, atomically; return its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"format": FORMAT, "version": VERSION, **asdict(ckpt)}
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f)
            f.flush()
            os.fsync(f.fileno())  # the bytes are on disk before the rename makes them visible
        os.replace(tmp, path)  # atomic: readers see the old file or the new one, never half
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_checkpoint(path: str | Path, config: Config | None = None) -> Checkpoint:
    """Read and check a checkpoint; every problem is a ValueError that names the file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"no checkpoint at {path}; train one first: minillm train --checkpoint {path}"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(
            f"{path} is not a valid checkpoint: it is corrupt or truncated ({err}); "
            "train again or use another checkpoint"
        ) from None
    try:
        return _parse(data, config)
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f"{path} is not a usable checkpoint: {err}") from None


def _parse(data: object, config: Config | None) -> Checkpoint:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"it is not a {FORMAT} file")
    if data.get("version") != VERSION:
        raise ValueError(f"version {data.get('version')!r} is not supported (expected {VERSION})")
    saved = Config(**data["config"])
    if config is not None and saved != config:
        raise ValueError(f"it was made for {saved}, not {config}")
    params = data["params"]
    check_params(params, saved)
    for name, w in params.items():
        for x in (v for row in w for v in (row if isinstance(row, list) else [row])):
            if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
                raise ValueError(f"weight {name} holds {x!r}, not a finite number")
    history = [float(x) for x in data.get("history", [])]
    epoch, position = int(data.get("epoch", 0)), int(data.get("position", 0))
    if epoch < 0 or position < 0:
        raise ValueError("epoch and position must be >= 0")
    return Checkpoint(
        config=saved,
        params=params,
        optimizer=dict(data["optimizer"]),
        epoch=epoch,
        position=position,
        epoch_loss=float(data.get("epoch_loss", 0.0)),
        rng_state=data.get("rng_state"),
        history=history,
        backend=str(data.get("backend", "autograd")),
        seed=int(data.get("seed", 42)),
    )
