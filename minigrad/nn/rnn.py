"""Recurrent layers: RNN, LSTM, GRU and their one-step cells, with PyTorch's names, gates and init.

Each layer is a loop over time of a few Tensor operations; no gradient formula
lives here. The equations (PyTorch's, gate order included), with x the input
and h, c the state at the previous step::

    RNN:  h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)        (or relu)
    LSTM: i, f, g, o = x W_ih^T + b_ih + h W_hh^T + b_hh       (4 chunks of H)
          c' = sigmoid(f) * c + sigmoid(i) * tanh(g)
          h' = sigmoid(o) * tanh(c')                          (then h' W_hr^T with proj_size)
    GRU:  r, z, n = x W_ih^T + b_ih  and  h W_hh^T + b_hh       (3 chunks of H each)
          r = sigmoid(r_x + r_h), z = sigmoid(z_x + z_h)
          n = tanh(n_x + r * n_h)                             (r gates W_hn h + b_hn)
          h' = (1 - z) * n + z * h

Work is arranged as PyTorch's CPU kernels do: per layer and direction the
input's share of every step (x W_ih^T plus the biases that can be folded in)
is one matmul over all time steps at once; the loop then adds h W_hh^T and
applies the gates, keeping the states feature-major (H, N) so that each step's
product is one Addmm, W_hh h, in BLAS's fast orientation. Sequences of a
:class:`~minigrad.nn.utils.rnn.PackedSequence` stop at their own length.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from minigrad.dtypes import scalar_type_name
from minigrad.errors import (
    InvalidParameterError,
    MinigradError,
    ShapeError,
    _ArgumentTypeError,
    _IndexParameterError,
)
from minigrad.nn import _checks, init
from minigrad.nn import functional as F
from minigrad.nn.functional._grad_names import named
from minigrad.nn.module import Module, Parameter
from minigrad.nn.utils.rnn import PackedSequence
from minigrad.ops import Addcmul, Addmm
from minigrad.tensor import DTypeLike, Tensor, cat, from_numpy, stack

__all__ = ["GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNBase", "RNNCell", "RNNCellBase"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}

State = tuple[Tensor, ...]
"""(h,) for RNN and GRU, (h, c) for LSTM."""


# ----------------------------------------------------------------- one step


def _above_zero(name: str, value: Any) -> int:
    """``value`` if a positive int, else PyTorch's ValueError words (also naming the value)."""
    if not _checks.is_int(value):
        return _checks.positive_int(name, value)  # (PyTorch's TypeError)
    if value <= 0:
        raise InvalidParameterError(f"{name} must be greater than zero, got {name}={value!r}")
    return int(value)


def _times_transposed(h: Tensor, w: Tensor) -> Tensor:
    """h @ w^T for a small batch h (N, in) and a weight w (out, in), computed as (w @ h^T)^T.

    The same numbers; but OpenBLAS multiplies a row-major weight by a narrow
    matrix much faster than a narrow matrix by a transposed weight view
    (measured for (20, 256) x (256, 1024), float32: 146 us against 241 us,
    PyTorch 146 us), and the two gradient products keep fast layouts too.
    """
    return (w @ h.mT).mT


def _recurrent(xg: Tensor, h: Tensor, w: Tensor, fm: bool) -> Tensor:
    """xg + h W^T for states h (N, H); for feature-major states h (H, N), xg + W h: one Addmm.

    The layers keep their states feature-major (one column per sequence) so
    that each step's product is a single op in the fast orientation of
    :func:`_times_transposed`; the one-step cells take PyTorch's (N, H).
    """
    return Addmm.apply(xg, w, h) if fm else xg + _times_transposed(h, w)


def _gate(t: Tensor, k: int, size: int, fm: bool, count: int = 1) -> Tensor:
    """Gates k .. k + count - 1 of ``t``: rows when feature-major, columns otherwise."""
    part = slice(k * size, (k + count) * size)
    return t[part] if fm else t[:, part]


def _rnn_step(xg: Tensor, h: Tensor, w_hh: Tensor, relu: bool, fm: bool = False) -> Tensor:
    """h' = act(xg + h W_hh^T); ``xg`` already holds x W_ih^T + b_ih + b_hh."""
    pre = _recurrent(xg, h, w_hh, fm)
    return pre.relu() if relu else pre.tanh()


def _lstm_step(xg: Tensor, h: Tensor, c: Tensor, w_hh: Tensor,
               w_hr: Tensor | None, fm: bool = False) -> tuple[Tensor, Tensor]:
    """(h', c') from the gates xg + h W_hh^T; ``xg`` already holds x W_ih^T + b_ih + b_hh."""
    gates = _recurrent(xg, h, w_hh, fm)
    size = c._array.shape[0 if fm else -1]
    # one sigmoid over all four chunks (the g chunk's is unused): fewer ops per step
    s = gates.sigmoid()
    # f * c + i * g; the layers' as one addcmul (the cell's c is PyTorch's AddBackward0, as _gru_step's h)
    fc, i, g = _gate(s, 1, size, fm) * c, _gate(s, 0, size, fm), _gate(gates, 2, size, fm).tanh()
    c = Addcmul.apply(fc, i, g) if fm else fc + i * g
    h = _gate(s, 3, size, fm) * c.tanh()
    if w_hr is not None:
        h = w_hr @ h if fm else _times_transposed(h, w_hr)
    return h, c


def _gru_step(xg: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None, fm: bool = False) -> Tensor:
    """h' from ``xg`` = x W_ih^T + b_ih and h; b_hh stays inside because r multiplies W_hn h + b_hn.

    Feature-major, ``b_hh`` is a column (3H, 1).
    """
    if b_hh is None:
        gh = w_hh @ h if fm else _times_transposed(h, w_hh)
    else:
        gh = _recurrent(b_hh, h, w_hh, fm)
    size = h._array.shape[0 if fm else -1]
    rz = _gate(xg + gh, 0, size, fm, 2).sigmoid()
    # x_n + r * h_n and n + z * (h - n) as addcmuls: one node each, the same bits as the product and
    # the sum. (Not the cell's last one: PyTorch's GRUCell result is an AddBackward0.)
    n = Addcmul.apply(_gate(xg, 2, size, fm), _gate(rz, 0, size, fm), _gate(gh, 2, size, fm)).tanh()
    z = _gate(rz, 1, size, fm)
    return Addcmul.apply(n, z, h - n) if fm else n + z * (h - n)


# ----------------------------------------------------------------- the time loop


def _column_pieces(cols: Tensor, sizes: Sequence[int]) -> list[Tensor]:
    """Consecutive column blocks of ``cols``: ``sizes[t]`` columns for step t.

    Plain slices: in backward the engine adds each slice's gradient into one
    gradient array of ``cols`` in place, so T slices cost one full-size array.
    """
    pieces = []
    start = 0
    for size in sizes:
        pieces.append(cols[:, start : start + size])
        start += size
    return pieces


Step = Callable[..., State]


def _scan(step: Step, inputs: Sequence[Tensor], sizes: Sequence[int], state0: State,
          reverse: bool) -> tuple[list[Tensor], State]:
    """Run ``step`` over time; returns the per-step outputs (in time order) and the final state.

    States are feature-major, one column per sequence. ``sizes[t]`` sequences
    run at step t (non-increasing in t: the batch is sorted by length). Going
    forward, a sequence that ends leaves its state aside; going backward, a
    sequence joins at its last step with its initial state. With all sizes
    equal nothing is sliced.
    """
    full = state0[0]._array.shape[1]
    order = range(len(sizes) - 1, -1, -1) if reverse else range(len(sizes))
    active = sizes[-1] if reverse else full
    state = tuple(s[:, :active] for s in state0) if active < full else state0
    finished: list[State] = []
    outs: list[Tensor] = [state0[0]] * len(sizes)
    for t in order:
        size = sizes[t]
        if size < active:
            finished.append(tuple(s[:, size:active] for s in state))
            state = tuple(s[:, :size] for s in state)
        elif size > active:
            state = tuple(cat([s, s0[:, active:size]], 1) for s, s0 in zip(state, state0, strict=True))
        active = size
        state = step(inputs[t], *state)
        outs[t] = state[0]
    if finished:  # sequences that ended early come after the longer ones, in batch order
        state = tuple(cat([s, *[f[i] for f in reversed(finished)]], 1) for i, s in enumerate(state))
    return outs, state


# ----------------------------------------------------------------- layers


class RNNBase(Module):
    """The machinery shared by :class:`RNN`, :class:`LSTM` and :class:`GRU` (``mode`` picks the cell).

    Parameters, per layer k and direction (suffix ``_reverse`` for the
    backward one): ``weight_ih_l{k}`` (G*H, in), ``weight_hh_l{k}`` (G*H, H_out),
    ``bias_ih_l{k}``, ``bias_hh_l{k}`` (G*H,) and, for an LSTM with
    ``proj_size``, ``weight_hr_l{k}`` (proj_size, H); G is 1, 4 or 3 gates.
    Layer 0 reads ``input_size`` features, later layers the previous layer's
    H_out * num_directions. All start U(-1/sqrt(H), 1/sqrt(H)) from minigrad's
    seeded generator, as in PyTorch.

    Raises:
        InvalidParameterError: an unknown mode, a size that is not a positive
            int, ``dropout`` outside [0, 1], ``proj_size`` not in [0, hidden_size),
            a non-bool flag, a non-float dtype, a device other than the CPU.
            For ``input_size``/``hidden_size`` not an int or ``bias``/``batch_first``
            not a bool, it is also a TypeError (PyTorch's class for these).
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device: Any = None, dtype: DTypeLike = None) -> None:
        super().__init__()
        if mode not in _GATES:
            raise InvalidParameterError(f"mode must be one of {sorted(_GATES)}, got mode={mode!r}")
        self.mode = mode
        # a wrongly typed size or flag is PyTorch's TypeError (RNN(3.0, 5), bias=1), a bad value ValueError
        of_type = _checks.of_type
        self.input_size = _above_zero("input_size", of_type("input_size", input_size, int))
        self.hidden_size = _above_zero("hidden_size", of_type("hidden_size", hidden_size, int))
        self.num_layers = _above_zero("num_layers", num_layers)
        self.bias = _checks.flag("bias", of_type("bias", bias, bool))
        self.batch_first = _checks.flag("batch_first", of_type("batch_first", batch_first, bool))
        try:  # (PyTorch takes float(dropout) first: its TypeError for None, then its ValueError words)
            self.dropout = float(dropout)
        except (TypeError, ValueError) as e:
            kind = _ArgumentTypeError if isinstance(e, TypeError) else InvalidParameterError
            raise kind(f"{e} (dropout={dropout!r})") from None
        if not _checks.is_real(dropout) or not 0 <= dropout <= 1:
            raise InvalidParameterError("dropout should be a number in range [0, 1] representing the "
                                        f"probability of an element being zeroed (got dropout={dropout!r})")
        self.bidirectional = _checks.strict_flag("bidirectional", bidirectional)
        self.proj_size = _checks.nonnegative_int("proj_size", proj_size)
        if self.proj_size and mode != "LSTM":
            raise InvalidParameterError(
                f"proj_size is only supported by LSTM, got proj_size={proj_size} for {mode}"
            )
        if self.proj_size >= self.hidden_size:
            raise InvalidParameterError(
                "proj_size has to be smaller than hidden_size "
                f"(got proj_size={proj_size} and hidden_size={hidden_size})"
            )
        _checks.device(device)
        dt = _checks.float_dtype(dtype)
        if self.dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
                f"num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                stacklevel=2,  # (as PyTorch's: the subclass's super().__init__ line, so shown once)
            )
        gate_size = _GATES[mode] * self.hidden_size
        out_size = self.proj_size or self.hidden_size
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for layer in range(self.num_layers):
            layer_in = self.input_size if layer == 0 else out_size * self.num_directions
            for direction in range(self.num_directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                shapes: list[tuple[str, tuple[int, ...]]] = [
                    ("weight_ih", (gate_size, layer_in)), ("weight_hh", (gate_size, out_size))]
                if self.bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if self.proj_size:
                    shapes.append(("weight_hr", (self.proj_size, self.hidden_size)))
                names = []
                for base, shape in shapes:
                    setattr(self, base + suffix, Parameter(np.empty(shape, dtype=dt)))
                    names.append(base + suffix)
                self._flat_weights_names += names
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def num_directions(self) -> int:
        """2 if bidirectional, else 1."""
        return 2 if self.bidirectional else 1

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters grouped per layer and direction, in PyTorch's order."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def reset_parameters(self) -> None:
        """Redraw every parameter from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    def flatten_parameters(self) -> None:
        """Does nothing: PyTorch packs the weights for cuDNN here, minigrad has no cuDNN."""

    def extra_repr(self) -> str:
        """The sizes and every option that differs from its default, as PyTorch prints them."""
        text = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            text += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if not self.bias:
            text += ", bias=False"
        if self.batch_first:
            text += ", batch_first=True"
        if self.dropout:
            text += f", dropout={self.dropout}"
        if self.bidirectional:
            text += ", bidirectional=True"
        return text

    # ------------------------------------------------------------ forward

    def forward(self, input: Tensor | PackedSequence, hx: Any = None) -> tuple[Any, Any]:  # noqa: A002
        """Run the stack over a sequence; returns ``(output, h_n)`` (LSTM: ``(output, (h_n, c_n))``).

        Shapes, with D = num_directions, H_out = proj_size or hidden_size:
        input (T, N, input_size) (or (N, T, input_size) with ``batch_first``,
        or unbatched (T, input_size), or a PackedSequence); h_0 and h_n
        (num_layers * D, N, H_out); c_0 and c_n (num_layers * D, N, hidden_size);
        output (T, N, D * H_out) in the input's layout (a PackedSequence for
        packed input). The states are zeros when ``hx`` is None.

        Raises:
            ShapeError: the input is not 2-D or 3-D (2-D data for packed input),
                its last dim is not ``input_size``, or an initial state has the wrong shape.
            InvalidParameterError: the input's dtype differs from the parameters'.
            TypeError: the input is not a Tensor or PackedSequence.
        """
        name = type(self).__name__
        batched = True
        packed: PackedSequence | None = None
        if isinstance(input, PackedSequence):
            packed = input
            rows = _checks.tensor(name, packed.data, "input.data")
            if rows.ndim != 2:
                raise ShapeError(f"{name}: packed input data must be 2-D (sum of lengths, input_size), "
                                 f"got shape {rows.shape}")
            sizes = [int(b) for b in packed.batch_sizes.numpy(force=True)]
            shown = rows.shape
        else:
            x = _checks.tensor(name, input)
            if x.ndim not in (2, 3):
                # (PyTorch's RNN says "4D tensor instead", its LSTM and GRU "4D instead")
                got = f"{x.ndim}D tensor" if self.mode.startswith("RNN") else f"{x.ndim}D"
                raise ShapeError(f"{name}: Expected input to be 2D or 3D, got {got} instead "
                                 f"(shape {x.shape})")
            batched = x.ndim == 3
            if not batched:
                x = x.unsqueeze(1)
            elif self.batch_first:
                x = x.transpose(0, 1)
            steps, n = x.shape[0], x.shape[1]
            sizes = [n] * steps
            rows = x.reshape(steps * n, x.shape[2])
            shown = input.shape
        if not sizes:
            raise ShapeError(f"Expected sequence length to be larger than 0 in RNN ({name}: expected a "
                             f"sequence length larger than 0, got input shape {shown})")
        if rows.shape[-1] != self.input_size:
            raise ShapeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got "
                f"{rows.shape[-1]} ({name}: expected input with last dim input_size={self.input_size}, got "
                f"shape {shown})"
            )
        weight = self.weight_ih_l0
        if rows.dtype != weight.dtype:
            # PyTorch's words, for GRU/LSTM too (np.dtype: a tensor's dtype prints "torch." already under
            # minigrad.compat)
            want, got = f"torch.{np.dtype(weight.dtype).name}", f"torch.{np.dtype(rows.dtype).name}"
            raise InvalidParameterError(
                f"RNN input dtype ({got}) does not match weight dtype ({want}). Convert input: "
                f"input.to({want}), or convert model: model.to({got})"
            )
        batch = sizes[0]
        states = self._initial_states(hx, batch, batched, rows.dtype)
        if packed is not None and packed.sorted_indices is not None:  # hx is in the caller's batch order
            # (index_select, as PyTorch's permute_hidden: the states' grad_fn is IndexSelectBackward0)
            states = [None if s is None else s.index_select(1, packed.sorted_indices) for s in states]
        rows, finals = self._layers(rows, sizes, states)
        final_states = [named(stack([f[i] for f in finals]).contiguous(), "StackBackward0")
                        for i in range(len(finals[0]))]
        output: Any
        if packed is not None:
            if packed.unsorted_indices is not None:
                final_states = [s.index_select(1, packed.unsorted_indices) for s in final_states]
            output = PackedSequence(rows, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
        else:
            # PyTorch's CPU kernels' names: one LSTM layer op (oneDNN: float32 only, no proj_size; else
            # the default kernel), else the steps stacked, or the directions joined
            onednn = self.mode == "LSTM" and not self.proj_size and rows.dtype == np.float32
            kind = "Cat" if self.num_directions == 2 else "MkldnnRnnLayer" if onednn else "Stack"
            output = named(rows.reshape(len(sizes), batch, rows.shape[-1]), f"{kind}Backward0")
            if not batched:
                output = output.squeeze(1)
                final_states = [s.squeeze(1) for s in final_states]
            elif self.batch_first:
                output = output.transpose(0, 1)
        if self.mode == "LSTM":
            return output, (final_states[0], final_states[1])
        return output, final_states[0]

    def _layers(self, rows: Tensor, sizes: list[int],
                states: list[Tensor | None]) -> tuple[Tensor, list[State]]:
        """Every layer and direction over ``rows`` (time-major, ``sizes[t]`` rows per step)."""
        finals: list[State] = []
        out_size = self.proj_size or self.hidden_size
        last = self.num_layers - 1
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(self.num_directions):
                k = layer * self.num_directions + direction
                params = [getattr(self, n) for n in self._all_weights[k]]
                step, xg = self._prepare(rows, params)
                state0 = tuple(
                    from_numpy(np.zeros((size, sizes[0]), dtype=rows.dtype)) if s is None else s[k].mT
                    for s, size in zip(states, (out_size, self.hidden_size), strict=False)
                )
                outs, final = _scan(step, _column_pieces(xg.mT, sizes), sizes, state0, reverse=direction == 1)
                # back to PyTorch's row-major layout: the same memory order as eager and replayed
                # results (a sum over an F-ordered view adds in another order)
                outputs.append(cat(outs, 1).mT.contiguous())
                finals.append(tuple(f.mT for f in final))
            rows = outputs[0] if len(outputs) == 1 else cat(outputs, dim=1)
            if layer < last and self.dropout > 0 and self.training:
                rows = F.dropout(rows, self.dropout) if self.dropout < 1 else rows * 0.0
        return rows, finals

    def _prepare(self, rows: Tensor, params: list[Parameter]) -> tuple[Step, Tensor]:
        """The step function of one layer and direction, and the input's share of every step's gates."""
        w_ih, w_hh = params[0], params[1]
        b_ih, b_hh = (params[2], params[3]) if self.bias else (None, None)
        if self.mode == "GRU":
            xg = F.linear(rows, w_ih, b_ih)
            b_col = None if b_hh is None else b_hh.reshape(-1, 1)
            return (lambda x, h: (_gru_step(x, h, w_hh, b_col, True),)), xg
        # both biases are constant over time: fold them into the one big matmul
        xg = F.linear(rows, w_ih, None if b_ih is None or b_hh is None else b_ih + b_hh)
        if self.mode == "LSTM":
            w_hr = params[-1] if self.proj_size else None
            return (lambda x, h, c: _lstm_step(x, h, c, w_hh, w_hr, True)), xg
        relu = self.mode == "RNN_RELU"
        return (lambda x, h: (_rnn_step(x, h, w_hh, relu, True),)), xg

    def _initial_states(self, hx: Any, batch: int, batched: bool,
                        dtype: np.dtype[Any]) -> list[Tensor | None]:
        """``hx`` checked and as (num_layers * D, N, size) tensors (None: zeros)."""
        name = type(self).__name__
        lstm = self.mode == "LSTM"
        if hx is None:
            return [None, None] if lstm else [None]
        if lstm:
            if isinstance(hx, Tensor):  # (PyTorch indexes it: hx[0], hx[1])
                hx = (hx[0], hx[1])
            if not isinstance(hx, (tuple, list)):
                raise TypeError(f"{name}: hx must be a tuple (h_0, c_0), got {type(hx).__name__}")
            if len(hx) != 2:  # (PyTorch reads hx[0] and hx[1]: one is its IndexError, more its RuntimeError)
                raise (_IndexParameterError if len(hx) < 2 else MinigradError)(
                    f"lstm expects two hidden states ({name}: hx must be a tuple (h_0, c_0), got {len(hx)} "
                    "tensors)")
            given = [(hx[0], "h_0", self.proj_size or self.hidden_size), (hx[1], "c_0", self.hidden_size)]
        else:
            given = [(hx, "h_0", self.hidden_size)]
        tensors = [_checks.tensor(name, t, label) for t, label, _ in given]
        rank = 3 if batched else 2
        if any(t.ndim != rank for t in tensors):  # PyTorch's words: both LSTM states' ranks at once
            which, ranks = ("hx and cx", f"({tensors[0].ndim}-D, {tensors[1].ndim}-D) tensors") if lstm \
                else ("hx", f"{tensors[0].ndim}-D tensor")
            kind = "batched 3-D" if batched else "unbatched 2-D"
            raise ShapeError(f"For {kind} input, {which} should also be {rank}-D but got {ranks}")
        out: list[Tensor | None] = []
        for i, (t, (_, label, size)) in enumerate(zip(tensors, given)):
            expected = (self.num_layers * self.num_directions, batch, size)
            if not batched:
                t = t.unsqueeze(1)
            if t.shape != expected:  # PyTorch's words: hidden[0] / hidden[1] for LSTM, hidden otherwise
                shown = f"hidden[{i}]" if lstm else "hidden"
                raise ShapeError(f"Expected {shown} size {expected}, got {list(t.shape)}")
            if t.dtype != dtype:
                raise InvalidParameterError(
                    f"{name}: {label} dtype {t.dtype} does not match the input's {dtype}"
                )
            out.append(t)
        return out


def _no_projection(proj_size: int | None) -> None:
    """Refuse a ``proj_size`` given to RNN or GRU (PyTorch's ValueError, whatever its value)."""
    if proj_size is not None:
        raise InvalidParameterError("proj_size argument is only supported for LSTM, not RNN or GRU")


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), or relu, PyTorch's ``nn.RNN``.

    Args (PyTorch's order and defaults): input_size, hidden_size,
    num_layers=1, nonlinearity='tanh' ('tanh' or 'relu'), bias=True,
    batch_first=False, dropout=0.0 (between layers, in training),
    bidirectional=False, device=None, dtype=None.
    ``forward(input, hx=None)`` returns ``(output, h_n)``; see :meth:`RNNBase.forward`.

    Raises:
        InvalidParameterError: an unknown nonlinearity, a ``proj_size`` (LSTM only), or as :class:`RNNBase`.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, device: Any = None, dtype: DTypeLike = None, *,
                 proj_size: int | None = None) -> None:
        _no_projection(proj_size)
        if nonlinearity not in ("tanh", "relu"):
            raise InvalidParameterError(
                f"Unknown nonlinearity {nonlinearity!r}. Select from 'tanh' or 'relu' "
                f"(got nonlinearity={nonlinearity!r})"
            )
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size,
                         num_layers, bias, batch_first, dropout, bidirectional, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """Long short-term memory, PyTorch's ``nn.LSTM`` (gates i, f, g, o).

    Args (PyTorch's order and defaults): input_size, hidden_size,
    num_layers=1, bias=True, batch_first=False, dropout=0.0, bidirectional=False,
    proj_size=0 (if > 0, h is projected to proj_size by ``weight_hr_l{k}``),
    device=None, dtype=None.
    ``forward(input, hx=None)`` with ``hx = (h_0, c_0)`` returns
    ``(output, (h_n, c_n))``; see :meth:`RNNBase.forward`.

    Raises:
        InvalidParameterError: as :class:`RNNBase`.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device: Any = None, dtype: DTypeLike = None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, proj_size, device, dtype)


class GRU(RNNBase):
    """Gated recurrent unit, PyTorch's ``nn.GRU`` (gates r, z, n; r scales W_hn h + b_hn).

    Args (PyTorch's order and defaults): input_size, hidden_size,
    num_layers=1, bias=True, batch_first=False, dropout=0.0, bidirectional=False,
    device=None, dtype=None.
    ``forward(input, hx=None)`` returns ``(output, h_n)``; see :meth:`RNNBase.forward`.

    Raises:
        InvalidParameterError: a ``proj_size`` (LSTM only), or as :class:`RNNBase`.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device: Any = None, dtype: DTypeLike = None, *, proj_size: int | None = None) -> None:
        _no_projection(proj_size)
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device=device, dtype=dtype)


# ----------------------------------------------------------------- cells


class RNNCellBase(Module):
    """Parameters and checks shared by the cells: ``weight_ih`` (G*H, input_size),
    ``weight_hh`` (G*H, H), ``bias_ih`` and ``bias_hh`` (G*H,), all U(-1/sqrt(H), 1/sqrt(H)).

    Raises:
        InvalidParameterError: a size that is not a positive int, a non-bool
            ``bias``, a non-float dtype, a device other than the CPU.
    """

    weight_ih: Parameter
    weight_hh: Parameter
    bias_ih: Parameter | None
    bias_hh: Parameter | None

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device: Any = None,
                 dtype: DTypeLike = None) -> None:
        super().__init__()
        self.input_size = _checks.positive_int("input_size", input_size)
        self.hidden_size = _checks.positive_int("hidden_size", hidden_size)
        self.bias = _checks.flag("bias", bias)
        _checks.device(device)
        dt = _checks.float_dtype(dtype)
        gates = num_chunks * self.hidden_size
        self.weight_ih = Parameter(np.empty((gates, self.input_size), dtype=dt))
        self.weight_hh = Parameter(np.empty((gates, self.hidden_size), dtype=dt))
        if self.bias:
            self.bias_ih = Parameter(np.empty(gates, dtype=dt))
            self.bias_hh = Parameter(np.empty(gates, dtype=dt))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Redraw every parameter from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    def extra_repr(self) -> str:
        """Sizes, and bias/nonlinearity when not the default."""
        text = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            text += ", bias=False"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            text += f", nonlinearity={self.nonlinearity}"
        return text

    def _check(self, input: Any,  # noqa: A002
               states: Sequence[tuple[Any, str]]) -> tuple[Tensor, list[Tensor | None], bool]:
        """The input as (N, input_size) and the states as (N, H) (None stays None); batched or not."""
        name = type(self).__name__
        x = _checks.tensor(name, input)
        # PyTorch's checks in its order and words (ranks: ValueError, then sizes: RuntimeError); the
        # parentheses say what was expected in full
        if x.ndim not in (1, 2):
            raise ShapeError(f"{name}: Expected input to be 1D or 2D, got {x.ndim}D instead (expected input "
                             f"to be 1-D or 2-D, got {x.ndim}-D (shape {x.shape}))")
        for s, label in states:
            if s is not None and _checks.tensor(name, s, label).ndim not in (1, 2):
                shown = "hidden" if label == "hx" else label
                raise ShapeError(f"{name}: Expected {shown} to be 1D or 2D, got {s.ndim}D instead "
                                 f"({label} of shape {s.shape})")
        batched = x.ndim == 2
        if x.shape[-1] != self.input_size:
            raise ShapeError(
                f"input has inconsistent input_size: got {x.shape[-1]} expected {self.input_size} "
                f"({name}: expected input with last dim input_size={self.input_size}, got shape {x.shape})"
            )
        if not batched:
            x = x.unsqueeze(0)
        out: list[Tensor | None] = []
        expected = (x.shape[0], self.hidden_size)
        for i, (s, label) in enumerate(states):
            if s is None:
                out.append(None)
                continue
            want = expected if batched else expected[1:]
            if s.shape != want:
                dims = "(batch, hidden_size)" if batched else "(hidden_size)"
                full = f"{name}: expected {label} of shape {want} {dims}, got {s.shape}"
                if s.ndim != len(want):
                    raise ShapeError(full)
                if batched and s.shape[0] != expected[0]:
                    raise ShapeError(f"Input batch size {expected[0]} doesn't match hidden{i} batch size "
                                     f"{s.shape[0]} ({full})")
                raise ShapeError(f"hidden{i} has inconsistent hidden_size: got {s.shape[-1]}, expected "
                                 f"{self.hidden_size} ({full})")
            out.append(s if batched else s.unsqueeze(0))
        if x.dtype != self.weight_ih.dtype:
            raise InvalidParameterError(  # (PyTorch's words: its cell's matrix product refuses them)
                f"mat1 and mat2 must have the same dtype, but got {scalar_type_name(x.dtype)} and "
                f"{scalar_type_name(self.weight_ih.dtype)} ({name}: input dtype {x.dtype} does not match the "
                f"parameters' dtype {self.weight_ih.dtype})"
            )
        return x, out, batched

    def _input_gates(self, x: Tensor, fold_hh_bias: bool) -> Tensor:
        """x W_ih^T + b_ih (+ b_hh when it can be folded in)."""
        b: Tensor | None = self.bias_ih
        if fold_hh_bias and b is not None and self.bias_hh is not None:
            b = b + self.bias_hh
        return F.linear(x, self.weight_ih, b)

    def _zeros(self, x: Tensor) -> Tensor:
        return from_numpy(np.zeros((x.shape[0], self.hidden_size), dtype=x.dtype))


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu).

    Args: input_size, hidden_size, bias=True, nonlinearity='tanh', device=None, dtype=None.
    ``forward(input, hx=None)``: input (N, input_size) or (input_size,), hx
    (N, hidden_size) or (hidden_size,) (zeros if None) -> h' of hx's shape.

    Raises:
        InvalidParameterError: an unknown nonlinearity, or as :class:`RNNCellBase`.
        ShapeError (call): wrong ranks or sizes.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device: Any = None, dtype: DTypeLike = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise InvalidParameterError(
                f"Unknown nonlinearity {nonlinearity!r}. Select from 'tanh' or 'relu' "
                f"(got nonlinearity={nonlinearity!r})"
            )
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:  # noqa: A002
        """The next hidden state."""
        x, (h,), batched = self._check(input, [(hx, "hx")])
        h = self._zeros(x) if h is None else h
        out = _rnn_step(self._input_gates(x, True), h, self.weight_hh, self.nonlinearity == "relu")
        return out if batched else out.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step (gates i, f, g, o): returns ``(h', c')``.

    Args: input_size, hidden_size, bias=True, device=None, dtype=None.
    ``forward(input, hx=None)`` with ``hx = (h, c)`` (zeros if None): input
    (N, input_size) or (input_size,), h and c (N, hidden_size) or (hidden_size,).

    Raises:
        InvalidParameterError: as :class:`RNNCellBase`.
        ShapeError (call): wrong ranks or sizes.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: DTypeLike = None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:  # noqa: A002
        """The next (hidden, cell) state."""
        if hx is not None and not isinstance(hx, (tuple, list)):
            raise TypeError(f"LSTMCell: hx must be a tuple (h, c), got {type(hx).__name__}")
        if hx is not None and len(hx) != 2:  # (PyTorch's RuntimeError)
            raise MinigradError(f"lstm_cell expects two hidden states (LSTMCell: hx must be a tuple (h, c), "
                                f"got {len(hx)} tensors)")
        h0, c0 = (None, None) if hx is None else hx
        x, (h, c), batched = self._check(input, [(h0, "hx[0]"), (c0, "hx[1]")])
        h = self._zeros(x) if h is None else h
        c = self._zeros(x) if c is None else c
        h, c = _lstm_step(self._input_gates(x, True), h, c, self.weight_hh, None)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step (gates r, z, n; r scales W_hn h + b_hn): returns h'.

    Args: input_size, hidden_size, bias=True, device=None, dtype=None.
    ``forward(input, hx=None)``: input (N, input_size) or (input_size,), hx
    (N, hidden_size) or (hidden_size,) (zeros if None) -> h' of hx's shape.

    Raises:
        InvalidParameterError: as :class:`RNNCellBase`.
        ShapeError (call): wrong ranks or sizes.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: DTypeLike = None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:  # noqa: A002
        """The next hidden state."""
        x, (h,), batched = self._check(input, [(hx, "hx")])
        h = self._zeros(x) if h is None else h
        out = _gru_step(self._input_gates(x, False), h, self.weight_hh, self.bias_hh)
        return out if batched else out.squeeze(0)
