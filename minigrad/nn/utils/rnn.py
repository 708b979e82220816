"""Variable-length batches for recurrent layers, as ``torch.nn.utils.rnn``.

A batch of sequences of different lengths is either *padded* (one (T, N, *)
tensor, the short sequences filled with ``padding_value``) or *packed*: a
:class:`PackedSequence` whose ``data`` holds, time step after time step, only
the entries that exist (sequences sorted by decreasing length, so at step t
the first ``batch_sizes[t]`` of them are still running). ``RNN``, ``LSTM``
and ``GRU`` accept a PackedSequence and then never compute a step past the
end of a sequence; their ``h_n`` is each sequence's state at its own last step.

Packing and unpacking are one gather each (an integer index into the rows),
so the gradient flows back to the padded input through a single scatter-add.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np

from minigrad.errors import (
    InvalidParameterError,
    ShapeError,
    _ArgumentTypeError,
    _AttributeArgumentError,
    _ShapeIndexError,
    bool_args,
    python_type_name,
)
from minigrad.nn import _checks
from minigrad.tensor import Array, Tensor, cat, from_numpy, stack

__all__ = [
    "PackedSequence", "invert_permutation", "pack_padded_sequence", "pack_sequence", "pad_packed_sequence",
    "pad_sequence", "unpack_sequence", "unpad_sequence",
]  # fmt: skip


class _PackedFields(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


class PackedSequence(_PackedFields):
    """Sequences of different lengths stored without padding (a named tuple, as in PyTorch).

    Fields:
        data: (sum of lengths, *) -- the entries of time step 0 of every
            sequence, then of step 1 of those still running, and so on.
        batch_sizes: int64 (max length,) -- how many sequences run at each step.
        sorted_indices: int64 (N,) -- ``sorted_indices[k]`` is the original
            batch position of the k-th longest sequence (None if the input was
            already sorted).
        unsorted_indices: its inverse permutation (computed if not given).

    Build one with :func:`pack_padded_sequence` or :func:`pack_sequence`
    rather than by hand.
    """

    def __new__(cls, data: Tensor, batch_sizes: Tensor | None = None, sorted_indices: Tensor | None = None,
                unsorted_indices: Tensor | None = None) -> PackedSequence:
        if batch_sizes is None:  # PyTorch also accepts (data, batch_sizes) as the first argument
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise InvalidParameterError(
                    f"PackedSequence: give batch_sizes, or data as a (data, batch_sizes) pair; got {data!r}"
                )
            data, batch_sizes = data
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """The same sequences with ``data`` converted by ``Tensor.to`` / ``astype`` (dtype or 'cpu')."""
        to = getattr(self.data, "to", None)
        if to is not None:
            data = to(*args, **kwargs)
        else:
            target = kwargs.get("dtype", args[0] if args else None)
            data = self.data if target in (None, "cpu") else self.data.astype(target)
        return self if data is self.data else self._with_data(data)

    def _with_data(self, data: Tensor) -> PackedSequence:
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def double(self) -> PackedSequence:
        """``data`` as float64."""
        return self._with_data(self.data.double())

    def float(self) -> PackedSequence:
        """``data`` as float32."""
        return self._with_data(self.data.float())

    def half(self) -> PackedSequence:
        """``data`` as float16."""
        return self._with_data(self.data.half())

    def long(self) -> PackedSequence:
        """``data`` as int64."""
        return self._with_data(self.data.long())

    def int(self) -> PackedSequence:
        """``data`` as int32."""
        return self._with_data(self.data.int())

    def short(self) -> PackedSequence:
        """``data`` as int16."""
        return self._with_data(self.data.short())

    def char(self) -> PackedSequence:
        """``data`` as int8."""
        return self._with_data(self.data.char())

    def byte(self) -> PackedSequence:
        """``data`` as uint8."""
        return self._with_data(self.data.byte())

    def cuda(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """What ``data.cuda()`` does: raises, as PyTorch built without CUDA."""
        return self._with_data(self.data.cuda(*args, **kwargs))

    def pin_memory(self) -> PackedSequence:
        """Itself with ``data`` as ``data.pin_memory()`` gives it (no pinned memory on minigrad's CPU)."""
        return self._with_data(self.data.pin_memory())

    def is_pinned(self) -> bool:
        """Whether ``data`` is pinned (``Tensor.is_pinned``)."""
        return bool(self.data.is_pinned())

    def cpu(self) -> PackedSequence:
        """Itself: minigrad computes on the CPU."""
        return self

    @property
    def is_cuda(self) -> bool:
        """False: minigrad computes on the CPU."""
        return False


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The inverse of a permutation of 0..N-1 (None stays None): ``out[permutation[i]] = i``."""
    if permutation is None:
        return None
    perm = permutation.numpy(force=True)
    out = np.empty_like(perm)
    out[perm] = np.arange(perm.size, dtype=perm.dtype)
    return from_numpy(out)


def _int_array(values: Any, name: str, truncate: bool = False) -> Array:
    # truncate: floats and bools too, cut toward zero (PyTorch's as_tensor(lengths, dtype=torch.int64))
    arr = values.numpy(force=True) if isinstance(values, Tensor) else np.asarray(values)
    if arr.dtype.kind in "OUSV":  # (None, strings: PyTorch's tensor conversion fails, a TypeError)
        raise _ArgumentTypeError(f"{name} must be a 1-D sequence of ints, got {name}={values!r}")
    if arr.ndim != 1 or (arr.size and arr.dtype.kind not in ("iufb" if truncate else "iu")):
        raise InvalidParameterError(
            f"{name} must be a 1-D sequence of ints, got {name}={values!r}"
        )
    return arr.astype(np.int64)


def _number_arg(fn: str, name: str, position: int, kind: str, value: Any, *more: type) -> None:
    """PyTorch's parser TypeError for a ``value`` that is no real number (nor one of ``more``, nor a
    one-element tensor) where its C++ function takes a ``kind`` (float, Number)."""
    if not (isinstance(value, (int, float, np.integer, np.floating, *more))
            or (isinstance(value, Tensor) and value.numel() == 1)):
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be {kind}, not "
                        f"{python_type_name(value)}")


def _offsets(batch_sizes: Array) -> Array:
    """Row where each time step starts in ``data``."""
    return np.concatenate(([0], np.cumsum(batch_sizes)[:-1])).astype(np.int64)


def pack_padded_sequence(input: Tensor, lengths: Tensor | Sequence[int], batch_first: bool = False,  # noqa: A002
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch: keep only the first ``lengths[i]`` steps of sequence i.

    Args:
        input: (T, N, *), or (N, T, *) with ``batch_first=True``.
        lengths: N positive ints (a list or a tensor; floats are cut toward zero, as PyTorch's
            int64 conversion), at most T.
        enforce_sorted: the lengths must already be in decreasing order; with
            False they are sorted here and the permutation is kept in the
            result (``sorted_indices``), so unpacking restores the order.

    Raises:
        ShapeError: ``input`` has fewer than 2 dims, or len(lengths) is not N.
        InvalidParameterError: the input is empty, a length is not positive or exceeds T, or the
            lengths are not sorted with ``enforce_sorted=True`` (checked in PyTorch's order).
    """
    _checks.tensor("pack_padded_sequence", input)
    batch_first = _checks.strict_flag("batch_first", batch_first)
    enforce_sorted = _checks.flag("enforce_sorted", enforce_sorted)
    if input.ndim < 2:  # (PyTorch reads input.size(1) first: its IndexError)
        raise _ShapeIndexError(
            f"pack_padded_sequence: input must be (T, N, *) or (N, T, *), got shape {input.shape}"
        )
    lens = _int_array(lengths, "lengths", truncate=True)
    n, steps = (input.shape[0], input.shape[1]) if batch_first else (input.shape[1], input.shape[0])
    # PyTorch's checks, in its order (lengths sorted first when not enforce_sorted; only the last,
    # smallest, length is checked positive: an earlier non-positive one is out of order)
    if input.numel() == 0:
        raise InvalidParameterError("Cannot pack empty tensors.")
    if lens.size != n:
        raise ShapeError(f"Expected `len(lengths)` to be equal to batch_size, but got {lens.size} "
                         f"(batch_size={n})")
    sorted_indices: Tensor | None = None
    order = np.arange(n)
    if not enforce_sorted:
        order = np.argsort(-lens, kind="stable")
        sorted_indices = from_numpy(order.astype(np.int64))
        lens = lens[order]
    if lens[-1] <= 0:
        raise InvalidParameterError(
            "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0 "
            f"(pack_padded_sequence: lengths={lens.tolist()})"
        )
    if np.any(np.diff(lens) > 0):
        raise InvalidParameterError(
            "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can "
            "pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this "
            "requirement if you do not need ONNX exportability. (pack_padded_sequence: got lengths="
            f"{lens.tolist()})"
        )
    if lens.max() > steps:  # (PyTorch reads past the input here)
        raise InvalidParameterError(
            f"pack_padded_sequence: a length exceeds the {steps} steps of the input, "
            f"got lengths={lens.tolist()}"
        )
    batch_sizes = (lens[None, :] > np.arange(int(lens[0]))[:, None]).sum(axis=1).astype(np.int64)
    # one gather: row (t, k) of the packed data is sequence order[k] at step t
    t_idx = np.concatenate([np.full(b, t) for t, b in enumerate(batch_sizes)])
    seq_idx = np.concatenate([order[:b] for b in batch_sizes])
    rows = seq_idx * steps + t_idx if batch_first else t_idx * n + seq_idx
    data = input.reshape(n * steps, *input.shape[2:])[rows]
    return PackedSequence(data, from_numpy(batch_sizes), sorted_indices, None)


@bool_args("batch_first", fn="_pad_packed_sequence")  # (as PyTorch's kernel)
def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:
    """Undo :func:`pack_padded_sequence`: returns ``(padded, lengths)``.

    ``padded`` is (T, N, *) (or (N, T, *) with ``batch_first``), in the
    original batch order, with ``padding_value`` after each sequence's end;
    T is the longest length, or ``total_length`` if given. ``lengths`` is an
    int64 (N,) tensor.

    Raises:
        InvalidParameterError: ``total_length`` is shorter than the longest sequence.
        TypeError: ``sequence`` is no PackedSequence (also PyTorch's AttributeError, reading its
            ``batch_sizes``), or ``padding_value`` no number.
    """
    if not isinstance(sequence, PackedSequence):
        raise _AttributeArgumentError(f"pad_packed_sequence: expected a PackedSequence, got "
                                      f"{python_type_name(sequence)} (it has no attribute 'batch_sizes')")
    _number_arg("_pad_packed_sequence", "padding_value", 4, "Number", padding_value, complex)
    data, batch_sizes_t, _, unsorted = sequence
    batch_sizes = batch_sizes_t.numpy(force=True).astype(np.int64)
    steps = int(batch_sizes.size)
    if total_length is not None:
        total_length = _checks.nonnegative_int("total_length", total_length)
        if total_length < steps:
            raise InvalidParameterError(  # (PyTorch's words)
                "Expected total_length to be at least the length of the longest sequence in input, but got "
                f"total_length={total_length} and max sequence length being {steps} (pad_packed_sequence)"
            )
        steps = total_length
    n = int(batch_sizes[0]) if batch_sizes.size else 0
    # sequence j of the original batch is the k-th longest, k = unsorted[j]
    k = np.arange(n, dtype=np.int64) if unsorted is None else unsorted.numpy(force=True).astype(np.int64)
    lengths = (batch_sizes[None, :] > np.arange(n)[:, None]).sum(axis=1).astype(np.int64)[k]
    offsets = np.zeros(steps, dtype=np.int64)
    offsets[: batch_sizes.size] = _offsets(batch_sizes)
    # index[t, j]: the data row of sequence j at step t, or the padding row past its end
    running = np.arange(steps)[:, None] < lengths[None, :]
    index = np.where(running, offsets[:, None] + k[None, :], data.shape[0])
    pad = from_numpy(np.full((1, *data.shape[1:]), padding_value, dtype=data.dtype))
    padded = cat([data, pad])[index.T if batch_first else index]
    return padded, from_numpy(lengths)


@bool_args("batch_first")  # (PyTorch's C++ pad_sequence takes only a bool)
def pad_sequence(sequences: Tensor | Iterable[Tensor], batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Stack sequences of different lengths (L_i, *) into one padded tensor.

    Returns (T, N, *) with T the longest length (or (N, T, *) with
    ``batch_first``); the missing steps hold ``padding_value``, after each
    sequence (``padding_side='right'``) or before it (``'left'``).

    Raises:
        TypeError: ``sequences`` is not an iterable of Tensors, or ``padding_value`` no number.
        InvalidParameterError: ``padding_side`` is neither 'left' nor 'right', or no sequences.
        ShapeError: the sequences differ in their trailing dims.
    """
    _number_arg("pad_sequence", "padding_value", 3, "float", padding_value)
    if padding_side not in ("left", "right"):
        raise InvalidParameterError(
            f"padding_side must be 'left' or 'right', got padding_side={padding_side!r}"
        )
    if isinstance(sequences, Tensor):
        seqs = [sequences[i] for i in range(sequences.shape[0])]
    elif isinstance(sequences, Iterable):
        seqs = list(sequences)
    else:
        raise TypeError(f"pad_sequence: expected an iterable of Tensors, got {type(sequences).__name__}")
    if not seqs:
        raise InvalidParameterError("received an empty list of sequences (pad_sequence)")
    for i, s in enumerate(seqs):
        _checks.tensor("pad_sequence", s, f"sequences[{i}]")
        if s.ndim == 0 or s.shape[1:] != seqs[0].shape[1:]:
            # (PyTorch copies each sequence into its slot: its broadcasting words, the last dim that differs)
            bad = [d for d in range(1, min(s.ndim, seqs[0].ndim)) if s.shape[d] != seqs[0].shape[d]]
            words = f"The size of tensor a ({seqs[0].shape[bad[-1]]}) must match the size of tensor b " \
                f"({s.shape[bad[-1]]}) at non-singleton dimension {bad[-1]}: " if bad else ""
            raise ShapeError(
                f"{words}pad_sequence: every sequence must be (L, *) with the same trailing dims, got "
                f"sequences[0] {seqs[0].shape} and sequences[{i}] {s.shape}"
            )
    longest = max(s.shape[0] for s in seqs)
    padded = []
    for s in seqs:
        missing = longest - s.shape[0]
        if missing:
            fill = from_numpy(np.full((missing, *s.shape[1:]), padding_value, dtype=s.dtype))
            s = cat([s, fill] if padding_side == "right" else [fill, s])
        padded.append(s)
    return stack(padded, dim=0 if batch_first else 1)


def unpad_sequence(padded_sequences: Tensor, lengths: Tensor | Sequence[int],
                   batch_first: bool = False) -> list[Tensor]:
    """Split a padded batch back into its sequences: a list of (lengths[i], *) tensors.

    Raises:
        ShapeError: ``padded_sequences`` has fewer than 2 dims or len(lengths) is not N.
    """
    _checks.tensor("unpad_sequence", padded_sequences, "padded_sequences")
    if padded_sequences.ndim < 2:
        raise ShapeError(
            f"unpad_sequence: expected (T, N, *) or (N, T, *), got shape {padded_sequences.shape}"
        )
    lens = _int_array(lengths, "lengths")
    batch_dim = 0 if batch_first else 1
    if lens.size != padded_sequences.shape[batch_dim]:
        raise ShapeError(
            f"unpad_sequence: expected {padded_sequences.shape[batch_dim]} lengths, got {lens.size}"
        )
    if batch_first:
        return [padded_sequences[i, : int(n)] for i, n in enumerate(lens)]
    return [padded_sequences[: int(n), i] for i, n in enumerate(lens)]


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of (L_i, *) sequences: ``pack_padded_sequence(pad_sequence(sequences), lengths)``."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The list of (L_i, *) sequences in a PackedSequence, in the original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)

