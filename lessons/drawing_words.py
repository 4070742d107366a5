"""Graph drawings in the lesson's language: their words and their numbers.

autograd draws in English ("values", "leaves", "data 0.5"); a lesson in French
rewrites the labels of the drawing before it is rendered, so that a learner
reads "valeurs", "feuilles" and "0,5" under the same boxes.
"""

import re
from typing import Any

from lessons.texts import Text

_LABEL = re.compile(r'label="([^"]*)"')
_NUMBER_IN_LABEL = re.compile(r"(?<![\w.\[])-?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\w\]])")


def in_my_language(drawing: Any, text: Text) -> None:
    """Translate a graph drawing's labels: its words ("values", "leaves") and its numbers.

    The words come from the text [picture_words], one "english = translation" a line;
    the numbers are written the language's way (2,400 or 2 400; 0.5 or 0,5).
    """
    words = dict(
        (part.strip() for part in line.split("=", 1))
        for line in text("picture_words").splitlines() if "=" in line
    )  # fmt: skip
    pattern = re.compile(
        "|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in sorted(words, key=len)[::-1])
    )

    def label(match: re.Match) -> str:
        inner = _NUMBER_IN_LABEL.sub(lambda m: text.write(m.group(0)), match.group(1))
        return (
            'label="' + (pattern.sub(lambda m: words[m.group(0)], inner) if words else inner) + '"'
        )

    drawing.body[:] = [_LABEL.sub(label, line) for line in drawing.body]
