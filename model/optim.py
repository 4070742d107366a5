"""Optimizers: how a gradient becomes a change of the weights.

Both work on one flat list of floats (model.params.flatten), updated in place,
so the same optimizer serves every backend.
"""

from __future__ import annotations

import math


class SGD:
    """The lesson's rule: every weight takes a small step against its gradient."""

    name = "sgd"

    def __init__(self, size: int, lr: float = 0.01) -> None:
        self.lr = lr

    def step(self, weights: list[float], grads: list[float]) -> None:
        lr = self.lr
        for i, g in enumerate(grads):
            weights[i] -= lr * g

    def state_dict(self) -> dict:
        return {"name": self.name, "lr": self.lr}

    def load_state_dict(self, state: dict) -> None:
        self.lr = state["lr"]


class Adam:
    """SGD with memory: a running mean of the gradient (m) and of its square (v).

    Each weight's step is m / sqrt(v): large where the gradient is steady, small
    where it is noisy, so every weight gets a step of about `lr`, whatever its scale.
    """

    name = "adam"

    def __init__(
        self, size: int, lr: float = 0.003, beta1: float = 0.9, beta2: float = 0.999,
        eps: float = 1e-8,
    ) -> None:  # fmt: skip
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t = 0
        self.m = [0.0] * size
        self.v = [0.0] * size

    def step(self, weights: list[float], grads: list[float]) -> None:
        self.t += 1
        b1, b2, eps, m, v = self.beta1, self.beta2, self.eps, self.m, self.v
        # m and v start at 0, so early averages are too small: divide by (1 - beta^t).
        lr_t = self.lr * math.sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t)
        for i, g in enumerate(grads):
            m[i] = b1 * m[i] + (1.0 - b1) * g
            v[i] = b2 * v[i] + (1.0 - b2) * g * g
            weights[i] -= lr_t * m[i] / (math.sqrt(v[i]) + eps)

    def state_dict(self) -> dict:
        return {
            "name": self.name, "lr": self.lr, "beta1": self.beta1, "beta2": self.beta2,
            "eps": self.eps, "t": self.t, "m": self.m, "v": self.v,
        }  # fmt: skip

    def load_state_dict(self, state: dict) -> None:
        if len(state["m"]) != len(self.m) or len(state["v"]) != len(self.v):
            raise ValueError("the optimizer state does not match the number of weights")
        self.lr, self.beta1, self.beta2 = state["lr"], state["beta1"], state["beta2"]
        self.eps, self.t = state["eps"], state["t"]
        self.m, self.v = [float(x) for x in state["m"]], [float(x) for x in state["v"]]


OPTIMIZERS = {"sgd": SGD, "adam": Adam}
DEFAULT_LR = {"sgd": 0.01, "adam": 0.003}


def make_optimizer(name: str, size: int, lr: float | None = None) -> SGD | Adam:
    """An optimizer by name ("sgd" or "adam"), with its default learning rate unless given."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {sorted(OPTIMIZERS)}")
    lr = DEFAULT_LR[name] if lr is None else lr
    if not (isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0):
        raise ValueError(f"the learning rate must be a number > 0, got {lr!r}")
    return OPTIMIZERS[name](size, lr=float(lr))
