"""No two modules of the project import each other, directly or around a loop.

Imports inside functions count too: a lazy import that closes a loop still
means that neither module can be read, or tested, without the other.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parents[1]
PACKAGES = ("autograd", "model", "lessons")


def project_modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of the three packages."""
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules that `path` imports when it runs, anywhere in the file.

    Imports under `if TYPE_CHECKING:` are for type hints only; they never run.
    """
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # `from model import autodiff` imports model.autodiff
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in modules else node.module)
    return found & set(modules)


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One loop of imports, as [a, b, ..., a]; [] when there is none (depth-first search)."""
    done: set[str] = set()
    for start in sorted(graph):
        path, stack = [], [(start, iter(sorted(graph[start])))]
        on_path = {start}
        path.append(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                on_path.discard(path.pop())
                done.add(node)
            elif child in on_path:
                return [*path[path.index(child) :], child]
            elif child not in done:
                stack.append((child, iter(sorted(graph[child]))))
                on_path.add(child)
                path.append(child)
    return []


def test_no_module_imports_itself_around_a_loop():
    modules = project_modules()
    graph = {name: imports_of(path, modules) - {name} for name, path in modules.items()}
    # A package's __init__ gathers its modules; a module of it importing the package
    # would be the loop this test looks for, so __init__ files are kept in the graph.
    assert find_cycle(graph) == []


def test_the_cycle_finder_finds_a_loop():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


# Layers, lowest first: a module may import its own layer and those below, never above.
# The model's math knows nothing of training runs or the command line; autograd knows
# nothing of the model; the engine's core knows nothing of drawing or compiling.
LAYERS = [
    (
        "autograd core",
        lambda name: name.startswith("autograd") and not _in(name, "drawing", "compiler"),
    ),
    (
        "autograd drawing and compiler",
        lambda name: _in(name, "autograd.drawing", "autograd.compiler"),
    ),
    ("model math", lambda name: name.startswith("model") and not _in(name, "training", "cli")),
    ("model training", lambda name: name.startswith("model.training")),
    ("model command line", lambda name: name.startswith("model.cli")),
    ("lessons", lambda name: name.startswith("lessons")),
]


def _in(name: str, *parts: str) -> bool:
    return any(part in name.split(".") or name.startswith(part) for part in parts)


def layer_of(name: str) -> int:
    if name == "model":  # the package's __init__ gathers the public names of every layer
        return len(LAYERS)
    return next(i for i, (_, belongs) in enumerate(LAYERS) if belongs(name))


# `minillm lesson 7` runs a lesson: the command line imports the lessons inside that
# command only, when it is run (the one way up, and the only one).
ALLOWED_UP = {("model.cli.minillm", "lessons.__main__")}


def test_imports_go_one_way_from_the_top_layer_down():
    modules = project_modules()
    upward = [
        f"{name} ({LAYERS[layer_of(name)][0]}) imports {imported}"
        for name, path in modules.items()
        if name != "model"
        for imported in imports_of(path, modules)
        if imported != "model" and layer_of(imported) > layer_of(name)
        if (name, imported) not in ALLOWED_UP
    ]
    assert upward == []
