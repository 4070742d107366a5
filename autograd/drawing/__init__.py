"""Pictures of graphs: which values to show (views), the DOT text (draw), files
and notebook displays (rendering, pages, dot_program), and the backprop player.

The engine (value.py, graph.py, ...) never imports this package; it reads Values
only through their public properties (children, op, local_grads, scope).
Modules depend one way: pages <- dot_program <- draw <- rendering, and
player_trace <- player_script <- player (with its page in web/). Every word a
learner reads is in words/<lang>.txt, read by language.py; numbers.py writes the
numbers, inline.py fits a drawing to a notebook's output.
"""

from autograd.drawing.dot_program import GraphvizNotFound
from autograd.drawing.draw import COLOURS, draw
from autograd.drawing.player import Player, player
from autograd.drawing.rendering import render, save_html

__all__ = ["COLOURS", "GraphvizNotFound", "Player", "draw", "player", "render", "save_html"]
