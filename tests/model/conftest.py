"""Shared fixtures: the built-in data and weights that have been trained a little."""

from __future__ import annotations

import pytest

from model import init_params, load_names, train


@pytest.fixture(scope="session")
def names() -> list[str]:
    return load_names()


@pytest.fixture(scope="session")
def trained_params(names):
    """Weights after a short SGD run with a large step: ReLUs switch off, attention sharpens."""
    result = train(
        names[:150],
        backend="manual",
        optimizer="sgd",
        lr_schedule="constant",
        lr=0.05,
        epochs=2,
        seed=7,
        progress=False,
        log=None,
    )
    return result.params


@pytest.fixture(scope="session")
def initial_params():
    return init_params(seed=42)
