"""`import autograd` loads the engine only; drawing, the player and jit load on first use."""

import subprocess
import sys

ENGINE = [
    "autograd",
    "autograd.context",
    "autograd.errors",
    "autograd.fused",
    "autograd.gradient_check",
    "autograd.graph",
    "autograd.value",
]


def python(code: str) -> str:
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def loaded(code: str) -> list[str]:
    """The autograd modules loaded after running `code` in a fresh Python."""
    out = python(
        f"import sys\n{code}\nprint(sorted(m for m in sys.modules if m.startswith('autograd')))"
    )
    return eval(out)  # a list of strings printed by Python itself


def test_import_autograd_loads_the_engine_only():
    assert loaded("import autograd") == ENGINE
    assert loaded("from autograd import Value, dot, gradcheck, no_grad, scope, zero_grad") == ENGINE


def test_drawing_and_jit_load_when_their_names_are_first_used():
    drawing = loaded("from autograd import draw")
    assert "autograd.drawing" in drawing and "autograd.compiler" not in drawing
    compiler = loaded("import autograd\nautograd.jit")
    assert "autograd.compiler" in compiler and "autograd.drawing" not in compiler


def test_every_public_name_is_there_and_jit_stays_the_function():
    out = python(
        "import autograd\n"
        "missing = [n for n in autograd.__all__ if not hasattr(autograd, n)]\n"
        "import autograd.compiler.program\n"  # importing the module must not replace the function
        "from autograd import jit, draw, render, save_html, player, Player, TraceError\n"
        "print(missing, callable(autograd.jit), autograd.jit is jit, jit.__module__)"
    )
    assert out == "[] True True autograd.compiler.program"


def test_an_unknown_name_is_an_attribute_error():
    out = python(
        "import autograd\ntry:\n    autograd.drwa\nexcept AttributeError as e:\n    print(e)"
    )
    assert out == "module 'autograd' has no attribute 'drwa'"
