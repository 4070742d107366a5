"""The mini-LLM on plain floats, with the handwritten backward pass in 7 steps.

This is the course's lesson 6: a forward pass that keeps what the backward pass
will need (the "cache"), then the chain rule applied by hand, layer by layer,
from the loss back to the embeddings. autodiff.py computes the same function
with Values and lets backward() find the same gradients on its own.

The three backends each have a forward() of their own, with their own contract.
This one: forward(params, ids) -> the cache, a dict of plain floats (the logits
and everything backward() needs) for one window; the loss is cross_entropy().
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from model.config import Config
from model.params import Matrix, Params, Vector, check_example, zeros_like

# ---------------------------------------------------------------- lesson 6's shape only


def check_lesson6_shape(config: Config) -> None:
    """The handwritten backward is lesson 6's: refuse any other shape, in one sentence why."""
    if not config.is_lesson6_shape:
        raise ValueError(
            f"the handwritten backward is written for lesson 6's shape only (1 head, 1 layer, "
            f"no norm, no dropout), not for {config.describe_shape()}: each new head, layer, "
            "norm or dropout would need its own backward steps derived and written by hand, "
            "so use the autograd, compiled or torch backend, which find the backward from "
            "the forward alone"
        )


# ---------------------------------------------------------------- small float helpers


def mat_vec(W: Matrix, x: Vector) -> Vector:
    """W @ x: one dot product per row of W."""
    return [sum(w * xi for w, xi in zip(row, x)) for row in W]


def vec_mat(g: Vector, W: Matrix) -> Vector:
    """g @ W (that is, W transposed @ g): how a gradient flows back through W @ x."""
    return [sum(gi * W[i][j] for i, gi in enumerate(g)) for j in range(len(W[0]))]


def outer(g: Vector, x: Vector) -> Matrix:
    """g x^T: the gradient of W in y = W @ x is d_y (outer) x."""
    return [[gi * xj for xj in x] for gi in g]


def add_into(total: list, more: list) -> None:
    """total += more, entry by entry, for vectors or matrices."""
    for i, m in enumerate(more):
        if isinstance(m, list):
            add_into(total[i], m)
        else:
            total[i] += m


def softmax(scores: Vector) -> Vector:
    """exp(s) / sum(exp(s)), with the largest score subtracted first so exp never overflows."""
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def cross_entropy(logits: Vector, target: int) -> float:
    """-log softmax(logits)[target], as log-sum-exp minus the target's logit.

    Never log(p) of a probability that may round to 0: this form stays finite.
    """
    top = max(logits)
    return top + math.log(sum(math.exp(s - top) for s in logits)) - logits[target]


# ---------------------------------------------------------------- forward


def forward(params: Params, ids: list[int]) -> dict:
    """Run the model on a window of ids; return the logits and everything backward needs."""
    E = len(params["Wq"])
    # Embeddings: each character's vector plus its position's vector.
    hidden = [
        [t + p for t, p in zip(params["tok_emb"][tok], params["pos_emb"][i])]
        for i, tok in enumerate(ids)
    ]
    last = hidden[-1]
    # Attention, from the last position only: its query against every key.
    q = mat_vec(params["Wq"], last)
    keys = [mat_vec(params["Wk"], h) for h in hidden]
    values = [mat_vec(params["Wv"], h) for h in hidden]
    scale = 1.0 / math.sqrt(E)
    scores = [sum(qd * kd for qd, kd in zip(q, k)) * scale for k in keys]
    attn = softmax(scores)
    attn_out = [sum(a * v[d] for a, v in zip(attn, values)) for d in range(E)]
    x1 = [h + a for h, a in zip(last, attn_out)]  # residual 1
    # MLP: 32 ReLU neurons, then back to 16 numbers.
    h_pre = [s + b for s, b in zip(mat_vec(params["W1"], x1), params["b1"])]
    h = [max(0.0, s) for s in h_pre]
    mlp_out = [s + b for s, b in zip(mat_vec(params["W2"], h), params["b2"])]
    x2 = [a + m for a, m in zip(x1, mlp_out)]  # residual 2
    logits = mat_vec(params["W_out"], x2)
    return {
        "ids": ids, "hidden": hidden, "q": q, "keys": keys, "values": values,
        "attn": attn, "x1": x1, "h_pre": h_pre, "h": h, "x2": x2, "logits": logits,
    }  # fmt: skip


# ---------------------------------------------------------------- backward, in 7 steps


@dataclass
class BackwardStep:
    """One of the lesson's 7 steps, with every gradient it computed."""

    number: int  # 1 to 7, in the order the chain rule runs: from the loss back
    name: str  # the lesson's name: output, W_out, residual 2, MLP, residual 1, ...
    intermediates: dict[str, list]  # d(loss)/d(quantity), e.g. "d_logits": [27 floats]
    weight_grads: dict[str, list]  # the weights' gradients this step fills, e.g. "W_out"


def backward_steps(params: Params, cache: dict, target: int) -> list[BackwardStep]:
    """The handwritten backward, step by step: what each of the 7 steps computes.

    Each intermediate is complete when its step records it (a gradient that a later
    step still adds to, like the last position's d_hidden, is recorded by that later
    step), so it can be set beside the .grad of the Values that hold the same quantity.
    """
    ids, hidden, q = cache["ids"], cache["hidden"], cache["q"]
    keys, values, attn = cache["keys"], cache["values"], cache["attn"]
    x1, h_pre, h, x2 = cache["x1"], cache["h_pre"], cache["h"], cache["x2"]
    E = len(q)
    steps = []

    # Step 1: output. For softmax + cross-entropy, d loss/d logit = p - 1 for the target, p else.
    d_logits = softmax(cache["logits"])
    d_logits[target] -= 1.0
    steps.append(BackwardStep(1, "output", {"d_logits": d_logits}, {}))

    # Step 2: W_out. logits = W_out @ x2.
    d_W_out = outer(d_logits, x2)
    d_x2 = vec_mat(d_logits, params["W_out"])
    steps.append(BackwardStep(2, "W_out", {"d_x2": d_x2}, {"W_out": d_W_out}))

    # Step 3: residual 2. x2 = x1 + mlp_out: an addition copies the gradient to both sides.
    d_mlp_out = d_x2
    d_x1 = list(d_x2)  # x1's share through the residual; step 4 adds the MLP's share
    steps.append(BackwardStep(3, "residual 2", {"d_mlp_out": d_mlp_out}, {}))

    # Step 4: MLP. mlp_out = W2 @ relu(W1 @ x1 + b1) + b2.
    d_W2 = outer(d_mlp_out, h)
    d_b2 = list(d_mlp_out)
    d_h = vec_mat(d_mlp_out, params["W2"])
    d_h_pre = [g if s > 0.0 else 0.0 for g, s in zip(d_h, h_pre)]  # ReLU: passes only where on
    d_W1 = outer(d_h_pre, x1)
    add_into(d_x1, vec_mat(d_h_pre, params["W1"]))
    steps.append(BackwardStep(
        4, "MLP", {"d_h": d_h, "d_h_pre": d_h_pre, "d_x1": d_x1},
        {"W2": d_W2, "b2": d_b2, "W1": d_W1, "b1": list(d_h_pre)},
    ))  # fmt: skip

    # Step 5: residual 1. x1 = last + attn_out: again both sides get the gradient.
    d_attn_out = d_x1
    d_last = list(d_x1)  # the last position's share through the residual; more in step 6
    steps.append(BackwardStep(5, "residual 1", {"d_attn_out": d_attn_out}, {}))

    # Step 6: attention. attn_out = sum_i attn_i * v_i, attn = softmax(scores),
    # score_i = q . k_i / sqrt(E), q = Wq @ last, k_i = Wk @ h_i, v_i = Wv @ h_i.
    d_attn = [sum(g * vd for g, vd in zip(d_attn_out, v)) for v in values]
    d_values = [[a * g for g in d_attn_out] for a in attn]
    # Softmax backward: d s_i = a_i * (d a_i - sum_j a_j d a_j).
    mean = sum(a * g for a, g in zip(attn, d_attn))
    scale = 1.0 / math.sqrt(E)
    # The 1/sqrt(E) is folded in: these are the gradients of q . k_i before scaling.
    d_scores = [a * (g - mean) * scale for a, g in zip(attn, d_attn)]
    d_q = [sum(ds * k[d] for ds, k in zip(d_scores, keys)) for d in range(E)]
    d_keys = [[ds * qd for qd in q] for ds in d_scores]
    d_Wq = outer(d_q, hidden[-1])
    add_into(d_last, vec_mat(d_q, params["Wq"]))
    d_Wk, d_Wv = zeros_like({"Wk": params["Wk"], "Wv": params["Wv"]}).values()
    d_hidden = []
    for i, h_i in enumerate(hidden):
        add_into(d_Wk, outer(d_keys[i], h_i))
        add_into(d_Wv, outer(d_values[i], h_i))
        d_h_i = vec_mat(d_keys[i], params["Wk"])
        add_into(d_h_i, vec_mat(d_values[i], params["Wv"]))
        d_hidden.append(d_h_i)
    steps.append(BackwardStep(
        6, "attention",
        {"d_attn": d_attn, "d_values": d_values, "d_scores": d_scores, "d_q": d_q,
         "d_keys": d_keys},
        {"Wq": d_Wq, "Wk": d_Wk, "Wv": d_Wv},
    ))  # fmt: skip

    # Step 7: embeddings. The last position also fed the query and residual 1.
    add_into(d_hidden[-1], d_last)
    d_emb = zeros_like({"tok_emb": params["tok_emb"], "pos_emb": params["pos_emb"]})
    for i, tok in enumerate(ids):
        add_into(d_emb["tok_emb"][tok], d_hidden[i])  # a letter used twice adds up
        add_into(d_emb["pos_emb"][i], d_hidden[i])
    steps.append(BackwardStep(7, "embeddings", {"d_hidden": d_hidden}, d_emb))
    return steps


def backward(params: Params, cache: dict, target: int) -> Params:
    """The gradient of the loss for every weight, by the chain rule written out.

    Each weight's gradient is filled by exactly one of backward_steps()' 7 steps.
    """
    grads: Params = {}
    for step in backward_steps(params, cache, target):
        grads.update(step.weight_grads)
    return {name: grads[name] for name in params}  # in the params' order


def manual_loss_and_grads(
    params: Params, ids: list[int], target: int, config: Config | None = None
) -> tuple[float, Params]:
    """The loss -log p[target] on one window, and its gradient for every weight.

    config: given for a grown model, it is refused in one sentence that says why.
    """
    check_lesson6_shape(check_example(params, ids, target, config))
    cache = forward(params, ids)
    return cross_entropy(cache["logits"], target), backward(params, cache, target)
