"""Differences from PyTorch 2.13 found by ops35: float16 ops that PyTorch's CPU kernels compute in float32 and
round once (norms overflowed, softplus gave inf, layer/group norm gave 0), and numpy's axis=/keepdims= names
that PyTorch's argument parser takes for dim=/keepdim= (the array API test suite calls linalg norms so)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = pytest.importorskip("torch")


def _half(seed: int, shape: tuple[int, ...], scale: float) -> np.ndarray:
    return (np.random.RandomState(seed).standard_normal(shape) * scale).astype(np.float16)


def _bits_as_torch(fn: Callable[[Any, list[Any]], Any], *arrays: np.ndarray) -> None:
    """fn(torch, tensors) and fn(minigrad, tensors) give the same dtype, shape and bits."""
    require_torch()
    want = fn(torch, [torch.from_numpy(a.copy()) for a in arrays]).detach().numpy()
    got = fn(mg, [mg.from_numpy(a.copy()) for a in arrays]).detach().numpy()
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)


HALF_NORMS: dict[str, Callable[[Any, list[Any]], Any]] = {
    "norm": lambda lib, t: t[0].norm(),
    "norm_dim": lambda lib, t: t[0].norm(dim=1),
    "vector_norm_3": lambda lib, t: lib.linalg.vector_norm(t[0], 3),
    "matrix_norm": lambda lib, t: lib.linalg.matrix_norm(t[0]),
    "dist": lambda lib, t: lib.dist(t[0], t[1]),
    "normalize": lambda lib, t: lib.nn.functional.normalize(t[0], dim=1),
    "pairwise_distance": lambda lib, t: lib.nn.functional.pairwise_distance(t[0], t[1]),
    "cosine_similarity": lambda lib, t: lib.nn.functional.cosine_similarity(t[0], t[1]),
}


@pytest.mark.parametrize("name", sorted(HALF_NORMS))
def test_half_norms_accumulate_in_float(name: str) -> None:
    # values of a few hundred: their squares' sum passes half's 65504 (minigrad gave inf, or 0 after a divide)
    _bits_as_torch(HALF_NORMS[name], _half(0, (4, 6), 200.0), _half(1, (4, 6), 200.0))


def test_half_norm_gradient() -> None:
    require_torch()
    grads = []
    for lib in (torch, mg):
        x = lib.tensor([300.0, 400.0, 0.5], dtype=lib.float16, requires_grad=True)
        x.norm().backward()
        grads.append(x.grad.numpy())
    assert grads[1].dtype == np.float16
    np.testing.assert_array_equal(grads[1], grads[0])


HALF_NORMALIZATIONS: dict[str, Callable[[Any, list[Any]], Any]] = {
    "layer_norm": lambda lib, t: lib.nn.functional.layer_norm(t[0], (6,)),
    "layer_norm_affine": lambda lib, t: lib.nn.functional.layer_norm(t[0], (6,), t[1][0], t[1][1]),
    "group_norm": lambda lib, t: lib.nn.functional.group_norm(t[0].reshape(2, 4, 3), 2),
    "group_norm_affine": lambda lib, t: lib.nn.functional.group_norm(t[0].reshape(2, 6, 2), 3, *t[1][:2]),
}


@pytest.mark.parametrize("name", sorted(HALF_NORMALIZATIONS))
def test_half_normalizations_compute_in_float(name: str) -> None:
    # x * x of a few hundred overflows half: minigrad's standardized values came out 0
    _bits_as_torch(HALF_NORMALIZATIONS[name], _half(2, (4, 6), 300.0), _half(3, (4, 6), 1.0))


def test_half_layer_norm_keeps_dtype_and_grad_fn() -> None:
    x = mg.from_numpy(_half(4, (3, 5), 1.0)).requires_grad_()
    y = mg.nn.functional.layer_norm(x, (5,))
    assert y.dtype == mg.float16 and type(y.grad_fn).__name__ == "NativeLayerNormBackward0"
    y.sum().backward()
    assert x.grad is not None and x.grad.dtype == mg.float16


HALF_POINTWISE: dict[str, Callable[[Any, list[Any]], Any]] = {
    "softplus": lambda lib, t: lib.nn.functional.softplus(t[0]),  # exp(x) past 11 overflows half: inf
    "mish": lambda lib, t: lib.nn.functional.mish(t[0]),
    "addcmul": lambda lib, t: lib.addcmul(t[0], t[0], t[1], value=0.1),  # t0 * t1 overflows half
    "lerp_number": lambda lib, t: lib.lerp(t[0], t[1], 0.3),  # 0.3 is not rounded to half's 0.2998
    "lerp_tensor": lambda lib, t: lib.lerp(t[0], t[1], lib.full_like(t[0], 0.7)),
    "hardswish": lambda lib, t: lib.nn.functional.hardswish(t[0]),
    "silu": lambda lib, t: lib.nn.functional.silu(t[0]),
}


@pytest.mark.parametrize("name", sorted(HALF_POINTWISE))
def test_half_pointwise_rounds_once(name: str) -> None:
    _bits_as_torch(HALF_POINTWISE[name], _half(5, (8, 16), 20.0), _half(6, (8, 16), 300.0))


def test_half_lerp_gradients() -> None:
    require_torch()
    out = []
    for lib in (torch, mg):
        a = lib.tensor([1.0, 2.0], dtype=lib.float16, requires_grad=True)
        b = lib.tensor([3.0, 5.0], dtype=lib.float16, requires_grad=True)
        lib.lerp(a, b, 0.3).sum().backward()
        out.append((a.grad.numpy(), b.grad.numpy()))
    for ours, theirs in zip(out[1], out[0], strict=True):
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs)


AXIS_CALLS: dict[str, Callable[[Any, Any], Any]] = {
    "vector_norm": lambda lib, t: lib.linalg.vector_norm(t, ord=1, axis=(0, 2), keepdims=True),
    "matrix_norm": lambda lib, t: lib.linalg.matrix_norm(t, axis=(0, 1), keepdims=True),
    "linalg_norm": lambda lib, t: lib.linalg.norm(t, axis=1, keepdims=True),
    "frobenius_norm": lambda lib, t: lib.frobenius_norm(t, axis=(1, 2), keepdims=True),
    "trapezoid": lambda lib, t: lib.trapezoid(t, axis=1),
    "trapz": lambda lib, t: lib.trapz(t, axis=0),
    "cumulative_trapezoid": lambda lib, t: lib.cumulative_trapezoid(t, axis=2),
    "gradient": lambda lib, t: lib.gradient(t, axis=1)[0],
    "slice_copy": lambda lib, t: lib.slice_copy(t, axis=1, start=1),
    "squeeze_": lambda lib, t: t.clone()[:, :1].squeeze_(axis=1),
    "unsqueeze_": lambda lib, t: t.clone().unsqueeze_(axis=0),
    "stride": lambda lib, t: lib.tensor(t.stride(axis=1)),
}


@pytest.mark.parametrize("name", sorted(AXIS_CALLS))
def test_numpy_dim_names(name: str) -> None:
    # PyTorch's argument parser takes axis= for dim= and keepdims= for keepdim= (minigrad: TypeError)
    require_torch()
    a = np.random.RandomState(7).standard_normal((2, 3, 4)).astype(np.float32)
    with warnings.catch_warnings():  # (frobenius_norm's deprecation warning, PyTorch's and minigrad's)
        warnings.simplefilter("ignore")
        want = AXIS_CALLS[name](torch, torch.from_numpy(a.copy())).numpy()
        got = AXIS_CALLS[name](mg, mg.from_numpy(a.copy())).numpy()
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8", "bool", "float32"])
@pytest.mark.parametrize("fn", ["median", "nanmedian"])
def test_median_of_nothing(fn: str, dtype: str) -> None:
    # PyTorch fills the result with NaN cast to the dtype (C's cast: the lowest int32 / int64, 0 for the
    # narrower ints, True), reaching no kernel (so no bool error); minigrad raised for integers and bools
    require_torch()
    want = getattr(torch.tensor([], dtype=getattr(torch, dtype)), fn)()
    got = getattr(mg.tensor([], dtype=getattr(mg, dtype)), fn)()
    assert str(got.dtype).rsplit(".", 1)[-1] == str(want.dtype).rsplit(".", 1)[-1]
    np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("shape, dim", [((0,), 0), ((3, 0), 1), ((2, 0), 0), ((2, 3), 1), ((), 0), ((), -1)])
@pytest.mark.parametrize("fn", ["median", "nanmedian"])
def test_bool_median_over_a_dim(fn: str, shape: tuple[int, ...], dim: int) -> None:
    # an empty reduction dim is PyTorch's IndexError before the bool kernel's NotImplementedError
    require_torch()
    caught = []
    for lib in (torch, mg):
        with pytest.raises(Exception) as info:
            getattr(lib.zeros(shape, dtype=lib.bool), fn)(dim)
        caught.append(info.value)
    theirs, ours = caught
    assert isinstance(ours, type(theirs)), (theirs, ours)
    assert str(ours).startswith(str(theirs)), (str(theirs), str(ours))


@pytest.mark.parametrize("dim", [0, -1])
@pytest.mark.parametrize("fn", ["median", "nanmedian"])
def test_median_of_a_scalar_over_its_dim(fn: str, dim: int) -> None:
    # a 0-d tensor's dim 0 (OpInfo's sample): the value and index 0, as PyTorch (not an IndexError)
    require_torch()
    want = getattr(torch.tensor(2.5), fn)(dim, keepdim=True)
    got = getattr(mg.tensor(2.5), fn)(dim, keepdim=True)
    assert got.values.item() == want.values.item() and got.indices.item() == want.indices.item()
    assert got.values.shape == want.values.shape


HALF_RESAMPLING: dict[str, Callable[[Any, list[Any]], Any]] = {
    "rms_norm": lambda lib, t: lib.nn.functional.rms_norm(t[0], (6,)),  # eps=None: float32's epsilon
    "rms_norm_weight": lambda lib, t: lib.nn.functional.rms_norm(t[0], (6,), t[1][0], eps=0.5),
    "bilinear": lambda lib, t: lib.nn.functional.interpolate(t[0].reshape(1, 2, 3, 4), size=(5, 7),
                                                             mode="bilinear"),
    "bicubic": lambda lib, t: lib.nn.functional.interpolate(t[0].reshape(1, 2, 3, 4), scale_factor=1.7,
                                                            mode="bicubic", align_corners=True),
    "adaptive_avg_pool2d": lambda lib, t: lib.nn.functional.adaptive_avg_pool2d(t[0].reshape(1, 2, 3, 4),
                                                                                (2, 3)),
}


@pytest.mark.parametrize("name", sorted(HALF_RESAMPLING))
def test_half_rms_norm_and_resampling_in_float(name: str) -> None:
    # rms_norm's mean of squares overflowed half (0 out); the resampling weights and sums rounded in half
    _bits_as_torch(HALF_RESAMPLING[name], _half(8, (4, 6), 300.0), _half(9, (4, 6), 1.0))
