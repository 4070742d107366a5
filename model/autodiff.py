"""The same mini-LLM built from Values: write the forward pass, get the backward for free.

Compare with manual.py line by line: the forward is the same math, but every
number is a Value, so the whole computation is recorded as a graph, and one call
to loss.backward() finds what manual.backward() derives by hand in 7 steps.

Two ways to record a dot product (the model is mostly dot products):
- pure (`fused=False`): one `*` node per product and one `+` node for their sum,
  only the engine's primitives: about 10x more nodes;
- fused (`fused=True`, the default): one `dot` node per dot product (autograd.dot),
  the same gradients with far fewer nodes, so training is several times faster.

The three backends each have a forward() of their own, with their own contract.
This one: forward(vparams, ids, target) -> the loss of one window as a Value,
the root of the graph: loss.backward() fills the .grad of every weight Value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache

from autograd import Value, dot, scope
from model.data import VOCAB
from model.params import Params, check_example, flatten

ValueParams = dict[str, list]  # the weights as Values: name -> [Value] or [[Value]]

# The steps of forward(), each recorded in its own scope, in the order of the forward pass;
# a scope inside another is written "outer/inner". `minillm graph --scope` offers these.
SCOPES = (
    "embeddings",
    "attention/qkv",
    "attention/scores",
    "attention/softmax",
    "attention/output",
    "residual1",
    "mlp",
    "residual2",
    "output",
    "loss",
)
EMBEDDINGS, QKV, SCORES, SOFTMAX, ATTENTION_OUTPUT, RESIDUAL1, MLP, RESIDUAL2, OUTPUT, LOSS = SCOPES


def pure_dot(ws: Sequence[Value], xs: Sequence[Value]) -> Value:
    """w . x from primitives only: n `*` nodes, then one n-ary `+` node."""
    return Value.sum([w * x for w, x in zip(ws, xs)])


def _row_name(name: str, i: int) -> str:
    """tok_emb rows are named by their character (tok_emb[p]), other rows by number."""
    return VOCAB[i] if name == "tok_emb" and i < len(VOCAB) else str(i)


@cache
def _labels(name: str, row: int | None, length: int) -> tuple[str, ...]:
    """The labels of a vector of weights (b1[0], b1[1]...) or of a matrix's row (Wq[3][0]...).

    Made once per shape: to_values runs at every autograd_loss_and_grads call, and
    formatting the 2,832 labels each time would cost a third of that call.
    """
    prefix = name if row is None else f"{name}[{_row_name(name, row)}]"
    return tuple(f"{prefix}[{j}]" for j in range(length))


def to_values(params: Params) -> ValueParams:
    """Wrap every weight in a labelled Value leaf: Wq[3][5], b1[7], tok_emb[p][2]..."""
    vparams: ValueParams = {}
    for name, w in params.items():
        if isinstance(w[0], list):
            vparams[name] = [
                [Value(x, label) for x, label in zip(row, _labels(name, i, len(row)))]
                for i, row in enumerate(w)
            ]
        else:
            vparams[name] = [Value(x, label) for x, label in zip(w, _labels(name, None, len(w)))]
    return vparams


def leaves(vparams: ValueParams) -> list[Value]:
    """All the weight Values in one list: model.params.flatten(), which walks any weights."""
    return flatten(vparams)


def grads_of(vparams: ValueParams) -> Params:
    """The .grad of every weight Value, as plain floats in the params layout."""
    return {
        name: [[v.grad for v in row] for row in w]
        if isinstance(w[0], list)
        else [v.grad for v in w]
        for name, w in vparams.items()
    }


def forward(
    vparams: ValueParams, ids: list[int], target: int, fused: bool = True, trace: dict | None = None
) -> Value:
    """The loss -log p[target] as a Value, each step of the lesson in its own scope.

    Pass a dict as `trace` to get the intermediate Values back in it, by the names
    manual.forward() uses for its cache (hidden, q, keys, values, attn, x1, h_pre, h, x2,
    logits), plus q_dot_k (the scores before the 1/sqrt(E) scale), scores, attn_out and
    mlp_out: model.compare.compare_steps reads their .grad after backward().
    """
    dot_ = dot if fused else pure_dot
    tok_emb, pos_emb = vparams["tok_emb"], vparams["pos_emb"]
    E = len(vparams["Wq"])

    with scope(EMBEDDINGS):
        hidden = [[t + p for t, p in zip(tok_emb[tok], pos_emb[i])] for i, tok in enumerate(ids)]
    last = hidden[-1]

    with scope(QKV):  # attention, in four steps: "attention/qkv", ...
        q = [dot_(row, last) for row in vparams["Wq"]]
        keys = [[dot_(row, h) for row in vparams["Wk"]] for h in hidden]
        values = [[dot_(row, h) for row in vparams["Wv"]] for h in hidden]
    with scope(SCORES):
        scale = 1.0 / math.sqrt(E)
        q_dot_k = [dot_(q, k) for k in keys]
        scores = [s * scale for s in q_dot_k]
    with scope(SOFTMAX):
        attn = softmax(scores)
    with scope(ATTENTION_OUTPUT):
        attn_out = [dot_(attn, [v[d] for v in values]) for d in range(E)]

    with scope(RESIDUAL1):
        x1 = [h + a for h, a in zip(last, attn_out)]

    with scope(MLP):
        h_pre = [dot_(row, x1) + b for row, b in zip(vparams["W1"], vparams["b1"])]
        h = [s.relu() for s in h_pre]
        mlp_out = [dot_(row, h) + b for row, b in zip(vparams["W2"], vparams["b2"])]

    with scope(RESIDUAL2):
        x2 = [a + m for a, m in zip(x1, mlp_out)]

    with scope(OUTPUT):
        logits = [dot_(row, x2) for row in vparams["W_out"]]

    with scope(LOSS):
        loss = log_sum_exp(logits) - logits[target]
    if trace is not None:
        trace.update(
            hidden=hidden, q=q, keys=keys, values=values, q_dot_k=q_dot_k, scores=scores,
            attn=attn, attn_out=attn_out, x1=x1, h_pre=h_pre, h=h, mlp_out=mlp_out, x2=x2,
            logits=logits,
        )  # fmt: skip
    return loss


def softmax(scores: list[Value]) -> list[Value]:
    """exp(s_i - max) / sum_j exp(s_j - max).

    Shifting every score by the same number does not change the softmax, so no
    gradient flows through the max: it is detached. It is a node of the graph all
    the same, not a float read from .data, so that autograd.jit recomputes it.
    """
    top = Value.max(scores).detach()
    exps = [(s - top).exp() for s in scores]
    inv_total = Value.sum(exps) ** -1
    return [e * inv_total for e in exps]


def log_sum_exp(logits: list[Value]) -> Value:
    """log(sum(exp(l))) = max + log(sum(exp(l - max))): no overflow, and never log(0)."""
    top = Value.max(logits).detach()  # a node, as in softmax(): recomputed by autograd.jit
    return Value.sum([(l - top).exp() for l in logits]).log() + top


def autograd_loss_and_grads(
    params: Params, ids: list[int], target: int, fused: bool = True
) -> tuple[float, Params]:
    """The loss on one window and the gradient of every weight, found by backward()."""
    check_example(params, ids, target)
    vparams = to_values(params)
    loss = forward(vparams, ids, target, fused)
    loss.backward()
    return loss.data, grads_of(vparams)
