"""What the progs11 batch of compat programs (tests/compat/programs: neural ODE, Bayesian regression,
mixture density network, Transformer forecasting, ...) needed: each fix checked against torch on its own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


@pytest.fixture
def pytorch_masks() -> Iterator[None]:
    mg.random.use_pytorch_dropout_masks(True)
    yield
    mg.random.use_pytorch_dropout_masks(False)


def _both(fn: Any) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """fn(lib) under torch and minigrad, each after manual_seed(0)."""
    torch.manual_seed(0)
    want = np.asarray(fn(torch).detach().numpy())
    mg.manual_seed(0)
    got = np.asarray(fn(mg).detach().numpy())
    return want, got


@pytest.mark.parametrize("make", [
    lambda lib: lib.arange(12.0).reshape(3, 4).t(),
    lambda lib: lib.arange(24.0).reshape(2, 3, 4).transpose(0, 1),
    lambda lib: lib.arange(24.0).reshape(2, 3, 4).permute(2, 0, 1),
    lambda lib: lib.arange(24.0).reshape(2, 3, 4)[:, 1:],  # (not dense: drawn in row-major order)
    lambda lib: lib.arange(8.0).reshape(2, 1, 4).transpose(0, 2),
])
@pytest.mark.parametrize("draw", ["rand_like", "randn_like", "dropout"])
def test_like_draws_and_dropout_masks_follow_the_memory_order(make: Any, draw: str,
                                                              pytorch_masks: None) -> None:
    # before: the k-th draw went to the k-th element in row-major order; PyTorch fills a tensor laid out as
    # the input (preserve_format) in memory order, so a transposed input got different values
    def fn(lib: Any) -> Any:
        x = make(lib)
        if draw == "dropout":
            return lib.nn.functional.dropout(x, 0.5)
        return getattr(lib, draw)(x)

    want, got = _both(fn)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("batch_first", [True, False])
def test_transformer_encoder_layer_dropout_matches(batch_first: bool, pytorch_masks: None) -> None:
    # before: a batch-first MultiheadAttention returned a row-major (N, L, E) output and its attention
    # weights were laid out (N, L, H, S), so dropout1 and the attention dropout drew their masks in
    # other orders than PyTorch's (an (L, N, E) block transposed; row-major weights)
    def fn(lib: Any) -> Any:
        lib.manual_seed(0)
        layer = lib.nn.TransformerEncoderLayer(8, 2, 16, 0.3, batch_first=batch_first)
        x = lib.randn(3, 5, 8)
        mask = lib.nn.Transformer.generate_square_subsequent_mask(5 if batch_first else 3)
        lib.manual_seed(1)
        return layer(x, src_mask=mask)

    want, got = _both(fn)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_multihead_attention_dropout_and_output_layout(pytorch_masks: None) -> None:
    def fn(lib: Any) -> Any:
        lib.manual_seed(0)
        mha = lib.nn.MultiheadAttention(8, 2, dropout=0.5, batch_first=True)
        x = lib.randn(2, 5, 8)
        lib.manual_seed(1)
        out, w = mha(x, x, x)
        assert out.stride() == (8, 16, 1)  # PyTorch's: the transpose of an (L, N, E) block
        return lib.nn.functional.dropout(out, 0.5) + w.sum()

    want, got = _both(fn)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_unbatched_multihead_attention_shape() -> None:
    mha = mg.nn.MultiheadAttention(8, 2, batch_first=True)
    out, _ = mha(mg.randn(5, 8), mg.randn(5, 8), mg.randn(5, 8))
    assert out.shape == (5, 8) and out.is_contiguous()


@pytest.mark.parametrize("op", [
    lambda lib, t: lib.nn.functional.softmax(t, -1),
    lambda lib, t: lib.nn.functional.log_softmax(t, -1),
    lambda lib, t: lib.nn.functional.layer_norm(t, (3,)),
    lambda lib, t: lib.nn.functional.interpolate(t.transpose(1, 2).contiguous().unsqueeze(1), size=(5, 6),
                                                 mode="bilinear"),
])
def test_results_row_major_as_pytorchs_so_dropout_draws_alike(op: Any, pytorch_masks: None) -> None:
    # before: these kept a transposed input's layout (interpolate: a channels-last-like one for any input),
    # where PyTorch returns a row-major tensor, so a dropout or randn_like after them drew other values
    def fn(lib: Any) -> Any:
        x = lib.randn(2, 3, 4).transpose(1, 2)
        y = op(lib, x)
        assert y.is_contiguous()
        return lib.nn.functional.dropout(y, 0.5) + lib.randn_like(y)

    want, got = _both(fn)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
