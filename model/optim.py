"""Optimizers: how a gradient becomes a change of the weights.

Both work on one flat list of floats (model.params.flatten), updated in place,
so the same optimizer serves every backend.

Both can also lower their step size as training goes (`decay_steps`): the step
shrinks in a straight line from `lr` to 0 over that many steps. Big steps early
learn fast; small steps late stop the weights from jumping around the minimum,
so the final loss is lower.
"""

from __future__ import annotations

import math

from model.helpers.checks import is_real_number


class Optimizer:
    """What SGD and Adam share: a learning rate, a step counter, and the schedule."""

    name = ""

    def __init__(self, size: int, lr: float, decay_steps: int | None = None) -> None:
        self.size = size
        self.lr = lr  # the step size at the start
        self.decay_steps = decay_steps  # None: the step size stays lr
        self.t = 0  # steps taken

    def current_lr(self) -> float:
        """The step size for the next step."""
        if not self.decay_steps:
            return self.lr
        return self.lr * max(0.0, 1.0 - self.t / self.decay_steps)

    def step(self, weights: list[float], grads: list[float]) -> None:
        raise NotImplementedError

    def state_dict(self) -> dict:
        return {"name": self.name, "lr": self.lr, "decay_steps": self.decay_steps, "t": self.t}

    def load_state_dict(self, state: dict) -> None:
        if state.get("name") != self.name:
            raise ValueError(f"the saved optimizer is {state.get('name')!r}, not {self.name!r}")
        self.lr, self.t = float(state["lr"]), int(state["t"])
        self.decay_steps = state.get("decay_steps")


class SGD(Optimizer):
    """The lesson's rule: every weight takes a small step against its gradient."""

    name = "sgd"

    def step(self, weights: list[float], grads: list[float]) -> None:
        lr = self.current_lr()
        self.t += 1
        for i, g in enumerate(grads):
            weights[i] -= lr * g


class Adam(Optimizer):
    """SGD with memory: a running mean of the gradient (m) and of its square (v).

    Each weight's step is m / sqrt(v): large where the gradient is steady, small
    where it is noisy, so every weight moves by about `lr`, whatever its scale.
    """

    name = "adam"
    beta1, beta2, eps = 0.9, 0.999, 1e-8

    def __init__(self, size: int, lr: float, decay_steps: int | None = None) -> None:
        super().__init__(size, lr, decay_steps)
        self.m = [0.0] * size
        self.v = [0.0] * size

    def step(self, weights: list[float], grads: list[float]) -> None:
        lr = self.current_lr()
        self.t += 1
        b1, b2, eps, m, v = self.beta1, self.beta2, self.eps, self.m, self.v
        # m and v start at 0, so early averages are too small: divide by (1 - beta^t).
        lr_t = lr * math.sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t)
        for i, g in enumerate(grads):
            m[i] = b1 * m[i] + (1.0 - b1) * g
            v[i] = b2 * v[i] + (1.0 - b2) * g * g
            weights[i] -= lr_t * m[i] / (math.sqrt(v[i]) + eps)

    def state_dict(self) -> dict:
        return {**super().state_dict(), "m": list(self.m), "v": list(self.v)}

    def load_state_dict(self, state: dict) -> None:
        super().load_state_dict(state)
        if len(state["m"]) != self.size or len(state["v"]) != self.size:
            raise ValueError(f"the saved Adam state is not for {self.size} weights")
        self.m, self.v = [float(x) for x in state["m"]], [float(x) for x in state["v"]]


OPTIMIZERS = {"sgd": SGD, "adam": Adam}
DEFAULT_LR = {"sgd": 0.01, "adam": 0.003}


def make_optimizer(
    name: str, size: int, lr: float | None = None, decay_steps: int | None = None
) -> Optimizer:
    """An optimizer by name ("sgd" or "adam"), with its default learning rate unless given."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {sorted(OPTIMIZERS)}")
    lr = DEFAULT_LR[name] if lr is None else lr
    if not is_real_number(lr) or not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"the learning rate must be a number > 0, got {lr!r}")
    return OPTIMIZERS[name](size, float(lr), decay_steps)
