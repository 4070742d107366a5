"""number(): a number written the lesson's way, 0.25 in English and 0,25 in French."""

from __future__ import annotations

from lessons.kit.session import current


def number(x: float, spec: str = ".4g") -> str:
    """format(x, spec) in the lesson's language (4 significant digits unless told)."""
    return current("number").text.number(x, spec)
