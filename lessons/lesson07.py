"""Lesson 7: A number that remembers.

A Value is a number that keeps a note of how it was made. From those notes,
backward() finds every gradient: we derive the same gradients by hand, step by
step, and put the two side by side.

    python -m lessons 7            (--lang fr, --quick, --bias -1.0, --help)

Each `# %%` line starts a cell: VS Code runs them one by one, and
`python -m lessons 7 --notebook` writes the lesson as a Jupyter notebook.
"""

# %%
import math
from typing import Any

from autograd import Value
from lessons.common import Context, Lesson
from lessons.pictures import equations, formulas, named

# %% Change me! Then run the lesson again (or: python -m lessons 7 --bias -1.0).
CHANGE_ME = {
    "bias": 0.1,  # exercise 1: a bias that switches the neuron off
    "guess_sum": 1.0,  # exercise 2: your guess for dloss/dz_a + dloss/dz_b + dloss/dz_c
    "target": "a",  # exercise 3: the right letter that gives the biggest loss: "a", "b" or "c"
}

lesson = Lesson(7, CHANGE_ME, exercises=3)
# In a notebook, to read the lesson in French: lesson.configure(lang="fr")


# %% Step 1: a Value, and its five operations
@lesson.step
def a_value_remembers(ctx: Context) -> None:
    """A result keeps its inputs, its operation and its local slopes: that is all backward needs."""
    ctx.heading("value_title")
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = a * b
    ctx.line("value_intro", a=a.data, b=b.data)
    ctx.say(
        "value_notes", data=c.data, op=c.op,
        inputs=", ".join(child.label for child in c.children),
        slopes=" ; ".join(ctx.number(slope, "g") for slope in c.local_grads),
    )  # fmt: skip
    examples = {
        "a + b": a + b, "a * b": a * b, "a.exp()": a.exp(), "a.log()": a.log(),
        "a.relu()": a.relu(), "b.relu()": b.relu(),
    }  # fmt: skip
    rows = [
        (code, out.op, out.data, " | ".join(ctx.number(g, ".4g") for g in out.local_grads))
        for code, out in examples.items()
    ]
    header = [ctx.t("col_code"), ctx.t("col_op"), ctx.t("col_result"), ctx.t("col_slopes")]
    ctx.table(header, rows)
    ctx.say("value_slopes")


# %% Step 2: a neuron, and its gradients by hand and by backward()
NEURON = {"x1": 2.0, "w1": 0.6, "x2": 1.0, "w2": -0.4}  # two inputs, two weights


def build_neuron(bias: float) -> dict[str, Value]:
    """y = relu(w1*x1 + w2*x2 + b), every value named so we can talk about it."""
    v = {name: Value(x, name) for name, x in NEURON.items()}
    v["b"] = Value(bias, "b")
    v["p1"] = named(v["w1"] * v["x1"], "p1")
    v["p2"] = named(v["w2"] * v["x2"], "p2")
    v["s"] = named(Value.sum([v["p1"], v["p2"], v["b"]]), "s")
    v["y"] = named(v["s"].relu(), "y")
    return v


def neuron_by_hand(ctx: Context, v: dict[str, Value]) -> dict[str, float]:
    """The chain rule from y back to each input, one printed line per derivative."""
    n = ctx.number  # numbers written the lesson's way: 0.4 or 0,4, never -0
    d = {"y": 1.0}
    slope = 1.0 if v["s"].data > 0 else 0.0  # ReLU: slope 1 when on, 0 when off
    d["s"] = slope * d["y"]
    rows = [("dy/dy", "1"), ("dy/ds", f"relu'(s) * dy/dy = {n(slope, 'g')} * 1 = {n(d['s'], 'g')}")]
    for name in ("p1", "p2", "b"):  # s = p1 + p2 + b: a sum passes its gradient on
        d[name] = 1.0 * d["s"]
    rows.append(("dy/dp1 = dy/dp2 = dy/db", f"dy/ds * 1 = {n(d['s'], 'g')}"))
    for p, w, x in (("p1", "w1", "x1"), ("p2", "w2", "x2")):  # p = w * x
        d[w] = v[x].data * d[p]
        d[x] = v[w].data * d[p]
        for grad, other in ((w, x), (x, w)):
            product = f"{n(d[p], 'g')} * {n(v[other].data, 'g')} = {n(d[grad], 'g')}"
            rows.append((f"dy/d{grad}", f"dy/d{p} * {other} = {product}"))
    ctx.show(equations(rows))
    relu = ctx.t("hand_relu_on" if slope else "hand_relu_off", s=v["s"].data)
    ctx.say("hand_rules", relu=relu)
    return d


@lesson.step
def a_neuron(ctx: Context) -> None:
    """A ReLU neuron: its graph, its gradients by hand, then by backward()."""
    ctx.heading("neuron_title")
    v = build_neuron(ctx.values["bias"])
    ctx.say("neuron_intro")
    print(formulas(v["y"], ctx.cell) + "\n")
    ctx.say("hand_intro")
    by_hand = neuron_by_hand(ctx, v)
    v["y"].backward()
    names = ["w1", "x1", "w2", "x2", "b", "p1", "p2", "s"]
    rows = [(n, by_hand[n], v[n].grad, by_hand[n] == v[n].grad) for n in names]
    header = [ctx.t("col_value"), ctx.t("col_by_hand"), "backward()", ctx.t("col_same")]
    if ctx.in_full():  # --verbose: the two columns side by side
        ctx.table(header, rows)
    difference = ctx.claim("neuron_max_difference", max(abs(by_hand[n] - v[n].grad) for n in names))
    ctx.claim("neuron_output", v["y"].data)
    ctx.say("backward_intro", difference=difference)
    ctx.draw(v["y"], "neuron", ctx.t("picture_neuron"))
    ctx.play(v["y"], "neuron_player", ctx.t("player_neuron"))

    def switches_off(bias: float) -> bool:
        return build_neuron(bias)["y"].data == 0.0

    def about(bias: float) -> dict[str, float]:
        return {"s": build_neuron(bias)["s"].data, "on_part": v["s"].data - v["b"].data}

    ctx.ask(1, "bias", switches_off, about)


# %% Step 3: softmax and cross-entropy over three letters
LOGITS = {"a": 2.0, "b": 1.0, "c": 0.1}  # the scores of three letters


def build_softmax(target: str) -> dict[str, Value]:
    """loss = -log(softmax(z)[target]), built from exp, +, ** and *, every value named."""
    v: dict[str, Value] = {}
    for letter, z in LOGITS.items():
        v["z_" + letter] = Value(z, "z_" + letter)
        v["e_" + letter] = named(v["z_" + letter].exp(), "e_" + letter)
    v["total"] = named(Value.sum([v["e_" + letter] for letter in LOGITS]), "total")
    v["inv"] = named(v["total"] ** -1, "1/total")
    for letter in LOGITS:
        v["p_" + letter] = named(v["e_" + letter] * v["inv"], "p_" + letter)
    v["logp"] = named(v["p_" + target].log(), f"log p_{target}")
    v["loss"] = named(-v["logp"], "loss")
    return v


def softmax_by_hand(ctx: Context, v: dict[str, Value], target: str) -> dict[str, float]:
    """The chain rule from the loss back to the three scores, one printed line per step."""
    t, n = target, ctx.number
    e_t, total, p_t = v["e_" + t].data, v["total"].data, v["p_" + t].data
    d_logp = -1.0 * 1.0
    d_pt = (1.0 / p_t) * d_logp
    d_inv = e_t * d_pt
    d_et_direct = v["inv"].data * d_pt
    d_total = (-1.0 * total**-2.0) * d_inv
    rows = [
        ("dloss/dloss", "1"),
        (f"dloss/dlog p_{t}", "-1", f"loss = -log p_{t}"),
        (f"dloss/dp_{t}", f"1/p_{t} * (-1) = {n(d_pt, '.4g')}", "log x -> 1/x"),
        (
            "dloss/d(1/total)",
            f"e_{t} * dloss/dp_{t} = {n(d_inv, '.4g')}",
            f"p_{t} = e_{t} * 1/total",
        ),
        (f"dloss/de_{t} (p_{t})", f"1/total * dloss/dp_{t} = {n(d_et_direct, '.4g')}", ""),
        ("dloss/dtotal", f"-1/total² * dloss/d(1/total) = {n(d_total, '.4g')}", "x ** -1"),
    ]
    d_z = {}
    for letter in LOGITS:
        d_e = d_total + (d_et_direct if letter == t else 0.0)  # e_t is used twice: both add up
        if letter == t:
            rows.append(
                (
                    f"dloss/de_{t}",
                    f"{n(d_total, '.4g')} + {n(d_et_direct, '.4g')} = {n(d_e, '.4g')}",
                    "+=",
                )
            )
        else:
            rows.append((f"dloss/de_{letter}", f"dloss/dtotal = {n(d_e, '.4g')}", ""))
    for letter in LOGITS:
        d_e = d_total + (d_et_direct if letter == t else 0.0)
        d_z[letter] = v["e_" + letter].data * d_e
        rows.append(
            (
                f"dloss/dz_{letter}",
                f"e_{letter} * dloss/de_{letter} = {n(d_z[letter], '.4g')}",
                "exp",
            )
        )
    if ctx.in_full():  # --verbose: every step of the chain rule
        ctx.show(equations(rows))
    return d_z


@lesson.step
def a_softmax(ctx: Context) -> None:
    """Softmax and cross-entropy over three letters: by hand, by the shortcut p - y, by backward."""
    ctx.heading("softmax_title")
    target = ctx.values["target"]
    ctx.require(target in LOGITS, "bad_target")
    v = build_softmax(target)
    ctx.say("softmax_intro", target=target)
    rows = [(letter, v["p_" + letter].data) for letter in LOGITS]
    marks = {list(LOGITS).index(target): "<- " + ctx.t("the_target")}
    ctx.bars(rows, marks=marks)
    if ctx.in_full():  # --verbose: every Value of the graph
        ctx.print(formulas(v["loss"], ctx.cell) + "\n")
    ctx.say("softmax_loss", loss=v["loss"].data, target=target)

    # Exercise 2 comes before the gradients: the learner guesses, then sees them.
    gradients = {letter: v["p_" + letter].data - (letter == target) for letter in LOGITS}
    total = ctx.claim("gradient_sum", sum(gradients.values()))
    ctx.ask(2, "guess_sum", lambda guess: abs(guess - total) < 1e-6, lambda _: {"total": total})

    ctx.say("softmax_hand_intro" if ctx.verbose else "softmax_hand_short")
    by_hand = softmax_by_hand(ctx, v, target)
    v["loss"].backward()
    rows = []
    for letter in LOGITS:
        shortcut = v["p_" + letter].data - (1.0 if letter == target else 0.0)
        rows.append((f"z_{letter}", by_hand[letter], shortcut, v["z_" + letter].grad))
    header = [ctx.t("col_value"), ctx.t("col_by_hand"), "p - y", "backward()"]
    ctx.table(header, rows)
    ctx.claim("softmax_max_difference", max(abs(h - g) for _, h, _, g in rows))
    ctx.claim("shortcut_max_difference", max(abs(s - g) for _, _, s, g in rows))
    ctx.say("softmax_same")
    ctx.draw(v["loss"], "softmax", ctx.t("picture_softmax"))

    losses = {letter: -math.log(v["p_" + letter].data) for letter in LOGITS}
    worst = max(losses, key=losses.get)
    ctx.claim("biggest_loss_letter", worst)

    def about(letter: str) -> dict[str, Any]:
        # p - y: the push on the right letter's score is its probability minus 1.
        return {"worst": worst, "loss": losses[worst], "push": v["p_" + worst].data - 1.0}

    ctx.ask(3, "target", lambda letter: letter == worst, about)


# %% Step 4: what we learned
@lesson.step
def summary(ctx: Context) -> None:
    """What to remember, and what comes next."""
    ctx.heading("summary_title")
    ctx.say("summary")


# %%
run = lesson.run  # run(lang="fr", quick=True, bias=-1.0) -> the figures the lesson states

if __name__ == "__main__":
    lesson.run_as_script()
