"""Linear maps as functions: ``linear`` (of nn.Linear) and ``bilinear`` (of nn.Bilinear)."""

from __future__ import annotations

import math

from minigrad.dtypes import c_type_name, can_cast, scalar_type_name
from minigrad.errors import DTypeError, ShapeError, _ShapeIndexError
from minigrad.matrix_ops import addmm
from minigrad.nn import _checks
from minigrad.nn.functional._grad_names import named
from minigrad.ops import Addmm, Permute
from minigrad.tensor import Tensor, matmul

__all__ = ["bilinear", "linear"]


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:  # noqa: A002
    """y = input @ weight.T + bias; input (*, in), weight (out, in), bias (out,) -> (*, out).

    Raises:
        ShapeError: the last dim of input differs from weight's in_features.
        TypeError: input, weight or bias is not a Tensor.
    """
    if isinstance(input, Tensor) and isinstance(weight, Tensor) and isinstance(bias, Tensor):
        x, w, b = input._array, weight._array, bias._array
        # The usual call, a batch of rows with fitting shapes of one dtype: what the general path below
        # computes (addmm of weight.t()), with its checks answered here, in a third of the time
        if (x.ndim >= 2 and w.ndim == 2 and x.shape[-1] == w.shape[1] and b.shape == w.shape[:1]
                and x.dtype == w.dtype == b.dtype):
            wt = weight._view(Permute.apply(weight, dims=(1, 0), kind="T"))
            if x.ndim == 2:
                return Addmm.apply(bias, input, wt)
            if not x.flags.c_contiguous:  # (PyTorch's product, then the bias added in place)
                return _product_plus_bias(input, weight, bias)
            rows = Addmm.apply(bias, input.reshape(math.prod(x.shape[:-1]), x.shape[-1]), wt)
            return rows.reshape(*x.shape[:-1], w.shape[0])
    _checks.tensor("linear", input)
    _checks.tensor("linear", weight, "weight")
    if bias is not None:
        _checks.tensor("linear", bias, "bias")
    if bias is not None and input.ndim >= 1 and weight.ndim == 2:
        if input.ndim == 2:
            return addmm(bias, input, weight.t())  # one op for a batch of rows, as in PyTorch
        if bias.ndim == 1 and input.is_contiguous():
            # PyTorch's fold: the leading dims as one batch of rows (a view), one GEMM, viewed back (the
            # row count spelled out: -1 is ambiguous with in_features 0)
            rows = addmm(bias, input.reshape(math.prod(input.shape[:-1]), input.shape[-1]), weight.t())
            return rows.reshape(*input.shape[:-1], weight.shape[0])
    return _product_plus_bias(input, weight, bias)


def _product_plus_bias(input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:  # noqa: A002
    """PyTorch's general linear: ``matmul(input, weight.t())``, then the bias added in place
    (``output.add_(bias)``): the result keeps the product's dtype (a float64 bias to a float32 product is
    rounded back; a float bias to an integer product is PyTorch's in-place cast error)."""
    # (t(), not .T: a 1-D weight is its own transpose, and .T of it warns where PyTorch's linear does not; a
    # weight over 2-D is t()'s error, as in PyTorch)
    out = matmul(input, weight.t())
    if bias is None:
        return out
    total = out + bias
    if total.dtype == out.dtype:
        return total
    if not can_cast(total.dtype, out.dtype):
        raise DTypeError(f"result type {scalar_type_name(total.dtype)} can't be cast to the desired output "
                         f"type {scalar_type_name(out.dtype)}")
    return named(total.to(out.dtype), "AddBackward0")



def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y_o = sum_ij input1_i * weight_oij * input2_j + bias_o.

    Shapes: input1 (*, in1), input2 (*, in2) with the same leading dims,
    weight (out, in1, in2), bias (out,) -> (*, out).

    Raises:
        ShapeError: weight not 3-D, or the inputs' sizes do not fit it or each other.
        DTypeError: the tensors' dtypes differ (PyTorch's RuntimeError; it does not promote).
        TypeError: an argument is not a Tensor.
    """
    x1 = _checks.tensor("bilinear", input1, "input1")
    x2 = _checks.tensor("bilinear", input2, "input2")
    w = _checks.tensor("bilinear", weight, "weight")
    given = [("input1", x1), ("input2", x2), ("weight", w)]
    given += [("bias", bias)] if isinstance(bias, Tensor) else []
    if len({t.dtype for _, t in given}) > 1:  # PyTorch does not promote here (numpy would)
        raise DTypeError("All tensors must have the same dtype, got " + ", ".join(
            f"{name}: {c_type_name(t.dtype)}" for name, t in given))
    if w.ndim != 3:
        raise ShapeError(f"bilinear: expected weight of shape (out, in1, in2), got {w.shape}")
    out, in1, in2 = w.shape
    if x1.ndim == 0 or x2.ndim == 0:  # (PyTorch's size(-1) of a 0-d tensor: an IndexError)
        raise _ShapeIndexError(f"Dimension specified as -1 but tensor has no dimensions (bilinear: inputs of "
                               f"shape {x1.shape} and {x2.shape})")
    if x1.shape[:-1] != x2.shape[:-1]:
        raise ShapeError(f"bilinear: input batch dimensions do not match: got {x1.shape} and {x2.shape}")
    if x1.shape[-1] != in1 or x2.shape[-1] != in2:
        raise ShapeError(
            f"bilinear: weight of shape {w.shape} expects inputs (*, {in1}) and (*, {in2}), "
            f"got {x1.shape} and {x2.shape}"
        )
    if bias is not None and _checks.tensor("bilinear", bias, "bias").shape != (out,):
        raise ShapeError(f"bilinear: expected bias of shape ({out},), got {bias.shape}")
    lead = x1.shape[:-1]
    # x1 @ W as one (rows, in1) @ (in1, out * in2) product, then the in2 contraction with x2
    # the rows spelled out where out may be 0 (-1 would be ambiguous); in1 or in2 of 0 still make the -1
    # reshapes raise, as PyTorch's bilinear does
    left = matmul(x1.reshape(-1, in1), w.permute(1, 0, 2).reshape(in1, out * in2))
    left = left.reshape(math.prod(lead), out, in2)
    y = left * x2.reshape(-1, 1, in2)
    # an integer sum keeps the inputs' dtype (int32 stays int32, as PyTorch's bilinear)
    y = (y.sum(2) if y.is_floating_point() else y.sum(2, dtype=y.dtype)).reshape(*lead, out)
    # (PyTorch's bilinear ends in a view of its product: ViewBackward0, whatever the rank)
    return named(y, "ViewBackward0") if bias is None else y + bias
