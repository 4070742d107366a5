"""A drawing inline in a notebook: as wide as the output area at most, full size on a click.

A graph's SVG can be thousands of pixels wide (lesson 9's scopes: 3,905 px in an
output 1,170 px wide). Shown as an image with max-width 100%, it shrinks to the
output's width; a click toggles its natural size, and the output scrolls.
"""

from __future__ import annotations

import base64
import html

from autograd.drawing.language import words

# The one line of script: a click switches between "fits the output" and "full size".
_TOGGLE = (
    "const full = this.style.maxWidth === 'none';"
    "this.style.maxWidth = full ? '100%' : 'none';"
    "this.style.cursor = full ? 'zoom-in' : 'zoom-out';"
)


def inline_svg(svg: str, lang: str = "en") -> str:
    """HTML that shows `svg` no wider than its container; a click shows it full size."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    hint = html.escape(words(lang)("zoom_hint"), quote=True)
    return (
        '<div class="autograd-drawing" style="max-width: 100%; overflow-x: auto">'
        f'<img src="data:image/svg+xml;base64,{data}" alt="{hint}" title="{hint}" '
        'style="max-width: 100%; height: auto; cursor: zoom-in" '
        f'onclick="{_TOGGLE}"></div>'
    )


class InlineSvg:
    """An SVG file's drawing, for IPython's display(): fitted to the notebook's output."""

    def __init__(self, svg: str, lang: str = "en") -> None:
        self.svg, self.lang = svg, lang

    def _repr_html_(self) -> str:
        return inline_svg(self.svg, self.lang)
