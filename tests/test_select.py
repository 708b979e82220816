"""``_kernels.select``: np.where's values bit for bit, by integer bit operations (where, LeakyReLU, masks)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg
from minigrad._kernels import select

SHAPES = hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=4)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@given(shapes=SHAPES, data=st.data())
def test_select_is_np_where_bit_for_bit(dtype: str, shapes: hnp.BroadcastableShapes,
                                        data: st.DataObject) -> None:
    cond_shape, a_shape, b_shape = shapes.input_shapes
    floats = st.floats(width=np.dtype(dtype).itemsize * 8, allow_nan=True, allow_infinity=True)
    a = data.draw(hnp.arrays(dtype, a_shape, elements=floats))
    b = data.draw(hnp.arrays(dtype, b_shape, elements=floats))
    cond = data.draw(hnp.arrays(np.bool_, cond_shape))
    bits = {2: np.uint16, 4: np.uint32, 8: np.uint64}[np.dtype(dtype).itemsize]
    full = np.broadcast_shapes(cond.shape, a.shape, b.shape)

    def big(v: np.ndarray) -> np.ndarray:
        return np.stack([np.broadcast_to(v, full)] * 2049)

    # as drawn (small: np.where itself), and 2049 times over (the bit operations; a 0-d b stays 0-d)
    for c, x, y in ((cond, a, b), (big(cond), big(a), b if b.ndim == 0 else big(b))):
        got, want = select(c, x, y), np.where(c, x, y)
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_array_equal(got.view(bits), want.view(bits))  # (-0.0, nan payloads included)


@pytest.mark.parametrize("zero", [0.0, -0.0])
def test_select_with_a_zero_keeps_its_sign(zero: float) -> None:
    a = np.linspace(-1, 1, 5000).astype(np.float32)
    got = select(a > 0, a, np.array(zero, np.float32))
    assert np.array_equal(np.signbit(got), np.where(a > 0, np.signbit(a), np.signbit(zero)))
    x = mg.tensor(a)
    assert not np.signbit(mg.where(x > 0, x, 0.0).numpy()).any()  # PyTorch's 0.0, not -x * 0


def test_select_falls_back_for_mixed_or_integer_dtypes() -> None:
    cond = np.array([True, False, True])
    np.testing.assert_array_equal(select(cond, np.arange(3), np.full(3, -1)), [0, -1, 2])
    mixed = select(cond, np.ones(3, np.float32), np.zeros(3))
    assert mixed.dtype == np.float64 and mixed.tolist() == [1, 0, 1]


def test_leaky_relu_and_where_keep_their_values() -> None:
    x = mg.tensor([-2.0, -0.0, 0.0, 3.0, float("inf"), float("-inf"), float("nan")], requires_grad=True)
    y = mg.nn.functional.leaky_relu(x, 0.1)
    y.backward(mg.ones(7))
    want = np.array([-0.2, -0.0, 0.0, 3.0, np.inf, -np.inf, np.nan], np.float32)
    np.testing.assert_array_equal(y.detach().numpy(), want)
    np.testing.assert_array_equal(np.signbit(y.detach().numpy()), np.signbit(want))
    np.testing.assert_array_equal(x.grad.numpy(), np.array([0.1, 0.1, 0.1, 1, 1, 0.1, 0.1], np.float32))
    w = mg.where(x.detach() > 0, x.detach(), mg.tensor(7.0))
    np.testing.assert_array_equal(w.numpy(), [7, 7, 7, 3, np.inf, 7, 7])
