"""The README's promises: its example runs and says the truth, its commands exist."""

from __future__ import annotations

import contextlib
import io
import math
import re
from pathlib import Path

README = (Path(__file__).parent.parent / "README.md").read_text("utf-8")


def test_the_engine_example_runs_and_its_gradients_are_right():
    code = re.search(r"## The engine in ten lines\n\n```python\n(.*?)```", README, re.S).group(1)
    scope: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(code, scope)
    w, x, b = (scope[name].data for name in "wxb")
    y = w * x + b  # the neuron is on (y > 0), so relu passes y through
    p = 1 / (1 + math.exp(-y))  # e^y / (e^y + 1) is the sigmoid
    dloss_dy = -(1 - p)  # d(-log sigmoid(y))/dy
    assert y > 0
    assert math.isclose(scope["w"].grad, dloss_dy * x, rel_tol=1e-12)
    assert math.isclose(scope["x"].grad, dloss_dy * w, rel_tol=1e-12)
    assert math.isclose(scope["b"].grad, dloss_dy, rel_tol=1e-12)


def test_the_quickstart_has_exactly_two_commands_and_ci_runs_the_second():
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", quickstart, re.S)
    assert len(commands) == 2
    assert commands[0].endswith("minillm train")
    assert "pytest" in commands[1]
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text("utf-8")
    assert "grep -m 1 -E '^python3 -m venv \\.venv && .*pytest' README.md" in ci


def test_the_jit_example_gives_the_loss_and_gradients_it_says():
    section = README.split("## Compiled: record once, replay", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    scope: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        exec(code, scope)
    assert (scope["loss"], scope["grads"]) == (1.3, (2.0, 0.5, 1.0))
    assert "g_w = x * g_v0" in printed.getvalue()
