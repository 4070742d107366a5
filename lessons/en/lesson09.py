# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# > **Reminder**: click on a grey cell, then **Shift + Enter** to run it.
# > Run the cells **in order**, from the top.
#
# ---
#
# # Lesson 9: The mini-LLM built from Values
#
# The mini-LLM of lessons 5 and 6, written once more, but with `Value`s: its forward
# pass is the same math, and `backward()` finds its gradients on its own.
#
# The plan:
# 1. the same model, with Values: the same loss;
# 2. how many Values one position makes, and why;
# 3. a picture of a readable part of the graph;
# 4. the gradients of `backward()` next to the handwritten ones, weight by weight;
# 5. lesson 6's 7 steps, found again inside `backward()`.

# %%
from lessons.kit import check, checked, draw, guess, number, play, quick_mode, start

start(9, "en")  # lesson 9, in English; the exercises you do are kept in lesson_output/

# %% [markdown]
# ## Step 1: the same model, with Values
#
# The model reads a **window** of letters (`window`, 8 at most) and must guess the next
# letter (`next_letter`). Exercise 1 will have you change the window here, then run the
# cells below again.

# %% tags=["values"]
window = ".pik"  # <-- the letters the model sees (exercise 1: try ".bulbiza")
next_letter = "a"  # <-- the letter it should guess next

# %%
from lessons.kit.values import BadValue
from model import Config, count_params, encode, init_params, manual
from model.data import VOCAB

window, next_letter = checked("window", window), checked("next_letter", next_letter)
unknown = sorted(set(window + next_letter) - set(VOCAB))
if unknown:
    raise BadValue(
        f"{unknown}: the window and the next letter may use only '.' and the letters "
        "a to z; change window or next_letter above."
    )
config = Config()
ids = encode(window)[-config.context :]  # the last 8 letters at most
target = encode(next_letter)[0]
print("window:", window, "; ids:", ids, "; letter to guess:", next_letter, "=", target)

# %% [markdown]
# The same weights as in lesson 6 (same seed, 42), but each number is wrapped in a named
# `Value` (`Wq[3][5]`...). We write only the forward pass:

# %%
from model.autodiff import forward, leaves, to_values

params = init_params(config, seed=42)  # lists of floats, as in lesson 6
vparams = to_values(params)  # {"Wq": [[Value, ...], ...], ...}
loss = forward(vparams, ids, target)  # the forward pass, with Values
loss_floats = manual.cross_entropy(manual.forward(params, ids)["logits"], target)
loss_gap = abs(loss.data - loss_floats)
print("numbers in the model:", number(count_params(config), ","))
print("leaf Values:         ", number(len(leaves(vparams)), ","))
print("loss with Values:", number(loss.data, ".12f"))
print("loss with floats:", number(loss_floats, ".12f"), "  (lesson 6's code)")

# %% [markdown]
# The same number: the forward pass is the same math. Backward? Nothing to write.

# %% [markdown]
# ## Step 2: how many Values for one position?
#
# Each operation of the forward pass makes one Value, which `backward()` visits. Let's
# count them with `topological_order(loss)`, in two graphs:
#
# - **fused**: a dot product `w1*x1 + ... + w16*x16` is one `dot` node;
# - **pure**: only the five primitives, so 16 `*` nodes, then one `+` node.

# %%
from collections import Counter

from autograd import topological_order


def count_nodes(ids, target, fused):
    """The Values of one position's graph, by kind: weights, constants, operations."""
    counts = Counter()
    for v in topological_order(forward(to_values(params), ids, target, fused)):
        if v.children:
            counts[v.op] += 1  # an operation: dot, *, +, exp...
        else:
            counts["weights" if v.label else "constants"] += 1  # a leaf
    counts["total"] = sum(counts.values())
    return counts


# %% [markdown]
# The model is mostly dot products. A window of `n` letters computes 16 for the query
# `q`, 2 × n × 16 for the keys and values, n scores, 16 for the attention output,
# 32 + 16 for the MLP and 27 for the logits.


# %%
def dot_products(n):
    """How many dot nodes for a window of n letters."""
    E, H, V = config.embed_dim, config.hidden_dim, config.vocab_size  # 16, 32, 27
    # q: E | keys and values: 2nE | scores: n | attention output: E
    # MLP: H + E | logits: V
    return E + 2 * n * E + n + E + H + E + V


fixed, per_letter = dot_products(0), dot_products(1) - dot_products(0)
print(f"dot products for n letters: {fixed} + {per_letter} × n")

# %% [markdown]
# ### Your turn! (exercise 1)
#
# Change `window` in step 1's cell to see more letters (8 at most: try `".bulbiza"`),
# then run the cells from there again.

# %%
n = len(ids)
fused_counts = count_nodes(ids, target, True)
well_done = (
    f"With {n} letter(s), one position now makes {number(fused_counts['total'], ',')} "
    "Values (fused). The more letters, the more keys, values and scores."
)
hint = f'The window still has {n} letters. Try a longer one, for example window = ".bulbiza".'
check(1, n != len(".pik"), well_done, hint)

# %% [markdown]
# ### Your turn! (exercise 2)
#
# **Before** the count: how many `dot` nodes for your `n` letters? Write your answer in
# `guess_dots`.

# %% tags=["values"]
guess_dots = 0  # <-- your count of the dot nodes for your window

# %%
guess_dots = guess("guess_dots", guess_dots)

# %% [markdown]
# The count, kind by kind, in both graphs:

# %%
pure_counts = count_nodes(ids, target, False)
kinds = ["weights", "constants", "dot", "*", "+", "exp", "log", "relu", "**", "total"]
print(f"{'kind of node':14} {'fused':>9} {'pure':>9}")
for kind in kinds:
    print(f"{kind:14} {number(fused_counts[kind], ','):>9} {number(pure_counts[kind], ','):>9}")
well_done = f"Right: {guess_dots} dot products for {n} letter(s), exactly what the graph holds."
hint = f"Not {guess_dots}. Put n = {n} into the formula {fixed} + {per_letter} × n."
check(2, guess_dots == fused_counts["dot"], well_done, hint)

# %% [markdown]
# In the pure graph, a dot product of `m` numbers is `m` `*` nodes and one `+`: one node
# more per number than the single `dot` of the fused graph. Let's check:

# %%
E, H, V = config.embed_dim, config.hidden_dim, config.vocab_size
# the length of each dot product, times how many there are, step by step
extra = E * E + 2 * n * E * E + n * E + E * n + H * E + E * H + V * E
pure_gap = pure_counts["total"] - fused_counts["total"]
predicted = dot_products(n)
print(f"{fixed} + {per_letter} × {n} = {predicted}; the graph holds {fused_counts['dot']}")
print("pure - fused:", number(pure_gap, ","), "; predicted:", number(extra, ","))
used, every = fused_counts["weights"], count_params(config)
print(f"weights in the graph: {number(used, ',')}, not {number(every, ',')}")

# %% [markdown]
# The weights missing from the graph embed letters and positions that are not in the
# window: they play no part in this loss.
#
# And for windows of 1 to 8 letters? One position's pure graph (fused in brackets):

# %%
longest = encode(".pikachu")  # 8 different letters: each uses its own embedding row
by_length = {}
for length in range(1, config.context + 1):
    letters = ids if length == len(ids) else longest[:length]
    by_length[length] = [
        count_nodes(letters, target, False)["total"],
        count_nodes(letters, target, True)["total"],
    ]
largest = max(p for p, _ in by_length.values())
for length, (p, f) in by_length.items():
    bar = "█" * round(40 * p / largest)
    print(f"{length} letter(s) {number(p, ','):>7} {bar} (fused: {number(f, ',')})")

# %%
pure_per_letter = (by_length[config.context][0] - by_length[1][0]) / (config.context - 1)
name = [min(p + 1, config.context) for p in range(10)]  # a 9-letter name: 10 positions
per_name = sum(by_length[length][0] for length in name)
print("each extra letter: about", number(pure_per_letter, ",.0f"), "pure nodes")
print("a 9-letter name, 10 positions:", number(per_name, ","), "nodes")

# %% [markdown]
# All those nodes are built and walked back, for each name and at each epoch. That's
# why autograd is slower than the handwritten backward, and why the fused `dot` helps.

# %% [markdown]
# ## Step 3: a picture of a readable part
#
# Thousands of boxes make a grey blur. Two readable views: one box per step of the model
# (each `with scope(...)` in `model/autodiff.py`), then a single attention score.

# %%
loss = forward(to_values(params), ids, target)
loss.backward()
draw(loss, "scopes", "the mini-LLM, one box per step", group_by="scope")

# %% [markdown]
# One attention score: 16 products `q[d] * k[d]`, added up, times 0.25 (1/sqrt(16)).
# The dashed boxes `q[d]` and `k[d]` come from `attention/qkv`. All 16 products have the
# same gradient: a sum passes its gradient on unchanged.

# %%
trace = {}  # forward() puts its intermediate Values here: q, keys, scores...
pure_loss = forward(to_values(params), ids, target, fused=False, trace=trace)
pure_loss.backward()
score = trace["scores"][0]  # how much the last letter looks at the first one
print("score:", number(score.data, ".4f"), "; its gradient:", number(score.grad, ".4f"))
total, factor = score.children  # the sum of the products q[d] * k[d], and 1/sqrt(16)
product_grads = sorted({product.grad for product in total.children})
print(len(total.children), "products, times", number(factor.data), end="")
print("; their gradients:", ", ".join(number(g, ".4f") for g in product_grads))
draw(pure_loss, "one_score", "one attention score, in the pure graph", focus=score)

# %% [markdown]
# ## Step 4: the same gradients as the handwritten backward?
#
# The real test: the gradients of all the weights from lesson 6's handwritten backward,
# and from `backward()` on the fused and on the pure graph, compared weight by weight.

# %%
from model.autodiff import grads_of
from model.compare import largest_difference

by_hand = manual.backward(params, manual.forward(params, ids), target)
by_graph = {}
for fused in (True, False):
    values = to_values(params)
    forward(values, ids, target, fused).backward()
    by_graph[fused] = grads_of(values)
gaps = {
    name: max(largest_difference(by_hand[name], by_graph[f][name]) for f in (True, False))
    for name in params
}
worst_weight = max(gaps, key=gaps.get)
gap_one_position = gaps[worst_weight]
print("largest difference:", number(gap_one_position, ".1e"), "on", worst_weight)

# %% [markdown]
# Rounding, in the 16th digit. And over many positions?

# %%
from model.compare import compare_backends

positions = 20 if quick_mode() else 200  # --quick: fewer positions
report = compare_backends(params, positions)
gap_positions = max(report["largest_difference"].values())
print(f"over {report['positions']} positions: largest difference", number(gap_positions, ".1e"))

# %% [markdown]
# `backward()` found on its own what lesson 6's backward computes by hand.
#
# ### Your turn! (exercise 3)
#
# Change `weight` (`"tok_emb"`, `"pos_emb"`...): which entries get no gradient, and why?

# %% tags=["values"]
weight = "Wq"  # <-- the weight to look at closely: try "tok_emb" or "pos_emb"

# %%
from model.params import WEIGHTS, flatten

weight = checked("weight", weight)
if weight not in WEIGHTS:
    raise BadValue(f"there is no weight {weight!r}; choose one of: {', '.join(WEIGHTS)}")
values = to_values(params)
forward(values, ids, target).backward()
entries = leaves({weight: values[weight]})  # its numbers, in order
hand = flatten({weight: by_hand[weight]})
with_grad, how_many = sum(1 for g in hand if g != 0.0), len(hand)
print(f"{weight}: {with_grad} of its {how_many} numbers have a gradient here")
biggest = sorted(range(how_many), key=lambda i: -abs(hand[i]))[:3]
for i in biggest:
    gap = abs(hand[i] - entries[i].grad)
    by_hand_i, autograd_i = number(hand[i], "+.6f"), number(entries[i].grad, "+.6f")
    print(f"  {entries[i].label:12} by hand {by_hand_i}   autograd {autograd_i}", end="")
    print("   difference", number(gap, ".1e"))

# %%
well_done = (
    f"In {weight}, {with_grad} of {how_many} numbers have a gradient. For tok_emb, only the "
    "rows of the letters in the window; for pos_emb, only the positions used: a weight "
    "that played no part in this position gets nothing."
)
hint = f'Wq: all {how_many} numbers have a gradient here. Try "tok_emb": how many rows?'
check(3, weight != "Wq", well_done, hint)

# %% [markdown]
# ## Step 5: the 7 handwritten steps, found again inside backward()
#
# Lesson 6's backward computes the gradient of the loss for each intermediate quantity:
# `d_logits`, then `d_x2`, then `d_h`... These are Values of the graph too, and
# `backward()` leaves the same gradients in their `.grad`, scope by scope, from the loss
# back to the embeddings: the order of the 7 steps. The handwritten `d_scores` has
# 1/sqrt(16) folded in: it is compared with the `.grad` of `q . k` before that division.

# %%
from model.cli.graph_player import step_name
from model.compare import compare_steps

steps = compare_steps(params, ids, target)
for step in steps:
    computes = ", ".join(q.name for q in step.quantities)
    name = step_name(step.number, "en")  # output, W_out, residual 2...
    print(f"{step.number} {name:12} max diff {number(step.largest_difference, '.1e'):>8}")
    print(f"    computes: {computes}")
    print(f"    scopes:   {', '.join(step.scopes)}")
steps_gap = max(s.largest_difference for s in steps)

# %% [markdown]
# The player replays `backward()` scope by scope (→ forward, ← back); each scope says
# which handwritten step it is:

# %%
from model.cli.graph_player import step_notes

notes = step_notes(steps, "en")  # each scope: its handwritten step
loss = forward(to_values(params), ids, target)
play(loss, "scopes_player", "the mini-LLM, scope by scope", group_by="scope", notes=notes)

# %% [markdown]
# ## For real...
#
# **PyTorch** does not make one Value per number: its nodes are operations on whole
# **tensors**. A matrix-vector product is **one** node, not thousands of `*` and `+`:
# our fused `dot`, taken all the way. One position's graph then holds a few dozen nodes,
# and each node computes many numbers at once, in C++.
#
# **JAX** traces the function once (`jax.make_jaxpr`) into a short list of operations on
# arrays, and `jax.grad` derives the function of its gradients from it.
#
# If PyTorch is installed (`pip install torch`), the next cell counts the nodes of a
# neuron with 16 inputs, a graph that our Value builds with 16 `*`:

# %%
try:
    import torch
except ImportError:
    torch = None
    print("PyTorch is not installed: this cell does nothing.")
if torch is not None:
    w = torch.ones(16, requires_grad=True)
    y = (w @ torch.ones(16)).relu()  # a dot product of 16 numbers, then relu
    to_visit, torch_nodes = [y.grad_fn], 0
    while to_visit:
        node = to_visit.pop()
        torch_nodes += 1
        to_visit += [after for after, _ in node.next_functions if after is not None]
    print("PyTorch: nodes in the neuron's graph:", torch_nodes)

# %% [markdown]
# ## What we learned
#
# - Built from Values, the mini-LLM is the same math as with floats: same loss.
# - One position makes thousands of Values, mostly dot products; a fused `dot` makes far
#   fewer.
# - `backward()` gives the gradients of lesson 6's 7 handwritten steps, to the 16th digit.
#
# **Next**, lesson 10: training with autograd, and who goes faster.
