"""The connectionist temporal classification loss, ``F.ctc_loss``.

The forward (alpha) recursion over the blank-interleaved targets runs as Tensor ops, one step per
time frame for the whole batch (a logsumexp of the three allowed predecessors plus the emission), so
the gradient is the autograd engine's (plus PyTorch's softmax term, see ``ctc_loss``). Unreachable
states hold a large negative number rather than -inf, which keeps every logsumexp's gradient finite;
a loss that large is an impossible alignment and is reported as inf (or 0 with ``zero_infinity``), as
PyTorch does (whose gradient of an inf loss is nan; here it is 0).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.errors import InvalidParameterError, ShapeError
from minigrad.nn import _checks
from minigrad.tensor import Tensor, cat, from_numpy, stack, where

__all__ = ["ctc_loss"]

_NEG = -1e30  # "log 0" for unreachable states (finite: see the module docstring)


def _lengths(x: Any, n: int, name: str) -> np.ndarray:
    arr = np.asarray(x.numpy() if isinstance(x, Tensor) else x, dtype=np.int64).reshape(-1)
    if arr.shape[0] != n:
        raise ShapeError(f"ctc_loss: expected {name} to have {n} entries (the batch size), "
                         f"got {arr.shape[0]}")
    return arr


def _padded_targets(targets: Tensor, target_lengths: np.ndarray) -> np.ndarray:
    """Targets as an (N, S_max) array, from the padded (N, S) or the concatenated 1-D form."""
    t = targets.numpy().astype(np.int64)
    if t.ndim == 2:
        return t
    out = np.zeros((len(target_lengths), max(int(target_lengths.max(initial=0)), 1)), dtype=np.int64)
    start = 0
    for b, n in enumerate(target_lengths):
        out[b, :n] = t[start:start + n]
        start += n
    return out


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths: Any, target_lengths: Any, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """CTC loss of ``log_probs`` (T, N, C) (or (T, C) unbatched; log-softmaxed over C) against
    ``targets`` ((N, S) padded, or 1-D concatenated; no blanks), with per-sample ``input_lengths`` and
    ``target_lengths``. 'mean' divides each loss by its target length (at least 1) and averages over
    the batch, as PyTorch. Impossible alignments give inf, or 0 with ``zero_infinity``.

    Raises:
        InvalidParameterError: unknown ``reduction`` or ``blank`` outside the classes.
        ShapeError: log_probs not 2-D/3-D, or lengths that do not fit the batch or the tensors.
    """
    reduction = _checks.reduction(reduction)
    unbatched = log_probs.ndim == 2
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    if lp.ndim != 3:
        raise ShapeError(f"ctc_loss: expected log_probs of shape (T, N, C) or (T, C), got {log_probs.shape}")
    t_max, n, c = lp.shape
    if not 0 <= blank < c:
        raise InvalidParameterError(f"ctc_loss: blank must be in label range, got blank={blank} for {c} "
                                    "classes")
    in_len = _lengths(input_lengths, n, "input_lengths")
    tgt_len = _lengths(target_lengths, n, "target_lengths")
    if (in_len > t_max).any() or (in_len < 0).any():
        raise ShapeError(f"ctc_loss: input_lengths {in_len.tolist()} must be in [0, {t_max}]")
    tg = _padded_targets(targets.unsqueeze(0) if unbatched and targets.ndim == 1 else targets, tgt_len)
    s_max = tg.shape[1]
    if (tgt_len > s_max).any():
        raise ShapeError(f"ctc_loss: target_lengths {tgt_len.tolist()} exceed the targets' length {s_max}")
    width = 2 * s_max + 1
    ext = np.full((n, width), blank, dtype=np.int64)
    ext[:, 1::2] = tg[:, :s_max]
    pos = np.arange(width)
    valid = pos[None, :] < (2 * tgt_len + 1)[:, None]
    skip = np.zeros((n, width), dtype=bool)  # s may come from s - 2: a label differing from the one before
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    idx = from_numpy(np.broadcast_to(ext, (t_max, n, width)).copy())
    emit = lp.gather(2, idx)  # (T, N, width): log p of each extended label at each frame
    neg = from_numpy(np.full((n, width), _NEG, dtype=lp.dtype))
    start = np.zeros((n, width), dtype=bool)
    start[:, 0] = True
    start[:, 1] = tgt_len > 0
    alpha = where(from_numpy(start & valid), emit[0], neg) if t_max else neg
    pad1 = from_numpy(np.full((n, 1), _NEG, dtype=lp.dtype))
    pad2 = from_numpy(np.full((n, 2), _NEG, dtype=lp.dtype))
    skip_t = from_numpy(skip)
    for step in range(1, t_max):
        from1 = cat([pad1, alpha[:, :-1]], 1) if width > 1 else neg
        from2 = where(skip_t, cat([pad2, alpha[:, :-2]], 1), neg) if width > 2 else neg
        new = stack([alpha, from1, from2]).logsumexp(0) + emit[step]
        running = from_numpy((step < in_len)[:, None] & valid)
        alpha = where(running, new, alpha)
    last = 2 * tgt_len
    ends = np.stack([last, np.maximum(last - 1, 0)], 1)
    finals = alpha.gather(1, from_numpy(ends))
    finals = where(from_numpy(np.stack([np.ones(n, bool), tgt_len > 0], 1)), finals,
                   from_numpy(np.full((n, 2), _NEG, dtype=lp.dtype)))
    loss = -finals.logsumexp(1)
    # PyTorch's gradient w.r.t. log_probs is the one w.r.t. the logits of a log_softmax (it adds
    # exp(log_probs) on each sample's frames); through a log_softmax both agree. A term of value 0 with
    # that gradient gives PyTorch's numbers at log_probs itself too.
    frames = from_numpy((np.arange(t_max)[:, None] < in_len[None, :]).astype(lp.dtype)).unsqueeze(-1)
    probs = lp.exp()
    loss = loss + ((probs - probs.detach()) * frames).sum((0, 2))
    empty = in_len == 0  # no frames: probability 1 for an empty target, 0 otherwise
    loss = where(from_numpy(empty), from_numpy(np.where(tgt_len == 0, 0.0, np.inf).astype(lp.dtype)), loss)
    impossible = loss.detach() > -_NEG / 2
    loss = where(impossible, from_numpy(np.asarray(0.0 if zero_infinity else np.inf, dtype=lp.dtype)), loss)
    if reduction == "mean":
        return (loss / from_numpy(np.maximum(tgt_len, 1).astype(lp.dtype))).mean()
    if reduction == "sum":
        return loss.sum()
    return loss[0] if unbatched else loss
