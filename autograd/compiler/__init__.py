"""Compiling a graph: record a function's graph once, write it out as Python, replay it.

tracing records the graph and watches for numbers read from it; codegen writes the
forward and backward as source text; program compiles that text and replays it.
Loaded only when `autograd.jit` is first used.
"""

from autograd.compiler.program import Jitted, Program, jit
from autograd.compiler.tracing import TraceError

__all__ = ["Jitted", "Program", "TraceError", "jit"]
