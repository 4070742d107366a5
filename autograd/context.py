"""What every new `Value` reads when it is created: is recording on, and in which scope?

Two context managers change that state, in the style of PyTorch:

- `no_grad()` turns recording off, for sampling: results are plain leaves with no
  history, so nothing can be differentiated and nothing is kept in memory.
- `scope("attention")` names the part of a computation being built. Every `Value`
  created inside is tagged with the name, so drawings can group a big graph into
  the lesson's steps. Scopes nest: `attention` then `scores` gives `attention/scores`.

The state belongs to the thread (more exactly to its `contextvars` context, which
every thread and every asyncio task has of its own): a `no_grad()` block in one
thread never switches off recording in another, as in PyTorch. Every operation
reads the state, so it is one ContextVar holding both parts, read with one call
about as quick as reading a module global.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# (how many no_grad() blocks this thread is inside, the scope it is in).
# A count, not a flag, so that blocks left in any order, even overlapping ones,
# turn recording back on once the last one is left.
_state: ContextVar[tuple[int, str]] = ContextVar("autograd_state", default=(0, ""))

state = _state.get  # state() -> (no_grad blocks, scope), for Value on every operation


def is_grad_enabled() -> bool:
    """True when operations record their inputs (the default), in this thread."""
    return state()[0] == 0


def current_scope() -> str:
    """The scope new Values are tagged with in this thread, e.g. "attention/scores"; "" outside."""
    return state()[1]


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block, operations compute numbers but record no graph (this thread only)."""
    _change_no_grad_blocks(+1)
    try:
        yield
    finally:
        _change_no_grad_blocks(-1)


def _change_no_grad_blocks(change: int) -> None:
    blocks, scope_name = state()
    _state.set((blocks + change, scope_name))


@contextmanager
def scope(name: str) -> Iterator[str]:
    """Tag every Value created inside with `name`, nested under the enclosing scope."""
    if not isinstance(name, str) or not name.strip("/"):
        raise ValueError(f"a scope needs a non-empty name such as 'attention', got {name!r}")
    previous = current_scope()
    inner = f"{previous}/{name.strip('/')}" if previous else name.strip("/")
    _set_scope(inner)
    try:
        yield inner
    finally:
        _set_scope(previous)


def _set_scope(name: str) -> None:
    blocks, _ = state()
    _state.set((blocks, name))
