"""PyTorch's ``torch._foreach_*`` functions: one Tensor op applied to each tensor of a list.

EMA-of-weights code (timm's ModelEmaV3, hand-written ``_foreach_lerp_`` updates) and optimizer
internals call them. PyTorch fuses the list into few kernels; here each is a loop over the Tensor
method of the same name, so out-of-place forms are differentiable like the method. As PyTorch's:
out-of-place forms return a tuple, in-place forms (``_`` suffix) update each tensor and return
``self``; the second argument may be a scalar, a list of scalars (one per tensor), a 0-d Tensor, or
a list of tensors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from minigrad import ops as _ops
from minigrad.dtypes import DTypeLike, can_cast, scalar_type_name
from minigrad.errors import MinigradError, ShapeError, bool_error, python_type_name
from minigrad.linalg import vector_norm
from minigrad.tensor import Tensor

_Fn = Callable[..., Any]
_L = TypeVar("_L", bound=Sequence[Tensor])


def _check(tensors: Sequence[Tensor]) -> None:
    if len(tensors) == 0:
        raise MinigradError("Tensor list must have at least one tensor.")


def _spread(tensors: Sequence[Tensor], arg: Any) -> list[Any]:
    """``arg`` for each tensor: a list is taken item by item, anything else repeated."""
    if isinstance(arg, (list, tuple)):
        if len(arg) != len(tensors):
            if arg and not isinstance(arg[0], Tensor):
                raise ShapeError("Tensor list must have same number of elements as scalar list.")
            raise ShapeError(f"Tensor lists must have the same number of tensors, got {len(tensors)} and "
                             f"{len(arg)}")
        return list(arg)
    if isinstance(arg, Tensor) and arg.ndim != 0:
        raise ShapeError(f"scalar tensor expected to be 0 dim but it has {arg.ndim} dimensions and "
                         f"{arg.numel()} elements.")
    return [arg] * len(tensors)


_NUMBER_OPS = {"maximum": _ops.Maximum, "minimum": _ops.Minimum}


def _apply(name: str, tensors: Sequence[Tensor], args: tuple[Any, ...], kwargs: dict[str, Any],
           inplace: bool) -> Any:
    _check(tensors)
    per_tensor = [_spread(tensors, a) for a in args]
    per_kw = {k: _spread(tensors, v) for k, v in kwargs.items()}
    results = []
    for i, t in enumerate(tensors):
        own, own_kw = [a[i] for a in per_tensor], {k: v[i] for k, v in per_kw.items()}
        if name in _NUMBER_OPS and own and not isinstance(own[0], Tensor):
            # (Tensor.maximum refuses a number, as PyTorch's; its foreach form takes one)
            out = t._binary(own[0], _NUMBER_OPS[name])
            if inplace and not can_cast(out.dtype, t.dtype):  # (PyTorch's in-place rule: 1.5 into an int)
                raise MinigradError(f"result type {scalar_type_name(out.dtype)} can't be cast to the desired "
                                    f"output type {scalar_type_name(t.dtype)}")
            results.append(t.copy_(out) if inplace else out)
            continue
        if not inplace:
            results.append(getattr(t, name)(*own, **own_kw))
        elif hasattr(t, name + "_"):
            getattr(t, name + "_")(*own, **own_kw)
        else:  # maximum/minimum have no method form in place; PyTorch's foreach still has one
            t.copy_(getattr(t, name)(*own, **own_kw))
    return tensors if inplace else tuple(results)


def _pair(name: str, doc: str, value_at: int = -1) -> tuple[_Fn, _Fn]:
    """``_foreach_<name>`` and ``_foreach_<name>_`` calling ``Tensor.<name>`` on each tensor; a positional
    argument at ``value_at`` is the method's keyword-only ``value``."""

    def split(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        if 0 <= value_at < len(args):
            return args[:value_at], {"value": args[value_at], **kwargs}
        return args, kwargs

    def out_of_place(self: Sequence[Tensor], *args: Any, **kwargs: Any) -> tuple[Tensor, ...]:
        result: tuple[Tensor, ...] = _apply(name, self, *split(args, kwargs), inplace=False)
        return result

    def in_place(self: _L, *args: Any, **kwargs: Any) -> _L:
        result: _L = _apply(name, self, *split(args, kwargs), inplace=True)
        return result

    out_of_place.__name__ = out_of_place.__qualname__ = f"_foreach_{name}"
    in_place.__name__ = in_place.__qualname__ = f"_foreach_{name}_"
    out_of_place.__doc__ = f"A tuple of ``t.{name}(...)`` for each tensor t of ``self``{doc}."
    in_place.__doc__ = f"``t.{name}_(...)`` for each tensor t of ``self``{doc}; returns ``self``."
    return out_of_place, in_place


_foreach_abs, _foreach_abs_ = _pair("abs", "")
_foreach_acos, _foreach_acos_ = _pair("acos", "")
_foreach_asin, _foreach_asin_ = _pair("asin", "")
_foreach_atan, _foreach_atan_ = _pair("atan", "")
_foreach_ceil, _foreach_ceil_ = _pair("ceil", "")
_foreach_cos, _foreach_cos_ = _pair("cos", "")
_foreach_cosh, _foreach_cosh_ = _pair("cosh", "")
_foreach_erf, _foreach_erf_ = _pair("erf", "")
_foreach_erfc, _foreach_erfc_ = _pair("erfc", "")
_foreach_exp, _foreach_exp_ = _pair("exp", "")
_foreach_expm1, _foreach_expm1_ = _pair("expm1", "")
_foreach_floor, _foreach_floor_ = _pair("floor", "")
_foreach_frac, _foreach_frac_ = _pair("frac", "")
_foreach_lgamma, _foreach_lgamma_ = _pair("lgamma", "")
_foreach_log, _foreach_log_ = _pair("log", "")
_foreach_log10, _foreach_log10_ = _pair("log10", "")
_foreach_log1p, _foreach_log1p_ = _pair("log1p", "")
_foreach_log2, _foreach_log2_ = _pair("log2", "")
_foreach_neg, _foreach_neg_ = _pair("neg", "")
_foreach_reciprocal, _foreach_reciprocal_ = _pair("reciprocal", "")
_foreach_round, _foreach_round_ = _pair("round", "")
_foreach_rsqrt, _foreach_rsqrt_ = _pair("rsqrt", "")
_foreach_sigmoid, _foreach_sigmoid_ = _pair("sigmoid", "")
_foreach_sign, _foreach_sign_ = _pair("sign", "")
_foreach_sin, _foreach_sin_ = _pair("sin", "")
_foreach_sinh, _foreach_sinh_ = _pair("sinh", "")
_foreach_sqrt, _foreach_sqrt_ = _pair("sqrt", "")
_foreach_tan, _foreach_tan_ = _pair("tan", "")
_foreach_tanh, _foreach_tanh_ = _pair("tanh", "")
_foreach_trunc, _foreach_trunc_ = _pair("trunc", "")
_SECOND = " and the matching item of ``other`` (a scalar or 0-d Tensor is used for every tensor)"
_foreach_add, _foreach_add_ = _pair("add", _SECOND + ", times ``alpha``")
_foreach_sub, _foreach_sub_ = _pair("sub", _SECOND + ", times ``alpha``")
_foreach_mul, _foreach_mul_ = _pair("mul", _SECOND)
_foreach_div, _foreach_div_ = _pair("div", _SECOND)
_foreach_maximum, _foreach_maximum_ = _pair("maximum", _SECOND)
_foreach_minimum, _foreach_minimum_ = _pair("minimum", _SECOND)
_foreach_clamp_min, _foreach_clamp_min_ = _pair("clamp_min", _SECOND)
_foreach_clamp_max, _foreach_clamp_max_ = _pair("clamp_max", _SECOND)
_foreach_lerp, _foreach_lerp_ = _pair("lerp", ": ``t + weight * (end - t)`` with end from ``tensors1``")
_foreach_addcmul, _foreach_addcmul_ = _pair("addcmul", ": ``t + value * tensor1 * tensor2``", 2)
_foreach_addcdiv, _foreach_addcdiv_ = _pair("addcdiv", ": ``t + value * tensor1 / tensor2``", 2)
_pow, _foreach_pow_ = _pair("pow", _SECOND)


def _foreach_pow(self: Any, exponent: Any) -> tuple[Tensor, ...]:
    """A tuple of ``t ** e`` for each tensor t of ``self`` (e from ``exponent``), or, when ``self`` is a
    number, of ``self ** t`` for each tensor t of ``exponent``."""
    if isinstance(self, (list, tuple)):
        result: tuple[Tensor, ...] = _pow(self, exponent)
        return result
    _check(exponent)
    return tuple(self ** t for t in exponent)


def _foreach_norm(self: Sequence[Tensor], ord: float = 2, dtype: DTypeLike = None) -> tuple[Tensor, ...]:  # noqa: A002
    """A tuple of the ``ord``-norm (a 0-d tensor) of each tensor, as ``linalg.vector_norm``."""
    _check(self)
    return tuple(vector_norm(t, ord, dtype=dtype) for t in self)


def _foreach_max(self: Sequence[Tensor]) -> tuple[Tensor, ...]:
    """A tuple of the largest element (a 0-d tensor) of each tensor."""
    _check(self)
    return tuple(t.max() for t in self)


def _foreach_clone(self: Sequence[Tensor]) -> tuple[Tensor, ...]:
    """A tuple of a copy of each tensor."""
    _check(self)
    return tuple(t.clone() for t in self)


def _foreach_zero_(self: _L) -> _L:
    """Fill each tensor with zeros; returns ``self``."""
    _check(self)
    for t in self:
        t.zero_()
    return self


def _foreach_copy_(self: _L, src: Sequence[Tensor], non_blocking: bool = False) -> _L:
    """Copy each tensor of ``src`` into the matching tensor of ``self`` (broadcasting); returns ``self``.

    Raises:
        TypeError: ``src`` is not a list or tuple of tensors, or ``non_blocking`` not a bool (PyTorch's
            argument parser's words).
    """
    if not isinstance(src, (list, tuple)):
        raise TypeError(f"_foreach_copy_(): argument 'src' (position 2) must be tuple of Tensors, not "
                        f"{python_type_name(src)}")
    for i, s in enumerate(src):
        if not isinstance(s, Tensor):  # (a number would fill the tensor: PyTorch takes tensors only)
            raise TypeError(f"expected Tensor as element {i} in argument 1, but got {python_type_name(s)}")
    if not isinstance(non_blocking, bool):
        raise bool_error("_foreach_copy_", "non_blocking", non_blocking, 3)
    _check(self)
    for t, s in zip(self, _spread(self, src)):
        t.copy_(s)
    return self


__all__ = [name for name in list(globals()) if name.startswith("_foreach_")]
