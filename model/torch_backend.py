"""The same mini-LLM in PyTorch: tensors instead of lists, loss.backward() instead of 7 steps.

Read it next to manual.py and autodiff.py: the forward pass is the lesson's, step
by step, but every line works on a whole vector (or a whole batch of windows) at
once, and PyTorch's autograd finds the gradients, as Value.backward() does, in
float64 so that all three backends agree to the last digits.

Plain lists in and out, like the other backends, so that the training loop,
the optimizers (model.optim) and the checkpoints are the same for all three:
- torch_loss_and_grads(params, ids, target): one window, same contract as
  manual_loss_and_grads and autograd_loss_and_grads;
- torch_step / torch_batch_step: the steps training runs, on flat lists; a
  batch of N windows is padded into one (N, T) tensor and computed in one pass.

The three backends each have a forward() of their own, with their own contract.
This one: forward(w, ids, lengths) -> the logits of a whole batch of windows, a
(B, vocab) tensor; window_losses() turns them into one loss per window.

PyTorch is an optional extra (pip install '.[torch]'); nothing else in the
project imports this module until the "torch" backend is asked for.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from model.autodiff import NORM_EPS
from model.dropout import dropout_masks
from model.params import (
    OUTPUT_NORM,
    Config,
    Params,
    check_example,
    config_of,
    flatten,
    layer_weights,
    norm_of,
    shapes,
    unflatten,
)
from model.step_types import TORCH_MISSING, BatchStep, Step, TorchNotInstalled, Window

try:
    import torch
    import torch.nn.functional as F
except ModuleNotFoundError as err:
    if err.name != "torch":
        raise
    raise TorchNotInstalled(TORCH_MISSING) from None

DTYPE = torch.float64  # the scalar backends compute in Python floats, which are float64


# ---------------------------------------------------------------- weights as tensors


def as_weights(flat: torch.Tensor, config: Config) -> dict[str, torch.Tensor]:
    """The ten weights, named and shaped, cut out of one flat vector (model.params.flatten order).

    Each is a leaf of the graph, like a weight Value in autodiff.py: loss.backward()
    fills its .grad.
    """
    sizes = [math.prod(shape) for shape in shapes(config).values()]
    parts = torch.split(flat.detach(), sizes)  # views, not copies
    return {
        name: part.view(shape).requires_grad_()
        for (name, shape), part in zip(shapes(config).items(), parts)
    }


def flat_grad(weights: dict[str, torch.Tensor]) -> torch.Tensor:
    """The weights' gradients as one vector, in the same order as the weights."""
    return torch.cat([w.grad.view(-1) for w in weights.values()])


def to_tensor(numbers: list[float]) -> torch.Tensor:
    """A float64 copy of a list of floats.

    Through an array of doubles, because torch.tensor(list) looks at every float
    on its own and takes about 3x longer; the tensor keeps the array alive.
    """
    return torch.frombuffer(array("d", numbers), dtype=DTYPE)


@contextmanager
def one_thread() -> Iterator[None]:
    """Compute on one thread, then give PyTorch its setting back.

    This model's tensors are tiny (a batch of 64 windows is 64 x 8 x 16 numbers):
    sharing each operation among threads costs more than it saves. Measured on
    2 cores, batches of 64: 13 us per position on one thread, 10 to 100 times
    slower on two as soon as another program keeps a core busy.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def pad(windows: Sequence[Window]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Windows of different lengths as one (B, T) tensor, padded on the right with id 0.

    Returns (ids, lengths, targets). The padding is never looked at: forward()
    gives it no attention, so a padded window has the same loss as alone.
    """
    longest = max(len(ids) for ids, _ in windows)
    ids = torch.tensor([list(ids) + [0] * (longest - len(ids)) for ids, _ in windows])
    lengths = torch.tensor([len(ids) for ids, _ in windows])
    targets = torch.tensor([target for _, target in windows])
    return ids, lengths, targets


# ---------------------------------------------------------------- forward


def forward(
    w: dict[str, torch.Tensor],
    ids: torch.Tensor,
    lengths: torch.Tensor,
    config: Config = Config(),
    masks: list[tuple[torch.Tensor, torch.Tensor]] | None = None,
) -> torch.Tensor:
    """The logits (B, vocab) of a batch of windows: ids (B, T), of which lengths (B,) are real.

    Shapes in the comments: B windows, T positions, E = embed_dim, H = hidden_dim.
    A weight W acts on a vector as W @ x; on a batch of row vectors that is x @ W.T.
    config gives the shape (heads, layers, norm); masks, one (attention, mlp) pair per
    layer, are the dropout masks (batch_masks()); None: no dropout.
    """
    B, T = ids.shape
    rows = torch.arange(B)

    # 1. Embeddings: each character's vector plus its position's vector.
    hidden = w["tok_emb"][ids] + w["pos_emb"][:T]  # (B, T, E)
    # The layers before the last: every position looks at itself and the ones before it.
    # Padding is on the right, so no real position ever looks at it.
    causal = torch.ones(T, T, dtype=torch.bool).tril().unsqueeze(0)  # (1, T, T): True: allowed
    for layer in range(1, config.layers):
        layer_masks = masks[layer - 1] if masks is not None else None
        hidden = block(layer_weights(w, layer, config), hidden, hidden, causal, config,
                       layer_masks)  # fmt: skip
    # The last layer, from the last position only: its query against every key.
    # Padding gets a score of -inf, so softmax gives it a weight of exactly 0:
    # it changes neither the loss nor any gradient.
    last = hidden[rows, lengths - 1].unsqueeze(1)  # (B, 1, E): the last real character
    real = (torch.arange(T) < lengths.unsqueeze(1)).unsqueeze(1)  # (B, 1, T)
    layer_masks = masks[-1] if masks is not None else None
    x2 = block(layer_weights(w, config.layers, config), hidden, last, real, config, layer_masks)

    # 6. Output: one score (logit) per character of the vocabulary.
    x2 = normalize(x2.squeeze(1), norm_of(w, OUTPUT_NORM))
    return x2 @ w["W_out"].T  # (B, vocab)


def block(
    w: dict[str, torch.Tensor],
    hidden: torch.Tensor,
    at: torch.Tensor,
    allowed: torch.Tensor,
    config: Config,
    masks: tuple[torch.Tensor, torch.Tensor] | None,
) -> torch.Tensor:
    """One layer at the positions `at` (B, P, E) of the layer's input `hidden` (B, T, E).

    allowed (B or 1, P, T) says which positions each of them may look at. Returns (B, P, E).
    """
    B, T, E = hidden.shape
    P, heads = at.shape[1], config.heads
    size = E // heads

    # 2. Attention: each head on its own slice of the E numbers, outputs side by side.
    normed, normed_at = (
        normalize(hidden, norm_of(w, "attn_norm")),
        normalize(at, norm_of(w, "attn_norm")),
    )
    q = (normed_at @ w["Wq"].T).view(B, P, heads, size).transpose(1, 2)  # (B, heads, P, size)
    keys = (normed @ w["Wk"].T).view(B, T, heads, size).transpose(1, 2)  # (B, heads, T, size)
    values = (normed @ w["Wv"].T).view(B, T, heads, size).transpose(1, 2)
    scores = q @ keys.transpose(-1, -2) / math.sqrt(size)  # (B, heads, P, T): q . k_i / sqrt
    attn = torch.softmax(scores.masked_fill(~allowed.unsqueeze(1), -math.inf), dim=-1)
    attn_out = (attn @ values).transpose(1, 2).reshape(B, P, E)  # sum_i attn_i * v_i

    # 3. Residual 1: add the attention's result (after dropout) to the input.
    x1 = at + (attn_out if masks is None else attn_out * masks[0])

    # 4. MLP: H ReLU neurons, then back to E numbers.
    h = torch.relu(normalize(x1, norm_of(w, "mlp_norm")) @ w["W1"].T + w["b1"])  # (B, P, H)
    mlp_out = h @ w["W2"].T + w["b2"]  # (B, P, E)

    # 5. Residual 2.
    return x1 + (mlp_out if masks is None else mlp_out * masks[1])


def normalize(x: torch.Tensor, norm: dict[str, torch.Tensor]) -> torch.Tensor:
    """LayerNorm (gain and bias) or RMSNorm (gain) over the last dimension; none: x itself.

    Written out, not F.layer_norm, so that it is autodiff.normalize() line for line.
    """
    if not norm:
        return x
    if "bias" in norm:
        x = x - x.mean(dim=-1, keepdim=True)
    x = x * ((x * x).mean(dim=-1, keepdim=True) + NORM_EPS) ** -0.5 * norm["gain"]
    return x + norm["bias"] if "bias" in norm else x


def batch_masks(
    config: Config, windows: Sequence[Window], mask_seeds: Sequence[int] | None
) -> list[tuple[torch.Tensor, torch.Tensor]] | None:
    """Each window's dropout masks (model.dropout) as tensors, one (attention, mlp) pair per layer.

    A shorter window's rows are padded with 1.0, which never reach a real position.
    None without mask seeds or without dropout.
    """
    if mask_seeds is None or config.dropout == 0:
        return None
    per_window = [dropout_masks(config, len(ids), s) for (ids, _), s in zip(windows, mask_seeds)]
    ones = [1.0] * config.embed_dim
    stacked = []
    for layer in range(config.layers):
        pair = []
        for part in (0, 1):
            rows = [m[layer][part] for m in per_window]
            width = max(len(r) for r in rows)
            padded = [r + [ones] * (width - len(r)) for r in rows]
            pair.append(torch.tensor(padded, dtype=DTYPE))
        stacked.append((pair[0], pair[1]))
    return stacked


def window_losses(
    w: dict[str, torch.Tensor],
    windows: Sequence[Window],
    config: Config = Config(),
    mask_seeds: Sequence[int] | None = None,
) -> torch.Tensor:
    """-log p[target] of each window (B,), with log-softmax inside cross_entropy.

    cross_entropy never takes log(p) of a p that rounded to 0, like manual.cross_entropy.
    """
    ids, lengths, targets = pad(windows)
    logits = forward(w, ids, lengths, config, batch_masks(config, windows, mask_seeds))
    return F.cross_entropy(logits, targets, reduction="none")


# ---------------------------------------------------------------- plain lists in and out


def losses_and_mean_grad(
    weights: list[float],
    config: Config,
    batch: Sequence[Window],
    mask_seeds: Sequence[int] | None = None,
) -> tuple[list[float], list[float]]:
    """Each window's loss, and the gradient of their mean, for flat lists of weights.

    The mean, not the sum: a step then has the same size whatever the batch size.
    """
    with one_thread():
        w = as_weights(to_tensor(weights), config)  # a copy: `weights` is never changed
        losses = window_losses(w, batch, config, mask_seeds)
        losses.mean().backward()  # the whole backward pass: manual.backward()'s 7 steps
        return losses.tolist(), flat_grad(w).tolist()


def torch_loss_and_grads(
    params: Params, ids: list[int], target: int, config: Config | None = None
) -> tuple[float, Params]:
    """The loss -log p[target] on one window, and its gradient for every weight, by PyTorch.

    Same contract as manual_loss_and_grads: plain lists in, the same keys and
    shapes out, `params` left untouched, the same errors for a malformed window.
    config: the model's shape (None: lesson 6's); no dropout.
    """
    config = check_example(params, ids, target, config)
    losses, grads = losses_and_mean_grad(flatten(params), config, [(ids, target)])
    return losses[0], unflatten(grads, config)


def mean_loss(params: Params, windows: Sequence[Window], config: Config | None = None) -> float:
    """The mean loss of many windows at these weights: one pass, no gradients, no steps.

    To measure a model on all the names at once (9,412 windows take a blink). No dropout.
    """
    config = config_of(params, config)
    with torch.no_grad(), one_thread():
        w = as_weights(to_tensor(flatten(params)), config)
        return window_losses(w, windows, config).mean().item()


def torch_step(config: Config = Config()) -> Step:
    """The "torch" backend's step on one window, as model.backends.make_step("torch") gives it."""

    def step(
        weights: list[float], ids: list[int], target: int, *, mask_seed: int | None = None
    ) -> tuple[float, list[float]]:
        seeds = None if mask_seed is None else [mask_seed]
        losses, grads = losses_and_mean_grad(weights, config, [(ids, target)], seeds)
        return losses[0], grads

    return step


def torch_batch_step(config: Config = Config()) -> BatchStep:
    """The step on a whole batch of windows in one pass, for train(batch_size=N)."""

    def batch_step(
        weights: list[float], batch: list[Window], mask_seeds: list[int] | None = None
    ) -> tuple[list, list[float]]:
        return losses_and_mean_grad(weights, config, batch, mask_seeds)

    return batch_step
