"""Backends: one training step's loss and gradients, computed one way or another.

Every backend is a function `step(weights, ids, target) -> (loss, grads)` on
flat lists of floats (model.params.flatten order), so the training loop, the
optimizers and the checkpoints never need to know which one is running.
"""

from __future__ import annotations

from model import autodiff, compiled, manual
from model.dropout import dropout_masks
from model.params import Config, flatten, init_params, unflatten
from model.step_types import BatchStep, Step, TorchNotInstalled, Window

__all__ = [  # the step types are defined in step_types.py, and used from here too
    "BACKENDS",
    "BatchStep",
    "Step",
    "TorchNotInstalled",
    "Window",
    "make_batch_step",
    "make_step",
]

BACKENDS = ("autograd", "manual", "torch", "compiled")


def make_step(backend: str, config: Config = Config(), fused: bool = True) -> Step:
    """The step function of a backend: "manual" (handwritten), "autograd" (Values), "torch",
    or "compiled" (autograd.jit's code, recorded once per window length: model/compiled.py).

    step(weights, ids, target) -> (loss, grads); with config.dropout > 0, training
    passes step(..., mask_seed=n) too. The handwritten backward refuses a grown shape.
    """
    if backend == "manual":
        manual.check_lesson6_shape(config)
        return _manual_step(config)
    if backend == "autograd":
        return _autograd_step(config, fused)
    if backend == "torch":
        from model.torch_backend import torch_step  # PyTorch is optional, and slow to import

        return torch_step(config)
    if backend == "compiled":
        return compiled.compiled_step(config, fused)
    raise ValueError(f"unknown backend {backend!r}; choose one of {list(BACKENDS)}")


def make_batch_step(backend: str, config: Config = Config(), fused: bool = True) -> BatchStep:
    """The step on a batch of windows: PyTorch computes it in one pass, the others one at a time."""
    if backend == "torch":
        from model.torch_backend import torch_batch_step  # PyTorch is optional, and slow to import

        return torch_batch_step(config)
    return one_window_at_a_time(make_step(backend, config, fused))


def one_window_at_a_time(step: Step) -> BatchStep:
    """A batch step from a one-window step: each window's loss, and the mean of their gradients."""

    def batch_step(
        weights: list[float], batch: list[Window], mask_seeds: list[int] | None = None
    ) -> tuple[list[float], list[float]]:
        if mask_seeds is None:
            results = [step(weights, ids, target) for ids, target in batch]
        else:
            results = [
                step(weights, ids, target, mask_seed=seed)
                for (ids, target), seed in zip(batch, mask_seeds)
            ]
        if len(results) == 1:
            return [results[0][0]], results[0][1]  # the lesson's case: no mean to take
        mean = [sum(gs) / len(results) for gs in zip(*(grads for _, grads in results))]
        return [loss for loss, _ in results], mean

    return batch_step


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

    def step(
        weights: list[float], ids: list[int], target: int, *, mask_seed: int | None = None
    ) -> tuple[float, list[float]]:
        for leaf, w in zip(leaves, weights):
            leaf.data = w
            leaf.grad = 0.0  # gradients accumulate: start each step from zero
        dropout = mask_seed is not None and config.dropout > 0
        masks = dropout_masks(config, len(ids), mask_seed) if dropout else None
        loss = autodiff.forward(vparams, ids, target, fused, config=config, masks=masks)
        loss.backward()
        return loss.data, [leaf.grad for leaf in leaves]

    return step
