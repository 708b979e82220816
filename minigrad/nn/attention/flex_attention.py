"""``torch.nn.attention.flex_attention``: attention whose scores a ``score_mod`` rewrites and a ``mask_mod``
(through a :class:`BlockMask`) masks, computed as PyTorch's unfused (eager) path computes it.

A ``mask_mod(b, h, q_idx, kv_idx)`` or ``score_mod(score, b, h, q_idx, kv_idx)`` is written for single
positions; PyTorch vmaps it over the (batch, head, query, key) grid. minigrad calls it once with index
tensors shaped to broadcast over that grid (b: (B, 1, 1, 1), h: (1, H, 1, 1), q_idx: (1, 1, Q, 1),
kv_idx: (1, 1, 1, KV)), which gives the same result for the elementwise functions these are (comparisons,
arithmetic, ``torch.where``, indexing a tensor by the indices). As PyTorch's CPU path, it takes no inputs
that require grad.
"""

from __future__ import annotations

import inspect
import itertools
import math
import operator
import warnings
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from minigrad import factories
from minigrad.errors import InvalidParameterError, MinigradError
from minigrad.tensor import Tensor, from_numpy, where

__all__ = [
    "AuxOutput", "AuxRequest", "BlockMask", "and_masks", "create_block_mask", "create_mask", "flex_attention",
    "noop_mask", "or_masks",
]  # fmt: skip

_DEFAULT_SPARSE_BLOCK_SIZE = 128
_LARGE_SPARSE_BLOCK_SIZE = 1 << 30
_WARNED: set[str] = set()
_NOT_COMPILED = (
    "flex_attention called without torch.compile() - this will use an unfused implementation that "
    "materializes the full scores matrix instead of generating a fused kernel.\n\nSOLUTION: Use "
    "torch.compile(flex_attention)(...)\n\nIf you want to debug your score_mod/mask_mod, you can set:\n"
    "torch.nn.attention.flex_attention._FLEX_ATTENTION_DISABLE_COMPILE_DEBUG = True\n\nThis will allow you "
    "to use print statements or breakpoints. Note: This doesn't work with the backwards pass and may produce "
    "incorrect results.")
_FLEX_ATTENTION_DISABLE_COMPILE_DEBUG = False


class AuxRequest(NamedTuple):
    """Which extra outputs ``flex_attention`` returns: the log-sum-exp of each query's scores, their max."""

    lse: bool = False
    max_scores: bool = False


class AuxOutput(NamedTuple):
    """The extra outputs asked for by an :class:`AuxRequest` (None where not asked)."""

    lse: Tensor | None = None
    max_scores: Tensor | None = None


def noop_mask(batch: Tensor, head: Tensor, token_q: Tensor, token_kv: Tensor) -> Tensor:
    """The mask_mod that masks nothing (a True 0-d tensor)."""
    return factories.ones((), dtype=np.dtype(bool))


def _identity(score: Tensor, batch: Tensor, head: Tensor, token_q: Tensor, token_kv: Tensor) -> Tensor:
    return score


def or_masks(*mask_mods: Callable[..., Any]) -> Callable[..., Any]:
    """The mask_mod allowing a position any of ``mask_mods`` allows.

    Raises:
        MinigradError: an argument is not callable (PyTorch's RuntimeError).
    """
    return _combined(mask_mods, False, operator.or_, "or_mask")


def and_masks(*mask_mods: Callable[..., Any]) -> Callable[..., Any]:
    """The mask_mod allowing a position every one of ``mask_mods`` allows.

    Raises:
        MinigradError: an argument is not callable (PyTorch's RuntimeError).
    """
    return _combined(mask_mods, True, operator.and_, "and_mask")


def _combined(mask_mods: tuple[Callable[..., Any], ...], start: bool, op: Callable[[Any, Any], Any],
              name: str) -> Callable[..., Any]:
    """The mask_mod folding ``mask_mods``' answers with ``op`` from ``start``, named ``name`` as PyTorch's."""
    if not all(callable(m) for m in mask_mods):
        raise MinigradError(f"All inputs should be callable mask_mods: {mask_mods}")

    def combined(b: Tensor, h: Tensor, q_idx: Tensor, kv_idx: Tensor) -> Tensor:
        result = (factories.ones if start else factories.zeros)((), dtype=np.dtype(bool))
        for mask in mask_mods:
            result = op(result, mask(b, h, q_idx, kv_idx))
        return result

    combined.__name__ = combined.__qualname__ = name
    return combined


def _grid(*sizes: int) -> tuple[Tensor, ...]:
    """The index tensors of the (B, H, Q, KV) grid ``sizes``, each shaped to broadcast along its own dim."""
    return tuple(factories.arange(n).reshape(*(n if i == d else 1 for i in range(4)))
                 for d, n in enumerate(sizes))


def _is_score_mod(fn: Callable[..., Any]) -> bool:
    """PyTorch's rule: five positional parameters (no defaults) make a score_mod, four a mask_mod."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return False
    return sum(1 for p in params if p.default is inspect.Parameter.empty
               and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)) == 5


def create_mask(mod_fn: Callable[..., Any], B: int | None, H: int | None, Q_LEN: int,  # noqa: N803 - PyTorch's
                KV_LEN: int, device: Any = None) -> Tensor:  # noqa: N803 - PyTorch's names
    """The bool (B, H, Q_LEN, KV_LEN) mask a mask_mod allows (or where a score_mod leaves a score finite)."""
    b, h, m, n = _grid(B or 1, H or 1, Q_LEN, KV_LEN)
    shape = (B or 1, H or 1, Q_LEN, KV_LEN)
    if _is_score_mod(mod_fn):
        out = mod_fn(factories.zeros(shape), b, h, m, n)
        return where(out.isneginf(), False, True).expand(*shape).contiguous()
    return _as_mask(mod_fn(b, h, m, n), shape)


def _as_mask(value: Any, shape: tuple[int, ...]) -> Tensor:
    t = value if isinstance(value, Tensor) else factories.full((), bool(value), dtype=np.dtype(bool))
    return t.to(np.dtype(bool)).expand(*shape).contiguous()


def _dense_to_ordered(dense: np.ndarray[Any, Any]) -> tuple[Tensor, Tensor]:
    dense = dense.astype(np.int32)
    counts = dense.sum(-1, dtype=np.int32)
    order = np.argsort(-dense, axis=-1, kind="stable").astype(np.int32)  # (descending, ties in index order)
    return from_numpy(counts), from_numpy(order)


def _ordered_to_dense(num_blocks: Tensor, indices: Tensor) -> np.ndarray[Any, Any]:
    counts, idx = num_blocks.numpy(force=True), indices.numpy(force=True)
    cols = idx.shape[-1]
    valid = np.arange(cols) < counts[..., None]
    dense = np.zeros((*idx.shape[:-1], cols + 1), dtype=np.int32)  # (a spare column takes the unused slots)
    np.put_along_axis(dense, np.where(valid, idx, cols), 1, axis=-1)
    return dense[..., :cols]


class BlockMask:
    """Which (query block, key block) tiles of the scores are computed, and the ``mask_mod`` that masks
    within them: PyTorch's structure (partial blocks in ``kv_num_blocks``/``kv_indices``, wholly allowed
    ones in ``full_kv_*``, and their transposes ``q_*``), made by :func:`create_block_mask`."""

    def __init__(self, seq_lengths: tuple[int, int], kv_num_blocks: Tensor, kv_indices: Tensor,
                 full_kv_num_blocks: Tensor | None, full_kv_indices: Tensor | None,
                 BLOCK_SIZE: tuple[int, int], mask_mod: Callable[..., Any]) -> None:  # noqa: N803 - PyTorch's
        self.seq_lengths = seq_lengths
        self.kv_num_blocks, self.kv_indices = kv_num_blocks, kv_indices
        self.full_kv_num_blocks, self.full_kv_indices = full_kv_num_blocks, full_kv_indices
        self.q_num_blocks, self.q_indices = _dense_to_ordered(
            np.swapaxes(_ordered_to_dense(kv_num_blocks, kv_indices), -2, -1))
        self.full_q_num_blocks: Tensor | None = None
        self.full_q_indices: Tensor | None = None
        if full_kv_num_blocks is not None and full_kv_indices is not None:
            self.full_q_num_blocks, self.full_q_indices = _dense_to_ordered(
                np.swapaxes(_ordered_to_dense(full_kv_num_blocks, full_kv_indices), -2, -1))
        self.BLOCK_SIZE = BLOCK_SIZE
        self.mask_mod = mask_mod

    @property
    def shape(self) -> tuple[int, ...]:
        """(B, H, Q_LEN, KV_LEN)."""
        return (*self.kv_indices.shape[:-2], *self.seq_lengths)

    def numel(self) -> int:
        """The number of positions of :attr:`shape`."""
        return math.prod(self.shape)

    def sparsity(self) -> float:
        """The percentage of the scores not computed (by whole blocks; a short sequence in one big block
        makes it negative, as PyTorch's)."""
        blocks = int(self.kv_num_blocks.sum().item())
        if self.full_kv_num_blocks is not None:
            blocks += int(self.full_kv_num_blocks.sum().item())
        return 100 * (1 - blocks * self.BLOCK_SIZE[0] * self.BLOCK_SIZE[1] / self.numel())

    def to_dense(self) -> Tensor:
        """The int32 (B, H, Q blocks, KV blocks) map of computed blocks (1) and skipped ones (0)."""
        dense = _ordered_to_dense(self.kv_num_blocks, self.kv_indices)
        if self.full_kv_num_blocks is not None and self.full_kv_indices is not None:
            dense = dense | _ordered_to_dense(self.full_kv_num_blocks, self.full_kv_indices)
        return from_numpy(dense)

    def as_tuple(self) -> tuple[Any, ...]:
        """The fields, the ``mask_mod`` last (what the attention kernel reads)."""
        return (*self.seq_lengths, self.kv_num_blocks, self.kv_indices, self.full_kv_num_blocks,
                self.full_kv_indices, self.q_num_blocks, self.q_indices, self.full_q_num_blocks,
                self.full_q_indices, *self.BLOCK_SIZE, self.mask_mod)

    def to_string(self, grid_size: int | tuple[int, int] = (20, 20), limit: int = 4) -> str:
        """A picture of the block map per (batch, head): '█' computed, '░' partly, ' ' skipped, squeezed to
        ``grid_size`` cells; at most ``limit`` pictures."""
        dense = self.to_dense().numpy(force=True)
        *batch_dims, rows, cols = dense.shape
        max_rows, max_cols = ((rows, cols) if grid_size == -1 else (grid_size, grid_size)
                              if isinstance(grid_size, int) else grid_size)
        row_step, col_step = max(1, -(-rows // max_rows)), max(1, -(-cols // max_cols))
        pictures = []
        for k, batch_idx in enumerate(itertools.product(*[range(i) for i in batch_dims])):
            if k == limit:
                pictures += ["...", "To print out more, set BlockMask.to_string(limit=N)",
                             "You can also index (BlockMask[batch, head]) to choose a specific batch or head"]
                break
            plane = dense[batch_idx]
            vis = f"{batch_idx}\n"
            for r in range(0, rows, row_step):
                for c in range(0, cols, col_step):
                    share = float(plane[r:r + row_step, c:c + col_step].astype(np.float32).mean())
                    vis += ("█" if share == 1 else " " if share == 0 else "░") * 2
                vis += "\n"
            pictures.append(vis)
        return "\n".join(pictures)

    def __str__(self) -> str:
        picture = self.to_string().strip()
        return f"BlockMask(shape={self.shape}, sparsity={self.sparsity():.2f}%, \n{picture}\n)"

    def __repr__(self) -> str:
        def shape_of(t: Tensor | None) -> Any:
            return t.shape if t is not None else None

        name = getattr(self.mask_mod, "__name__", self.mask_mod)
        return ("BlockMask(\n"
                f"    kv_num_blocks={self.kv_num_blocks.shape},\n    kv_indices={self.kv_indices.shape},\n"
                f"    full_kv_num_blocks={shape_of(self.full_kv_num_blocks)},\n"
                f"    full_kv_indices={shape_of(self.full_kv_indices)},\n"
                f"    q_num_blocks={shape_of(self.q_num_blocks)},\n"
                f"    q_indices={shape_of(self.q_indices)},\n"
                f"    full_q_num_blocks={shape_of(self.full_q_num_blocks)},\n"
                f"    full_q_indices={shape_of(self.full_q_indices)},\n    BLOCK_SIZE={self.BLOCK_SIZE},\n"
                f"    shape={self.shape},\n    sparsity={self.sparsity():.2f}%,\n    mask_mod={name}\n)")


def create_block_mask(mask_mod: Callable[..., Any], B: int | None, H: int | None,  # noqa: N803 - PyTorch's
                      Q_LEN: int, KV_LEN: int, device: Any = None,  # noqa: N803 - PyTorch's names
                      BLOCK_SIZE: int | tuple[int, int] = _DEFAULT_SPARSE_BLOCK_SIZE,  # noqa: N803
                      _compile: bool = False, separate_full_blocks: bool = True, **_: Any) -> BlockMask:
    """The :class:`BlockMask` of ``mask_mod`` over (B, H, Q_LEN, KV_LEN) (B, H None: 1, shared), in blocks
    of ``BLOCK_SIZE`` (query, key) positions: a block is skipped if the mask allows none of it, full if it
    allows all (with ``separate_full_blocks``), partial otherwise.

    Raises:
        InvalidParameterError: ``mask_mod`` is a score_mod (five arguments; PyTorch's AssertionError).
    """
    if _is_score_mod(mask_mod):
        raise InvalidParameterError(f"create-block_mask requires a mask_mod function! Got {mask_mod}")
    qb, kb = (BLOCK_SIZE, BLOCK_SIZE) if isinstance(BLOCK_SIZE, int) else BLOCK_SIZE
    mask = create_mask(mask_mod, B, H, Q_LEN, KV_LEN, device).numpy(force=True)
    pad_q, pad_k = -Q_LEN % qb, -KV_LEN % kb
    mask = np.pad(mask, ((0, 0), (0, 0), (0, pad_q), (0, pad_k)))
    b, h, q, k = mask.shape
    sums = mask.reshape(b, h, q // qb, qb, k // kb, kb).sum(axis=(3, 5))
    full = sums == qb * kb
    partial = (sums > 0) & ~full if separate_full_blocks else sums > 0
    kv_num, kv_idx = _dense_to_ordered(partial)
    full_num, full_idx = _dense_to_ordered(full) if separate_full_blocks else (None, None)
    return BlockMask((Q_LEN, KV_LEN), kv_num, kv_idx, full_num, full_idx, (qb, kb), mask_mod)


def flex_attention(query: Tensor, key: Tensor, value: Tensor, score_mod: Callable[..., Any] | None = None,
                   block_mask: BlockMask | None = None, scale: float | None = None, enable_gqa: bool = False,
                   return_lse: bool = False, kernel_options: Any = None, *,
                   return_aux: AuxRequest | None = None) -> Any:
    """softmax(score_mod(q kᵀ * scale) where the block mask's mask_mod allows, else -inf) @ v, per (batch,
    head); q (B, Hq, L, E), k (B, Hkv, S, E), v (B, Hkv, S, Ev) -> (B, Hq, L, Ev). A query no key may
    attend to gets zeros (and a log-sum-exp of -inf). ``scale`` defaults to 1/sqrt(E); ``enable_gqa`` lets
    Hq be a multiple of Hkv. With ``return_lse`` (deprecated) also the log-sum-exp; with ``return_aux``,
    an :class:`AuxOutput` (its max scores are refused on the CPU, as PyTorch's).

    PyTorch computes no gradients of it on the CPU, so neither does minigrad.

    Raises:
        NotImplementedError: inputs that require grad, are not 4-D, or max scores asked for (PyTorch's words).
        InvalidParameterError: heads that do not match (or divide, with ``enable_gqa``), batch sizes that
            differ without a block mask, a block mask made for other lengths, or both ``return_lse`` and
            ``return_aux`` (PyTorch's ValueErrors).
    """
    if query.shape[-1] != key.shape[-1]:
        raise InvalidParameterError(f"Expect query and key/value to have the same embedding dimension but "
                                    f"got E={query.shape[-1]} and E={key.shape[-1]}.")
    if query.requires_grad or key.requires_grad or value.requires_grad:  # (PyTorch's CPU kernel has none)
        raise NotImplementedError("FlexAttention does not support backward on CPU. Please set the input "
                                  "requires_grad to False or use another device.")
    if query.ndim != 4 or key.ndim != 4 or value.ndim != 4:
        raise NotImplementedError("NYI: query, key, and value must be 4D tensors")
    hq, hkv = query.shape[1], key.shape[1]
    if not enable_gqa and hq != hkv:
        raise InvalidParameterError(f"Expect query and key/value to have the same number of heads but got "
                                    f"Hq={hq} and Hkv={hkv}. Try setting enable_gqa=True for GQA.")
    if enable_gqa and hq % hkv:
        raise InvalidParameterError(f"Expect number of query heads to be a multiple of kv heads for GQA but "
                                    f"got Hq={hq} and Hkv={hkv}.")
    if query.shape[0] != key.shape[0] and block_mask is None:
        raise InvalidParameterError(f"Expect query and key/value to have the same batch size, or non-none "
                                    f"block_mask, but got block_mask=None, Bq={query.shape[0]}, and "
                                    f"Bkv={key.shape[0]}.")
    if block_mask is not None and (query.shape[2], key.shape[2]) != block_mask.seq_lengths:
        raise InvalidParameterError(f"block_mask was created for block_mask.shape={block_mask.shape} but got "
                                    f"q_len={query.shape[2]} and kv_len={key.shape[2]}.")
    if return_lse and return_aux is not None:
        raise InvalidParameterError("Cannot specify both return_lse and return_aux. return_lse is "
                                    "deprecated, please use return_aux=AuxRequest(lse=True) instead.")
    if return_aux is not None and return_aux.max_scores:
        raise NotImplementedError("Returning max scores is not supported on CPU/MPS.")
    if return_lse and "lse" not in _WARNED:
        _WARNED.add("lse")
        warnings.warn("return_lse is deprecated and will be removed in v2.10. Please use "
                      "return_aux=AuxRequest(lse=True) instead.", FutureWarning, stacklevel=2)
    if not _FLEX_ATTENTION_DISABLE_COMPILE_DEBUG and "compile" not in _WARNED:
        _WARNED.add("compile")
        warnings.warn(_NOT_COMPILED, UserWarning, stacklevel=2)
    out, lse = _math_attention(query, key, value, score_mod or _identity,
                                           block_mask.mask_mod if block_mask is not None else noop_mask,
                                           1.0 / math.sqrt(query.shape[-1]) if scale is None else scale)
    ln2 = math.log(2.0)  # (PyTorch's kernel keeps the statistics in base 2 and scales them back)
    want_lse = return_lse or (return_aux is not None and return_aux.lse)
    lse_out = lse / ln2 * ln2 if want_lse else None
    if return_aux is not None:
        return out, AuxOutput(lse=lse_out)
    return (out, lse_out) if return_lse else out


def _math_attention(q: Tensor, k: Tensor, v: Tensor, score_mod: Callable[..., Any],
                    mask_mod: Callable[..., Any], scale: float) -> tuple[Tensor, Tensor]:
    """PyTorch's eager flex attention: scores in float32 (float64 for float64 queries), masked to -inf."""
    g = q.shape[1] // k.shape[1]
    k, v = k.repeat_interleave(g, dim=1), v.repeat_interleave(g, dim=1)
    k, v = k.expand(q.shape[0], *k.shape[1:]), v.expand(q.shape[0], *v.shape[1:])
    work = np.dtype(np.float64) if q.dtype == np.float64 else np.dtype(np.float32)
    scores = (q.to(work) @ k.to(work).transpose(-2, -1) * scale).to(work)
    b, h, m, n = _grid(*scores.shape)
    allowed = _as_mask(mask_mod(b, h, m, n), tuple(scores.shape))
    post = where(allowed, score_mod(scores, b, h, m, n), factories.full((), -math.inf, dtype=work))
    masked_rows = (post == -math.inf).all(dim=-1)
    lse = where(masked_rows, -math.inf, post.logsumexp(dim=-1))
    probs = where(masked_rows.unsqueeze(-1), 0.0, post.softmax(dim=-1))  # (a row with no key: zeros)
    return probs.to(q.dtype) @ v.to(q.dtype), lse
