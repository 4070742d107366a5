"""For tests that press Ctrl-C in a child process, as a learner would in a terminal."""

import signal
import time
from pathlib import Path


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
