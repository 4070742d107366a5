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
# # Lesson 11: Outgrowing scalars, the same model in PyTorch
#
# Since lesson 7, every number of the model has been a Value, with a note of how it was
# made. **PyTorch** works the same way, but its numbers come in **tensors**: whole vectors
# and matrices at once.
#
# Today:
# 1. the same model with tensors: the same gradients;
# 2. batches: many windows at once, far less time per position;
# 3. a lower loss in the same time;
# 4. one checkpoint that every backend reads.
#
# PyTorch is an optional extra of this project: `pip install -e '.[torch]'`
# (that installs torch==2.13.0). Lessons 6 to 10 work without it.

# %%
from lessons.kit import check, checked, guess, number, out_file, quick_mode, start

start(11, "en")  # lesson 11, in English; your finished exercises are kept in lesson_output/

# %%
try:
    import torch
except ModuleNotFoundError:
    import sys

    print(
        "This lesson needs PyTorch, which is not installed here (and does not run in a web\n"
        "browser). On your computer, install it with\n"
        "    pip install -e '.[torch]'\n"
        "(that installs torch==2.13.0), then run the lesson again.",
        file=sys.stderr,
    )
    raise SystemExit(2) from None  # the lesson stops here, without a traceback

# %% [markdown]
# ## Step 1: the same model, with tensors
#
# A tensor made with `requires_grad=True` is a leaf, each operation writes a note, and
# `loss.backward()` walks the notes backwards: exactly our Value. The smallest example,
# `y = (w * x + b) ** 2`, three times: by hand, with a Value, with tensors.

# %%
from autograd import Value

w, x, b = Value(0.5), Value(2.0), Value(-0.3)
y = (w * x + b) ** 2
y.backward()

tw = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
tx = torch.tensor(2.0, dtype=torch.float64)  # an input: no gradient wanted
tb = torch.tensor(-0.3, dtype=torch.float64, requires_grad=True)
ty = (tw * tx + tb) ** 2
ty.backward()

by_hand = 2 * (w.data * x.data + b.data)  # dy/d(wx + b), the chain rule's first link
rows = [
    ("dy/dw", by_hand * x.data, w.grad, tw.grad.item()),
    ("dy/db", by_hand, b.grad, tb.grad.item()),
]
for name, hand, by_value, by_torch in rows:
    print(f"{name}: by hand {number(hand)}   Value {number(by_value)}   torch {number(by_torch)}")
same = w.grad == tw.grad.item() and b.grad == tb.grad.item()
print("Value and torch give the same gradients:", "yes" if same else "no")

# %% [markdown]
# `model/torch_backend.py` writes lesson 6's whole forward with tensors (float64, like
# Python's floats): each loop over numbers becomes one line on a tensor. For example:
#
# | step | `manual.py` (floats) | `torch_backend.py` (tensors) |
# |---|---|---|
# | 1 | `[t + p for t, p in zip(tok_emb[tok], pos_emb[i])]` | `tok_emb[ids] + pos_emb[:T]` |
# | 4 | `[max(0.0, s) for s in h_pre]` | `torch.relu(x1 @ W1.T + b1)` |
# | 6 | `mat_vec(W_out, x2)` | `x2 @ W_out.T` |
# | 7 | `backward(params, cache, target)` | `loss.backward()` |
#
# Let's compare the gradients of the whole model, weight by weight, on the first positions
# of the names: the 7 handwritten steps against `Value.backward()` and PyTorch.

# %%
from model import init_params
from model.compare import compare_backends
from model.params import Config

config = Config()
positions = 30 if quick_mode() else 100
report = compare_backends(init_params(config), positions, backends=("manual", "autograd", "torch"))
gap_autograd = max(report["by_backend"]["autograd"].values())
gap_torch = max(report["by_backend"]["torch"].values())
print(f"On {positions} positions, the largest difference with the handwritten gradients:")
print("  Value.backward():", number(gap_autograd, ".1e"))
print("  loss.backward(): ", number(gap_torch, ".1e"))

# %% [markdown]
# PyTorch finds lesson 6's gradients to the last digits: the difference is a float64
# rounding error. The 7 handwritten steps, `Value.backward()` and `loss.backward()` are
# three ways to write down one computation.

# %% [markdown]
# ## Step 2: batches, many windows in one pass
#
# Tensors pay off when they hold many numbers at once: let's give the model a **batch** of
# windows, one per row. Windows have 1 to 8 letters, but a tensor is a rectangle: the short
# windows are padded at the end (here with ·). That's "padding".

# %%
import random

from model import examples, load_names
from model.data import decode

names = load_names()
windows = [window for name in names for window in examples(name, config.context)]
random.Random(0).shuffle(windows)  # a shuffled order, always the same
three = [next(w for w in windows if len(w[0]) == n) for n in (2, 5, 8)]  # 2, 5 and 8 letters
for ids, target in three:
    row = " ".join(decode(ids)) + " ·" * (8 - len(ids))
    print(f"{decode(ids):>8}  ->  {row}   next letter: {decode([target])}")

# %% [markdown]
# ### Your turn! (exercise 1)
#
# **Before** the measure: these three windows, in one padded batch or each alone, how much
# will their losses differ? Put your answer in `guess_padding`.

# %% tags=["values"]
guess_padding = 1.0  # <-- your answer: the loss difference, batched or each alone

# %%
guess_padding = guess("guess_padding", guess_padding)

# %%
from model.params import flatten
from model.torch_backend import torch_batch_step

step, weights = torch_batch_step(config), flatten(init_params(config))
together, _ = step(weights, three)  # one padded batch: one loss per window
alone = [step(weights, [w])[0][0] for w in three]  # each window in its own batch
gap_padding = max(abs(a - b) for a, b in zip(together, alone))
print("Batched or each alone, their losses differ by", number(gap_padding, ".1e"))
well_done = (
    f"Yes: 0, to rounding (measured: {number(gap_padding, '.1e')}). The padding changes nothing."
)
hint = (
    f"Not {number(guess_padding)}. A padded position gets an attention score of "
    "-infinity: what weight does the softmax give it?"
)
check(1, abs(guess_padding) < 1e-9, well_done, hint)

# %% [markdown]
# The padding is **masked**: a padded position gets an attention score of -infinity, so a
# weight of exactly 0.
#
# Now the time per position (loss and gradients, no update), for several batch sizes, and
# that of the handwritten backward on floats, one window at a time.

# %%
import time

from model.backends import make_step


def microseconds_per_position(batch_size, windows):
    """Loss and gradients in batches of batch_size: the mean time of one window, in µs."""
    step, weights = torch_batch_step(config), flatten(init_params(config))
    step(weights, windows[:batch_size])  # the first call sets things up: not timed
    start = time.perf_counter()
    for i in range(0, len(windows), batch_size):
        step(weights, windows[i : i + batch_size])
    return 1e6 * (time.perf_counter() - start) / len(windows)


# %%
many, few = (256, 32) if quick_mode() else (2048, 256)
us_per_batch = {}  # batch size -> microseconds per position
for n in (1, 8, 64, 256):
    us_per_batch[n] = microseconds_per_position(n, windows[: few if n == 1 else many])

manual_step, weights = make_step("manual", config), flatten(init_params(config))
begin = time.perf_counter()
for ids, target in windows[:few]:  # one window at a time, on floats
    manual_step(weights, ids, target)
us_manual = 1e6 * (time.perf_counter() - begin) / few

longest = max(*us_per_batch.values(), us_manual)
for n, us in us_per_batch.items():
    print(f"torch, batch of {n:<3}  {number(us, '8.1f')} µs  " + "█" * round(40 * us / longest))
print(
    f"by hand, 1 by 1     {number(us_manual, '8.1f')} µs  " + "█" * round(40 * us_manual / longest)
)

# %% [markdown]
# One window at a time, how does PyTorch compare with the handwritten floats? (Within a
# factor of 1.5 either way, timings on a busy machine do not decide.)

# %%
if us_per_batch[1] * 1.5 < us_manual:
    verdict = f"{number(us_manual / us_per_batch[1], '.1f')} times faster than"
elif us_manual * 1.5 < us_per_batch[1]:
    verdict = f"{number(us_per_batch[1] / us_manual, '.1f')} times slower than"
else:
    verdict = "about as fast as"
print(f"One window at a time, PyTorch is {verdict} the floats, for all its C++.")
speedup = us_per_batch[1] / us_per_batch[64]
print(f"In batches of 64: {number(speedup, '.0f')} times less time per position than one by one.")

# %% [markdown]
# Each tensor operation has a **fixed cost** (checks, a note, a call into C++), nearly all
# of the time with tiny tensors. In batches of 64, the same operations handle 64 windows
# for about the same price. That's why real models train in batches (on GPUs, even more so).

# %% [markdown]
# ## Step 3: a lower loss in the same time
#
# Let's train for real with PyTorch: all the names, batches of `batch_size` windows (the
# mean gradient of the batch), Adam with the learning rate `lr` slowing down to 0
# (`lr_schedule="linear"`), for `epochs` passes. Then the handwritten backward, one window
# at a time, with Adam, for about as long.
#
# ### Your turn! (exercises 2, 3 and 4)
#
# - Exercise 2: change `batch_size` (try 8, then 256): how long, how low a loss?
# - Exercise 3: change `lr`, Adam's learning rate (try 0.003, then 0.03).
# - Exercise 4: change `epochs` (try 100): how low can the loss go? In quick mode, the
#   lesson stops at 2 epochs.

# %% tags=["values"]
batch_size = 64  # <-- windows per step: try 8, then 256
lr = 0.01  # <-- Adam's learning rate: try 0.003, then 0.03
epochs = 40  # <-- passes over the names: try 100

# %%
from model import train
from model.torch_backend import mean_loss

batch_size, lr = checked("batch_size", batch_size), checked("lr", lr)
epochs = checked("epochs", epochs)
epochs = min(epochs, 2) if quick_mode() else epochs  # quick mode: 2 epochs at most
checkpoint = out_file("torch.ckpt.json")


def show(epoch, loss):
    print(f"  epoch {epoch}: mean loss {number(loss, '.3f')}")


fast = train(
    names,
    backend="torch",
    batch_size=batch_size,
    optimizer="adam",
    lr=lr,
    lr_schedule="linear",
    epochs=epochs,
    checkpoint=checkpoint,
    progress=False,
    log=None,
    on_epoch=show,
)
torch_loss = mean_loss(fast.params, windows)  # on every position
print(f"PyTorch: {number(fast.seconds, '.1f')} seconds, loss {number(torch_loss, '.3f')}")

# %% [markdown]
# Now the handwritten backward (the fastest of the scalar backends), one window at a time,
# with Adam. First a short run to measure its speed, to know how many positions it has
# time for while PyTorch was training.

# %%
import itertools

from model.data import count_positions

probe = train(
    names[:30],
    backend="manual",
    optimizer="adam",
    lr_schedule="constant",
    epochs=1,
    progress=False,
    log=None,
)
budget = round(fast.seconds * probe.positions_per_second)  # positions it has time for
round_and_round = itertools.cycle(random.Random(1).sample(names, len(names)))
chosen, seen = [], 0
while seen < budget or not chosen:  # one name at least
    chosen.append(next(round_and_round))
    seen += count_positions(chosen[-1:])  # one per letter, and one for the final "."
slow = train(
    chosen,
    backend="manual",
    optimizer="adam",
    lr_schedule="linear",
    epochs=1,
    progress=False,
    log=None,
)
manual_loss = mean_loss(slow.params, windows)

# %%
print(f"{'training':<26}{'seconds':>9}{'positions seen':>16}{'final loss':>15}")
for name, run, loss in [
    (f"PyTorch, batch of {batch_size}", fast, torch_loss),
    ("by hand, 1 by 1", slow, manual_loss),
]:
    print(f"{name:<26}{number(run.seconds, '9.1f')}{run.positions:>16}{number(loss, '15.4f')}")
if torch_loss < manual_loss:
    print("Same model, gradients and optimizer: more positions per second, more learning.")
else:
    print(
        "This time PyTorch is not ahead: with these values (very small batches, "
        "very few epochs?) it does not use its speed."
    )

# %%
well_done = (
    f"With batches of {batch_size}: {number(fast.seconds, '.1f')} seconds, loss "
    f"{number(torch_loss, '.3f')}. Small batches take many small, noisy steps (slow in "
    "time); big ones take few, steady steps. In between is the sweet spot."
)
hint = "batch_size is still 64: try 8, then 256, and compare the time and the loss."
check(2, batch_size != 64, well_done, hint)

well_done = (
    f"With the learning rate {number(lr, 'g')}, the loss ends at {number(torch_loss, '.3f')}. "
    "Bigger batches give steadier gradients, so they can afford bigger steps; too big, "
    "and it jumps around."
)
hint = "lr is still 0.01: try 0.003, then 0.03."
check(3, lr != 0.01, well_done, hint)

well_done = (
    f"{epochs} epochs in {number(fast.seconds, '.1f')} seconds, loss "
    f"{number(torch_loss, '.3f')}. The scalar backends would need many minutes."
)
hint = "Try epochs = 100 (not in quick mode, which stops at 2 epochs)."
check(4, epochs > 40, well_done, hint)

# %% [markdown]
# ## Step 4: one checkpoint for every backend
#
# PyTorch saved its model in a JSON file, the same as the other backends': plain numbers,
# that lesson 6's floats can read. The mean loss of the same positions, twice:

# %%
from model import load_checkpoint
from model.manual import cross_entropy, forward

saved = load_checkpoint(checkpoint)
some = windows[: 50 if quick_mode() else 200]
by_floats = sum(cross_entropy(forward(saved.params, ids)["logits"], t) for ids, t in some)
by_floats /= len(some)  # lesson 6's forward, on floats
by_torch = mean_loss(saved.params, some)  # PyTorch, in one batch
gap_checkpoint = abs(by_floats - by_torch)
print(f"{checkpoint.name}: {saved.backend}, {saved.epoch} epochs, {len(some)} positions")
print("  lesson 6's forward, on floats:", number(by_floats, ".12f"))
print("  PyTorch, in one batch:        ", number(by_torch, ".12f"))
print("  difference:", number(gap_checkpoint, ".1e"))

# %% [markdown]
# And names invented by the PyTorch-trained model, sampled on plain floats ("new": a name
# that is not in the list):

# %%
from model import generate

known = set(names)
invented = [generate(saved.params, seed=i) for i in range(5 if quick_mode() else 10)]
for name in invented:
    print(f"  {name:<12}" + ("" if name in known else "new"))

# %% [markdown]
# The same file works from the command line, to invent names or compare the backends (the
# file is in `lesson_output/`):
#
# ```bash
# minillm generate --checkpoint lesson_output/lesson11_torch.ckpt.json
# minillm compare --checkpoint lesson_output/lesson11_torch.ckpt.json --backend torch
# ```

# %% [markdown]
# ## For real...
#
# **PyTorch** trains exactly like this, only bigger: a `DataLoader` cuts the data into
# batches, the padding is masked in the attention
# (`torch.nn.functional.scaled_dot_product_attention` takes a mask), and the tensors go to
# a **GPU** (`.to("cuda")`), where a batch of thousands of windows costs barely more than
# one. `torch.compile` also fuses several operations to pay fewer fixed costs.
#
# **JAX** writes the model for **one** window, and `jax.vmap` makes the batched version;
# `jax.jit` compiles it all. Real models' checkpoints are plain arrays of numbers too
# (`safetensors`), that other frameworks can read.

# %% [markdown]
# ## What we learned
#
# - PyTorch is an autograd like ours, on tensors: the same gradients as `Value.backward()`.
# - One window at a time, tensors barely help; batches (padding masked) share each
#   operation's fixed cost: a lower loss in the same time.
# - The checkpoint holds plain numbers: train with one backend, sample with another.
#
# From here on, it's the big models' algorithm, only bigger (layers, data, GPUs). Well done!
