"""Recording a function's graph, and refusing the functions whose graph depends on the numbers.

A recording is only worth replaying if the same operations, on the same
constants, would be recorded at any other inputs. What can break that is Python
looking at a number: `if z.data > 0:`, `top = max(s.data for s in scores)`,
`x ** y.data`. The number read becomes a frozen constant or a frozen branch.

So while a function is recorded, reading `.data` of a Value that was computed
from the inputs (or is one) stops the recording with a TraceError that names the
line and says what to write instead. The engine's own files may read numbers
(an operation must, to compute its result); the function being recorded may not.
"""

from __future__ import annotations

import linecache
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from autograd.graph import topological_order
from autograd.value import Value

# The engine's own folder autograd/ (this file is in autograd/compiler/): it may read numbers.
ENGINE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep

INSTEAD = (
    "A number read with .data becomes a constant of the recorded code (or freezes the "
    "branch it chose), so the replay would be wrong at other inputs. Keep it in the graph: "
    "x.relu() for a branch on the sign, Value.max(values).detach() for the largest of "
    "several (as the model's softmax does), x.detach() for a number that must pass no "
    "gradient back; or call the function on Values, without jit."
)


class TraceError(ValueError):
    """autograd.jit cannot record this function faithfully; the message says why and what to do."""


_lock = threading.RLock()  # one recording at a time: the watch below is process-wide


def record(fn: Callable[..., object], args: tuple, inputs: list[Value]) -> Value:
    """fn(*args) on Values whose leaves are `inputs`; reading numbers that depend on them fails."""
    with _lock, _watch_data_reads(fn, {id(v) for v in inputs}):
        out = fn(*args)
    if not isinstance(out, Value):
        raise TypeError(
            f"autograd.jit: {function_name(fn)} must return one Value (the loss), "
            f"got {type(out).__name__}"
        )
    return out


@contextmanager
def _watch_data_reads(fn: Callable[..., object], inputs: set[int]) -> Iterator[None]:
    """For a while, make `value.data` a property that checks who reads it (then put it back).

    Value keeps its number in a slot; the slot's descriptor is swapped for a
    property that calls it, so nothing in Value changes and nothing is slower
    outside a recording.
    """
    slot = Value.__dict__["data"]
    thread = threading.get_ident()

    def read(value: Value) -> float:
        number = slot.__get__(value, Value)
        caller = sys._getframe(1)
        if (
            threading.get_ident() == thread
            and not caller.f_code.co_filename.startswith(ENGINE_DIR)
            and _depends_on(value, inputs)
        ):
            raise TraceError(_refusal(fn, caller.f_code.co_filename, caller.f_lineno))
        return number

    Value.data = property(read, slot.__set__, doc=slot.__doc__)
    try:
        yield
    finally:
        Value.data = slot


def _depends_on(value: Value, inputs: set[int]) -> bool:
    return any(id(node) in inputs for node in topological_order(value))


def _refusal(fn: Callable[..., object], filename: str, line: int) -> str:
    code = linecache.getline(filename, line).strip()
    where = f"line {line} of {os.path.basename(filename)}"
    shown = f":\n    {code}" if code else ""
    return (
        f"autograd.jit cannot record {function_name(fn)}: {where} reads the number of a Value "
        f"computed from the inputs{shown}\n{INSTEAD}"
    )


def function_name(fn: Callable[..., object]) -> str:
    return getattr(fn, "__name__", "the function")
