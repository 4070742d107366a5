"""Pictures in the terminal: line charts, bars, tables, and small graphs as formulas.

They need nothing but print(), so every lesson can show its figures anywhere.
"""

from collections.abc import Callable, Sequence
from itertools import zip_longest
from typing import Any

from autograd import Value, topological_order

# ---------------------------------------------------------------------------- pictures in text


MARKS = "*o+x#"  # one mark per curve of a line chart
EIGHTHS = " ▏▎▍▌▋▊▉█"  # a bar's last character, to an eighth of a character


def resample(values: Sequence[float], width: int) -> list[float]:
    """`width` points: the means of equal slices of `values` (or `values` if shorter)."""
    n = len(values)
    if n <= width:
        return [float(v) for v in values]
    return [
        sum(values[n * i // width : n * (i + 1) // width]) / (n * (i + 1) // width - n * i // width)
        for i in range(width)
    ]


def short(x: float) -> str:
    """A number for an axis label: 2 decimals, or powers of ten when it is huge."""
    return f"{x:.2f}" if abs(x) < 1e5 else f"{x:.2e}"


def line_chart(
    series: dict[str, Sequence[float]], width: int = 60, height: int = 12,
    fmt: str | Callable[[float], str] | None = None,
) -> str:  # fmt: skip
    """A chart of one or more curves in characters, for the terminal (* for the first curve).

    `fmt` writes the axis labels: a format string such as "{:.1f}", or a function;
    by default 2 decimals, or 1.73e+176.
    """
    label = (fmt.format if isinstance(fmt, str) else fmt) if fmt else short
    columns = {name: resample(values, width) for name, values in series.items() if values}
    if not columns:
        return ""
    points = [v for values in columns.values() for v in values]
    low, high = min(points), max(points)
    if high - low < 1e-12:
        low, high = low - 0.5, high + 0.5
    span = width  # a curve with fewer points than columns is stretched
    grid = [[" "] * span for _ in range(height)]
    for mark, values in zip(MARKS, columns.values()):
        stretch = span / len(values)
        for i, v in enumerate(values):
            row = round((high - v) / (high - low) * (height - 1))
            for x in range(int(i * stretch), max(int(i * stretch) + 1, int((i + 1) * stretch))):
                grid[row][x] = mark
    labels = {0: label(high), height // 2: label((high + low) / 2), height - 1: label(low)}
    pad = max(len(text) for text in labels.values())
    lines = [
        f"{labels.get(r, ''):>{pad}} {'┤' if r in labels else '│'}{''.join(row)}"
        for r, row in enumerate(grid)
    ]
    lines.append(" " * pad + " └" + "─" * span)
    if len(columns) > 1:
        legend = "   ".join(f"{mark} {name}" for mark, name in zip(MARKS, columns))
        lines.append(" " * (pad + 2) + legend)
    return "\n".join(lines)


def bar_chart(
    rows: Sequence[tuple[str, float]],
    width: int = 30,
    fmt: str | Callable[[float], str] = "{:.1%}",
    marks: dict[int, str] | None = None,
) -> str:
    """Horizontal bars, the longest one `width` characters; `marks` adds a note to some rows.

    `fmt` writes each value: a format string, or a function such as Context.number.
    """
    write = fmt.format if isinstance(fmt, str) else fmt
    if not rows:
        return ""
    top = max(v for _, v in rows) or 1.0
    pad = max(len(label) for label, _ in rows)
    lines = []
    for i, (label, value) in enumerate(rows):
        eighths = max(0, round(value / top * width * 8))
        bar = "█" * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")
        note = f"  {marks[i]}" if marks and i in marks else ""
        lines.append(f"  {label:>{pad}} │{bar:<{width}} {write(value)}{note}")
    return "\n".join(lines)


def table(
    header: Sequence[str], rows: Sequence[Sequence[Any]],
    number: Callable[[float], str] | None = None,
) -> str:  # fmt: skip
    """Columns aligned: text to the left, numbers to the right.

    `number` writes the numbers (e.g. Context.cell, the language's way); by default
    6 significant digits.
    """
    cells = [[str(h) for h in header]] + [[_cell(x, number) for x in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    numeric = [all(isinstance(row[i], (int, float)) for row in rows) for i in range(len(header))]

    def line(row: list[str]) -> str:
        return (
            "  "
            + "  ".join(
                c.rjust(w) if num else c.ljust(w) for c, w, num in zip(row, widths, numeric)
            ).rstrip()
        )

    rule = "  " + "  ".join("─" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def side_by_side(left: Sequence[str], right: Sequence[str], titles: tuple[str, str]) -> str:
    """Two columns of lines (code, say), each under its title, the left one padded."""
    rows = [titles, ("─" * len(titles[0]), "─" * len(titles[1])), *zip_longest(left, right)]
    width = max(len(row[0] or "") for row in rows)
    return "\n".join(f"  {row[0] or '':<{width}}  │  {row[1] or ''}".rstrip() for row in rows)


def equations(rows: Sequence[tuple[str, str] | tuple[str, str, str]]) -> str:
    """Lines "left = right   (note)", the = signs one under the other."""
    pad = max(len(row[0]) for row in rows)
    return "\n".join(
        f"  {row[0]:<{pad}} = {row[1]}" + (f"    ({row[2]})" if len(row) > 2 and row[2] else "")
        for row in rows
    )


def _cell(x: Any, number: Callable[[float], str] | None = None) -> str:
    if isinstance(x, bool):
        return "✓" if x else "✗"
    if number is not None and isinstance(x, (int, float)):
        return number(x)
    if isinstance(x, float):
        return f"{x + 0.0:.6g}"  # + 0.0 turns -0.0 into 0.0
    return str(x)


def smooth(losses: Sequence[float], points: int = 60) -> tuple[list[float], list[float]]:
    """A noisy loss per position as `points` means: (position at each mean's middle, mean)."""
    n = len(losses)
    k = max(1, n // points)
    xs, ys = [], []
    for start in range(0, n - k + 1, k):
        xs.append(start + k / 2)
        ys.append(sum(losses[start : start + k]) / k)
    return xs, ys


# ---------------------------------------------------------------------------- small graphs


def named(value: Value, label: str) -> Value:
    """Give a computed Value a name, so that printouts and drawings can say "p1"."""
    value.label = label
    return value


def formulas(root: Value, number: Callable[[float], str] | None = None) -> str:
    """Each computed value of the graph, inputs first, as a line: "p1 = w1 * x1 = 1.2".

    `number` writes the results (e.g. the lesson's language: 1,2); by default 6 digits.
    """
    write = number or (lambda x: f"{x:.6g}")
    lines = []
    for node in topological_order(root):
        if not node.children:
            continue
        names = [child.label or f"{child.data:g}" for child in node.children]
        if node.op in ("+", "*"):
            expression = f" {node.op} ".join(names)
        elif node.op == "**":
            expression = f"{names[0]} ** {node.exponent:g}"
        elif node.op == "dot":
            half = len(names) // 2
            expression = f"dot([{', '.join(names[:half])}], [{', '.join(names[half:])}])"
        else:
            expression = f"{node.op}({names[0]})"
        lines.append(f"  {node.label or '?'} = {expression} = {write(node.data)}")
    return "\n".join(lines)
