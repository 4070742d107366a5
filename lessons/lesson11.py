"""Lesson 11: Outgrowing scalars, the same model in PyTorch.

The mini-LLM once more, written with PyTorch tensors (model/torch_backend.py):
loss.backward() finds the gradients of Value.backward() and of the handwritten
7 steps; batches of windows make each position far cheaper; and in the time the
scalar backends need for a couple of epochs, PyTorch trains to a lower loss.
The checkpoint it saves is the one every backend reads.

    python -m lessons 11           (--lang fr, --quick, --batch-size 256, --help)

PyTorch is an optional extra: pip install '.[torch]'. Without it, the lesson
says so and stops with exit code 2 (nothing else of the project needs it).

Each `# %%` line starts a cell: open this file as a notebook and run the cells in order.
"""

# %%
import itertools
import random
import time
from collections.abc import Iterable

from autograd import Value
from lessons.common import Context, Lesson
from lessons.pictures import bar_chart, equations, line_chart
from model import examples, generate, init_params, load_checkpoint, load_names, train
from model.backends import make_step
from model.compare import compare_backends
from model.data import count_positions, decode
from model.manual import cross_entropy, forward
from model.params import Config, flatten

try:
    import torch

    from model.torch_backend import mean_loss, torch_batch_step
except ModuleNotFoundError:  # PyTorch is an optional extra: the first step says how to install it
    torch = None

# %% Change me! Then run the lesson again (or: python -m lessons 11 --batch-size 256).
CHANGE_ME = {
    "guess_padding": 1.0,  # exercise 1: your guess, padded batch against windows alone
    "batch_size": 64,  # exercise 2: windows per step (try 8, then 256)
    "lr": 0.01,  # exercise 3: Adam's learning rate (try 0.003, then 0.03)
    "epochs": 40,  # exercise 4: passes over the names (try 100; quick mode: 6 at most)
}

lesson = Lesson(11, CHANGE_ME, exercises=4)
# In a notebook, to read the lesson in French: lesson.configure(lang="fr")

CONFIG = Config()


def all_windows() -> list[tuple[list[int], int]]:
    """Every training position of every name, in a fixed shuffled order."""
    windows = [ex for name in load_names() for ex in examples(name, CONFIG.context)]
    random.Random(0).shuffle(windows)
    return windows


# %% Step 1: the same model, with tensors
BACKENDS = ("manual", "autograd", "torch")
# Each step of the lesson's forward: a loop over floats, or one line on tensors.
CODE_SIDE_BY_SIDE = [
    ("1", "[t + p for t, p in zip(tok_emb[tok], pos_emb[i])]", "tok_emb[ids] + pos_emb[:T]"),
    ("2", "[sum(qd * kd ...) * scale for k in keys]", "(keys * q).sum(-1) / sqrt(E)"),
    ("3", "[h + a for h, a in zip(last, attn_out)]", "last + attn_out"),
    ("4", "[max(0.0, s) for s in h_pre]", "torch.relu(x1 @ W1.T + b1)"),
    ("5", "[a + m for a, m in zip(x1, mlp_out)]", "x1 + mlp_out"),
    ("6", "mat_vec(W_out, x2)", "x2 @ W_out.T"),
    ("7", "backward(params, cache, target)", "loss.backward()"),
]


def check_values(ctx: Context) -> None:
    """Stop at once without PyTorch (saying how to install it), or on a value we cannot use."""
    ctx.require(torch is not None, "no_torch")
    v = ctx.values
    ctx.require(v["batch_size"] >= 1 and v["epochs"] >= 1 and v["lr"] > 0, "bad_numbers")


@lesson.step
def same_model_in_tensors(ctx: Context) -> None:
    """loss.backward() next to Value.backward() and the handwritten steps: same gradients."""
    check_values(ctx)
    ctx.heading("tensors_title")
    ctx.line("tensors_intro")

    # The smallest example: y = (w * x + b) ** 2, once with Values, once with tensors.
    w, x, b = Value(0.5, "w"), Value(2.0, "x"), Value(-0.3, "b")
    y = (w * x + b) ** 2
    y.backward()
    tw = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    tx = torch.tensor(2.0, dtype=torch.float64)  # an input: no gradient wanted
    tb = torch.tensor(-0.3, dtype=torch.float64, requires_grad=True)
    ty = (tw * tx + tb) ** 2
    ty.backward()
    by_hand = 2 * (w.data * x.data + b.data)  # dy/d(wx + b), the chain rule's first link
    n = ctx.number  # the lesson's way of writing numbers: 0.5 or 0,5
    ctx.show(
        equations([
            ("y", "(w * x + b) ** 2",
             f"w = {n(w.data, 'g')}   x = {n(x.data, 'g')}   b = {n(b.data, 'g')}"),
            ("dy/dw", f"2 (w x + b) x = {n(by_hand * x.data, '.6g')}", ctx.t("by_hand")),
            ("w.grad", f"{n(w.grad, '.6g')}", "Value: y.backward()"),
            ("tw.grad", f"{n(tw.grad.item(), '.6g')}", "torch: ty.backward()"),
            ("dy/db", f"2 (w x + b) = {n(by_hand, '.6g')}", ctx.t("by_hand")),
            ("b.grad", f"{n(b.grad, '.6g')}", "Value"),
            ("tb.grad", f"{n(tb.grad.item(), '.6g')}", "torch"),
        ])
    )  # fmt: skip
    same = w.grad == tw.grad.item() and b.grad == tb.grad.item()
    ctx.claim("tiny_same", same and abs(w.grad - by_hand * x.data) < 1e-12)
    ctx.say("tensors_lines")
    if ctx.in_full():  # --verbose: the 7 steps, a loop over floats beside a line on tensors
        ctx.table([ctx.t("col_step"), "manual.py", "torch_backend.py"], CODE_SIDE_BY_SIDE)

    positions = ctx.sized(100, 30)
    report = compare_backends(init_params(CONFIG), positions, backends=BACKENDS)
    ctx.line("compare_intro", positions=positions)
    rows = [
        (name, report["by_backend"]["autograd"][name], report["by_backend"]["torch"][name])
        for name in report["largest_difference"]
    ]
    if ctx.in_full():  # --verbose: weight by weight
        ctx.table([ctx.t("col_weight"), "|manual - autograd|", "|manual - torch|"], rows)
    worst = ctx.claim("torch_largest_difference", max(report["by_backend"]["torch"].values()))
    ctx.claim("autograd_largest_difference", max(report["by_backend"]["autograd"].values()))
    ctx.say("compare_result", worst=worst)


# %% Step 2: batches, many windows in one pass
def seconds_per_position(batch_size: int, windows: list) -> float:
    """Loss and gradients (no update) for `windows`, batch after batch: time per window."""
    step, weights = torch_batch_step(CONFIG), flatten(init_params(CONFIG))
    step(weights, windows[:batch_size])  # the first call sets things up: not timed
    start = time.perf_counter()
    for i in range(0, len(windows), batch_size):
        step(weights, windows[i : i + batch_size])
    return (time.perf_counter() - start) / len(windows)


def manual_seconds_per_position(windows: list) -> float:
    step, weights = make_step("manual", CONFIG), flatten(init_params(CONFIG))
    start = time.perf_counter()
    for ids, target in windows:
        step(weights, ids, target)
    return (time.perf_counter() - start) / len(windows)


def one_window_versus_manual(torch_us: float, manual_us: float) -> str:
    """ "faster", "slower" or "close": PyTorch with one window against the handwritten floats.

    Within a factor of 1.5 either way, timings on a busy machine do not decide.
    """
    if torch_us * 1.5 < manual_us:
        return "faster"
    if manual_us * 1.5 < torch_us:
        return "slower"
    return "close"


@lesson.step
def batches(ctx: Context) -> None:
    """Pad windows to one length, mask the padding: same losses, one pass, far less time."""
    ctx.heading("batch_title")
    batch_size = ctx.values["batch_size"]
    windows = all_windows()
    example = [next(ex for ex in windows if len(ex[0]) == n) for n in (2, 5, 8)]
    ctx.line("batch_intro")
    rows = [
        (decode(ids), " ".join(decode(ids)) + " ·" * (8 - len(ids)), decode([target]))
        for ids, target in example
    ]
    ctx.table([ctx.t("col_window"), ctx.t("col_padded"), ctx.t("col_target")], rows)
    step, weights = torch_batch_step(CONFIG), flatten(init_params(CONFIG))
    together, _ = step(weights, example)  # one padded batch
    alone = [step(weights, [ex])[0][0] for ex in example]  # each window by itself
    gap = ctx.claim("padding_difference", max(abs(a - b) for a, b in zip(together, alone)))
    # Exercise 1 comes before the measured difference: padding changes nothing (to rounding).
    ctx.ask(1, "guess_padding", lambda guess: abs(guess) < 1e-9, lambda _: {"gap": gap})
    ctx.say("batch_mask", gap=gap)

    sizes = sorted({1, 8, 64, 256, batch_size})
    many, few = ctx.sized(2048, 512), ctx.sized(256, 64)
    us = {n: 1e6 * seconds_per_position(n, windows[: few if n == 1 else many]) for n in sizes}
    manual_us = 1e6 * manual_seconds_per_position(windows[:few])
    bars = [(f"torch, {ctx.t('batch_of', n=n)}", us[n]) for n in sizes]
    bars.append((f"{ctx.t('col_handwritten')}, {ctx.t('batch_of', n=1)}", manual_us))
    ctx.line("speed_intro")
    ctx.show(bar_chart(bars, fmt=lambda v: ctx.t("microseconds", v=v)))
    ctx.claim("us_per_position", us)
    ctx.claim("manual_us_per_position", manual_us)
    # One window at a time, is PyTorch faster than the floats? Said as measured.
    versus = ctx.claim("one_window_versus_manual", one_window_versus_manual(us[1], manual_us))
    times = manual_us / us[1] if versus == "faster" else us[1] / manual_us
    ctx.say(
        "speed_why", one=us[1], sixty_four=us[64], ratio=us[1] / us[64], manual=manual_us,
        versus=ctx.t("versus_" + versus, times=times),
    )  # fmt: skip


# %% Step 3: a lower loss in the same time
def names_for(names: Iterable[str], positions: int) -> list[str]:
    """The next names, until they give `positions` training positions (one name at least)."""
    chosen, total = [], 0
    for name in names:
        chosen.append(name)
        total += count_positions([name])  # one per letter, and one for the final "."
        if total >= positions:
            break
    return chosen


@lesson.step
def lower_loss_same_time(ctx: Context) -> None:
    """PyTorch with batches, then the handwritten backward for as long: compare the losses."""
    ctx.heading("race_title")
    batch_size, lr, epochs = (ctx.values[k] for k in ("batch_size", "lr", "epochs"))
    epochs = ctx.sized(epochs, min(epochs, 6))
    names, windows = load_names(), all_windows()
    ctx.state.checkpoint = ctx.out_file("torch.ckpt.json")
    ctx.line(
        "race_intro", count=ctx.number(len(names)), epochs=epochs, batch_size=batch_size, lr=lr
    )
    fast = train(
        names, backend="torch", batch_size=batch_size, optimizer="adam", lr=lr,
        lr_schedule="linear", epochs=epochs, checkpoint=ctx.state.checkpoint,
        progress=ctx.progress_bars, log=None,
    )  # fmt: skip
    fast_loss = mean_loss(fast.params, windows)
    if ctx.in_full():  # --verbose: PyTorch's loss, epoch after epoch
        print(ctx.t("race_history"))
        chart = line_chart({"PyTorch": fast.history}, height=8, fmt=lambda x: ctx.number(x, ".3f"))
        ctx.show(chart)

    # The handwritten backward (the fastest of the scalar backends), one window at a
    # time, with Adam, for about as long: first a short run to measure its speed.
    probe = train(names[:30], backend="manual", optimizer="adam", lr_schedule="constant",
                  epochs=1, log=None, progress=False)  # fmt: skip
    budget = round(fast.seconds * probe.positions_per_second)  # positions it has time for
    shuffled = itertools.cycle(random.Random(1).sample(names, len(names)))  # round and round
    slow = train(
        names_for(shuffled, budget), backend="manual", optimizer="adam", lr_schedule="linear",
        epochs=1, progress=ctx.progress_bars, log=None,
    )  # fmt: skip
    slow_loss = mean_loss(slow.params, windows)

    handwritten = f"{ctx.t('col_handwritten')}, {ctx.t('batch_of', n=1)}"
    rows = [
        (f"PyTorch, {ctx.t('batch_of', n=batch_size)}", fast.seconds, fast.positions, fast_loss),
        (handwritten, slow.seconds, slow.positions, slow_loss),
    ]
    header = [ctx.t("col_run"), ctx.t("col_seconds"), ctx.t("col_positions"), ctx.t("col_loss")]
    ctx.table(header, [(r[0], round(r[1], 1), r[2], round(r[3], 4)) for r in rows])
    ctx.claim("torch_training", {"seconds": fast.seconds, "epochs": epochs, "loss": fast_loss})
    ctx.claim("scalar_training", {"seconds": slow.seconds, "positions": slow.positions,
                                  "loss": slow_loss})  # fmt: skip
    key = "race_lower" if fast_loss < slow_loss else "race_not_lower"
    ctx.say(
        key, seconds=fast.seconds, epochs=epochs, loss=fast_loss, scalar_loss=slow_loss,
        scalar_positions=ctx.number(slow.positions), positions=ctx.number(fast.positions),
    )  # fmt: skip

    ctx.say("exercise2")
    ctx.check(2, batch_size != 64, "exercise2_ok", "exercise2_hint", batch_size=batch_size,
              loss=fast_loss, seconds=fast.seconds)  # fmt: skip
    ctx.say("exercise3")
    ctx.check(3, lr != 0.01, "exercise3_ok", "exercise3_hint", lr=lr, loss=fast_loss)
    ctx.say("exercise4")
    more_epochs = ctx.values["epochs"] > 40 and not ctx.quick  # quick mode caps them at 6
    ctx.check(4, more_epochs, "exercise4_ok", "exercise4_hint", epochs=epochs,
              loss=fast_loss, seconds=fast.seconds)  # fmt: skip


# %% Step 4: one checkpoint for every backend
@lesson.step
def one_checkpoint(ctx: Context) -> None:
    """The checkpoint holds plain numbers: the handwritten floats read what PyTorch trained."""
    ctx.heading("checkpoint_title")
    path = ctx.state.checkpoint
    saved = load_checkpoint(path)
    windows = all_windows()[: ctx.sized(200, 50)]
    floats = [cross_entropy(forward(saved.params, ids)["logits"], t) for ids, t in windows]
    by_floats = sum(floats) / len(floats)  # lesson 6's forward, on plain floats
    by_torch = mean_loss(saved.params, windows)
    gap = ctx.claim("checkpoint_loss_difference", abs(by_floats - by_torch))
    ctx.say("checkpoint_intro", path=path, backend=saved.backend, epoch=saved.epoch,
            count=len(windows), floats=by_floats, torch_loss=by_torch, gap=gap)  # fmt: skip
    invented = [generate(saved.params, seed=i) for i in range(ctx.sized(10, 5))]
    ctx.show_names(invented, known=set(load_names()))
    ctx.claim("invented", invented)
    ctx.say("checkpoint_commands", path=path)


# %% Step 5: what we learned
@lesson.step
def summary(ctx: Context) -> None:
    """What to remember."""
    ctx.heading("summary_title")
    ctx.say("summary")


# %%
run = lesson.run  # run(lang="fr", quick=True, batch_size=256) -> the figures the lesson states

if __name__ == "__main__":
    lesson.run_as_script()
