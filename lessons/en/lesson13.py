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
# > **Reminder**: click a grey cell, then **Shift + Enter** to run it.
# > Run the cells **in order**, from top to bottom.
#
# ---
#
# # Lesson 13: Growing the model
#
# Lesson 6 ends with a table, "What we did not implement": what real LLMs add to ours.
# Today we implement it, row by row. Each addition changes the **forward**; the
# **backward** we do not write: autograd finds it on its own.
#
# The plan:
# 1. lesson 6's table, and what the project does with it;
# 2. a second head, a second layer, a norm, dropout: one `Config` each;
# 3. the handwritten backward refuses the grown model; autograd and PyTorch agree;
# 4. we train each model for a while, and compare;
# 5. what the handwritten backward would have cost.

# %%
from lessons.kit import check, guess, number, out_file, quick_mode, start

start(13, "en")  # lesson 13, in English; your finished exercises are kept in lesson_output/

# %% [markdown]
# ## Step 1: lesson 6's table
#
# | What we did not implement | In the project |
# |---|---|
# | batching | `batch_size=32` when training, below |
# | LayerNorm | `Config(norm="layer")`, or `norm="rms"` (RMSNorm) |
# | dropout | `Config(dropout=0.1)` |
# | several heads | `Config(heads=2)` |
# | several layers | `Config(layers=2)` |
# | Adam | the default optimizer of `train()` |
# | the GPU | PyTorch's business (see "For real...") |
#
# `Config()`, with nothing, is exactly lesson 6's model. We grow it one notch at a
# time: each model keeps the previous one's addition. Look at the weights column: one
# more head adds **none** (the heads share `Wq`, `Wk` and `Wv`), one more layer adds
# many.

# %%
from model import Config, count_params

models = {
    "lesson 6": Config(),
    "+ a head": Config(heads=2),
    "+ a layer": Config(heads=2, layers=2),
    "+ a norm": Config(heads=2, layers=2, norm="rms"),
    "+ dropout": Config(heads=2, layers=2, norm="rms", dropout=0.1),
}
print(f"{'model':13} heads  layers  norm dropout weights")
for name, config in models.items():
    c = config
    print(f"{name:13} {c.heads:5} {c.layers:7} {c.norm:>5} {number(c.dropout):>7} "
          f"{count_params(c):7}")  # fmt: skip

# %% [markdown]
# ## Step 2: a second head
#
# An attention head looks at the vector's whole width. With two heads, each looks at
# **one half**: its own scores, its own softmax, and the two outputs are put side by
# side. Here are the lines of the forward (`model/autodiff.py`) that do it: the loop
# `for head in range(heads)`.

# %%
import inspect

from model import autodiff

print(inspect.getsource(autodiff.attention))

# %% [markdown]
# The heads share the width equally: their number must divide the vectors' width
# (`embed_dim`). Otherwise `Config` refuses, and says why.
#
# ### Your turn! (exercise 1)
#
# Choose a number of heads `heads`, more than one, that `Config` accepts. Change
# `heads` in the cell below, then run it, and the next one.

# %% tags=["values"]
heads = 3  # <-- a number of heads, more than one

# %%
heads = guess("heads", heads)
try:
    Config(heads=heads)
    heads_refused = ""
except ValueError as error:
    heads_refused = str(error)
print(heads_refused or f"Config(heads={heads}): accepted.")
well_done = f"Yes: {heads} heads of {Config().embed_dim // heads} numbers each."
hint = "Read Config's sentence above: it gives the numbers that work."
check(1, heads > 1 and not heads_refused, well_done, hint)

# %% [markdown]
# ## Step 3: a layer, a norm, dropout
#
# **A second layer** is the same block (attention then MLP) applied a second time, to
# the first one's output: a loop `for layer in ...`. **A norm** brings each vector back
# to a size of about 1 before the attention and before the MLP: the deep model learns
# more calmly. Here it is:

# %%
print(inspect.getsource(autodiff.normalize))

# %% [markdown]
# **Dropout**, last, switches off a random part of the attention's and the MLP's
# outputs while training (and makes the others bigger to match): the model cannot
# count on any single neuron. Those are the `masks` lines of `block()`.
#
# And the backward of all this? We wrote **not one line** of it.

# %% [markdown]
# ## Step 4: the handwritten backward refuses, autograd follows
#
# Lesson 6's backward, in 7 steps, is written for one head, one layer, no norm and no
# dropout. Let us ask it for the grown model's gradients:

# %%
from model import encode, init_params, manual_loss_and_grads

grown = models["+ dropout"]
grown_weights = init_params(grown)
ids = encode(".pika")
try:
    manual_loss_and_grads(grown_weights, ids[:-1], ids[-1], config=grown)
except ValueError as error:
    refusal = str(error)
    print(refusal)

# %% [markdown]
# That refusal is the lesson: each head, layer, norm or dropout would need backward
# steps of its own, derived and written by hand. Autograd finds them from the forward.
# Let us check it finds **the right** gradients: PyTorch (if it is installed, else the
# compiled backend) computes the same ones, weight by weight.

# %%
try:
    import torch  # noqa: F401  (only to know whether it is there)

    reference = "torch"
except ImportError:
    reference = "compiled"
    print("PyTorch is not installed: we compare with the compiled backend.")
print("reference:", reference)

# %%
from model.compare import compare_backends

gaps = {}
for name, config in models.items():
    weights = init_params(config)
    compared = compare_backends(weights, 20, backends=(reference, "autograd"), config=config)
    gaps[name] = max(compared["largest_difference"].values())
    print(f"{name:13} largest gap in a gradient: {number(gaps[name], '.1e')}")
print("all under 1e-12:", max(gaps.values()) < 1e-12)

# %% [markdown]
# (Dropout is off for this comparison: with the same masks the backends agree too,
# which the project's tests check.)

# %% [markdown]
# ## Step 5: training each model for a while
#
# Each model trains with Adam, in batches of 32 windows (`batch_size=32`), with
# PyTorch (or the compiled backend). In the quick form, on part of the names.

# %%
from model import load_names, train

backend = "torch" if reference == "torch" else "compiled"
names = load_names()
if quick_mode():
    names = names[:150]  # the quick form: part of the names
epochs = 1 if quick_mode() else 3
print(f"{len(names)} names, {epochs} epoch(s), backend {backend}")

# %%
results = {}
for name, config in models.items():
    file = out_file("grown.ckpt.json") if config == grown else None  # the grown one is kept
    result = train(names, config=config, backend=backend, batch_size=32, epochs=epochs,
                   progress=False, log=None, checkpoint=file)  # fmt: skip
    results[name] = result
    print(f"{name:13} trained in {number(result.seconds, '.1f')} s")
print("the grown model is kept in", results["+ dropout"].checkpoint)

# %% [markdown]
# The losses side by side (the last epoch's mean), and the names each model invents:

# %%
from model import generate

losses = {name: r.history[-1] for name, r in results.items()}
invented = {}
for name, config in models.items():
    weights = results[name].params
    invented[name] = [generate(weights, config=config, seed=seed) for seed in range(4)]
print(f"{'model':13} {'loss':>6}   names invented")
for name in models:
    print(f"{name:13} {number(losses[name], '.3f'):>6}   {', '.join(invented[name])}")

# %% [markdown]
# On such a short training, the bigger model does not necessarily have the smallest
# loss: it has more weights to tune. Train them longer (`epochs`) to see the difference
# build up.

# %% [markdown]
# ## Step 6: what the handwritten backward would have cost
#
# How many lines of code are the 7 steps of the handwritten backward
# (`manual.backward_steps`)? We will count them, without comments or the docstring.
#
# ### Your turn! (exercise 2)
#
# **Before** the count, guess that number of lines (`guess_lines`). Within a quarter
# is enough.

# %% tags=["values"]
guess_lines = 20  # <-- your answer: the code lines of the 7 steps

# %%
guess_lines = guess("guess_lines", guess_lines)

# %%
import ast
import textwrap


def code_lines(function):
    """A function's lines, without blank lines, comments or docstring."""
    source = textwrap.dedent(inspect.getsource(function))
    definition = ast.parse(source).body[0]
    doc = definition.body[0] if ast.get_docstring(definition) else None
    skipped = range(doc.lineno, doc.end_lineno + 1) if doc else range(0)
    lines = source.splitlines()
    kept = [line.strip() for n, line in enumerate(lines, 1) if n not in skipped]
    return [line for line in kept if line and not line.startswith("#")]


# %%
from model import manual

backward_lines = len(code_lines(manual.backward_steps))
print("the 7 steps of the handwritten backward:", backward_lines, "lines")
well_done = f"Well seen: {backward_lines} lines, for one head and one layer only."
hint = f"{guess_lines} is far off: look at lesson 6 again, each step has several lines."
check(2, abs(guess_lines - backward_lines) <= backward_lines / 4, well_done, hint)

# %% [markdown]
# And the forward, how many lines did it gain to grow? The whole norm (`normalize`),
# and the lines that speak of heads, layers, norms or masks in `forward_logits`,
# `block` and `attention`:

# %%
words = ("head", "layer", "norm", "mask")
functions = (autodiff.forward_logits, autodiff.block, autodiff.attention)
gained = code_lines(autodiff.normalize)
for function in functions:
    gained += [line for line in code_lines(function) if any(w in line for w in words)]
forward_lines = len(gained)
print("the forward gained:", forward_lines, "lines")
print("the handwritten backward has", backward_lines, "for lesson 6's model alone")

# %% [markdown]
# For the grown model, the handwritten backward would need new steps for each head,
# each layer, each norm and the dropout, to derive, write and check. With autograd:
# **zero** lines of backward.

# %% [markdown]
# ## For real...
#
# **PyTorch** puts all this in **modules** (`torch.nn`): `nn.MultiheadAttention` does
# several heads at once (with an output projection, which our model does not have),
# `nn.LayerNorm` and `nn.RMSNorm` the norms, `nn.Dropout` the dropout, on in
# `model.train()` and off in `model.eval()`. A GPT is a stack of blocks
# (`nn.ModuleList`), and `loss.backward()` finds the backward of the whole stack, as
# our autograd does.
#
# **The GPU**: the same computations on whole arrays (`.to("cuda")`), thousands of
# multiplications at once. Our `Value` does one number at a time: the algorithm is the
# same, only the scale differs.

# %% [markdown]
# ## What we learned
#
# - Several heads, several layers, a norm, dropout: each is a field of `Config` and a
#   few lines of forward.
# - The handwritten backward knows lesson 6's shape only, and refuses the rest: each
#   addition would need new steps written by hand.
# - Autograd finds the backward from the forward: its gradients are PyTorch's.
# - A bigger model does not necessarily learn faster: it has more weights to tune.
