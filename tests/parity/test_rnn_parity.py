"""RNN, LSTM, GRU, their cells and nn.utils.rnn against PyTorch with copied weights.

Every case runs in float64 and compares the outputs, h_n (and c_n), and the
gradients of the input, the initial states and every parameter under random
upstream gradients, to 1e-10 relative.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as mg
from minigrad import nn
from minigrad.nn.utils import rnn as mrnn
from tests.helpers import assert_close, require_torch

RNG = np.random.default_rng(77)
IN, HID = 3, 4


def _pair(cls: str, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    """The same module in minigrad and torch (float64), minigrad holding torch's weights."""
    torch = require_torch()
    t = getattr(torch.nn, cls)(*args, dtype=torch.float64, **kwargs)
    m = getattr(nn, cls)(*args, dtype=mg.float64, **kwargs)
    assert list(m.state_dict()) == list(t.state_dict())
    assert [tuple(v.shape) for v in t.state_dict().values()] == [v.shape for v in m.state_dict().values()]
    m.load_state_dict({k: v.detach().numpy() for k, v in t.state_dict().items()})
    return m, t


def _leaves(*shapes: tuple[int, ...]) -> tuple[list[mg.Tensor], list[Any]]:
    torch = require_torch()
    arrays = [RNG.standard_normal(s) for s in shapes]
    return ([mg.tensor(a, requires_grad=True) for a in arrays],
            [torch.tensor(a, requires_grad=True) for a in arrays])


def _flat(out: Any) -> list[Any]:
    """(output, h_n) or (output, (h_n, c_n)) as a flat list of tensors."""
    if isinstance(out, (tuple, list)):
        return [x for o in out for x in _flat(o)]
    return [out]


def _check(m: Any, t: Any, m_out: Any, t_out: Any, m_leaves: list[mg.Tensor], t_leaves: list[Any]) -> None:
    """Outputs equal; after one backward with random upstream gradients, every gradient equal."""
    torch = require_torch()
    m_outs, t_outs = _flat(m_out), _flat(t_out)
    assert len(m_outs) == len(t_outs)
    m_loss: Any = 0
    t_loss: Any = 0
    for mo, to in zip(m_outs, t_outs, strict=True):
        assert_close(mo, to)
        g = RNG.standard_normal(tuple(to.shape))
        m_loss = m_loss + (mo * mg.tensor(g)).sum()
        t_loss = t_loss + (to * torch.tensor(g)).sum()
    m_loss.backward()
    t_loss.backward()
    for ml, tl in zip(m_leaves, t_leaves, strict=True):
        assert_close(ml.grad, tl.grad)
    t_params = dict(t.named_parameters())
    m_params = dict(m.named_parameters())
    assert list(m_params) == list(t_params)
    for name, tp in t_params.items():
        assert m_params[name].grad is not None, name
        assert_close(m_params[name].grad, tp.grad)


def _states(cls: str, layers_dirs: int, batch: tuple[int, ...],
            out: int) -> tuple[list[mg.Tensor], list[Any]]:
    shapes = [(layers_dirs, *batch, out)]
    if cls == "LSTM":
        shapes.append((layers_dirs, *batch, HID))
    return _leaves(*shapes)


def _hx(cls: str, states: list[Any]) -> Any:
    return tuple(states) if cls == "LSTM" else states[0]


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("initial_states", [False, True])
def test_two_layer_stacks(cls: str, bidirectional: bool, batch_first: bool, initial_states: bool) -> None:
    m, t = _pair(cls, IN, HID, num_layers=2, bidirectional=bidirectional, batch_first=batch_first)
    steps, batch = 5, 3
    (mx,), (tx,) = _leaves((batch, steps, IN) if batch_first else (steps, batch, IN))
    m_args: list[Any] = [mx]
    t_args: list[Any] = [tx]
    m_leaves, t_leaves = [mx], [tx]
    if initial_states:
        ms, ts = _states(cls, 2 * (2 if bidirectional else 1), (batch,), HID)
        m_args.append(_hx(cls, ms))
        t_args.append(_hx(cls, ts))
        m_leaves += ms
        t_leaves += ts
    _check(m, t, m(*m_args), t(*t_args), m_leaves, t_leaves)


@pytest.mark.parametrize(("cls", "kwargs"), [
    ("RNN", {"nonlinearity": "relu"}),
    ("RNN", {"bias": False}),
    ("GRU", {"bias": False}),
    ("LSTM", {"bias": False}),
    ("LSTM", {"proj_size": 2}),
    ("LSTM", {"proj_size": 2, "bidirectional": True, "num_layers": 3}),
])  # fmt: skip
@pytest.mark.parametrize("initial_states", [False, True])
def test_options(cls: str, kwargs: dict[str, Any], initial_states: bool) -> None:
    m, t = _pair(cls, IN, HID, **kwargs)
    (mx,), (tx,) = _leaves((4, 2, IN))
    m_leaves, t_leaves = [mx], [tx]
    if initial_states:
        ms, ts = _states(cls, m.num_layers * m.num_directions, (2,), kwargs.get("proj_size") or HID)
        m_out, t_out = m(mx, _hx(cls, ms)), t(tx, _hx(cls, ts))
        m_leaves += ms
        t_leaves += ts
    else:
        m_out, t_out = m(mx), t(tx)
    _check(m, t, m_out, t_out, m_leaves, t_leaves)


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("initial_states", [False, True])
def test_unbatched(cls: str, initial_states: bool) -> None:
    m, t = _pair(cls, IN, HID, num_layers=2, bidirectional=True, batch_first=True)
    (mx,), (tx,) = _leaves((5, IN))
    m_leaves, t_leaves = [mx], [tx]
    if initial_states:
        ms, ts = _states(cls, 4, (), HID)
        m_out, t_out = m(mx, _hx(cls, ms)), t(tx, _hx(cls, ts))
        m_leaves += ms
        t_leaves += ts
    else:
        m_out, t_out = m(mx), t(tx)
    assert _flat(m_out)[0].shape == (5, 2 * HID)
    _check(m, t, m_out, t_out, m_leaves, t_leaves)


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize(("lengths", "enforce_sorted"), [([6, 4, 4, 1], True), ([3, 6, 1, 5], False)])
def test_packed_sequences(cls: str, bidirectional: bool, lengths: list[int], enforce_sorted: bool) -> None:
    torch = require_torch()
    m, t = _pair(cls, IN, HID, num_layers=2, bidirectional=bidirectional)
    (mx,), (tx,) = _leaves((6, 4, IN))
    mp = mrnn.pack_padded_sequence(mx, lengths, enforce_sorted=enforce_sorted)
    tp = torch.nn.utils.rnn.pack_padded_sequence(tx, torch.tensor(lengths), enforce_sorted=enforce_sorted)
    np.testing.assert_array_equal(mp.batch_sizes.numpy(), tp.batch_sizes.numpy())
    assert_close(mp.data, tp.data)
    ms, ts = _states(cls, 2 * (2 if bidirectional else 1), (4,), HID)
    m_packed, m_hidden = m(mp, _hx(cls, ms))
    t_packed, t_hidden = t(tp, _hx(cls, ts))
    assert isinstance(m_packed, mrnn.PackedSequence)
    m_pad, m_len = mrnn.pad_packed_sequence(m_packed, padding_value=-2.0)
    t_pad, t_len = torch.nn.utils.rnn.pad_packed_sequence(t_packed, padding_value=-2.0)
    np.testing.assert_array_equal(m_len.numpy(), t_len.numpy())
    _check(m, t, (m_pad, m_hidden), (t_pad, t_hidden), [mx, *ms], [tx, *ts])


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("total_length", [None, 7])
def test_pack_and_pad_utilities(batch_first: bool, total_length: int | None) -> None:
    torch = require_torch()
    tu = torch.nn.utils.rnn
    lengths = [2, 5, 3]
    (mx,), (tx,) = _leaves((3, 5, 2) if batch_first else (5, 3, 2))
    mp = mrnn.pack_padded_sequence(mx, mg.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
    tp = tu.pack_padded_sequence(tx, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
    np.testing.assert_array_equal(mp.sorted_indices.numpy(), tp.sorted_indices.numpy())
    np.testing.assert_array_equal(mp.unsorted_indices.numpy(), tp.unsorted_indices.numpy())
    kw: dict[str, Any] = {"batch_first": batch_first, "padding_value": 9.0, "total_length": total_length}
    m_pad, _ = mrnn.pad_packed_sequence(mp, **kw)
    t_pad, _ = tu.pad_packed_sequence(tp, **kw)
    _check(nn.Module(), torch.nn.Module(), (mp.data, m_pad), (tp.data, t_pad), [mx], [tx])
    seqs = [RNG.standard_normal((n, 2)) for n in lengths]
    m_seqs = [mg.tensor(s, requires_grad=True) for s in seqs]
    t_seqs = [torch.tensor(s, requires_grad=True) for s in seqs]
    for side in ("right", "left"):
        for s in m_seqs + t_seqs:
            s.grad = None
        out = mrnn.pad_sequence(m_seqs, batch_first=batch_first, padding_value=-1.0, padding_side=side)
        ref = tu.pad_sequence(t_seqs, batch_first=batch_first, padding_value=-1.0, padding_side=side)
        _check(nn.Module(), torch.nn.Module(), out, ref, m_seqs, t_seqs)
    packed = mrnn.pack_sequence(m_seqs, enforce_sorted=False)
    t_packed = tu.pack_sequence(t_seqs, enforce_sorted=False)
    assert_close(packed.data, t_packed.data)
    for got, want in zip(mrnn.unpack_sequence(packed), tu.unpack_sequence(t_packed), strict=True):
        assert_close(got, want)


@pytest.mark.parametrize(("cls", "kwargs"), [
    ("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}), ("RNNCell", {"bias": False}),
    ("LSTMCell", {}), ("LSTMCell", {"bias": False}), ("GRUCell", {}), ("GRUCell", {"bias": False}),
])  # fmt: skip
@pytest.mark.parametrize("batch", [(3,), ()])
@pytest.mark.parametrize("initial_state", [False, True])
def test_cells(cls: str, kwargs: dict[str, Any], batch: tuple[int, ...], initial_state: bool) -> None:
    m, t = _pair(cls, IN, HID, **kwargs)
    (mx,), (tx,) = _leaves((*batch, IN))
    if not initial_state:
        _check(m, t, m(mx), t(tx), [mx], [tx])
        return
    shapes = [(*batch, HID)] * (2 if cls == "LSTMCell" else 1)
    ms, ts = _leaves(*shapes)
    m_hx = tuple(ms) if cls == "LSTMCell" else ms[0]
    t_hx = tuple(ts) if cls == "LSTMCell" else ts[0]
    _check(m, t, m(mx, m_hx), t(tx, t_hx), [mx, *ms], [tx, *ts])


def test_cell_loop_equals_layer() -> None:
    """An LSTMCell stepped by hand gives the one-layer LSTM's outputs (shared weights)."""
    layer = nn.LSTM(IN, HID, dtype=mg.float64)
    cell = nn.LSTMCell(IN, HID, dtype=mg.float64)
    cell.load_state_dict({k[:-3]: v for k, v in layer.state_dict().items()})
    x = mg.tensor(RNG.standard_normal((4, 2, IN)))
    out, (h_n, c_n) = layer(x)
    h = c = mg.zeros(2, HID, dtype=mg.float64)
    for step in range(4):
        h, c = cell(x[step], (h, c))
        assert_close(out[step], h.detach().numpy(), rtol=1e-13)
    assert_close(h_n[0], h.detach().numpy(), rtol=1e-13)
    assert_close(c_n[0], c.detach().numpy(), rtol=1e-13)


def test_float32_and_torch_loads_our_state() -> None:
    torch = require_torch()
    mg.manual_seed(4)
    m = nn.GRU(IN, HID, num_layers=2, bidirectional=True)
    t = torch.nn.GRU(IN, HID, num_layers=2, bidirectional=True)
    t.load_state_dict({k: torch.tensor(v) for k, v in m.state_dict().items()})
    x = RNG.standard_normal((5, 2, IN)).astype(np.float32)
    out, h = m(mg.tensor(x))
    t_out, t_h = t(torch.tensor(x))
    assert out.dtype == np.float32 and h.dtype == np.float32
    assert_close(out, t_out, rtol=1e-5, atol=1e-6)
    assert_close(h, t_h, rtol=1e-5, atol=1e-6)


@settings(max_examples=25, deadline=None)
@given(cls=st.sampled_from(["RNN", "LSTM", "GRU"]), steps=st.integers(1, 4), batch=st.integers(1, 3),
       input_size=st.integers(1, 3), hidden=st.integers(1, 3), layers=st.integers(1, 2),
       bidirectional=st.booleans(), batch_first=st.booleans())
def test_random_shapes(cls: str, steps: int, batch: int, input_size: int, hidden: int, layers: int,
                       bidirectional: bool, batch_first: bool) -> None:
    m, t = _pair(cls, input_size, hidden, num_layers=layers, bidirectional=bidirectional,
                 batch_first=batch_first)
    (mx,), (tx,) = _leaves((batch, steps, input_size) if batch_first else (steps, batch, input_size))
    _check(m, t, m(mx), t(tx), [mx], [tx])
