"""Calls from an audit of the binding API (shared/API.md) against PyTorch that minigrad answered
differently: each is compared with PyTorch's answer here."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


@pytest.mark.parametrize("args", [(3,), (3.0,), (0, 5, 2), (1, 4), (True,)])
def test_arange_takes_0d_tensors_as_numbers(args: tuple[Any, ...]) -> None:
    # arange(n) with n a 0-d tensor (x.size-like values kept as tensors, t.max()) works in PyTorch
    want = torch.arange(*(torch.tensor(a) for a in args))
    got = mg.arange(*(mg.tensor(a) for a in args))
    assert str(got.dtype) == str(want.dtype).removeprefix("torch.")
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_arange_still_refuses_a_1d_tensor() -> None:
    with pytest.raises(TypeError):
        torch.arange(torch.tensor([3]))
    with pytest.raises(TypeError):
        mg.arange(mg.tensor([3]))


@pytest.mark.parametrize("case", ["numpy-bool-scalar", "bool-pow-int", "int-pow-bool",
                                  "bool-pow-true", "add-bool"])
def test_bool_operands_pytorch_accepts_still_work(case: str) -> None:
    calls = {
        "numpy-bool-scalar": lambda lib: lib.tensor([1.0, 2.0]) - np.bool_(True),
        "bool-pow-int": lambda lib: lib.tensor([True, False]) ** 2,
        "int-pow-bool": lambda lib: 2 ** lib.tensor([True, False]),
        "bool-pow-true": lambda lib: lib.tensor([True, False]) ** True,
        "add-bool": lambda lib: lib.tensor([True, False]) + lib.tensor([True, True]),
    }
    want, got = calls[case](torch), calls[case](mg)
    assert str(got.dtype) == str(want.dtype).removeprefix("torch.")
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_normalization_with_matching_dtypes_still_runs_and_16_bit_inputs_take_float32_weights() -> None:
    x = mg.ones(2, 3, dtype=mg.float64)
    assert mg.nn.BatchNorm1d(3).double()(x).dtype == np.float64
    assert mg.nn.LayerNorm(3, dtype=mg.float64)(x).dtype == np.float64
    assert mg.nn.functional.batch_norm(x, None, None, training=True).dtype == np.float64  # no buffers
    half = mg.nn.functional.layer_norm(mg.ones(2, 3, dtype=mg.float16), (3,), mg.ones(3), mg.zeros(3))
    assert half.shape == (2, 3)  # (PyTorch allows float32 weights with a half input)


@pytest.mark.parametrize("dtype", ["float32", "float16", "float64"])
def test_cumsum_adds_in_double_precision_as_pytorch(dtype: str) -> None:
    # PyTorch's CPU scan accumulates float32 in float64 (and float16 in float32): over 1000 float32 values
    # a float32 running sum drifted 1.6e-5 from it, past torch.testing.assert_close's default tolerance
    rng = np.random.default_rng(0)
    a = (rng.standard_normal((3, 1000)) * 3).astype(dtype)
    g = np.linspace(-3.0, 3.0, 3000).reshape(3, 1000).astype(dtype)
    for dim in (0, 1):
        t = torch.tensor(a, requires_grad=True)
        t.cumsum(dim).backward(torch.tensor(g))
        m = mg.tensor(a, dtype=dtype, requires_grad=True)
        out = m.cumsum(dim)
        out.backward(mg.tensor(g, dtype=dtype))
        assert out.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(out.detach().numpy(), t.detach().cumsum(dim).numpy())
        np.testing.assert_array_equal(m.grad.numpy(), t.grad.numpy())


@pytest.mark.parametrize("case", ["abs", "l1_loss", "norm-p1"])
def test_a_gradient_through_abs_stays_differentiable(case: str) -> None:
    # create_graph=True: PyTorch's abs gradient is grad * sgn(x), in the graph, so a penalty on it
    # backpropagates (zeros); minigrad's was a constant and the second backward raised
    def run(lib: Any) -> tuple[bool, np.ndarray]:
        x = lib.tensor([0.5, -1.0, 0.0], requires_grad=True)
        y = {"abs": lambda: x.abs().sum(), "l1_loss": lambda: lib.nn.functional.l1_loss(x, lib.zeros(3)),
             "norm-p1": lambda: x.norm(p=1)}[case]()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (g * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
        return g.requires_grad, (lib.zeros(3) + x.grad).detach().numpy()  # (PyTorch may hold a ZeroTensor)
    (want_rg, want), (got_rg, got) = run(torch), run(mg)
    assert got_rg == want_rg
    np.testing.assert_array_equal(got, want)
