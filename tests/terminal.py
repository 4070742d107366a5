"""For tests that run a lesson in a terminal, type its answers or press Ctrl-C, as a learner
would."""

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def as_in_a_terminal() -> None:
    """Popen(preexec_fn=...): Ctrl-C's default action in the child. A test runner started in
    the background (`pytest &`) passes SIGINT on as ignored, and Python keeps it ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def until_it_waits(pid: int, seconds: float = 10.0) -> None:
    """Return once process `pid` sleeps, waiting for what is typed (Linux: /proc; else 1 s).

    A Ctrl-C sent the very instant a prompt is written can land before input() waits:
    CPython looks at signals when its wait is interrupted, so that one would wait for a
    line forever. A learner's Ctrl-C comes later than that; so does the test's.
    """
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        time.sleep(1.0)
        return
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        time.sleep(0.1)
        state = stat.read_text().rsplit(")", 1)[1].split()[0]  # after "(name)": R, S, D...
        if state == "S":
            return


def in_a_terminal(argv: list[str], answers: dict[str, list[str]], timeout: float = 120):
    """`python -m lessons argv` in a pseudo-terminal; answers[prompt] are typed in turn."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "100"}
    child = subprocess.Popen(
        [sys.executable, "-m", "lessons", *argv], cwd=ROOT, env=env,
        stdin=follower, stdout=follower, stderr=follower, close_fds=True,
    )  # fmt: skip
    os.close(follower)
    seen, typed, deadline = b"", dict.fromkeys(answers, 0), time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and child.poll() is None:
            if select.select([leader], [], [], 0.2)[0]:
                try:
                    seen += os.read(leader, 65536)
                except OSError:
                    break
            text = seen.decode("utf-8", "replace")
            for prompt, replies in answers.items():
                if text.count(prompt) > typed[prompt] and typed[prompt] < len(replies):
                    os.write(leader, replies[typed[prompt]].encode() + b"\n")
                    typed[prompt] += 1
        code = child.wait(timeout=30)
        while select.select([leader], [], [], 0.2)[0]:
            try:
                seen += os.read(leader, 65536)
            except OSError:
                break
    finally:
        if child.poll() is None:
            child.kill()
        os.close(leader)
    return code, seen.decode("utf-8", "replace").replace("\r\n", "\n"), typed
