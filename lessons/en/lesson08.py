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
# # Lesson 8: Walking the graph backwards
#
# In lesson 7, `backward()` read the Values' notes **backwards**. But in which order,
# exactly? Each value must come **after every value that uses it**: that order comes
# from the graph itself.
#
# The plan:
# 1. the topological order, built before your eyes;
# 2. `backward()`, one node at a time, and what breaks in the wrong order;
# 3. a value used twice;
# 4. a second `backward()`, and `zero_grad()`;
# 5. `no_grad()`, when we need no gradient;
# 6. checking `backward()` with finite differences.

# %%
from lessons.kit import check, checked, draw, guess, number, play, start

start(8, "en")  # lesson 8, in English; the exercises you do are kept in lesson_output/

# %% [markdown]
# ## Step 1: in which order?
#
# Today's graph: `L = log(a * b + a)`, with `a = 2` and `b = 3`. Look: `a` is used
# **twice**, in `c = a * b` and in `d = c + a`. We build it with `autograd.Value`, the
# project's Value.

# %%
from autograd import Value, topological_order

A, B = 2.0, 3.0  # the inputs of our small graph
NAMES = ["a", "b", "c", "d", "L"]


def small_graph(a=A, b=B):
    """L = log(a * b + a): small, but a is used twice. Its values, by name."""
    v = {"a": Value(a, "a"), "b": Value(b, "b")}
    v["c"] = v["a"] * v["b"]
    v["d"] = v["c"] + v["a"]
    v["L"] = v["d"].log()
    for name in ("c", "d", "L"):
        v[name].label = name  # a name for the drawings and the tables
    return v


# %% [markdown]
# `backward()` needs a **topological order**: each value after every value it was
# computed from. `topological_order(L)` builds it by a **depth-first search** from `L`:
# visit a value's inputs, down to the leaves, before writing it down. The function below
# does the same search, writing down each event; the **stack** holds the values being
# visited.


# %%
def order_step_by_step(root):
    """The search of topological_order, written out: the order, and the search's log."""
    order, visited, stack, log = [], set(), [], []

    def visit(v):
        if id(v) in visited:
            log.append((f"{v.label} already visited: skip", list(stack), list(order)))
            return
        visited.add(id(v))
        stack.append(v)
        log.append((f"visit {v.label}", list(stack), list(order)))
        for child in v.children:
            visit(child)
        stack.pop()
        order.append(v)  # after all its inputs: that is the whole rule
        log.append((f"append {v.label}", list(stack), list(order)))

    visit(root)
    return order, log


# %%
def names(values):
    """The names of a list of values, separated by spaces ("-" if it is empty)."""
    return " ".join(v.label for v in values) or "-"


v = small_graph()
order, log = order_step_by_step(v["L"])
print(f"{'what happens':30} {'stack':10} order so far")
for event, stack, so_far in log:
    print(f"{event:30} {names(stack):10} {names(so_far)}")

# %%
order_names = [x.label for x in order]
same_order = order_names == [x.label for x in topological_order(v["L"])]
print("The order:", ", ".join(order_names))
print("exactly the one of topological_order(L):", same_order)
to_walk = [x.label for x in reversed(order) if x.children]
print("backward() reads it backwards:", " -> ".join(to_walk))

# %% [markdown]
# Walking back from the end, each value has already received the gradients of **all**
# the values that use it when its turn comes. The leaves `a` and `b` have nothing to pass
# on: they are made from nothing, they are the inputs.

# %% [markdown]
# ## Step 2: backward(), one node at a time
#
# By hand, what `backward()` does: every gradient starts at 0, except `dL/dL = 1`; then
# each value, in the backward order, adds "slope × its gradient" to each of its inputs.
# The slopes are the ones the Value noted down when it was computed (`local_grads`).


# %%
def walk_back(v, visits, show=False):
    """backward() written out: dL/dL = 1, then each value of `visits` passes its gradient on."""
    for x in v.values():
        x.grad = 0.0
    v["L"].grad = 1.0
    for x in visits:
        if show:
            print(f"Visit {x.label} ({x.op}), its gradient is {number(x.grad)}:")
        for child, slope in zip(x.children, x.local_grads):
            before = child.grad
            child.grad += slope * x.grad  # += : a value used twice gets both gradients
            if show:
                addition = f"{number(before)} + {number(slope)} × {number(x.grad)}"
                print(f"  {child.label}.grad = {addition} = {number(child.grad)}")


# %%
by_hand = small_graph()
right_order = [x for x in reversed(topological_order(by_hand["L"])) if x.children]
walk_back(by_hand, right_order, show=True)

# %% [markdown]
# And now `L.backward()`, on a fresh graph:

# %%
machine = small_graph()
machine["L"].backward()
grads = {name: machine[name].grad for name in NAMES}
print("backward():", "; ".join(f"{name}.grad = {number(g)}" for name, g in grads.items()))
same_grads = all(by_hand[name].grad == grads[name] for name in NAMES)
print("the same gradients as by hand:", same_grads)
draw(machine["L"], "graph", "the graph of L = log(a * b + a), after backward()")

# %% [markdown]
# The same numbers: `backward()` is this loop.
#
# Does the order matter? The same loop, visiting `L`, then `c`, then `d`: `c` before `d`,
# although `d` uses `c`.

# %%
wrong = small_graph()
walk_back(wrong, [wrong["L"], wrong["c"], wrong["d"]])
print(f"{'value':7} {'right order':>12} {'wrong order':>12}")
for name in NAMES:
    print(f"{name:7} {number(grads[name]):>12} {number(wrong[name].grad):>12}")
wrong_grads = [name for name in NAMES if wrong[name].grad != grads[name]]
print(len(wrong_grads), "wrong gradient(s):", ", ".join(wrong_grads))

# %% [markdown]
# Visited before `d` passed it its gradient, `c` had received nothing yet: it passed 0 on
# to its inputs, which never got their share.

# %% [markdown]
# ## Step 3: a value used twice
#
# `a` got two contributions, from `c = a * b` and from `d = c + a`: **two paths** go from
# `a` to `L`. The slope of `log` at `d` is `1/d`.

# %%
d_L_d = 1.0 / machine["d"].data  # dL/dd: the slope of log is 1/d
via_c = d_L_d * 1.0 * B  # a -> c -> d -> L: the slope of c = a * b is b
via_d = d_L_d * 1.0  # a -> d -> L: the slope of d = c + a is 1
print(f"path a -> c -> d -> L: {number(d_L_d)} × 1 × b = {number(via_c)}")
print(f"path a -> d -> L     : {number(d_L_d)} × 1 = {number(via_d)}")
print(f"a.grad = {number(via_c)} + {number(via_d)} = {number(via_c + via_d)}")
print("backward() found:", number(machine["a"].grad))

# %% [markdown]
# Let us check without `backward()`, by the definition of the derivative: nudge `a` by a
# millionth, one way then the other, and see how much `L` moves.


# %%
def f(a, b):
    """The same function, for checking: it takes the inputs and returns L."""
    return (a * b + a).log()


nudge = 1e-6  # a millionth
up, down = f(Value(A + nudge), Value(B)), f(Value(A - nudge), Value(B))
numeric_slope = (up.data - down.data) / (2 * nudge)
print("a nudge of a millionth:", number(numeric_slope, ".6f"))

# %% [markdown]
# The two paths add up, hence `backward()`'s `+=`. With a plain `=`, the path visited
# last would overwrite the other: `a.grad` would only be the one via `c`. The player
# below replays `backward()`: watch `a.grad` receive its two contributions, one after the
# other (→ forward, ← back).

# %%
play(machine["L"], "used_twice", "a.grad receives its two contributions, one after the other")

# %% [markdown]
# ### Your turn! (exercise 1)
#
# `y = a * a`, with `a = 2`: here `a` is used twice **in one operation**. Guess `dy/da`,
# and write it in `guess_square_grad` below.
# (In a terminal, the lesson asks you for your answer.)

# %% tags=["values"]
guess_square_grad = 0.0  # <-- your guess for dy/da, with y = a * a and a = 2

# %%
guess_square_grad = guess("guess_square_grad", guess_square_grad)
a = Value(A, "a")
square = a * a
square.backward()
well_done = (
    f"Yes, {number(a.grad)}! Each of the two arrows from a to the product carries the "
    f"other input (a = {number(A)}), and they add up: "
    f"{number(A)} + {number(A)} = {number(a.grad)}. That's the rule d(a²)/da = 2a."
)
hint = (
    f"Not {number(guess_square_grad)}. Both inputs of a * a are a: what does each get, "
    "and what does backward() do with two contributions?"
)
check(1, abs(guess_square_grad - a.grad) < 1e-9, well_done, hint)

# %% [markdown]
# ## Step 4: calling backward() twice
#
# What if `backward()` is called again on the same graph? A first call, to begin with:

# %%
v = small_graph()
v["L"].backward()
once = {name: v[name].grad for name in NAMES}
print("after one call, a.grad =", number(once["a"]))

# %% [markdown]
# ### Your turn! (exercise 2)
#
# `backward()` is called **`backward_calls` times in a row** (2 or more) on this same
# graph. Guess what `a.grad` is then, and write it in `guess_calls_grad`.

# %% tags=["values"]
backward_calls = 2  # <-- how many calls to backward() in a row (2 or more)
guess_calls_grad = 0.0  # <-- your guess for a.grad after all those calls

# %%
backward_calls = checked("backward_calls", backward_calls)
guess_calls_grad = guess("guess_calls_grad", guess_calls_grad)

# %%
for _ in range(backward_calls - 1):  # the first call is already done
    v["L"].backward()
well_done = (
    f"That's it: after {backward_calls} calls, a.grad = {number(v['a'].grad)}. Each "
    "backward() adds its gradients to the ones already there. Never forget zero_grad() in "
    "a training loop!"
)
hint = (
    f"Not {number(guess_calls_grad)} ({backward_calls} call(s); the exercise needs 2 or "
    "more). Does a second backward() start from 0?"
)
check(2, backward_calls >= 2 and abs(guess_calls_grad - v["a"].grad) < 1e-9, well_done, hint)

# %%
print(f"{'value':7} {'after 1 call':>13} {f'after {backward_calls}':>12} {'×':>5}")
for name in NAMES:
    times = v[name].grad / once[name]
    print(f"{name:7} {number(once[name]):>13} {number(v[name].grad):>12} {number(times):>5}")
multiplied = all(abs(v[name].grad - backward_calls * once[name]) < 1e-12 for name in NAMES)
print(f"every gradient multiplied by {backward_calls}:", multiplied)

# %% [markdown]
# Each `backward()` **adds** its gradients to the ones already there. That is useful for a
# batch (the gradients of several examples add up), but a training step wants its own
# only: `zero_grad()` sets them back to 0 before the next `backward()`.

# %%
from autograd import zero_grad

zero_grad(topological_order(v["L"]))
zeroed = [v[name].grad for name in NAMES]
v["L"].backward()
as_new = all(v[name].grad == once[name] for name in NAMES)
print("after zero_grad():", "; ".join(number(g) for g in zeroed))
print("then one backward():", "; ".join(number(v[name].grad) for name in NAMES))
print("the gradients of a single call:", as_new)

# %% [markdown]
# ## Step 5: no_grad(), when we need no gradient
#
# Writing notes costs time and memory. When we only want numbers, for example to invent
# names with the trained model, no note is needed. Inside `with no_grad():`, the Values
# compute but remember nothing:

# %%
from autograd import is_grad_enabled, no_grad

a, b = Value(A, "a"), Value(B, "b")
with_notes = (a * b + a).log()
with no_grad():
    inside = is_grad_enabled()  # inside: False
    without_notes = (a * b + a).log()
size_with = len(topological_order(with_notes))
size_without = len(topological_order(without_notes))
print(f"with notes: a graph of {size_with} values")
print(f"inside no_grad(): {size_without} value, {number(without_notes.data, '.4f')}")
print("inside, is_grad_enabled() is", inside)

# %%
without_notes.backward()
inputs_noted = len(without_notes.children)
print("inputs noted:", inputs_noted, "; after backward(), a.grad =", number(a.grad))

# %% [markdown]
# `backward()` reaches nothing: without notes, `a.grad` stays 0. Handy to generate text,
# useless to learn.

# %% [markdown]
# ## Step 6: checking with finite differences
#
# Is `backward()` right? By the definition of the derivative, as in step 3: `dL/da` is
# about `(L(a + eps) - L(a - eps)) / (2 * eps)` for a tiny `eps`. `gradcheck()` does this
# for each input and compares it with `backward()`; it raises an error if they disagree.

# %%
from autograd import gradcheck

report = gradcheck(f, [Value(A, "a"), Value(B, "b")])  # an error if they differ
print(f"gradcheck passes on its {report.checked} inputs: {report.ok}")
print(f"the largest gap is on {report.worst_label}:")
print("  backward()           ", number(report.analytic, ".10f"))
print("  finite differences   ", number(report.numeric, ".10f"))
print("  difference           ", number(report.abs_error, ".1e"))

# %% [markdown]
# ### Your turn! (exercise 3)
#
# Before the table that gives the answer: find a step `eps` for which `gradcheck`
# **fails**, although `backward()` is right. Change `eps` below.

# %% tags=["values"]
eps = 1e-6  # <-- a step of the finite differences for which gradcheck fails

# %%
eps = guess("eps", eps)
attempt = gradcheck(f, [A, B], eps=eps, raise_on_failure=False)
well_done = (
    f"Well done: with eps = {number(eps)}, finite differences are off by "
    f"{number(attempt.abs_error, '.1e')}, and gradcheck fails. Yet backward() is right! "
    "A check is only as good as its eps."
)
hint = (
    f"With eps = {number(eps)}, gradcheck still passes (gap {number(attempt.abs_error, '.1e')}): "
    "try a far bigger, or far smaller, step."
)
check(3, not attempt.ok, well_done, hint)

# %% [markdown]
# The same check for `eps` from 0.1 down to 0.0000000000001 (the bars: the digits on which
# `backward()` and finite differences agree):

# %%
import math

gaps, failures = {}, []  # the gap of each step, and the steps that fail
for power in range(1, 14):
    step = f"1e-{power:02d}"
    r = gradcheck(f, [A, B], eps=float(step), raise_on_failure=False)
    gaps[step] = r.abs_error
    digits = -math.log10(max(r.abs_error, 1e-17) / abs(r.analytic))
    bar = "█" * round(digits)
    print(f"eps = {step} {bar:12} gap {number(r.abs_error, '.1e'):>8}  ok {r.ok}")
    if not r.ok:
        failures.append(step)
print("gradcheck fails for eps =", ", ".join(failures))
print("the step that keeps the most digits:", min(gaps, key=gaps.get))

# %% [markdown]
# Too big, and the curve bends within the step (the error grows like `eps²`); too small,
# and rounding eats the digits (a float keeps about 16). In between, a middling step keeps
# the most digits: that is why `gradcheck()` takes `eps = 1e-6` unless told otherwise.

# %% [markdown]
# ## For real...
#
# **PyTorch** does the same, bigger. During the computation, each operation on a tensor
# with `requires_grad=True` records its node (`grad_fn`); `loss.backward()` walks that
# graph from the end, and visits a node only once every node that uses it has passed its
# gradient on (a topological order, found by counting dependencies rather than with a
# stack). The `.grad`s **add up** from one call to the next too: that is why every
# training loop calls `optimizer.zero_grad()`. `with torch.no_grad():` computes without
# notes, and `torch.autograd.gradcheck` compares `backward()` with finite differences (in
# `float64`, with `eps = 1e-6`).
#
# **JAX** has no `.grad` to reset: `jax.grad(f)` returns a **function** that computes the
# gradients at each call, accumulating nothing. `jax.lax.stop_gradient` plays the part of
# `no_grad()` for one value, and `jax.test_util.check_grads` that of `gradcheck`.
#
# If PyTorch is installed (`pip install torch`), the next cell has it do our two
# `backward()` calls in a row, then its own `gradcheck`:

# %%
try:
    import torch
except ImportError:
    torch = None
    print("PyTorch is not installed: this cell does nothing.")
if torch is not None:
    a_t = torch.tensor(A, dtype=torch.float64, requires_grad=True)
    b_t = torch.tensor(B, dtype=torch.float64, requires_grad=True)
    for _ in range(2):
        torch.log(a_t * b_t + a_t).backward()  # two calls: they add up here too
    grad_torch = a_t.grad.item()
    print("PyTorch, after 2 backward(): a.grad =", number(grad_torch))
    gradcheck_torch = torch.autograd.gradcheck(lambda x, y: torch.log(x * y + x), (a_t, b_t))
    print("torch.autograd.gradcheck:", gradcheck_torch)

# %% [markdown]
# ## What we learned
#
# - `topological_order()` lists each value after its inputs; `backward()` reads the list
#   backwards, and in another order the gradients are wrong.
# - Gradients add up (`+=`): over the paths of a value used twice, and from one
#   `backward()` call to the next; `zero_grad()` starts again from 0.
# - `no_grad()` computes without notes; `gradcheck()` checks `backward()` with finite
#   differences, and a well-chosen `eps`.
#
# **Read next**: `topological_order` in `autograd/graph.py`, then `backward` in
# `autograd/value.py`.
# **Next**, lesson 9: the whole mini-LLM built from Values.
