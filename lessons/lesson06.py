"""Lesson 6: Training with the handwritten backward.

The course's lesson 6, on this project's model: load the names, measure the
loss of random weights, train with the handwritten backward pass in 7
steps (model/manual.py), and invent names before and after. Run it beside
lesson 10, which trains the same model with autograd.

    python -m lessons 6            (--lang fr, --quick, --epochs 5, --help)

Each `# %%` line starts a cell: open this file as a notebook and run the cells in order.
"""

# %%
import inspect
import math
import random
from pathlib import Path
from typing import Any

from lessons import progress
from lessons.common import Context, Lesson, next_letters, start_of_name
from lessons.pictures import line_chart
from model import Config, count_params, examples, generate, init_params, load_names, manual, train
from model.data import count_positions
from model.params import flatten
from model.sample import prefix_problem
from model.training.checkpoint import load_checkpoint

# %% Change me! Then run the lesson again (or: python -m lessons 6 --epochs 5).
CHANGE_ME = {
    "guess_loss": 0.0,  # exercise 1: your guess for the loss of random weights
    "temperature_before": 0.8,  # exercise 2: try 0.1 (safe) or 2.0 (wild) before training
    "epochs": 10,  # passes over the names: 5 is quick, 20 is better (quick mode: 2 at most)
    "lr": 0.01,  # the learning rate of SGD: try 0.005 (slow) or 0.05 (fast)
    "temperature": 0.8,  # exercise 3: the temperature after training
    "prefix": ".",  # exercise 3: how the names start: try ".pik", ".bul" or ".dra"
}

lesson = Lesson(6, CHANGE_ME, exercises=3, trains=True)
# In a notebook, to read the lesson in French: lesson.configure(lang="fr")

CONFIG = Config()
CLOSE_ENOUGH = 0.25  # exercise 1: a guess this near the measured loss is right


# %% Step 1: the names
def check_values(ctx: Context) -> None:
    """Stop at once on a value the lesson cannot use, rather than after minutes of training."""
    v = ctx.values
    ctx.require(v["epochs"] >= 1 and v["lr"] > 0, "bad_training")
    ctx.require(v["temperature_before"] > 0 and v["temperature"] > 0, "bad_temperature")
    ctx.require(prefix_problem(start_of_name(v["prefix"])) is None, "bad_prefix")


@lesson.step
def the_names(ctx: Context) -> None:
    """About 1,000 Pokémon names: what the model will learn from."""
    check_values(ctx)
    ctx.heading("names_title")
    names = load_names()
    lengths = [len(name) for name in names]
    ctx.say(
        "names_stats", count=ctx.number(len(names)), mean=sum(lengths) / len(names),
        shortest=min(lengths), longest=max(lengths), examples=", ".join(names[:5]),
    )  # fmt: skip
    if ctx.quick:
        names = random.Random(0).sample(names, 150)
        ctx.say("names_quick", count=len(names))
    ctx.state.names = names
    ctx.state.known = set(load_names())


# %% Step 2: the model, with random weights
def mean_loss(params: dict, names: list[str]) -> float:
    """The mean loss over every position of `names`: lower means better guesses."""
    losses = [
        manual.cross_entropy(manual.forward(params, ids)["logits"], target)
        for name in names
        for ids, target in examples(name, CONFIG.context)
    ]
    return sum(losses) / len(losses)


@lesson.step
def the_model(ctx: Context) -> None:
    """The same model as lesson 5: 2,832 random weights, so a loss close to pure chance."""
    ctx.heading("model_title")
    rows = [
        (ctx.t("dim_embed"), CONFIG.embed_dim, ctx.t("dim_embed_why")),
        (ctx.t("dim_hidden"), CONFIG.hidden_dim, ctx.t("dim_hidden_why")),
        (ctx.t("dim_context"), CONFIG.context, ctx.t("dim_context_why")),
        (ctx.t("dim_params"), count_params(CONFIG), ctx.t("dim_params_why")),
    ]
    ctx.say("model_intro", params=ctx.number(count_params(CONFIG)))
    if ctx.in_full():  # --verbose: its sizes
        ctx.table([ctx.t("col_setting"), ctx.t("col_value"), ""], rows)
    params = init_params(CONFIG, seed=42)
    initial = ctx.claim("initial_loss", mean_loss(params, ctx.state.names[:100]))
    chance = math.log(CONFIG.vocab_size)  # every letter equally likely: -log(1/27)

    def about(guess: float) -> dict[str, Any]:
        return {"loss": initial, "chance": chance, "letters": CONFIG.vocab_size}

    # Exercise 1 comes before the loss is on the screen; a guess near it is right.
    ctx.ask(1, "guess_loss", lambda guess: abs(guess - initial) <= CLOSE_ENOUGH, about,
            letters=CONFIG.vocab_size)  # fmt: skip
    ctx.say("model_loss", loss=initial, chance=chance, letters=CONFIG.vocab_size)
    ctx.state.params = params


# %% Step 3: names before training
@lesson.step
def names_before(ctx: Context) -> None:
    """Random weights invent gibberish, whatever the temperature."""
    ctx.heading("before_title")
    temperature = ctx.values["temperature_before"]
    ctx.say("before_intro", temperature=temperature)
    before = [generate(ctx.state.params, temperature=temperature, seed=i) for i in range(10)]
    ctx.show_names(before)
    ctx.state.before = before
    ctx.say("exercise2")
    kind = ctx.t("safe" if temperature < 0.5 else "wild" if temperature > 1.5 else "balanced")
    ctx.check(
        2, temperature != 0.8, "exercise2_ok", "exercise2_hint", temperature=temperature, kind=kind
    )


# %% Step 4: the backward pass, in 7 steps
# Which step of manual.backward_steps computes the gradient of each weight.
STEPS = {
    "W_out": 2, "W2": 4, "b2": 4, "W1": 4, "b1": 4, "Wq": 6, "Wk": 6, "Wv": 6,
    "tok_emb": 7, "pos_emb": 7,
}  # fmt: skip


@lesson.step
def backward_in_7_steps(ctx: Context) -> None:
    """The chain rule, handwritten from the loss back to the embeddings."""
    ctx.heading("backward_title")
    lines, first = inspect.getsourcelines(manual.backward_steps)
    ctx.say("backward_intro", line=first, length=len(lines))
    params = ctx.state.params
    ids, target = [0, 16, 9, 11], 1  # ".pik" -> "a"
    _, grads = manual.manual_loss_and_grads(params, ids, target)
    rows = []
    for name in sorted(STEPS, key=STEPS.get):
        rows.append((STEPS[name], name, max(abs(g) for g in flatten({name: grads[name]}))))
    if ctx.in_full():  # --verbose: which step computes each weight's gradient
        print(ctx.t("backward_table"))
        ctx.table([ctx.t("col_step"), ctx.t("col_weight"), ctx.t("col_largest")], rows)
    ctx.say("backward_dominoes")


# %% Step 5: training
MODEL_NOTE = "lesson06_model"  # how the kept model was trained, in the progress file


def train_and_keep(
    ctx: Context, names: list[str], epochs: int, lr: float, path: Path, settings: dict
) -> tuple[list[float], dict]:
    """Train with the handwritten backward, saving the model in `path` after every epoch."""

    def each_epoch(epoch: int, loss: float) -> None:  # printed as soon as an epoch ends
        ctx.line("train_epoch", epoch=epoch, epochs=epochs, loss=loss)

    path.unlink(missing_ok=True)  # a model trained otherwise must not be mistaken for this one
    result = train(
        names, backend="manual", optimizer="sgd", lr_schedule="constant", lr=lr, epochs=epochs,
        seed=42, params=ctx.state.params, progress=ctx.progress_bars, log=None,
        on_epoch=each_epoch, checkpoint=path,
    )  # fmt: skip
    print()
    if result.stopped != "done":
        ctx.say("train_stopped", how=ctx.t("stopped_" + result.stopped))
    else:
        progress.remember(ctx.out, MODEL_NOTE, settings)
    ctx.say(
        "train_done", seconds=result.seconds, per_epoch=result.seconds / max(1, result.epochs),
        speed=ctx.number(result.positions_per_second), path=path,
    )  # fmt: skip
    ctx.loss_curves({"SGD": result.losses}, "loss", ctx.t("train_curve"))
    return result.history, result.params


@lesson.step
def training(ctx: Context) -> None:
    """For each name, for each position: forward, backward, a small step of every weight."""
    ctx.heading("train_title")
    epochs, lr = ctx.values["epochs"], ctx.values["lr"]
    epochs = ctx.sized(epochs, min(epochs, 2))
    names = ctx.state.names
    positions = count_positions(names)
    ctx.say(
        "train_intro", epochs=epochs, count=ctx.number(len(names)),
        updates=ctx.number(epochs * positions), lr=lr,
    )  # fmt: skip

    # The trained model is kept in the output folder: the next run reuses it (--retrain).
    path = ctx.out_file("model.ckpt.json")
    settings = {"epochs": epochs, "lr": lr, "names": len(names), "seed": 42}
    reuse = not ctx.retrain and path.exists() and progress.recall(ctx.out, MODEL_NOTE) == settings
    initial = ctx.claims["initial_loss"]
    if reuse:
        saved = load_checkpoint(path, CONFIG)
        history, params = saved.history, saved.params
        ctx.say("train_reused", path=path)
    else:
        history, params = train_and_keep(ctx, names, epochs, lr, path, settings)
    ctx.claim("reused_model", reuse)
    final = ctx.claim("final_loss", history[-1] if history else initial)
    ctx.claim("history", history)
    if ctx.verbose or reuse:  # trained now: each epoch's loss is on the screen already
        ctx.say("train_result", initial=initial, final=final)
        if len(history) > 2:
            ctx.line("train_curve_epochs")
            ctx.show(line_chart({"loss": history}, height=8, fmt=lambda x: ctx.number(x, ".2f")))
    ctx.state.params = params

    ctx.claim("loss_went_down", final < initial)
    key = "train_better" if final < initial else "train_not_better"
    ctx.say(key, initial=initial, final=final, epochs=epochs, better=(1 - final / initial) * 100)


# %% Step 6: names after training
@lesson.step
def names_after(ctx: Context) -> None:
    """The trained model invents names that sound like Pokémon."""
    ctx.heading("after_title")
    params = ctx.state.params
    after = [generate(params, temperature=0.8, seed=100 + i) for i in range(15)]
    ctx.show_names(after, known=ctx.state.known)
    ctx.claim("names_after", after)
    if ctx.in_full():  # --verbose: before and after, side by side
        ctx.say("after_compare")
        rows = [(b.capitalize(), a.capitalize()) for b, a in zip(ctx.state.before[:5], after[:5])]
        ctx.table([ctx.t("col_before"), ctx.t("col_after")], rows)
    print(ctx.t("after_bars"))
    ctx.bars(next_letters(params, ".pik", top=5))

    ctx.say("exercise3")
    temperature, prefix = ctx.values["temperature"], start_of_name(ctx.values["prefix"])
    print(ctx.t("exercise3_names", temperature=temperature, prefix=prefix))
    count = 15 if ctx.verbose else 10
    mine = [generate(params, prefix, temperature=temperature, seed=200 + i) for i in range(count)]
    ctx.show_names(mine, known=ctx.state.known)
    ctx.check(
        3, temperature != 0.8 or prefix != ".", "exercise3_ok", "exercise3_hint",
        temperature=temperature, prefix=prefix,
    )  # fmt: skip


# %% Step 7: in real life, and what we learned
@lesson.step
def summary(ctx: Context) -> None:
    """How real LLMs differ (scale, autograd, Adam, GPUs), and what comes next."""
    if ctx.in_full():  # --verbose: scale, autograd, Adam, GPUs
        ctx.heading("real_title")
        ctx.say("real")
    ctx.heading("summary_title")
    ctx.say("summary")


# %%
run = lesson.run  # run(lang="fr", quick=True, epochs=3) -> the figures the lesson states

if __name__ == "__main__":
    lesson.run_as_script()
