"""What the progs12 batch of compat programs (tests/compat/programs: spiking network, quantization-aware
training, ...) needed: each fix checked against torch on its own."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _fq_cases(lib: Any) -> list[Any]:
    """Fake-quantize calls on seeded values with exact ties (x / scale = k + 0.5), out-of-range values,
    float64 input and each qparams form."""
    x = lib.cat([lib.randn(200) * 3, lib.tensor([-0.05, 0.05, 0.15, 0.25, -0.25, 1.26, 100.0, -100.0])])
    w = lib.randn(5, 7) * 2
    return [
        (x, lambda t: lib.fake_quantize_per_tensor_affine(t, 0.1, 3, 0, 15)),
        (x, lambda t: lib.fake_quantize_per_tensor_affine(t, 0.037, -4, -128, 127)),
        (x, lambda t: lib.fake_quantize_per_tensor_affine(t, lib.tensor([0.1]),
                                                          lib.tensor([3], dtype=lib.int32), 0, 255)),
        (x.double(), lambda t: lib.fake_quantize_per_tensor_affine(t, 0.1, 3, -20, 20)),
        (w, lambda t: lib.fake_quantize_per_channel_affine(t, lib.tensor([0.1, 0.2, 0.05, 0.3, 0.7]),
                                                           lib.tensor([0, 1, -2, 3, 0], dtype=lib.int32),
                                                           0, -8, 7)),
        (w, lambda t: lib.fake_quantize_per_channel_affine(t, lib.linspace(0.05, 0.5, 7),
                                                           lib.linspace(-2.5, 2.5, 7), 1, -8, 7)),
    ]


@pytest.mark.parametrize("case", range(6))
def test_fake_quantize_values_and_straight_through_gradient(case: int) -> None:
    """Missing before progs12 (qat_fake_quant.py): torch.fake_quantize_per_tensor_affine and
    per_channel_affine, the values rounded as PyTorch's float32 kernel and the gradient masked outside
    the range (the cachemask rule)."""
    results = []
    for lib in (torch, mg):
        lib.manual_seed(0)
        x, f = _fq_cases(lib)[case]
        x = x.detach().requires_grad_(True)
        y = f(x)
        y.backward(lib.arange(float(x.numel()), dtype=x.dtype).reshape(x.shape))
        results.append((y.detach().numpy(), x.grad.numpy(), y.dtype == x.dtype, y.grad_fn.name()))
    (want, want_g, want_dt, want_name), (got, got_g, got_dt, got_name) = results
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got_g, want_g)
    assert got_dt and want_dt
    assert got_name == want_name


@pytest.mark.parametrize("call", [
    lambda lib, x: lib.fake_quantize_per_tensor_affine(x, 0.1, 20, 0, 15),
    lambda lib, x: lib.fake_quantize_per_tensor_affine(x, 0.1, 3, 15, 0),
    lambda lib, x: lib.fake_quantize_per_channel_affine(x, lib.tensor([0.1, 0.2]),
                                                        lib.tensor([0, 0], dtype=lib.int32), 0, 0, 15),
    lambda lib, x: lib.fake_quantize_per_channel_affine(x, lib.tensor([0.1, 0.2, 0.3]),
                                                        lib.tensor([0, 0, 0]), 0, 0, 15),
])
def test_fake_quantize_errors_are_runtime_errors(call: Any) -> None:
    with pytest.raises(RuntimeError):
        call(torch, torch.zeros(3, 2))
    with pytest.raises(RuntimeError):
        call(mg, mg.zeros(3, 2))


def test_fake_quantize_type_errors() -> None:
    for lib in (torch, mg):
        with pytest.raises(TypeError):
            lib.fake_quantize_per_tensor_affine(lib.zeros(3), 0.1, 3.0, 0, 15)
        with pytest.raises(TypeError):
            lib.fake_quantize_per_tensor_affine(lib.zeros(3), 0.1, 3, 0, 15.0)


@pytest.mark.parametrize("call", [
    lambda lib, x: lib.histogramdd(x, bins=[3, 4]),
    lambda lib, x: lib.histogramdd(x, bins=3, range=[-1.0, 1.0, -2.0, 2.0], weight=x[:, 0].abs(),
                                   density=True),
    lambda lib, x: lib.histogramdd(x, bins=[lib.tensor([-1.0, 0.0, 1.0]), lib.tensor([-2.0, 0.0, 0.5, 2.0])]),
    lambda lib, x: lib.histogramdd(x.view(5, 10, 2).double(), bins=2),
])
def test_histogramdd(call: Any) -> None:
    """Missing before progs12 (found probing the APIs the programs' neighbours use): torch.histogramdd's
    counts, densities and edges."""
    torch.manual_seed(0)
    points = torch.randn(50, 2)
    want, got = call(torch, points), call(mg, mg.tensor(points.numpy()))
    np.testing.assert_allclose(got.hist.numpy(), want.hist.numpy(), rtol=1e-6)
    assert str(want.hist.dtype) == f"torch.{got.hist.dtype}"
    assert len(got.bin_edges) == len(want.bin_edges)
    for g, w in zip(got.bin_edges, want.bin_edges):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-6)



def _half_linear(lib: Any, x3d: bool) -> list[np.ndarray[Any, Any]]:
    lib.manual_seed(0)
    lin = lib.nn.Linear(16, 8).half()
    x = (lib.randn(2, 32, 16) if x3d else lib.randn(64, 16)).half().requires_grad_(True)
    y = lin(x)
    y.backward(lib.randn(y.shape).half())
    return [t.detach().numpy() for t in (y, x.grad, lin.weight.grad, lin.bias.grad)]


@pytest.mark.parametrize("x3d", [False, True])
def test_half_linear_rounds_once_and_sums_bias_grad_in_float32(x3d: bool) -> None:
    """Found probing half-precision inference (progs12): PyTorch's half addmm adds the bias to the float32
    product and rounds once (minigrad rounded the product, then the sum: 1901 of 6400 outputs one ulp off),
    and its half sums accumulate in float32 (minigrad's bias gradient summed in half)."""
    for want, got in zip(_half_linear(torch, x3d), _half_linear(mg, x3d)):
        assert got.dtype == want.dtype == np.float16
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("reduce", [
    lambda x: x.sum(0), lambda x: x.sum(), lambda x: x.sum((0, 1), keepdim=True), lambda x: x.mean(1),
    lambda x: x.mean(), lambda x: x.logsumexp(0),
])
def test_half_sum_and_mean_accumulate_in_float32(reduce: Any) -> None:
    torch.manual_seed(0)
    data = (torch.randn(300, 8) * 3).numpy()
    want = reduce(torch.tensor(data).half())
    got = reduce(mg.tensor(data).half())
    assert str(want.dtype) == f"torch.{got.dtype}"
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_histogram_edges_are_pytorchs_float32_linspace() -> None:
    # (progs15) the edges were numpy's float64 linspace cast to float32 (-0.6666666865 where PyTorch's
    # float32 linspace gives -0.6666666269); each point is counted in the bin of those edges
    grid = torch.linspace(-2, 2, 4)
    x = torch.cat([grid, torch.tensor([-1.3, 0.5, 2.9, -0.7, 1.0999999])])
    cases: list[dict[str, Any]] = [
        {"bins": 3}, {"bins": 3, "range": (-2.0, 2.0)}, {"bins": 7, "range": (-1.3, 2.9)},
        {"bins": 5, "weight": torch.linspace(0, 1, 9)}, {"bins": 2, "range": (1.0, 1.0)}]
    for kw in cases:
        want = torch.histogram(x, **kw)
        ours = {k: mg.tensor(v.numpy()) if isinstance(v, torch.Tensor) else v for k, v in kw.items()}
        got = mg.histogram(mg.tensor(x.numpy()), **ours)
        assert got.bin_edges.numpy().tobytes() == want.bin_edges.numpy().tobytes(), kw
        np.testing.assert_array_equal(got.hist.numpy(), want.hist.numpy())
    assert mg.histogram(mg.tensor([]), bins=2).bin_edges.tolist() == [0.0, 0.5, 1.0]
    pts = torch.stack([x, x.flip(0)], 1)
    want_dd = torch.histogramdd(pts, bins=[3, 2], range=[-2.0, 2.0, -2.0, 2.0])
    got_dd = mg.histogramdd(mg.tensor(pts.numpy()), bins=[3, 2], range=[-2.0, 2.0, -2.0, 2.0])
    np.testing.assert_array_equal(got_dd.hist.numpy(), want_dd.hist.numpy())
    for g, w in zip(got_dd.bin_edges, want_dd.bin_edges):
        assert g.numpy().tobytes() == w.numpy().tobytes()
