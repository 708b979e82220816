"""Fixes found by running the torch calls of tinygrad's test/backend/test_ops.py and
test_edgecases.py on minigrad.

test_ops' TestOpsUint8.test_interpolate_bilinear resizes a uint8 image: PyTorch does that
in fixed-point integer arithmetic (its result is not the float interpolation rounded), and
minigrad refused non-float input for bilinear (and bicubic, which PyTorch does the same way);
the cases compare the exact uint8 output.
test_edgecases' test_repeat_negative: a negative repeat count gave a tensor (expand read -1
as "keep this size") where PyTorch raises. Running test_ops with float64 inputs (its
constants stay float32): isclose and nll_loss / cross_entropy's class weights of another
dtype computed a promoted result where PyTorch raises. With inputs 20x wider than the
suite's: cumprod of float32 overflowed to inf where PyTorch's CPU scan (in float64) comes
back below float max.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

_CASES = [  # (channels, input H x W, interpolate kwargs)
    (3, (64, 64), {"size": (10, 10)}),  # the suite's case
    (3, (17, 13), {"size": (40, 7)}),
    (4, (5, 9), {"size": (17, 30), "align_corners": True}),
    (5, (17, 13), {"size": (10, 10), "antialias": True}),
    (8, (64, 64), {"size": (3, 100), "antialias": True, "align_corners": True}),
    (3, (17, 13), {"size": (17, 30)}),  # one dim keeps its size: one pass only
    (3, (16, 12), {"scale_factor": 0.37}),
    (2, (9, 11), {"scale_factor": (2.5, 1.7), "align_corners": True}),
    (3, (9, 11), {"scale_factor": 1.7, "recompute_scale_factor": True}),
    (3, (5, 9), {"size": (2, 1), "antialias": True}),
    # (PyTorch's generic uint8 kernel, used above 4 channels, is wrong for an output width of 1: its
    # channels then differ from the same channels resized alone by up to 200, so no such case here)
]


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize(("c", "hw", "kw"), _CASES)
def test_resize_uint8_matches_torch(mode: str, c: int, hw: tuple[int, int], kw: dict[str, Any]) -> None:
    x = np.random.default_rng(c + hw[0]).integers(0, 256, (2, c, *hw)).astype(np.uint8)
    want = torch.nn.functional.interpolate(torch.from_numpy(x), mode=mode, **kw)
    got = mg.nn.functional.interpolate(mg.from_numpy(x), mode=mode, **kw)
    assert got.dtype == np.uint8 and got.shape == tuple(want.shape)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_bilinear_other_int_dtypes_still_raise() -> None:
    """PyTorch implements the integer resize for uint8 only; int32 raises in both."""
    x = np.arange(2 * 3 * 4 * 4, dtype=np.int32).reshape(2, 3, 4, 4)
    with pytest.raises(RuntimeError):
        torch.nn.functional.interpolate(torch.from_numpy(x), size=(2, 2), mode="bilinear")
    with pytest.raises(RuntimeError):
        mg.nn.functional.interpolate(mg.from_numpy(x), size=(2, 2), mode="bilinear")


@pytest.mark.parametrize(("shape", "reps"), [((3,), (-1, 2)), ((3,), (-1,)), ((3,), (0, -2)), ((3,), (-1, 0)),
                                             ((2, 3), (2, -1)), ((3,), (-3, 2, 2))])
def test_repeat_negative_raises_as_torch(shape: tuple[int, ...], reps: tuple[int, ...]) -> None:
    with pytest.raises(RuntimeError) as want:
        torch.zeros(shape).repeat(*reps)
    with pytest.raises(RuntimeError) as got:
        mg.zeros(shape).repeat(*reps)
    assert str(got.value) == str(want.value)


@pytest.mark.parametrize(("shape", "reps"),
                         [((0,), (-1,)), ((0, 2), (-1, 1)), ((3,), (0, 2)), ((2, 3), (2, 1, 3))])
def test_repeat_empty_or_nonnegative_matches_torch(shape: tuple[int, ...], reps: tuple[int, ...]) -> None:
    """A negative count times an empty dim makes no negative size: PyTorch returns an empty tensor."""
    x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    want = torch.from_numpy(x).repeat(*reps)
    got = mg.from_numpy(x).repeat(*reps)
    assert tuple(got.shape) == tuple(want.shape)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


_F64, _F32 = np.ones(3), np.ones(3, dtype=np.float32)


@pytest.mark.parametrize(("a", "b"), [(_F64, _F32), (_F32, _F64), (_F32, np.ones(3, dtype=np.int64)),
                                      (np.ones(3, dtype=np.int32), np.ones(3, dtype=np.int64)),
                                      (_F64, np.float32(1.0))])
def test_isclose_of_two_dtypes_raises_as_torch(a: Any, b: Any) -> None:
    with pytest.raises(RuntimeError) as want:
        torch.isclose(torch.from_numpy(np.asarray(a)), torch.from_numpy(np.asarray(b)))
    with pytest.raises(RuntimeError) as got:
        mg.isclose(mg.from_numpy(np.asarray(a)), mg.from_numpy(np.asarray(b)))
    assert str(got.value) == str(want.value)
    with pytest.raises(RuntimeError):
        mg.allclose(mg.from_numpy(np.asarray(a)), mg.from_numpy(np.asarray(b)))
    same = mg.from_numpy(np.asarray(a))
    assert mg.isclose(same, same).numpy().all() and mg.allclose(same, same)


_LOSSES = [
    ("nll_loss", np.float64, np.float32, {}), ("nll_loss", np.float32, np.float64, {}),
    ("nll_loss", np.float32, np.int64, {}), ("cross_entropy", np.float64, np.float32, {}),
    ("cross_entropy", np.float32, np.float64, {"label_smoothing": 0.1}),
]


@pytest.mark.parametrize(("fn", "xdt", "wdt", "kw"), _LOSSES)
def test_class_weight_of_another_dtype_raises_as_torch(fn: str, xdt: Any, wdt: Any,
                                                       kw: dict[str, Any]) -> None:
    x, t, w = np.zeros((2, 3), dtype=xdt), np.array([0, 1]), np.ones(3, dtype=wdt)
    with pytest.raises(RuntimeError) as want:
        getattr(torch.nn.functional, fn)(*map(torch.from_numpy, (x, t)), weight=torch.from_numpy(w), **kw)
    with pytest.raises(RuntimeError) as got:
        getattr(mg.nn.functional, fn)(*map(mg.from_numpy, (x, t)), weight=mg.from_numpy(w), **kw)
    assert str(got.value) == str(want.value)


def test_probability_targets_still_take_any_weight_dtype() -> None:
    """PyTorch checks the weight's dtype for class indices only; probability targets promote."""
    rng = np.random.default_rng(0)
    x, p, w = rng.normal(size=(4, 3)), rng.dirichlet(np.ones(3), 4), rng.uniform(size=3).astype(np.float32)
    want = torch.nn.functional.cross_entropy(*map(torch.from_numpy, (x, p)), weight=torch.from_numpy(w))
    got = mg.nn.functional.cross_entropy(*map(mg.from_numpy, (x, p)), weight=mg.from_numpy(w))
    assert got.dtype == np.float64
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)


def test_cumprod_multiplies_float32_in_float64_as_torch() -> None:
    """A prefix product past float32's max that later comes back in range stays finite in PyTorch."""
    vals = [np.array([1e30, 1e30, 1e-30, 5.0], dtype=np.float32),
            np.random.default_rng(0).uniform(-40, 40, (5, 30)).astype(np.float32),
            np.array([1.5, 2.0, 3.0, 1e3, 1e-3], dtype=np.float16)]
    for x in vals:
        want = torch.cumprod(torch.from_numpy(x), -1).numpy()
        got = mg.cumprod(mg.from_numpy(x), -1).numpy()
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-6 if x.dtype == np.float32 else 1e-3)
    x = np.random.default_rng(1).uniform(-2, 2, (5, 30)).astype(np.float32)  # (in range: no inf in backward)
    tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
    (gt,), (gm,) = torch.autograd.grad(tx.cumprod(1).sum(), tx), mg.autograd.grad(mx.cumprod(1).sum(), mx)
    assert gm.dtype == np.float32
    np.testing.assert_allclose(gm.numpy(), gt.numpy(), rtol=1e-5)
