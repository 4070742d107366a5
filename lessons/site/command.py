"""python -m lessons --site DIR: build the browser site into DIR, and say how to open it."""

from __future__ import annotations

import argparse
import sys
import time

from lessons.site.build import DEFAULT_CACHE, build_site, site_size
from lessons.site.pyodide_files import SiteError


def main(argv: list[str]) -> int:
    """Build the site; 0 when built, 2 with a message saying what to do when it cannot be."""
    parser = argparse.ArgumentParser(
        prog="python -m lessons --site",
        description="Build the lessons as a static site where Python runs in the browser.",
    )
    parser.add_argument(
        "--site", required=True, metavar="DIR",
        help="the folder to build into (new, empty, or an older site)",
    )  # fmt: skip
    parser.add_argument(
        "--cache", default=str(DEFAULT_CACHE),
        help="where downloads are kept between builds (default: %(default)s)",
    )  # fmt: skip
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return 0 if exit_.code in (0, None) else 2
    start = time.perf_counter()
    try:
        folder = build_site(args.site, args.cache)
    except SiteError as err:
        print(f"python -m lessons --site: {err}", file=sys.stderr)
        return 2
    megabytes = site_size(folder) / 1e6
    print(f"site built in {folder} ({megabytes:.1f} MB, {time.perf_counter() - start:.0f} s)")
    print(f"try it: python -m http.server --directory {folder}, then open http://localhost:8000/")
    return 0
