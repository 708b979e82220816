"""RNN, LSTM, GRU and cells: construction, init, dropout policy, gradchecks and bad input.

Numerical agreement with PyTorch is in tests/parity/test_rnn_parity.py.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F
from minigrad.nn.utils import rnn as mrnn
from tests.helpers import assert_close, require_torch

RNG = np.random.default_rng(5)


def _x(*shape: int, grad: bool = True) -> mg.Tensor:
    return mg.tensor(RNG.standard_normal(shape), requires_grad=grad)


class TestConstruction:
    @pytest.mark.parametrize(("cls", "kwargs"), [
        ("RNN", {"num_layers": 2, "bidirectional": True}), ("LSTM", {"num_layers": 2, "proj_size": 3}),
        ("GRU", {"bias": False, "num_layers": 3}), ("LSTM", {"bidirectional": True, "proj_size": 2}),
        ("RNNCell", {}), ("LSTMCell", {"bias": False}), ("GRUCell", {}),
    ])  # fmt: skip
    def test_names_shapes_and_repr_match_torch(self, cls: str, kwargs: dict[str, Any]) -> None:
        torch = require_torch()
        t = getattr(torch.nn, cls)(6, 5, **kwargs)
        m = getattr(nn, cls)(6, 5, **kwargs)
        assert {k: v.shape for k, v in m.state_dict().items()} == {
            k: tuple(v.shape) for k, v in t.state_dict().items()}
        assert list(m.state_dict()) == list(t.state_dict())
        assert repr(m) == repr(t)

    def test_init_is_uniform_in_the_hidden_bound_and_seeded(self) -> None:
        mg.manual_seed(3)
        a = nn.LSTM(10, 64, num_layers=2)
        mg.manual_seed(3)
        b = nn.LSTM(10, 64, num_layers=2)
        bound = 1 / math.sqrt(64)
        values = np.concatenate([p.detach().numpy().ravel() for p in a.parameters()])
        assert values.dtype == np.float32
        assert np.abs(values).max() <= bound and np.abs(values).max() > 0.99 * bound
        assert abs(values.std() - bound / math.sqrt(3)) < 0.002  # the std of U(-b, b)
        for p, q in zip(a.parameters(), b.parameters(), strict=True):
            np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
        cell = nn.GRUCell(3, 16, dtype=mg.float64)
        assert cell.weight_ih.dtype == np.float64
        assert np.abs(cell.bias_hh.detach().numpy()).max() <= 0.25  # type: ignore[union-attr]

    def test_all_weights_and_attributes(self) -> None:
        m = nn.GRU(3, 4, num_layers=2, bidirectional=True, batch_first=True)
        assert [len(w) for w in m.all_weights] == [4, 4, 4, 4]
        assert m.all_weights[1][0] is m.weight_ih_l0_reverse
        assert m.weight_ih_l1.shape == (12, 8)
        assert (m.mode, m.num_directions, m.batch_first, m.proj_size) == ("GRU", 2, True, 0)
        m.flatten_parameters()  # PyTorch scripts call it; nothing to do on the CPU
        assert nn.RNN(2, 3, 1, "relu").nonlinearity == "relu"

    def test_dropout_with_one_layer_warns_as_torch(self) -> None:
        with pytest.warns(UserWarning, match=r"num_layers greater than 1.*dropout=0.5 and num_layers=1"):
            nn.LSTM(2, 3, dropout=0.5)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            nn.LSTM(2, 3, num_layers=2, dropout=0.5)

    @pytest.mark.parametrize(("cls", "kwargs", "match"), [
        ("LSTM", {"input_size": 0}, "input_size=0"),
        ("GRU", {"hidden_size": 2.5}, "hidden_size=2.5"),
        ("RNN", {"num_layers": 0}, "num_layers=0"),
        ("LSTM", {"dropout": 1.5}, "dropout=1.5"),
        ("LSTM", {"dropout": -0.1}, "dropout=-0.1"),
        ("GRU", {"bias": 1}, "bias=1"),
        ("RNN", {"batch_first": "yes"}, "batch_first='yes'"),
        ("LSTM", {"bidirectional": None}, "bidirectional=None"),
        ("LSTM", {"proj_size": 4}, "proj_size=4 and hidden_size=4"),
        ("LSTM", {"proj_size": -1}, "proj_size=-1"),
        ("RNN", {"nonlinearity": "sigmoid"}, "nonlinearity='sigmoid'"),
        ("GRU", {"dtype": mg.int64}, "dtype=int64"),
        ("LSTM", {"device": "cuda"}, "device='cuda'.*CPU"),
        ("RNNCell", {"nonlinearity": "gelu"}, "nonlinearity='gelu'"),
        ("LSTMCell", {"input_size": -2}, "input_size=-2"),
        ("GRUCell", {"bias": "no"}, "bias='no'"),
    ])  # fmt: skip
    def test_bad_arguments_name_the_argument_and_value(self, cls: str, kwargs: dict[str, Any],
                                                      match: str) -> None:
        args: dict[str, Any] = {"input_size": 3, "hidden_size": 4, **kwargs}
        with pytest.raises(mg.InvalidParameterError, match=match):
            getattr(nn, cls)(**args)

    def test_proj_size_only_for_lstm(self) -> None:
        with pytest.raises(mg.InvalidParameterError, match="proj_size is only supported by LSTM"):
            nn.RNNBase("GRU", 3, 4, proj_size=2)
        with pytest.raises(mg.InvalidParameterError, match="mode="):
            nn.RNNBase("TANH", 3, 4)


class TestBadInput:
    def test_wrong_input_size_and_rank(self) -> None:
        m = nn.LSTM(3, 4, num_layers=2)
        with pytest.raises(mg.ShapeError, match=r"input_size=3, got shape \(5, 2, 4\)"):
            m(mg.randn(5, 2, 4))
        with pytest.raises(mg.ShapeError, match=r"Expected input to be 2D or 3D, got 4D instead"):
            m(mg.randn(5, 2, 3, 1))
        with pytest.raises(mg.ShapeError, match=r"sequence length larger than 0.*\(2, 0, 3\)"):
            nn.LSTM(3, 4, batch_first=True)(mg.randn(2, 0, 3))
        out, (h, c) = m(mg.randn(5, 0, 3))  # an empty batch is fine, as in PyTorch
        assert out.shape == (5, 0, 4) and h.shape == c.shape == (2, 0, 4)
        with pytest.raises(TypeError, match="Tensor"):
            m([[1.0, 2.0, 3.0]])
        with pytest.raises(mg.InvalidParameterError,
                           match=r"dtype \(torch.float64\) does not match weight dtype \(torch.float32\)"):
            m(mg.randn(5, 2, 3, dtype=mg.float64))

    def test_wrong_hidden_shapes(self) -> None:
        m = nn.GRU(3, 4, num_layers=2, bidirectional=True)
        x = mg.randn(5, 2, 3)
        with pytest.raises(mg.ShapeError, match=r"^Expected hidden size \(4, 2, 4\), got \[2, 2, 4\]$"):
            m(x, mg.zeros(2, 2, 4))
        with pytest.raises(mg.ShapeError,
                           match=r"^For batched 3-D input, hx should also be 3-D but got 2-D tensor$"):
            m(x, mg.zeros(4, 4))
        with pytest.raises(mg.ShapeError,
                           match=r"^For unbatched 2-D input, hx should also be 2-D but got 3-D tensor$"):
            m(mg.randn(5, 3), mg.zeros(4, 1, 4))
        lstm = nn.LSTM(3, 6, proj_size=2)
        h, c = mg.zeros(1, 2, 2), mg.zeros(1, 2, 6)
        lstm(x, (h, c))
        with pytest.raises(mg.ShapeError, match=r"^Expected hidden\[1\] size \(1, 2, 6\), got \[1, 2, 2\]$"):
            lstm(x, (h, h))
        with pytest.raises(mg.ShapeError, match=r"^Expected hidden\[0\] size \(1, 2, 2\), got \[1, 2, 6\]$"):
            lstm(x, (c, c))
        with pytest.raises(IndexError, match=r"^index 1 is out of bounds for dimension 0 with size 1"):
            lstm(x, h)  # (a tensor hx: PyTorch indexes it, hx[0] and hx[1])

    def test_cells(self) -> None:
        cell = nn.LSTMCell(3, 4)
        with pytest.raises(mg.ShapeError, match=r"input_size=3, got shape \(2, 5\)"):
            cell(mg.randn(2, 5))
        with pytest.raises(mg.ShapeError, match=r"hx\[1\] of shape \(2, 4\).*got \(2, 3\)"):
            cell(mg.randn(2, 3), (mg.zeros(2, 4), mg.zeros(2, 3)))
        with pytest.raises(mg.ShapeError, match=r"1-D or 2-D, got 3-D"):
            nn.GRUCell(3, 4)(mg.randn(1, 2, 3))
        with pytest.raises(mg.ShapeError, match=r"hx of shape \(4,\)"):
            nn.RNNCell(3, 4)(mg.randn(3), mg.zeros(1, 4))

    def test_packing_errors(self) -> None:
        x = mg.randn(4, 3, 2)
        with pytest.raises(mg.InvalidParameterError, match=r"decreasing order.*\[2, 4, 1\]"):
            mrnn.pack_padded_sequence(x, [2, 4, 1])
        with pytest.raises(mg.InvalidParameterError, match="greater than 0"):
            mrnn.pack_padded_sequence(x, [4, 2, 0])
        with pytest.raises(mg.InvalidParameterError, match="exceeds the 4 steps"):
            mrnn.pack_padded_sequence(x, [5, 2, 1])
        with pytest.raises(mg.ShapeError, match=r"`len\(lengths\)` to be equal to batch_size, but got 2"):
            mrnn.pack_padded_sequence(x, [4, 2])
        packed = mrnn.pack_padded_sequence(x, [4, 2, 1])
        with pytest.raises(mg.InvalidParameterError, match="total_length=3"):
            mrnn.pad_packed_sequence(packed, total_length=3)
        with pytest.raises(mg.InvalidParameterError, match="padding_side='middle'"):
            mrnn.pad_sequence([x[0]], padding_side="middle")
        with pytest.raises(mg.ShapeError, match="same trailing dims"):
            mrnn.pad_sequence([mg.randn(2, 3), mg.randn(2, 4)])
        with pytest.raises(mg.ShapeError, match=r"input_size=3, got shape \(7, 2\)"):
            nn.GRU(3, 4)(packed)


class TestDropoutBetweenLayers:
    def _stack_and_parts(self, p: float) -> tuple[nn.LSTM, nn.LSTM, nn.LSTM]:
        stack = nn.LSTM(3, 4, num_layers=2, dropout=p, dtype=mg.float64)
        first, second = nn.LSTM(3, 4, dtype=mg.float64), nn.LSTM(4, 4, dtype=mg.float64)
        sd = stack.state_dict()
        first.load_state_dict({k: v for k, v in sd.items() if k.endswith("_l0")})
        second.load_state_dict({k.replace("_l1", "_l0"): v for k, v in sd.items() if k.endswith("_l1")})
        return stack, first, second

    def test_dropout_is_applied_to_the_first_layers_output_only(self) -> None:
        stack, first, second = self._stack_and_parts(0.4)
        x = _x(6, 5, 3, grad=False)
        mg.manual_seed(21)
        out, (h, _) = stack(x)
        mg.manual_seed(21)
        mid, (h0, _) = first(x)
        dropped = F.dropout(mid, 0.4)
        ref, (h1, _) = second(dropped)
        assert_close(out, ref.detach().numpy(), rtol=1e-14)
        assert_close(h[0], h0[0].detach().numpy(), rtol=1e-14)  # h_n of layer 0 is before dropout
        assert_close(h[1], h1[0].detach().numpy(), rtol=1e-14)
        kept = (dropped.detach().numpy() != 0).mean()
        assert abs(kept - 0.6) < 0.15  # 120 entries: the keep rate of dropout, roughly

    def test_seeded_repeatable_and_off_in_eval(self) -> None:
        stack, _, _ = self._stack_and_parts(0.5)
        x = _x(5, 4, 3, grad=False)
        mg.manual_seed(1)
        a = stack(x)[0].detach().numpy()
        mg.manual_seed(1)
        b = stack(x)[0].detach().numpy()
        c = stack(x)[0].detach().numpy()
        np.testing.assert_array_equal(a, b)
        assert not np.allclose(a, c)
        stack.eval()
        plain = nn.LSTM(3, 4, num_layers=2, dtype=mg.float64)
        plain.load_state_dict(stack.state_dict())
        assert_close(stack(x)[0], plain(x)[0].detach().numpy(), rtol=1e-14)

    def test_dropout_one_zeroes_the_next_layers_input(self) -> None:
        stack, _, second = self._stack_and_parts(1.0)
        out = stack(_x(4, 2, 3, grad=False))[0]
        assert_close(out, second(mg.zeros(4, 2, 4, dtype=mg.float64))[0].detach().numpy(), rtol=1e-14)


class TestGradcheck:
    @pytest.mark.parametrize(("cls", "kwargs"), [
        ("RNN", {"num_layers": 2, "bidirectional": True}),
        ("LSTM", {"num_layers": 2, "bidirectional": True, "proj_size": 1}),
        ("GRU", {"num_layers": 2, "batch_first": True}),
    ])  # fmt: skip
    def test_layers(self, cls: str, kwargs: dict[str, Any]) -> None:
        m = getattr(nn, cls)(2, 2, dtype=mg.float64, **kwargs)
        x = _x(3, 2, 2)
        params = list(m.parameters())[:4]

        def fn(inp: mg.Tensor, *ps: mg.Tensor) -> mg.Tensor:
            out, hidden = m(inp)
            h = hidden[0] if cls == "LSTM" else hidden
            return out.sum(-1) + h.sum()

        assert mg.gradcheck(fn, (x, *params))

    def test_packed_lstm_with_states(self) -> None:
        m = nn.LSTM(2, 2, bidirectional=True, dtype=mg.float64)
        x, h0, c0 = _x(3, 3, 2), _x(2, 3, 2), _x(2, 3, 2)

        def fn(inp: mg.Tensor, h: mg.Tensor, c: mg.Tensor) -> mg.Tensor:
            packed = mrnn.pack_padded_sequence(inp, [2, 3, 1], enforce_sorted=False)
            out, (h_n, c_n) = m(packed, (h, c))
            return mrnn.pad_packed_sequence(out)[0].sum(-1) + (h_n * c_n).sum(0).sum(-1)

        assert mg.gradcheck(fn, (x, h0, c0))

    @pytest.mark.parametrize("cls", ["RNNCell", "LSTMCell", "GRUCell"])
    def test_cells(self, cls: str) -> None:
        cell = getattr(nn, cls)(2, 3, dtype=mg.float64)
        x, h = _x(2, 2), _x(2, 3)

        def fn(inp: mg.Tensor, state: mg.Tensor, w: mg.Tensor) -> mg.Tensor:
            out = cell(inp, (state, state * 0.5) if cls == "LSTMCell" else state)
            return out[1] * out[0] if cls == "LSTMCell" else out

        assert mg.gradcheck(fn, (x, h, cell.weight_hh))


class TestPackedSequence:
    def test_fields_and_round_trip(self) -> None:
        x = _x(4, 3, 2)
        packed = mrnn.pack_padded_sequence(x, mg.tensor([2, 4, 1]), enforce_sorted=False)
        assert isinstance(packed, tuple) and len(packed) == 4
        np.testing.assert_array_equal(packed.batch_sizes.numpy(), [3, 2, 1, 1])
        assert packed.batch_sizes.dtype == np.int64
        np.testing.assert_array_equal(packed.sorted_indices.numpy(), [1, 0, 2])  # type: ignore[union-attr]
        np.testing.assert_array_equal(packed.unsorted_indices.numpy(), [1, 0, 2])  # type: ignore[union-attr]
        np.testing.assert_array_equal(packed.data.detach().numpy()[:3], x.detach().numpy()[0, [1, 0, 2]])
        padded, lengths = mrnn.pad_packed_sequence(packed)
        np.testing.assert_array_equal(lengths.numpy(), [2, 4, 1])
        keep = np.arange(4)[:, None] < np.array([2, 4, 1])
        np.testing.assert_array_equal(padded.detach().numpy()[keep], x.detach().numpy()[keep])
        np.testing.assert_array_equal(padded.detach().numpy()[~keep], 0.0)
        padded.sum().backward()
        assert x.grad is not None
        np.testing.assert_array_equal(x.grad.numpy(), np.broadcast_to(keep[..., None], x.shape))
        again = mrnn.PackedSequence(packed.data, packed.batch_sizes, packed.sorted_indices)
        np.testing.assert_array_equal(again.unsorted_indices.numpy(), [1, 0, 2])  # type: ignore[union-attr]
        assert packed.double().data.dtype == np.float64 and packed.float().data.dtype == np.float32

    def test_h_n_is_each_sequences_last_state(self) -> None:
        m = nn.GRU(2, 3, dtype=mg.float64)
        x = _x(5, 3, 2, grad=False)
        lengths = [3, 5, 2]
        _, h_n = m(mrnn.pack_padded_sequence(x, lengths, enforce_sorted=False))
        for j, n in enumerate(lengths):
            _, h_alone = m(x[:n, j])  # the sequence alone, unbatched
            assert_close(h_n[0, j], h_alone[0].detach().numpy(), rtol=1e-13)

    def test_unpad_and_unpack(self) -> None:
        seqs = [_x(3, 2, grad=False), _x(1, 2, grad=False), _x(2, 2, grad=False)]
        for got, want in zip(mrnn.unpack_sequence(mrnn.pack_sequence(seqs, enforce_sorted=False)), seqs,
                             strict=True):
            np.testing.assert_array_equal(got.numpy(), want.numpy())
        padded = mrnn.pad_sequence(seqs, batch_first=True)
        assert padded.shape == (3, 3, 2)
        for got, want in zip(mrnn.unpad_sequence(padded, [3, 1, 2], batch_first=True), seqs, strict=True):
            np.testing.assert_array_equal(got.numpy(), want.numpy())
