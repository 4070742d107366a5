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
# # Lesson 10: Training with autograd
#
# In lesson 6, you trained the mini-LLM with the backward pass **written by hand**. Since
# then, you built autograd: Values that remember, and `backward()` that finds the gradients
# on its own. Today we train with it.
#
# The plan:
# 1. the same training loop, whoever finds the gradients;
# 2. who is faster: the handwritten backward or autograd?
# 3. SGD against Adam: two ways to use the same gradients;
# 4. invent names with the trained model.

# %%
from lessons.kit import check, checked, guess, number, quick_mode, start

start(10, "en")  # lesson 10, in English; the exercises you do are kept in lesson_output/

# %% [markdown]
# ## Step 1: the same loop, whoever finds the gradients
#
# In lesson 6, a training step was: the forward pass, the handwritten backward, then a
# small step of every weight **against its gradient** (gradient descent, SGD).
#
# The project has two functions that return `(loss, gradients)` for one position of a name:
# `manual_loss_and_grads` (lesson 6's backward in 7 steps) and
# `autograd_loss_and_grads` (the same forward made of Values, then `backward()`).
# We take a few names, always the same ones:

# %%
import random

from model import autograd_loss_and_grads, examples, init_params, load_names, manual_loss_and_grads

quick = quick_mode()  # the short form of the lesson (--quick): fewer names
all_names = load_names()


def some_names(how_many):
    """Always the same names drawn at random, so that the trainings can be compared."""
    return random.Random(0).sample(all_names, min(how_many, len(all_names)))


# %% [markdown]
# The SGD step: every weight moves back by `lr` times its gradient. The weights are
# lists (a vector) or lists of lists (a matrix).


# %%
def sgd_step(params, grads, lr):
    """Every weight takes a small step against its gradient (lesson 6's rule)."""
    for name, weight in params.items():
        rows = weight if isinstance(weight[0], list) else [weight]
        grad_rows = grads[name] if isinstance(weight[0], list) else [grads[name]]
        for row, grad_row in zip(rows, grad_rows):
            for j, g in enumerate(grad_row):
                row[j] -= lr * g


# %% [markdown]
# The loop takes the function that computes `(loss, gradients)` **as a parameter**:
# nothing else in the loop knows who computes them.


# %%
def one_pass(loss_and_gradients, names, lr=0.01):
    """One pass over the names: for each position, loss and gradients, then a step."""
    params = init_params(seed=42)  # always the same start
    losses = []
    for name in names:
        for context, target in examples(name, len(params["pos_emb"])):
            loss, grads = loss_and_gradients(params, context, target)  # forward + backward
            sgd_step(params, grads, lr)
            losses.append(loss)
    return losses


# %% [markdown]
# ### Your turn! (exercise 1)
#
# We are going to train twice, from the same weights and on the same names: with
# `manual_loss_and_grads`, then with `autograd_loss_and_grads`. **Before** you see the
# losses, guess: how far apart will the two trainings' losses be, at most, step by step
# (`guess_loop_gap`)? (In a terminal, the lesson asks for your answer.)

# %% tags=["values"]
guess_loop_gap = 1.0  # <-- your answer: the largest gap between the two trainings

# %%
guess_loop_gap = guess("guess_loop_gap", guess_loop_gap)

# %%
loop_names = some_names(6 if quick else 12)
by_hand = one_pass(manual_loss_and_grads, loop_names)
by_autograd = one_pass(autograd_loss_and_grads, loop_names)
loop_gap = max(abs(a - b) for a, b in zip(by_hand, by_autograd))
print(f"{len(loop_names)} names, {len(by_hand)} steps")
print(f"{'step':>5} {'by hand':>10} {'autograd':>10} {'difference':>11}")
for i in (0, 1, 2, len(by_hand) - 2, len(by_hand) - 1):
    difference = abs(by_hand[i] - by_autograd[i])
    print(
        f"{i + 1:>5} {number(by_hand[i], '.4f'):>10} {number(by_autograd[i], '.4f'):>10}"
        f" {number(difference, '.1e'):>11}"
    )
print("largest gap:", number(loop_gap, ".1e"))

# %%
well_done = (
    f"Yes: 0, to rounding (measured: {number(loop_gap, '.1e')} over {len(by_hand)} "
    "steps). The same gradients make the same steps, so the two trainings never part."
)
hint = (
    f"Not {number(guess_loop_gap)}. Do the two ways find different gradients? Then what "
    "about the steps?"
)
check(1, abs(guess_loop_gap) < 1e-6, well_done, hint)

# %% [markdown]
# Same gradients, so same steps, so same model: the training loop does not care who
# computes the gradients.

# %% [markdown]
# ## Step 2: who is faster?
#
# The same epoch on the same names, three ways:
#
# - `manual`: the handwritten backward, no notes;
# - `autograd (fused)`: one `dot` node per dot product;
# - `autograd (pure)`: only the five basic operations.
#
# `train()` runs the loop of step 1 and counts the positions learned per second.

# %%
from model import train

speed_names = some_names(10 if quick else 100)
ways = {
    "manual": {"backend": "manual"},
    "autograd (fused)": {"backend": "autograd", "fused": True},
    "autograd (pure)": {"backend": "autograd", "fused": False},
}
speed_results = {}
for way, settings in ways.items():
    speed_results[way] = train(
        speed_names,
        optimizer="sgd",
        lr_schedule="constant",
        epochs=1,
        progress=False,
        log=None,
        **settings,
    )
speeds = {way: r.positions_per_second for way, r in speed_results.items()}
speed_losses = [r.history[0] for r in speed_results.values()]
speed_gap = max(speed_losses) - min(speed_losses)

# %%
from lessons.pictures import bar_chart

print(f"Training positions per second, on {len(speed_names)} names (more is better):")
print(bar_chart(list(speeds.items()), fmt=lambda v: f"{number(v, ',.0f')} per second"))
slowest = min(speeds.values())
print("loss after the epoch:", number(speed_losses[0], ".4f"))
print("largest gap between the three:", number(speed_gap, ".1e"))
for way, speed in speeds.items():
    print(f"{way}: {number(speed / slowest, '.1f')} times the speed of the slowest")

# %% [markdown]
# All three end the epoch with the same loss: the same gradients. But the handwritten
# backward is the fastest, and the pure autograd the slowest. Autograd pays for its
# comfort: every operation writes a note that `backward()` reads again. The fused `dot`
# writes far fewer, as PyTorch does with one node per matrix product.

# %% [markdown]
# ## Step 3: SGD against Adam
#
# Let's train for real with autograd (fused), twice from the same start:
#
# - **SGD**, lesson 6's rule: every weight takes the same small step, `lr` times its
#   gradient;
# - **Adam**, which gives each weight **its own step size** (learning rate 0.003).
#
# ### Your turn! (exercise 2)
#
# Run the lesson as it is first. Then change `sgd_lr`, SGD's learning rate, in the cell
# below: try 0.05, then far too much, 1.0. Can SGD catch up with Adam? (`epochs`: how many
# passes over the names; in the short form, 2 at most.)

# %% tags=["values"]
sgd_lr = 0.01  # <-- SGD's learning rate: try 0.05, then 1.0
epochs = 3  # <-- passes over the names, for SGD and for Adam

# %%
sgd_lr = checked("sgd_lr", sgd_lr)
epochs = checked("epochs", epochs)
passes = min(epochs, 2) if quick else epochs
adam_names = some_names(30) if quick else all_names
contenders = {
    f"SGD (lr {sgd_lr:g})": {"optimizer": "sgd", "lr": sgd_lr},
    "Adam (lr 0.003)": {"optimizer": "adam", "lr": 0.003},
}
results = {}
for contender, settings in contenders.items():
    print(f"{contender}: {len(adam_names)} names, {passes} epoch(s)...")
    results[contender] = train(
        adam_names, lr_schedule="constant", epochs=passes, progress=False, log=None, **settings
    )

# %% [markdown]
# A training **diverges** when its loss blows up. A single position can cost 18 in a
# healthy run (a confident wrong guess: p = 1e-8), so we look at the mean of a twentieth of
# the run at a time, far above log(27) ≈ 3.3, where it starts.

# %%
import math

BLOWN_UP = 10.0  # a mean loss above this has blown up


def diverged(losses):
    """True when the loss blew up: not a number, or a mean far above where it started."""
    if not all(math.isfinite(x) for x in losses):
        return True
    stretch = max(1, len(losses) // 20)
    means = [
        sum(losses[i : i + stretch]) / len(losses[i : i + stretch])
        for i in range(0, len(losses), stretch)
    ]
    return any(m > BLOWN_UP for m in means)


# %% [markdown]
# The loss during training, smoothed (a run that blew up is left out of the chart: it would
# flatten the other curve).

# %%
from lessons.pictures import line_chart, smooth

blew_up = [contender for contender, r in results.items() if diverged(r.losses)]
for contender in blew_up:
    worst = max(results[contender].losses, default=math.inf)
    print(f"({contender} is left out of the chart: its loss reached {number(worst, '.3g')}.)")
curves = {
    contender: smooth(r.losses, points=30)[1]
    for contender, r in results.items()
    if contender not in blew_up
}
print(line_chart(curves, height=8, fmt=lambda x: number(x, ".2f")))

# %% [markdown]
# The same curves, finer, in a picture (with matplotlib):

# %%
from lessons.kit import out_file

picture = out_file("sgd_against_adam.png")  # in the lesson's folder, lesson_output/
try:
    from matplotlib.figure import Figure
except ImportError:
    Figure = None
    print("No picture here: matplotlib is not installed.")
    print("(On your computer: pip install matplotlib, then run this cell again.)")
if Figure is not None:
    figure = Figure(figsize=(7, 3.5), layout="tight")
    axes = figure.add_subplot()
    for contender, r in results.items():
        if contender not in blew_up:
            axes.plot(*smooth(r.losses, points=80), label=contender)
    axes.set(title="SGD against Adam", xlabel="position", ylabel="loss")
    axes.legend()
    figure.savefig(picture, dpi=110)
    print("Picture saved:", picture)

# %%
start_loss, end_loss, final = {}, {}, {}
for contender, r in results.items():
    tenth = max(1, len(r.losses) // 10)
    start_loss[contender] = sum(r.losses[:tenth]) / tenth
    end_loss[contender] = sum(r.losses[-tenth:]) / tenth
    final[contender] = r.history[-1] if r.history else end_loss[contender]  # last full epoch
    if r.stopped != "done":
        print(f"({contender}: the training stopped before the end, the loss blew up.)")
print(f"{'training':<16} {'start':>7} {'end':>7} {'last epoch':>15}")
for contender in results:
    figures = [
        number(x, ".3f") for x in (start_loss[contender], end_loss[contender], final[contender])
    ]
    print(f"{contender:<16} {figures[0]:>7} {figures[1]:>7} {figures[2]:>15}")
went_down = {contender: end_loss[contender] < start_loss[contender] for contender in results}
if all(went_down.values()):
    print("Both go down: the model learns.")

# %% [markdown]
# Adam remembers the recent gradients: where they keep pointing the same way, it dares
# bigger steps; where they jump around, it goes carefully. SGD takes the same step
# everywhere. Who wins? We name a winner only when the gap is clear:

# %%
CLEAR_GAP = 0.02  # below this, another random start could reverse the result
sgd_name, adam_name = contenders
sgd_loss, adam_loss = final[sgd_name], final[adam_name]
if sgd_name in blew_up or not math.isfinite(sgd_loss):
    verdict = "sgd_diverged"
    print(f"SGD with the learning rate {number(sgd_lr)} diverged: its steps were so big that")
    print("the loss exploded. This rate is too big for SGD: try a smaller one.")
elif adam_loss < sgd_loss - CLEAR_GAP:
    verdict = "adam_ahead"
    print(f"Adam ends lower: {number(adam_loss, '.3f')} against {number(sgd_loss, '.3f')}.")
elif sgd_loss < adam_loss - CLEAR_GAP:
    verdict = "sgd_ahead"
    print(f"SGD ends lower: {number(sgd_loss, '.3f')} against {number(adam_loss, '.3f')}.")
else:
    verdict = "even"
    print(f"Even: {number(sgd_loss, '.3f')} for SGD, {number(adam_loss, '.3f')} for Adam,")
    print(f"less than {number(CLEAR_GAP)} apart: another start could reverse the result.")

# %%
well_done = (
    f"With lr = {number(sgd_lr)}, SGD ends at {number(sgd_loss, '.4g')}, against "
    f"{number(adam_loss, '.4g')} for Adam. A learning rate is a trade-off: too small, "
    "you crawl; too big, you jump over the valley."
)
hint = (
    f"SGD ends at {number(sgd_loss, '.4g')}, Adam at {number(adam_loss, '.4g')}. Change "
    "sgd_lr in the values cell (try 0.05) and compare the curves."
)
check(2, sgd_lr != 0.01, well_done, hint)

# %% [markdown]
# ## Step 4: invent names
#
# With the better of the two models, let's invent names: we draw a letter at random with
# the odds the model gives, again and again, until the end mark ".".
#
# The **temperature** changes the odds before the draw: below 1, the likely letters become
# likelier still; above 1, the odds flatten.
#
# ### Your turn! (exercises 3 and 4)
#
# - Exercise 3: change `temperature`: 0.3 (very safe), then 1.5 (wild).
# - Exercise 4: start the names yourself: change `prefix` (try ".pik", ".bul" or ".dra").

# %% tags=["values"]
temperature = 0.8  # <-- below 1: safer names; above 1: wilder ones
prefix = "."  # <-- how the invented names start: try ".pik" or ".dra"

# %%
from model import VOCAB, generate

temperature = checked("temperature", temperature)
prefix = checked("prefix", prefix).lower()
name_start = prefix if prefix.startswith(".") else "." + prefix  # a name starts after "."
if any(letter not in VOCAB for letter in name_start):
    raise ValueError(f"prefix = {prefix!r}: only the letters a to z, after a '.'")
healthy = [
    contender for contender in results if contender not in blew_up
]  # Adam does not blow up here
best = min(healthy, key=final.get)
params = results[best].params
invented = [generate(params, name_start, temperature, seed=i) for i in range(8 if quick else 12)]
print(f"With {best}, temperature {number(temperature)}, start {name_start!r}:")
for i in range(0, len(invented), 4):
    row = [name.capitalize() + (" ✓" if name in all_names else "") for name in invented[i : i + 4]]
    print("  " + "".join(f"{word:<16}" for word in row))
print("  ✓: a name that is already in the data")

# %% [markdown]
# Where do these names come from? From the odds of the next letter. Here they are after
# your start, at three temperatures (and at yours):

# %%
from model.data import encode
from model.sample import next_char_probs

context = encode(name_start)[-len(params["pos_emb"]) :]
favourite = {}  # temperature -> (the likeliest letter, its probability)
for t in sorted({0.5, 1.0, 2.0, temperature}):
    odds = next_char_probs(params, context, t)
    top = sorted(zip(VOCAB, odds), key=lambda letter_odds: -letter_odds[1])[:5]
    favourite[t] = top[0]
    print(f"temperature {number(t)}:")
    print(bar_chart(top, width=24, fmt=lambda p: number(p, ".1%")))
favourite_share = {t: p for t, (_, p) in favourite.items()}

# %%
letter = favourite[0.5][0]
low, middle, high = favourite_share[0.5], favourite_share[1.0], favourite_share[2.0]
print(f"The favourite, {letter!r}, gets {number(low, '.1%')} at temperature 0.5,")
print(f"{number(middle, '.1%')} at 1 and {number(high, '.1%')} at 2:")
print(f"{number(low / high, '.1f')} times more at 0.5 than at 2.")

# %% [markdown]
# The lower the temperature, the bigger the favourite's share: safe names, alike. The
# higher it is, the flatter the odds: wild names.

# %%
well_done = (
    f"With the temperature {number(temperature)}, look how the names change, and compare "
    "with the bars: that is where it comes from."
)
hint = "The temperature is still 0.8. Try 0.3, then 1.5."
check(3, temperature != 0.8, well_done, hint)

# %%
all_start = all(name.startswith(name_start[1:]) for name in invented)
well_done = f"Every name starts with {name_start[1:]!r}: the model goes on from your start."
hint = 'The names start from nothing (prefix is "."). Try prefix = ".pik".'
check(4, prefix != "." and all_start, well_done, hint)

# %% [markdown]
# ## For real...
#
# **PyTorch** has the same loop: `loss.backward()` fills the `.grad`s, then an optimizer
# takes the step. `torch.optim.SGD` takes `sgd_step`'s step, `torch.optim.Adam` Adam's;
# between two steps, `optimizer.zero_grad()` sets the gradients back to zero. To invent
# names, `torch.multinomial(torch.softmax(logits / temperature, dim=-1), 1)` draws the
# letter.
#
# **JAX** splits the roles: `jax.grad` returns the function of the gradients, and the Optax
# library (`optax.sgd`, `optax.adam`) turns gradients into steps.
#
# If PyTorch is installed, here is the difference between the two in one step: two weights,
# one with a gradient 100 times bigger than the other's.

# %%
try:
    import torch
except ImportError:
    torch = None
    print("PyTorch is not installed: this cell does nothing.")
if torch is not None:
    torch_steps = {}
    for optimizer_name, Optimizer in (("SGD", torch.optim.SGD), ("Adam", torch.optim.Adam)):
        w = torch.zeros(2, requires_grad=True)
        optimizer = Optimizer([w], lr=0.01)
        (w * torch.tensor([1.0, 100.0])).sum().backward()  # gradients: 1 and 100
        optimizer.step()
        torch_steps[optimizer_name] = [-x for x in w.tolist()]
        step_1, step_100 = (number(x, ".3g") for x in torch_steps[optimizer_name])
        print(f"{optimizer_name:4}: a step of {step_1} for the gradient 1, {step_100} for 100")

# %% [markdown]
# SGD takes a step 100 times bigger for the gradient 100 times bigger; Adam's first step is
# the same for both weights: each weight has its own scale.

# %% [markdown]
# ## What we learned
#
# - The training loop does not care who computes the gradients: same gradients, same steps,
#   same model.
# - Autograd is slower than the handwritten backward (it writes and reads notes); the fused
#   `dot` narrows the gap.
# - SGD and Adam use the same gradients in two ways; the learning rate must be chosen.
# - The temperature and the start guide the invented names.
#
# You wrote the autograd that frameworks such as PyTorch use, and trained with it. Well done!
