"""Factories (zeros, ones, full, *_like, arange, randn, rand, randint) and seeding."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg


@pytest.mark.parametrize(("make", "fill"), [(mg.zeros, 0.0), (mg.ones, 1.0)])
def test_zeros_and_ones(make: Callable[..., mg.Tensor], fill: float) -> None:
    for args in [(2, 3), ((2, 3),), ([2, 3],)]:
        t = make(*args)
        assert t.shape == (2, 3) and t.dtype == np.float32 and not t.requires_grad
        np.testing.assert_array_equal(t.numpy(), np.full((2, 3), fill))
    assert make(()).shape == ()
    with pytest.raises(TypeError, match="missing 1 required positional"):  # (PyTorch: no 0-d default)
        make()
    assert make(0, 4).shape == (0, 4)
    t = make(3, dtype=mg.float64, requires_grad=True)
    assert t.dtype == np.float64 and t.requires_grad and t.is_leaf
    assert make(2, dtype=mg.int64).dtype == np.int64
    assert make(2, dtype=mg.bool_).dtype == np.bool_
    with pytest.raises(mg.InvalidParameterError, match="negative"):
        make(2, -1)
    with pytest.raises(mg.InvalidParameterError, match="dtype"):
        make(2, dtype="complex64")
    with pytest.raises(mg.InvalidParameterError, match="floating"):
        make(2, dtype=mg.int64, requires_grad=True)
    with pytest.raises(TypeError):
        make(2.5)


def test_full_takes_its_dtype_from_the_value() -> None:
    assert mg.full((2,), 1.5).dtype == np.float32
    assert mg.full((2,), 3).dtype == np.int64
    assert mg.full((2,), True).dtype == np.bool_
    t = mg.full((2, 2), 0.1, dtype=mg.float64, requires_grad=True)
    assert t.dtype == np.float64 and t.requires_grad
    np.testing.assert_array_equal(t.detach().numpy(), np.full((2, 2), 0.1))
    assert mg.full((3,), -2.0).shape == (3,)
    with pytest.raises(TypeError, match="must be tuple of ints, not int"):  # (PyTorch's parser: a tuple only)
        mg.full(3, -2.0)


def test_like_factories_follow_their_argument() -> None:
    src = mg.tensor(np.arange(6.0).reshape(2, 3))  # float64
    for make, fill in ((mg.zeros_like, 0.0), (mg.ones_like, 1.0)):
        t = make(src)
        assert t.shape == (2, 3) and t.dtype == np.float64 and not t.requires_grad
        np.testing.assert_array_equal(t.numpy(), np.full((2, 3), fill))
        assert not np.shares_memory(t.numpy(), src.numpy())
        assert make(src, dtype=mg.float32).dtype == np.float32
        assert make(src, requires_grad=True).requires_grad
    assert mg.zeros_like(mg.tensor([1, 2])).dtype == np.int64


@pytest.mark.parametrize(
    ("args", "kwargs", "expected", "dtype"),
    [
        ((5,), {}, [0, 1, 2, 3, 4], np.int64),
        ((2, 5), {}, [2, 3, 4], np.int64),
        ((5, 0, -2), {}, [5, 3, 1], np.int64),
        ((1, 2, 0.25), {}, [1.0, 1.25, 1.5, 1.75], np.float32),
        ((0.0, 3), {}, [0.0, 1.0, 2.0], np.float32),
        ((0, 1, 0.1), {}, [0.1 * i for i in range(10)], np.float32),
        ((3,), {"dtype": mg.float64}, [0.0, 1.0, 2.0], np.float64),
        ((0, 0), {}, [], np.int64),
    ],
)
def test_arange(args: tuple[Any, ...], kwargs: dict[str, Any], expected: list[float], dtype: type) -> None:
    """Values and dtype as torch.arange: int64 when every argument is an int, else float32."""
    t = mg.arange(*args, **kwargs)
    assert t.dtype == dtype
    np.testing.assert_allclose(t.numpy(), np.array(expected, dtype=dtype), rtol=1e-6)
    assert t.shape == (len(expected),)


def test_arange_errors_and_grad() -> None:
    with pytest.raises(mg.InvalidParameterError, match="step"):
        mg.arange(0, 3, 0)
    with pytest.raises(mg.InvalidParameterError):  # torch: "upper bound and lower bound inconsistent"
        mg.arange(0, -1)
    t = mg.arange(3.0, requires_grad=True)
    assert t.requires_grad and t.dtype == np.float32


@pytest.mark.parametrize(
    ("draw", "dtype"),
    [
        (lambda: mg.randn(3, 4), np.float32),
        (lambda: mg.rand(3, 4), np.float32),
        (lambda: mg.randint(0, 10, (3, 4)), np.int64),
        (lambda: mg.randn((3, 4), dtype=mg.float64), np.float64),
    ],
    ids=["randn", "rand", "randint", "randn-float64"],
)
def test_manual_seed_makes_random_factories_reproducible(draw: Callable[[], mg.Tensor], dtype: type) -> None:
    mg.manual_seed(1234)
    first, second = draw(), draw()
    mg.manual_seed(1234)
    again = draw()
    mg.manual_seed(4321)
    other = draw()
    assert first.shape == (3, 4) and first.dtype == dtype
    np.testing.assert_array_equal(first.numpy(), again.numpy())
    assert not np.array_equal(first.numpy(), second.numpy())  # the stream moves on
    assert not np.array_equal(first.numpy(), other.numpy())


def test_random_distributions() -> None:
    mg.manual_seed(0)
    n = mg.randn(20_000, dtype=mg.float64).numpy()
    assert abs(n.mean()) < 0.03 and abs(n.std() - 1.0) < 0.03
    u = mg.rand(20_000).numpy()
    assert u.min() >= 0.0 and u.max() < 1.0 and abs(u.mean() - 0.5) < 0.02
    r = mg.randint(-3, 4, (20_000,)).numpy()
    assert r.dtype == np.int64 and set(np.unique(r).tolist()) == set(range(-3, 4))
    assert set(np.unique(mg.randint(3, size=(1000,)).numpy()).tolist()) == {0, 1, 2}


def test_random_factories_options_and_errors() -> None:
    t = mg.randn(2, requires_grad=True)
    assert t.requires_grad and t.is_leaf
    assert mg.rand(2, dtype=mg.float64).dtype == np.float64
    assert mg.randint(0, 5, (2,), dtype=mg.float32).dtype == np.float32
    assert mg.randint(0, 5, (3,)).shape == (3,)
    with pytest.raises(TypeError, match="invalid combination"):  # (PyTorch's parser: sizes as a tuple only)
        mg.randint(0, 5, 3)
    with pytest.raises(mg.InvalidParameterError, match="low"):
        mg.randint(5, 5, (2,))
    with pytest.raises(mg.InvalidParameterError):
        mg.randn(2, -3)
    with pytest.raises(mg.InvalidParameterError, match="seed"):
        mg.manual_seed(1.5)  # type: ignore[arg-type]


def test_an_own_generator_is_independent_of_the_global_stream() -> None:
    g1, g2 = mg.Generator(7), mg.Generator(7)
    mg.manual_seed(0)
    a = mg.randn(5, generator=g1)
    mg.randn(100)  # global draws do not move g2
    b = mg.randn(5, generator=g2)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    mg.manual_seed(0)
    c = mg.randn(5)
    # the global stream is PyTorch's: torch.manual_seed(0); torch.randn(5), bit for bit
    want = np.array([1.5409960746765137, -0.293428897857666, -2.1787893772125244, 0.5684312582015991,
                     -1.0845223665237427], dtype=np.float32)
    np.testing.assert_array_equal(c.numpy(), want)


def test_randint_takes_api_and_pytorch_argument_forms() -> None:
    mg.manual_seed(3)
    a = mg.randint(0, 10, (6,))
    mg.manual_seed(3)
    b = mg.randint(10, (6,))  # PyTorch's randint(high, size)
    mg.manual_seed(3)
    c = mg.randint(0, 10, size=(6,))
    mg.manual_seed(3)
    d = mg.randint(0, 10, shape=(6,))
    mg.manual_seed(3)
    e = mg.randint(high=10, size=(6,))  # PyTorch's low defaults to 0 by keyword too
    mg.manual_seed(3)
    f = mg.randint(low=0, high=10, size=(6,))
    assert a.tolist() == b.tolist() == c.tolist() == d.tolist() == e.tolist() == f.tolist()
    assert a.dtype == mg.int64 and all(0 <= v < 10 for v in a.tolist())
    mg.manual_seed(3)
    assert mg.randint_like(mg.zeros(6), high=10).tolist() == a.tolist()


def test_full_takes_fill_value_or_value() -> None:
    assert mg.full((2,), 1.5).tolist() == [1.5, 1.5]
    assert mg.full((2,), value=3).tolist() == [3, 3]
    assert mg.full((2,), value=3).dtype == mg.int64
    with pytest.raises(TypeError):
        mg.full((2,))


def test_legacy_sizes_constructor_as_torch_Tensor() -> None:
    """``torch.Tensor(2, 3)`` makes a (2, 3) tensor of the default dtype; ``Tensor()`` an empty one."""
    assert mg.Tensor(2, 3).shape == (2, 3) and mg.Tensor(2, 3).dtype == mg.get_default_dtype()
    assert mg.Tensor(4, 0, 2, 1).shape == (4, 0, 2, 1)
    assert mg.Tensor().shape == (0,)
    np.testing.assert_array_equal(mg.Tensor(2, 3).numpy(), np.zeros((2, 3)))
    # a dtype in the second place is still a dtype
    assert mg.Tensor([1, 2], mg.float64, True).requires_grad
    with pytest.raises(mg.InvalidParameterError, match="Trying to create tensor with negative dimension -1"):
        mg.Tensor(2, -1)  # (PyTorch's words)
