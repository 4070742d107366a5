"""Lesson 8: Walking the graph backwards.

backward() must visit every value after all the values that used it. That
order comes from the graph itself: the topological order. We watch backward()
fill in the gradients one node at a time, see why a value used twice adds up
its gradients, what a second backward() does, and check it all against the
definition of the derivative.

    python -m lessons 8            (--lang fr, --quick, --eps 0.1, --help)

Each `# %%` line starts a cell: open this file as a notebook and run the cells in order.
"""

# %%
import math

from autograd import Value, gradcheck, is_grad_enabled, no_grad, topological_order, zero_grad
from lessons.common import Context, Lesson
from lessons.pictures import equations, formulas, named, table

# %% Change me! Then run the lesson again (or: python -m lessons 8 --eps 0.1).
CHANGE_ME = {
    "guess_square_grad": 0.0,  # exercise 1: your guess for d(a*a)/da at a = 2
    "backward_calls": 2,  # exercise 2: how many times to call backward() in a row
    "eps": 1e-6,  # exercise 3: the step of the finite differences (try 0.1, then 1e-13)
}

lesson = Lesson(8, CHANGE_ME, exercises=3)
# In a notebook, to read the lesson in French: lesson.configure(lang="fr")

A, B = 2.0, 3.0  # the inputs of our small graph


def small_graph(a: float = A, b: float = B) -> dict[str, Value]:
    """L = log(a * b + a): small, but `a` is used twice."""
    v = {"a": Value(a, "a"), "b": Value(b, "b")}
    v["c"] = named(v["a"] * v["b"], "c")
    v["d"] = named(v["c"] + v["a"], "d")
    v["L"] = named(v["d"].log(), "L")
    return v


def f(a: Value, b: Value) -> Value:
    """The same function, for gradcheck: it takes the inputs and returns L."""
    return (a * b + a).log()


NAMES = ["a", "b", "c", "d", "L"]


# %% Step 1: the order
@lesson.step
def the_order(ctx: Context) -> None:
    """topological_order: every value after the values it was computed from."""
    ctx.heading("order_title")
    v = small_graph()
    ctx.say("order_intro")
    print(formulas(v["L"]) + "\n")
    order = topological_order(v["L"])
    ctx.say("order_list")
    for i, node in enumerate(order, start=1):
        inputs = ", ".join(child.label for child in node.children)
        note = ctx.t("order_made_from", inputs=inputs) if inputs else ctx.t("order_leaf")
        print(f"  {i}. {node.label:<2} = {node.data:<8.4g} {note}")
    print()
    ctx.claim("order", [node.label for node in order])
    inner = [node.label for node in topological_order(v["L"], leaves=False)]
    ctx.say("order_backwards", backwards=" -> ".join(reversed(inner)))
    ctx.draw(v["L"], "graph", ctx.t("picture_graph"))


# %% Step 2: backward(), one node at a time
def backward_step_by_step(ctx: Context, v: dict[str, Value]) -> None:
    """What backward() does, written out: visit nodes outputs-first, pass gradients to inputs."""
    order = topological_order(v["L"])
    for node in order:
        node.grad = 0.0
    v["L"].grad = 1.0
    rows = [(ctx.t("grads_start"), *(v[n].grad for n in NAMES))]
    for node in reversed(order):
        if not node.children:
            continue  # a leaf has no inputs to pass anything to
        print(ctx.t("visit", node=node.label, op=node.op, grad=node.grad))
        lines = []
        for child, slope in zip(node.children, node.local_grads):
            before = child.grad
            child.grad += slope * node.grad
            lines.append(
                (f"{child.label}.grad", f"{before:g} + {slope:g} * {node.grad:g} = {child.grad:g}")
            )
        print(equations(lines) + "\n")
        rows.append((ctx.t("grads_after", node=node.label), *(v[n].grad for n in NAMES)))
    ctx.say("grads_table")
    ctx.show(table(["", *NAMES], rows))


@lesson.step
def filling_in(ctx: Context) -> None:
    """Watch the gradients being filled in, then let backward() do it and compare."""
    ctx.heading("fill_title")
    ctx.say("fill_intro")
    by_hand = small_graph()
    backward_step_by_step(ctx, by_hand)
    machine = small_graph()
    machine["L"].backward()
    same = all(by_hand[n].grad == machine[n].grad for n in NAMES)
    ctx.claim("step_by_step_equals_backward", same)
    ctx.say("fill_same" if same else "fill_differ")


# %% Step 3: a value used twice
@lesson.step
def used_twice(ctx: Context) -> None:
    """Two paths from a to L: their gradients add up, that is why backward uses +=."""
    ctx.heading("twice_title")
    v = small_graph()
    v["L"].backward()
    d_d = 1.0 / v["d"].data
    via_c = B * d_d  # a -> c -> d -> L: the slope of c = a * b is b
    via_d = 1.0 * d_d  # a -> d -> L: the slope of d = c + a is 1
    ctx.say("twice_intro")
    rows = [
        (ctx.t("path_via_c"), f"dL/dd * dd/dc * dc/da = {d_d:g} * 1 * b = {via_c:g}"),
        (ctx.t("path_via_d"), f"dL/dd * dd/da = {d_d:g} * 1 = {via_d:g}"),
        ("a.grad", f"{via_c:g} + {via_d:g} = {via_c + via_d:g}"),
    ]
    ctx.show(equations(rows))
    eps = 1e-6
    numeric = (f(Value(A + eps), Value(B)).data - f(Value(A - eps), Value(B)).data) / (2 * eps)
    ctx.claim("a_grad", v["a"].grad)
    ctx.say("twice_numeric", grad=v["a"].grad, numeric=numeric, wrong=via_c)

    ctx.say("exercise1")
    a = Value(A, "a")
    square = named(a * a, "a*a")
    square.backward()
    guess = ctx.values["guess_square_grad"]
    ctx.claim("square_grad", a.grad)
    ctx.check(
        1, abs(guess - a.grad) < 1e-9, "exercise1_ok", "exercise1_hint", guess=guess, grad=a.grad
    )


# %% Step 4: a second backward(), and zero_grad
@lesson.step
def second_backward(ctx: Context) -> None:
    """Gradients accumulate: each backward() adds again. zero_grad() starts over."""
    ctx.heading("again_title")
    calls = ctx.values["backward_calls"]
    ctx.require(calls >= 1, "bad_calls", calls=calls)
    v = small_graph()
    v["L"].backward()
    once = {n: v[n].grad for n in NAMES}
    for _ in range(calls - 1):
        v["L"].backward()
    ctx.say("again_intro", calls=calls)
    rows = [(n, once[n], v[n].grad, v[n].grad / once[n]) for n in NAMES]
    header = [ctx.t("col_value"), ctx.t("col_once"), ctx.t("col_after", calls=calls), "×"]
    ctx.show(table(header, rows))
    grew = all(math.isclose(v[n].grad, calls * once[n]) for n in NAMES)
    ctx.claim("grads_multiplied_by_calls", grew)
    ctx.say("again_why")

    zero_grad(topological_order(v["L"]))
    zeroed = [v[n].grad for n in NAMES]
    v["L"].backward()
    fresh = all(v[n].grad == once[n] for n in NAMES)
    ctx.claim("zero_grad_then_backward_is_fresh", fresh)
    ctx.say(
        "zero_grad", zeroed=", ".join(f"{g:g}" for g in zeroed),
        grads=", ".join(f"{v[n].grad:g}" for n in NAMES),
    )  # fmt: skip

    ctx.say("exercise2")
    ctx.check(
        2, calls != 2 and grew, "exercise2_ok", "exercise2_hint", calls=calls,
        grad=once["a"] * calls,
    )  # fmt: skip


# %% Step 5: no_grad
@lesson.step
def without_a_graph(ctx: Context) -> None:
    """no_grad(): numbers only, no notes; for sampling, where no gradient is needed."""
    ctx.heading("nograd_title")
    a, b = Value(A, "a"), Value(B, "b")
    with_graph = (a * b + a).log()
    with no_grad():
        inside = is_grad_enabled()
        without = (a * b + a).log()
    ctx.say(
        "nograd_intro", recorded=len(topological_order(with_graph)),
        alone=len(topological_order(without)), inside=inside, data=without.data,
    )  # fmt: skip
    without.backward()
    ctx.claim("no_grad_inputs", len(without.children))
    ctx.claim("no_grad_a_grad", a.grad)
    ctx.say("nograd_backward", grad=a.grad)


# %% Step 6: check with finite differences
@lesson.step
def finite_differences(ctx: Context) -> None:
    """gradcheck: compare backward() with (f(x + eps) - f(x - eps)) / (2 eps), input by input."""
    ctx.heading("check_title")
    eps = ctx.values["eps"]
    ctx.require(eps > 0, "bad_eps")
    ctx.say("check_intro")
    report = gradcheck(f, [Value(A, "a"), Value(B, "b")])  # raises if they disagree
    ctx.claim("gradcheck_ok", report.ok)
    ctx.claim("gradcheck_worst_error", report.abs_error)
    ctx.say(
        "check_result", checked=report.checked, name=report.worst_label,
        analytic=report.analytic, numeric=report.numeric, error=report.abs_error,
    )  # fmt: skip

    ctx.say("check_sweep")
    rows = []
    for power in range(1, 14):
        step = 10.0**-power
        r = gradcheck(f, [A, B], eps=step, raise_on_failure=False)
        digits = -math.log10(max(r.abs_error, 1e-17) / abs(r.analytic))
        rows.append((f"1e-{power:02d}", "█" * round(digits), f"{r.abs_error:.1e}", r.ok))
    header = ["eps", ctx.t("col_digits"), ctx.t("col_error"), "ok"]
    ctx.show(table(header, rows))
    ctx.say("check_why")

    ctx.say("exercise3", eps=eps)
    mine = gradcheck(f, [A, B], eps=eps, raise_on_failure=False)
    ctx.check(3, not mine.ok, "exercise3_ok", "exercise3_hint", eps=eps, error=mine.abs_error)


# %% Step 7: what we learned
@lesson.step
def summary(ctx: Context) -> None:
    """What to remember, and what comes next."""
    ctx.heading("summary_title")
    ctx.say("summary")


# %%
run = lesson.run  # run(lang="fr", quick=True, eps=0.1) -> the figures the lesson states

if __name__ == "__main__":
    lesson.run_as_script()
