"""The site's landing page: every lesson in French and English, a link that opens each one.

Its words are in lessons/site/text/<lang>.txt; the lessons' titles come from the
lessons' own sources. A few lines of JavaScript check, before a learner clicks, that
the browser can run the notebooks (WebAssembly, a service worker), and else say
what to do in both languages.
"""

from __future__ import annotations

import html
from pathlib import Path

from lessons import all_lessons
from lessons.kit.source import title
from lessons.texts import languages, parse_text

TEXT_DIR = Path(__file__).parent / "text"
PROBLEMS = ("no_service_worker", "no_webassembly")  # what the page can find wrong

CHECK_THE_BROWSER = """\
<script>
// Python runs in WebAssembly; the notebooks save files and ask guesses through a
// service worker (blocked in some private windows, by some policies, and off https).
function problemFound() {
  if (typeof WebAssembly !== "object") return Promise.resolve("no_webassembly");
  if (!window.isSecureContext || !("serviceWorker" in navigator)) {
    return Promise.resolve("no_service_worker");
  }
  return navigator.serviceWorker.getRegistrations().then(() => "", () => "no_service_worker");
}
problemFound().then((problem) => {
  document.body.dataset.problem = problem;  // "" when all is well (the tests read it)
  for (const box of document.querySelectorAll("[data-problem]")) {
    box.hidden = box.dataset.problem !== problem;
  }
});
</script>"""

PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>minillm-autograd: le cours dans ton navigateur / the course in your browser</title>
<!-- JupyterLite finds its root (and its settings, jupyter-lite.json) by this element. -->
<script id="jupyter-config-data" type="application/json" data-jupyter-lite-root=".">{{}}</script>
<style>
body {{ font-family: sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.45; }}
.problem {{ border: 2px solid #c0392b; background: #fdecea; padding: 0.6rem 1rem; }}
li {{ margin: 0.4rem 0; }}
</style>
</head>
<body>
<h1>minillm-autograd</h1>
<p>Le cours « construire son mini-LLM », suite de la leçon 6, dans ton navigateur.<br>
<span lang="en">The course "build your own mini-LLM", after lesson 6, in your browser.</span></p>
{problems}
{sections}
{check}
</body>
</html>
"""


def site_text(lang: str) -> dict[str, str]:
    """The landing page's texts in `lang` (lessons/site/text/<lang>.txt)."""
    path = TEXT_DIR / f"{lang}.txt"
    return parse_text(path.read_text(encoding="utf-8"), origin=str(path))


def lesson_link(number: int, lang: str) -> str:
    """The address, from the landing page, that opens lesson `number` in JupyterLite."""
    return f"lab/index.html?path=lesson{number:02d}_{lang}.ipynb"


def section(lang: str) -> str:
    """One language's part of the page: how to use it, where things are kept, the lessons."""
    words = site_text(lang)
    items = []
    for number in all_lessons():
        link, what = lesson_link(number, lang), words[f"lesson{number:02d}"]
        items.append(
            f'<li><a href="{html.escape(link)}">{number}. {html.escape(title(number, lang))}</a>'
            f" — {html.escape(what)}</li>"
        )
    return (
        f'<section lang="{lang}" id="lessons-{lang}">\n<h2>{html.escape(words["heading"])}</h2>\n'
        f"<p>{html.escape(words['intro'])}</p>\n<p>{html.escape(words['storage'])}</p>\n"
        "<ul>\n" + "\n".join(items) + "\n</ul>\n</section>"
    )


def problem_boxes() -> str:
    """One hidden box per problem, its sentence in every language; the script shows one."""
    boxes = []
    for problem in PROBLEMS:
        sentences = "".join(
            f'<p lang="{lang}">{html.escape(site_text(lang)[problem])}</p>' for lang in languages()
        )
        boxes.append(f'<div class="problem" data-problem="{problem}" hidden>{sentences}</div>')
    return "\n".join(boxes)


def landing_page() -> str:
    """The whole page, French first (the course is French), then English."""
    order = sorted(languages(), key=lambda lang: lang != "fr")
    return PAGE.format(
        problems=problem_boxes(), sections="\n".join(map(section, order)), check=CHECK_THE_BROWSER
    )


def write_landing_page(path: Path) -> Path:
    """Write the landing page at `path` (DIR/index.html) and return it."""
    path.write_text(landing_page(), encoding="utf-8")
    return path
