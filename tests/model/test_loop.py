"""The plain loop of model/loop.py is the Trainer's loop: the same weights, to the last bit."""

from model import count_params, train
from model.loop import train_plainly
from model.params import flatten
from tests.model.helpers import QUIET


def test_the_plain_loop_gives_the_trainers_weights_bit_for_bit(names):
    subset = names[:25]
    params, history = train_plainly(subset, backend="manual", lr=0.05, epochs=2, seed=3)
    result = train(
        subset, backend="manual", optimizer="sgd", lr=0.05, lr_schedule="constant",
        epochs=2, seed=3, **QUIET,
    )  # fmt: skip
    assert params == result.params
    assert history == result.history
    assert history[1] < history[0]  # it learns


def test_the_plain_loop_on_autograd_learns_what_the_handwritten_one_does(names):
    by_hand, _ = train_plainly(names[:5], backend="manual")
    by_autograd, _ = train_plainly(names[:5], backend="autograd")
    differences = [abs(a - b) for a, b in zip(flatten(by_hand), flatten(by_autograd))]
    assert len(differences) == count_params() and max(differences) < 1e-12
