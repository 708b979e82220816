"""Attention for the layers: the functional pieces, imported from :mod:`minigrad.nn.functional.attention`.

The math (``scaled_dot_product_attention``, the shared ``attention`` core and
the causal and additive masks) and the lookups (``embedding``, ``one_hot``)
live in ``minigrad.nn.functional``; this module re-exports them for the
attention layers and for code that imported them from here.
"""

from minigrad.nn.functional.attention import (
    additive_mask,
    attention,
    causal_mask,
    scaled_dot_product_attention,
)
from minigrad.nn.functional.embedding import embedding, normalize_padding_idx, one_hot

__all__ = [
    "additive_mask", "attention", "causal_mask", "embedding", "normalize_padding_idx", "one_hot",
    "scaled_dot_product_attention",
]  # fmt: skip
