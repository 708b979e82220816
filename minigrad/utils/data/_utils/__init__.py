"""``torch.utils.data._utils``: the internal package scripts import ``collate`` from (its documented
extension point, ``collate(batch, collate_fn_map=...)``, and ``default_collate`` in older code)."""

from minigrad.utils.data._utils import collate

__all__ = ["collate"]
