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
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from functools import cache

from autograd import Value, dot, scope
from model.config import Config
from model.data import VOCAB
from model.dropout import Masks
from model.params import OUTPUT_NORM, Params, check_example, flatten, layer_weights, norm_of

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
# A grown model adds its norms inside these scopes ("attention/norm", "mlp/norm",
# "output/norm"), and runs its layers after the first in scopes of their own: "L2/mlp".
NORM = "norm"
ATTENTION_NORM = "attention/norm"
NORM_EPS = 1e-5  # keeps a norm finite for a vector of zeros, as PyTorch's default


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
    vparams: ValueParams,
    ids: list[int],
    target: int,
    fused: bool = True,
    trace: dict | None = None,
    *,
    config: Config | None = None,
    masks: Masks | None = None,
) -> Value:
    """The loss -log p[target] as a Value, each step of the lesson in its own scope.

    config gives the shape (heads, layers, norm; the sizes come from the weights);
    None is lesson 6's. masks (model.dropout) multiply the attention and MLP outputs
    of each layer; None: no dropout, and no node for it.

    Pass a dict as `trace` to get the intermediate Values back in it, by the names
    manual.forward() uses for its cache (hidden, q, keys, values, attn, x1, h_pre, h, x2,
    logits), plus q_dot_k (the scores before the 1/sqrt(E) scale), scores, attn_out and
    mlp_out: model.compare.compare_steps reads their .grad after backward(). For a
    grown model they are the last layer's, each head's after the other's.
    """
    logits = forward_logits(vparams, ids, fused, trace, config=config, masks=masks)
    with scope(LOSS):
        return log_sum_exp(logits) - logits[target]


def forward_logits(
    vparams: ValueParams,
    ids: list[int],
    fused: bool = True,
    trace: dict | None = None,
    *,
    config: Config | None = None,
    masks: Masks | None = None,
) -> list[Value]:
    """The logits of the character after the window `ids`: forward() without the loss."""
    config = config or Config()
    dot_ = dot if fused else pure_dot
    tok_emb, pos_emb = vparams["tok_emb"], vparams["pos_emb"]

    with scope(EMBEDDINGS):
        hidden = [[t + p for t, p in zip(tok_emb[tok], pos_emb[i])] for i, tok in enumerate(ids)]

    for layer in range(1, config.layers + 1):
        weights = layer_weights(vparams, layer, config)
        # The layers before the last give every position to the next; the last, its last only.
        last_only = layer == config.layers
        positions = [len(ids) - 1] if last_only else list(range(len(ids)))
        layer_masks = masks[layer - 1] if masks is not None else None
        # Layer 1 runs in lesson 6's scopes; layer 2 in "L2/attention/qkv", "L2/mlp", ...
        with scope(f"L{layer}") if layer > 1 else nullcontext():
            hidden = block(weights, hidden, positions, config, dot_, layer_masks,
                           trace if last_only else None)  # fmt: skip
    x2 = hidden[-1]

    with scope(OUTPUT):
        out_norm = norm_of(vparams, OUTPUT_NORM)
        if out_norm:
            with scope(NORM):
                x2 = normalize(x2, out_norm, dot_)
        logits = [dot_(row, x2) for row in vparams["W_out"]]
    if trace is not None:
        trace.update(logits=logits)
    return logits


def block(
    w: ValueParams,
    hidden: list[list[Value]],
    positions: list[int],
    config: Config,
    dot_: Callable,
    masks: tuple[list, list] | None,
    trace: dict | None,
) -> list[list[Value]]:
    """One layer: causal attention then the MLP, each added back to its input (a residual).

    hidden: the layer's input at every position of the window; returns its output at
    `positions` (each sees itself and the positions before it).
    """
    attn_norm, mlp_norm = norm_of(w, "attn_norm"), norm_of(w, "mlp_norm")
    normed = hidden
    if attn_norm:
        with scope(ATTENTION_NORM):
            normed = [normalize(h, attn_norm, dot_) for h in hidden]

    with scope(QKV):  # attention, in four steps: "attention/qkv", ...
        queries = [[dot_(row, normed[i]) for row in w["Wq"]] for i in positions]
        keys = [[dot_(row, h) for row in w["Wk"]] for h in normed]
        values = [[dot_(row, h) for row in w["Wv"]] for h in normed]

    outputs = []
    for n, (i, q) in enumerate(zip(positions, queries)):
        heads = attention(q, keys[: i + 1], values[: i + 1], config.heads, dot_)
        attn_out = heads["attn_out"]

        with scope(RESIDUAL1):  # dropout, then the residual
            if masks is not None:
                attn_out = [a * m for a, m in zip(attn_out, masks[0][n])]
            x1 = [h + a for h, a in zip(hidden[i], attn_out)]

        with scope(MLP):
            x = x1
            if mlp_norm:
                with scope(NORM):
                    x = normalize(x1, mlp_norm, dot_)
            h_pre = [dot_(row, x) + b for row, b in zip(w["W1"], w["b1"])]
            h = [s.relu() for s in h_pre]
            mlp_out = [dot_(row, h) + b for row, b in zip(w["W2"], w["b2"])]

        with scope(RESIDUAL2):
            if masks is not None:
                mlp_out = [m_out * m for m_out, m in zip(mlp_out, masks[1][n])]
            x2 = [a + m for a, m in zip(x1, mlp_out)]
        outputs.append(x2)

    if trace is not None:  # the last layer computes one position: the one compare_steps reads
        trace.update(
            hidden=hidden, q=queries[-1], keys=keys, values=values, **heads, x1=x1,
            h_pre=h_pre, h=h, mlp_out=mlp_out, x2=x2,
        )  # fmt: skip
    return outputs


def attention(
    q: list[Value], keys: list[list[Value]], values: list[list[Value]], heads: int, dot_: Callable
) -> dict[str, list[Value]]:
    """Each head looks at its own slice of q, the keys and the values; their outputs side by side.

    No output projection: lesson 6's single head has none. Returns attn_out and,
    for the trace, each head's q_dot_k, scores and attn, one head after the other.
    """
    size = len(q) // heads
    scale = 1.0 / math.sqrt(size)
    found: dict[str, list[Value]] = {"q_dot_k": [], "scores": [], "attn": [], "attn_out": []}
    for head in range(heads):
        part = slice(head * size, (head + 1) * size)
        with scope(SCORES):
            q_dot_k = [dot_(q[part], k[part]) for k in keys]
            scores = [s * scale for s in q_dot_k]
        with scope(SOFTMAX):
            attn = softmax(scores)
        with scope(ATTENTION_OUTPUT):
            attn_out = [dot_(attn, [v[d] for v in values]) for d in range(part.start, part.stop)]
        for name, part_values in [("q_dot_k", q_dot_k), ("scores", scores), ("attn", attn),
                                  ("attn_out", attn_out)]:  # fmt: skip
            found[name] += part_values
    return found


def normalize(x: list[Value], norm: dict[str, list], dot_: Callable) -> list[Value]:
    """LayerNorm (a gain and a bias: center, then scale) or RMSNorm (a gain: scale only).

    Either way each vector comes out with a root mean square of about 1, times the gain.
    """
    n = len(x)
    if "bias" in norm:  # LayerNorm: subtract the mean first
        mean = Value.sum(x) * (1.0 / n)
        x = [xi - mean for xi in x]
    inv_rms = (dot_(x, x) * (1.0 / n) + NORM_EPS) ** -0.5
    out = [xi * inv_rms * g for xi, g in zip(x, norm["gain"])]
    if "bias" in norm:
        out = [o + b for o, b in zip(out, norm["bias"])]
    return out


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
    params: Params, ids: list[int], target: int, fused: bool = True, config: Config | None = None
) -> tuple[float, Params]:
    """The loss on one window and the gradient of every weight, found by backward().

    config: the model's shape (a checkpoint's .config); None is lesson 6's. No dropout.
    """
    config = check_example(params, ids, target, config)
    vparams = to_values(params)
    loss = forward(vparams, ids, target, fused, config=config)
    loss.backward()
    return loss.data, grads_of(vparams)
