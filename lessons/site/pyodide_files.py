"""Python for the site: Pyodide's core from npm, and a lock file whose every wheel is served too.

Pyodide loads a package by looking it up in its lock file, pyodide-lock.json, and
fetching the wheel the lock names, next to the lock, checking its sha256. The npm
package holds the core only (the interpreter and the standard library), so we put
beside it the wheels the kernel and the lessons need, and write a lock that lists
exactly those, with the checksums of the files we serve: PyPI's files differ byte
for byte from Pyodide's own builds. Nothing is left to fetch from anywhere else.
"""

from __future__ import annotations

import email.parser
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from lessons.site.pins import (
    FROM_THE_KERNEL,
    KERNEL_PACKAGES,
    NOT_IN_LOCK,
    PROJECT_NEEDS,
    PYODIDE_VERSION,
)

LOCK = "pyodide-lock.json"
CORE_FILES = ("pyodide.mjs", "pyodide.js", "pyodide.asm.mjs", "pyodide.asm.wasm",
              "python_stdlib.zip")  # fmt: skip
PYODIDE_PYTHON = "3.14"  # the Python version of PYODIDE_VERSION, for pip's wheel choice


class SiteError(RuntimeError):
    """The site cannot be built; the message says why and what to do."""


def normalized(name: str) -> str:
    """A distribution name as the lock and pip compare them: "Pure_Eval" -> "pure-eval"."""
    return re.sub(r"[-_.]+", "-", name).lower()


# ---------------------------------------------------------------------------- the core


def pyodide_core(cache: Path) -> Path:
    """The folder of Pyodide's npm package at PYODIDE_VERSION, fetched with `npm pack` once."""
    folder = cache / f"pyodide-{PYODIDE_VERSION}"
    if (folder / LOCK).exists():
        return folder
    npm = shutil.which("npm")
    if npm is None:
        raise SiteError(
            "building the site needs npm, to fetch Pyodide's core (the npm package "
            f"pyodide@{PYODIDE_VERSION}): install Node.js (apt-get install npm, brew install "
            "node, or https://nodejs.org), then build again"
        )
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as work:
        run([npm, "pack", "--silent", f"pyodide@{PYODIDE_VERSION}"], cwd=work)
        (archive,) = Path(work).glob("pyodide-*.tgz")
        with tarfile.open(archive) as tar:
            members = [m for m in tar.getmembers() if m.isfile() and ".." not in m.name]
            tar.extractall(work, members=members)  # package/...: files only, none outside
        shutil.move(str(Path(work) / "package"), folder)
    return folder


def run(command: list[str], cwd: str | Path | None = None) -> None:
    """Run a build command; if it fails, raise SiteError with what it printed."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SiteError(
            f"{' '.join(map(str, command))} failed (exit {done.returncode}):\n"
            f"{(done.stdout + done.stderr).strip()[-3000:]}"
        )


# ---------------------------------------------------------------------------- the wheels


def download_wheels(
    specs: dict[str, str], cache: Path, python: str | None = PYODIDE_PYTHON
) -> dict[str, Path]:
    """name -> its pure wheel at the version given, downloaded from PyPI by pip (kept in cache).

    `python`: the Python version the wheels are for (Pyodide's), None for this one.
    """
    cache.mkdir(parents=True, exist_ok=True)
    have = {wheel_name_version(w): w for w in cache.glob("*.whl")}
    missing = [f"{name}=={version}" for name, version in specs.items()
               if (normalized(name), version) not in have]  # fmt: skip
    if missing:
        pure = ["--python-version", python, "--implementation", "py", "--abi", "none",
                "--platform", "any"] if python else []  # fmt: skip
        run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--only-binary=:all:", *pure, "--dest", str(cache), *missing])  # fmt: skip
        have = {wheel_name_version(w): w for w in cache.glob("*.whl")}
    return {name: have[normalized(name), version] for name, version in specs.items()}


def wheel_name_version(wheel: Path) -> tuple[str, str]:
    """("pure-eval", "0.2.3") for pure_eval-0.2.3-py3-none-any.whl."""
    name, version = wheel.name.split("-")[:2]
    return normalized(name), version


def wheel_entry(wheel: Path) -> dict[str, Any]:
    """A lock entry for a wheel the lock does not know, from the wheel's own metadata.

    Its imports are its top-level packages and modules; its dependencies, the
    requirements that are not for an extra.
    """
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (meta_path,) = [n for n in names if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
        meta = email.parser.Parser().parsestr(archive.read(meta_path).decode("utf-8"))
    imports = sorted(
        {n.split("/")[0] for n in names if n.count("/") >= 1 and n.endswith("/__init__.py")
         and ".dist-info" not in n and n.count("/") == 1}
        | {n[:-3] for n in names if "/" not in n and n.endswith(".py")}
    )  # fmt: skip
    depends = [
        normalized(re.split(r"[ ;<>=!~\[(]", requirement, maxsplit=1)[0])
        for requirement in meta.get_all("Requires-Dist") or []
        if "extra ==" not in requirement and "extra==" not in requirement
    ]
    return {
        "name": normalized(meta["Name"]), "version": meta["Version"], "file_name": wheel.name,
        "install_dir": "site", "sha256": sha256(wheel), "package_type": "package",
        "imports": imports, "depends": depends, "unvendored_tests": False,
    }  # fmt: skip


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------- the lock


def needed(lock: dict[str, Any], extra: dict[str, dict[str, Any]]) -> list[str]:
    """The packages the kernel and the project need, with all their dependencies, by name."""
    known = {**lock, **extra}
    todo = [normalized(n) for n in (*KERNEL_PACKAGES, *PROJECT_NEEDS, *extra)]
    found: list[str] = []
    while todo:
        name = todo.pop()
        if name in found:
            continue
        if name not in known:
            raise SiteError(f"no wheel for {name!r}: add it to NOT_IN_LOCK in lessons/site/pins.py")
        found.append(name)
        todo += [normalized(d) for d in known[name]["depends"]]
    return sorted(found)


def write_pyodide(folder: Path, project_wheel: Path, kernel_wheels: Path, cache: Path) -> Path:
    """Pyodide's core, every wheel needed and their lock, in `folder`; returns the lock's path.

    `kernel_wheels` is the folder of the wheels jupyterlite-pyodide-kernel ships.
    """
    core = pyodide_core(cache)
    lock = json.loads((core / LOCK).read_text(encoding="utf-8"))
    keys = {normalized(key): key for key in lock["packages"]}  # "prompt-toolkit": "prompt_toolkit"
    packages = {name: lock["packages"][key] for name, key in keys.items()}
    wheels = {wheel_name_version(w)[0]: w for w in kernel_wheels.glob("*.whl")}
    wheels = {name: wheels[name] for name in FROM_THE_KERNEL}
    project = wheel_name_version(project_wheel)[0]
    wheels[project] = project_wheel
    wheels.update(download_wheels(NOT_IN_LOCK, cache))
    extra = {name: wheel_entry(wheel) for name, wheel in wheels.items()}  # not in Pyodide's lock
    extra[project]["depends"] = list(PROJECT_NEEDS)  # what a notebook needs (pins.py)
    names = needed(packages, extra)
    from_lock = {name: packages[name]["version"] for name in names if name not in extra}
    impure = [packages[n]["file_name"] for n in from_lock
              if not packages[n]["file_name"].endswith("none-any.whl")]  # fmt: skip
    if impure:
        raise SiteError(f"these wheels are not pure Python, PyPI cannot serve them: {impure}")
    wheels.update(download_wheels(from_lock, cache))
    folder.mkdir(parents=True, exist_ok=True)
    for name in CORE_FILES:
        shutil.copy2(core / name, folder / name)
    served: dict[str, dict[str, Any]] = {}
    for name in names:
        wheel = wheels[name]
        shutil.copy2(wheel, folder / wheel.name)
        entry = extra.get(name) or packages[name]
        served[keys.get(name, name)] = {**entry, "file_name": wheel.name, "sha256": sha256(wheel)}
    path = folder / LOCK
    path.write_text(json.dumps({"info": lock["info"], "packages": served}, indent=1), "utf-8")
    return path
