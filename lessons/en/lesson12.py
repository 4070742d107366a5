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
# # Lesson 12: How frameworks go fast
#
# In lesson 10, autograd trained the mini-LLM more slowly than the handwritten backward:
# every position builds thousands of new Values, then walks them back. Yet the graph never
# changes, only the numbers do. So frameworks (`torch.compile`, `jax.jit`) **record** the
# computation once, **write** its code, and **replay** it. Our `autograd.jit` does the
# same, in plain Python.
#
# Today:
# 1. trace a neuron, and read the code autograd wrote;
# 2. the mini-LLM's program, beside lesson 6's handwritten step;
# 3. time the three ways of computing the gradients;
# 4. the trap: Python that looks at the numbers.

# %%
from lessons.kit import check, checked, guess, number, out_file, quick_mode, start

start(12, "en")  # lesson 12, in English; your finished exercises are kept in lesson_output/

# %% [markdown]
# ## Step 1: trace a neuron, and read the code autograd wrote
#
# `jit(f)` runs `f` once on `Value`s, then writes its code as Python: one line per
# operation forward, one per chain-rule contribution backward. Take lesson 7's neuron,
# `y = relu(w1 * x1 + w2 * x2 + b)`, each value named so that we can read the code.

# %%
from autograd import Value, jit

NEURON = {"w1": 0.6, "x1": 2.0, "w2": -0.4, "x2": 1.0, "b": 0.1}  # lesson 7's neuron


def named(v, name):
    """Give a computed Value a name: the code jit writes will use it."""
    v.label = name
    return v


def neuron(w1, x1, w2, x2, b):
    """y = relu(w1 * x1 + w2 * x2 + b), each value named as in lesson 7."""
    p1, p2 = named(w1 * x1, "p1"), named(w2 * x2, "p2")
    s = named(Value.sum([p1, p2, b]), "s")
    return named(s.relu(), "y")


compiled_neuron = jit(neuron)  # nothing recorded yet: jit waits for the first call
y_replayed, grads_replayed = compiled_neuron(*NEURON.values())  # records, writes, replays

# %% [markdown]
# ### Your turn! (exercise 1)
#
# Before you look at the code: how many lines will its backward have (`guess_lines`)?
# One per contribution: each input of each operation gets one (`relu` has one input, the
# sum three, a product two). The first line, `g_y = 1.0`, does not count.

# %% tags=["values"]
guess_lines = 0  # <-- your answer: the number of lines of the backward

# %%
guess_lines = guess("guess_lines", guess_lines)

# %% [markdown]
# Here is the code autograd wrote (`compiled_neuron.source`):

# %%
print(compiled_neuron.source)

# %% [markdown]
# Read it as lesson 7's derivation: the forward computes `p1`, `p2`, `s` and `y` in the
# order of the graph; the backward starts from `g_y = 1.0` (`g_` for "gradient") and goes
# back one operation at a time. `relu` lets the gradient through only if `s > 0`, a test
# taken again at every call, with the new numbers.


# %%
def backward_lines(source):
    """The chain-rule lines: after `# backward`, without g_y = 1.0."""
    backward = source.split("# backward", 1)[1].splitlines()[1:]
    return sum(1 for line in backward if " = " in line or " += " in line) - 1


lines = backward_lines(compiled_neuron.source)
well_done = f"Right: {lines} lines, one per arrow of the graph, from y back to the inputs."
hint = (
    f"{guess_lines} is not it. Count the inputs of p1 = w1 * x1, p2 = w2 * x2, "
    "s = p1 + p2 + b and relu(s)."
)
check(1, guess_lines == lines, well_done, hint)

# %% [markdown]
# Does the replayed code give `backward()`'s gradients? Build the neuron again from
# Values, and compare input by input:

# %%
inputs = {name: Value(x, name) for name, x in NEURON.items()}
y = neuron(*inputs.values())
y.backward()
for (name, v), replayed in zip(inputs.items(), grads_replayed):
    print(f"dy/d{name:3} replayed code {number(replayed):>5}   backward() {number(v.grad):>5}")
gaps = [abs(replayed - v.grad) for v, replayed in zip(inputs.values(), grads_replayed)]
gap_neuron = max([*gaps, abs(y_replayed - y.data)])
print("largest difference:", number(gap_neuron))

# %% [markdown]
# Exactly the same numbers: the same arithmetic, in the same order, written out.

# %% [markdown]
# ## Step 2: the mini-LLM's program, beside lesson 6
#
# Now the whole mini-LLM, on the last window of a name (the longest, so the biggest
# program). `make_step("compiled")` is the training step jit writes; its last recorded
# program is in `.jitted.last`.

# %%
import inspect

from model import manual
from model.backends import make_step
from model.data import examples
from model.params import Config, flatten, init_params

WORD = "pikachu"
weights = flatten(init_params())
ids, target = list(examples(WORD, Config().context))[-1]  # its last window
compiled_step = make_step("compiled")
_, grads_compiled = compiled_step(weights, ids, target)
program = compiled_step.jitted.last
handwritten_lines = len(inspect.getsourcelines(manual.backward_steps)[0])
print(f"window of {len(ids)} letters: {number(program.operations, 'd')} operations recorded")
print(f"backward written: {number(backward_lines(program.source), 'd')} lines")
print(f"lesson 6's backward_steps(): {handwritten_lines} lines")
saved_to = out_file("program.py")  # too long to show here: open this file
saved_to.write_text(program.source, encoding="utf-8")
print("the whole program:", saved_to)

# %% [markdown]
# The whole program is in the file shown: open it, and scroll through its lines.
# Lesson 6's `backward_steps()` loops over whole rows and matrices; the generated code
# writes every multiplication out. Here is its step 2, the output layer, beside
# autograd's:


# %%
def handwritten_step(step):
    """The lines of step `step` of manual.backward_steps, not those that file it away."""
    code = [line.rstrip()[4:] for line in inspect.getsourcelines(manual.backward_steps)[0]]
    start = next(i for i, line in enumerate(code) if line.startswith(f"# Step {step}:"))
    end = next(i for i, line in enumerate(code) if line.startswith(f"# Step {step + 1}:"))
    return [line for line in code[start:end] if line and not line.startswith("steps.")]


def written_block(source, block, count):
    """The first `count` lines the program writes under `# block`, backward."""
    backward = source.split("# backward", 1)[1]
    text = backward.split(f"    # {block}\n", 1)[1].split("    #", 1)[0]
    return [f"# {block}"] + [line.strip() for line in text.splitlines()[:count]]


# %%
from itertools import zip_longest

on_the_left = handwritten_step(2)  # lesson 6's step 2, and as many lines of autograd's
on_the_right = written_block(program.source, "output", len(on_the_left))
left = ["handwritten (lesson 6)", "─" * 22, *on_the_left]
right = ["written by autograd", "─" * 19, *on_the_right]
width = max(len(line) for line in left)
for a, b in zip_longest(left, right, fillvalue=""):
    print(f"  {a:<{width}}  │  {b}".rstrip())

# %% [markdown]
# `outer(d_logits, x2)` says "the gradient of `W_out[i][j]` is `d_logits[i] * x2[j]`":
# autograd writes exactly that, one weight per line (`g_logits_26` is `d_logits[26]`).
# You wrote the rule once with a loop; the tracer wrote the loop out. And its gradients
# are the handwritten ones:

# %%
_, by_hand = manual.manual_loss_and_grads(init_params(), ids, target)
gap_llm = max(abs(a - b) for a, b in zip(flatten(by_hand), grads_compiled))
print(f"largest difference over the {number(len(weights), 'd')} weights: {number(gap_llm, '.1e')}")

# %% [markdown]
# ## Step 3: time the three ways
#
# A program is written for one **shape** of inputs. The mini-LLM's graph depends on the
# window's length, not on its letters: they come in as numbers (rows of `tok_emb`).
#
# ### Your turn! (exercise 2)
#
# How many programs must jit write to train on every name (`guess_programs`)?

# %% tags=["values"]
guess_programs = 0  # <-- your answer: the number of programs to write

# %%
guess_programs = guess("guess_programs", guess_programs)

# %%
from model.data import load_names

every = [p for name in load_names() for p in examples(name, Config().context)]
positions = every[: 200 if quick_mode() else 1000]  # the stopwatch takes some of them
lengths = sorted({len(window) for window, _ in every})
programs = len(lengths)
well_done = f"Yes: {programs}, one per window length, from {lengths[0]} letter to {lengths[-1]}."
hint = f"{guess_programs} is not it. How many different window lengths does training see?"
check(2, guess_programs == programs, well_done, hint)

# %% [markdown]
# Let us record them: the first window of each length has its program written.

# %%
import time

jit_step = make_step("compiled")  # a new step: no program yet
start_time = time.perf_counter()
firsts = {len(window): (window, following) for window, following in every}
for window, following in firsts.values():  # one window per length
    jit_step(weights, window, following)
recording = time.perf_counter() - start_time
written = len(jit_step.jitted.programs)
print(f"{written} programs recorded and compiled in {number(recording, '.2f')} s")

# %% [markdown]
# Now the stopwatch: the same positions, by the three ways of computing the gradients
# (this program's computing time, in milliseconds per position).


# %%
def ms_per_position(step, positions):
    """A step's milliseconds of computing time, on average over the positions."""
    start_time = time.process_time()
    for window, following in positions:
        step(weights, window, following)
    return 1000 * (time.process_time() - start_time) / len(positions)


# %%
ways = {
    "handwritten (lesson 6)": make_step("manual"),
    "Values + backward()": make_step("autograd"),
    "compiled (jit)": jit_step,
}
ms = {way: ms_per_position(step, positions) for way, step in ways.items()}
baseline = ms["handwritten (lesson 6)"]
print(f"{'way':22} {'ms per position':>16} {'x handwritten':>14}")
for way, duration in ms.items():
    print(f"{way:22} {number(duration, '.3f'):>16} {number(duration / baseline, '.2f'):>14}")

# %% [markdown]
# The same gradients, three speeds. Compiled code has no Value to create, no graph to
# sort, no loop over rows. But recording takes time: when does it pay for itself?

# %%
saved = ms["Values + backward()"] - ms["compiled (jit)"]  # ms saved per position
print(f"timed on {number(len(positions), 'd')} positions")
if saved > 0:
    break_even = number(1000 * recording / saved, ".0f")
    print(f"recording pays for itself over Values after about {break_even} positions")
print(f"an epoch has {number(len(every), 'd')} positions")

# %% [markdown]
# ## Step 4: the trap: Python that looks at the numbers
#
# A recording keeps the **operations**, not the Python around them: if Python looks at a
# number to decide, the recording keeps only that day's decision. Here are two ways to
# write a neuron that switches off below zero:


# %%
def neuron_that_reads(w, x):
    """On or off, decided by Python reading the number: the graph depends on the data."""
    z = w * x
    if z.data > 0.0:
        return z
    return z * 0.0


def neuron_in_the_graph(w, x):
    """The same function, with the branch as an operation of the graph."""
    return (w * x).relu()


NEURONS = {"data": neuron_that_reads, "relu": neuron_in_the_graph}

# %% [markdown]
# ### Your turn! (exercise 3)
#
# Fix the neuron: choose `branch = "relu"` (the branch stays in the graph) instead of
# `"data"` (Python reads the number), then run the next cells.

# %% tags=["values"]
branch = "data"  # <-- "data" or "relu"

# %%
branch = checked("branch", branch)
if branch not in NEURONS:
    raise ValueError(f'branch must be "data" or "relu", not "{branch}": fix its cell.')
print("neuron chosen:", NEURONS[branch].__name__)

# %%
from autograd import TraceError

try:
    y_trap, grads_trap = jit(NEURONS[branch])(2.0, 3.0)  # w * x = 6: on
    refused = False
except TraceError as refusal:
    refused = True
    print("jit refuses:", refusal)

# %% [markdown]
# With `"data"`, jit refuses: the number read with `.data` would become a constant of the
# code, the branch frozen "on" even at `w * x = -6`. The error says where, and what to
# write instead.

# %%
if not refused:  # recorded on (x = 3), replayed off (x = -3)
    y_off, grads_off = jit(NEURONS[branch])(2.0, -3.0)
    gradients = " and ".join(number(g) for g in grads_off)
    print(f"replayed at x = -3: y = {number(y_off)}, gradients {gradients}")
well_done = "Fixed: the branch goes through relu, in the graph, and jit records it."
hint = 'jit still refuses this neuron: set branch = "relu" in its cell.'
check(3, not refused, well_done, hint)

# %% [markdown]
# The mini-LLM's softmax had the same trap (`max(s.data for s in scores)`); it now writes
# `Value.max(scores).detach()`: a node of the graph, through which no gradient flows.

# %% [markdown]
# ## For real...
#
# **PyTorch** has two tools for this. `torch.fx` traces a function and writes its code as
# Python, like our `jit`; `torch.compile` goes further: it traces the forward **and** the
# backward, then has them compiled to machine code for the processor or the graphics
# card. When Python reads a number, it cuts the graph in pieces (a *graph break*)
# instead of refusing.
#
# **JAX** does as we do: `jax.jit(f)` traces `f` with abstract values, once per shape of
# inputs, and refuses an `if` on a traced value; one writes `jnp.where` or
# `jax.lax.cond`, the equivalent of our `relu`.
#
# If PyTorch is installed (`pip install torch`), the next cell has `torch.fx` write the
# neuron's code:

# %%
try:
    import torch
    import torch.fx
except ImportError:
    torch = None
    print("PyTorch is not installed: this cell does nothing.")
if torch is not None:

    def torch_neuron(w1, x1, w2, x2, b):
        return torch.relu(w1 * x1 + w2 * x2 + b)

    traced = torch.fx.symbolic_trace(torch_neuron)
    print(traced.code.strip())
    y_torch = traced(*(torch.tensor(x) for x in NEURON.values()))
    print("y:", number(float(y_torch)), "; ours:", number(y.data))

# %% [markdown]
# ## What we learned
#
# - A model's graph depends only on the shape of its examples: record it, write its code,
#   replay it.
# - The generated code is lesson 6's backward, one multiplication per line: the same
#   gradients.
# - Straight-line code on floats beats Values and loops: that is how frameworks go fast.
# - The trap: reading a number (`.data`) freezes a decision; keep it in the graph (`relu`,
#   `max`, `detach`).
#
# **Read next**: `autograd/compiler/`, the tracer and the code writer.
