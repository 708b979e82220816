"""``autocast``: accepted as PyTorch spells it; the region runs in full precision, with a warning.

PyTorch's global autocast state functions (``torch.get_autocast_dtype``, ``set_autocast_enabled``, the
nesting counter, the cast cache flag) are here too: the dtypes, nesting and cache flag are kept as
PyTorch keeps them, but autocast itself stays disabled (turning it on warns, as ``autocast`` does).
``custom_fwd`` / ``custom_bwd``: the decorators a custom Function's forward and backward wear for autocast.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from minigrad.dtypes import bfloat16, float16
from minigrad.dtypes import dtype as _dtype
from minigrad.errors import InvalidParameterError, python_type_name

__all__ = ["autocast", "custom_bwd", "custom_fwd", "is_autocast_available", "is_autocast_enabled"]

_F = TypeVar("_F", bound=Callable[..., Any])
_DEVICES = ("cpu", "cuda", "mps", "xpu")


def is_autocast_available(device_type: str) -> bool:
    """Whether PyTorch knows ``device_type`` as an autocast device (minigrad then warns and disables)."""
    return device_type in _DEVICES


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """False: minigrad never computes in reduced precision, inside ``autocast`` or not.

    Raises:
        TypeError: ``device_type`` is given and is not a str.
    """
    if device_type is not None:
        _device(device_type, "is_autocast_enabled")
    return False


# PyTorch's defaults: bfloat16 on the CPU, float16 on accelerators
_dtypes: dict[str, Any] = {"cpu": bfloat16}
_state = {"nesting": 0, "cache": True}


def _typed(fn: str, name: str, position: int, value: Any, kind: type, words: str) -> None:
    """PyTorch's argument-parser TypeError unless ``value`` is a ``kind`` (``words`` names it)."""
    if not (type(value) is bool if kind is bool else isinstance(value, kind)):  # (an int is no bool here)
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be {words}, not "
                        f"{python_type_name(value)}")


def _device(device_type: str, fn: str = "get_autocast_dtype") -> str:
    _typed(fn, "device_type", 1, device_type, str, "str")
    if not is_autocast_available(device_type):
        raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}'")
    return device_type


def get_autocast_dtype(device_type: str) -> Any:
    """The dtype autocast on ``device_type`` would compute in (bfloat16 on "cpu", float16 elsewhere,
    unless set).

    Raises:
        RuntimeError: ``device_type`` is not a device PyTorch can autocast.
    """
    return _dtypes.get(_device(device_type), float16)


def set_autocast_dtype(device_type: str, dtype: Any) -> None:
    """Set the dtype :func:`get_autocast_dtype` reports for ``device_type`` (nothing is cast in minigrad)."""
    _typed("set_autocast_dtype", "dtype", 2, dtype, _dtype, "torch.dtype")
    _dtypes[_device(device_type, "set_autocast_dtype")] = dtype


def _deprecated(old: str, new: str) -> None:
    warnings.warn(f"torch.{old} is deprecated. Please use torch.{new} instead.", DeprecationWarning,
                  stacklevel=3)


def get_autocast_cpu_dtype() -> Any:
    """``get_autocast_dtype("cpu")`` (deprecated: warns, as PyTorch)."""
    _deprecated("get_autocast_cpu_dtype()", "get_autocast_dtype('cpu')")
    return get_autocast_dtype("cpu")


def set_autocast_cpu_dtype(dtype: Any) -> None:
    """``set_autocast_dtype("cpu", dtype)`` (deprecated: warns, as PyTorch)."""
    _deprecated("set_autocast_cpu_dtype(dtype)", "set_autocast_dtype('cpu', dtype)")
    set_autocast_dtype("cpu", dtype)


def get_autocast_gpu_dtype() -> Any:
    """``get_autocast_dtype("cuda")`` (deprecated: warns, as PyTorch)."""
    _deprecated("get_autocast_gpu_dtype()", "get_autocast_dtype('cuda')")
    return get_autocast_dtype("cuda")


def set_autocast_gpu_dtype(dtype: Any) -> None:
    """``set_autocast_dtype("cuda", dtype)`` (deprecated: warns, as PyTorch)."""
    _deprecated("set_autocast_gpu_dtype(dtype)", "set_autocast_dtype('cuda', dtype)")
    set_autocast_dtype("cuda", dtype)


def set_autocast_enabled(device_type: Any, enabled: bool | None = None) -> None:
    """PyTorch's switch for autocast on ``device_type`` (also the old one-argument form ``(enabled)``):
    minigrad has no mixed precision, so turning it on warns and autocast stays off."""
    if enabled is None:  # the deprecated set_autocast_enabled(enabled)
        _typed("set_autocast_enabled", "enabled", 1, device_type, bool, "bool")
        device_type, enabled = "cuda", device_type
    _typed("set_autocast_enabled", "enabled", 2, enabled, bool, "bool")
    _device(device_type, "set_autocast_enabled")
    if enabled:
        warnings.warn(f"minigrad has no mixed precision: autocast on '{device_type}' stays disabled",
                      UserWarning, stacklevel=2)


def is_autocast_cpu_enabled() -> bool:
    """False: see :func:`is_autocast_enabled` (deprecated: warns, as PyTorch)."""
    _deprecated("is_autocast_cpu_enabled()", "is_autocast_enabled('cpu')")
    return False


def set_autocast_cpu_enabled(enabled: bool) -> None:
    """``set_autocast_enabled("cpu", enabled)`` (deprecated: warns, as PyTorch)."""
    _deprecated("set_autocast_cpu_enabled(enabled)", "set_autocast_enabled('cpu', enabled)")
    set_autocast_enabled("cpu", enabled)


def autocast_increment_nesting() -> int:
    """One more autocast region entered; the new depth (PyTorch's counter)."""
    _state["nesting"] += 1
    return _state["nesting"]


def autocast_decrement_nesting() -> int:
    """One autocast region left; the new depth."""
    _state["nesting"] -= 1
    return _state["nesting"]


def is_autocast_cache_enabled() -> bool:
    """Whether autocast would cache its casts of weights (True unless turned off)."""
    return bool(_state["cache"])


def set_autocast_cache_enabled(enabled: bool) -> None:
    """Turn the (never filled) autocast cast cache on or off.

    Raises:
        TypeError: ``enabled`` is not a bool.
    """
    if type(enabled) is not bool:
        raise TypeError(f"enabled must be a bool (got {python_type_name(enabled)})")
    _state["cache"] = enabled


def clear_autocast_cache() -> None:
    """Drop autocast's cached casts: minigrad casts nothing, so there is none."""


class autocast:  # noqa: N801  (PyTorch's name)
    """``autocast(device_type, dtype=None, enabled=True, cache_enabled=None)``: context manager or decorator.

    minigrad has no mixed precision: operations inside the region run in their
    inputs' precision. When ``enabled`` is True the constructor warns
    (``UserWarning``) and disables itself, as PyTorch does for a device or
    dtype it cannot autocast; with ``enabled=False`` it is silent. Results are
    therefore the full-precision ones, never silently rounded differently.

    Raises:
        InvalidParameterError (a ValueError): ``device_type`` is not a string.
        RuntimeError: ``device_type`` is not a device PyTorch can autocast.
    """

    def __init__(self, device_type: str, dtype: Any = None, enabled: bool = True,
                 cache_enabled: bool | None = None) -> None:
        if not isinstance(device_type, str):
            raise InvalidParameterError(
                f"autocast: expected `device_type` of type `str`, got: `{type(device_type)}`")
        if not is_autocast_available(device_type):
            raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}'")
        del cache_enabled
        self.device = device_type
        # kept for introspection (the device's autocast dtype when None, as PyTorch's); nothing is cast
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        if enabled and device_type == "cuda":  # (PyTorch's own warning on a machine without CUDA)
            warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.", UserWarning,
                          stacklevel=2)
        elif enabled:
            warnings.warn(f"minigrad has no mixed precision: autocast on '{device_type}' is disabled and the "
                          "region runs in full precision", UserWarning, stacklevel=2)
        self._enabled = False

    def __enter__(self) -> autocast:
        """Itself, as PyTorch's (``with torch.autocast('cpu') as ctx:``)."""
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        return None

    def __call__(self, fn: _F) -> _F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def _device_type(device_type: Any) -> str:
    if not isinstance(device_type, str):
        raise InvalidParameterError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    return device_type


def custom_fwd(fwd: Callable[..., Any] | None = None, *, device_type: str,
               cast_inputs: Any = None) -> Callable[..., Any]:
    """Decorator for a custom ``autograd.Function``'s ``forward`` (``@custom_fwd(device_type='cpu')`` or with
    ``cast_inputs=dtype``). PyTorch casts the inputs to ``cast_inputs`` and turns autocast off only inside an
    enabled autocast region, which minigrad never has (see :class:`autocast`): the forward runs on its
    inputs as given, as PyTorch's does outside such a region. Like PyTorch's it records on ``ctx`` the dtype
    autocast would use (``ctx._dtype``) and that autocast was off (``ctx._fwd_used_autocast``), which
    :func:`custom_bwd` reads.

    Raises:
        InvalidParameterError (a ValueError): ``device_type`` is not a string.
    """
    _device_type(device_type)
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)
    fast = bfloat16 if device_type in ("cpu", "hpu") else float16  # (PyTorch's defaults)

    @functools.wraps(fwd)
    def forward(*args: Any, **kwargs: Any) -> Any:
        args[0]._dtype = fast
        args[0]._fwd_used_autocast = is_autocast_enabled(device_type)
        return fwd(*args, **kwargs)

    return forward


def custom_bwd(bwd: Callable[..., Any] | None = None, *, device_type: str) -> Callable[..., Any]:
    """Decorator for a custom Function's ``backward``: PyTorch runs it in the autocast state its
    :func:`custom_fwd` forward saw, which in minigrad is always off, so it runs as written.

    Raises:
        InvalidParameterError (a ValueError): ``device_type`` is not a string.
    """
    _device_type(device_type)
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)
    return bwd
