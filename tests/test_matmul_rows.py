"""Regression: a batched (..., m, n) @ (n, p) runs as one 2-D product; values and gradients unchanged."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad import _kernels
from tests.helpers import assert_close, require_torch

RNG = np.random.default_rng(77)


@pytest.mark.parametrize(
    ("a_shape", "b_shape", "permute"),
    [((2, 3, 4, 5), (5, 6), None), ((3, 4, 5), (5,), None), ((4, 3, 5), (5, 2), (1, 0, 2))],
)
def test_batched_times_matrix_matches_torch(
    a_shape: tuple[int, ...], b_shape: tuple[int, ...], permute: tuple[int, ...] | None
) -> None:
    torch = require_torch()
    a, b = RNG.standard_normal(a_shape), RNG.standard_normal(b_shape)
    ma, mb = mg.tensor(a, requires_grad=True), mg.tensor(b, requires_grad=True)
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    # a permuted (non-contiguous) left operand takes the same path
    out = (ma.permute(*permute) if permute else ma) @ mb
    ref = (ta.permute(*permute) if permute else ta) @ tb
    assert_close(out, ref)
    g = RNG.standard_normal(tuple(ref.shape))
    out.backward(mg.tensor(g))
    ref.backward(torch.tensor(g))
    assert_close(ma.grad, ta.grad)
    assert_close(mb.grad, tb.grad)


def test_second_derivative() -> None:
    a = mg.tensor(RNG.standard_normal((2, 2, 3)), requires_grad=True)
    b = mg.tensor(RNG.standard_normal((3, 2)), requires_grad=True)
    assert mg.gradgradcheck(lambda x, y: (x @ y).tanh(), (a, b))


def test_batched_transposed_operands_are_copied_for_blas_and_match_torch() -> None:
    """q @ k.transpose(-2, -1), attention's product: numpy would run its own loop on column-stored
    matrices in a batch, so gemm_ready copies them (2-D transposes BLAS takes as they are); the
    values and gradients are PyTorch's either way."""
    from minigrad import _kernels

    torch = require_torch()
    x = RNG.standard_normal((2, 5, 12))
    q4 = x.reshape(2, 5, 3, 4).transpose(0, 2, 1, 3)
    assert _kernels.gemm_ready(q4.swapaxes(-1, -2)).flags.c_contiguous  # batched, by columns: copied
    assert _kernels.gemm_ready(q4) is q4  # rows contiguous: BLAS takes it
    w = RNG.standard_normal((4, 6))
    assert _kernels.gemm_ready(w.T).base is w  # 2-D by columns: BLAS takes it, no copy
    mx, tx = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    outs = []
    for lib, t in ((mg, mx), (torch, tx)):
        q = t.reshape(2, 5, 3, 4).transpose(1, 2)
        scores = q @ q.transpose(-2, -1)
        out = lib.softmax(scores, -1) @ q
        (out * out).sum().backward()
        outs.append(out)
    assert_close(outs[0], outs[1], rtol=1e-10, atol=1e-12)
    assert_close(mx.grad, tx.grad, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shape", [(4, 8), (8, 4, 32, 32), (3, 40, 7), (2, 1), (8, 4, 64, 64), (50, 33),
                                   (40, 47)])  # (rows of 33-64 are folded in halves first)
def test_row_max_is_numpys_max(shape: tuple[int, ...]) -> None:
    from minigrad import _kernels

    a = RNG.standard_normal(shape).astype(np.float32)
    a.reshape(-1)[::13] = np.nan
    for dim in range(-len(shape), len(shape)):
        np.testing.assert_array_equal(_kernels.row_max(a, dim), np.max(a, axis=dim, keepdims=True))


def test_an_inner_dim_of_one_is_the_broadcast_product_in_every_layout() -> None:
    # a depthwise convolution's input gradient is a batch of (9, 1) @ (1, 784) products, where numpy's
    # batched matmul loops without BLAS (8 ms); each entry is one product, so the broadcast product is exact
    rng = np.random.default_rng(3)
    a = rng.standard_normal((32, 9, 1)).astype(np.float32)
    b = rng.standard_normal((8, 32, 1, 784)).astype(np.float32)
    assert np.array_equal(_kernels.matmul(a, b), np.matmul(a, b))
    assert np.array_equal(_kernels.matmul(a[0], b[0, 0]), np.matmul(a[0], b[0, 0]))
    torch = require_torch()
    depthwise = mg.nn.Conv2d(4, 4, 3, padding=1, groups=4)
    x = rng.standard_normal((2, 4, 7, 7)).astype(np.float32)
    t_conv = torch.nn.Conv2d(4, 4, 3, padding=1, groups=4)
    with torch.no_grad():
        t_conv.weight.copy_(torch.tensor(depthwise.weight.detach().numpy()))
        t_conv.bias.copy_(torch.tensor(depthwise.bias.detach().numpy()))
    mx, tx = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    depthwise(mx).square().sum().backward()
    t_conv(tx).square().sum().backward()
    assert mx.grad is not None and tx.grad is not None
    np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-5)
    # the weight's gradient: one einsum over the batch (few_rows_left_grad), not N one-row GEMMs
    assert depthwise.weight.grad is not None and t_conv.weight.grad is not None
    np.testing.assert_allclose(depthwise.weight.grad.numpy(), t_conv.weight.grad.numpy(), rtol=1e-5,
                               atol=1e-5)


@pytest.mark.parametrize(("x_shape", "w_shape"), [((32, 1, 9), (8, 32, 9, 50)), ((1, 3, 2, 5), (4, 3, 5, 7)),
                                                  ((3, 4, 5), (3, 5, 6))])
def test_few_rows_left_grad_is_the_batch_sum_of_the_products(x_shape: tuple[int, ...],
                                                             w_shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    d = rng.standard_normal((*np.broadcast_shapes(x_shape[:-2], w_shape[:-2]), x_shape[-2], w_shape[-1]))
    full = d @ w.swapaxes(-1, -2)
    lead = full.ndim - len(x_shape)
    expected = full.sum(tuple(range(lead)))
    expected = expected.sum(tuple(i for i, n in enumerate(x_shape[:-2]) if n == 1), keepdims=True)
    assert _kernels.few_rows(x, w, d) == (x_shape[:-2] != d.shape[:-2])
    if _kernels.few_rows(x, w, d):
        got = _kernels.few_rows_left_grad(d, w, x_shape)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("m", "k", "n"), [(1, 128, 128), (8, 784, 256), (32, 256, 1024), (64, 512, 512),
                                           (65, 256, 256), (16, 64, 256), (16, 256, 10)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_small_batch_times_transposed_weight_is_the_plain_product(m: int, k: int, n: int,
                                                                  dtype: type) -> None:
    """A Linear on a few rows (x @ w.T, computed as (w @ x.T).T where that is faster): the plain product's
    values, row-major as it is, and the same through F.linear with gradients."""
    x, w = RNG.standard_normal((m, k)).astype(dtype), RNG.standard_normal((n, k)).astype(dtype)
    out = _kernels.mm(x, w.T)
    ref = x @ w.T
    assert out.shape == ref.shape and out.dtype == ref.dtype and out.flags.c_contiguous
    tol = {"rtol": 1e-5, "atol": 1e-4} if dtype == np.float32 else {"rtol": 1e-10, "atol": 1e-10}
    np.testing.assert_allclose(out, ref, **tol)
    torch = require_torch()
    b = RNG.standard_normal(n).astype(dtype)
    mx, mw, mb = (mg.tensor(v, requires_grad=True) for v in (x, w, b))
    tx, tw, tb = (torch.tensor(v, requires_grad=True) for v in (x, w, b))
    y, ty = mg.nn.functional.linear(mx, mw, mb), torch.nn.functional.linear(tx, tw, tb)
    assert y.is_contiguous()
    assert_close(y, ty, **tol)
    g = RNG.standard_normal((m, n)).astype(dtype)
    y.backward(mg.tensor(g))
    ty.backward(torch.tensor(g))
    for a, t in ((mx, tx), (mw, tw), (mb, tb)):
        assert_close(a.grad, t.grad, **tol)
