"""For tests that press Ctrl-C in a child process, as a learner would in a terminal."""

import signal


def as_in_a_terminal() -> None:
    """Popen(preexec_fn=...): Ctrl-C's default action in the child. A test runner started in
    the background (`pytest &`) passes SIGINT on as ignored, and Python keeps it ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
