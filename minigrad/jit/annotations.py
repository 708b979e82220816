"""``torch.jit.annotations``: the typing names TorchScript-era code imports from it
(``from torch.jit.annotations import List, BroadcastingList2``); the typing ones are :mod:`typing`'s own."""

from typing import Any, Dict, List, Optional, Tuple, Union  # noqa: UP035  (the names code imports)

__all__ = ["Any", "BroadcastingList1", "BroadcastingList2", "BroadcastingList3", "Dict", "List", "Optional",
           "Tuple", "Union"]


class _BroadcastingList:
    """TorchScript's "an int or a list of N ints" hint (``BroadcastingList2[int]``); outside the TorchScript
    compiler subscribing it gives None, as PyTorch's."""

    def __getitem__(self, types: Any) -> None:
        return None


BroadcastingList1 = _BroadcastingList()
# one object under every arity's name, as PyTorch's
BroadcastingList2 = BroadcastingList3 = BroadcastingList1
