"""Backends: one training step's loss and gradients, computed one way or another.

Every backend is a function `step(weights, ids, target) -> (loss, grads)` on
flat lists of floats (model.params.flatten order), so the training loop, the
optimizers and the checkpoints never need to know which one is running.
"""

from __future__ import annotations

from collections.abc import Callable

from model import autodiff, manual
from model.params import Config, flatten, init_params, unflatten

Step = Callable[[list[float], list[int], int], tuple[float, list[float]]]
Window = tuple[list[int], int]  # (the ids of a window, the id of the character that follows)
# A step on a batch of windows: (each window's loss, the gradient of their mean loss).
BatchStep = Callable[[list[float], list[Window]], tuple[list[float], list[float]]]

BACKENDS = ("autograd", "manual", "torch")

TORCH_MISSING = (
    "the torch backend needs PyTorch, an optional extra that is not installed; "
    "install it with: pip install '.[torch]'"
)


class TorchNotInstalled(ImportError):
    """The "torch" backend was asked for, but PyTorch is not installed."""


def make_step(backend: str, config: Config = Config(), fused: bool = True) -> Step:
    """The step function of a backend: "manual" (handwritten), "autograd" (Values) or "torch"."""
    if backend == "manual":
        return _manual_step(config)
    if backend == "autograd":
        return _autograd_step(config, fused)
    if backend == "torch":
        from model.torch_backend import torch_step  # PyTorch is optional, and slow to import

        return torch_step(config)
    raise ValueError(f"unknown backend {backend!r}; choose one of {list(BACKENDS)}")


def _manual_step(config: Config) -> Step:
    def step(weights: list[float], ids: list[int], target: int) -> tuple[float, list[float]]:
        params = unflatten(weights, config)
        cache = manual.forward(params, ids)
        grads = manual.backward(params, cache, target)
        return manual.cross_entropy(cache["logits"], target), flatten(grads)

    return step


def _autograd_step(config: Config, fused: bool) -> Step:
    # The weight Values are made once and reused: creating 2,832 of them every
    # step would cost more than the whole backward pass.
    vparams = autodiff.to_values(init_params(config))
    leaves = autodiff.leaves(vparams)

    def step(weights: list[float], ids: list[int], target: int) -> tuple[float, list[float]]:
        for leaf, w in zip(leaves, weights):
            leaf.data = w
            leaf.grad = 0.0  # gradients accumulate: start each step from zero
        loss = autodiff.forward(vparams, ids, target, fused)
        loss.backward()
        return loss.data, [leaf.grad for leaf in leaves]

    return step
