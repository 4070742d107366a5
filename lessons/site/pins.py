"""Every version the browser site is built from, in one place.

The site must be the same each time it is built, and must never reach out to a
registry once served, so nothing is "latest": Pyodide's core comes from the npm
package `pyodide` at PYODIDE_VERSION; the pure Python wheels the kernel loads are
those of Pyodide's lock file at the versions it names (downloaded from PyPI), plus
the few the lock lacks, pinned below. The Python side (jupyterlite-core,
jupyterlite-pyodide-kernel, jupyter_server) is pinned by the `site` extra in
pyproject.toml.
"""

PYODIDE_VERSION = "314.0.7"  # npm package `pyodide`: Python 3.14 compiled to WebAssembly

# What the Pyodide kernel loads when it starts (its worker asks for these by name),
# and what the project needs; their dependencies come with them, from the lock.
KERNEL_PACKAGES = ("micropip", "piplite", "ipykernel", "comm", "pyodide-kernel", "jedi", "ipython")
# What a notebook's cells need in the page: the project's lock entry depends on these alone.
# Its other dependencies serve the terminal (rich) and the lesson sources (Jupytext,
# whose dependencies are not all pure Python): a notebook's cells never import them.
PROJECT_NEEDS = ("tqdm", "graphviz")

# Pure wheels from PyPI that Pyodide's lock does not list: name -> version.
NOT_IN_LOCK = {"comm": "0.2.3", "graphviz": "0.21"}

# Wheels that jupyterlite-pyodide-kernel ships itself (its labextension's pypi folder).
FROM_THE_KERNEL = ("piplite", "pyodide-kernel", "ipykernel")
