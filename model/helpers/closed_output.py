"""When the reader of our output goes away: `minillm generate | head -1`.

`head -1` reads one line and exits. The next line we print then has nowhere to
go, and Python raises BrokenPipeError: a traceback for something that is not an
error at all. Unix programs such as `cat` or `yes` end quietly in that case, with
exit status 141 (128 + SIGPIPE, the signal they receive). So do we, for a closed
standard error too (`2>&1 | head -1`, where the progress bar goes).

A stream closed before the program starts (`minillm train >&-`, `2>&-`) is None
in Python: the first print would be a traceback, and the file descriptor left free
would be given to the next file opened (a checkpoint, a lock), where a child
process's output would then land. So it is pointed at os.devnull first, the
command runs (a training saves its checkpoints), and it ends with status 141.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import TypeVar

EXIT_CLOSED_OUTPUT = 141  # 128 + 13 (SIGPIPE), what a shell reports for `yes | head -1`

Main = TypeVar("Main", bound=Callable[..., int])


def quiet_when_output_closes(main: Main) -> Main:
    """Decorate a command's main(): a closed output ends it quietly with status 141.

    The output is flushed before main returns, so that a pipe closed during the
    last lines is caught here too, not by Python while it shuts down.
    """

    @functools.wraps(main)
    def wrapper(*args, **kwargs) -> int:
        closed_at_start = _open_missing_streams()
        try:
            code = main(*args, **kwargs)
            sys.stdout.flush()
            sys.stderr.flush()
        except BrokenPipeError:
            _send_the_rest_to_devnull()
            return EXIT_CLOSED_OUTPUT
        return EXIT_CLOSED_OUTPUT if closed_at_start and code == 0 else code

    return wrapper  # type: ignore[return-value]  (same signature as main)


def _send_the_rest_to_devnull() -> None:
    """Point stdout and stderr at os.devnull, so that Python's last flush has somewhere to go."""
    for stream in (sys.stdout, sys.stderr):
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)
        except (AttributeError, OSError, ValueError):  # not a real file (a test's capture)
            pass


def _open_missing_streams() -> bool:
    """Give a closed stdout or stderr (None in Python) os.devnull, on its own descriptor.

    Return whether one was closed.
    """
    closed = False
    for name, fd in (("stdout", 1), ("stderr", 2)):
        if getattr(sys, name) is not None:
            continue
        closed = True
        devnull = os.open(os.devnull, os.O_WRONLY)  # the lowest free descriptor: often fd itself
        if devnull != fd:
            os.dup2(devnull, fd)
            os.close(devnull)
        setattr(sys, name, open(fd, "w", encoding="utf-8", closefd=False))  # noqa: SIM115
    return closed
