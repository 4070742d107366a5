"""build_site(DIR): the lessons as a static JupyterLite site, Python running in the page.

What DIR holds once built:
  - index.html: the landing page, in French and English (landing.py);
  - lab/index.html?path=lesson07_fr.ipynb: JupyterLite, opening French lesson 7;
  - files/: every lesson in both languages, as `python -m lessons N --notebook` writes it;
  - static/pyodide/: Python compiled to WebAssembly, and every wheel it loads,
    the project's own built from this working tree (pyodide_files.py);
  - shared/viz-global.js: the one copy of viz.js every drawing of the site loads.

Every version is pinned (pins.py and the `site` extra), and the site asks for
nothing outside the host that serves it.
"""

from __future__ import annotations

import importlib.metadata
import json
import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path
from string import Template

from autograd.browser import VIZ_JS_URL_VARIABLE
from lessons import all_lessons
from lessons.notebook import write_notebook
from lessons.site.landing import write_landing_page
from lessons.site.pins import KERNEL_PACKAGES
from lessons.site.pyodide_files import SiteError, download_wheels, run, write_pyodide
from lessons.texts import languages

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # the working tree: pyproject.toml is there
PROJECT_PARTS = ("autograd", "model", "lessons", "pyproject.toml", "README.md", "LICENSE")
KERNEL_DISTRIBUTION = "jupyterlite-pyodide-kernel"
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
SHARED_VIZ_JS = "shared/viz-global.js"  # in DIR
# As the drawings' frames see it: they are written into a page one folder down (lab/, notebooks/).
VIZ_JS_FROM_A_NOTEBOOK = "../" + SHARED_VIZ_JS
NOTEBOOK_APPS = ("lab", "notebooks")  # JupyterLite's pages that show notebooks
DEFAULT_CACHE = Path.home() / ".cache" / "minillm-autograd" / "site"
SITE_MARK = "jupyter-lite.json"  # a folder holding it was built here: it may be built over


def build_site(folder: str | Path, cache: str | Path = DEFAULT_CACHE) -> Path:
    """Build the site into `folder` (made, or replaced if it holds an older site); return it.

    `cache` keeps what was downloaded (Pyodide's core, the wheels) for the next build.
    """
    folder, cache = Path(folder).resolve(), Path(cache)
    require_site_extra()
    if folder.exists() and not folder.is_dir():
        raise SiteError(f"{folder} is a file: give the site a folder (new or empty)")
    if folder.exists() and any(folder.iterdir()) and not (folder / SITE_MARK).exists():
        raise SiteError(
            f"{folder} is not empty and holds no site built before: choose a new or empty "
            "folder, so that nothing of yours is overwritten"
        )
    with tempfile.TemporaryDirectory(prefix="minillm-site-") as work:
        work = Path(work)
        content = write_notebooks(work / "content")
        lite = work / "lite"
        write_pyodide(lite / "static" / "pyodide", project_wheel(work), kernel_wheels(), cache)
        write_lite_settings(lite)
        shutil.rmtree(folder, ignore_errors=True)
        run([sys.executable, "-m", "jupyterlite_core", "build", "--lite-dir", str(lite),
             "--contents", str(content), "--output-dir", str(folder), "--no-sourcemaps",
             "--ignore-sys-prefix",  # only the kernel's extension, whatever else is installed
             f"--LiteBuildConfig.federated_extensions={kernel_extension(cache)}"],
            cwd=work)  # fmt: skip
    share_viz_js(folder)
    write_landing_page(folder / "index.html")
    (folder / ".nojekyll").touch()  # GitHub Pages: serve every file as it is, _underscored too
    return folder


FETCH_VIZ_JS_EARLY = Template("""\
<script>
  // The drawings' viz.js, fetched through the service worker as soon as it serves this
  // page, which keeps it: the first drawing finds it even if the network is gone by then.
  (() => {
    const fetchIt = () => fetch("$url").catch(() => {});
    const workers = navigator.serviceWorker;
    if (workers?.controller) fetchIt();
    else workers?.addEventListener("controllerchange", fetchIt, { once: true });
  })();
</script>
  </head>""").substitute(url=VIZ_JS_FROM_A_NOTEBOOK)


def share_viz_js(folder: Path) -> None:
    """Put the site's one viz.js in place, and have the notebook pages fetch it as they load."""
    viz = resources.files("autograd.drawing").joinpath("vendor/viz-global.js").read_bytes()
    (folder / SHARED_VIZ_JS).parent.mkdir(parents=True, exist_ok=True)
    (folder / SHARED_VIZ_JS).write_bytes(viz)
    for app in NOTEBOOK_APPS:
        page = folder / app / "index.html"
        source = page.read_text(encoding="utf-8")
        if source.count("</head>") != 1:
            raise SiteError(f"{page} has not one </head>: JupyterLite's pages have changed")
        page.write_text(source.replace("</head>", FETCH_VIZ_JS_EARLY), encoding="utf-8")


def require_site_extra() -> None:
    """Stop with how to install them when JupyterLite's build tools are missing."""
    try:
        import jupyter_server  # noqa: F401  (JupyterLite needs it to add our notebooks)
        import jupyterlite_core  # noqa: F401
        import jupyterlite_pyodide_kernel  # noqa: F401
    except ImportError as missing:
        raise SiteError(
            f"building the site needs {missing.name}, from the `site` extra: "
            "pip install -e '.[site]'"
        ) from None


def write_notebooks(folder: Path) -> Path:
    """Every lesson's notebook in every language, as `python -m lessons --notebook` writes them."""
    for lang in languages():
        for number in all_lessons():
            write_notebook(number, lang, folder)
    return folder


def project_wheel(work: Path) -> Path:
    """The project's wheel, built from a copy of the working tree (which stays untouched)."""
    if not (PROJECT_ROOT / "pyproject.toml").exists():
        raise SiteError(
            f"the site is built from the project's source, and {PROJECT_ROOT} has no "
            "pyproject.toml: build it from a clone (pip install -e '.[site]')"
        )
    source = work / "source"
    for part in PROJECT_PARTS:
        path = PROJECT_ROOT / part
        if path.is_dir():
            shutil.copytree(path, source / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / part)
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir",
         str(work / "wheel"), str(source)])  # fmt: skip
    (wheel,) = (work / "wheel").glob("*.whl")
    return wheel


def kernel_extension(cache: Path) -> Path:
    """jupyterlite-pyodide-kernel's wheel: its JupyterLab extension is the kernel's page side.

    The version installed (pinned by the `site` extra), downloaded once from PyPI.
    """
    version = importlib.metadata.version(KERNEL_DISTRIBUTION)
    return download_wheels({KERNEL_DISTRIBUTION: version}, cache, python=None)[KERNEL_DISTRIBUTION]


def kernel_wheels() -> Path:
    """The folder of the wheels jupyterlite-pyodide-kernel ships (its kernel, piplite...)."""
    for root in map(Path, {sys.prefix, sys.base_prefix}):
        folder = root / "share/jupyter/labextensions" / KERNEL_PLUGIN.split(":")[0] / "static/pypi"
        if folder.is_dir():
            return folder
    raise SiteError("jupyterlite-pyodide-kernel's wheels are missing: pip install -e '.[site]'")


def write_lite_settings(lite: Path) -> None:
    """JupyterLite's settings: the kernel offline and ready at once, notebooks not windowed,
    and what the pages loaded kept by the service worker for when the network is gone.

    disablePyPIFallback: never ask PyPI. packages: what the kernel loads at start,
    all from our lock. env: where the drawings find the shared viz.js. Windowing
    off keeps the drawings' frames from being rebuilt (and redrawn) on scroll.
    """
    kernel = {
        "disablePyPIFallback": True,
        "loadPyodideOptions": {
            "packages": list(KERNEL_PACKAGES),
            "env": {VIZ_JS_URL_VARIABLE: VIZ_JS_FROM_A_NOTEBOOK},
        },
    }
    config = {"jupyter-lite-schema-version": 0, "jupyter-config-data": {
        "litePluginSettings": {KERNEL_PLUGIN: kernel},
        "enableServiceWorkerCache": True,  # what was loaded once is there without a network
    }}  # fmt: skip
    overrides = {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}
    lite.mkdir(parents=True, exist_ok=True)
    (lite / "jupyter-lite.json").write_text(json.dumps(config, indent=1), "utf-8")
    (lite / "overrides.json").write_text(json.dumps(overrides, indent=1), "utf-8")


def site_size(folder: Path) -> int:
    """How many bytes the site weighs (every file under `folder`)."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


__all__ = ["SiteError", "build_site", "site_size"]
