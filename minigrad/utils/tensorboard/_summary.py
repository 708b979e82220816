"""What the SummaryWriter logs, as encoded ``Summary`` messages: scalars, histograms, text, PR curves.

Each function follows ``torch.utils.tensorboard.summary``: the same tags,
plugin names, conversions and histogram buckets, so TensorBoard shows a
minigrad log as it shows PyTorch's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.errors import InvalidParameterError, ShapeError
from minigrad.tensor import Tensor
from minigrad.utils.tensorboard import _wire

__all__ = ["histogram", "pr_curve", "scalar", "tensorflow_bins", "text", "to_numpy"]


def to_numpy(value: Any) -> np.ndarray[Any, Any]:
    """A Tensor (detached), a numpy array, or a number as a one-element array.

    Raises:
        NotImplementedError: anything else, as PyTorch (a list, for instance).
    """
    if isinstance(value, Tensor):
        return value.detach().numpy()
    if isinstance(value, np.ndarray):
        return value
    if np.isscalar(value):
        return np.array([value])
    raise NotImplementedError(f"Got {type(value)}, but numpy array or torch tensor are expected.")


def scalar(tag: str, value: Any, new_style: bool = False, double_precision: bool = False) -> bytes:
    """One value as a ``simple_value`` (a float32), or with ``new_style`` as a scalars-plugin tensor.

    Raises:
        ShapeError: ``value`` holds more than one element (PyTorch raises AssertionError).
    """
    array = to_numpy(value).squeeze()
    if array.ndim != 0:
        raise ShapeError(f"add_scalar: the value should hold one element, got shape {tuple(array.shape)}")
    x = float(array)
    if new_style:
        return _wire.summary(_wire.summary_value(tag, tensor=_wire.number_tensor(x, double_precision),
                                                 metadata=_wire.plugin_metadata("scalars")))
    return _wire.summary(_wire.summary_value(tag, simple_value=x))


_TENSORFLOW_BINS: list[float] = []


def tensorflow_bins() -> list[float]:
    """TensorFlow's default histogram edges: ±1e-12 * 1.1**k up to 1e20 (by repeated products), and 0."""
    if not _TENSORFLOW_BINS:
        edges, v = [], 1e-12
        while v < 1e20:
            edges.append(v)
            v *= 1.1  # the same repeated product as TensorFlow's, so the edges agree to the bit
        _TENSORFLOW_BINS.extend([-e for e in reversed(edges)] + [0.0] + edges)
    return _TENSORFLOW_BINS


def histogram(tag: str, values: Any, bins: Any, max_bins: int | None = None) -> bytes:
    """A ``HistogramProto`` of ``values`` (as float64) over ``bins`` (anything ``numpy.histogram`` takes).

    With ``max_bins``, groups of consecutive bins are merged until at most
    about that many remain. The buckets kept run from one empty bucket left of
    the first non-empty bin to the last non-empty bin; each is stored by its
    right edge, as TensorBoard reads them.

    Raises:
        InvalidParameterError: ``values`` is empty, or no value falls inside the bins.
    """
    array = to_numpy(values).astype(float).reshape(-1)
    if array.size == 0:
        raise InvalidParameterError("add_histogram: values has no element")
    counts, limits = np.histogram(array, bins=bins)
    if max_bins is not None and len(counts) > max_bins:
        group = len(counts) // max_bins
        counts = np.pad(counts, (0, -len(counts) % group)).reshape(-1, group).sum(axis=-1)
        limits = np.concatenate([limits[:-1:group], limits[-1:]])
    filled = np.flatnonzero(counts)
    # the same bounds as PyTorch's, including when no bin is filled
    start = int(filled[0]) if filled.size else len(counts)
    end = int(filled[-1]) + 1 if filled.size else 1
    counts = counts[start - 1:end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start:end + 1]
    if counts.size == 0 or limits.size == 0:
        raise InvalidParameterError(f"add_histogram: no value of {tag!r} falls inside the bins")
    squares = float(array.dot(array))  # dot, as PyTorch: matmul may sum in another order
    stats = float(array.min()), float(array.max()), float(array.size), float(array.sum()), squares
    proto = _wire.histogram_proto(*stats, limits.tolist(), counts.tolist())
    return _wire.summary(_wire.summary_value(tag, histo=proto))


def text(tag: str, text_string: str) -> bytes:
    """``text_string`` for TensorBoard's text plugin, under the tag ``tag + '/text_summary'``."""
    tensor = _wire.string_tensor([text_string.encode("utf_8")])
    return _wire.summary(_wire.summary_value(tag + "/text_summary", tensor=tensor,
                                             metadata=_wire.plugin_metadata("text")))


def pr_curve(tag: str, labels: Any, predictions: Any, num_thresholds: int = 127,
             weights: Any = None) -> bytes:
    """A precision-recall curve for TensorBoard's PR-curves plugin, as PyTorch's (TensorBoard's recipe).

    ``predictions`` in [0, 1] fall into ``num_thresholds`` (at most 127) buckets; the (6, num_thresholds)
    float32 tensor holds, per threshold, the true and false positives, true and false negatives,
    precision and recall (the reversed cumulative sums of the weighted bucket counts).
    """
    num_thresholds = min(num_thresholds, 127)
    labels_np, preds_np = to_numpy(labels), to_numpy(predictions)
    weight = 1.0 if weights is None else weights  # (a number or an array, used as given: as PyTorch's)
    buckets = np.int32(np.floor(preds_np * (num_thresholds - 1)))
    float_labels = labels_np.astype(np.float64)
    span = (0, num_thresholds - 1)
    tp_buckets, _ = np.histogram(buckets, bins=num_thresholds, range=span, weights=float_labels * weight)
    fp_buckets, _ = np.histogram(buckets, bins=num_thresholds, range=span,
                                 weights=(1.0 - float_labels) * weight)
    tp = np.cumsum(tp_buckets[::-1])[::-1]
    fp = np.cumsum(fp_buckets[::-1])[::-1]
    tn, fn = fp[0] - fp, tp[0] - tp
    precision = tp / np.maximum(1e-7, tp + fp)
    recall = tp / np.maximum(1e-7, tp + fn)
    data = np.stack((tp, fp, tn, fn, precision, recall))
    tensor = _wire.float_tensor(data.astype(np.float32))
    metadata = _wire.plugin_metadata("pr_curves", _wire._int(2, num_thresholds))  # PrCurvePluginData
    return _wire.summary(_wire.summary_value(tag, tensor=tensor, metadata=metadata))
