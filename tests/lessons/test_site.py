"""The course in the browser (python -m lessons --site DIR), tested in real headless Chromium.

The site is built once, served on 127.0.0.1 under a sub-path (as GitHub Pages
serves a project) to a Chromium whose network is cut but for 127.0.0.1, and which
records the requests of every page, worker and service worker (tests/jupyterlite.py).
A learner's path: the landing page, then French lesson 7 and English lesson 9 run
to their end in JupyterLite, the guesses typed in the page's input box.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from autograd.browser import VIZ_JS_URL_VARIABLE
from lessons import all_lessons
from lessons.__main__ import main as lessons_main
from lessons.kit.source import title
from lessons.site import SiteError, build_site, site_size
from lessons.site.build import SHARED_VIZ_JS
from lessons.texts import Text
from tests.browser import Chromium
from tests.jupyterlite import (
    OFFLINE,
    SUB_PATH,
    drawn_frames,
    expose_app,
    open_lesson,
    printed,
    run_all,
    run_code,
    serve,
)

VIZ_JS_BYTES = 1_000_000  # viz.js weighs 1.3 MB: an output this big would carry its own copy


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site, built once, in www/course/ (served from www/)."""
    www = tmp_path_factory.mktemp("www")
    start = time.monotonic()
    folder = build_site(www / SUB_PATH)
    print(f"\nsite built in {time.monotonic() - start:.0f} s, {site_size(folder) / 1e6:.1f} MB")
    expose_app(folder)  # lets the test run the notebook's commands (window.jupyterapp)
    return folder


@pytest.fixture(scope="module")
def web(site, tmp_path_factory):
    """Chromium offline but for 127.0.0.1, watching every request; the site's server."""
    with serve(site.parent) as (base, asked):
        browser = Chromium(tmp_path_factory.mktemp("profile"), flags=[OFFLINE])
        try:
            browser.watch_every_request()
            yield browser, base, asked
        finally:
            browser.close()


def local_only(browser: Chromium) -> list[str]:
    """Every request a page, a worker or the service worker made over the network was for
    127.0.0.1, where the site is served (chrome://, data: and blob: addresses stay in the
    browser); returns them all."""
    urls = browser.requested_urls()
    network = [url for url in urls if urlsplit(url).scheme in ("http", "https", "ws", "wss")]
    elsewhere = [url for url in network if urlsplit(url).hostname != "127.0.0.1"]
    assert elsewhere == []
    return urls


# ---------------------------------------------------------------------------- the lessons


def errors_in(state: dict) -> list[dict]:
    """The error outputs of the notebook's cells."""
    return [o for out in state["outputs"] for o in out if o["output_type"] == "error"]


def html_outputs(state: dict) -> list[str]:
    """The HTML of every output the cells showed (boxes, drawings, players)."""
    shown = [o["data"]["text/html"] for out in state["outputs"] for o in out
             if "text/html" in o.get("data", {})]  # fmt: skip
    return ["".join(html) if isinstance(html, list) else html for html in shown]


def green_boxes(state: dict) -> list[str]:
    """The HTML of each exercise box the cells showed that says the exercise is done."""
    return [box for box in html_outputs(state) if "lesson-check" in box and "#d4edda" in box]


def test_french_lesson_7_runs_to_its_end_with_the_network_gone_once_loaded(site, web):
    """The learner opens the lesson and Python gets ready; then the server is gone (the
    network cut): the lesson still runs to its end, guesses, boxes, drawings, the player,
    and its progress is kept in the browser's storage."""
    browser, _, _ = web
    with serve(site.parent) as (base, asked):  # a server of its own, stopped once loaded
        tab, ready = open_lesson(browser, base, 7, "fr")
    state = run_all(tab, ["-1", "0", "c"])  # a bias that switches off, the sum, the letter
    print(f"\nPython ready in {ready:.1f} s; lesson 7 ran in {state['seconds']:.1f} s")
    text = printed(state)
    assert errors_in(state) == [], text[-3000:]
    assert state["typed"] == ["-1", "0", "c"]  # three guesses waited in the input box
    boxes = green_boxes(state)
    label = Text("common", "fr")
    for number in (1, 2, 3):
        assert any(label("exercise_label", number=number) in box for box in boxes), boxes
    assert "🟩🟩🟩" in boxes[-1]  # the progress bar, every exercise done
    assert "apt-get" not in text and "brew" not in text  # no program to install in a browser
    frames = drawn_frames(tab, at_least=2)  # the neuron's drawing and its player
    assert frames.count("drawn") >= 2
    player = tab.evaluate(
        """[...document.querySelectorAll(".jp-OutputArea-output iframe")]
          .some((f) => f.contentDocument?.querySelector("#counter"))"""
    )
    assert player  # the backprop player, with its step counter
    progress = tab.evaluate(
        "jupyterapp.serviceManager.contents.get('lesson_output/progress.json',"
        " {content: true, type: 'file', format: 'text'}).then((m) => m.content)"
    )
    assert json.loads(progress)["lesson07"]["done"] == [1, 2, 3]  # kept in the browser's storage
    assert f"/{SUB_PATH}/{SHARED_VIZ_JS}" in asked  # the drawings load the site's one viz.js...
    html_sizes = [len(html) for html in html_outputs(state)]
    assert html_sizes and max(html_sizes) < VIZ_JS_BYTES  # ...and carry no copy of their own
    urls = local_only(browser)
    assert any(url.endswith("/pyodide.asm.wasm") for url in urls)  # Python's worker was watched
    assert any("/minillm_autograd-" in url for url in urls)  # the project, loaded by its import


@pytest.fixture(scope="module")
def lesson_9(web):
    """English lesson 9, run to its end in JupyterLite: its tab and the notebook's state."""
    browser, base, _ = web
    tab, _ = open_lesson(browser, base, 9, "en")
    answer = str(107 + 33 * len(".pik"))  # the dot nodes of the default window (test_lesson09)
    state = run_all(tab, [answer])
    print(f"\nlesson 9 ran in {state['seconds']:.1f} s")
    return tab, state, answer


def test_english_lesson_9_runs_with_its_guess_and_drawings(web, lesson_9):
    browser, _, _ = web
    tab, state, answer = lesson_9
    assert errors_in(state) == [], printed(state)[-3000:]
    assert state["typed"] == [answer]
    label = Text("common", "en")("exercise_label", number=2)
    assert any(label in box for box in green_boxes(state))
    frames = drawn_frames(tab, at_least=3)  # two drawings and the player
    assert frames.count("drawn") >= 3
    local_only(browser)


def test_in_the_page_checkpoints_lock_and_progress_bars_start_no_thread(lesson_9):
    """Pyodide's fcntl has no flock and it cannot start threads: the training still runs,
    its checkpoint lock steps aside and tqdm's bar shows without a warning."""
    tab, _, _ = lesson_9
    printed_there = run_code(
        tab,
        "import warnings\n"
        "from model.training.run_lock import lock_checkpoint\n"
        "from model.training.train import tqdm\n"
        "with lock_checkpoint('lesson_output/try.ckpt.json') as lock:\n"
        "    print('locked', lock.name)\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    bar = tqdm(total=3, desc='epoch 1/1')\n"
        "    bar.update(3)\n"
        "    bar.close()\n"
        "print('warnings', [str(w.message) for w in caught])\n",
    )
    assert "locked .try.ckpt.json.lock" in printed_there, printed_there
    assert "epoch 1/1: 100%" in printed_there  # the bar, on stderr, as in a terminal
    assert "warnings []" in printed_there, printed_there


# ---------------------------------------------------------------------------- the landing page


def test_the_landing_page_lists_every_lesson_in_both_languages_and_opens_them(web):
    browser, base, _ = web
    tab = browser.open(f"{base}/{SUB_PATH}/index.html")
    tab.wait_for("document.body.dataset.problem !== undefined")
    assert tab.evaluate("document.body.dataset.problem") == ""  # this browser can run them
    links = tab.evaluate("[...document.querySelectorAll('a')].map((a) => a.href)")
    for lang in ("fr", "en"):
        for number in all_lessons():
            url = f"{base}/{SUB_PATH}/lab/index.html?path=lesson{number:02d}_{lang}.ipynb"
            assert url in links
    words = tab.evaluate("document.body.innerText")
    assert title(7, "fr") in words and title(9, "en") in words
    assert "stockage de ce navigateur" in words and "this browser's storage" in words
    local_only(browser)


@pytest.mark.parametrize(
    ("take_away", "problem", "words"),
    [
        ("delete window.WebAssembly;", "no_webassembly", "WebAssembly"),
        ("delete Navigator.prototype.serviceWorker;", "no_service_worker", "service worker"),
    ],
)
def test_the_landing_page_says_what_to_do_when_the_browser_cannot(web, take_away, problem, words):
    browser, base, _ = web
    tab = browser.open(f"{base}/{SUB_PATH}/index.html", before_load=take_away)
    tab.wait_for("document.body.dataset.problem !== undefined")
    assert tab.evaluate("document.body.dataset.problem") == problem
    shown = tab.evaluate("document.querySelector('.problem:not([hidden])').innerText")
    assert words in shown and "Chrome" in shown  # in French and English, with what to use
    assert tab.evaluate("document.querySelectorAll('.problem:not([hidden])').length") == 1


# ---------------------------------------------------------------------------- what is served


def test_every_wheel_python_may_load_is_served_with_the_checksum_the_lock_gives(site):
    pyodide = site / "static" / "pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text(encoding="utf-8"))
    for entry in lock["packages"].values():
        wheel = pyodide / entry["file_name"]
        assert hashlib.sha256(wheel.read_bytes()).hexdigest() == entry["sha256"], wheel.name
    project = lock["packages"]["minillm-autograd"]
    assert project["imports"] == ["autograd", "lessons", "model"]
    assert set(project["depends"]) == {"graphviz", "tqdm"}
    settings = json.loads((site / "jupyter-lite.json").read_text(encoding="utf-8"))
    kernel = settings["jupyter-config-data"]["litePluginSettings"][
        "@jupyterlite/pyodide-kernel-extension:kernel"
    ]
    assert kernel["disablePyPIFallback"] is True
    assert kernel["loadPyodideOptions"]["env"][VIZ_JS_URL_VARIABLE] == "../" + SHARED_VIZ_JS
    assert (site / SHARED_VIZ_JS).stat().st_size > VIZ_JS_BYTES
    assert (site / ".nojekyll").exists()  # GitHub Pages serves the files as they are
    for lang in ("fr", "en"):
        for number in all_lessons():
            assert (site / "files" / f"lesson{number:02d}_{lang}.ipynb").exists()


def test_a_folder_with_other_files_is_never_built_over(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SiteError, match="not empty"):
        build_site(tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_the_command_says_what_is_wrong_and_builds_nothing_over_other_files(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert lessons_main(["--site", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert lessons_main(["--site"]) == 2  # no folder given: argparse says so
    assert "expected one argument" in capsys.readouterr().err


def test_the_readme_says_in_its_first_lines_how_to_build_and_publish_the_site():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    first_lines = "\n".join(readme.splitlines()[:25])
    assert "runs in the browser" in first_lines
    assert "python -m lessons --site site" in first_lines
    assert "GitHub Pages" in first_lines and "http.server" in first_lines


def test_the_benchmark_weighs_every_part_of_the_site(site):
    sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
    try:
        import bench_site
    finally:
        sys.path.pop(0)
    sizes = bench_site.weights(site)
    assert sizes["total"] == site_size(site)
    parts = [size for name, size in sizes.items() if name != "total"]
    assert sum(parts) == sizes["total"] and all(size > 0 for size in parts)
    assert sizes["viz.js (one shared copy)"] == (site / SHARED_VIZ_JS).stat().st_size
