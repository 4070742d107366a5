"""What a backend gives the training loop: a step on one window, or on a batch of them.

Every step works on flat lists of floats (model.params.flatten order), so the
training loop, the optimizers and the checkpoints never need to know which
backend is running. backends.py and torch_backend.py both use these names; they
live here so that neither of the two has to import the other.
"""

from __future__ import annotations

from collections.abc import Callable

# A step on one window: (weights, ids of the window, id of the next character) -> (loss, grads).
# With Config.dropout > 0 it also takes `mask_seed=` (model.dropout), by keyword; without
# it, dropout is off.
Step = Callable[..., tuple[float, list[float]]]
Window = tuple[list[int], int]  # (the ids of a window, the id of the character that follows)
# A step on a batch of windows: (each window's loss, the gradient of their mean loss).
# With dropout, `mask_seeds=` gives one mask seed per window.
BatchStep = Callable[..., tuple[list[float], list[float]]]

TORCH_MISSING = (
    "the torch backend needs PyTorch, an optional extra that is not installed; "
    "install it with: pip install '.[torch]'"
)


class TorchNotInstalled(ImportError):
    """The "torch" backend was asked for, but PyTorch is not installed."""
