"""``torch.optim.adamw``: AdamW, at PyTorch's module path (minigrad defines it beside Adam)."""

from minigrad.optim.adam import AdamW

__all__ = ["AdamW"]
