"""Fake quantization as PyTorch spells it: ``torch.fake_quantize_per_tensor_affine`` and
``torch.fake_quantize_per_channel_affine``, the ops quantization-aware training inserts.

Both round to the integer grid of ``scale`` / ``zero_point``, clamp to ``[quant_min, quant_max]`` and
map back to floats in one primitive (``ops.FakeQuantize``), whose gradient passes straight through
where the value was inside the grid's range and is zero outside it, as PyTorch's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import ops
from minigrad.errors import (
    InvalidParameterError,
    ShapeError,
    UnsupportedError,
    _ArgumentTypeError,
)
from minigrad.shapes import norm_dim
from minigrad.tensor import Array, Tensor

__all__ = ["fake_quantize_per_channel_affine", "fake_quantize_per_tensor_affine"]


def _int(fn: str, name: str, value: Any) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, (bool, np.bool_)):
        raise _ArgumentTypeError(f"{fn}(): argument '{name}' must be int, not {type(value).__name__}")
    return int(value)


def _checked(fn: str, input: Tensor, quant_min: Any, quant_max: Any) -> tuple[int, int]:  # noqa: A002
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}(): argument 'input' must be a Tensor, not {type(input).__name__}")
    if input.dtype.kind != "f":
        raise UnsupportedError(f"{fn}: not implemented for {input.dtype} input (a float tensor is needed)")
    lo, hi = _int(fn, "quant_min", quant_min), _int(fn, "quant_max", quant_max)
    if lo > hi:
        raise InvalidParameterError(f"`quant_min` should be less than or equal to `quant_max`, got "
                                    f"quant_min={lo}, quant_max={hi}")
    return lo, hi


def _in_range(zero_point: Array, lo: int, hi: int) -> None:
    if zero_point.size and (zero_point.min() < lo or zero_point.max() > hi):
        raise InvalidParameterError(f"`zero_point` must be between `quant_min` and `quant_max`, got "
                                    f"zero_point={zero_point.tolist()}, quant_min={lo}, quant_max={hi}")


def fake_quantize_per_tensor_affine(input: Tensor, scale: Any, zero_point: Any, quant_min: int,  # noqa: A002
                                    quant_max: int) -> Tensor:
    """``(clamp(round(input / scale) + zero_point, quant_min, quant_max) - zero_point) * scale``, elementwise.

    ``scale`` is a number or a one-element float tensor, ``zero_point`` an int or a one-element tensor;
    rounding is half to even, computed in float32 (as PyTorch's kernel, which multiplies by the float32
    ``1 / scale``). The result has ``input``'s shape and dtype; its gradient is ``grad`` where the
    unclamped level lies in ``[quant_min, quant_max]`` and 0 elsewhere.

    Raises:
        TypeError: a number ``scale`` with a non-int ``zero_point``, or non-int bounds.
        InvalidParameterError: ``quant_min > quant_max``; a number ``zero_point`` outside the bounds.
        ShapeError: a tensor ``scale`` or ``zero_point`` with more than one element.
    """
    fn = "fake_quantize_per_tensor_affine"
    lo, hi = _checked(fn, input, quant_min, quant_max)
    if isinstance(scale, Tensor) or isinstance(zero_point, Tensor):
        if not (isinstance(scale, Tensor) and isinstance(zero_point, Tensor)):
            raise _ArgumentTypeError(f"{fn}(): scale and zero_point must both be Tensors or both numbers")
        for name, t in (("scale", scale), ("zero_point", zero_point)):
            if t.numel() != 1:
                raise ShapeError(f"{fn}: {name} must have one element, got shape {tuple(t.shape)}")
        s, z = scale._array.astype(np.float32).reshape(()), zero_point._array.reshape(())
        z = z if z.dtype.kind == "f" else z.astype(np.int64)
        name = "FakeQuantizePerTensorAffineCachemaskTensorQparamsBackward0"
    else:
        if not isinstance(scale, (int, float, np.integer, np.floating)) or isinstance(scale, bool):
            raise _ArgumentTypeError(f"{fn}(): argument 'scale' must be float, not {type(scale).__name__}")
        s, z = np.float32(scale), np.int64(_int(fn, "zero_point", zero_point))
        _in_range(np.asarray(z), lo, hi)
        name = "FakeQuantizePerTensorAffineCachemaskBackward0"
    return ops.FakeQuantize.apply(input, scale=s, zero_point=np.asarray(z), lo=lo, hi=hi, name=name)


def fake_quantize_per_channel_affine(input: Tensor, scale: Tensor, zero_point: Tensor, axis: int,  # noqa: A002
                                     quant_min: int, quant_max: int) -> Tensor:
    """Fake quantization with one ``scale[c]`` / ``zero_point[c]`` per index ``c`` of dimension ``axis``.

    ``scale``: a 1-D float32 tensor of ``input.shape[axis]`` elements; ``zero_point``: a 1-D int32 (or
    float, added before rounding) tensor of as many. Values and gradient as
    :func:`fake_quantize_per_tensor_affine`, channel by channel.

    Raises:
        DimensionError: ``axis`` outside ``input``'s dimensions.
        ShapeError: ``scale`` / ``zero_point`` not 1-D, of different sizes, or not ``input.shape[axis]`` long.
        InvalidParameterError: a float64 ``scale`` or int64 ``zero_point`` (PyTorch refuses them too);
            ``quant_min > quant_max``; an int ``zero_point`` outside the bounds.
    """
    fn = "fake_quantize_per_channel_affine"
    lo, hi = _checked(fn, input, quant_min, quant_max)
    axis = norm_dim(_int(fn, "axis", axis), input.ndim)
    if not (isinstance(scale, Tensor) and isinstance(zero_point, Tensor)):
        raise TypeError(f"{fn}(): scale and zero_point must be Tensors")
    if scale.ndim != 1 or zero_point.ndim != 1:
        raise ShapeError(f"{fn}: scale and zero_point must be 1-D, got shapes {tuple(scale.shape)} and "
                         f"{tuple(zero_point.shape)}")
    if scale.shape != zero_point.shape or scale.shape[0] != input.shape[axis]:
        raise ShapeError(f"{fn}: scale {tuple(scale.shape)} and zero_point {tuple(zero_point.shape)} must "
                         f"both have input.shape[{axis}] = {input.shape[axis]} elements")
    if scale.dtype not in (np.float32, np.float16):
        raise InvalidParameterError(f"{fn}: scale must be float32, found {scale.dtype}")
    z = zero_point._array
    if z.dtype not in (np.int32, np.float32, np.float16):
        raise InvalidParameterError(f"{fn}: zero_point must be int32 or float32, found {z.dtype}")
    if z.dtype.kind != "f":
        _in_range(z, lo, hi)
    shape = [1] * input.ndim
    shape[axis] = -1
    return ops.FakeQuantize.apply(input, scale=scale._array.astype(np.float32).reshape(shape),
                                  zero_point=z.reshape(shape), lo=lo, hi=hi,
                                  name="FakeQuantizePerChannelAffineCachemaskBackward0")
