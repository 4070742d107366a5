"""A small GPT in the style of Karpathy's microgpt, written for the benchmark, on any Value class.

One layer, four heads, RMSNorm, a ReLU MLP: 4,064 weights for 27 characters.
It uses only + * ** exp log relu (and - / built from them), so the same code runs
on autograd.Value and on the minimal reference Value (benchmarks/minimal_value.py);
both must give exactly the same losses, and the benchmark compares their times.

Like microgpt, it reads one name at a time, letter by letter, keeping the keys and
values of the letters already read (a KV cache), and takes one Adam step per name
on the mean loss of its positions: one graph, one backward() per name.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence

EMBED, HEADS, BLOCK = 16, 4, 8  # width, attention heads, longest context
HEAD_SIZE = EMBED // HEADS
BOUNDARY = 0  # the token that starts and ends a name

Matrix = list[list]  # rows of Values


def init_weights(vocab: int, seed: int = 0) -> dict[str, list[list[float]]]:
    """Every weight matrix as plain floats, drawn from a seeded Gaussian."""
    rng = random.Random(seed)

    def matrix(rows: int, cols: int) -> list[list[float]]:
        return [[rng.gauss(0.0, 0.08) for _ in range(cols)] for _ in range(rows)]

    return {
        "wte": matrix(vocab, EMBED),  # token embeddings
        "wpe": matrix(BLOCK, EMBED),  # position embeddings
        "wq": matrix(EMBED, EMBED),
        "wk": matrix(EMBED, EMBED),
        "wv": matrix(EMBED, EMBED),
        "wo": matrix(EMBED, EMBED),
        "fc1": matrix(4 * EMBED, EMBED),
        "fc2": matrix(EMBED, 4 * EMBED),
        "lm_head": matrix(vocab, EMBED),
    }


def linear(x: list, w: Matrix) -> list:
    """w @ x, one dot product per row, with built-in sum (a chain of + nodes)."""
    return [sum(wi * xi for wi, xi in zip(row, x)) for row in w]


def softmax(logits: list) -> list:
    """exp(l - max) / sum(exp(l - max)); the max is a plain number, as in microgpt."""
    top = max(l.data for l in logits)
    exps = [(l - top).exp() for l in logits]
    total = sum(exps)
    return [e / total for e in exps]


def rmsnorm(x: list) -> list:
    """x / sqrt(mean(x^2) + eps): every vector back to a root mean square of about 1."""
    mean_square = sum(xi * xi for xi in x) / len(x)
    scale = (mean_square + 1e-5) ** -0.5
    return [xi * scale for xi in x]


def gpt(token: int, position: int, keys: list, values: list, w: dict[str, Matrix]) -> list:
    """The logits of the next token, after reading `token` at `position` (appends to the cache)."""
    x = [t + p for t, p in zip(w["wte"][token], w["wpe"][position])]
    x = rmsnorm(x)

    residual = x
    x = rmsnorm(x)
    q, k, v = linear(x, w["wq"]), linear(x, w["wk"]), linear(x, w["wv"])
    keys.append(k)
    values.append(v)
    heads = []
    for h in range(HEADS):
        part = slice(h * HEAD_SIZE, (h + 1) * HEAD_SIZE)
        q_h = q[part]
        scores = [sum(qi * ki for qi, ki in zip(q_h, k_t[part])) / HEAD_SIZE**0.5 for k_t in keys]
        attention = softmax(scores)
        for j in range(part.start, part.stop):
            heads.append(sum(a * v_t[j] for a, v_t in zip(attention, values)))
    x = [a + r for a, r in zip(linear(heads, w["wo"]), residual)]

    residual = x
    x = rmsnorm(x)
    x = [h.relu() for h in linear(x, w["fc1"])]
    x = [a + r for a, r in zip(linear(x, w["fc2"]), residual)]
    return linear(x, w["lm_head"])


def name_loss(tokens: Sequence[int], w: dict[str, Matrix]) -> object:
    """The mean of -log p(next token) over the positions of one name (at most BLOCK)."""
    keys: list = []
    values: list = []
    positions = min(BLOCK, len(tokens) - 1)
    losses = []
    for position in range(positions):
        probs = softmax(gpt(tokens[position], position, keys, values, w))
        losses.append(-probs[tokens[position + 1]].log())
    return (1 / positions) * sum(losses)


def train(
    make_value: Callable[[float], object], names: Sequence[str], alphabet: str, steps: int
) -> list[float]:
    """Train from the same seeded weights for `steps` names with Adam; the loss of each step."""
    vocab = len(alphabet)
    w = {
        name: [[make_value(x) for x in row] for row in rows]
        for name, rows in init_weights(vocab).items()
    }
    params = [p for rows in w.values() for row in rows for p in row]
    m, v = [0.0] * len(params), [0.0] * len(params)
    lr, beta1, beta2, eps = 0.01, 0.85, 0.99, 1e-8
    losses = []
    for step in range(steps):
        name = names[step % len(names)]
        tokens = [BOUNDARY, *(alphabet.index(c) for c in name), BOUNDARY]
        loss = name_loss(tokens, w)
        loss.backward()
        rate = lr * (1 - step / steps)  # linear decay to 0
        for i, p in enumerate(params):
            m[i] = beta1 * m[i] + (1 - beta1) * p.grad
            v[i] = beta2 * v[i] + (1 - beta2) * p.grad**2
            m_hat = m[i] / (1 - beta1 ** (step + 1))
            v_hat = v[i] / (1 - beta2 ** (step + 1))
            p.data -= rate * m_hat / (math.sqrt(v_hat) + eps)
            p.grad = 0.0
        losses.append(loss.data)
    return losses


def weight_count(vocab: int) -> int:
    """How many weights the model has for a vocabulary of `vocab` tokens."""
    return sum(len(rows) * len(rows[0]) for rows in init_weights(vocab).values())
