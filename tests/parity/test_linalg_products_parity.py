"""torch.cross's and chain_matmul's deprecation warnings and values, and matrix_power's zero gradient at
n = 0, against PyTorch (the surface table covers the rest of these products)."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg

torch = pytest.importorskip("torch")
torch.set_num_threads(1)

_RNG = np.random.default_rng(0)


def test_cross_without_dim_warns_and_uses_the_first_dim_of_size_3(warn_always: None) -> None:
    _cross_without_dim_warns_and_uses_the_first_dim_of_size_3()


def _cross_without_dim_warns_and_uses_the_first_dim_of_size_3() -> None:
    a, b = _RNG.standard_normal((4, 3, 3)), _RNG.standard_normal((1, 3, 3))
    with pytest.warns(UserWarning, match="without specifying the dim"):
        want = torch.cross(torch.tensor(a), torch.tensor(b))
    with pytest.warns(UserWarning, match="without specifying the dim"):
        got = mg.cross(mg.tensor(a), mg.tensor(b))
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)


def test_chain_matmul_warns_and_matches(warn_always: None) -> None:
    _chain_matmul_warns_and_matches()


def _chain_matmul_warns_and_matches() -> None:
    mats = [_RNG.standard_normal(s) for s in ((2, 3), (3, 4), (4, 1))]
    tm = [torch.tensor(m, requires_grad=True) for m in mats]
    mm = [mg.tensor(m, requires_grad=True) for m in mats]
    with pytest.warns(UserWarning, match="chain_matmul is deprecated"):
        want = torch.chain_matmul(*tm)
    with pytest.warns(UserWarning, match="chain_matmul is deprecated"):
        got = mg.chain_matmul(*mm)
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-12)
    want.sum().backward()
    got.sum().backward()
    for t, m in zip(tm, mm):
        np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), rtol=1e-12)
    with pytest.warns(UserWarning):
        one = mg.chain_matmul(mm[0])
    assert one is not mm[0] and np.array_equal(one.detach().numpy(), mats[0])


def test_matrix_power_zero_is_the_identity_with_a_zero_gradient() -> None:
    a = _RNG.standard_normal((2, 3, 3))
    t, m = torch.tensor(a, requires_grad=True), mg.tensor(a, requires_grad=True)
    want, got = torch.linalg.matrix_power(t, 0), mg.linalg.matrix_power(m, 0)
    assert got.requires_grad == want.requires_grad
    np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
    want.sum().backward()
    got.sum().backward()
    np.testing.assert_array_equal(m.grad.numpy(), t.grad.numpy())


def test_integer_matrix_power_stays_integer() -> None:
    a = np.array([[1, 2], [3, 4]])
    got = mg.linalg.matrix_power(mg.tensor(a), 5)
    want = torch.linalg.matrix_power(torch.tensor(a), 5)
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
    np.testing.assert_array_equal(got.numpy(), want.numpy())
