"""check(): an exercise's outcome, as the course shows it.

In Jupyter, an HTML box: green with the progress bar n/N when it is done, yellow
with a hint (that never holds the answer) when not. In a terminal, the same as a
coloured line. Exercises done are kept in the progress file (lessons/progress.py).
"""

from __future__ import annotations

import html

from lessons import progress
from lessons.kit.session import current, in_notebook

GREEN = "padding:10px;background:#d4edda;border-left:4px solid #28a745;color:#155724"
YELLOW = "padding:10px;background:#fff3cd;border-left:4px solid #ffc107;color:#856404"
TROPHY = "padding:12px;background:#6f42c1;color:white;text-align:center;font-size:1.1em"
BOX = "margin:8px 0;border-radius:4px;font-family:sans-serif"


def check(number: int, done: bool, message: str, hint: str) -> None:
    """Exercise `number`: `message` when `done`, else `hint` (nothing returned: no Out[] line)."""
    session = current("check")
    if not 1 <= number <= session.total:
        count = session.total
        raise ValueError(f"lesson {session.number} has exercises 1 to {count}: not {number}")
    first_time_all = False
    if done:
        before = len(session.done)
        session.done |= progress.exercises_done(session.out, session.name) | {number}
        progress.record(session.out, session.name, session.done, session.total)
        first_time_all = len(session.done) == session.total and before < session.total
    label = session.text("exercise_label", number=number)
    n = len(session.done)
    bar = "🟩" * n + "⬜" * (session.total - n)
    progress_line = session.text("progress", bar=bar, done=n, total=session.total)
    trophy = session.text("all_done") if first_time_all else ""
    if in_notebook():
        _show_box(label, message if done else hint, progress_line if done else "", trophy, done)
    else:
        _print_line(label, message if done else hint, progress_line if done else "", trophy, done)


def _show_box(label: str, message: str, progress_line: str, trophy: str, done: bool) -> None:
    from IPython.display import HTML, display

    mark, style = ("✅", GREEN) if done else ("💡", YELLOW)
    body = f"{mark} <b>{html.escape(label)}</b> {html.escape(message)}"
    if progress_line:
        body += f'<br><span style="color:#555">{html.escape(progress_line)}</span>'
    box = f'<div class="lesson-check" style="{style};{BOX}">{body}</div>'
    if trophy:
        cup = f"🏆 <b>{html.escape(trophy)}</b>"
        box += f'<div class="lesson-trophy" style="{TROPHY};{BOX}">{cup}</div>'
    display(HTML(box))


def _print_line(label: str, message: str, progress_line: str, trophy: str, done: bool) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False)
    colour, mark = ("green", "✅") if done else ("yellow", "💡")
    console.print(f"[{colour}]{mark} [bold]{escape(label)}[/bold] {escape(message)}[/{colour}]")
    if progress_line:
        console.print("   " + escape(progress_line))
    if trophy:
        console.print(f"[bold magenta]🏆 {escape(trophy)}[/bold magenta]")
