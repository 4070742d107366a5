"""A user's text, shown as written and never read as code or markup.

Labels and scope names are the user's strings, and they are written into places
where some characters mean something: a line break ends a `#` comment of the code
autograd.jit generates (the rest would run), a NUL ends DOT's text early, a line
separator splits a box. visible() writes every such character as its Python
escape, so what was written is what is shown: "a\\nb" is shown as a\\nb.
"""

from __future__ import annotations

import unicodedata


def visible(text: str) -> str:
    """`text` with NUL, line breaks and every other invisible character as escapes (\\x00, \\n)."""
    return "".join(c if _shown(c) else repr(c)[1:-1] for c in text)


def _shown(c: str) -> bool:
    """Printable, or a space of another width (French writes 2\u202f400): a space, not a break."""
    return c.isprintable() or unicodedata.category(c) == "Zs"
