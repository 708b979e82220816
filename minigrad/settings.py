"""Process-wide switches that PyTorch scripts set at the top: thread counts, float32 matmul precision
and deterministic algorithms.

minigrad accepts them with PyTorch's names and argument checks and reports
back what was set. Neither changes how minigrad computes: numpy's BLAS sizes
its thread pool when it loads, and minigrad's CPU ops are deterministic
anyway. Each docstring says what the setting does here.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np

from minigrad.errors import InvalidParameterError, MinigradError

__all__ = [
    "are_deterministic_algorithms_enabled", "get_deterministic_debug_mode", "get_float32_matmul_precision",
    "get_num_interop_threads", "get_num_threads", "is_deterministic_algorithms_warn_only_enabled",
    "set_deterministic_debug_mode", "set_float32_matmul_precision", "set_num_interop_threads",
    "set_num_threads", "use_deterministic_algorithms", "is_warn_always_enabled", "set_warn_always",
]  # fmt: skip


def _default_threads() -> int:
    """What PyTorch starts with: ``OMP_NUM_THREADS`` when it is a positive int, else the CPU count."""
    env = os.environ.get("OMP_NUM_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return os.cpu_count() or 1


_state: dict[str, Any] = {
    "threads": _default_threads(), "interop_threads": _default_threads(), "interop_set": False,
    "deterministic": False, "warn_only": False, "matmul_precision": "highest", "warn_always": False,
}  # fmt: skip


def _positive_int(fn: str, value: Any) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise InvalidParameterError(f"{fn} expects an int, but got {type(value).__name__}")
    if value <= 0:
        raise InvalidParameterError(f"{fn} expects a positive integer, got {value}")
    return int(value)


def set_num_threads(num_threads: int) -> None:
    """Record ``num_threads`` as the number of threads for intra-op parallelism, as ``torch.set_num_threads``.

    :func:`get_num_threads` returns it afterwards. It does not change how many
    threads minigrad computes with: the work is numpy's, and numpy's BLAS
    library sizes its thread pool once, when numpy is first imported, from
    ``OMP_NUM_THREADS`` / ``OPENBLAS_NUM_THREADS`` / ``MKL_NUM_THREADS``. To
    run on one thread, set ``OMP_NUM_THREADS=1`` in the environment before
    starting Python.

    Raises:
        InvalidParameterError: not an int, or not positive (a RuntimeError, as PyTorch's).
    """
    _state["threads"] = _positive_int("set_num_threads", num_threads)


def get_num_threads() -> int:
    """The number of intra-op threads last set with :func:`set_num_threads`.

    Before any call, PyTorch's default: ``OMP_NUM_THREADS`` when set, else the
    number of CPUs. This is the recorded number, not a measurement of numpy's
    BLAS pool (see :func:`set_num_threads`).
    """
    threads: int = _state["threads"]
    return threads


def set_num_interop_threads(num_threads: int) -> None:
    """Record the number of inter-op threads, as ``torch.set_num_interop_threads``; allowed once.

    minigrad runs one op at a time, so nothing uses them;
    :func:`get_num_interop_threads` reads the number back.

    Raises:
        InvalidParameterError: not an int, or not positive (a RuntimeError, as PyTorch's).
        MinigradError: called a second time (PyTorch allows one call, before any parallel work).
    """
    if _state["interop_set"]:
        raise MinigradError("cannot set number of interop threads after parallel work has started or "
                            "set_num_interop_threads called")
    _state["interop_threads"] = _positive_int("set_num_interop_threads", num_threads)
    _state["interop_set"] = True


def get_num_interop_threads() -> int:
    """The number given to :func:`set_num_interop_threads`, else the default of ``get_num_threads``."""
    threads: int = _state["interop_threads"]
    return threads


_PRECISIONS = ("highest", "high", "medium")


def set_float32_matmul_precision(precision: str) -> None:
    """Record the float32 matmul precision, as ``torch.set_float32_matmul_precision``.

    ``'highest'``, ``'high'`` or ``'medium'`` (another string warns and changes
    nothing, as PyTorch). PyTorch may then use TF32 or bfloat16 arithmetic on
    GPUs; minigrad's float32 products are always numpy's full float32, so this
    is recorded for :func:`get_float32_matmul_precision` and changes no result.

    Raises:
        InvalidParameterError: not a string (a RuntimeError, as PyTorch's).
    """
    if not isinstance(precision, str):
        raise InvalidParameterError(
            f"set_float32_matmul_precision expects a str, but got {type(precision).__name__}")
    if precision not in _PRECISIONS:
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      "set_float32_matmul_precision call has no effect.", UserWarning, stacklevel=2)
        return
    _state["matmul_precision"] = precision


def get_float32_matmul_precision() -> str:
    """The precision last set with :func:`set_float32_matmul_precision` (``'highest'`` at first)."""
    precision: str = _state["matmul_precision"]
    return precision


def _check_flag(fn: str, name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{fn}(): argument '{name}' must be bool, not {type(value).__name__}")
    return value


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Ask for deterministic algorithms only, as ``torch.use_deterministic_algorithms``.

    minigrad's ops are deterministic already (numpy on the CPU: no atomic
    adds, no autotuned kernels), so there is nothing to switch or to warn
    about; the flags are recorded and read back by
    :func:`are_deterministic_algorithms_enabled` and
    :func:`is_deterministic_algorithms_warn_only_enabled`.

    Raises:
        TypeError: ``mode`` or ``warn_only`` is not a bool.
    """
    _state["deterministic"] = _check_flag("use_deterministic_algorithms", "mode", mode)
    _state["warn_only"] = _check_flag("use_deterministic_algorithms", "warn_only", warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    """Whether :func:`use_deterministic_algorithms` was last called with True."""
    enabled: bool = _state["deterministic"]
    return enabled


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """Whether :func:`use_deterministic_algorithms` was last called with ``warn_only=True``."""
    warn_only: bool = _state["warn_only"]
    return warn_only


_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def set_deterministic_debug_mode(debug_mode: str | int) -> None:
    """PyTorch's other spelling of :func:`use_deterministic_algorithms`.

    ``'default'`` / 0: off; ``'warn'`` / 1: on with ``warn_only``; ``'error'`` / 2: on.

    Raises:
        InvalidParameterError: another string or number (a RuntimeError, as PyTorch's).
        TypeError: neither a string nor an int.
    """
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise InvalidParameterError("invalid value of debug_mode, expected one of 'default', 'warn', "
                                        f"'error', but got {debug_mode!r}")
        debug_mode = _DEBUG_MODES[debug_mode]
    elif not isinstance(debug_mode, int):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode).__name__}")
    if debug_mode not in (0, 1, 2):
        raise InvalidParameterError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode() -> int:
    """0 (off), 1 (on, warn only) or 2 (on), as ``torch.get_deterministic_debug_mode``."""
    if not are_deterministic_algorithms_enabled():
        return 0
    return 1 if is_deterministic_algorithms_warn_only_enabled() else 2


def set_warn_always(b: bool) -> None:
    """Make warnings PyTorch gives once per process be given every time (``torch.set_warn_always``).

    minigrad gives such warnings (``backward(create_graph=True)``'s reference-cycle warning) only
    when this is on.
    """
    _state["warn_always"] = bool(b)


def is_warn_always_enabled() -> bool:
    """Whether :func:`set_warn_always` is on."""
    return bool(_state["warn_always"])


_warned_once: set[str] = set()


def warn_once_due(name: str) -> bool:
    """Whether the warning ``name`` that PyTorch gives with TORCH_WARN_ONCE is due: the first time in the
    process, or every time under :func:`set_warn_always`."""
    due = name not in _warned_once or bool(_state["warn_always"])
    _warned_once.add(name)
    return due
