"""The ``out=`` keyword of PyTorch's functions (``torch.mul(a, b, out=c)``).

PyTorch's own tutorials write results into an existing tensor this way. The
functions compute as usual and the result is then copied into ``out``, with
PyTorch's rules: ``out`` is resized (with PyTorch's warning when it held
elements), the result must be castable to ``out``'s dtype (an op of several results takes
exactly their dtypes), and nothing may
require grad while grad mode is on, since ``out=`` is outside autograd.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any

import numpy as np

from minigrad import _public, _subclass, return_types
from minigrad._state_array import StateArray
from minigrad.dtypes import c_type_name, can_cast, scalar_type_name
from minigrad.errors import WRAPPER_CODES, DTypeError, MinigradError, not_tensor_error, python_type_name
from minigrad.grad_mode import _extras, is_grad_enabled
from minigrad.tensor import Tensor, refuse_overlap, state_operand


def accept_out(namespace: MutableMapping[str, Any], names: Iterable[str], prefix: str = "") -> None:
    """Replace each function ``namespace[name]`` by one that also takes ``out=`` (keyword-only), with the
    public forms' ``__torch_function__`` dispatch and number refusal (:mod:`minigrad._public`; ``prefix``:
    what PyTorch's messages put before the name, ``linalg_``).

    Functions that already take ``out`` are left alone.
    """
    for name in names:
        fn = namespace.get(name)
        if not inspect.isfunction(fn):
            continue
        sig = inspect.signature(fn)
        if "out" in sig.parameters:
            continue
        namespace[name] = _with_out(fn, sig, name, prefix)
        # pickle finds a function by module and name: the wrapper's module is the namespace it lives in
        namespace[name].__module__ = namespace.get("__name__", fn.__module__)


def _with_out(fn: Callable[..., Any], sig: inspect.Signature, public: str, prefix: str) -> Callable[..., Any]:
    refused = public in _REFUSED
    # torch.cholesky casts its result into out= (torch.linalg.cholesky does not)
    casts = (fn.__module__, fn.__name__) == ("minigrad.linalg_functions", "cholesky")
    params = _public.tensor_params(fn)
    both = prefix + public in _public.PYTHON_FORMS  # (the refusal is also an AttributeError)

    @functools.wraps(fn)
    def call(*args: Any, out: Any = None, **kwargs: Any) -> Any:
        if _extras.subclass and not _subclass.state.disabled:  # (a dispatching Tensor subclass exists)
            found = _public.overloaded((*args, out), kwargs)
            if found:
                return _public.dispatch(call, found, args, kwargs if out is None else {**kwargs, "out": out})
        if args and type(args[0]) is StateArray:  # a state dict's value, a tensor to PyTorch code
            args = (state_operand(args[0]), *args[1:])
        if out is None:
            try:
                return fn(*args, **kwargs)
            except Exception as error:
                # torch.exp(2), torch.sum(None): the function read a Tensor's attribute off a number;
                # PyTorch's argument parser refuses it first, with a TypeError; a tensor-like object
                # takes the call (the tests cost nothing on the way through)
                found = _public.overloaded(args, kwargs, subclasses=False)
                if not found:
                    _public.refuse_number(error, prefix + public, params, args, both)
                    raise
            return _public.dispatch(call, found, args, kwargs)
        if refused:
            _refuse(public, args, kwargs, out)
        if fn.__name__ in _FACTORIES and kwargs.get("dtype") is None and isinstance(out, Tensor):
            kwargs["dtype"] = out.dtype  # (as PyTorch's: zeros(2, out=ints), sum(floats, out=ints))
        if is_grad_enabled() and any(_requires_grad(a) for a in (*args, *kwargs.values(), out)):
            raise MinigradError(
                f"{fn.__name__}(): functions with out=... arguments don't support automatic "
                "differentiation, but one of the arguments requires grad."
            )
        if fn.__module__ in _POINTWISE_MODULES or fn.__name__ in _OVERLAP_CHECKED:
            _check_overlap(out, (*args, *kwargs.values()))
        result = fn(*args, **kwargs)
        if isinstance(result, tuple):
            if not isinstance(out, (tuple, list)) or len(out) != len(result):
                raise TypeError(f"{fn.__name__}(): out must be a tuple of {len(result)} Tensors")
            _check_tuple_dtypes(fn.__name__, result, out)
            for r, o in zip(result, out):
                _store(fn.__name__, r, o, casts)
            if not hasattr(result, "_fields"):
                return tuple(out)
            return return_types.OUT_FORMS.get(type(result), type(result))(*out)  # (torch's sort_out, ...)
        _store(fn.__name__, result, out, casts)
        return out

    given = [*sig.parameters.values()]
    keyword = inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY, default=None)
    at = next((i for i, p in enumerate(given) if p.kind == inspect.Parameter.VAR_KEYWORD), len(given))
    call.__signature__ = sig.replace(parameters=[*given[:at], keyword, *given[at:]])  # type: ignore[attr-defined]
    call.__name__ = prefix + public  # (torch.linalg.det's name is linalg_det)
    call._public = True  # type: ignore[attr-defined]
    call._python = both  # type: ignore[attr-defined]
    # (warnings' stacklevel passes over its frame: PyTorch's functions have none)
    WRAPPER_CODES.add(call.__code__)  # type: ignore[attr-defined]
    return call


# functions PyTorch takes no out= for (its parser's TypeError "got an unexpected keyword argument 'out'",
# naming the Python function that raises it)
_NO_OUT: dict[str, str] = {n: n for n in (
    "allclose", "argwhere", "cdist", "diagflat", "diagonal", "einsum", "equal", "is_nonzero", "isclose",
    "isfinite", "isnan", "isinf", "relu", "unravel_index", "unsafe_chunk", "vander", "tril_indices",
    "triu_indices", "bincount", "index_put", "masked_scatter", "diag_embed", "dist", "trace")}
_NO_OUT.update(unique="_return_output", unique_consecutive="_consecutive_return_output")
# ... and those whose C overloads have none (its parser's "invalid combination of arguments")
_NO_OUT_OVERLOAD = frozenset({"cumulative_trapezoid", "gradient", "trapezoid", "trapz", "count_nonzero",
                              "masked_fill", "index_fill", "rsub", "std_mean", "var_mean",
                              "repeat_interleave", "fill"})
# only some overloads take out=: the reductions along a dim (argsort's stable one), where's of tensors
_SOME_OVERLOADS = frozenset({"median", "nanmedian", "sum", "prod", "argsort", "where"})
_REFUSED = _NO_OUT.keys() | _NO_OUT_OVERLOAD | _SOME_OVERLOADS


def _refuse(name: str, args: tuple[Any, ...], kwargs: dict[str, Any], out: Any) -> None:
    """Raise PyTorch's TypeError for ``out=`` given to ``name``'s form that has none.

    Raises:
        TypeError: ``name`` takes no out= (or not with these arguments): PyTorch's parser's words.
    """
    if name in _NO_OUT:
        raise TypeError(f"{_NO_OUT[name]}() got an unexpected keyword argument 'out'")
    if name == "where":  # (out= only with tensor operands)
        for k, (arg, v) in enumerate(zip(("input", "other"), args[1:3]), start=2):
            if not isinstance(v, Tensor):
                raise not_tensor_error("where", arg, k, v)
        return
    if name == "argsort" and "stable" in kwargs:
        return
    if name in ("median", "nanmedian", "sum", "prod"):
        dim = args[1] if len(args) > 1 else kwargs.get("dim", inspect.Parameter.empty)
        if dim is None and name in ("median", "nanmedian"):
            raise TypeError(f"{name}(): argument 'dim' (position 2) must be int, not NoneType")
        if dim is not inspect.Parameter.empty:
            return
        if name in ("median", "nanmedian") or kwargs:
            raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')
    got = ", ".join([*(python_type_name(a) for a in args), f"out={python_type_name(out)}",
                     *(f"{k}={python_type_name(v)}" for k, v in kwargs.items())])
    raise TypeError(f"{name}() received an invalid combination of arguments - got ({got}), but expected one "
                    "of:")


def _check_tuple_dtypes(name: str, result: tuple[Any, ...], out: tuple[Any, ...] | list[Any]) -> None:
    """PyTorch's ops of several results (sort's values and indices, max(dim), qr, ...) take out= tensors
    of exactly their results' dtypes (no cast: sort of int64 into float values is its RuntimeError);
    geqrf and linalg.lstsq cast, as ops of one result; cummax and cummin have their words in :func:`_store`.

    Raises:
        DTypeError: an out tensor's dtype is not its result's.
    """
    if name in ("geqrf", "lstsq") or name in _EXACT_OUT:
        return
    for k, (r, o) in enumerate(zip(result, out)):
        if isinstance(r, Tensor) and isinstance(o, Tensor) and r.dtype != o.dtype:
            want, got = c_type_name(r.dtype), c_type_name(o.dtype)
            words = {
                "frexp": f"torch.frexp() expects mantissa to have dtype {want} but got {got}" if k == 0
                else f"torch.frexp() expects exponent to have int dtype but got {got}",
                "kthvalue": "output indices must be of scalar type Long" if k else
                "output values must be of same type as input",
                "mode": f"expected scalar type '{_scalar_name(r.dtype)}' but got '{_scalar_name(o.dtype)}' "
                        f"for {'indices' if k else 'values'} output",
            }
            default = f"Expected out tensor to have dtype {want}, but got {got} instead"
            raise DTypeError(words.get(name, default))


# PyTorch's elementwise kernels (and cat, gather, ...) refuse an out= tensor partly overlapping an
# input; its reductions and matrix products do not check
_POINTWISE_MODULES = frozenset({"minigrad.pointwise", "minigrad.number_ops"})
_OVERLAP_CHECKED = frozenset({
    "cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack", "column_stack", "gather",
    "index_select", "cumsum", "cumprod", "logcumsumexp", "diff", "kron", "outer", "ger", "addr", "msort",
    "hardshrink", "normal", "where", "clamp", "clip", "clamp_min", "clamp_max", "nonzero"})


def _check_overlap(out: Any, operands: tuple[Any, ...]) -> None:
    """Raises MinigradError (PyTorch's RuntimeError) if an operand partly overlaps an out= tensor."""
    outs = out if isinstance(out, (tuple, list)) else (out,)
    written = [o._array for o in outs if isinstance(o, Tensor)]
    for x in operands:
        for t in (x,) if isinstance(x, Tensor) else x if isinstance(x, (tuple, list)) else ():
            if isinstance(t, Tensor):
                for a in written:
                    refuse_overlap(a, t._array)


def _requires_grad(x: Any) -> bool:
    if isinstance(x, Tensor):
        return x.requires_grad
    return isinstance(x, (list, tuple)) and any(_requires_grad(v) for v in x)


# factories, sums and products (PyTorch's get_dtype_from_result): out= gives the dtype when dtype= does not
_FACTORIES = frozenset({"zeros", "ones", "empty", "full", "arange", "range", "linspace", "logspace", "eye",
                        "rand", "randn", "randint", "randperm", "sum", "prod", "cumsum", "cumprod"})

# factories and draws: PyTorch resizes their out= tensors without its warning (arange has its own words)
_QUIET_RESIZE = frozenset({"zeros", "ones", "empty", "full", "range", "linspace", "logspace", "eye", "rand",
                           "randn", "randint", "randperm", "normal", "bernoulli", "multinomial"})

# cat and the stacks built on it: an out= tensor the inputs cannot be cast to is its TypeError
_CAT_FORMS = frozenset({"cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack",
                        "column_stack"})

# ops whose out= tensors must have the result's dtype exactly (PyTorch checks them before computing)
_EXACT_OUT = frozenset({"cummax", "cummin", "logcumsumexp"})


# Ops whose out= tensor must have the result's dtype (no cast), in PyTorch's words: {want}/{got} are C type
# names (float, long int), {Want}/{Got} scalar type names (Float, Long)
_SAME_DTYPE: dict[str, str] = {}
for _names, _words in (
    (("matmul", "mm", "bmm", "addmm", "mv", "addmv", "baddbmm", "norm", "vector_norm", "tril", "triu", "diag",
      "argmax", "argmin", "gather", "cross", "inverse", "det", "renorm", "msort", "cholesky", "solve",
      "matrix_power", "isin", "index_add", "scatter", "scatter_add", "index_copy", "take_along_dim",
      "argsort", "lu_solve", "frobenius_norm", "slice_scatter", "index_reduce"),
     "Expected out tensor to have dtype {want}, but got {got} instead"),
    (("ormqr",), "torch.ormqr: Expected input and result to have the same dtype, but input has dtype{Want} "
                 "and result has dtype {Got}"),
    (("heaviside",), "heaviside is not yet implemented for tensors with different dtypes."),
    (("histc",), "torch.histogram: input tensor and hist tensor should have the same dtype, but got input "
                 "{want} and hist {got}"),
    (("addbmm",), "self and mat2 must have the same dtype, but got {Got} and {Want}"),
    (("searchsorted", "bucketize"),
     "torch.searchsorted(): output tensor's dtype is wrong, it can only be Int(int32) or Long(int64) "
     "depending on whether out_int32 flag is True, but we got output tensor's dtype {Got} and out_int32 flag "
     "is {int32}"),
    (("conj_physical", "abs", "clamp", "clamp_min", "clamp_max", "round", "neg", "sign", "floor", "ceil",
      "trunc", "frac"),
     "Found dtype {Got} but expected {Want}"),
    (("where",), "Expected out type to be {Want} but got {Got}"),
    (("masked_select", "index_select"), "{name}(): self and result must have the same scalar type"),
    (("amax", "amin"), "Expected the dtype for input and out to match, but got {Want} for input's dtype and "
                       "{Got} for out's dtype."),
    (("take",), "take(): self and out expected to have the same dtype, but got self.dtype = {Want} and "
                "out.dtype = {Got}"),
    (("nan_to_num",), "nan_to_num: dtype of out: {Got} should be same as input: {Want}"),
    (("dot", "vdot"), "result dtype {Got} does not match input dtype {Want}"),
    (("inner", "tensordot"), "tensordot: Expected the output tensor to have dtype {Want}, but got an output "
                             "tensor with dtype {Got}"),
    (("matrix_norm", "nuclear_norm"), "linalg.matrix_norm expected out tensor dtype {Want} but got: {Got}"),
    (("multi_dot", "chain_matmul"), "multi_dot(): expected out tensor to have dtype {want} but got {got}"),
    (("quantile", "nanquantile"), "{name}() out tensor must be same dtype as the input tensor"),
    (("all", "any"), "{name} only supports bool tensor for result, got: {Got}"),
):
    _SAME_DTYPE.update(dict.fromkeys(_names, _words))


def _store(name: str, result: Any, out: Any, casts: bool = False) -> None:
    """Copy ``result`` into the Tensor ``out``, resizing it if the shapes differ (with PyTorch's warning if
    it held elements, except for a factory's or a random draw's, as PyTorch's).

    Raises:
        TypeError: ``out`` is not a Tensor.
        DTypeError: the result's dtype cannot be cast to ``out``'s (float into an int tensor), or is not
            ``out``'s for an op PyTorch casts no result of (``_SAME_DTYPE``), or ``nonzero``'s out is not
            int64, or cummax/cummin/logcumsumexp's is not the result's (PyTorch's rules).
    """
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if name == "nonzero" and out.dtype != np.int64:  # (PyTorch's words lack the space before the type)
        raise DTypeError(f"nonzero: Expected out tensor to have scalar type Long but got scalar type"
                         f"{_scalar_name(out.dtype)}")
    if name == "signbit" and out.dtype != np.bool_:
        raise DTypeError("signbit does not support non-boolean outputs.")
    r = result.numpy(force=True) if isinstance(result, Tensor) else np.asarray(result)
    if name == "float_power" and out.dtype != r.dtype:  # (its result is float64, cast into no other)
        raise DTypeError(f"the output given to float_power has dtype {_scalar_name(out.dtype)} but the "
                         f"operation's result requires dtype {_scalar_name(r.dtype)}")
    if name == "logsumexp" and out.dtype.kind != "f":
        raise DTypeError(f"logsumexp(): Expected floating point type for result tensor, but got: "
                         f"{_scalar_name(out.dtype)}")
    if name in _CAT_FORMS and not can_cast(r.dtype, out.dtype):  # (PyTorch's TypeError, not RuntimeError)
        raise TypeError(f"torch.cat(): input types can't be cast to the desired output type "
                        f"{_scalar_name(out.dtype)}")
    if (name in ("matrix_power", "geqrf") or casts) and not can_cast(r.dtype, out.dtype):
        what = "a" if name == "geqrf" else "result"
        raise DTypeError(f"{'torch.' * (name == 'geqrf')}{name}: Expected {what} to be safely castable from "
                         f"{_scalar_name(r.dtype)} dtype, but got {what} with dtype "
                         f"{_scalar_name(out.dtype)}")
    if name in _SAME_DTYPE and r.dtype != out.dtype and not casts:
        if name == "diag" and not can_cast(r.dtype, out.dtype):  # (its cast check comes first)
            raise DTypeError(f"diag: result type {_scalar_name(r.dtype)} can't be cast to the desired out= "
                             f"type {_scalar_name(out.dtype)}")
        raise DTypeError(_SAME_DTYPE[name].format(
            name=name, want=c_type_name(r.dtype), got=c_type_name(out.dtype), Want=_scalar_name(r.dtype),
            Got=_scalar_name(out.dtype), int32=r.dtype == np.int32))
    if name in _EXACT_OUT and r.dtype != out.dtype:
        raise DTypeError(f"expected scalar_type {_scalar_name(r.dtype)} but found {_scalar_name(out.dtype)}")
    if not can_cast(r.dtype, out.dtype) and name != "bernoulli":  # bernoulli draws 0/1 in out's dtype
        raise DTypeError(f"result type {_scalar_name(r.dtype)} can't be cast to the desired output type "
                         f"{_scalar_name(out.dtype)}")
    if out.shape == r.shape:
        out._write(lambda a: np.copyto(a, r, casting="unsafe"))
        return
    if out.numel() != 0 and name not in _QUIET_RESIZE:
        warnings.warn(
            f"An output with one or more elements was resized since it had shape {list(out.shape)}, which "
            f"does not match the required output shape {list(r.shape)}. This behavior is deprecated, and in "
            "a future PyTorch release outputs will not be resized unless they have zero elements. You can "
            "explicitly reuse an out tensor t by resizing it, inplace, to zero elements with t.resize_(0).",
            UserWarning, stacklevel=3,
        )
    out._write(lambda a: np.array(r, dtype=out.dtype))


_scalar_name = scalar_type_name
