"""PyTorch's rules for the autograd attributes user code sets on a tensor, with its error classes and words:
which tensors may require grad (floating ones) and what ``t.grad = g`` accepts (a tensor of ``t``'s dtype
and shape, or None). Kept out of tensor.py; the engine's own stores skip these checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minigrad._tensor_methods import TensorMethods
from minigrad.dtypes import c_type_name, scalar_type_name
from minigrad.errors import DTypeError, InvalidParameterError, MinigradError, ShapeError, python_type_name

if TYPE_CHECKING:
    from minigrad.tensor import Tensor

__all__ = [
    "INFERENCE_FLAG", "NON_LEAF_FLAG", "NON_LEAF_FLAG_ON", "NUMPY_REQUIRES_GRAD", "check_assigned_grad",
    "check_assigned_requires_grad", "leaf_requires_grad", "python_type_name",
]  # fmt: skip

#: PyTorch's error for requires_grad_(False) (or ``requires_grad = False``) on a non-leaf
NON_LEAF_FLAG = ("you can only change requires_grad flags of leaf variables. If you want to use a computed "
                 "variable in a subgraph that doesn't require differentiation use "
                 "var_no_grad = var.detach().")
#: PyTorch's error for ``requires_grad = True`` on a non-leaf
NON_LEAF_FLAG_ON = "you can only change requires_grad flags of leaf variables."
#: PyTorch's error for asking an inference tensor for gradients outside inference_mode, word for word
INFERENCE_FLAG = "Setting requires_grad=True on inference tensor outside InferenceMode is not allowed."
#: PyTorch's error for ``t.numpy()`` (and ``np.asarray(t)``) of a tensor that requires grad
NUMPY_REQUIRES_GRAD = "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."


def leaf_requires_grad(t: Tensor) -> Tensor:
    """Make ``t``, a tensor a constructor just made, require grad (``requires_grad=True`` of ``tensor``,
    the factories and ``nn.Parameter``); returns it.

    Raises:
        InvalidParameterError: ``t`` is not floating (PyTorch's RuntimeError and its text).
    """
    if t._array.dtype.kind != "f":
        raise InvalidParameterError("Only Tensors of floating point and complex dtype can require gradients")
    return t.requires_grad_(True)


def check_assigned_requires_grad(t: Tensor, flag: object, inference_outside: bool) -> None:
    """PyTorch's checks of ``t.requires_grad = flag`` from user code, in its order and words (the engine's
    own stores skip them). ``inference_outside``: ``t`` is an inference tensor and inference_mode is off.

    Raises:
        InvalidParameterError: ``flag`` is not a bool (numpy bools neither), or is True for a non-float
            tensor (PyTorch's RuntimeErrors).
        MinigradError: ``t`` is not a leaf (PyTorch: use ``detach()``), or ``inference_outside`` and
            ``flag`` is True.
    """
    if type(flag) is not bool:
        raise InvalidParameterError(f"requires_grad must be a bool, got requires_grad={flag!r}")
    if t._ctx is not None:
        raise MinigradError(NON_LEAF_FLAG_ON if flag else NON_LEAF_FLAG)
    if flag and t._array.dtype.kind != "f":
        raise InvalidParameterError("only Tensors of floating point and complex dtype can require gradients")
    if flag and inference_outside:
        raise MinigradError(INFERENCE_FLAG)


def check_assigned_grad(t: Tensor, value: object) -> None:
    """PyTorch's checks of ``t.grad = value`` (the public setter's; backward stores its own gradients
    unchecked).

    Raises:
        TypeError: ``value`` is neither a Tensor nor None.
        MinigradError: ``value`` is ``t`` itself.
        DTypeError: ``value``'s dtype is not ``t``'s.
        ShapeError: ``value``'s shape is not ``t``'s.
    """
    if value is None:
        return
    if not isinstance(value, TensorMethods):  # (Tensor's only base: no import of tensor.py here)
        raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                        f"{python_type_name(value)}")
    if value is t:
        raise MinigradError("can't assign Variable as its own grad")
    g: Tensor = value  # type: ignore[assignment]
    if g._array.dtype != t._array.dtype:  # (checked before the shape, as PyTorch does)
        raise DTypeError(
            f"attempting to assign a gradient with dtype '{c_type_name(g.dtype)}' to a tensor with "
            f"grad_dtype '{scalar_type_name(t.dtype)}'. The gradient must match the tensor's grad_dtype "
            "(defaults to the tensor's dtype). You can set the tensor's grad_dtype attribute with a specific "
            "dtype, or None to allow any dtype. Set grad_dtype with caution. Diverging the dtypes of a "
            "tensor and its gradient may break downstream systems that assume they match."
        )
    if g._array.shape != t._array.shape:
        raise ShapeError(
            f"attempting to assign a gradient of size '{list(g.shape)}' to a tensor of size "
            f"'{list(t.shape)}'. Please ensure that the gradient and the tensor are the same size"
        )
