"""Embedding, MultiheadAttention and TransformerEncoderLayer: construction, policy and errors.

Numerical agreement with PyTorch is in tests/parity/test_transformer_parity.py;
this file checks initialisation, validation, dropout policy, gradients by
finite differences and the names that make state_dicts portable.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from tests.helpers import assert_close, require_torch

RNG = np.random.default_rng(99)


class TestEmbedding:
    def test_init_standard_normal_and_seeded(self) -> None:
        mg.manual_seed(5)
        a = nn.Embedding(400, 50)
        mg.manual_seed(5)
        b = nn.Embedding(400, 50)
        np.testing.assert_array_equal(a.weight.detach().numpy(), b.weight.detach().numpy())
        assert a.weight.dtype == np.float32 and a.weight.requires_grad
        assert abs(a.weight.detach().numpy().mean()) < 0.02
        assert abs(a.weight.detach().numpy().std() - 1.0) < 0.02

    @pytest.mark.parametrize(("padding_idx", "row"), [(3, 3), (-1, 9), (-10, 0)])
    def test_padding_row_zero_and_normalised(self, padding_idx: int, row: int) -> None:
        emb = nn.Embedding(10, 4, padding_idx=padding_idx, dtype=mg.float64)
        assert emb.padding_idx == row
        np.testing.assert_array_equal(emb.weight.detach().numpy()[row], 0.0)
        assert np.all(np.delete(emb.weight.detach().numpy(), row, axis=0) != 0.0)
        assert repr(emb) == f"Embedding(10, 4, padding_idx={row})"

    def test_gradient_padding_and_repeats(self) -> None:
        emb = nn.Embedding(6, 3, padding_idx=0, dtype=mg.float64)
        idx = mg.tensor([[0, 4, 4], [4, 0, 2]])
        g = RNG.standard_normal((2, 3, 3))
        emb(idx).backward(mg.tensor(g))
        assert emb.weight.grad is not None
        grad = emb.weight.grad.numpy()
        np.testing.assert_array_equal(grad[0], 0.0)
        np.testing.assert_allclose(grad[4], g[0, 1] + g[0, 2] + g[1, 0], rtol=1e-14)
        np.testing.assert_allclose(grad[2], g[1, 2], rtol=1e-14)
        np.testing.assert_array_equal(grad[[1, 3, 5]], 0.0)

    def test_from_pretrained(self) -> None:
        w = mg.tensor(RNG.standard_normal((4, 2)))
        frozen = nn.Embedding.from_pretrained(w)
        assert not frozen.weight.requires_grad
        assert_close(frozen(mg.tensor([3, 1])), w.numpy()[[3, 1]])
        trainable = nn.Embedding.from_pretrained(w, freeze=False, padding_idx=1)
        assert trainable.weight.requires_grad and trainable.padding_idx == 1
        assert_close(trainable.weight, w.numpy())  # pretrained padding row is kept, as in PyTorch
        trainable.weight.detach().numpy()[0, 0] += 1.0
        assert w.detach().numpy()[0, 0] != trainable.weight.detach().numpy()[0, 0]  # a copy, not a view
        mg.manual_seed(8)
        nn.Embedding.from_pretrained(w)
        after = mg.randn(3).numpy()
        mg.manual_seed(8)
        np.testing.assert_array_equal(after, mg.randn(3).numpy())  # no random draw spent
        with pytest.raises(mg.ShapeError, match="2-D"):
            nn.Embedding.from_pretrained(mg.randn(4))

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"num_embeddings": -1, "embedding_dim": 3}, "num_embeddings=-1"),
            ({"num_embeddings": 4, "embedding_dim": 2.5}, "embedding_dim=2.5"),
            ({"num_embeddings": 4, "embedding_dim": 3, "padding_idx": 4}, "padding_idx=4"),
            ({"num_embeddings": 4, "embedding_dim": 3, "padding_idx": -5}, "padding_idx=-5"),
            ({"num_embeddings": 4, "embedding_dim": 3, "dtype": mg.int64}, "dtype=int64"),
        ],
    )
    def test_bad_arguments(self, kwargs: dict[str, object], match: str) -> None:
        with pytest.raises(mg.InvalidParameterError, match=match):
            nn.Embedding(**kwargs)  # type: ignore[arg-type]

    def test_bad_indices(self) -> None:
        emb = nn.Embedding(4, 3)
        with pytest.raises(mg.DimensionError, match=r"index 7 .*num_embeddings=4"):
            emb(mg.tensor([1, 7]))
        with pytest.raises(RuntimeError, match="integer"):  # PyTorch: a RuntimeError
            emb(mg.tensor([1.0]))


class TestMultiheadAttention:
    def test_parameters_and_init(self) -> None:
        mg.manual_seed(0)
        m = nn.MultiheadAttention(64, 4)
        shapes = {k: v.shape for k, v in m.state_dict().items()}
        assert shapes == {"in_proj_weight": (192, 64), "in_proj_bias": (192,),
                          "out_proj.weight": (64, 64), "out_proj.bias": (64,)}
        bound = math.sqrt(6 / (64 + 192))
        w = m.in_proj_weight.detach().numpy()
        assert w.dtype == np.float32
        assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
        assert abs(w.std() - bound / math.sqrt(3)) < 0.01  # the std of U(-b, b)
        np.testing.assert_array_equal(m.in_proj_bias.detach().numpy() if m.in_proj_bias is not None else 1,
                                      0.0)
        np.testing.assert_array_equal(m.out_proj.bias.detach().numpy() if m.out_proj.bias is not None else 1,
                                      0.0)
        assert np.abs(m.out_proj.weight.detach().numpy()).max() <= 1 / 8
        assert m.head_dim == 16

    def test_no_bias(self) -> None:
        m = nn.MultiheadAttention(8, 2, bias=False)
        assert list(m.state_dict()) == ["in_proj_weight", "out_proj.weight"]

    def test_state_dict_keys_match_torch(self) -> None:
        torch = require_torch()
        for bias in (True, False):
            t = torch.nn.MultiheadAttention(8, 2, bias=bias, batch_first=True)
            assert list(nn.MultiheadAttention(8, 2, bias=bias).state_dict()) == list(t.state_dict())

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"embed_dim": 10, "num_heads": 3}, "embed_dim=10 and num_heads=3"),
            ({"embed_dim": 0, "num_heads": 1}, "embed_dim=0"),
            ({"embed_dim": 8, "num_heads": 0}, "num_heads=0"),
            ({"embed_dim": 8, "num_heads": 2, "dropout": 1.5}, "dropout=1.5"),
            ({"embed_dim": 8, "num_heads": 2, "dropout": -0.5}, "dropout=-0.5"),
            ({"embed_dim": 8, "num_heads": 2, "batch_first": "yes"}, "batch_first='yes'"),
            ({"embed_dim": 8, "num_heads": 2, "kdim": 0}, "kdim=0"),
            ({"embed_dim": 8, "num_heads": 2, "vdim": 2.5}, "vdim=2.5"),
            ({"embed_dim": 8, "num_heads": 2, "add_zero_attn": "y"}, "add_zero_attn=.y."),  # (1: True)
            ({"embed_dim": 8, "num_heads": 2, "device": "cuda"}, "device='cuda'.*CPU"),
        ],
    )
    def test_bad_arguments(self, kwargs: dict[str, object], match: str) -> None:
        with pytest.raises(mg.InvalidParameterError, match=match):
            nn.MultiheadAttention(**kwargs)  # type: ignore[arg-type]

    def test_shape_errors(self) -> None:
        m = nn.MultiheadAttention(8, 2, batch_first=True)
        x = mg.randn(2, 5, 8)
        with pytest.raises(mg.ShapeError, match=r"embed_dim=8.*\(2, 5, 6\)"):
            m(mg.randn(2, 5, 6), x, x)
        with pytest.raises(mg.ShapeError, match=r"\(2, 5, 8\), \(5, 8\)"):
            m(x, mg.randn(5, 8), x)
        with pytest.raises(mg.ShapeError, match=r"key \(2, 5, 8\) and value \(2, 4, 8\)"):
            m(x, x, mg.randn(2, 4, 8))
        with pytest.raises(mg.ShapeError, match=r"\(L, S\) = \(5, 5\), got \(5, 4\)"):
            m(x, x, x, attn_mask=mg.zeros(5, 4))
        with pytest.raises(mg.ShapeError, match=r"\(N \* num_heads, L, S\) = \(4, 5, 5\), got \(2, 5, 5\)"):
            m(x, x, x, attn_mask=mg.zeros(2, 5, 5))
        with pytest.raises(mg.ShapeError, match=r"key_padding_mask must be \(N, S\) = \(2, 5\), got \(5,\)"):
            m(x, x, x, key_padding_mask=mg.zeros(5))
        with pytest.raises(TypeError, match="attn_mask must be a bool or floating"):
            m(x, x, x, attn_mask=mg.zeros(5, 5, dtype=mg.int64))

    def test_need_weights(self) -> None:
        m = nn.MultiheadAttention(8, 2, batch_first=True, dtype=mg.float64)
        x = mg.tensor(RNG.standard_normal((3, 4, 8)))
        out, w = m(x, x, x, need_weights=False)
        assert w is None and out.shape == (3, 4, 8)
        causal = nn.Transformer.generate_square_subsequent_mask(4, dtype=mg.float64)
        _, w = m(x, x, x, attn_mask=causal, is_causal=True)  # need_weights=True is the default, as in PyTorch
        assert w is not None and w.shape == (3, 4, 4)
        np.testing.assert_allclose(w.detach().numpy().sum(-1), 1.0, rtol=1e-12)
        np.testing.assert_array_equal(np.triu(w.detach().numpy()[0], 1), 0.0)
        _, per_head = m(x, x, x, need_weights=True, average_attn_weights=False)
        assert per_head is not None and per_head.shape == (3, 2, 4, 4)

    def test_fully_masked_query_gives_zeros_on_the_sdpa_path_and_nan_with_weights(self) -> None:
        # PyTorch's default path (need_weights=False, SDPA's safe softmax) gives 0; asked for the weights it
        # runs a plain softmax, which gives NaN (tests/parity/test_lead57_fixes.py compares both with it)
        m = nn.MultiheadAttention(8, 2, batch_first=True, dtype=mg.float64)
        x = mg.tensor(RNG.standard_normal((2, 3, 8)), requires_grad=True)
        pad = mg.tensor(np.array([[False, True, False], [True, True, True]]))
        out, _ = m(x, x, x, key_padding_mask=pad, need_weights=False)
        np.testing.assert_array_equal(out.detach().numpy()[1], 0.0)  # out_proj.bias starts at 0
        out.sum().backward()
        assert x.grad is not None and np.isfinite(x.grad.numpy()).all()
        out, w = m(x, x, x, key_padding_mask=pad, need_weights=True)
        assert w is not None
        assert np.isnan(w.detach().numpy()[1]).all() and np.isnan(out.detach().numpy()[1]).all()
        np.testing.assert_allclose(w.detach().numpy()[0].sum(-1), 1.0, rtol=1e-12)
        assert np.isfinite(out.detach().numpy()[0]).all()
        np.testing.assert_array_equal(x.grad.numpy()[1], 0.0)

    def test_dropout_only_in_training_and_seeded(self) -> None:
        m = nn.MultiheadAttention(8, 2, dropout=0.5, batch_first=True, dtype=mg.float64)
        x = mg.tensor(RNG.standard_normal((2, 6, 8)))
        mg.manual_seed(1)
        a, _ = m(x, x, x)
        mg.manual_seed(1)
        b, _ = m(x, x, x)
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
        m.eval()
        c, _ = m(x, x, x)
        d, _ = m(x, x, x)
        np.testing.assert_array_equal(c.detach().numpy(), d.detach().numpy())
        assert not np.allclose(a.detach().numpy(), c.detach().numpy())
        reference = nn.MultiheadAttention(8, 2, batch_first=True, dtype=mg.float64)
        reference.load_state_dict(m.state_dict())
        assert_close(c, reference(x, x, x)[0].detach().numpy(), rtol=1e-14)

    def test_gradcheck_inputs_and_parameters(self) -> None:
        m = nn.MultiheadAttention(4, 2, batch_first=True, dtype=mg.float64)
        q = mg.tensor(RNG.standard_normal((2, 3, 4)), requires_grad=True)
        kv = mg.tensor(RNG.standard_normal((2, 2, 4)), requires_grad=True)
        pad = mg.tensor(np.array([[False, False], [False, True]]))

        def fn(query: mg.Tensor, key: mg.Tensor, *params: mg.Tensor) -> mg.Tensor:
            return m(query, key, key, key_padding_mask=pad)[0]

        assert mg.gradcheck(fn, (q, kv, m.in_proj_weight, m.out_proj.weight))

    def test_unbatched(self) -> None:
        m = nn.MultiheadAttention(8, 2, batch_first=True, dtype=mg.float64)
        x = mg.tensor(RNG.standard_normal((5, 8)))
        out, w = m(x, x, x, key_padding_mask=mg.tensor([False] * 4 + [True]), need_weights=True)
        batched, bw = m(x.unsqueeze(0), x.unsqueeze(0), x.unsqueeze(0),
                        key_padding_mask=mg.tensor([[False] * 4 + [True]]), need_weights=True)
        assert w is not None and bw is not None
        assert out.shape == (5, 8) and w.shape == (5, 5)
        assert_close(out, batched.detach().numpy()[0], rtol=1e-14)
        assert_close(w, bw.detach().numpy()[0], rtol=1e-14)
        np.testing.assert_array_equal(w.detach().numpy()[:, 4], 0.0)


class TestTransformerEncoderLayer:
    def test_state_dict_keys_match_torch(self) -> None:
        torch = require_torch()
        for norm_first in (False, True):
            t = torch.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True, norm_first=norm_first)
            m = nn.TransformerEncoderLayer(8, 2, 16, norm_first=norm_first)
            assert list(m.state_dict()) == list(t.state_dict())
            shapes = {k: tuple(v.shape) for k, v in t.state_dict().items()}
            assert {k: v.shape for k, v in m.state_dict().items()} == shapes

    def test_defaults(self) -> None:
        m = nn.TransformerEncoderLayer(8, 2)
        assert m.linear1.out_features == 2048
        assert m.dropout.p == 0.1 and m.dropout1.p == 0.1 and m.dropout2.p == 0.1
        assert m.self_attn.dropout == 0.1
        assert m.norm1.eps == 1e-5 and not m.norm_first
        assert m.activation is nn.functional.relu

    def test_gelu_and_module_activation(self) -> None:
        x = mg.tensor(RNG.standard_normal((2, 3, 8)))
        m = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation="gelu", dtype=mg.float64)
        g = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation=nn.GELU(), dtype=mg.float64)
        g.load_state_dict(m.state_dict())
        assert "activation" in dict(g.named_children())
        assert_close(g(x), m(x).detach().numpy(), rtol=1e-14)

    def test_dropout_policy(self) -> None:
        m = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.3, dtype=mg.float64)
        x = mg.tensor(RNG.standard_normal((2, 5, 8)))
        mg.manual_seed(11)
        a = m(x)
        mg.manual_seed(11)
        b = m(x)
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
        m.eval()
        c = m(x)
        assert not np.allclose(a.detach().numpy(), c.detach().numpy())
        np.testing.assert_array_equal(c.detach().numpy(), m(x).detach().numpy())

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"activation": "tanh"}, "activation='tanh'"),
            ({"activation": 3}, "activation=3"),
            ({"batch_first": "no"}, "batch_first='no'"),
            ({"dim_feedforward": 0}, "dim_feedforward=0"),
            ({"dropout": 1.5}, "1.5"),
            ({"nhead": 3}, "num_heads=3"),
        ],
    )
    def test_bad_arguments(self, kwargs: dict[str, object], match: str) -> None:
        args: dict[str, object] = {"d_model": 8, "nhead": 2}
        args.update(kwargs)
        with pytest.raises(mg.InvalidParameterError, match=match):
            nn.TransformerEncoderLayer(**args)  # type: ignore[arg-type]

    def test_shape_error(self) -> None:
        m = nn.TransformerEncoderLayer(8, 2, 16)
        with pytest.raises(mg.ShapeError, match="embed_dim=8"):
            m(mg.randn(2, 3, 6))

    def test_gradients_reach_every_parameter(self) -> None:
        m = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, norm_first=True, dtype=mg.float64)
        x = mg.tensor(RNG.standard_normal((2, 4, 8)), requires_grad=True)
        causal = nn.Transformer.generate_square_subsequent_mask(4, dtype=mg.float64)
        m(x, src_mask=causal, is_causal=True).backward(mg.tensor(RNG.standard_normal((2, 4, 8))))
        for name, p in m.named_parameters():
            assert p.grad is not None and np.abs(p.grad.numpy()).sum() > 0, name
        assert x.grad is not None


class TestMultiheadAttentionOptions:
    def test_separate_projections_and_extra_keys(self) -> None:
        torch = require_torch()
        kw = {"kdim": 5, "vdim": 3, "add_bias_kv": True}
        m = nn.MultiheadAttention(8, 2, **kw)  # type: ignore[arg-type]
        t = torch.nn.MultiheadAttention(8, 2, **kw)
        assert {k: v.shape for k, v in m.state_dict().items()} == {
            k: tuple(v.shape) for k, v in t.state_dict().items()}
        assert list(m.state_dict()) == list(t.state_dict())
        assert m.in_proj_weight is None and not m._qkv_same_embed_dim
        # xavier-normal, not zeros
        assert m.bias_k is not None and np.abs(m.bias_k.detach().numpy()).max() > 0
        plain = nn.MultiheadAttention(8, 2)
        assert plain.bias_k is None and plain.q_proj_weight is None

    def test_zero_attention_position_takes_weight(self) -> None:
        m = nn.MultiheadAttention(4, 2, add_zero_attn=True, dtype=mg.float64)
        x = mg.tensor(RNG.standard_normal((3, 2, 4)))
        out, w = m(x, x, x, key_padding_mask=mg.tensor(np.ones((2, 3), dtype=bool)))
        assert w is not None and w.shape == (2, 3, 4)  # S + 1 positions
        # every real key is masked: all the weight goes to the zero key
        np.testing.assert_allclose(w.detach().numpy()[..., -1], 1.0)
        np.testing.assert_array_equal(out.detach().numpy(), 0.0)  # a zero value, zero out_proj bias

    def test_mismatched_mask_types_warn_as_torch(self) -> None:
        m = nn.MultiheadAttention(4, 2)
        x = mg.randn(3, 2, 4)
        with pytest.warns(UserWarning, match="mismatched key_padding_mask and attn_mask"):
            m(x, x, x, attn_mask=mg.zeros(3, 3), key_padding_mask=mg.tensor(np.zeros((2, 3), dtype=bool)))

    def test_gradcheck_sequence_first_with_options(self) -> None:
        m = nn.MultiheadAttention(4, 2, add_bias_kv=True, kdim=3, dtype=mg.float64)
        q = mg.tensor(RNG.standard_normal((3, 2, 4)), requires_grad=True)
        k = mg.tensor(RNG.standard_normal((2, 2, 3)), requires_grad=True)

        def fn(query: mg.Tensor, key: mg.Tensor, *params: mg.Tensor) -> mg.Tensor:
            out, w = m(query, key, query[:2], attn_mask=mg.tensor(np.triu(np.ones((3, 2), dtype=bool), 1)))
            return out.sum(-1) + w.sum(-1).T

        assert mg.gradcheck(fn, (q, k, m.k_proj_weight, m.bias_v))


class TestEncoderDecoderStacks:
    def test_layers_are_independent_deep_copies(self) -> None:
        layer = nn.TransformerEncoderLayer(8, 2, 16)
        enc = nn.TransformerEncoder(layer, 3, enable_nested_tensor=False)
        assert [n for n, _ in enc.named_children()] == ["layers"]
        w0, w1 = enc.layers[0].linear1.weight, enc.layers[1].linear1.weight
        assert w0 is not w1 and w0 is not layer.linear1.weight
        np.testing.assert_array_equal(w0.detach().numpy(), layer.linear1.weight.detach().numpy())
        w0.detach().numpy()[...] += 1.0
        assert not np.allclose(w0.detach().numpy(), w1.detach().numpy())
        assert len(list(enc.parameters())) == 3 * len(list(layer.parameters()))
        assert next(iter(enc.state_dict())) == "layers.0.self_attn.in_proj_weight"

    def test_zero_layers_is_pytorchs_index_error(self) -> None:
        # PyTorch's forward reads layers[0] before running any layer: an empty stack is its IndexError
        norm = nn.LayerNorm(4, dtype=mg.float64)
        with pytest.warns(UserWarning, match="batch_first was not True"):  # as PyTorch warns
            enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 8, dtype=mg.float64), 0, norm)
        x = mg.tensor(RNG.standard_normal((3, 2, 4)))
        with pytest.raises(IndexError, match=r"^index 0 is out of range"):
            enc(x)

    def test_transformer_init_and_structure(self) -> None:
        torch = require_torch()
        mg.manual_seed(0)
        with pytest.warns(UserWarning, match="use_nested_tensor is False"):
            m = nn.Transformer(16, 4, 2, 1, 32, dropout=0.0)
        t = torch.nn.Transformer(16, 4, 2, 1, 32, dropout=0.0, batch_first=True)
        assert list(m.state_dict()) == list(t.state_dict())
        for name, p in m.named_parameters():
            values = p.detach().numpy()
            if p.ndim > 1:  # xavier-uniform over (fan_in + fan_out)
                bound = math.sqrt(6 / (p.shape[0] + p.shape[1]))
                assert np.abs(values).max() <= bound and np.abs(values).max() > 0.8 * bound, name
            elif "norm" in name:
                np.testing.assert_array_equal(values, 1.0 if name.endswith("weight") else 0.0)
        assert isinstance(m.encoder.norm, nn.LayerNorm) and isinstance(m.decoder.norm, nn.LayerNorm)
        assert (m.d_model, m.nhead, m.batch_first) == (16, 4, False)

    def test_custom_encoder_and_decoder(self) -> None:
        enc, dec = nn.Identity(), nn.TransformerDecoder(nn.TransformerDecoderLayer(4, 2, 8, 0.0), 1)

        class Encoder(nn.Module):
            def forward(self, src: mg.Tensor, mask: object = None, src_key_padding_mask: object = None,
                        is_causal: object = None) -> mg.Tensor:
                return enc(src)

        m = nn.Transformer(4, 2, custom_encoder=Encoder(), custom_decoder=dec)
        assert m.decoder is dec
        src, tgt = mg.randn(5, 2, 4), mg.randn(3, 2, 4)
        np.testing.assert_allclose(m(src, tgt).detach().numpy(), dec(tgt, src).detach().numpy(), rtol=1e-6)

    def test_shape_errors(self) -> None:
        with pytest.warns(UserWarning, match="use_nested_tensor is False"):
            m = nn.Transformer(8, 2, 1, 1, 16)
        with pytest.raises(mg.ShapeError, match=r"batch number of src and tgt.*\(5, 2, 8\).*\(3, 4, 8\)"):
            m(mg.randn(5, 2, 8), mg.randn(3, 4, 8))
        with pytest.raises(mg.ShapeError, match=r"d_model=8.*\(3, 2, 6\)"):
            m(mg.randn(5, 2, 8), mg.randn(3, 2, 6))
        with pytest.raises(mg.ShapeError, match=r"\(L, S\) = \(3, 5\), got \(3, 3\)"):
            m(mg.randn(5, 2, 8), mg.randn(3, 2, 8), memory_mask=mg.zeros(3, 3))
        with pytest.raises(mg.InvalidParameterError, match="num_layers=-1"):
            nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2), -1)
        with pytest.raises(mg.InvalidParameterError, match="nhead=3"):
            nn.TransformerDecoderLayer(8, 3)
        with pytest.raises(mg.InvalidParameterError, match="sz=-1"):
            nn.Transformer.generate_square_subsequent_mask(-1)

    def test_decoder_layer_dropout_policy_and_gradcheck(self) -> None:
        layer = nn.TransformerDecoderLayer(4, 2, 6, dropout=0.3, dtype=mg.float64)
        tgt, mem = mg.tensor(RNG.standard_normal((3, 2, 4))), mg.tensor(RNG.standard_normal((4, 2, 4)))
        mg.manual_seed(2)
        a = layer(tgt, mem).detach().numpy()
        mg.manual_seed(2)
        np.testing.assert_array_equal(layer(tgt, mem).detach().numpy(), a)
        layer.eval()
        assert not np.allclose(layer(tgt, mem).detach().numpy(), a)
        tgt.requires_grad_()
        mem.requires_grad_()

        def fn(t: mg.Tensor, m: mg.Tensor, w: mg.Tensor) -> mg.Tensor:
            pad = mg.tensor([[False] * 4, [True] + [False] * 3])
            causal = nn.Transformer.generate_square_subsequent_mask(3, dtype=mg.float64)
            return layer(t, m, tgt_mask=causal, tgt_is_causal=True, memory_key_padding_mask=pad)

        assert mg.gradcheck(fn, (tgt, mem, layer.multihead_attn.in_proj_weight))
