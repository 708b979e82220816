"""``minigrad.data``: the data-loading API under its first name (API.md); it lives in ``minigrad.utils.data``.

``from minigrad.data import DataLoader, TensorDataset`` and
``from minigrad.utils.data import ...`` give the same objects.
"""

from minigrad.utils.data import *  # noqa: F403
from minigrad.utils.data import __all__ as __all__
