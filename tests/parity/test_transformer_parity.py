"""MultiheadAttention, TransformerEncoderLayer and Embedding against PyTorch with copied weights.

Every case runs in float64 and compares the outputs and the gradients with
respect to the inputs and every parameter, under a random upstream gradient,
to 1e-10 relative.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from tests.helpers import assert_close, require_torch

RNG = np.random.default_rng(2024)


def _copy_from_torch(m: nn.Module, t: Any) -> None:
    m.load_state_dict({k: v.detach().numpy() for k, v in t.state_dict().items()})


def _inputs(*shapes: tuple[int, ...]) -> tuple[list[mg.Tensor], list[Any]]:
    torch = require_torch()
    arrays = [RNG.standard_normal(s) for s in shapes]
    return ([mg.tensor(a, requires_grad=True) for a in arrays],
            [torch.tensor(a, requires_grad=True) for a in arrays])


def _mask_pair(mask: np.ndarray | None) -> tuple[mg.Tensor | None, Any]:
    torch = require_torch()
    if mask is None:
        return None, None
    return mg.tensor(mask), torch.tensor(mask)


def _backward_both(outs: list[tuple[mg.Tensor, Any]]) -> None:
    """One backward per framework through all outputs, with the same random upstream gradients."""
    torch = require_torch()
    m_loss: mg.Tensor | None = None
    t_loss: Any = None
    for m, t in outs:
        g = RNG.standard_normal(tuple(t.shape))
        m_term = (m * mg.tensor(g)).sum()
        t_term = (t * torch.tensor(g)).sum()
        m_loss = m_term if m_loss is None else m_loss + m_term
        t_loss = t_term if t_loss is None else t_loss + t_term
    assert m_loss is not None
    m_loss.backward()
    t_loss.backward()


def _assert_param_grads(m: nn.Module, t: Any) -> None:
    m_params = dict(m.named_parameters())
    t_params = dict(t.named_parameters())
    assert set(m_params) == set(t_params)
    for name, tp in t_params.items():
        mp = m_params[name]
        assert mp.grad is not None, name
        assert_close(mp.grad, tp.grad)


def _mha_pair(embed_dim: int = 8, num_heads: int = 2, bias: bool = True) -> tuple[nn.MultiheadAttention, Any]:
    torch = require_torch()
    t = torch.nn.MultiheadAttention(embed_dim, num_heads, bias=bias, batch_first=True, dtype=torch.float64)
    m = nn.MultiheadAttention(embed_dim, num_heads, bias=bias, dtype=mg.float64)
    _copy_from_torch(m, t)
    return m, t


def _causal_bool(length: int) -> np.ndarray:
    return np.triu(np.ones((length, length), dtype=bool), 1)


def _padding(n: int, s: int) -> np.ndarray:
    pad = np.zeros((n, s), dtype=bool)
    pad[0, -2:] = True
    pad[-1, -1] = True
    return pad


class TestMultiheadAttentionParity:
    @pytest.mark.parametrize(
        "case",
        ["self", "self_weights", "self_weights_per_head", "causal", "causal_hint", "padding",
         "causal_and_padding", "float_3d_mask", "float_padding", "cross", "cross_kv_same",
         "no_bias", "unbatched"],
    )
    def test_outputs_and_gradients(self, case: str) -> None:
        n, length, s, e, h = 3, 5, 5, 8, 2
        bias = case != "no_bias"
        m, t = _mha_pair(e, h, bias=bias)
        need_weights = case.startswith("self_weights") or case in ("padding", "causal")
        average = case != "self_weights_per_head"
        attn_mask = key_padding_mask = None
        is_causal = False
        if case.startswith("cross"):
            s = 7
        if case == "unbatched":
            (mx,), (tx,) = _inputs((length, e))
            mq = mk = mv = mx
            tq = tk = tv = tx
        elif case == "cross":
            (mq, mk, mv), (tq, tk, tv) = _inputs((n, length, e), (n, s, e), (n, s, e))
        elif case == "cross_kv_same":
            (mq, mk), (tq, tk) = _inputs((n, length, e), (n, s, e))
            mv, tv = mk, tk
        else:
            (mx,), (tx,) = _inputs((n, length, e))
            mq = mk = mv = mx
            tq = tk = tv = tx
        if case in ("causal", "causal_hint", "causal_and_padding", "cross"):
            attn_mask = np.triu(np.ones((length, s), dtype=bool), 1)
        if case == "causal_hint":
            is_causal = True
        if case in ("padding", "causal_and_padding", "cross_kv_same"):
            key_padding_mask = _padding(n, s)
        if case == "float_3d_mask":
            attn_mask = RNG.standard_normal((n * h, length, s))
        if case == "float_padding":
            key_padding_mask = np.where(_padding(n, s), -1e9, RNG.standard_normal((n, s)))
        m_am, t_am = _mask_pair(attn_mask)
        m_kp, t_kp = _mask_pair(key_padding_mask)
        m_out, m_w = m(mq, mk, mv, attn_mask=m_am, key_padding_mask=m_kp, need_weights=need_weights,
                       is_causal=is_causal, average_attn_weights=average)
        t_out, t_w = t(tq, tk, tv, attn_mask=t_am, key_padding_mask=t_kp, need_weights=need_weights,
                       is_causal=is_causal, average_attn_weights=average)
        assert_close(m_out, t_out)
        pairs = [(m_out, t_out)]
        if need_weights:
            assert m_w is not None
            assert_close(m_w, t_w)
            pairs.append((m_w, t_w))
        else:
            assert m_w is None
        _backward_both(pairs)
        for mi, ti in {id(mq): (mq, tq), id(mk): (mk, tk), id(mv): (mv, tv)}.values():
            assert_close(mi.grad, ti.grad)
        _assert_param_grads(m, t)

    def test_fully_padded_sequence_is_zero_like_torch(self) -> None:
        # need_weights=False is PyTorch's SDPA path: a query with no key to attend gives 0, not NaN.
        m, t = _mha_pair()
        (mx,), (tx,) = _inputs((2, 4, 8))
        pad = np.zeros((2, 4), dtype=bool)
        pad[1] = True
        m_kp, t_kp = _mask_pair(pad)
        m_out, _ = m(mx, mx, mx, key_padding_mask=m_kp)
        t_out, _ = t(tx, tx, tx, key_padding_mask=t_kp, need_weights=False)
        assert_close(m_out, t_out)
        np.testing.assert_array_equal(m_out.numpy()[1], 0.0)  # out_proj.bias starts at 0
        _backward_both([(m_out, t_out)])
        assert_close(mx.grad, tx.grad)
        _assert_param_grads(m, t)

    def test_eval_mode_no_grad(self) -> None:
        torch = require_torch()
        m, t = _mha_pair()
        m.eval()
        t.eval()
        (mx,), (tx,) = _inputs((2, 4, 8))
        mask = _causal_bool(4)
        with mg.no_grad():
            m_out, _ = m(mx, mx, mx, attn_mask=mg.tensor(mask))
        with torch.no_grad():
            t_out, _ = t(tx, tx, tx, attn_mask=torch.tensor(mask), need_weights=False)
        assert_close(m_out, t_out)

    def test_is_causal_without_mask_equals_causal_mask(self) -> None:
        # PyTorch requires attn_mask with is_causal; minigrad builds the mask, which must agree.
        torch = require_torch()
        m, t = _mha_pair()
        (mx,), (tx,) = _inputs((2, 6, 8))
        m_out, _ = m(mx, mx, mx, is_causal=True)
        t_out, _ = t(tx, tx, tx, attn_mask=torch.tensor(_causal_bool(6)), need_weights=False)
        assert_close(m_out, t_out)


def _layer_pair(norm_first: bool, activation: str, dim_feedforward: int = 12) -> tuple[Any, Any]:
    torch = require_torch()
    kw = {"dim_feedforward": dim_feedforward, "dropout": 0.0, "activation": activation, "batch_first": True,
              "norm_first": norm_first}
    t = torch.nn.TransformerEncoderLayer(8, 2, dtype=torch.float64, **kw)
    m = nn.TransformerEncoderLayer(8, 2, dtype=mg.float64, **kw)
    # LayerNorm starts at ones/zeros in both; perturb so the affine parameters matter.
    with torch.no_grad():
        for name, p in t.named_parameters():
            if name.startswith("norm"):
                p.add_(torch.tensor(RNG.standard_normal(tuple(p.shape)) * 0.1))
    _copy_from_torch(m, t)
    return m, t


class TestTransformerEncoderLayerParity:
    @pytest.mark.parametrize("norm_first", [False, True])
    @pytest.mark.parametrize("activation", ["relu", "gelu"])
    @pytest.mark.parametrize("masks", ["none", "causal", "causal_and_padding"])
    def test_outputs_and_gradients(self, norm_first: bool, activation: str, masks: str) -> None:
        m, t = _layer_pair(norm_first, activation)
        (mx,), (tx,) = _inputs((3, 5, 8))
        m_mask, t_mask = _mask_pair(_causal_bool(5) if masks != "none" else None)
        m_kp, t_kp = _mask_pair(_padding(3, 5) if masks == "causal_and_padding" else None)
        m_out = m(mx, src_mask=m_mask, src_key_padding_mask=m_kp)
        t_out = t(tx, src_mask=t_mask, src_key_padding_mask=t_kp)
        assert_close(m_out, t_out)
        _backward_both([(m_out, t_out)])
        assert_close(mx.grad, tx.grad)
        _assert_param_grads(m, t)

    def test_callable_activation(self) -> None:
        torch = require_torch()
        m, t = _layer_pair(True, "relu")
        m.activation = mg.Tensor.tanh
        t.activation = torch.tanh
        (mx,), (tx,) = _inputs((2, 4, 8))
        m_out, t_out = m(mx), t(tx)
        assert_close(m_out, t_out)
        _backward_both([(m_out, t_out)])
        assert_close(mx.grad, tx.grad)
        _assert_param_grads(m, t)

    @pytest.mark.parametrize("norm_first", [False, True])
    def test_eval_no_grad(self, norm_first: bool) -> None:
        torch = require_torch()
        m, t = _layer_pair(norm_first, "gelu")
        m.eval()
        t.eval()
        (mx,), (tx,) = _inputs((2, 5, 8))
        with mg.no_grad():
            m_out = m(mx, src_mask=mg.tensor(_causal_bool(5)))
        with torch.no_grad():
            t_out = t(tx, src_mask=torch.tensor(_causal_bool(5)))
        assert_close(m_out, t_out)

    def test_state_dict_round_trip_to_torch(self) -> None:
        torch = require_torch()
        mg.manual_seed(3)
        m = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, dtype=mg.float64)
        t = torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True,
                                             dtype=torch.float64)
        sd = m.state_dict()
        assert list(sd) == list(t.state_dict())
        t.load_state_dict({k: torch.tensor(v) for k, v in sd.items()})
        x = RNG.standard_normal((2, 3, 8))
        assert_close(m(mg.tensor(x)), t(torch.tensor(x)))


class TestEmbeddingParity:
    def test_state_dict_and_gradients(self) -> None:
        torch = require_torch()
        t = torch.nn.Embedding(10, 4, padding_idx=2, dtype=torch.float64)
        m = nn.Embedding(10, 4, padding_idx=2, dtype=mg.float64)
        assert list(m.state_dict()) == list(t.state_dict())
        _copy_from_torch(m, t)
        idx = np.array([[2, 5, 5, 9], [0, 2, 1, 5]])
        m_out, t_out = m(mg.tensor(idx)), t(torch.tensor(idx))
        assert_close(m_out, t_out)
        _backward_both([(m_out, t_out)])
        _assert_param_grads(m, t)
        assert m.weight.grad is not None
        np.testing.assert_array_equal(m.weight.grad.numpy()[2], 0.0)

    def test_torch_module_loads_minigrad_state(self) -> None:
        torch = require_torch()
        m = nn.Embedding(6, 3, dtype=mg.float64)
        t = torch.nn.Embedding(6, 3, dtype=torch.float64)
        t.load_state_dict({k: torch.tensor(v) for k, v in m.state_dict().items()})
        idx = np.array([0, 5, 3])
        assert_close(m(mg.tensor(idx)), t(torch.tensor(idx)))
