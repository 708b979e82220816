"""``torch.jit.annotations``: the typing names TorchScript-era code imports from it
(``from torch.jit.annotations import List, Tuple``); they are :mod:`typing`'s own."""

from typing import Any, Dict, List, Optional, Tuple, Union  # noqa: UP035  (the names code imports)

__all__ = ["Any", "Dict", "List", "Optional", "Tuple", "Union"]
