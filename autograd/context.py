"""What every new `Value` reads when it is created: is recording on, and in which scope?

Two context managers change that state, in the style of PyTorch:

- `no_grad()` turns recording off, for sampling: results are plain leaves with no
  history, so nothing can be differentiated and nothing is kept in memory.
- `scope("attention")` names the part of a computation being built. Every `Value`
  created inside is tagged with the name, so drawings can group a big graph into
  the lesson's steps. Scopes nest: `attention` then `scores` gives `attention/scores`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

# Read by Value on every operation; changed only by the two managers below.
recording: bool = True
current_scope: str = ""


def is_grad_enabled() -> bool:
    """True when operations record their inputs (the default)."""
    return recording


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block, operations compute numbers but record no graph."""
    global recording
    previous, recording = recording, False
    try:
        yield
    finally:
        recording = previous


@contextmanager
def scope(name: str) -> Iterator[str]:
    """Tag every Value created inside with `name`, nested under the enclosing scope."""
    global current_scope
    if not isinstance(name, str) or not name.strip("/"):
        raise ValueError(f"a scope needs a non-empty name such as 'attention', got {name!r}")
    previous = current_scope
    current_scope = f"{previous}/{name.strip('/')}" if previous else name.strip("/")
    try:
        yield current_scope
    finally:
        current_scope = previous
