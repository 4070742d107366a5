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
# # Lesson 7: A number that remembers
#
# In lesson 6, you wrote the backward pass **by hand**: the 7 steps of
# `backward(cache, probas, cible)`. Real frameworks (PyTorch, JAX) compute the
# gradients **on their own**. Today we build the tool that does it: a **Value**, a
# number that keeps a note of how it was made.
#
# The plan:
# 1. a Value in about sixty lines, that you write yourself;
# 2. a neuron: its gradients by hand, then by `backward()`;
# 3. the softmax and its loss, over three letters.

# %%
from lessons.kit import check, draw, guess, number, play, start

start(7, "en")  # lesson 7, in English; the exercises you do are kept in lesson_output/

# %% [markdown]
# ## Step 1: a Value, in a few cells
#
# A Value keeps **five things**: its number (`data`), its gradient (`grad`, filled in
# later), the Values it comes from (its **children**), its **slopes** (the local
# derivatives: how much it moves when a child moves a tiny bit), and the name of the
# operation that made it.
#
# We call ours `MyValue`, and keep the names `data`, `grad` and `backward()`: those of
# PyTorch and of `autograd.Value`, which you will meet below.

# %%
import math


class MyValue:
    """A number that remembers how it was made."""

    def __init__(self, data, children=(), slopes=(), op=""):
        self.data = data  # the number itself
        self.grad = 0.0  # d(output)/d(this number): filled in by backward()
        self.children = children  # the Values it comes from
        self.slopes = slopes  # its local derivatives, one per child
        self.op = op  # the operation that made it

    def __repr__(self):
        return f"MyValue(data={self.data:.4g}, grad={self.grad:.4g})"


# %% [markdown]
# Addition and multiplication. Each computes its result **and** its slopes, right away:
# for `a + b`, if `a` moves a little, the result moves as much (slope 1); for `a * b`,
# it moves `b` times as much (the slope of `a` is `b`, and the other way round).


# %%
def add(self, other):
    other = other if isinstance(other, MyValue) else MyValue(other)  # 2 becomes MyValue(2)
    return MyValue(self.data + other.data, (self, other), (1.0, 1.0), "+")


def mul(self, other):
    other = other if isinstance(other, MyValue) else MyValue(other)
    return MyValue(self.data * other.data, (self, other), (other.data, self.data), "*")


MyValue.__add__ = MyValue.__radd__ = add  # a + b, and 2 + a
MyValue.__mul__ = MyValue.__rmul__ = mul  # a * b, and 2 * a

# %% [markdown]
# Three operations with one input: `exp` is its own derivative, `log` has slope `1/a`,
# and `relu` lets a change through (slope 1) when it is on, nothing (slope 0) when off.


# %%
def exp(self):
    e = math.exp(self.data)
    return MyValue(e, (self,), (e,), "exp")  # the slope of exp is exp


def log(self):
    return MyValue(math.log(self.data), (self,), (1.0 / self.data,), "log")


def relu(self):
    on = self.data > 0
    return MyValue(self.data if on else 0.0, (self,), (1.0 if on else 0.0,), "relu")


MyValue.exp, MyValue.log, MyValue.relu = exp, log, relu

# %% [markdown]
# And now **backward()**, the chain rule done by the machine:
#
# 1. put the Values in **the order they were computed** (each Value after its children:
#    a *topological order*);
# 2. start from the output (`grad = 1`) and walk that order **backwards**: each Value
#    gives each child `slope * its own grad`.
#
# The `+=` matters: a Value used twice gets two gradients, which add up.


# %%
def backward(self):
    """Fill in the grad of every Value that self depends on: the chain rule."""
    order, seen = [], set()

    def visit(v):  # the children first, then v
        if v not in seen:
            seen.add(v)
            for child in v.children:
                visit(child)
            order.append(v)

    visit(self)
    self.grad = 1.0  # d(output)/d(output)
    for v in reversed(order):  # from the output back to the inputs
        for child, slope in zip(v.children, v.slopes):
            child.grad += slope * v.grad


MyValue.backward = backward

# %% [markdown]
# Let's try with `a = 2` and `b = -3`. The product `c = a * b` remembers everything:

# %%
a, b = MyValue(2.0), MyValue(-3.0)
c = a * b
print("c =", c)
print("operation:", c.op, "; children:", c.children[0].data, "and", c.children[1].data)
print("slopes:", number(c.slopes[0]), "and", number(c.slopes[1]))

# %% [markdown]
# The slopes: if `a` moves a tiny bit, `c` moves `b = -3` times as much; if `b` moves,
# `a = 2` times as much. Here are the five operations, with their slopes:

# %%
examples = {
    "a + b": a + b,
    "a * b": a * b,
    "a.exp()": a.exp(),
    "a.log()": a.log(),
    "a.relu()": a.relu(),
    "b.relu()": b.relu(),
}
for code, v in examples.items():
    slopes = " ; ".join(number(s) for s in v.slopes)
    print(f"{code:9} operation {v.op:5} result {number(v.data):>7}   slopes {slopes}")

# %% [markdown]
# With these five we build the whole mini-LLM: `a - b` is `a + (-1) * b`, and the
# softmax needs nothing but `exp`, `+`, `log` and `*`.

# %% [markdown]
# ## Step 2: a neuron, by hand and by backward()
#
# One neuron, the kind the mini-LLM's MLP has 32 of: `y = relu(w1 * x1 + w2 * x2 + b)`.
# The function below builds it with any class of numbers `V`: our `MyValue`, or, further
# down, the project's.


# %%
def neuron(b, V=MyValue):
    """y = relu(w1 * x1 + w2 * x2 + b), and its inputs by name."""
    inputs = {"x1": V(2.0), "w1": V(0.6), "x2": V(1.0), "w2": V(-0.4), "b": V(b)}
    for name, v in inputs.items():
        v.label = name  # a name for the drawings
    i = inputs
    y = (i["w1"] * i["x1"] + i["w2"] * i["x2"] + i["b"]).relu()
    return y, inputs


# %% [markdown]
# **By hand first**, with the chain rule: if I nudge a weight, how much does `y` move?
# Start from `y`, go back one operation at a time, and multiply by each slope. Two rules
# are enough: a sum passes its gradient on unchanged; a product sends each input the
# gradient times the other input.

# %%
x1, w1, x2, w2, b = 2.0, 0.6, 1.0, -0.4, 0.1
s = w1 * x1 + w2 * x2 + b
d_s = 1.0 if s > 0 else 0.0  # dy/ds: the slope of relu, 1 when on, 0 when off
by_hand = {"x1": d_s * w1, "w1": d_s * x1, "x2": d_s * w2, "w2": d_s * x2, "b": d_s}
print("s =", number(s), "; relu on:", s > 0)

# %% [markdown]
# **And now by the machine**: `y.backward()` reads the notes backwards.

# %%
y, inputs = neuron(0.1)
y.backward()
for name, v in inputs.items():
    print(f"dy/d{name:3} by hand {number(by_hand[name]):>5}   backward() {number(v.grad):>5}")
gap_mine = max(abs(by_hand[name] - v.grad) for name, v in inputs.items())
print("largest difference:", number(gap_mine))

# %% [markdown]
# The same numbers: `backward()` is the chain rule, one note at a time, exactly like you.
#
# ### The project's Value: the same idea, with guard rails
#
# The project has its own Value, `autograd.Value` (in `autograd/value.py`, to read
# right after this lesson). Same neuron, same gradients:

# %%
import autograd

y_project, inputs_project = neuron(0.1, V=autograd.Value)
y_project.backward()
gap_project = max(abs(inputs[name].grad - v.grad) for name, v in inputs_project.items())
print(
    "y:",
    number(y.data),
    "and",
    number(y_project.data),
    "; largest difference:",
    number(gap_project),
)

# %% [markdown]
# What it adds are guard rails. The `log` of a negative number, first:

# %%
for V in (MyValue, autograd.Value):
    try:
        V(-1.0).log()
    except ValueError as error:
        print(f"{V.__name__}: {error}")

# %% [markdown]
# And a very deep graph: our `visit()` calls itself once per Value, and Python stops
# calls nested too deep. The project's Value then uses a stack of its own.

# %%
depth = 5000
for V in (MyValue, autograd.Value):
    chain = V(1.0)
    for _ in range(depth):
        chain = chain + 1.0
    try:
        chain.backward()
        print(f"{V.__name__}: backward() through {depth} additions, no problem")
    except RecursionError:
        print(f"{V.__name__}: RecursionError, too many nested calls")

# %% [markdown]
# The neuron's graph, drawn by the project (each box: operation | name | data | grad),
# then `backward()` replayed one step at a time (→ forward, ← back):

# %%
draw(y_project, "neuron", "the neuron's graph")
play(y_project, "neuron_player", "backward() on your neuron, one step at a time")

# %% [markdown]
# ### Your turn! (exercise 1)
#
# Find a bias `bias` that switches the neuron **off**: its output `y` becomes 0.
# Change `bias` in the cell below, then run it, and the next one.
# (In a terminal, the lesson asks for your answer.)

# %% tags=["values"]
bias = 0.1  # <-- a bias that switches the neuron off

# %%
bias = guess("bias", bias)
y_exercise, _ = neuron(bias)
on_part = w1 * x1 + w2 * x2  # s = on_part + b
well_done = (
    f"With b = {number(bias)}, y = 0: the neuron is off (any bias of {number(-on_part)} "
    "or less does it), and all its gradients are 0."
)
hint = (
    f"With b = {number(bias)}, s is still positive: the neuron is on. "
    "s is w1 * x1 + w2 * x2 + b: how low must b go?"
)
check(1, y_exercise.data == 0, well_done, hint)

# %% [markdown]
# A ReLU that is off lets no gradient through: this example cannot teach its weights
# anything.

# %% [markdown]
# ## Step 3: softmax and cross-entropy, over three letters
#
# The end of the mini-LLM: one score (logit) per letter, a softmax that turns them into
# probabilities, and the loss `-log(p_target)`. Since `p_target = exp(z_target) / total`,
# with `total = exp(z_a) + exp(z_b) + exp(z_c)`, the loss is also
# `log(total) - z_target`: only operations our Value knows.

# %%
scores = {"a": 2.0, "b": 1.0, "c": 0.1}  # the logits of three letters


def loss_of(target, V=MyValue):
    """The softmax's cross-entropy: log(total) - z_target, and the scores by letter."""
    z = {letter: V(score) for letter, score in scores.items()}
    total = z["a"].exp() + z["b"].exp() + z["c"].exp()
    return total.log() + (-1.0) * z[target], z


total = sum(math.exp(score) for score in scores.values())
probs = {letter: math.exp(score) / total for letter, score in scores.items()}
for letter, p in probs.items():
    print(f"p_{letter} = {number(p, '.1%'):>6}  " + "█" * round(40 * p))

# %% [markdown]
# ### Your turn! (exercise 2)
#
# With "a" as the right letter: **before** the gradients are on the screen, guess the sum
# `dloss/dz_a + dloss/dz_b + dloss/dz_c` of the three gradients (`guess_sum`). A clue: the
# probabilities always add up to 1.

# %% tags=["values"]
guess_sum = 1.0  # <-- your guess for the sum of the three gradients

# %%
guess_sum = guess("guess_sum", guess_sum)

# %% [markdown]
# The gradients, two ways: by `backward()`, and by the shortcut of lessons 2 and 3,
# `p - y` (the probability, minus 1 for the right letter).

# %%
loss, z = loss_of("a")
loss.backward()
for letter, v in z.items():
    shortcut = probs[letter] - (1.0 if letter == "a" else 0.0)
    print(f"dloss/dz_{letter}: backward() {number(v.grad):>8}   p - y {number(shortcut):>8}")
grad_sum = sum(v.grad for v in z.values())
well_done = (
    f"Exactly: the sum is 0 (computed: {number(grad_sum, '.2g')}, a rounding error). "
    "Adding 1 to every score changes no probability."
)
hint = f"Not {number(guess_sum)}. What happens to the probabilities if you add 1 to every score?"
check(2, abs(guess_sum - grad_sum) < 1e-6, well_done, hint)

# %% [markdown]
# The shortcut `p - y` is the chain rule, simplified. And the project's Value finds the
# same gradients:

# %%
loss_project, z_project = loss_of("a", V=autograd.Value)
loss_project.backward()
gap_softmax = max(abs(z[letter].grad - v.grad) for letter, v in z_project.items())
print("loss:", number(loss.data), "; largest difference with autograd.Value:", number(gap_softmax))

# %% [markdown]
# ### Your turn! (exercise 3)
#
# Which right letter (`target`: "a", "b" or "c") would give the **biggest loss**, and the
# biggest push on its score?

# %% tags=["values"]
target = "a"  # <-- "a", "b" or "c"

# %%
target = guess("target", target)
losses = {letter: loss_of(letter)[0].data for letter in scores}
worst = max(losses, key=losses.get)
well_done = (
    f'Yes: "{worst}", the least likely letter, gives the biggest loss '
    f"({number(losses[worst], '.3f')}) and the biggest push on its score "
    f"(gradient {number(probs[worst] - 1, '.3f')}): the model is most wrong there."
)
hint = f'Not "{target}". Which letter does the model find the least likely?'
check(3, target == worst, well_done, hint)

# %% [markdown]
# ## For real...
#
# **PyTorch** does just what our Value does: during the computation, each operation
# notes its inputs and what it needs for its slopes, and `loss.backward()` walks those
# notes in reverse order and fills in the `.grad`s. Two differences: its numbers are
# **tensors** (whole arrays, not one number at a time), and its slopes are written in
# C++ to be fast.
#
# **JAX** does the same computation another way: `jax.grad(f)` takes a Python function
# and returns the function of its gradients; numbers have no `.grad` attribute.
#
# If PyTorch is installed (`pip install torch`), the next cell has it compute the
# gradients of our softmax:

# %%
try:
    import torch
except ImportError:
    torch = None
    print("PyTorch is not installed: this cell does nothing.")
if torch is not None:
    z_torch = torch.tensor(list(scores.values()), dtype=torch.float64, requires_grad=True)
    loss_torch = torch.logsumexp(z_torch, dim=0) - z_torch[0]  # log(total) - z_a
    loss_torch.backward()
    gap_torch = max(abs(g - z[l].grad) for g, l in zip(z_torch.grad.tolist(), scores))
    print("PyTorch: largest difference with our Value:", number(gap_torch))

# %% [markdown]
# ## What we learned
#
# - A Value is a number that remembers its children, its operation and its slopes.
# - Five operations are enough: `+`, `*`, `exp`, `log`, `relu`.
# - `backward()` is the chain rule, in reverse topological order: the same numbers as by
#   hand.
# - A Value used twice gets two gradients, which add up; the softmax's shortcut `p - y`
#   is the chain rule, simplified.
#
# **Read next**: `autograd/value.py`, the same Value with its guard rails.
# **Next**, lesson 8: in which order does `backward()` read the notes?
