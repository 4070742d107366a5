"""The same mini-LLM built from Values: write the forward pass, get the backward for free.

Compare with manual.py line by line: the forward is the same math, but every
number is a Value, so the whole computation is recorded as a graph, and one call
to loss.backward() finds what manual.backward() derives by hand in 7 steps.

Two ways to record a dot product (the model is mostly dot products):
- pure (`fused=False`): one `*` node per product and one `+` node for their sum,
  only the engine's primitives: about 10x more nodes;
- fused (`fused=True`, the default): one `dot` node per dot product (autograd.dot),
  the same gradients with far fewer nodes, so training is several times faster.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from autograd import Value, dot, scope
from model.data import VOCAB
from model.params import Params, check_example

ValueParams = dict[str, list]  # the weights as Values: name -> [Value] or [[Value]]


def pure_dot(ws: Sequence[Value], xs: Sequence[Value]) -> Value:
    """w . x from primitives only: n `*` nodes, then one n-ary `+` node."""
    return Value.sum([w * x for w, x in zip(ws, xs)])


def _row_name(name: str, i: int) -> str:
    """tok_emb rows are named by their character (tok_emb[p]), other rows by number."""
    return VOCAB[i] if name == "tok_emb" and i < len(VOCAB) else str(i)


def to_values(params: Params) -> ValueParams:
    """Wrap every weight in a labelled Value leaf: Wq[3][5], b1[7], tok_emb[p][2]..."""
    vparams: ValueParams = {}
    for name, w in params.items():
        if isinstance(w[0], list):
            vparams[name] = [
                [Value(x, f"{name}[{_row_name(name, i)}][{j}]") for j, x in enumerate(row)]
                for i, row in enumerate(w)
            ]
        else:
            vparams[name] = [Value(x, f"{name}[{i}]") for i, x in enumerate(w)]
    return vparams


def leaves(vparams: ValueParams) -> list[Value]:
    """All the weight Values in one list, in the order of model.params.flatten()."""
    flat: list[Value] = []
    for w in vparams.values():
        if isinstance(w[0], list):
            for row in w:
                flat.extend(row)
        else:
            flat.extend(w)
    return flat


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
    manual.forward() uses for its cache (q, keys, values, scores, attn, x1, h, x2, logits).
    """
    dot_ = dot if fused else pure_dot
    tok_emb, pos_emb = vparams["tok_emb"], vparams["pos_emb"]
    E = len(vparams["Wq"])

    with scope("embeddings"):
        hidden = [[t + p for t, p in zip(tok_emb[tok], pos_emb[i])] for i, tok in enumerate(ids)]
    last = hidden[-1]

    with scope("attention"):
        with scope("qkv"):
            q = [dot_(row, last) for row in vparams["Wq"]]
            keys = [[dot_(row, h) for row in vparams["Wk"]] for h in hidden]
            values = [[dot_(row, h) for row in vparams["Wv"]] for h in hidden]
        with scope("scores"):
            scale = 1.0 / math.sqrt(E)
            scores = [dot_(q, k) * scale for k in keys]
        with scope("softmax"):
            attn = softmax(scores)
        with scope("output"):
            attn_out = [dot_(attn, [v[d] for v in values]) for d in range(E)]

    with scope("residual1"):
        x1 = [h + a for h, a in zip(last, attn_out)]

    with scope("mlp"):
        h = [(dot_(row, x1) + b).relu() for row, b in zip(vparams["W1"], vparams["b1"])]
        mlp_out = [dot_(row, h) + b for row, b in zip(vparams["W2"], vparams["b2"])]

    with scope("residual2"):
        x2 = [a + m for a, m in zip(x1, mlp_out)]

    with scope("output"):
        logits = [dot_(row, x2) for row in vparams["W_out"]]

    with scope("loss"):
        loss = log_sum_exp(logits) - logits[target]
    if trace is not None:
        trace.update(
            hidden=hidden, q=q, keys=keys, values=values, scores=scores, attn=attn,
            x1=x1, h=h, x2=x2, logits=logits,
        )  # fmt: skip
    return loss


def softmax(scores: list[Value]) -> list[Value]:
    """exp(s_i - max) / sum_j exp(s_j - max).

    The max is used as a plain number: shifting every score by the same constant
    does not change the softmax, so its gradient does not depend on it.
    """
    top = max(s.data for s in scores)
    exps = [(s - top).exp() for s in scores]
    inv_total = Value.sum(exps) ** -1
    return [e * inv_total for e in exps]


def log_sum_exp(logits: list[Value]) -> Value:
    """log(sum(exp(l))) = max + log(sum(exp(l - max))): no overflow, and never log(0)."""
    top = max(l.data for l in logits)
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
