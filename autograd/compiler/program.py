"""jit: record a function's graph once, write its forward and backward as Python, replay them.

    from autograd import jit

    def neuron(w, x, b):
        return (w * x + b).relu()

    f = jit(neuron)
    loss, grads = f(0.5, 2.0, 0.3)   # loss: a float; grads: (dloss/dw, dloss/dx, dloss/db)
    print(f.source)                  # the code autograd wrote, forward then backward

Calling. `f(*inputs)` takes the inputs by position, each one a number or a list,
tuple or dict (string keys) of them, nested as deep as you like. It returns
`(loss, grads)`: the loss as a float, and `grads`, a tuple with one entry per
input, shaped as that input (a number for a number, a list of lists for a list of
lists, ...). `fn` itself takes Values in the same shapes and returns one Value.

Recording. The first call for a given structure of inputs (how many, how they
nest, how long each list is, which keys) runs `fn` on Values, named after fn's
parameters (`ws[0]`, `b`), and writes straight-line Python for the whole step,
then compiles it once (`f.programs` keeps one `Program` per structure). Later calls
with that structure run the compiled code on plain floats: not one Value is made.

Reading the code. `f.source` is the code of the program the last call ran;
`f.program_for(*inputs).source` the code for the structure of those inputs
(recorded if new). A program's `record_seconds` and `compile_seconds` say what
recording cost. A `Program` can also be called directly, `program(*inputs)`:
that skips the structure check, for a caller that knows the structure (the model's
compiled backend keeps one program per window length); wrong lengths are still
caught, dict keys beyond those recorded are ignored.

What is replayed, and the limits:
- Every operation is recomputed from the new numbers, relu's branch included
  (`v if v > 0.0 else 0.0`), and `Value.max(values)`, a node of its own.
- Constants made inside fn (`x * 2.0`, `Value(0.5)`) are written into the code.
  So is any Value fn uses without being given it (captured from outside, like a
  global weight): its number is frozen. Pass what changes as an input.
- fn must not look at numbers: reading `.data` of a Value computed from the
  inputs raises TraceError (see autograd.compiler.tracing) naming the line, because a
  number read becomes a constant or a frozen branch. Reading the numbers of
  constants, or printing a Value (repr reads inside the engine), is allowed.
  What the watch cannot see: numbers that reach Python another way (`.grad`, or
  code in the engine's own folder), and branches on anything else that varies
  between calls (a global, a random number): fn must compute the same graph
  every time it is given the same structure.
- fn must run in one thread while it is recorded, and not under no_grad().
- Errors at replay (log of a number <= 0, exp too large, a NaN or an overflow in
  the loss) are found by running fn again on Values, so they carry the engine's
  own message. A NaN or an overflow that does not reach the loss (hidden behind
  a relu that is off, say) is not looked for: the replay checks only the loss.
"""

from __future__ import annotations

import inspect
import linecache
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from numbers import Real

from autograd import context
from autograd.compiler.codegen import Structure, write_source
from autograd.compiler.tracing import TraceError, function_name, record
from autograd.errors import checked_number
from autograd.graph import topological_order
from autograd.value import Value

__all__ = ["Jitted", "Program", "TraceError", "jit"]

Grads = tuple  # one gradient per input, each shaped as its input


@dataclass
class Program:
    """The compiled forward and backward for one structure of inputs."""

    fn: Callable[..., Value]  # the function that was recorded, for clear errors at replay
    structure: Structure
    source: str
    operations: int  # lines of the forward: nodes of the recorded graph
    record_seconds: float  # running fn on Values and writing the source
    compile_seconds: float  # compile() and exec of that source
    run: Callable[..., tuple[float, Grads]] = field(repr=False)

    def __call__(self, *inputs: object) -> tuple[float, Grads]:
        """(loss, grads) at these inputs, on plain floats."""
        try:
            loss, grads = self.run(*inputs)
        except (ArithmeticError, ValueError, TypeError) as err:
            raise (self._error_for(inputs) or err) from None
        # NaN or inf (then loss - loss is NaN), or a complex number (a power of a negative
        # number): the Values may have refused it on the way, or the inputs held an inf.
        if isinstance(loss, complex) or loss - loss:
            error = self._error_for(inputs)
            if error is not None:
                raise error from None
        return loss, grads

    def _error_for(self, inputs: tuple) -> Exception | None:
        """The error the engine gives on these inputs (the clearest there is), or None."""
        structure = structure_of(inputs, lambda count: ["x"] * count)  # TypeError: not numbers
        if structure != self.structure:
            return ValueError(
                f"these inputs are shaped {describe(structure)}, but this program was "
                f"recorded for {describe(self.structure)}: call the jitted function instead, "
                "it records one program per structure"
            )
        try:
            self.fn(*values_for(inputs, structure, ["x"] * len(inputs))[0])
        except (ArithmeticError, ValueError, TypeError) as engine_error:
            return engine_error  # the engine says which operation, on which numbers
        return None


class Jitted:
    """fn, recorded once per structure of inputs and replayed on floats (see the module doc)."""

    def __init__(self, fn: Callable[..., Value]) -> None:
        if not callable(fn):
            raise TypeError(f"jit needs a function, got {type(fn).__name__}")
        self.fn = fn
        self.programs: dict[Structure, Program] = {}
        self.last: Program | None = None
        self.__name__ = function_name(fn)
        self._parameters = _positional_parameters(fn)  # to name the inputs in the code
        self.__doc__ = getattr(fn, "__doc__", None)

    def __call__(self, *inputs: object, **keywords: object) -> tuple[float, Grads]:
        if keywords:
            raise TypeError(
                f"a jitted function takes its inputs by position: "
                f"{self.__name__}({', '.join(keywords)}) without the names"
            )
        try:
            program = self.program_for(*inputs)
        except TypeError:  # not only floats and ints: numpy's float32, a Fraction, or no number
            inputs = as_floats(inputs, self._parameter_names(len(inputs)))
            program = self.program_for(*inputs)
        return program(*inputs)

    def program_for(self, *inputs: object) -> Program:
        """The program for the structure of these inputs, recorded and compiled if new."""
        structure = structure_of(inputs, self._parameter_names)
        program = self.programs.get(structure)
        if program is None:
            program = self.programs[structure] = self._record(inputs, structure)
        self.last = program
        return program

    @property
    def source(self) -> str:
        """The generated code of the program the last call ran."""
        if self.last is None:
            raise ValueError(
                f"nothing recorded yet: call {self.__name__}(...) once, "
                f"or read {self.__name__}.program_for(...).source"
            )
        return self.last.source

    def _record(self, inputs: tuple, structure: Structure) -> Program:
        if not context.is_grad_enabled():
            raise TraceError("autograd.jit records a graph: call it outside `with no_grad():`")
        start = time.perf_counter()
        args, leaves = values_for(inputs, structure, self._parameter_names(len(inputs)))
        root = record(self.fn, args, leaves)
        name = _identifier(self.__name__)
        source = write_source(name, root, leaves, structure)
        recorded = time.perf_counter()
        filename = f"<autograd.jit {self.__name__} #{len(self.programs) + 1}>"
        namespace = {"exp": math.exp, "log": math.log}
        exec(compile(source, filename, "exec"), namespace)
        # Tracebacks and debuggers can then show the generated lines.
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        return Program(
            fn=self.fn, structure=structure, source=source,
            operations=len(topological_order(root, leaves=False)),
            record_seconds=recorded - start, compile_seconds=time.perf_counter() - recorded,
            run=namespace[name],
        )  # fmt: skip

    def _parameter_names(self, count: int) -> list[str]:
        """fn's parameter names for `count` positional inputs (x0, x1, ... past them)."""
        names, rest = self._parameters
        return [
            names[i] if i < len(names) else f"{rest}{i}" if rest else f"x{i}" for i in range(count)
        ]


def _positional_parameters(fn: Callable[..., object]) -> tuple[list[str], str | None]:
    """The names of fn's positional parameters, and of its *args (None if it has none)."""
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):  # some built-in functions have no signature
        return [], None
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    names = [p.name for p in parameters if p.kind in positional]
    rest = [p.name for p in parameters if p.kind is inspect.Parameter.VAR_POSITIONAL]
    return names, rest[0] if rest else None


def jit(fn: Callable[..., Value]) -> Jitted:
    """fn, recorded once per structure of inputs, then replayed as compiled Python on floats."""
    return Jitted(fn)


# ---------------------------------------------------------------- the structure of the inputs


def structure_of(inputs: tuple, names: Callable[[int], list[str]]) -> Structure:
    """The structure of the inputs: how many, how they nest, how long, which keys.

    `names(count)` names the inputs, for the error that says which one is not a number.
    """
    try:
        return ("tuple", tuple([_walk(x, None, None, None) for x in inputs]))
    except TypeError:
        flatten_inputs(inputs, names(len(inputs)))  # raises the same error, naming the input
        raise


def flatten_inputs(inputs: tuple, names: list[str]) -> tuple[Structure, list[float], list[str]]:
    """(the structure, every number in order, the path of each: "ws[0]", "p['Wq'][2]")."""
    numbers: list[float] = []
    paths: list[str] = []
    parts = tuple(_walk(x, name, numbers, paths) for x, name in zip(inputs, names))
    return ("tuple", parts), numbers, paths


def as_floats(inputs: tuple, names: list[str]) -> tuple:
    """The inputs with every real number as a float, checked as Value checks its number.

    So numpy's float32 and int64, or a Fraction, are taken as Value takes them, and
    a bool or a huge int is refused with the same message, naming the input.
    """

    def convert(x: object, path: str) -> object:
        if isinstance(x, (list, tuple)):
            parts = [convert(v, f"{path}[{i}]") for i, v in enumerate(x)]
            return parts if isinstance(x, list) else tuple(parts)
        if isinstance(x, dict) and all(isinstance(k, str) for k in x):
            return {k: convert(v, f"{path}[{k!r}]") for k, v in x.items()}
        if isinstance(x, Real):  # a bool too: refused as Value refuses it
            return checked_number(x, f"autograd.jit: input {path}")
        return x  # not a number: _walk names it with what inputs may be

    return tuple(convert(x, name) for x, name in zip(inputs, names))


def _walk(x: object, path: str | None, numbers: list | None, paths: list | None) -> Structure:
    """x's structure; with a path, also collect its numbers and their paths into the lists.

    Without one (None), nothing is collected and no path is written: the quick check
    every call makes. A path is then written only for the error message.
    """
    if type(x) is float:  # other reals (ints too) go through as_floats first
        if numbers is not None and paths is not None:
            numbers.append(float(x))
            paths.append(path)
        return None
    if isinstance(x, (list, tuple)):
        kind = "list" if isinstance(x, list) else "tuple"
        return (
            kind,
            tuple([_walk(v, path and f"{path}[{i}]", numbers, paths) for i, v in enumerate(x)]),
        )
    if isinstance(x, dict) and all(isinstance(k, str) for k in x):
        parts = tuple([_walk(v, path and f"{path}[{k!r}]", numbers, paths) for k, v in x.items()])
        return ("dict", tuple(x), parts)
    hint = " (pass its number, v.data)" if isinstance(x, Value) else ""
    raise TypeError(
        f"autograd.jit: input {path} is a {type(x).__name__}{hint}; inputs are numbers, or "
        "lists, tuples and dicts (with string keys) of numbers"
    )


def values_for(inputs: tuple, structure: Structure, names: list[str]) -> tuple[tuple, list[Value]]:
    """The inputs rebuilt with a labelled Value for each number, and those Values in order."""
    _, numbers, paths = flatten_inputs(inputs, names)
    leaves = [Value(x, path) for x, path in zip(numbers, paths)]
    return _rebuild(structure, iter(leaves)), leaves


def _rebuild(structure: Structure, leaves: Iterator[Value]) -> object:
    if structure is None:
        return next(leaves)
    if structure[0] == "dict":
        return {key: _rebuild(part, leaves) for key, part in zip(structure[1], structure[2])}
    parts = [_rebuild(part, leaves) for part in structure[1]]
    return parts if structure[0] == "list" else tuple(parts)


def describe(structure: Structure) -> str:
    """A structure in a few characters: (x, [3 × x], {'b': x}); equal parts are counted."""
    if structure is None:
        return "x"
    if structure[0] == "dict":
        return "{" + ", ".join(f"{k!r}: {describe(p)}" for k, p in zip(*structure[1:])) + "}"
    parts = [describe(part) for part in structure[1]]
    inside = (
        f"{len(parts)} × {parts[0]}"
        if len(parts) > 2 and len(set(parts)) == 1
        else ", ".join(parts)
    )
    return f"[{inside}]" if structure[0] == "list" else f"({inside})"


def _identifier(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    return cleaned if cleaned.isidentifier() else f"fn_{cleaned}"
