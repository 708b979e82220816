"""``torch.utils``: ``utils.data`` (datasets and the DataLoader) and ``utils.checkpoint``."""

from minigrad.utils import data as data

__all__ = ["data"]
