"""Numbers as a learner reads them: 4 significant digits, in the language's own way.

One function writes them for every page and every language (lessons included),
so a grad reads the same in a drawing, in the player and in a lesson's text.
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"(-?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?([eE][-+]?\d+)?(%?)")


def short(x: float) -> str:
    """4 significant digits, written the way Python writes floats: 1.0, 0.5, 1e-08."""
    return repr(float(f"{x:.4g}"))


def write_number(formatted: str, thousands: str = ",", point: str = ".", percent: str = "%") -> str:
    """A number Python wrote ("-2832.50", "-0.000", "1.4e-17", "25.4%") written our way.

    The integer part is grouped by thousands, the decimal point is the language's,
    and a number that rounds to zero loses its minus sign: "-0" teaches nothing.
    """

    def rewrite(match: re.Match) -> str:
        sign, whole, decimals, exponent, percent_sign = match.groups()
        digits = whole.replace(",", "")
        if set(digits + (decimals or "").lstrip(".")) <= {"0"}:
            sign = ""  # -0.0 and -0.00e+00 are zero
        grouped = f"{int(digits):,}".replace(",", thousands)
        if exponent or digits.startswith("0"):
            grouped = digits  # 1.4e-17 has one digit; 07 (in lesson07.py) is padded
        text = grouped + (decimals or "").replace(".", point)
        return sign + text + (exponent or "") + (percent if percent_sign else "")

    return _NUMBER.sub(rewrite, formatted, count=1)
