"""Lesson 12: How frameworks go fast.

Building thousands of Values for every training position costs more than the
handwritten backward. Real frameworks record the computation once and replay
compiled code (torch.compile, jax.jit). autograd.jit does it in plain Python: it
records the graph, writes the forward and the backward as straight-line Python,
and replays that code on plain floats. The backward it writes is lesson 6's,
line by line.

    python -m lessons 12           (--lang fr, --quick, --guess-lines 8, --help)

Each `# %%` line starts a cell: VS Code runs them one by one, and
`python -m lessons 12 --notebook` writes the lesson as a Jupyter notebook.
"""

# %%
import inspect
import time

from autograd import TraceError, Value, jit
from lessons.common import Context, Lesson
from lessons.pictures import named, side_by_side
from model import manual
from model.backends import make_step
from model.data import examples, load_names
from model.params import flatten, init_params

# %% Change me! Then run the lesson again (or: python -m lessons 12 --guess-lines 8).
CHANGE_ME = {
    "guess_lines": 0,  # exercise 1: how many lines the neuron's backward has
    "guess_programs": 0,  # exercise 2: how many programs training the mini-LLM needs
    "branch": "data",  # exercise 3: "relu" keeps the neuron's branch in the graph
}

lesson = Lesson(12, CHANGE_ME, exercises=3)
# In a notebook, to read the lesson in French: lesson.configure(lang="fr")


# %% Step 1: trace a neuron, and read the code autograd wrote
NEURON = {"w1": 0.6, "x1": 2.0, "w2": -0.4, "x2": 1.0, "b": 0.1}  # lesson 7's neuron


def neuron(w1: Value, x1: Value, w2: Value, x2: Value, b: Value) -> Value:
    """y = relu(w1*x1 + w2*x2 + b), each value named as in lesson 7."""
    p1, p2 = named(w1 * x1, "p1"), named(w2 * x2, "p2")
    s = named(Value.sum([p1, p2, b]), "s")
    return named(s.relu(), "y")


def backward_lines(source: str) -> int:
    """The chain-rule lines of a generated program: after `# backward`, not comments."""
    backward = source.split("# backward", 1)[1].splitlines()[1:]
    return sum(1 for line in backward if " = " in line or " += " in line) - 1  # g_y = 1.0


@lesson.step
def trace_a_neuron(ctx: Context) -> None:
    """jit runs the neuron once on Values, then writes its forward and backward as Python."""
    ctx.heading("trace_title")
    ctx.line("trace_intro")
    compiled = jit(neuron)
    loss, grads = compiled(*NEURON.values())
    lines = ctx.claim("backward_lines", backward_lines(compiled.source))
    ctx.ask(1, "guess_lines", lambda guess: guess == lines, lambda _: {"lines": lines})

    ctx.line("trace_code")
    ctx.show(compiled.source.rstrip())
    ctx.line("trace_reading")

    values = {name: Value(x, name) for name, x in NEURON.items()}
    y = neuron(*values.values())
    y.backward()
    rows = [(name, grad, v.grad) for (name, v), grad in zip(values.items(), grads)]
    if ctx.in_full():  # --verbose: input by input
        ctx.table([ctx.t("col_input"), ctx.t("col_replay"), "backward()"], rows)
    difference = max(abs(by_jit - by_values) for _, by_jit, by_values in rows)
    ctx.claim("neuron_max_difference", max(difference, abs(loss - y.data)))
    ctx.say("trace_same")


# %% Step 2: the mini-LLM's program, beside lesson 6's handwritten step
WORD = "pikachu"  # its last window (8 letters) is the longest program


def handwritten_step(number: int) -> list[str]:
    """The lines of step `number` of lesson 6's backward (manual.backward_steps)."""
    lines = [line.rstrip()[4:] for line in inspect.getsourcelines(manual.backward_steps)[0]]
    start = next(i for i, line in enumerate(lines) if line.startswith(f"# Step {number}:"))
    end = next(i for i, line in enumerate(lines) if line.startswith(f"# Step {number + 1}:"))
    # What the step computes; not the line that files it away for lesson 9's comparison.
    return [line for line in lines[start:end] if line and not line.startswith("steps.")]


def generated_scope(source: str, scope: str, count: int) -> list[str]:
    """The first `count` backward lines the program writes under `# scope`."""
    backward = source.split("# backward", 1)[1]
    block = backward.split(f"    # {scope}\n", 1)[1].split("    #", 1)[0]
    return [f"# {scope}"] + [line.strip() for line in block.splitlines()[:count]]


@lesson.step
def beside_lesson_6(ctx: Context) -> None:
    """The code jit writes for one position of the mini-LLM, and lesson 6's step 2 beside it."""
    ctx.heading("beside_title")
    weights = flatten(init_params())
    ids, target = list(examples(WORD, 8))[-1]
    step = make_step("compiled")
    _, grads = step(weights, ids, target)
    program = step.jitted.last
    hand_lines = len(inspect.getsourcelines(manual.backward_steps)[0])
    ctx.say(
        "beside_sizes", word=WORD, operations=ctx.number(program.operations),
        lines=ctx.number(backward_lines(program.source)), hand=hand_lines,
    )  # fmt: skip
    ctx.claim("program_operations", program.operations)
    left = handwritten_step(2)
    right = generated_scope(program.source, "output", len(left))
    ctx.show(side_by_side(left, right, (ctx.t("col_handwritten"), ctx.t("col_generated"))))
    ctx.line("beside_reading")
    _, by_hand = manual.manual_loss_and_grads(init_params(), ids, target)
    difference = max(abs(a - b) for a, b in zip(flatten(by_hand), grads))
    ctx.claim("largest_difference", difference)
    ctx.say("beside_same", difference=ctx.number(difference, ".1e"))


# %% Step 3: time the three ways
def ms_per_position(step, weights: list[float], positions: list) -> float:
    """Milliseconds of this process's time for one step, on average over the positions."""
    start = time.process_time()
    for ids, target in positions:
        step(weights, ids, target)
    return 1000 * (time.process_time() - start) / len(positions)


@lesson.step
def three_ways(ctx: Context) -> None:
    """Handwritten, Values and backward(), compiled: the same gradients, three speeds."""
    ctx.heading("timing_title")
    positions = [p for name in load_names() for p in examples(name, 8)][: ctx.sized(1000, 200)]
    weights = flatten(init_params())
    compiled = make_step("compiled")
    ctx.line("timing_record_intro")
    lengths = ctx.claim("programs", len({len(ids) for ids, _ in positions}))
    ctx.ask(2, "guess_programs", lambda guess: guess == lengths, lambda _: {"count": lengths})
    start = time.perf_counter()
    for ids, target in {len(ids): (ids, target) for ids, target in positions}.values():
        compiled(weights, ids, target)  # the first window of each length records its program
    recording = ctx.claim("recording_seconds", time.perf_counter() - start)
    ctx.line("timing_recorded", count=len(compiled.jitted.programs), seconds=recording)

    ways = {"handwritten": make_step("manual"), "autograd": make_step("autograd"),
            "compiled": compiled}  # fmt: skip
    ms = {way: ms_per_position(step, weights, positions) for way, step in ways.items()}
    ctx.claim("ms_per_position", ms)
    rows = [(ctx.t("way_" + way), ms[way], ms[way] / ms["handwritten"]) for way in ways]
    ctx.table([ctx.t("col_way"), ctx.t("col_ms"), ctx.t("col_ratio")], rows)
    if ctx.in_full():  # --verbose: the same figures, as bars
        ctx.bars([(ctx.t("way_" + way), ms[way]) for way in ways], spec=".2f")
    saved = ms["autograd"] - ms["compiled"]
    ctx.say(
        "timing_reading", positions=ctx.number(len(positions)),
        break_even=ctx.number(1000 * recording / saved) if saved > 0 else "-",
    )  # fmt: skip


# %% Step 4: the trap: Python that looks at the numbers
def neuron_with_a_branch(w: Value, x: Value) -> Value:
    """On or off, decided by Python reading the number: the graph depends on the data."""
    z = w * x
    if z.data > 0.0:
        return z
    return z * 0.0


def neuron_in_the_graph(w: Value, x: Value) -> Value:
    """The same function, with the branch as an operation of the graph."""
    return (w * x).relu()


BRANCHES = {"data": neuron_with_a_branch, "relu": neuron_in_the_graph}


@lesson.step
def the_trap(ctx: Context) -> None:
    """A recording freezes what Python decided; jit refuses a function that looks at numbers."""
    ctx.heading("trap_title")
    branch = ctx.values["branch"]
    ctx.require(branch in BRANCHES, "bad_branch")
    ctx.line("trap_intro")
    ctx.show(inspect.getsource(BRANCHES[branch]).rstrip())
    compiled = jit(BRANCHES[branch])
    try:
        compiled(2.0, 3.0)
    except TraceError as refusal:
        ctx.claim("refused", True)
        ctx.line("trap_refused")
        ctx.show(str(refusal))
    else:
        ctx.claim("refused", False)
        loss, grads = compiled(2.0, -3.0)  # recorded where the neuron is on, replayed off
        ctx.claim("replayed_off", (loss, grads))
        ctx.say(
            "trap_accepted", loss=ctx.number(loss, "g"), grad_w=ctx.number(grads[0], "g"),
            grad_x=ctx.number(grads[1], "g"),
        )  # fmt: skip
    ctx.say("trap_softmax")
    ctx.say("exercise3")
    ctx.check(3, branch == "relu", "exercise3_ok", "exercise3_hint")


# %% Step 5: what we learned
@lesson.step
def summary(ctx: Context) -> None:
    """What to remember."""
    ctx.heading("summary_title")
    ctx.say("summary")


# %%
run = lesson.run  # run(lang="fr", quick=True, guess_lines=8) -> the figures the lesson states

if __name__ == "__main__":
    lesson.run_as_script()
