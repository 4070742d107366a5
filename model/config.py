"""The model's size and shape (Config), each field checked with a sentence that says why.

The sizes (vocab_size, embed_dim, context, hidden_dim) are lesson 6's numbers. The
shape (heads, layers, norm, dropout) is what real LLMs add, from the table that
ends lesson 6; its defaults are lesson 6's own model: one head, one layer, no
norm, no dropout. Every backend builds any shape from the same forward, except
the handwritten backward, which knows lesson 6's shape only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from model.helpers.checks import check_whole_number, is_real_number

NORMS = ("none", "layer", "rms")  # none: lesson 6; layer: LayerNorm; rms: RMSNorm (microgpt's)
SIZE_FIELDS = ("vocab_size", "embed_dim", "context", "hidden_dim")  # in every checkpoint
SHAPE_FIELDS = ("heads", "layers", "norm", "dropout")  # absent from older checkpoints


@dataclass(frozen=True)
class Config:
    """The model's dimensions and shape; the defaults are lesson 6's exact model."""

    vocab_size: int = 27  # "." and a..z
    embed_dim: int = 16  # each character becomes 16 numbers
    context: int = 8  # the model sees at most 8 characters back
    hidden_dim: int = 32  # neurons in the MLP
    heads: int = 1  # attention heads, each on embed_dim / heads of the numbers
    layers: int = 1  # blocks of attention + MLP, one after the other
    norm: str = "none"  # before attention, before the MLP and before the output
    dropout: float = 0.0  # the probability of zeroing an attention or MLP output, in training

    def __post_init__(self) -> None:
        check_fields(vars(self), lambda field: f"Config.{field}")

    @property
    def is_lesson6_shape(self) -> bool:
        """One head, one layer, no norm, no dropout: the shape the handwritten backward knows."""
        return self.is_lesson6_architecture and self.dropout == 0

    @property
    def is_lesson6_architecture(self) -> bool:
        """One head, one layer, no norm: lesson 6's forward (dropout changes training only)."""
        return self.heads == 1 and self.layers == 1 and self.norm == "none"

    def describe_shape(self) -> str:
        """The shape in words, e.g. "2 heads, 2 layers, rms norm, dropout 0.1"."""
        heads = f"{self.heads} head{'s' if self.heads > 1 else ''}"
        layers = f"{self.layers} layer{'s' if self.layers > 1 else ''}"
        norm = "no norm" if self.norm == "none" else f"{self.norm} norm"
        dropout = "no dropout" if self.dropout == 0 else f"dropout {self.dropout:g}"
        return f"{heads}, {layers}, {norm}, {dropout}"


def check_fields(values: Mapping[str, object], name_of: Callable[[str], str]) -> None:
    """A ValueError naming the first field that cannot work, and why.

    `name_of` turns a field into what the reader typed: "Config.heads" in Python,
    "--heads" on the command line.
    """
    for field in ("vocab_size", "embed_dim", "context", "hidden_dim", "heads", "layers"):
        check_whole_number(values[field], name_of(field), 1)
    heads, width = values["heads"], values["embed_dim"]
    if width % heads:  # type: ignore[operator]  (both checked whole numbers above)
        divisors = [d for d in range(1, width + 1) if width % d == 0]  # type: ignore[operator]
        raise ValueError(
            f"{name_of('heads')} {heads} does not divide {name_of('embed_dim')} {width}: "
            f"the heads share the width equally, so choose one of {divisors}"
        )
    if values["norm"] not in NORMS:
        raise ValueError(
            f"{name_of('norm')} must be one of {list(NORMS)} "
            f"(none: lesson 6's model), got {values['norm']!r}"
        )
    dropout = values["dropout"]
    if not (is_real_number(dropout) and math.isfinite(dropout) and 0 <= dropout < 1):  # type: ignore[arg-type]
        raise ValueError(
            f"{name_of('dropout')} must be a probability from 0 up to, not including, 1 "
            f"(0: no dropout; at 1 every output would be zeroed), got {dropout!r}"
        )
