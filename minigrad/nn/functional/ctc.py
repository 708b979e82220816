"""F.ctc_loss: the connectionist temporal classification loss, as a log-space forward recursion.

The target ``l`` of length L is extended with blanks, ``l' = (blank, l1, blank,
l2, ..., lL, blank)``, and ``alpha[t, s]`` is the log-probability of all
alignments of the first t+1 frames that end in ``l'[s]``::

    alpha[t, s] = logsumexp(alpha[t-1, s], alpha[t-1, s-1], alpha[t-1, s-2] if l'[s] != l'[s-2])
                  + log_probs[t, l'[s]]
    loss = -logsumexp(alpha[T-1, 2L], alpha[T-1, 2L-1])

The recursion is made of Tensor ops (a gather of each frame's log-probabilities
of the extended labels, shifts, logsumexp), so the gradient is the engine's.
Unreachable states hold a very negative finite number rather than -inf, so
that no logsumexp sees only -inf (whose gradient is NaN even where it is
multiplied by zero); a loss that stays down there is the infinite loss of an
impossible alignment.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.dtypes import kernel_error
from minigrad.errors import DTypeError, InvalidParameterError, ShapeError, bool_args
from minigrad.nn import _checks
from minigrad.ops import where
from minigrad.tensor import Array, Tensor, cat, from_numpy, stack

__all__ = ["ctc_loss"]


_CHECKING = " (while checking arguments for ctc_loss_allocate_outputs)"  # (PyTorch's messages end so)


def _lengths(name: str, value: Any, batch: int, most: int | None = None) -> Array:
    """Input or target lengths as an int64 array of one entry per batch element, each in [0, most]."""
    if isinstance(value, Tensor):
        arr = value.numpy(force=True)
        if arr.dtype.kind not in "iu":
            raise DTypeError(f"{name} must be integral")
    else:
        arr = np.asarray(value)
        if arr.dtype.kind not in "iu":  # (PyTorch's parser takes a tensor or a sequence of ints)
            raise TypeError(f"ctc_loss() received an invalid combination of arguments: {name} must be a "
                            f"Tensor or a tuple of ints, got {value!r}")
    arr = arr.reshape(-1).astype(np.int64)
    if arr.size != batch:
        raise ShapeError(f"{name} must be of size batch_size")
    for v in arr.tolist():  # (PyTorch's checks, element by element)
        if v < 0:
            raise ShapeError(f"Expected {name} to have value at least 0, but got value {v}{_CHECKING}")
        if most is not None and v > most:
            raise ShapeError(f"Expected {name} to have value at most {most}, but got value {v}{_CHECKING}")
    return arr


def _extended_labels(targets: Array, target_lengths: Array, blank: int) -> tuple[Array, Array]:
    """``l'`` per batch element (N, 2 * max_len + 1), blank-padded, and where the s-2 step is allowed."""
    n = target_lengths.size
    width = 2 * int(target_lengths.max(initial=0)) + 1
    labels = np.full((n, width), blank, dtype=np.int64)
    if targets.ndim == 2:
        rows = [targets[i, :k] for i, k in enumerate(target_lengths)]
    else:  # all targets concatenated
        ends = np.cumsum(target_lengths)
        rows = [targets[e - k:e] for e, k in zip(ends, target_lengths, strict=True)]
    for i, row in enumerate(rows):
        labels[i, 1:2 * row.size:2] = row
    skip = np.zeros((n, width), dtype=bool)
    # PyTorch's rule compares l'[s] with l'[s-2] only: a blank's own s-2 is a blank, while a target label
    # that equals blank (keras's padded targets, counted by their length) may still skip
    skip[:, 2:] = labels[:, 2:] != labels[:, :-2]
    return labels, skip


@bool_args("zero_infinity")  # (PyTorch's kernel takes only a bool)
def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths: Any, target_lengths: Any, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """The CTC loss of frame log-probabilities against unaligned target sequences.

    Args:
        log_probs: (T, N, C) (or unbatched (T, C)), log-probabilities over C
            classes per frame, e.g. from ``log_softmax``.
        targets: (N, S) padded target sequences, or 1-D: all targets
            concatenated (exactly ``sum(target_lengths)`` labels); integers
            in [0, C) other than ``blank`` (floats are truncated, as PyTorch's).
        input_lengths: (N,) frames used per batch element, each <= T (a Tensor or a sequence of ints).
        target_lengths: (N,) target length per batch element.
        blank: the blank class.
        reduction: 'mean' (each loss divided by its target length, then the
            batch mean), 'sum' or 'none' (one loss per batch element).
        zero_infinity: replace the infinite loss of an impossible alignment
            (too few frames) and its gradient by zero.

    Returns:
        The loss, a 0-d tensor, or (N,) with reduction='none'.

    As in PyTorch, the gradient with respect to ``log_probs`` is
    ``exp(log_probs) - posterior`` on the frames used (zero on the rest): the
    true derivative plus ``exp(log_probs)``, which sums to one per frame and so
    changes nothing once propagated through a ``log_softmax`` (the intended
    use), but makes the gradient equal PyTorch's when taken at the log-probabilities.
    An impossible alignment without ``zero_infinity`` has an infinite loss and, as
    PyTorch's, a NaN gradient on its sample's frames used.

    Raises:
        InvalidParameterError: an unknown reduction, or blank not in [0, C).
        ShapeError: lengths that do not fit log_probs or targets (PyTorch's words).
        DTypeError: complex targets, non-integer length tensors.
        TypeError: log_probs or targets not a Tensor, a non-int blank, lengths neither a tensor nor ints.
        UnsupportedError: integer log_probs (PyTorch's NotImplementedError).
    """
    reduction = _checks.reduction(reduction)
    for name, value in (("log_probs", log_probs), ("targets", targets)):
        if not isinstance(value, Tensor):  # (PyTorch's parser: no overload takes it)
            raise TypeError(f"ctc_loss() received an invalid combination of arguments: {name} must be a "
                            f"Tensor, got {type(value).__name__}")
    unbatched = log_probs.ndim == 2
    if unbatched:
        log_probs = log_probs.unsqueeze(1)  # and targets are one sequence, all of it used
    if log_probs.ndim != 3:
        raise ShapeError(f"ctc_loss: log_probs must be (T, N, C) or (T, C), got {tuple(log_probs.shape)}")
    steps, batch, classes = log_probs.shape
    if not isinstance(blank, (int, np.integer)) or isinstance(blank, bool):
        raise TypeError(f"ctc_loss() received an invalid combination of arguments: blank must be an int, got "
                        f"{blank!r}")
    if not 0 <= blank < classes:
        raise InvalidParameterError("blank must be in label range")
    if log_probs.dtype.kind != "f":
        raise kernel_error("ctc_loss", log_probs.dtype)
    target_array = targets.detach().numpy()
    if target_array.dtype.kind not in "iu":  # PyTorch's ctc_loss takes targets.to(long): floats truncated
        if target_array.dtype.kind not in "fb":
            raise DTypeError(f"ctc_loss: targets must hold integers, got dtype {target_array.dtype}")
        target_array = target_array.astype(np.int64)
    if isinstance(input_lengths, Tensor) != isinstance(target_lengths, Tensor):  # (PyTorch's two overloads)
        raise TypeError("ctc_loss() received an invalid combination of arguments: input_lengths and "
                        "target_lengths must both be Tensors or both tuples of ints")
    lengths = _lengths("input_lengths", input_lengths, batch, steps)
    label_lengths = _lengths("target_lengths", target_lengths, batch)
    if target_array.ndim not in (1, 2):
        raise ShapeError(f"Expected 1 to 2 dimensions, but got {target_array.ndim}-dimensional tensor for "
                         f"argument #2 'targets'{_CHECKING}")
    concatenated = target_array.ndim == 1
    if concatenated and target_array.size != label_lengths.sum():
        raise ShapeError(f"Expected tensor to have size {label_lengths.sum()} at dimension 0, but got size "
                         f"{target_array.size} for argument #2 'targets'{_CHECKING}")
    if not concatenated and target_array.shape[1] < label_lengths.max(initial=0):
        raise ShapeError(f"Expected tensor to have size at least {label_lengths.max()} at dimension 1, but "
                         f"got size {target_array.shape[1]} for argument #2 'targets'{_CHECKING}")

    labels, skip = _extended_labels(target_array, label_lengths, blank)
    width = labels.shape[1]
    floor = np.finfo(log_probs.dtype).min / 4  # log(0) of unreachable states, finite (see the module doc)
    dtype = log_probs.dtype
    index = np.ascontiguousarray(np.broadcast_to(labels, (steps, batch, width)))
    frames = log_probs.gather(2, from_numpy(index))
    edge = from_numpy(np.full((batch, 1), floor, dtype=dtype))
    no_skip = from_numpy(np.full((batch, width), floor, dtype=dtype))
    skip_mask = from_numpy(skip)

    start = np.zeros((batch, width), dtype=bool)
    start[:, 0] = True
    start[:, 1:2] = (label_lengths > 0)[:, None]  # (a slice: with every target empty l' is one blank)
    alpha = where(from_numpy(start), frames[0], no_skip)
    for t in range(1, steps):
        prev1 = cat([edge, alpha[:, :-1]], 1)
        prev2 = where(skip_mask, cat([edge, prev1[:, :-1]], 1), no_skip)
        step = stack([alpha, prev1, prev2], -1).logsumexp(-1) + frames[t]
        alpha = where(from_numpy((t < lengths)[:, None]), step, alpha)

    last = 2 * label_lengths
    ends = alpha.gather(1, from_numpy(np.stack([last, np.maximum(last - 1, 0)], 1)))
    ends = where(from_numpy(np.stack([last >= 0, last > 0], 1)), ends, no_skip[:, :2])
    nll = -ends.logsumexp(1)
    impossible = (nll.detach().numpy() > -floor / 2) | (lengths == 0) & (label_lengths > 0)
    nll = where(from_numpy(lengths == 0), no_skip[:, 0] * 0, nll)  # no frames, no labels: probability one
    # PyTorch's gradient convention (see the docstring): plus exp(log_probs) on the frames used, value zero
    used = from_numpy((np.arange(steps)[:, None] < lengths[None, :])[..., None].astype(dtype))
    probs = log_probs.exp()
    nll = nll + ((probs - probs.detach()) * used).sum((0, 2))
    infinite = from_numpy(np.full(batch, 0.0 if zero_infinity else np.inf, dtype=dtype))
    if not zero_infinity and impossible.any():
        # PyTorch's gradient of an infinite loss is NaN on its sample's frames used: exp(0 * g) * inf is inf
        # with that gradient (0 * inf), g summing those frames (finite ones: no NaN value)
        lp = log_probs.detach().numpy()
        mine = (used.numpy(force=True) > 0) & impossible[None, :, None] & np.isfinite(lp)
        g = where(from_numpy(mine), log_probs, from_numpy(np.zeros((), dtype=dtype))).sum((0, 2))
        infinite = (g * 0).exp() * infinite
    loss = where(from_numpy(impossible), infinite, nll)
    if reduction == "mean":
        return (loss / from_numpy(np.maximum(label_lengths, 1).astype(dtype))).mean()
    if reduction == "sum":
        return loss.sum()
    return loss.reshape(()) if unbatched else loss
