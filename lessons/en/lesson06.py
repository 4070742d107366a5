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
# # Lesson 6: Training with the handwritten backward
#
# In lesson 5, we built a complete mini-LLM, but its weights were random: it knew
# nothing. Today it learns to **invent Pokémon names**.
#
# On the menu:
# 1. the names, and the loss of a model that knows nothing;
# 2. backpropagation, written by hand in 7 steps;
# 3. training, then invented names, before and after.

# %%
from lessons.kit import check, checked, guess, number, out_file, quick_mode, retrain_asked, start

start(6, "en")  # lesson 6, in English; the exercises you did are kept in lesson_output/

# %% [markdown]
# ## Step 1: the names
#
# The model learns from real Pokémon names (from the PokéAPI, © Nintendo).

# %%
import random

from model import load_names

names = load_names()
lengths = [len(name) for name in names]
mean_length = sum(lengths) / len(names)
print(number(len(names)), "real names; for example", ", ".join(names[:5]))
print(f"{number(mean_length, '.1f')} letters on average, from {min(lengths)} to {max(lengths)}")
known = set(names)  # to spot an "invented" name that already exists
if quick_mode():
    names = random.Random(0).sample(names, 150)
    print("(Quick mode: we train on", len(names), "of these names only.)")

# %% [markdown]
# ## Step 2: the model, with random weights
#
# Exactly the model of lesson 5: embeddings, attention, MLP, softmax. Its sizes:

# %%
from model import Config, count_params, init_params

config = Config()
weight_count = count_params(config)
print("embedding size:", config.embed_dim, "(each letter becomes that many numbers)")
print("MLP size:", config.hidden_dim, "neurons")
print("context:", config.context, "letters back, at most")
print("weights in all:", number(weight_count), "numbers that training will adjust")
params = init_params(config, seed=42)  # random weights (always the same ones: seed=42)

# %% [markdown]
# The **loss** of a position is `-log` of the probability the model gives to the right
# next letter. The loss over names is the mean over all their positions:

# %%
import math

from model import examples, manual


def mean_loss(params, names):
    """The mean loss over every position of the names: lower means better guesses."""
    losses = [
        manual.cross_entropy(manual.forward(params, ids)["logits"], target)
        for name in names
        for ids, target in examples(name, config.context)
    ]
    return sum(losses) / len(losses)


# %% [markdown]
# ### Your turn! (exercise 1)
#
# **Before** the loss is on the screen: the weights are random, so the model knows nothing.
# What loss do you expect (`guess_loss`)? There are 27 possible characters: the letters
# a to z, and the dot that ends a name.

# %% tags=["values"]
guess_loss = 0.0  # <-- your guess: the loss of the random weights

# %%
guess_loss = guess("guess_loss", guess_loss)

# %%
initial_loss = mean_loss(params, names[:100])
chance = math.log(config.vocab_size)  # each character gets 1/27: -log(1/27) = log(27)
print("loss of the random weights, on 100 names:", number(initial_loss, ".3f"))
print(
    f"guessing at random among {config.vocab_size}: log({config.vocab_size}) =",
    number(chance, ".3f"),
)
well_done = (
    f"Well reasoned: a model that knows nothing gives each character about "
    f"1/{config.vocab_size}, and -log(1/{config.vocab_size}) = {number(chance, '.2f')}. "
    f"Measured: {number(initial_loss, '.3f')} (random weights are not perfectly even)."
)
hint = (
    f"It is not {number(guess_loss)}. If the model knows nothing, what probability does it "
    "give each of the 27 characters? The loss is -log of that probability."
)
check(1, abs(guess_loss - initial_loss) <= 0.25, well_done, hint)

# %% [markdown]
# ## Step 3: names before training
#
# Let us invent names with these random weights. The **temperature** sets how bold:
# below 1, the likely letters become likelier still (safe names); above 1, every letter
# gets a little closer to the others (wild names).
#
# ### Your turn! (exercise 2)
#
# Change `temperature_before` (try 0.1 or 2.0), then run both cells. Does it help?

# %% tags=["values"]
temperature_before = 0.8  # <-- the temperature before training: 0.1 (safe) or 2.0 (wild)

# %%
from model import generate

temperature_before = checked("temperature_before", temperature_before)
before = [generate(params, temperature=temperature_before, seed=i) for i in range(10)]
print(f"At temperature {number(temperature_before)}:", ", ".join(n.capitalize() for n in before))
kind = "safe" if temperature_before < 0.5 else "wild" if temperature_before > 1.5 else "balanced"
well_done = (
    f"At temperature {number(temperature_before)}, the names are {kind}... and still gibberish."
)
hint = "Change temperature_before, for example to 0.1 or 2.0, and run the cell again."
check(2, temperature_before != 0.8, well_done, hint)

# %% [markdown]
# Gibberish, whatever the temperature: the temperature changes **how** the letters are
# drawn, not what the model **knows**. For it to know, it must be trained.

# %% [markdown]
# ## Step 4: backpropagation, in 7 steps
#
# To learn, each weight needs its **gradient**: which way to move, and how far. Our model
# computes in 7 layers:
#
# `embeddings → attention → residual → MLP → residual → W_out → softmax`
#
# Backpropagation walks the same path **backwards**, layer by layer, with the chain rule.
# It is written by hand in `model/manual.py`, in the function `backward_steps`: one block
# a step, from the loss back to the embeddings. Step 1 is the formula of lessons 2 and 3:
#
# `gradient[letter] = predicted probability[letter] - (1 if it is the right letter, else 0)`
#
# The course's notebook names things in French; this project's code is in English. Its
# names, beside the course's:
#
# | In the course | In this project |
# |---|---|
# | `forward_avec_cache(sequence_ids)` | `manual.forward(params, ids)` |
# | `backward(cache, probas, cible)` | `manual.backward_steps(params, cache, target)` |
# | `cache["cles"]`, `cache["valeurs"]` | `cache["keys"]`, `cache["values"]` |
# | `cache["poids_attn"]` | `cache["attn"]` |
# | `cache["x_apres_attn"]`, `cache["x_final"]` | `cache["x1"]`, `cache["x2"]` |
# | `cache["h1_pre"]`, `cache["h1"]` | `cache["h_pre"]`, `cache["h"]` |
# | `d_h1p` | `d_h_pre` |
# | `generer(debut, temperature)` | `generate(params, prefix, temperature)` |

# %%
import inspect

lines, first = inspect.getsourcelines(manual.backward_steps)
print(f"backward_steps: in model/manual.py, line {first}, {len(lines)} lines. Read it!")

# %% [markdown]
# Let us run it on one example: after `.pik`, the right letter is `a`. For each step, what
# it computes: the `d_...` are the gradients it passes on to the next step, the other
# names are weights (their gradient, for the SGD step). And the largest of these
# gradients, in absolute value:

# %%
from model.data import encode
from model.params import flatten

ids, target = encode(".pik"), encode("a")[0]
steps = manual.backward_steps(params, manual.forward(params, ids), target)
for step in steps:
    computed = {**step.intermediates, **step.weight_grads}  # what the step computes
    largest = max(abs(g) for g in flatten(computed))
    print(f"step {step.number} ({step.name}): {', '.join(computed)}")
    print(f"    largest |gradient|: {number(largest, '.3f')}")
step_count = len(steps)

# %% [markdown]
# Picture a row of dominoes: the last one (the loss) fell too far to the right. Walking
# back along the row, we find which domino pushed too hard, and adjust it.

# %% [markdown]
# ## Step 5: training
#
# The same loop as in lessons 2 and 3, with the real LLM: take a name; at each position,
# predict the next letter, measure the loss, find the gradients (backward), move each
# weight a tiny bit **against** its gradient (gradient descent, SGD); start again! One
# pass over all the names is called an **epoch**.
#
# Change `epochs` (5 is quick, 20 learns better) or `lr`, the learning rate (try 0.005,
# slow, or 0.05, fast).

# %% tags=["values"]
epochs = 10  # <-- the number of passes over all the names
lr = 0.01  # <-- the learning rate: the size of the small steps

# %%
from model.data import count_positions, fingerprint

epochs, lr = checked("epochs", epochs), checked("lr", lr)
if quick_mode():
    epochs = 1  # the quick form: a single epoch
updates = epochs * count_positions(names)
print(f"{epochs} epoch(s) of {len(names)} names, learning rate {number(lr)}")
print(f"that is {number(updates, ',')} updates of every weight")
settings = {
    "backend": "manual",
    "lr": lr,
    "epochs": epochs,
    "names": fingerprint(names),
    "seed": 42,
}

# %% [markdown]
# Training takes a few minutes. The trained model is kept in the folder `lesson_output/`:
# if you run the lesson again with the same settings, it takes it up instead of starting
# over (in a terminal, `--retrain` trains it again).

# %%
from model.training.checkpoint import load_checkpoint

model_file = out_file("model.ckpt.json")


def kept_model():
    """The model of an earlier run, trained to the end with these settings; else None."""
    if retrain_asked() or not model_file.exists():
        return None
    kept = load_checkpoint(model_file, config)
    its_own = {
        "backend": kept.backend,
        "lr": kept.optimizer.get("lr"),
        "epochs": kept.epoch,
        "names": kept.names,
        "seed": kept.seed,
    }
    return kept if its_own == settings else None


# %%
from model import train

kept = kept_model()
if kept is not None:
    params, history, losses = kept.params, kept.history, kept.history
    print("No training this time: the model of the earlier run is in", model_file)
else:
    result = train(
        names,
        backend="manual",
        optimizer="sgd",
        lr_schedule="constant",
        lr=lr,
        epochs=epochs,
        seed=42,
        params=params,
        checkpoint=model_file,
        progress=False,
        log=None,
        on_epoch=lambda e, loss: print(f"  epoch {e}/{epochs}: mean loss {number(loss, '.3f')}"),
    )
    params, history, losses = result.params, result.history, result.losses
    if result.stopped != "done":  # Ctrl-C, or a loss gone infinite
        print("(Stopped before the end: we go on with the last good weights.)")
    speed = number(result.positions_per_second, ".0f")
    print(f"Trained in {number(result.seconds, '.0f')} s ({speed} positions a second)")
model_reused = kept is not None

# %%
from lessons.pictures import line_chart

final_loss = history[-1] if history else initial_loss
better = (1 - final_loss / initial_loss) * 100
print(f"Loss: {number(initial_loss, '.2f')} → {number(final_loss, '.2f')}")
print(f"that is {number(better, '.0f')}% better")
if final_loss >= initial_loss:
    print("The loss did not go down: try a smaller lr, or more epochs.")
if len(losses) > 1:  # a model taken up after 1 epoch has a single point
    print(line_chart({"loss": losses}, height=8, fmt=lambda x: number(x, ".2f")))

# %% [markdown]
# The loss goes down: the model gives more and more probability to the right letters.
# (The chart shows every position, averaged in slices; when the model is taken up
# again, it shows each epoch's mean loss.)

# %% [markdown]
# ## Step 6: names after training
#
# The same draws as before, with the trained weights. A name marked "(exists)" is a
# real Pokémon name, found again by chance.

# %%
after = [generate(params, temperature=0.8, seed=100 + i) for i in range(15)]
for name in after:
    print(" ", name.capitalize(), "(exists)" if name in known else "")

# %% [markdown]
# What does the model think comes after `.pik`? The 5 likeliest letters:

# %%
from model.data import VOCAB
from model.sample import next_char_probs

probs = next_char_probs(params, encode(".pik"))
next_ones = sorted(zip(VOCAB, probs), key=lambda pair: -pair[1])[:5]
for letter, p in next_ones:
    print(f"  {letter} {number(p, '.1%'):>6} " + "█" * round(40 * p))

# %% [markdown]
# ### Your turn! (exercise 3)
#
# Change `temperature` (0.1: safe, repetitive names; 2.0: wild names) or `prefix`, how
# the names start (`".pik"`: the model must go on after "pik"; try `".bul"` or `".dra"`
# too).

# %% tags=["values"]
temperature = 0.8  # <-- the temperature after training
prefix = "."  # <-- how the names start: ".pik", ".bul", ".dra"...

# %%
temperature, prefix = checked("temperature", temperature), checked("prefix", prefix)
start_of_name = prefix.lower() if prefix.startswith(".") else "." + prefix.lower()  # ".pik"
mine = [generate(params, start_of_name, temperature=temperature, seed=200 + i) for i in range(10)]
print(
    f"Temperature {number(temperature)}, start {start_of_name!r}:",
    ", ".join(n.capitalize() for n in mine),
)
well_done = (
    f"Great! At temperature {number(temperature)} and with the start {start_of_name!r}, the "
    "model shows you what it learned from the Pokémon names."
)
hint = 'Change temperature or prefix, for example prefix = ".pik" or temperature = 2.0.'
check(3, temperature != 0.8 or start_of_name != ".", well_done, hint)

# %% [markdown]
# ## For real...
#
# **Autograd.** We wrote the 7 steps of `backward_steps` by hand. In **PyTorch**, you
# write only the forward, with tensors that have `requires_grad=True`, and
# `loss.backward()` finds the gradients on its own and puts them in `.grad`. **JAX** does
# the same work another way: `jax.grad(loss)` returns the function of the gradients.
# That is autograd, and we build one in lessons 7 to 10.
#
# **The optimizer.** Our step, `weight -= lr * gradient`, is called SGD. PyTorch writes
# it `torch.optim.SGD(model.parameters(), lr=0.01)`, then `optimizer.step()` after each
# example. Almost every real LLM uses **Adam** instead, which adapts each weight's step
# to the slope it has seen (lesson 10 compares them).
#
# **GPUs.** Our Python loop does one multiplication at a time. A graphics card does
# thousands at once: one cook against a brigade of a thousand. GPT-4 was trained on
# about 25,000 GPUs for months; our 2,832 weights train on a single processor in a few
# minutes.
#
# And real LLMs group many names at once (batches), add LayerNorm, dropout, several
# heads and several layers. But the algorithm is the same: the difference is scale.

# %% [markdown]
# ## What we learned
#
# - Backpropagation sends the error backwards, layer by layer: 7 steps for our model.
# - Training is forward, backward, a small step of each weight, again and again.
# - A model that knows nothing has a loss close to log(27); training brings it down.
# - Even 2,832 weights learn what a Pokémon name looks like; ChatGPT is that, at scale.
#
# You trained your own LLM. Congratulations!
# **Next**, lesson 7: a number that remembers, so that the backward writes itself.
