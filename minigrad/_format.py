"""Tensor printing, laid out exactly as PyTorch's ``repr`` does, and ``set_printoptions``.

Learners compare minigrad's output with PyTorch's side by side, so the layout
follows ``torch/_tensor_str.py`` (by default precision 4, 1000-element
summarisation threshold with 3 edge items, 80-column lines): one width for
every element, fixed or scientific notation chosen from the smallest and
largest non-zero finite magnitudes, and floats that all hold whole numbers
printed as ``1.``.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from minigrad.tensor import Array, Tensor

__all__ = ["array_repr", "set_printoptions", "tensor_repr"]


@dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


OPTIONS = _PrintOptions()
#: the package name reprs show (``dtype=minigrad.int8``, ``minigrad.Size([2])``). minigrad.compat
#: sets it to "torch" while ``import torch`` means minigrad, so a script prints what it would under
#: PyTorch.
NAMESPACE = "minigrad"
_INT64, _BOOL = np.dtype(np.int64), np.dtype(np.bool_)
_PROFILES = {
    "default": _PrintOptions(),
    "short": _PrintOptions(precision=2, edgeitems=2),
    "full": _PrintOptions(threshold=math.inf),
}


def set_printoptions(precision: int | None = None, threshold: float | None = None,
                     edgeitems: int | None = None, linewidth: int | None = None, profile: str | None = None,
                     sci_mode: bool | None = None) -> None:
    """Set how tensors print, as ``torch.set_printoptions``.

    Args:
        precision: digits after the point for floats (default 4).
        threshold: more elements than this are summarised with ``...`` (default 1000).
        edgeitems: items shown at each end of every dim when summarised (default 3).
        linewidth: characters per line before wrapping (default 80).
        profile: ``'default'``, ``'short'`` (precision 2, 2 edge items) or ``'full'``
            (never summarise), applied first; other names are ignored, as PyTorch does.
        sci_mode: True or False forces scientific or fixed notation; None (the
            default, also when not given) chooses from the magnitudes.
    """
    if profile in _PROFILES:
        base = _PROFILES[profile]
        OPTIONS.precision, OPTIONS.threshold = base.precision, base.threshold
        OPTIONS.edgeitems, OPTIONS.linewidth = base.edgeitems, base.linewidth
    if precision is not None:
        OPTIONS.precision = precision
    if threshold is not None:
        OPTIONS.threshold = threshold
    if edgeitems is not None:
        OPTIONS.edgeitems = edgeitems
    if linewidth is not None:
        OPTIONS.linewidth = linewidth
    OPTIONS.sci_mode = sci_mode


class _Formatter:
    """Chooses one notation and one width for all the elements that are shown."""

    def __init__(self, values: Array) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = values.reshape(-1)
        if not self.floating:
            for v in flat.tolist():
                self.max_width = max(self.max_width, len(f"{v}"))
            return
        finite = flat[np.isfinite(flat) & (flat != 0)]
        if finite.size == 0:
            return
        vals: list[float] = finite.tolist()
        mags = np.abs(finite.astype(np.float64))
        lo, hi = float(mags.min()), float(mags.max())
        self.int_mode = all(v == math.ceil(v) for v in vals)
        auto_sci = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        self.sci_mode = auto_sci if OPTIONS.sci_mode is None else OPTIONS.sci_mode
        p = OPTIONS.precision
        for v in vals:
            if self.sci_mode:
                width = len(f"{v:.{p}e}")
            elif self.int_mode:
                width = len(f"{v:.0f}") + 1  # room for the trailing "."
            else:
                width = len(f"{v:.{p}f}")
            self.max_width = max(self.max_width, width)

    def format(self, value: Any) -> str:
        if self.floating:
            if self.sci_mode:
                text = f"{value:{self.max_width}.{OPTIONS.precision}e}"
            elif self.int_mode:
                text = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    text += "."
            else:
                text = f"{value:.{OPTIONS.precision}f}"
        else:
            text = f"{value}"
        return " " * (self.max_width - len(text)) + text


def _summarized(a: Array) -> Array:
    """The elements that a summarised print shows (edge items along every dim)."""
    edge = OPTIONS.edgeitems
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        if a.shape[0] > 2 * edge:
            return np.concatenate((a[:edge], a[len(a) - edge :]))
        return a
    if not edge:
        return a[:0]
    rows = range(a.shape[0])
    if a.shape[0] > 2 * edge:
        rows = [*range(edge), *range(a.shape[0] - edge, a.shape[0])]  # type: ignore[assignment]
    return np.stack([_summarized(a[i]) for i in rows])


def _vector_str(a: Array, indent: int, summarize: bool, fmt: _Formatter) -> str:
    edge = OPTIONS.edgeitems
    per_line = max(1, math.floor((OPTIONS.linewidth - indent) / (fmt.max_width + 2)))
    if summarize and not edge:
        items = ["..."]
    elif summarize and a.shape[0] > 2 * edge:
        items = [fmt.format(v) for v in a[:edge].tolist()]
        items += [" ..."] + [fmt.format(v) for v in a[len(a) - edge :].tolist()]
    else:
        items = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _array_str(a: Array, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, fmt)
    n, edge = a.shape[0], OPTIONS.edgeitems
    if summarize and n > 2 * edge:
        slices = [_array_str(a[i], indent + 1, summarize, fmt) for i in range(edge)]
        slices.append("...")
        slices += [_array_str(a[i], indent + 1, summarize, fmt) for i in range(n - edge, n)]
    else:
        slices = [_array_str(a[i], indent + 1, summarize, fmt) for i in range(n)]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _add_suffixes(text: str, suffixes: list[str], indent: int, newline: bool = False) -> str:
    """Append ``dtype=...``/``grad_fn=...``, wrapping to a new line past 80 columns (``newline``: the first
    suffix on a line of its own, as PyTorch's sparse tensors print)."""
    parts = [text]
    last_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if newline or last_len + len(suffix) + 2 > OPTIONS.linewidth:
            newline = False
            parts.append(",\n" + " " * indent + suffix)
            last_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(t: Tensor) -> str:
    """``repr`` of a tensor as PyTorch prints it, with ``minigrad.`` dtype names.

    Examples: ``tensor([1.0000, 2.5000])``, ``tensor(3.)``,
    ``tensor([1., 2.], dtype=minigrad.float64, requires_grad=True)``,
    ``tensor(6., grad_fn=<SumBackward>)``. More than 1000 elements are
    summarised with ``...`` (three items at each edge of every dim); see
    :func:`set_printoptions`. The dtype is shown unless it is the default
    float dtype, int64 or bool.
    """
    # (PyTorch's repr shows a C++ node by its class name: grad_fn=<CopySlices>, not torch::autograd::...)
    fn = t.grad_fn  # (a view whose base changed in place shows its regenerated node, AsStridedBackward0)
    grad = [f"grad_fn=<{fn.name().rpartition('::')[2]}>"] if fn is not None else []
    if fn is None and t.requires_grad:
        grad.append("requires_grad=True")
    kind = type(t)
    # (this module is below minigrad.tensor and minigrad.nn: looked up, not imported)
    parameter = getattr(sys.modules.get("minigrad.nn.module"), "Parameter", None)
    if kind is sys.modules["minigrad.tensor"].Tensor or kind is parameter:
        return array_repr(t._array, grad)
    # a subclass's values show its name, and a Parameter subclass's are wrapped, as PyTorch's
    shown = array_repr(t._array, grad, f"{kind.__name__}(")
    return f"Parameter({shown})" if parameter is not None and isinstance(t, parameter) else shown


def array_repr(a: Array, grad: list[str] | None = None, prefix: str = "tensor(") -> str:
    """``repr`` of a tensor holding ``a`` (no gradient), or of one with the ``grad`` suffix given; a
    subclass's ``prefix`` is its name.

    State-dict values (numpy arrays) print this way, as PyTorch's tensors there do.
    """
    from minigrad.default_dtype import get_default_dtype

    indent = len(prefix)
    suffixes = []
    default = get_default_dtype()
    if a.size == 0:
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        if a.dtype != default:
            suffixes.append(f"dtype={NAMESPACE}.{a.dtype}")
        body = "[]"
    else:
        if not OPTIONS.edgeitems:
            suffixes.append(f"size={tuple(a.shape)}")
        if a.dtype not in (default, _INT64, _BOOL):
            suffixes.append(f"dtype={NAMESPACE}.{a.dtype}")
        summarize = a.size > OPTIONS.threshold
        fmt = _Formatter(_summarized(a) if summarize else a)
        body = _array_str(a, indent, summarize, fmt)
    return _add_suffixes(prefix + body, suffixes + (grad or []), indent)
