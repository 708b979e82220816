"""scaled_dot_product_attention, embedding and one_hot against PyTorch and by invariants."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import functional as F
from minigrad.nn.attention import causal_mask, embedding, one_hot, scaled_dot_product_attention
from tests.helpers import assert_close, require_torch

RNG = np.random.default_rng(1234)


def _pair(a: np.ndarray, requires_grad: bool = True) -> tuple[mg.Tensor, Any]:
    torch = require_torch()
    return mg.tensor(a, requires_grad=requires_grad), torch.tensor(a, requires_grad=requires_grad)


def _sdpa_case(shapes: tuple[tuple[int, ...], ...], mask: Any = None, mask_grad: bool = False,
               **kw: Any) -> None:
    """Compare outputs and q/k/v (and float mask) gradients with torch under a random upstream grad."""
    torch = require_torch()
    q, k, v = (RNG.standard_normal(s) for s in shapes)
    (mq, tq), (mk, tk), (mv, tv) = _pair(q), _pair(k), _pair(v)
    mkw: dict[str, Any] = dict(kw)
    tkw: dict[str, Any] = dict(kw)
    mm = tm = None
    if mask is not None:
        mm = mg.tensor(mask, requires_grad=mask_grad)
        tm = torch.tensor(mask, requires_grad=mask_grad)
        mkw["attn_mask"], tkw["attn_mask"] = mm, tm
    out = scaled_dot_product_attention(mq, mk, mv, **mkw)
    ref = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, **tkw)
    assert_close(out, ref)
    g = RNG.standard_normal(ref.shape)
    out.backward(mg.tensor(g))
    ref.backward(torch.tensor(g))
    for m, t in ((mq, tq), (mk, tk), (mv, tv)):
        assert_close(m.grad, t.grad)
    if mask_grad:
        assert mm is not None and tm is not None
        assert_close(mm.grad, tm.grad)


class TestSDPAParity:
    def test_no_mask(self) -> None:
        _sdpa_case(((2, 3, 5, 4), (2, 3, 6, 4), (2, 3, 6, 7)))

    def test_three_dims_and_broadcast_batch(self) -> None:
        _sdpa_case(((4, 5, 3), (4, 6, 3), (4, 6, 2)))
        _sdpa_case(((2, 3, 5, 4), (1, 3, 6, 4), (1, 3, 6, 4)))

    def test_scale(self) -> None:
        _sdpa_case(((2, 5, 4), (2, 6, 4), (2, 6, 4)), scale=0.37)

    @pytest.mark.parametrize("lengths", [(5, 5), (4, 7), (7, 4)])
    def test_causal(self, lengths: tuple[int, int]) -> None:
        lq, ls = lengths
        _sdpa_case(((2, 2, lq, 3), (2, 2, ls, 3), (2, 2, ls, 3)), is_causal=True)

    def test_bool_mask_true_takes_part(self) -> None:
        mask = RNG.random((5, 6)) > 0.4
        mask[:, 0] = True
        _sdpa_case(((2, 3, 5, 4), (2, 3, 6, 4), (2, 3, 6, 4)), mask=mask)

    def test_bool_mask_broadcast_per_batch(self) -> None:
        mask = RNG.random((2, 1, 5, 6)) > 0.3
        mask[..., 0] = True
        _sdpa_case(((2, 3, 5, 4), (2, 3, 6, 4), (2, 3, 6, 4)), mask=mask)

    def test_float_mask_added_and_differentiated(self) -> None:
        mask = RNG.standard_normal((3, 5, 6))
        _sdpa_case(((2, 3, 5, 4), (2, 3, 6, 4), (2, 3, 6, 4)), mask=mask, mask_grad=True)

    def test_fully_masked_row_is_zero_like_torch(self) -> None:
        # PyTorch 2.13's math path (_safe_softmax) gives 0, not NaN, for a row with no key.
        mask = RNG.random((5, 6)) > 0.3
        mask[2] = False
        mask[[0, 1, 3, 4], 0] = True
        _sdpa_case(((2, 5, 4), (2, 6, 4), (2, 6, 4)), mask=mask)
        q, k, v = (mg.tensor(RNG.standard_normal(s), requires_grad=True) for s in ((5, 4), (6, 4), (6, 4)))
        out = scaled_dot_product_attention(q, k, v, attn_mask=mg.tensor(mask))
        assert np.all(out.detach().numpy()[2] == 0.0)
        out.sum().backward()
        assert q.grad is not None and np.all(q.grad.numpy()[2] == 0.0)
        assert np.isfinite(q.grad.numpy()).all()

    def test_float_mask_with_neg_inf_row(self) -> None:
        mask = np.zeros((5, 6))
        mask[1] = -np.inf
        mask[3, 2:] = -np.inf
        _sdpa_case(((2, 5, 4), (2, 6, 4), (2, 6, 4)), mask=mask)

    def test_float32_stays_float32(self) -> None:
        torch = require_torch()
        q, k, v = (RNG.standard_normal((2, 5, 4)).astype(np.float32) for _ in range(3))
        out = scaled_dot_product_attention(mg.tensor(q), mg.tensor(k), mg.tensor(v), is_causal=True)
        ref = torch.nn.functional.scaled_dot_product_attention(
            torch.tensor(q), torch.tensor(k), torch.tensor(v), is_causal=True)
        assert out.dtype == np.float32
        assert_close(out, ref, rtol=1e-5, atol=1e-6)


class TestSDPAInvariants:
    def test_gradcheck(self) -> None:
        shapes = ((2, 3, 2), (2, 4, 2), (2, 4, 3))
        q, k, v = (mg.tensor(RNG.standard_normal(s), requires_grad=True) for s in shapes)
        mask = mg.tensor(RNG.standard_normal((3, 4)), requires_grad=True)
        masked = lambda a, b, c, m: scaled_dot_product_attention(a, b, c, attn_mask=m)  # noqa: E731
        assert mg.gradcheck(masked, (q, k, v, mask))
        assert mg.gradcheck(lambda a, b, c: scaled_dot_product_attention(a, b, c, is_causal=True), (q, k, v))

    def test_gradgradcheck(self) -> None:
        q, k, v = (mg.tensor(RNG.standard_normal((3, 2)), requires_grad=True) for _ in range(3))
        causal = lambda a, b, c: scaled_dot_product_attention(a, b, c, is_causal=True)  # noqa: E731
        assert mg.gradgradcheck(causal, (q, k, v))

    def test_causal_equals_explicit_bool_mask(self) -> None:
        q, k, v = (mg.tensor(RNG.standard_normal((2, 4, 3))) for _ in range(3))
        tril = mg.tensor(np.tril(np.ones((4, 4), dtype=bool)))
        a = scaled_dot_product_attention(q, k, v, is_causal=True)
        b = scaled_dot_product_attention(q, k, v, attn_mask=tril)
        np.testing.assert_array_equal(a.numpy(), b.numpy())

    def test_causal_mask_cached_and_read_only(self) -> None:
        m = causal_mask(3, 4, np.dtype(np.float64))
        assert m is causal_mask(3, 4, np.dtype(np.float64))
        assert not m.flags.writeable
        np.testing.assert_array_equal(m == 0, np.tril(np.ones((3, 4), dtype=bool)))
        assert np.isneginf(m[0, 1])

    def test_inputs_not_mutated(self) -> None:
        arrays = [RNG.standard_normal((2, 4, 3)) for _ in range(3)]
        copies = [a.copy() for a in arrays]
        ts = [mg.tensor(a, requires_grad=True) for a in arrays]
        mask = mg.tensor(np.tril(np.ones((4, 4), dtype=bool)))
        scaled_dot_product_attention(*ts, attn_mask=mask).sum().backward()
        for t, c in zip(ts, copies, strict=True):
            np.testing.assert_array_equal(t.detach().numpy(), c)

    def test_dropout_uses_seeded_generator(self) -> None:
        q, k, v = (mg.tensor(RNG.standard_normal((2, 6, 4))) for _ in range(3))
        mg.manual_seed(7)
        a = scaled_dot_product_attention(q, k, v, dropout_p=0.5)
        mg.manual_seed(7)
        b = scaled_dot_product_attention(q, k, v, dropout_p=0.5)
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        # the same draw applied by hand: dropout of the softmax weights, then @ v
        mg.manual_seed(7)
        weights = ((q @ k.mT) * (1 / 2.0)).softmax(-1)
        expected = F.dropout(weights, p=0.5, training=True) @ v
        assert_close(a, expected.numpy(), rtol=1e-12)
        plain = scaled_dot_product_attention(q, k, v)
        assert not np.allclose(a.numpy(), plain.numpy())

    def test_dropout_zero_is_deterministic(self) -> None:
        q, k, v = (mg.tensor(RNG.standard_normal((2, 6, 4))) for _ in range(3))
        a = scaled_dot_product_attention(q, k, v, dropout_p=0.0)
        b = scaled_dot_product_attention(q, k, v)
        np.testing.assert_array_equal(a.numpy(), b.numpy())


class TestSDPAErrors:
    def _qkv(self) -> tuple[mg.Tensor, mg.Tensor, mg.Tensor]:
        return mg.randn(2, 5, 4), mg.randn(2, 6, 4), mg.randn(2, 6, 4)

    def test_mask_and_causal(self) -> None:
        q, k, v = self._qkv()
        with pytest.raises(mg.InvalidParameterError, match="is_causal"):
            scaled_dot_product_attention(q, k, v, attn_mask=mg.ones(5, 6).bool(), is_causal=True)

    def test_shapes(self) -> None:
        q, k, v = self._qkv()
        with pytest.raises(mg.ShapeError, match=r"\(2, 6, 3\)"):
            scaled_dot_product_attention(q, mg.randn(2, 6, 3), v)
        with pytest.raises(mg.ShapeError, match=r"value shape \(2, 7, 4\)"):
            scaled_dot_product_attention(q, k, mg.randn(2, 7, 4))
        with pytest.raises(mg.ShapeError, match=r"\(5, 5\)"):
            scaled_dot_product_attention(q, k, v, attn_mask=mg.zeros(5, 5))
        with pytest.raises(mg.ShapeError, match="at least 2 dims"):
            scaled_dot_product_attention(mg.randn(4), k, v)

    def test_types(self) -> None:
        q, k, v = self._qkv()
        with pytest.raises(TypeError, match="floating"):
            scaled_dot_product_attention(mg.ones(2, 5, 4, dtype=mg.int64), k, v)
        with pytest.raises(TypeError, match="share a dtype"):
            scaled_dot_product_attention(q.double(), k, v)
        with pytest.raises(TypeError, match="bool or floating"):
            scaled_dot_product_attention(q, k, v, attn_mask=mg.ones(5, 6, dtype=mg.int64))

    @pytest.mark.parametrize("p", [-0.1, 1.5])
    def test_dropout_p(self, p: float) -> None:
        q, k, v = self._qkv()
        with pytest.raises(mg.InvalidParameterError, match=f"dropout_p={p}"):
            scaled_dot_product_attention(q, k, v, dropout_p=p)


class TestEmbedding:
    def test_parity_and_repeated_indices_accumulate(self) -> None:
        torch = require_torch()
        w = RNG.standard_normal((7, 3))
        idx = np.array([[1, 3, 1], [6, 1, 0]])
        mw, tw = _pair(w)
        out = embedding(mg.tensor(idx), mw)
        ref = torch.nn.functional.embedding(torch.tensor(idx), tw)
        assert_close(out, ref)
        g = RNG.standard_normal(ref.shape)
        out.backward(mg.tensor(g))
        ref.backward(torch.tensor(g))
        assert_close(mw.grad, tw.grad)
        assert mw.grad is not None
        np.testing.assert_allclose(mw.grad.numpy()[1], g[0, 0] + g[0, 2] + g[1, 1], rtol=1e-14)
        np.testing.assert_array_equal(mw.grad.numpy()[[2, 4, 5]], 0.0)

    @pytest.mark.parametrize("padding_idx", [1, -6])
    def test_padding_row_gets_no_gradient(self, padding_idx: int) -> None:
        torch = require_torch()
        w = RNG.standard_normal((7, 3))
        idx = np.array([[1, 3, 1], [6, 1, 0]])
        mw, tw = _pair(w)
        out = embedding(mg.tensor(idx), mw, padding_idx=padding_idx)
        ref = torch.nn.functional.embedding(torch.tensor(idx), tw, padding_idx=padding_idx)
        assert_close(out, ref)  # the padding row's value is still read (it is not zeroed here)
        g = RNG.standard_normal(ref.shape)
        out.backward(mg.tensor(g))
        ref.backward(torch.tensor(g))
        assert_close(mw.grad, tw.grad)
        assert mw.grad is not None
        np.testing.assert_array_equal(mw.grad.numpy()[1], 0.0)
        np.testing.assert_allclose(mw.grad.numpy()[3], g[0, 1], rtol=1e-14)

    def test_scalar_index_and_int32(self) -> None:
        w = mg.tensor(RNG.standard_normal((4, 3)))
        assert_close(embedding(mg.tensor(2), w), w.numpy()[2])
        assert_close(embedding(np.array([3, 0], dtype=np.int32), w), w.numpy()[[3, 0]])

    def test_out_of_range_index(self) -> None:
        w = mg.randn(4, 3)
        with pytest.raises(mg.DimensionError, match=r"index 4 .*num_embeddings=4"):
            embedding(mg.tensor([0, 4]), w)
        with pytest.raises(IndexError, match=r"index -1 .*num_embeddings=4"):
            embedding(mg.tensor([-1, 2]), w)

    def test_bad_arguments(self) -> None:
        w = mg.randn(4, 3)
        with pytest.raises(RuntimeError, match="float"):  # PyTorch: a RuntimeError
            embedding(mg.tensor([1.0]), w)
        with pytest.raises(mg.ShapeError, match=r"\(4,\)"):
            embedding(mg.tensor([1]), mg.randn(4))
        with pytest.raises(mg.InvalidParameterError, match="padding_idx=4"):
            embedding(mg.tensor([1]), w, padding_idx=4)
        with pytest.raises(mg.InvalidParameterError, match="padding_idx=-5"):
            embedding(mg.tensor([1]), w, padding_idx=-5)


class TestOneHot:
    def test_values_match_torch(self) -> None:
        torch = require_torch()
        idx = np.array([[0, 2], [1, 4]])
        for n in (-1, 5, 7):
            out = one_hot(mg.tensor(idx), n)
            ref = torch.nn.functional.one_hot(torch.tensor(idx), n)
            assert out.dtype == np.int64
            assert not out.requires_grad
            np.testing.assert_array_equal(out.numpy(), ref.numpy())

    def test_scalar_and_empty(self) -> None:
        np.testing.assert_array_equal(one_hot(mg.tensor(2), 3).numpy(), [0, 0, 1])
        assert one_hot(mg.zeros(0, dtype=mg.int64), 3).shape == (0, 3)

    def test_errors(self) -> None:
        with pytest.raises(mg.InvalidParameterError, match=r"\(one_hot: num_classes=2, got 2\)"):
            one_hot(mg.tensor([0, 2]), 2)
        with pytest.raises(mg.InvalidParameterError, match=r"non-negative\. \(one_hot: got -1\)"):
            one_hot(mg.tensor([0, -1]))
        with pytest.raises(mg.InvalidParameterError, match="empty"):
            one_hot(mg.zeros(0, dtype=mg.int64))
        with pytest.raises(RuntimeError, match="int64"):  # PyTorch: a RuntimeError
            one_hot(mg.tensor([0.0, 1.0]))
        with pytest.raises(RuntimeError, match="int64"):  # PyTorch: a RuntimeError
            one_hot(mg.tensor([True, False]))


class TestRowGatherGradient:
    """The embedding gradient (IndexAdd's rows) must equal np.add.at's, one row after another."""

    @pytest.mark.parametrize(
        ("shape", "index"),
        [
            ((5, 3), np.array([4, -1, 0, 4, 2, -5])),  # -1 and 4, -5 and 0 are the same rows
            ((6, 2, 3), np.array([[1, 5, 1], [0, 1, -1]])),
            ((4, 3), np.array([], dtype=np.int64)),
            ((4, 3), np.array(2)),
            ((4, 3), np.array([True, False, True, True])),
        ],
    )
    def test_matches_add_at(self, shape: tuple[int, ...], index: np.ndarray) -> None:
        x = mg.tensor(RNG.standard_normal(shape), requires_grad=True)
        out = x[mg.tensor(index)]
        g = RNG.standard_normal(out.shape)
        out.backward(mg.tensor(g))
        expected = np.zeros(shape)
        rows = np.nonzero(index)[0] if index.dtype == bool else index
        np.add.at(expected, (rows,), g)
        assert x.grad is not None
        np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-14, atol=0)
