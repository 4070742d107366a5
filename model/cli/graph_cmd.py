"""minillm graph: draw the autograd graph of one training position of the mini-LLM.

One position is one example: the letters the model sees (".pikachu") and the
letter it must guess ("."). Its loss is a graph of a few thousand Values (about
ten thousand with --pure), far too many to draw at once, so the command draws one
view of it: the steps of the forward pass as boxes, the values nearest the loss,
one attention score and what it came from, or one step in full.

build_position_graph() and draw_position() are what the command uses; lessons can
call them too.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from autograd import GraphvizNotFound, Value, draw, render, topological_order
from autograd.drawing.rendering import format_and_path
from model.autodiff import SCOPES, forward, to_values
from model.cli.weights import weights_and_config
from model.config import Config
from model.data import BOUNDARY, clean_name, count_positions, decode, examples
from model.helpers.checks import is_whole_number
from model.params import Params, config_of
from model.training.checkpoint import check_writable

if TYPE_CHECKING:
    import graphviz

# The weights are made before the forward pass, outside every scope of autodiff.SCOPES:
# drawings put them in the "(no scope)" box.
# What --scope accepts: every scope, and "attention" for its four parts together.
SCOPE_CHOICES = (SCOPES[0], "attention", *SCOPES[1:])
VIEWS = ("scopes", "near", "focus")
FORMATS = ("svg", "png", "html", "dot")
DEFAULT_WORD = "pikachu"
DEFAULT_OUT = "minillm-graph"  # in the current folder, with the format as suffix
SEE_MORE = "To see the rest: --view scopes, --view focus or --scope S."  # ends a cut's notice


class PositionGraph(NamedTuple):
    """The loss of one position, and what a drawing or a lesson needs to know about it."""

    loss: Value
    window: str  # the letters the model sees, e.g. ".pikachu"
    target: str  # the letter it must guess, e.g. "."
    scores: list[Value]  # the attention scores, one per letter of the window, in order


def check_word(word: str) -> str:
    """The word as the training names are cleaned (lower case, no accents), or a ValueError.

    The checkpoint was trained on such names, so any other character has no id.
    """
    cleaned = clean_name(word)
    if not cleaned:
        raise ValueError("the word is empty: give a name such as --word pikachu")
    bad = [ch for ch in cleaned if not "a" <= ch <= "z"]
    if bad:
        raise ValueError(
            f"the word {word!r} has {bad[0]!r}, which is not a letter a to z; "
            "the model knows only the letters a to z (upper case and accents are folded)"
        )
    return cleaned


def position_example(
    params: Params,
    word: str = DEFAULT_WORD,
    position: int | None = None,
    config: Config | None = None,
) -> tuple[list[int], int]:
    """The window of ids and the target id of `word`'s position `position` (default: the last).

    config: the model's shape (None: lesson 6's), for its context length.
    """
    word = check_word(word)
    count = count_positions([word])
    if position is None:
        position = count - 1
    if not is_whole_number(position) or not 0 <= position < count:
        raise ValueError(
            f"position {position!r} is out of range: {word!r} has {count} positions, "
            f"0 to {count - 1} (0 guesses {word[0]!r}, {count - 1} the final {BOUNDARY!r})"
        )
    return list(examples(word, config_of(params, config).context))[position]


def build_position_graph(
    params: Params,
    word: str = DEFAULT_WORD,
    position: int | None = None,
    fused: bool = True,
    *,
    backward: bool = True,
    config: Config | None = None,
) -> PositionGraph:
    """The loss of `word`'s position `position` as a graph of Values, gradients filled in.

    Position 0 guesses the first letter from "."; the last one, len(word) (the
    default), guesses the final "." from the letters before it, so it uses the
    longest window. `fused=False` records every product (no `dot` nodes).
    backward() is run so that drawings show each value's gradient; pass
    backward=False to run it yourself. config: the model's shape (None: lesson 6's);
    a grown model's layers after the first have scopes of their own ("L2/mlp").
    """
    ids, target = position_example(params, word, position, config)
    trace: dict = {}
    loss = forward(to_values(params), ids, target, fused=fused, trace=trace, config=config)
    if backward:
        loss.backward()
    return PositionGraph(loss, decode(ids), decode([target]), trace["scores"])


def draw_position(
    graph: PositionGraph, view: str = "scopes", scope: str | None = None, see_more: str = SEE_MORE
) -> graphviz.Digraph:
    """One view of the position's graph, as draw() makes it (a graphviz.Digraph).

    "scopes": one box per scope; "near": the values nearest the loss; "focus": the
    first attention score and what it was computed from; a `scope` name: every
    value of that scope, in full.
    """
    if scope is not None:
        return draw(graph.loss, scope=scope, see_more=see_more)
    if view == "scopes":
        return draw(graph.loss, group_by="scope", see_more=see_more)
    if view == "near":
        return draw(graph.loss, see_more=see_more)
    if view == "focus":
        return draw(graph.loss, focus=graph.scores[0], see_more=see_more)
    raise ValueError(f"view must be one of {VIEWS}, got {view!r}")


HELP = "draw the autograd graph of one training position"

DESCRIPTION = """\
Draw the autograd graph of one training position of the mini-LLM: the letters the
model sees, the letter it must guess, and every value computed in between, each
with its data and its gradient. The weights are those of --checkpoint, or the
initial weights (init_params(), seed 42) without it."""

EPILOG = f"""\
views:
  scopes       one box per step of the forward pass (its scope), with how many
               values of each kind it made, and how many values go from box to box
  near         the 200 values nearest the loss, dashed stubs for the inputs cut off
  focus        the first attention score (how much the last letter of the window
               looks at the first, ".") and what it was computed from, in full
  --scope S    every value made in step S, in full; inputs from other steps are
               dashed stubs (--scope replaces --view)

scopes: {", ".join(SCOPE_CHOICES[:5])},
  {", ".join(SCOPE_CHOICES[5:])}
  ("attention" is its four parts together). The weights are made outside every
  scope: the scopes view shows them in the "(no scope)" box.

formats: svg and png are drawn by Graphviz's `dot` program; html (a page that draws
  the graph in any browser, offline) and dot (the DOT text) need no Graphviz.
  Without `dot`, svg and png fail with exit status 1, after saving the .dot and
  .html files next to --out and saying how to install Graphviz
  (Debian/Ubuntu: sudo apt-get install graphviz; macOS: brew install graphviz).

examples:
  minillm graph                            # {DEFAULT_OUT}.svg: the scopes of "pikachu"
  minillm graph --view near --format png
  minillm graph --word eevee --position 0 --view focus --format html
  minillm graph --scope attention/softmax --pure --checkpoint minillm.ckpt.json
  minillm graph --player --lang fr         # minillm-player.html: backward(), scope by
                                           # scope, beside the 7 handwritten steps

--player: an HTML page (offline, any browser) that replays backward() one step
  at a time on the same views: --view scopes steps scope by scope and names the
  handwritten step each scope is; near plays the values nearest the loss, in
  its scope; focus and --scope S one value at a time."""


def add_graph_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The `graph` subcommand and its options, added to minillm's subcommands."""
    p = commands.add_parser(
        "graph",
        help=HELP,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--word", default=DEFAULT_WORD,
                   help=f"the name to draw (letters a to z; default {DEFAULT_WORD})")  # fmt: skip
    p.add_argument("--position", type=int, default=None, metavar="I",
                   help="which position: 0 guesses the first letter from '.', ... "
                   "len(word) guesses the final '.' (default: that last one, "
                   "the longest window)")  # fmt: skip
    p.add_argument("--view", choices=VIEWS, default=None,
                   help="what to draw (default scopes; see views below)")  # fmt: skip
    p.add_argument("--scope", choices=SCOPE_CHOICES, default=None, metavar="S",
                   help="draw every value of this scope (see scopes below)")  # fmt: skip
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="file format (default: from --out's suffix, else svg)")  # fmt: skip
    p.add_argument("--out", default=None, metavar="PATH",
                   help=f"where to write (default: {DEFAULT_OUT}.<format> here)")  # fmt: skip
    p.add_argument("--pure", action="store_true",
                   help="record every * (no fused dot): about 3x more values")  # fmt: skip
    p.add_argument("--checkpoint", default=None, metavar="PATH",
                   help="draw with these weights (default: the initial weights)")  # fmt: skip
    p.add_argument("--player", action="store_true",
                   help="write a backprop player instead: a page that replays backward() "
                   "step by step (default minillm-player.html)")  # fmt: skip
    p.add_argument("--lang", choices=("en", "fr"), default="en",
                   help="the player's language (default en)")  # fmt: skip
    return p


def cmd_graph(args: argparse.Namespace) -> int:
    """Build the position's graph, draw the chosen view, save it and print its path."""
    if args.scope is not None and args.view is not None:
        raise ValueError(f"--scope draws its own view: use --scope {args.scope} without --view")
    view = args.view or "scopes"
    format, out = _format_and_path(args.format, args.out)
    check_writable(out, f"{DEFAULT_OUT}.{format}")  # a folder, a device: said before drawing
    params, config = weights_and_config(args.checkpoint)
    graph = build_position_graph(params, args.word, args.position, not args.pure, config=config)
    what = f"--scope {args.scope}" if args.scope else f"--view {view}"
    print(
        f"minillm graph: {graph.window!r} -> {graph.target!r}, loss {graph.loss.data:.4f}, "
        f"{len(topological_order(graph.loss)):,} values ({'pure' if args.pure else 'fused'}); "
        f"drawing {what}",
        file=sys.stderr,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        drawing = draw_position(graph, view, args.scope)
    for warning in caught:  # "Showing the 200 values nearest...", "drawing 4,624 values..."
        print(f"minillm graph: note: {warning.message}", file=sys.stderr)
    try:
        path = render(drawing, out, format=format)
    except (GraphvizNotFound, TimeoutError) as err:
        print(f"minillm graph: error: {err}", file=sys.stderr)
        return 1
    print(path)
    return 0


def _format_and_path(format: str | None, out: str | None) -> tuple[str, Path]:
    """--format and --out agree: the format defaults to --out's suffix, the suffix to the format."""
    if out is None:
        return format or "svg", Path(f"{DEFAULT_OUT}.{format or 'svg'}")
    return format_and_path(out, format, FORMATS, option="--format")
