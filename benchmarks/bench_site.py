"""What the browser site weighs, and how long Python takes to be ready in it (headless Chromium).

    python benchmarks/bench_site.py                  # build the site in a temporary folder
    python benchmarks/bench_site.py --site DIR       # measure a site built before
    python benchmarks/bench_site.py --rounds 3       # three fresh browsers (first visits)

For each round, a fresh Chromium (an empty cache: a learner's first visit) opens
French lesson 7 from a local server, network cut but for 127.0.0.1; we time:

- ready: from opening the page until the first cell ran (Pyodide, the kernel, the
  project's wheel: everything a learner waits for before the first cell runs);
- lesson 7: running all its cells, the three guesses answered as soon as asked.

It also reopens the lesson in the same browser (a second visit, from the browser's
cache). It prints figures and never asserts them. Chromium is driven by the tests'
DevTools driver (tests/browser.py, tests/jupyterlite.py).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.browser

from lessons.site import build_site, site_size
from tests.browser import Chromium
from tests.jupyterlite import OFFLINE, SUB_PATH, expose_app, open_lesson, run_all, serve

PARTS = {  # what weighs what, by folder of the site
    "Python (Pyodide's core)": ("static/pyodide/*.wasm", "static/pyodide/*.zip",
                                "static/pyodide/*.mjs", "static/pyodide/*.js"),
    "wheels (kernel, project, deps)": ("static/pyodide/*.whl",),
    "viz.js (one shared copy)": ("shared/*",),
    "notebooks": ("files/*.ipynb",),
}  # fmt: skip
LESSON_7_ANSWERS = ("-1", "0", "c")


def weights(site: Path) -> dict[str, int]:
    """Bytes per part of the site, the rest being JupyterLite itself, and the total."""
    sizes = {name: sum(p.stat().st_size for g in globs for p in site.glob(g))
             for name, globs in PARTS.items()}  # fmt: skip
    total = site_size(site)
    sizes["JupyterLite (the notebook interface)"] = total - sum(sizes.values())
    sizes["total"] = total
    return sizes


def one_round(www: Path, profile: Path) -> dict[str, float]:
    """A fresh browser: seconds until Python is ready, lesson 7's run, and a second visit."""
    with serve(www) as (base, _):
        browser = Chromium(profile, flags=[OFFLINE])
        try:
            tab, ready = open_lesson(browser, base, 7, "fr")
            run = run_all(tab, LESSON_7_ANSWERS)
            _, again = open_lesson(browser, base, 7, "fr")
        finally:
            browser.close()
    return {"ready_s": ready, "lesson7_s": run["seconds"], "ready_again_s": again}


def main(argv: Sequence[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", help="a site built before (else one is built in a temp folder)")
    parser.add_argument("--rounds", type=int, default=1, help="fresh browsers (default: 1)")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error(f"--rounds must be 1 or more, got {args.rounds}")
    with tempfile.TemporaryDirectory(prefix="bench-site-") as work:
        www = Path(work) / "www"
        site = www / SUB_PATH
        start = time.monotonic()
        if args.site:  # served under the sub-path, as the tests serve it: a copy we may adjust
            shutil.copytree(args.site, site)
        else:
            build_site(site)
        built_s = time.monotonic() - start
        expose_app(site)
        sizes = weights(site)
        print(f"# The browser site ({'copied' if args.site else 'built'} in {built_s:.0f} s)\n")
        for name, size in sizes.items():
            print(f"  {name:<38} {size / 1e6:6.1f} MB")
        rounds = [one_round(www, Path(work) / f"profile{i}") for i in range(args.rounds)]
    print("\n# In headless Chromium, network cut (first visit: an empty cache)\n")
    for key, label in (("ready_s", "Python ready (first cell ran)"),
                       ("lesson7_s", "lesson 7, all cells, 3 guesses"),
                       ("ready_again_s", "Python ready again (second visit)")):  # fmt: skip
        values = [r[key] for r in rounds]
        print(f"  {label:<38} {statistics.median(values):6.1f} s (median of {len(values)})")
    return {"sizes": sizes, "rounds": rounds}


if __name__ == "__main__":
    main()
