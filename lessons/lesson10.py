"""Lesson 10: Training with autograd.

The training loop of lesson 6, with the gradients found by backward() instead
of the handwritten backward. We compare the speeds of the three ways to get
gradients, SGD against Adam, and invent names with the trained model.

    python -m lessons 10           (--lang fr, --quick, --temperature 0.5, --help)

Each `# %%` line starts a cell: open this file as a notebook and run the cells in order.
"""

# %%
import math
import random
from collections.abc import Callable

from lessons.common import Context, Lesson, next_letters, start_of_name
from lessons.pictures import bar_chart
from model import (
    Config,
    autograd_loss_and_grads,
    examples,
    generate,
    init_params,
    load_names,
    manual_loss_and_grads,
    train,
)  # fmt: skip
from model.params import Params
from model.sample import prefix_problem

# %% Change me! Then run the lesson again (or: python -m lessons 10 --temperature 0.5).
CHANGE_ME = {
    "epochs": 3,  # passes over the names for SGD and Adam (quick mode: 2 at most)
    "guess_loop_gap": 1.0,  # exercise 1: your guess, how far apart the two trainings end
    "sgd_lr": 0.01,  # exercise 2: SGD's learning rate (try 0.05): can it catch Adam?
    "temperature": 0.8,  # exercise 3: < 1 safer names, > 1 wilder ones (try 0.3, then 1.5)
    "prefix": ".",  # exercise 4: how the names start (try ".pik" or ".dra")
}

lesson = Lesson(10, CHANGE_ME, exercises=4)
# In a notebook, to read the lesson in French: lesson.configure(lang="fr")

CONFIG = Config()
CLEAR_GAP = (
    0.02  # a smaller difference of final losses is called "even": another seed could flip it
)
DIVERGED = 10.0  # a loss above this has blown up (training starts near log(27) = 3.3)
LossAndGrads = Callable[[Params, list[int], int], tuple[float, Params]]


def some_names(ctx: Context, full: int | None, quick: int) -> list[str]:
    """A fixed random sample of the names (all of them when full is None and not quick)."""
    names = load_names()
    count = ctx.sized(full, quick) or len(names)
    return random.Random(0).sample(names, min(count, len(names)))


# %% Step 1: the same loop, whoever computes the gradients
def sgd_step(params: Params, grads: Params, lr: float) -> None:
    """Every weight takes a small step against its gradient (lesson 6's rule)."""
    for name, w in params.items():
        if isinstance(w[0], list):
            for row, grad_row in zip(w, grads[name]):
                for j, g in enumerate(grad_row):
                    row[j] -= lr * g
        else:
            for j, g in enumerate(grads[name]):
                w[j] -= lr * g


def train_one_pass(loss_and_grads: LossAndGrads, names: list[str], lr: float = 0.01) -> list:
    """The training loop: for each position, loss and gradients, then a small step."""
    params = init_params(CONFIG, seed=42)
    losses = []
    for name in names:
        for ids, target in examples(name, CONFIG.context):
            loss, grads = loss_and_grads(params, ids, target)  # forward + backward
            sgd_step(params, grads, lr)
            losses.append(loss)
    return losses


def check_values(ctx: Context) -> None:
    """Stop at once on a value the lesson cannot use, rather than after minutes of training."""
    v = ctx.values
    ctx.require(v["epochs"] >= 1 and v["sgd_lr"] > 0 and v["temperature"] > 0, "bad_numbers")
    ctx.require(prefix_problem(start_of_name(v["prefix"])) is None, "bad_prefix")


@lesson.step
def the_same_loop(ctx: Context) -> None:
    """One loop, two ways to get the gradients: the same losses, step after step."""
    check_values(ctx)
    ctx.heading("loop_title")
    names = some_names(ctx, 12, 6)
    ctx.say("loop_intro", count=len(names))
    by_hand = train_one_pass(manual_loss_and_grads, names)
    by_autograd = train_one_pass(autograd_loss_and_grads, names)
    difference = max(abs(a - b) for a, b in zip(by_hand, by_autograd))
    # Exercise 1 comes before the losses: the same gradients make the same steps.
    ctx.ask(1, "guess_loop_gap", lambda guess: abs(guess) < 1e-6,
            lambda _: {"difference": difference, "steps": len(by_hand)})  # fmt: skip
    rows = [
        (i + 1, by_hand[i], by_autograd[i], abs(by_hand[i] - by_autograd[i]))
        for i in (0, 1, 2, len(by_hand) - 2, len(by_hand) - 1)
    ]
    header = [ctx.t("col_step"), ctx.t("col_handwritten"), "autograd", ctx.t("col_difference")]
    ctx.table(header, rows)
    ctx.claim("loop_max_difference", difference)
    ctx.say("loop_same", steps=len(by_hand), difference=difference)


# %% Step 2: who is faster?
@lesson.step
def speeds(ctx: Context) -> None:
    """One epoch on the same names with the three backends: same losses, different speeds."""
    ctx.heading("speed_title")
    names = some_names(ctx, 100, 10)
    ctx.line("speed_intro", count=len(names))
    runs = {
        "manual": {"backend": "manual"},
        "autograd (fused)": {"backend": "autograd", "fused": True},
        "autograd (pure)": {"backend": "autograd", "fused": False},
    }
    results = {}
    for label, options in runs.items():
        results[label] = train(
            names, optimizer="sgd", lr_schedule="constant", epochs=1, seed=42,
            progress=ctx.progress_bars, log=None, **options,
        )  # fmt: skip
    speed = {label: r.positions_per_second for label, r in results.items()}
    ctx.show(bar_chart(list(speed.items()), fmt=lambda v: ctx.t("per_second", n=ctx.number(v))))
    ctx.claim("positions_per_second", speed)
    losses = [r.history[0] for r in results.values()]
    ctx.claim("speed_runs_same_loss", max(losses) - min(losses))
    slowest = min(speed.values())
    ctx.say(
        "speed_result", loss=losses[0], gap=max(losses) - min(losses),
        manual=speed["manual"] / slowest, fused=speed["autograd (fused)"] / slowest,
    )  # fmt: skip


# %% Step 3: SGD against Adam
def diverged(losses: list[float]) -> bool:
    """True when the loss blew up: not a number, or its mean over a stretch of positions far
    above where any training starts.

    One position alone can cost 18 in a healthy run (a confident wrong guess: p = 1e-8),
    so single losses are not enough: a twentieth of the run is averaged at a time.
    """
    if not all(math.isfinite(x) for x in losses):
        return True
    stretch = max(1, len(losses) // 20)
    return any(
        sum(losses[i : i + stretch]) / len(losses[i : i + stretch]) > DIVERGED
        for i in range(0, len(losses), stretch)
    )


def say_who_wins(ctx: Context, results: dict, start: dict, final: dict) -> str:
    """The conclusion the numbers allow, and only that one; returns its text key."""
    (sgd_label, sgd), (_, adam) = final.items()
    if sgd_label in ctx.claims["diverged"] or not math.isfinite(sgd):
        verdict = "sgd_diverged"
    elif adam < sgd - CLEAR_GAP:
        verdict = "adam_ahead"
    elif sgd < adam - CLEAR_GAP:
        verdict = "sgd_ahead"
    else:
        verdict = "even"
    early = sorted(start, key=start.get)
    lead = verdict != "sgd_diverged" and start[early[1]] - start[early[0]] > CLEAR_GAP
    say = ctx.line if lead else ctx.say  # the early lead goes on in the same paragraph
    say(verdict, sgd=sgd, adam=adam, gap=abs(sgd - adam), margin=CLEAR_GAP,
        lr=ctx.values["sgd_lr"])  # fmt: skip
    if lead:
        ctx.say("early_lead", early=early[0], first=start[early[0]], second=start[early[1]])
    return verdict


@lesson.step
def sgd_against_adam(ctx: Context) -> None:
    """Two ways to turn gradients into steps: the same gradients, a different descent."""
    ctx.heading("adam_title")
    epochs = ctx.values["epochs"]
    epochs = ctx.sized(epochs, min(epochs, 2))
    names = some_names(ctx, None, 30)
    lr = ctx.values["sgd_lr"]
    ctx.say("adam_intro", count=len(names), epochs=epochs, lr=lr)
    runs = {
        f"SGD (lr {lr:g})": {"optimizer": "sgd", "lr": lr},
        "Adam (lr 0.003)": {"optimizer": "adam"},
    }
    results = {}
    for label, options in runs.items():
        results[label] = train(
            names, lr_schedule="constant", epochs=epochs, seed=42,
            progress=ctx.progress_bars, log=None, **options,
        )  # fmt: skip
    # A run that diverged (1.7e+176) would flatten the other curve: it is left out, and we say so.
    blew_up = [label for label, r in results.items() if diverged(r.losses)]
    ctx.claim("diverged", blew_up)
    kept = {label: r.losses for label, r in results.items() if label not in blew_up}
    for label in blew_up:
        ctx.say("run_left_out", run=label, worst=max(results[label].losses, default=math.inf))
    if kept:
        ctx.loss_curves(kept, "sgd_vs_adam", ctx.t("adam_curves"))
    rows, went_down, start, final = [], {}, {}, {}
    for label, r in results.items():
        if r.stopped != "done":  # diverged (the learning rate is too high) or Ctrl-C
            ctx.say("run_stopped", run=label, how=ctx.t("stopped_" + r.stopped))
        tenth = max(1, len(r.losses) // 10)
        start[label] = sum(r.losses[:tenth]) / tenth
        end = sum(r.losses[-tenth:]) / tenth
        went_down[label] = end < start[label]
        final[label] = r.history[-1] if r.history else end  # no finished epoch: the last tenth
        rows.append((label, start[label], end, final[label]))
    header = [ctx.t("col_run"), ctx.t("col_start"), ctx.t("col_end"), ctx.t("col_last_epoch")]
    ctx.table(header, rows)
    ctx.claim("loss_went_down", went_down)
    ctx.claim("final_loss", final)
    sgd, adam = final.values()
    if all(went_down.values()):
        ctx.line("both_down")
    ctx.say("adam_why")
    ctx.claim("verdict", say_who_wins(ctx, results, start, final))
    best = min(results, key=final.get)
    ctx.state.params = results[best].params
    ctx.state.names = set(load_names())

    ctx.say("exercise2")
    ctx.check(2, lr != 0.01, "exercise2_ok", "exercise2_hint", lr=lr, sgd=sgd, adam=adam)


# %% Step 4: invent names
@lesson.step
def invent_names(ctx: Context) -> None:
    """Sample names; the temperature flattens or sharpens the odds; a prefix starts them."""
    ctx.heading("names_title")
    temperature, prefix = ctx.values["temperature"], start_of_name(ctx.values["prefix"])
    params = ctx.state.params
    ctx.say("names_intro", temperature=temperature, prefix=prefix)
    invented = [
        generate(params, prefix, temperature=temperature, seed=i) for i in range(ctx.sized(12, 8))
    ]
    ctx.show_names(invented, known=ctx.state.names)
    ctx.claim("invented", invented)

    ctx.line("bars_intro", prefix=prefix, temperature=temperature)
    favourite = {}  # temperature -> (the likeliest letter, its probability)
    shown = {0.5, 1.0, 2.0, temperature} if ctx.in_full() else {temperature}
    for t in sorted({0.5, 1.0, 2.0, temperature}):
        odds = next_letters(params, prefix, t, top=5)
        favourite[t] = odds[0]
        if t in shown:
            ctx.line("bars_title", temperature=t)
            ctx.bars(odds, width=24)
    ctx.claim("favourite_share", {t: p for t, (_, p) in favourite.items()})
    (low_letter, low), (_, high) = favourite[0.5], favourite[2.0]
    ctx.say("bars_why", letter=low_letter, low=low, mid=favourite[1.0][1], high=high,
            ratio=low / high)  # fmt: skip

    ctx.say("exercise3")
    ctx.check(3, temperature != 0.8, "exercise3_ok", "exercise3_hint", temperature=temperature)
    ctx.say("exercise4")
    starts = all(name.startswith(prefix[1:]) for name in invented)
    ctx.check(4, prefix != "." and starts, "exercise4_ok", "exercise4_hint", prefix=prefix)


# %% Step 5: what we learned
@lesson.step
def summary(ctx: Context) -> None:
    """What to remember, and what comes next."""
    ctx.heading("summary_title")
    ctx.say("summary")


# %%
run = lesson.run  # run(lang="fr", quick=True, temperature=0.5) -> the figures the lesson states

if __name__ == "__main__":
    lesson.run_as_script()
