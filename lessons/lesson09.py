"""Lesson 9: The mini-LLM built from Values.

The model of lessons 5 and 6, written once more, but with Values: its forward
pass is the same math, and backward() finds its gradients. We count how many
Values one position makes (and why), draw a readable part of the graph, and put
autograd's gradients next to the handwritten 7-step backward, weight by weight.

    python -m lessons 9            (--lang fr, --quick, --window .bulb, --help)

Each `# %%` line starts a cell: open this file as a notebook and run the cells in order.
"""

# %%
import textwrap
from collections import Counter
from itertools import zip_longest

from autograd import topological_order
from lessons.common import Context, Lesson, next_letters
from model import Config, count_params, encode, init_params, manual
from model.autodiff import forward, grads_of, leaves, to_values
from model.cli.graph_player import step_notes
from model.compare import StepComparison, compare_backends, compare_steps, largest_difference
from model.data import VOCAB
from model.params import WEIGHTS, flatten

# %% Change me! Then run the lesson again (or: python -m lessons 9 --window .bulbiza).
CHANGE_ME = {
    "window": ".pik",  # exercise 1: the letters the model sees (try 8 of them: ".bulbiza")
    "next_letter": "a",  # the letter it should guess next
    "guess_dots": 0,  # exercise 2: your count of the dot nodes for your window
    "weight": "Wq",  # exercise 3: the weight to look at closely (try "tok_emb")
}

lesson = Lesson(9, CHANGE_ME, exercises=3)
# In a notebook, to read the lesson in French: lesson.configure(lang="fr")

CONFIG = Config()
DEFAULT_WINDOW = ".pik"
STEP_NAMES_WIDTH = 36  # the quantities a step computes, wrapped to keep its table narrow
LONG_WINDOW = ".pikachu"  # 8 different letters: each uses its own embedding row


def check_values(ctx: Context) -> None:
    """Stop at once, with a clear message, on a value the lesson cannot use."""
    window, letter = ctx.values["window"], ctx.values["next_letter"]
    letters_ok = window and all(ch in VOCAB for ch in window + letter) and len(letter) == 1
    ctx.require(letters_ok, "bad_letters", letter=letter)
    ctx.require(ctx.values["weight"] in WEIGHTS, "bad_weight", names=", ".join(WEIGHTS))


def example(ctx: Context) -> tuple[list[int], int]:
    """The window and the next letter from CHANGE_ME, as ids (the last 8 letters at most)."""
    window, letter = ctx.values["window"], ctx.values["next_letter"]
    return encode(window)[-CONFIG.context :], encode(letter)[0]


def dot_formula(n: int, config: Config = CONFIG) -> int:
    """How many dot products one position computes, with a window of n letters."""
    E, H, V = config.embed_dim, config.hidden_dim, config.vocab_size
    # q: E | keys, values: 2nE | scores: n | attention output: E | MLP: H + E | logits: V
    return E + 2 * n * E + n + E + H + E + V


# %% Step 1: the model, rebuilt from Values
@lesson.step
def the_model(ctx: Context) -> None:
    """The same weights, wrapped in Values; the same loss as the float version."""
    check_values(ctx)
    ctx.heading("model_title")
    params = init_params(CONFIG, seed=42)
    ids, target = example(ctx)
    vparams = to_values(params)
    loss = forward(vparams, ids, target)
    by_floats = manual.cross_entropy(manual.forward(params, ids)["logits"], target)
    ctx.say(
        "model_intro", params=ctx.number(count_params(CONFIG)),
        leaves=ctx.number(len(leaves(vparams))),
        window=ctx.values["window"], letter=VOCAB[target], loss=loss.data, floats=by_floats,
    )  # fmt: skip
    if ctx.in_full():  # --verbose: what the untrained model predicts
        print(ctx.t("model_bars", window=ctx.values["window"]))
        ctx.bars(next_letters(params, ctx.values["window"], top=5))
    ctx.claim("loss", loss.data)
    ctx.claim("loss_difference_with_floats", abs(loss.data - by_floats))
    ctx.state.params, ctx.state.ids, ctx.state.target = params, ids, target


# %% Step 2: how many Values does one position make?
def count_nodes(ids: list[int], target: int, fused: bool) -> dict[str, int]:
    """The values of one position's graph, counted by kind: weights, constants, operations."""
    loss = forward(to_values(init_params(CONFIG)), ids, target, fused)
    counts: Counter = Counter()
    for node in topological_order(loss):
        if node.children:
            counts[node.op] += 1
        else:
            counts["weights" if node.label else "constants"] += 1
    counts["total"] = sum(counts.values())
    return counts


def count_by_length(ctx: Context, ids: list[int]) -> None:
    """Nodes of one position for windows of 1 to 8 letters (the learner's own at its length)."""
    longest = encode(LONG_WINDOW)[: CONFIG.context]
    totals = {}
    for length in range(1, CONFIG.context + 1):
        window = ids if length == len(ids) else longest[:length]
        totals[length] = (
            count_nodes(window, 1, False)["total"],
            count_nodes(window, 1, True)["total"],
        )
    ctx.claim("nodes_by_length", totals)
    first, last = totals[1][0], totals[CONFIG.context][0]
    per_letter = ctx.claim("pure_nodes_per_letter", (last - first) / (CONFIG.context - 1))
    name = [min(p + 1, CONFIG.context) for p in range(10)]  # a 9-letter name: 10 positions
    per_name = ctx.claim("pure_nodes_9_letter_name", sum(totals[length][0] for length in name))
    if ctx.in_full():  # --verbose: the chart
        rows = [(ctx.t("letters", n=length), pure) for length, (pure, _) in totals.items()]
        marks = {
            i: ctx.t("fused_mark", n=ctx.number(fused))
            for i, (_, fused) in enumerate(totals.values())
        }
        ctx.line("count_by_length")
        ctx.bars(rows, spec=",.0f", marks=marks)
    ctx.say("count_by_length_why", per_letter=per_letter, per_name=per_name)


OTHER_OPERATIONS = ["exp", "log", "relu", "**"]  # as many in the fused graph as in the pure one
NAMED_KINDS = ("weights", "constants", "total")  # the kinds with a name in the lesson's language


def kind_rows(ctx: Context, fused: dict[str, int], pure: dict[str, int]) -> list[tuple]:
    """The counts by kind; without --verbose, exp, log, relu and ** share one line."""
    groups = [["weights"], ["constants"], ["dot"], ["*"], ["+"]]
    groups += [[kind] for kind in OTHER_OPERATIONS] if ctx.verbose else [OTHER_OPERATIONS]
    groups.append(["total"])
    return [
        (", ".join(ctx.t("kind_" + k) if k in NAMED_KINDS else k for k in group),
         sum(fused[k] for k in group), sum(pure[k] for k in group))
        for group in groups
    ]  # fmt: skip


@lesson.step
def counting_nodes(ctx: Context) -> None:
    """Count the graph of one position, fused and pure, and explain the numbers."""
    ctx.heading("count_title")
    ids, target = ctx.state.ids, ctx.state.target
    fused, pure = count_nodes(ids, target, True), count_nodes(ids, target, False)
    rows = kind_rows(ctx, fused, pure)
    n, E = ctx.claim("window_letters", len(ids)), CONFIG.embed_dim
    ctx.line("count_intro", n=n)
    ctx.say("count_formula")
    ctx.say("exercise1")
    ctx.check(
        1, n != len(DEFAULT_WINDOW), "exercise1_ok", "exercise1_hint",
        n=n, total=ctx.number(fused["total"]),
    )  # fmt: skip
    # Exercise 2 comes before the table and the sum that answer it.
    ctx.ask(
        2,
        "guess_dots",
        lambda guess: guess == fused["dot"],
        lambda _: {"n": n, "dots": fused["dot"]},
        n=n,
    )

    ctx.table([ctx.t("col_kind"), "fused", "pure"], rows)
    ctx.claim("nodes_fused", fused["total"])
    ctx.claim("nodes_pure", pure["total"])
    predicted = ctx.claim("dots_predicted", dot_formula(n))
    ctx.claim("dots_counted", fused["dot"])
    lengths = E * E + 2 * n * E * E + n * E + E * n + CONFIG.hidden_dim * E
    lengths += E * CONFIG.hidden_dim + CONFIG.vocab_size * E  # a dot of m numbers: m `*` in pure
    ctx.claim("pure_minus_fused_predicted", lengths)
    # The leaves: only the embedding rows of this window's letters and positions are used.
    used = ctx.claim("weights_in_graph", fused["weights"])
    ctx.line(
        "count_why", n=n, dots=predicted, counted=fused["dot"], extra=lengths,
        difference=pure["total"] - fused["total"], used=used, params=count_params(CONFIG),
        unused=count_params(CONFIG) - used, letters=len(set(ids)),
    )  # fmt: skip
    count_by_length(ctx, ids)


# %% Step 3: a picture of a readable part
@lesson.step
def drawing(ctx: Context) -> None:
    """Thousands of boxes cannot be read: draw one box per step, then one attention score."""
    ctx.heading("draw_title")
    ids, target = ctx.state.ids, ctx.state.target
    ctx.say("draw_intro")
    fused = forward(to_values(ctx.state.params), ids, target)
    fused.backward()
    ctx.draw(fused, "scopes", ctx.t("picture_scopes"), group_by="scope")
    trace: dict = {}  # forward() puts its intermediate Values here: q, keys, scores...
    pure = forward(to_values(ctx.state.params), ids, target, fused=False, trace=trace)
    pure.backward()
    score = trace["scores"][0]  # how much the last letter looks at the first one
    ctx.say("draw_score", data=score.data, grad=score.grad)
    ctx.draw(pure, "one_score", ctx.t("picture_score"), focus=score)


# %% Step 4: autograd next to the handwritten backward
@lesson.step
def same_gradients(ctx: Context) -> None:
    """The 7-step backward of lesson 6 and backward(): the same gradients, weight by weight."""
    ctx.heading("grads_title")
    params, ids, target = ctx.state.params, ctx.state.ids, ctx.state.target
    by_hand = manual.backward(params, manual.forward(params, ids), target)
    found = {}
    for fused in (True, False):
        vparams = to_values(params)
        forward(vparams, ids, target, fused).backward()
        found[fused] = (vparams, grads_of(vparams))
    fused_grads, pure_grads = found[True][1], found[False][1]
    ctx.line("grads_intro")
    rows = []
    for name, w in params.items():
        shape = f"{len(w)}×{len(w[0])}" if isinstance(w[0], list) else f"{len(w)}"
        rows.append((
            name, shape, largest_difference(by_hand[name], fused_grads[name]),
            largest_difference(by_hand[name], pure_grads[name]),
        ))  # fmt: skip
    header = [ctx.t("col_weight"), ctx.t("col_shape"), "|manual - fused|", "|manual - pure|"]
    if ctx.in_full():  # --verbose: weight by weight
        ctx.table(header, rows)
    worst = max(max(r[2], r[3]) for r in rows)
    worst_name = max(rows, key=lambda r: max(r[2], r[3]))[0]
    ctx.claim("largest_difference_one_position", worst)

    positions = ctx.sized(200, 20)
    report = compare_backends(params, positions)
    over_many = max(report["largest_difference"].values())
    ctx.claim("largest_difference_many_positions", over_many)
    ctx.claim("largest_difference", max(worst, over_many))
    ctx.say(
        "grads_same", worst=worst, name=worst_name, positions=report["positions"],
        many=over_many,
    )  # fmt: skip

    name = ctx.values["weight"]
    values = leaves({name: found[True][0][name]})
    hand = flatten({name: by_hand[name]})
    biggest = sorted(range(len(hand)), key=lambda i: -abs(hand[i]))[: 6 if ctx.verbose else 3]
    nonzero = sum(1 for g in hand if g != 0.0)
    ctx.say("weight_intro", weight=name, count=len(hand), nonzero=nonzero)
    rows = [
        (values[i].label, hand[i], values[i].grad, abs(hand[i] - values[i].grad)) for i in biggest
    ]
    header = [ctx.t("col_entry"), ctx.t("col_handwritten"), "autograd", ctx.t("col_difference")]
    ctx.table(header, rows)
    ctx.say("exercise3")
    ctx.check(3, name != "Wq", "exercise3_ok", "exercise3_hint", weight=name, nonzero=nonzero,
              count=len(hand))  # fmt: skip


# %% Step 5: the 7 handwritten steps, found again inside backward()
def step_rows(ctx: Context, steps: list[StepComparison]) -> list[tuple[str, ...]]:
    """One line per step: what it computes, its largest difference, its scopes.

    A step with many quantities or scopes (attention) goes on over a second line.
    """
    rows = []
    for step in steps:
        names = textwrap.wrap(", ".join(q.name for q in step.quantities), STEP_NAMES_WIDTH)
        scopes = [", ".join(step.scopes[i : i + 2]) for i in range(0, len(step.scopes), 2)]
        title, worst = f"{step.number} {step.name}", ctx.number(step.largest_difference, ".1e")
        for computes, scope in zip_longest(names, scopes, fillvalue=""):
            rows.append((title, computes, worst, scope))
            title = worst = ""  # the step's number and difference on its first line only
    return rows


def quantity_rows(steps: list[StepComparison]) -> list[tuple]:
    """One line per handwritten quantity: its shape and its largest difference."""
    rows = []
    for step in steps:
        title = f"{step.number} {step.name}"
        for quantity in step.quantities:
            shape = "×".join(map(str, quantity.shape))
            rows.append((title, quantity.name, shape, quantity.largest_difference))
            title = ""  # the step on its first line only
    return rows


@lesson.step
def seven_steps(ctx: Context) -> None:
    """Each line of lesson 6's backward is the .grad of some Values of the graph."""
    ctx.heading("steps_title")
    params, ids, target = ctx.state.params, ctx.state.ids, ctx.state.target
    steps = compare_steps(params, ids, target)
    ctx.say("steps_intro")
    header = [ctx.t("col_step"), ctx.t("col_computes"), ctx.t("col_largest"), ctx.t("col_scope")]
    ctx.table(header, step_rows(ctx, steps))
    if ctx.in_full():  # --verbose: quantity by quantity
        ctx.table([ctx.t("col_step"), ctx.t("col_quantity"), ctx.t("col_shape"),
                   ctx.t("col_difference")], quantity_rows(steps))  # fmt: skip
    ctx.claim("steps_largest_difference", max(s.largest_difference for s in steps))
    notes = step_notes(steps, ctx.lang)  # each scope names its handwritten step
    loss = forward(to_values(params), ids, target)
    ctx.play(loss, "scopes_player", ctx.t("player_scopes"), group_by="scope", notes=notes)


# %% Step 6: what we learned
@lesson.step
def summary(ctx: Context) -> None:
    """What to remember, and what comes next."""
    ctx.heading("summary_title")
    ctx.say("summary")


# %%
run = lesson.run  # run(lang="fr", quick=True, window=".bulbiza") -> the figures the lesson states

if __name__ == "__main__":
    lesson.run_as_script()
