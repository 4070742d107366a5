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
from typing import Any

from autograd import Value, gradcheck, is_grad_enabled, no_grad, topological_order, zero_grad
from lessons.common import Context, Lesson
from lessons.pictures import equations, formulas, named

# %% Change me! Then run the lesson again (or: python -m lessons 8 --eps 0.1).
CHANGE_ME = {
    "guess_square_grad": 0.0,  # exercise 1: your guess for d(a*a)/da at a = 2
    "backward_calls": 2,  # exercise 2: how many times to call backward() in a row (2 or more)
    "guess_calls_grad": 0.0,  # exercise 2: your guess for a.grad after those calls
    "eps": 1e-6,  # exercise 3: a step of the finite differences for which gradcheck fails
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


# %% Step 1: the order, built before your eyes
def order_step_by_step(root: Value) -> tuple[list[Value], list[tuple[str, Value, list, list]]]:
    """The depth-first search of topological_order, written out: (order, what happened).

    Each event is (what, node, stack, order so far): "visit" when the search arrives
    at a node, "seen" when it finds one already visited, "append" when every input of
    the node is in the order, so the node can join it. Only Value's public notes
    (.children) are read.
    """
    order: list[Value] = []
    visited: set[int] = set()
    stack: list[Value] = []  # the nodes whose inputs are being visited, outermost first
    events: list[tuple[str, Value, list, list]] = []

    def visit(node: Value) -> None:
        if id(node) in visited:
            events.append(("seen", node, list(stack), list(order)))
            return
        visited.add(id(node))
        stack.append(node)
        events.append(("visit", node, list(stack), list(order)))
        for child in node.children:
            visit(child)
        stack.pop()
        order.append(node)  # after all its inputs: that is the whole rule
        events.append(("append", node, list(stack), list(order)))

    visit(root)
    return order, events


@lesson.step
def the_order(ctx: Context) -> None:
    """Build the topological order by hand, with a depth-first search: the rule is visible."""
    ctx.heading("order_title")
    v = small_graph()
    ctx.line("order_intro")
    ctx.print(formulas(v["L"], ctx.cell) + "\n")
    ctx.say("order_dfs")
    order, events = order_step_by_step(v["L"])
    rows = []
    for what, node, stack, so_far in events:
        rows.append((
            ctx.t("dfs_" + what, node=node.label),
            " ".join(n.label for n in stack) or "-",
            " ".join(n.label for n in so_far) or "-",
        ))  # fmt: skip
    ctx.table([ctx.t("col_event"), ctx.t("col_stack"), ctx.t("col_order")], rows)
    labels = ctx.claim("order", [node.label for node in order])
    same = [node.label for node in topological_order(v["L"])] == labels
    ctx.claim("dfs_equals_topological_order", same)
    ctx.line("order_same" if same else "order_differ", order=", ".join(labels))
    inner = [node.label for node in order if node.children]
    ctx.say("order_backwards", backwards=" -> ".join(reversed(inner)))


# %% Step 2: backward(), one node at a time
def backward_in_order(
    v: dict[str, Value], visits: list[Value], ctx: Context | None = None
) -> list[tuple]:
    """backward() written out: from dL/dL = 1, each node in `visits` passes its gradient on.

    With `ctx`, each visit is printed. Returns the gradients after each visit (table rows).
    """
    n = ctx.number if ctx else (lambda x, spec: format(x, spec))
    for node in v.values():
        node.grad = 0.0
    v["L"].grad = 1.0
    rows = [("start", *(v[name].grad for name in NAMES))]
    for node in visits:
        lines = []
        for child, slope in zip(node.children, node.local_grads):
            before = child.grad
            child.grad += slope * node.grad  # += : a value used twice gets both gradients
            step = f"{n(before, 'g')} + {n(slope, 'g')} * {n(node.grad, 'g')}"
            lines.append((f"{child.label}.grad", f"{step} = {n(child.grad, 'g')}"))
        if ctx:
            ctx.line("visit", node=node.label, op=node.op, grad=node.grad)
            ctx.show(equations(lines))
        rows.append((node.label, *(v[name].grad for name in NAMES)))
    return rows


@lesson.step
def filling_in(ctx: Context) -> None:
    """Watch the gradients being filled in, compare with backward(), then break the order."""
    ctx.heading("fill_title")
    ctx.line("fill_intro")
    by_hand = small_graph()
    right_order = [node for node in reversed(topological_order(by_hand["L"])) if node.children]
    verbose = ctx.in_full()  # --verbose: each visit's additions, and the gradients after each
    rows = backward_in_order(by_hand, right_order, ctx if verbose else None)
    if verbose:
        ctx.say("grads_table")
        rows = [(ctx.t("grads_start" if i == 0 else "grads_after", node=r[0]), *r[1:])
                for i, r in enumerate(rows)]  # fmt: skip
        ctx.table(["", *NAMES], rows)
    machine = small_graph()
    machine["L"].backward()
    same = all(by_hand[n].grad == machine[n].grad for n in NAMES)
    ctx.claim("step_by_step_equals_backward", same)
    ctx.say("fill_same" if same else "fill_differ")
    ctx.draw(machine["L"], "graph", ctx.t("picture_graph"))  # after backward(): real grads

    # The same loop in a wrong order: c before d, so c passes on a gradient it has not got yet.
    wrong = small_graph()
    wrong_order = [wrong["L"], wrong["c"], wrong["d"]]
    backward_in_order(wrong, wrong_order)
    ctx.line("wrong_intro", order=" -> ".join(node.label for node in wrong_order))
    rows = [(n, machine[n].grad, wrong[n].grad, machine[n].grad == wrong[n].grad) for n in NAMES]
    ctx.table([ctx.t("col_value"), ctx.t("col_right"), ctx.t("col_wrong"), ctx.t("col_same")], rows)
    wrong_names = [n for n in NAMES if machine[n].grad != wrong[n].grad]
    ctx.claim("wrong_order_wrong_grads", wrong_names)
    ctx.say("wrong_why", names=", ".join(wrong_names), count=len(wrong_names))


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
    ctx.line("twice_intro")
    n = ctx.cell  # numbers written the lesson's way: 0.125 or 0,125
    rows = [
        (ctx.t("path_via_c"), f"dL/dd * dd/dc * dc/da = {n(d_d)} * 1 * b = {n(via_c)}"),
        (ctx.t("path_via_d"), f"dL/dd * dd/da = {n(d_d)} * 1 = {n(via_d)}"),
        ("a.grad", f"{n(via_c)} + {n(via_d)} = {n(via_c + via_d)}"),
    ]
    ctx.show(equations(rows))
    eps = 1e-6
    numeric = (f(Value(A + eps), Value(B)).data - f(Value(A - eps), Value(B)).data) / (2 * eps)
    ctx.claim("a_grad", v["a"].grad)
    ctx.say("twice_numeric", grad=v["a"].grad, numeric=numeric, wrong=via_c)
    ctx.play(v["L"], "twice_player", ctx.t("player_twice"))  # a.grad, one += at a time

    a = Value(A, "a")
    square = named(a * a, "a*a")
    square.backward()  # computed now, shown only once the learner has guessed
    grad = ctx.claim("square_grad", a.grad)
    ctx.ask(
        1, "guess_square_grad", lambda guess: abs(guess - grad) < 1e-9, lambda _: {"grad": grad}
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

    def about(guess: float) -> dict[str, Any]:
        return {"calls": calls, "grad": v["a"].grad, "once": once["a"]}

    # Exercise 2 comes before the table that answers it; 1 call shows no accumulation.
    ctx.ask(
        2, "guess_calls_grad", lambda guess: calls >= 2 and abs(guess - v["a"].grad) < 1e-9,
        about, calls=calls, once=once["a"],
    )  # fmt: skip
    rows = [(n, once[n], v[n].grad, v[n].grad / once[n]) for n in NAMES]
    after = ctx.t("col_after_one" if calls == 1 else "col_after", calls=calls)
    if ctx.in_full():  # --verbose: every gradient, after one call and after all of them
        ctx.table([ctx.t("col_value"), ctx.t("col_once"), after, "×"], rows)
    grew = all(math.isclose(v[n].grad, calls * once[n]) for n in NAMES)
    ctx.claim("grads_multiplied_by_calls", grew)
    ctx.line("again_why", calls=calls, grad=v["a"].grad)

    zero_grad(topological_order(v["L"]))
    zeroed = [v[n].grad for n in NAMES]
    v["L"].backward()
    fresh = all(v[n].grad == once[n] for n in NAMES)
    ctx.claim("zero_grad_then_backward_is_fresh", fresh)
    ctx.say(
        "zero_grad", zeroed=" ; ".join(ctx.number(g, "g") for g in zeroed),
        grads=" ; ".join(ctx.number(v[n].grad, "g") for n in NAMES),
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
    recorded, alone = len(topological_order(with_graph)), len(topological_order(without))
    without.backward()
    ctx.claim("no_grad_inputs", len(without.children))
    ctx.claim("no_grad_a_grad", a.grad)
    if not ctx.in_full():  # the short version: what no_grad() is for, in numbers
        ctx.say("nograd_short", recorded=recorded, alone=alone, grad=a.grad)
        return
    ctx.say("nograd_intro", recorded=recorded, alone=alone, inside=inside, data=without.data)
    ctx.say("nograd_backward", grad=a.grad)


# %% Step 6: check with finite differences
@lesson.step
def finite_differences(ctx: Context) -> None:
    """gradcheck: compare backward() with (f(x + eps) - f(x - eps)) / (2 eps), input by input."""
    ctx.heading("check_title")
    ctx.require(ctx.values["eps"] > 0, "bad_eps")
    ctx.line("check_intro")
    report = gradcheck(f, [Value(A, "a"), Value(B, "b")])  # raises if they disagree
    ctx.claim("gradcheck_ok", report.ok)
    ctx.claim("gradcheck_worst_error", report.abs_error)
    ctx.line(
        "check_result", checked=report.checked, name=report.worst_label,
        analytic=report.analytic, numeric=report.numeric, error=report.abs_error,
    )  # fmt: skip

    def fails(step: float) -> bool:
        return step > 0 and not gradcheck(f, [A, B], eps=step, raise_on_failure=False).ok

    def about(step: float) -> dict[str, Any]:
        error = gradcheck(f, [A, B], eps=step, raise_on_failure=False).abs_error if step > 0 else 0
        return {"eps": step, "error": error}

    ctx.ask(3, "eps", fails, about)  # before the table that answers it

    ctx.line("check_sweep")
    rows = []
    for power in range(1, 14) if ctx.verbose else range(1, 14, 4):
        step = 10.0**-power
        r = gradcheck(f, [A, B], eps=step, raise_on_failure=False)
        digits = -math.log10(max(r.abs_error, 1e-17) / abs(r.analytic))
        rows.append((f"1e-{power:02d}", "█" * round(digits), ctx.number(r.abs_error, ".1e"), r.ok))
    ctx.table(["eps", ctx.t("col_digits"), ctx.t("col_error"), "ok"], rows)
    failing = [row[0] for row in rows if not row[3]]
    ctx.claim("sweep_failing", failing)
    ctx.say("check_why", failing=", ".join(failing))


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
