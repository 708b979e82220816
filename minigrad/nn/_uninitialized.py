"""What the lazy layers' placeholders (``nn/lazy.py``) share, apart from the layers: ``Module`` reads
it to save and load a placeholder, and the lazy layers build on ``Module``, so it sits below both."""

from __future__ import annotations

from typing import Any, TypeGuard, cast

import numpy as np

from minigrad.dtypes import DTypeLike
from minigrad.errors import InvalidParameterError
from minigrad.nn import _checks
from minigrad.size import Size
from minigrad.tensor import Tensor, from_numpy

__all__ = ["Uninitialized", "is_lazy"]


class Uninitialized:
    """What the two placeholders share: no shape until ``materialize``."""

    __slots__ = ()
    cls_to_become: type[Tensor]

    def materialize(self, shape: tuple[int, ...], device: Any = None, dtype: DTypeLike = None) -> None:
        """Give the placeholder uninitialized values of ``shape`` (its dtype unless ``dtype``) and turn it
        into a ``cls_to_become`` (Parameter or Tensor) in place: references to it stay valid."""
        t = cast(Tensor, self)
        _checks.device(device)
        dt = t.dtype if dtype is None else _checks.float_dtype(dtype)
        t.data = from_numpy(np.empty(tuple(shape), dtype=dt))
        object.__setattr__(self, "__class__", self.cls_to_become)

    @property
    def shape(self) -> Size:
        """Raises: an uninitialized tensor has no shape yet (PyTorch's RuntimeError; also a ValueError,
        PyTorch's class for other uses of one, such as nn.init's fills, which in minigrad read the shape)."""
        raise InvalidParameterError(
            "Can't access the shape of an uninitialized parameter or buffer. This error usually happens in "
            "`load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call "
            "`forward` to initialize the parameters before accessing their attributes."
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def is_lazy(param: Any) -> TypeGuard[Uninitialized]:
    """True for an UninitializedParameter or UninitializedBuffer."""
    return isinstance(param, Uninitialized)
