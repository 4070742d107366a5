"""The training loop, plainly: for every name, for every position, a step and an update.

This is all that training is. model.training.Trainer runs this same loop, plus what
a long run needs (Ctrl-C, resume, checkpoints, other optimizers, batches, progress),
and model.train() is the Trainer in one call. With the lesson's recipe (SGD at a
constant learning rate) both give the same weights, to the last bit.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from model.backends import make_step
from model.data import examples
from model.params import Config, flatten, init_params, unflatten


def train_plainly(
    names: Sequence[str],
    backend: str = "autograd",
    config: Config = Config(),
    lr: float = 0.01,
    epochs: int = 1,
    seed: int = 42,
) -> tuple[dict, list[float]]:
    """Train with SGD; return the weights (as init_params gives them) and each epoch's mean loss."""
    step = make_step(backend, config)  # step(weights, ids, target) -> (loss, grads)
    weights = flatten(init_params(config, seed))  # every weight in one list of floats
    shuffler = random.Random(seed)
    history = []
    for _ in range(epochs):
        order = list(names)
        shuffler.shuffle(order)  # a new order every epoch
        total, count = 0.0, 0
        for name in order:
            for ids, target in examples(name, config.context):  # the window, the next letter
                loss, grads = step(weights, ids, target)  # forward, then backward
                for i, grad in enumerate(grads):  # SGD: a small step against the gradient
                    weights[i] -= lr * grad
                total, count = total + loss, count + 1
        history.append(total / count)
    return unflatten(weights, config), history
