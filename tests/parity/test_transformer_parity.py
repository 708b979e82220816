"""MultiheadAttention, TransformerEncoderLayer and Embedding against PyTorch with copied weights.

Every case runs in float64 and compares the outputs and the gradients with
respect to the inputs and every parameter, under a random upstream gradient,
to 1e-10 relative.
"""

from __future__ import annotations

import warnings
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
    m = nn.MultiheadAttention(embed_dim, num_heads, bias=bias, batch_first=True, dtype=mg.float64)
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
        m_out, _ = m(mx, mx, mx, key_padding_mask=m_kp, need_weights=False)
        t_out, _ = t(tx, tx, tx, key_padding_mask=t_kp, need_weights=False)
        assert_close(m_out, t_out)
        np.testing.assert_array_equal(m_out.detach().numpy()[1], 0.0)  # out_proj.bias starts at 0
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

    def test_is_causal_without_mask_raises_and_with_a_mask_is_a_hint(self) -> None:
        # PyTorch wants attn_mask with is_causal (off its inference fast path): a RuntimeError
        torch = require_torch()
        m, t = _mha_pair()
        (mx,), (tx,) = _inputs((2, 6, 8))
        with pytest.raises(RuntimeError, match="Need attn_mask"):
            t(tx, tx, tx, is_causal=True)
        with pytest.raises(RuntimeError, match="Need attn_mask"):
            m(mx, mx, mx, is_causal=True)
        m_out, _ = m(mx, mx, mx, attn_mask=mg.tensor(_causal_bool(6)), is_causal=True, need_weights=False)
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
        t = torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, dtype=torch.float64)
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


def _module_pair(cls: str, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    """The same module in minigrad and torch (float64, no dropout), minigrad holding torch's weights.

    LayerNorm affine parameters are perturbed from (1, 0) so that they matter.
    """
    torch = require_torch()
    t = getattr(torch.nn, cls)(*args, dtype=torch.float64, **kwargs)
    m = getattr(nn, cls)(*args, dtype=mg.float64, **kwargs)
    with torch.no_grad():
        for name, p in t.named_parameters():
            if "norm" in name or "bias_k" in name or "bias_v" in name or name.endswith("in_proj_bias"):
                p.add_(torch.tensor(RNG.standard_normal(tuple(p.shape)) * 0.1))
    assert list(m.state_dict()) == list(t.state_dict())
    _copy_from_torch(m, t)
    return m, t


def _grads_equal(m_leaves: list[mg.Tensor], t_leaves: list[Any], m: nn.Module, t: Any) -> None:
    for ml, tl in zip(m_leaves, t_leaves, strict=True):
        assert_close(ml.grad, tl.grad)
    _assert_param_grads(m, t)


class TestMultiheadAttentionOptionsParity:
    @pytest.mark.parametrize("batch_first", [False, True])
    @pytest.mark.parametrize(("kwargs", "kv_dims"), [
        ({}, (8, 8)),
        ({"kdim": 5, "vdim": 3}, (5, 3)),
        ({"add_bias_kv": True}, (8, 8)),
        ({"add_zero_attn": True}, (8, 8)),
        ({"add_bias_kv": True, "add_zero_attn": True, "kdim": 6, "bias": False}, (6, 8)),
    ])  # fmt: skip
    @pytest.mark.parametrize("need_weights", [True, False])
    def test_layouts_and_options(self, batch_first: bool, kwargs: dict[str, Any], kv_dims: tuple[int, int],
                                 need_weights: bool) -> None:
        m, t = _module_pair("MultiheadAttention", 8, 2, batch_first=batch_first, **kwargs)
        n, length, s = 3, 4, 5

        def shape(seq: int, e: int) -> tuple[int, int, int]:
            return (n, seq, e) if batch_first else (seq, n, e)

        (mq, mk, mv), (tq, tk, tv) = _inputs(shape(length, 8), shape(s, kv_dims[0]), shape(s, kv_dims[1]))
        m_am, t_am = _mask_pair(np.triu(np.ones((length, s), dtype=bool), 2))
        m_kp, t_kp = _mask_pair(_padding(n, s))
        m_out, m_w = m(mq, mk, mv, key_padding_mask=m_kp, need_weights=need_weights, attn_mask=m_am)
        t_out, t_w = t(tq, tk, tv, key_padding_mask=t_kp, need_weights=need_weights, attn_mask=t_am)
        assert_close(m_out, t_out)
        pairs = [(m_out, t_out)]
        if need_weights:
            assert_close(m_w, t_w)
            pairs.append((m_w, t_w))
        else:
            assert m_w is None and t_w is None
        _backward_both(pairs)
        _grads_equal([mq, mk, mv], [tq, tk, tv], m, t)

    def test_sequence_first_is_the_default_and_unbatched_ignores_it(self) -> None:
        m, t = _module_pair("MultiheadAttention", 8, 2)
        assert not m.batch_first
        (mx,), (tx,) = _inputs((5, 8))
        m_out, m_w = m(mx, mx, mx)
        t_out, t_w = t(tx, tx, tx)
        assert m_w is not None and m_w.shape == (5, 5)  # need_weights=True by default
        assert_close(m_out, t_out)
        assert_close(m_w, t_w)
        _backward_both([(m_out, t_out), (m_w, t_w)])
        _grads_equal([mx], [tx], m, t)


def _transformer_masks(t_len: int, s_len: int, n: int, kind: str = "float") -> dict[str, np.ndarray]:
    """Causal target mask, a memory mask, target and memory padding: all bool or all float
    (PyTorch warns when one attention gets a bool and a float mask)."""
    tgt_pad = np.zeros((n, t_len), dtype=bool)
    tgt_pad[-1, -1] = True
    masks = {
        "tgt_mask": np.triu(np.ones((t_len, t_len), dtype=bool), 1),
        "memory_mask": RNG.random((t_len, s_len)) < 0.3,
        "tgt_key_padding_mask": tgt_pad,
        "memory_key_padding_mask": _padding(n, s_len),
    }
    masks["memory_mask"][:, 0] = False
    if kind == "float":
        masks = {k: np.where(v, -np.inf, RNG.standard_normal(v.shape) * 0.3) for k, v in masks.items()}
    return masks


def _split_masks(masks: dict[str, np.ndarray]) -> tuple[dict[str, mg.Tensor], dict[str, Any]]:
    torch = require_torch()
    return ({k: mg.tensor(v) for k, v in masks.items()}, {k: torch.tensor(v) for k, v in masks.items()})


class TestDecoderParity:
    @pytest.mark.parametrize("norm_first", [False, True])
    @pytest.mark.parametrize("batch_first", [False, True])
    @pytest.mark.parametrize("masks", ["none", "bool", "float"])
    def test_decoder_layer(self, norm_first: bool, batch_first: bool, masks: str) -> None:
        m, t = _module_pair("TransformerDecoderLayer", 8, 2, 12, 0.0, "gelu", batch_first=batch_first,
                            norm_first=norm_first)
        n, t_len, s_len = 3, 4, 5
        shape = (lambda seq: (n, seq, 8)) if batch_first else (lambda seq: (seq, n, 8))
        (mt, mm), (tt, tm) = _inputs(shape(t_len), shape(s_len))
        m_kw, t_kw = _split_masks(_transformer_masks(t_len, s_len, n, masks)) if masks != "none" else ({}, {})
        m_out, t_out = m(mt, mm, **m_kw), t(tt, tm, **t_kw)
        assert_close(m_out, t_out)
        _backward_both([(m_out, t_out)])
        _grads_equal([mt, mm], [tt, tm], m, t)

    def test_encoder_layer_sequence_first_default(self) -> None:
        m, t = _module_pair("TransformerEncoderLayer", 8, 2, 12, 0.0)
        (mx,), (tx,) = _inputs((5, 3, 8))
        m_kp, t_kp = _mask_pair(_padding(3, 5))
        m_out = m(mx, src_mask=mg.tensor(_causal_bool(5)), src_key_padding_mask=m_kp)
        t_out = t(tx, src_mask=require_torch().tensor(_causal_bool(5)), src_key_padding_mask=t_kp)
        assert_close(m_out, t_out)
        _backward_both([(m_out, t_out)])
        _grads_equal([mx], [tx], m, t)

    def test_stacks_with_norm(self) -> None:
        torch = require_torch()
        kw: dict[str, Any] = {"dim_feedforward": 12, "dropout": 0.0, "batch_first": True}
        f64 = torch.float64
        t_enc = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, dtype=f64, **kw), 2,
                                            torch.nn.LayerNorm(8, dtype=f64), enable_nested_tensor=False)
        t_dec = torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(8, 2, dtype=f64, **kw), 2,
                                            torch.nn.LayerNorm(8, dtype=f64))
        m_enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, dtype=mg.float64, **kw), 2,
                                      nn.LayerNorm(8, dtype=mg.float64), enable_nested_tensor=False)
        m_dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, dtype=mg.float64, **kw), 2,
                                      nn.LayerNorm(8, dtype=mg.float64))
        for m, t in ((m_enc, t_enc), (m_dec, t_dec)):
            with torch.no_grad():  # the copies start equal; make the layers differ
                for p in t.parameters():
                    p.add_(torch.tensor(RNG.standard_normal(tuple(p.shape)) * 0.05))
            assert list(m.state_dict()) == list(t.state_dict())
            _copy_from_torch(m, t)
        (ms, mt), (ts, tt) = _inputs((2, 5, 8), (2, 4, 8))
        causal = np.triu(np.ones((4, 4), dtype=bool), 1)
        m_mem = m_enc(ms, src_key_padding_mask=mg.tensor(_padding(2, 5)))
        t_mem = t_enc(ts, src_key_padding_mask=torch.tensor(_padding(2, 5)))
        m_out = m_dec(mt, m_mem, tgt_mask=mg.tensor(causal), tgt_is_causal=True)
        t_out = t_dec(tt, t_mem, tgt_mask=torch.tensor(causal), tgt_is_causal=True)
        assert_close(m_mem, t_mem)
        assert_close(m_out, t_out)
        _backward_both([(m_out, t_out), (m_mem, t_mem)])
        _grads_equal([ms, mt], [ts, tt], m_enc, t_enc)
        _assert_param_grads(m_dec, t_dec)


@pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")
class TestTransformerParity:
    @pytest.mark.parametrize("batch_first", [False, True])
    @pytest.mark.parametrize("norm_first", [False, True])
    def test_full_model_with_masks(self, batch_first: bool, norm_first: bool) -> None:
        m, t = _module_pair("Transformer", 8, 2, 2, 2, 12, 0.0, batch_first=batch_first,
                            norm_first=norm_first)
        n, s_len, t_len = 2, 5, 4
        shape = (lambda seq: (n, seq, 8)) if batch_first else (lambda seq: (seq, n, 8))
        (ms, mt), (ts, tt) = _inputs(shape(s_len), shape(t_len))
        masks = _transformer_masks(t_len, s_len, n)
        masks["src_key_padding_mask"] = masks["memory_key_padding_mask"]
        masks["tgt_mask"] = nn.Transformer.generate_square_subsequent_mask(t_len, dtype=mg.float64).numpy()
        masks["tgt_key_padding_mask"] = np.where(masks["tgt_key_padding_mask"] < -1e300, -np.inf, 0.0)
        m_kw, t_kw = _split_masks(masks)
        m_out, t_out = m(ms, mt, **m_kw), t(ts, tt, **t_kw)
        assert_close(m_out, t_out)
        _backward_both([(m_out, t_out)])
        _grads_equal([ms, mt], [ts, tt], m, t)

    def test_unbatched_and_square_mask(self) -> None:
        torch = require_torch()
        for size in (0, 1, 5):
            ours = nn.Transformer.generate_square_subsequent_mask(size)
            theirs = torch.nn.Transformer.generate_square_subsequent_mask(size)
            assert ours.dtype == np.float32
            np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        m, t = _module_pair("Transformer", 8, 2, 1, 1, 12, 0.0)
        (ms, mt), (ts, tt) = _inputs((5, 8), (3, 8))
        mask = torch.nn.Transformer.generate_square_subsequent_mask(3, dtype=torch.float64)
        m_out = m(ms, mt, tgt_mask=mg.tensor(mask.numpy()))
        t_out = t(ts, tt, tgt_mask=mask)
        assert_close(m_out, t_out)
        _backward_both([(m_out, t_out)])
        _grads_equal([ms, mt], [ts, tt], m, t)


def _encoder_pair(layer_kw: dict[str, Any], **enc_kw: Any) -> tuple[Any, Any]:
    torch = require_torch()
    kw: dict[str, Any] = {"dim_feedforward": 12, "dropout": 0.0, **layer_kw}
    t = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, dtype=torch.float64, **kw), 2,
                                    **enc_kw)
    m = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, dtype=mg.float64, **kw), 2, **enc_kw)
    with torch.no_grad():  # the copies start equal; make the layers differ
        for p in t.parameters():
            p.add_(torch.tensor(RNG.standard_normal(tuple(p.shape)) * 0.05))
    _copy_from_torch(m, t)
    return m, t


class TestNestedTensorPathParity:
    """PyTorch's encoder returns zeros at padded positions on its nested-tensor path; so does minigrad's."""

    @pytest.mark.parametrize("mode", ["eval-no-grad", "eval-grad", "train-no-grad", "eval-no-grad-disabled",
                                      "eval-no-grad-right-aligned", "eval-no-grad-with-mask",
                                      "eval-no-grad-float-mask"])
    def test_padded_outputs(self, mode: str) -> None:
        torch = require_torch()
        m, t = _encoder_pair({"batch_first": True}, enable_nested_tensor=not mode.endswith("disabled"))
        (ms,), (ts,) = _inputs((3, 5, 8))
        pad = np.zeros((3, 5), dtype=bool)
        pad[0, 3:] = True
        pad[2, 4:] = True
        if mode.endswith("right-aligned"):
            pad[1, 0] = True  # padding at the front: PyTorch's mask check refuses the nested path
        kwargs: dict[str, Any] = {}
        if mode.endswith("with-mask"):
            kwargs["mask"] = _causal_bool(5)
        m_pad, t_pad = mg.tensor(pad), torch.tensor(pad)
        if mode.endswith("float-mask"):
            m_pad, t_pad = (lib.zeros(3, 5, dtype=lib.float64).masked_fill(p, float("-inf"))
                            for lib, p in ((mg, m_pad), (torch, t_pad)))
        for model in (m, t):
            model.train(mode.startswith("train"))
        grad = mode == "eval-grad"
        with mg.set_grad_enabled(grad), torch.set_grad_enabled(grad):
            m_out = m(ms, src_key_padding_mask=m_pad, **{k: mg.tensor(v) for k, v in kwargs.items()})
            with warnings.catch_warnings():  # PyTorch's one-time note that nested tensors are a prototype
                warnings.filterwarnings("ignore", message="The PyTorch API of nested tensors")
                t_out = t(ts, src_key_padding_mask=t_pad, **{k: torch.tensor(v) for k, v in kwargs.items()})
        t_vals = t_out.detach().numpy()
        assert_close(m_out.detach(), t_out.detach())
        zeroed = bool((t_vals[pad] == 0).all())
        assert zeroed == (mode in ("eval-no-grad", "eval-no-grad-float-mask"))

    @pytest.mark.parametrize("layer_kw", [{"batch_first": False}, {"batch_first": True, "norm_first": True},
                                          {"batch_first": True, "activation": mg.nn.functional.silu}])
    def test_warns_why_not_as_pytorch_does(self, layer_kw: dict[str, Any]) -> None:
        torch = require_torch()
        messages = []
        for lib in (nn, torch.nn):
            kw = dict(layer_kw)
            if lib is torch.nn and "activation" in kw:
                kw["activation"] = torch.nn.functional.silu
            layer = lib.TransformerEncoderLayer(8, 2, **kw)
            with pytest.warns(UserWarning, match="enable_nested_tensor is True") as record:
                enc = lib.TransformerEncoder(layer, 1)
            messages.append(str(record[0].message))
            assert enc.use_nested_tensor is False
            lib.TransformerEncoder(layer, 1, enable_nested_tensor=False)  # no warning
        assert messages[0] == messages[1]
        assert nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, batch_first=True), 1).use_nested_tensor
