"""minillm graph --player: watch backward() run through one training position of the mini-LLM.

The page is autograd's backprop player (autograd.player), on the same views as
`minillm graph`. In the scopes view one step is one scope, and the panel says
which of the lesson's 7 handwritten backward steps that scope is, with the largest
difference between the handwritten gradients and autograd's there
(model.compare.compare_steps): the 7 steps, found again in autograd's backward.
autograd knows nothing of the model; the model hands the player these notes, in
the words of model/words/<lang>.txt. A grown model (more heads, layers, a norm) is
played the same way, without those notes: the handwritten backward has no steps for it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from autograd import Player, player
from autograd.drawing.draw import DRAW_MAX_NODES
from autograd.drawing.language import words
from model.cli.graph_cmd import DEFAULT_WORD, VIEWS, build_position_graph, position_example
from model.cli.weights import weights_and_config
from model.compare import StepComparison, compare_steps
from model.config import Config
from model.params import Params

WORDS = Path(__file__).parents[1] / "words"  # model/words/: the model's, beside autograd's
DEFAULT_OUT = "minillm-player.html"
NEAR = DRAW_MAX_NODES  # the near view's size, as draw() makes it


def step_name(number: int, lang: str = "en") -> str:
    """The name of handwritten step `number` (1 to 7) in `lang`: "sortie", "output", ..."""
    return words(lang, extra=(WORDS,))(f"step_{number}")


def step_notes(steps: Sequence[StepComparison], lang: str = "en") -> dict[str, str]:
    """One note per scope of the graph: the handwritten step it is, and the largest difference.

    The attention step is four scopes; each of them gets the step's note. The
    words are in model/words/<lang>.txt, the numbers written the language's way.
    """
    said = words(lang, extra=(WORDS,))  # refuses a language it has no words for
    return {
        scope: said(
            "handwritten_step",
            number=step.number,
            name=step_name(step.number, lang),
            difference=said.write(f"{step.largest_difference:.1e}"),
        )
        for step in steps
        for scope in step.scopes
    }


def position_player(
    params: Params,
    word: str = DEFAULT_WORD,
    position: int | None = None,
    fused: bool = True,
    view: str = "scopes",
    scope: str | None = None,
    lang: str = "en",
    config: Config | None = None,
) -> Player:
    """The backprop player for one position, on one view, with the handwritten steps as notes.

    "scopes": one step per scope; "near": the values nearest the loss, in its own
    scope; "focus": the first attention score and what it came from; a `scope`
    name: every value of that scope. config: the model's shape (None: lesson 6's);
    the notes on the handwritten steps are for lesson 6's shape only.
    """
    graph = build_position_graph(params, word, position, fused, backward=False, config=config)
    notes = {}
    if config is None or config.is_lesson6_shape:
        ids, target = position_example(params, word, position, config)
        notes = step_notes(compare_steps(params, ids, target, fused, config), lang)
    common = {"lang": lang, "notes": notes}
    if scope is not None:
        return player(graph.loss, scope=scope, **common)
    if view == "scopes":
        return player(graph.loss, group_by="scope", **common)
    if view == "near":
        return player(graph.loss, focus=graph.loss, max_nodes=NEAR, **common)
    if view == "focus":
        return player(graph.loss, focus=graph.scores[0], **common)
    raise ValueError(f"view must be one of {VIEWS}, got {view!r}")


def cmd_player(args: argparse.Namespace) -> int:
    """minillm graph --player: write the page, print its path."""
    if args.scope is not None and args.view is not None:
        raise ValueError(f"--scope plays its own view: use --scope {args.scope} without --view")
    if args.format not in (None, "html"):
        raise ValueError("--player writes an HTML page: leave out --format (or use --format html)")
    out = Path(args.out or DEFAULT_OUT)
    if out.suffix.lower() not in ("", ".html"):
        raise ValueError(f"--player writes an HTML page: end --out in .html, not {out.suffix}")
    params, config = weights_and_config(args.checkpoint)
    what = f"--scope {args.scope}" if args.scope else f"--view {args.view or 'scopes'}"
    print(f"minillm graph: writing the backprop player, {what}", file=sys.stderr)
    try:
        page = position_player(params, args.word, args.position, not args.pure,
                               args.view or "scopes", args.scope, args.lang, config)  # fmt: skip
    except ValueError as err:  # a view too big to play names player()'s arguments
        raise ValueError(_as_options(str(err))) from None
    print(page.save(out))
    return 0


def _as_options(message: str) -> str:
    """player()'s advice, in the command's options: scope='mlp' becomes --scope mlp."""
    message = message.replace("group_by='scope'", "--view scopes")
    message = re.sub(r"scope='([^']*)'", r"--scope \1", message)
    message = re.sub(r"focus=<a value> \([^)]*\)", "--view focus", message)
    return message.replace(" Or raise max_nodes (a slower page).", "")
