"""When the reader of our output goes away: `minillm generate | head -1`.

`head -1` reads one line and exits. The next line we print then has nowhere to
go, and Python raises BrokenPipeError: a traceback for something that is not an
error at all. Unix programs such as `cat` or `yes` end quietly in that case, with
exit status 141 (128 + SIGPIPE, the signal they receive). So do we.
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
        try:
            code = main(*args, **kwargs)
            sys.stdout.flush()
        except BrokenPipeError:
            _send_the_rest_to_devnull()
            return EXIT_CLOSED_OUTPUT
        return code

    return wrapper  # type: ignore[return-value]  (same signature as main)


def _send_the_rest_to_devnull() -> None:
    """Point stdout at os.devnull, so that Python's last flush at exit has somewhere to go."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (AttributeError, OSError, ValueError):  # stdout is not a real file (a test's capture)
        pass
