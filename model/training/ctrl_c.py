"""Ctrl-C during training: the first one asks the loop to stop, the second stops at once.

The training loop looks at `pressed` before every window, so it stops within a
moment, and never with the weights caught half-updated by an optimizer step.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class CtrlC:
    """Whether Ctrl-C was pressed since the `with ctrl_c_stops_softly()` block began."""

    pressed = False


@contextmanager
def ctrl_c_stops_softly() -> Iterator[CtrlC]:
    """Turn the first Ctrl-C into a request to stop; a second one raises KeyboardInterrupt.

    Outside the main thread (where Python cannot set signal handlers) Ctrl-C is
    left as it is.
    """
    flag = CtrlC()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if flag.pressed:
            raise KeyboardInterrupt
        flag.pressed = True

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)
