"""Lazy modules: layers that learn their input size from the first batch (PyTorch's LazyModuleMixin).

Until the first call, a lazy layer holds :class:`UninitializedParameter` and
:class:`UninitializedBuffer` placeholders (no shape, no values). The first call
reads the input's size, *materializes* every placeholder in place (the same
objects, now a ``Parameter`` / plain ``Tensor`` of the right shape), applies the
layer's usual init, and turns the module into its regular class (``LazyLinear``
becomes ``Linear``). Because the objects are kept, an optimizer built before
the first call holds the materialized parameters; PyTorch's documentation
advises the dry run first, and so does minigrad's: the parameters' init then
happens in the order the layers are first called.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from minigrad._subclass import _disabled_torch_function_impl
from minigrad.dtypes import DTypeLike
from minigrad.errors import MinigradError
from minigrad.nn import _checks
from minigrad.nn._uninitialized import Uninitialized, is_lazy
from minigrad.nn.module import Module, Parameter
from minigrad.tensor import Tensor, from_numpy

__all__ = ["LazyModuleMixin", "UninitializedBuffer", "UninitializedParameter", "is_lazy"]


class UninitializedParameter(Uninitialized, Parameter):
    """A Parameter whose shape is not known yet; ``materialize(shape)`` makes it a regular Parameter.

    Args:
        requires_grad: as Parameter's (True).
        device: None or 'cpu'.
        dtype: the float dtype it will have (the default dtype if None).
    """

    __slots__ = ()
    cls_to_become = Parameter

    def __deepcopy__(self, memo: dict[int, Any]) -> Parameter:
        """Copied as a Tensor is (there is no data to hand to the constructor), class kept."""
        return cast(Parameter, Tensor.__deepcopy__(self, memo))

    def __new__(cls, requires_grad: bool = True, device: Any = None, dtype: DTypeLike = None) -> Any:
        _checks.device(device)
        empty = from_numpy(np.empty(0, dtype=_checks.float_dtype(dtype)))
        return Tensor._make_subclass(cls, empty, requires_grad)


class UninitializedBuffer(Uninitialized, Tensor):
    """A buffer whose shape is not known yet; ``materialize(shape)`` makes it a regular Tensor.

    Args:
        requires_grad: False by default, as buffers.
        device: None or 'cpu'.
        dtype: the float dtype it will have (the default dtype if None).
    """

    __slots__ = ()
    cls_to_become = Tensor
    __torch_function__ = _disabled_torch_function_impl  # type: ignore[assignment]  # (ops on it give plain Tensors, as before)

    def __init__(self, requires_grad: bool = False, device: Any = None, dtype: DTypeLike = None) -> None:
        _checks.device(device)
        dt = _checks.float_dtype(dtype)
        # (the dtype given too: under the alias an array alone is torch.Tensor's legacy float32 data)
        super().__init__(np.empty(0, dtype=dt), dt, requires_grad=requires_grad)


class LazyModuleMixin(Module):
    """Mixin of the lazy layers: the first call infers the sizes, materializes and initializes the
    placeholders (``initialize_parameters``), then the module becomes ``cls_to_become``.

    ``state_dict()`` lists a placeholder as itself (PyTorch's ``<UninitializedParameter>``); loading
    values into a placeholder materializes it to their shape first (PyTorch's load hook), and the first
    call then keeps the loaded values.
    """

    cls_to_become: type[Module] | None = None

    def initialize_parameters(self, *args: Any, **kwargs: Any) -> None:
        """Materialize and initialize the placeholders from the first call's arguments (per layer)."""
        raise NotImplementedError(f"initialize_parameters is not implemented for {type(self).__name__}")

    def has_uninitialized_params(self) -> bool:
        """True while a parameter or buffer of this module is still a placeholder."""
        return any(is_lazy(t) for t in (*self._parameters.values(), *self._buffers.values()))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.initialize_parameters(*args, **kwargs)
        if self.has_uninitialized_params():
            raise MinigradError(f"module {type(self).__name__} has not been fully initialized")
        if self.cls_to_become is not None:
            object.__setattr__(self, "__class__", self.cls_to_become)
        return Module.__call__(self, *args, **kwargs)
