"""The weights a command works on, with their shape: a checkpoint's, or new ones.

generate, compare, graph and graph --player all start here, so that each reads
the shape a checkpoint stores (heads, layers, norm, ...) instead of assuming lesson 6's.
"""

from __future__ import annotations

from model.config import Config
from model.params import Params, init_params
from model.training.checkpoint import load_checkpoint


def weights_and_config(checkpoint: str | None, seed: int = 42) -> tuple[Params, Config]:
    """The checkpoint's weights and Config, or without one lesson 6's first weights from `seed`.

    An empty path is an error, not "no checkpoint": --checkpoint "" is most likely a
    variable that was not set (load_checkpoint says so).
    """
    if checkpoint is None:
        return init_params(seed=seed), Config()
    saved = load_checkpoint(checkpoint)
    return saved.params, saved.config
