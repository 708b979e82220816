"""``torch.utils.model_zoo``: the old name of :func:`minigrad.hub.load_state_dict_from_url`."""

from minigrad.hub import load_state_dict_from_url as load_url
from minigrad.hub import tqdm

__all__ = ["load_url", "tqdm"]
