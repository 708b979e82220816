"""Differences found while writing progs26's compat programs, each compared with PyTorch on its own."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


@pytest.mark.parametrize("sizes", [(4,), (-1, 3, 4), (2, 3), (5, 6), (3, -2), (2, -1, 5), (-1, 2, 5)])
def test_expand_names_the_dim_pytorch_names(sizes: tuple[int, ...]) -> None:
    """expand checks from the last dim, so PyTorch's message names the last misfit ((3, 4) to (2, 3): dim 1,
    sizes 3 and 4); minigrad named the first (dim 0, sizes 2 and 3). Too few sizes and a leading -1 have
    PyTorch's own words."""
    data = torch.randn(3, 4)
    with pytest.raises(RuntimeError) as want:
        data.expand(*sizes)
    with pytest.raises(RuntimeError) as got:
        mg.tensor(data.numpy()).expand(*sizes)
    assert str(got.value).startswith(str(want.value)), (str(got.value), str(want.value))


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool", "uint8"])
@pytest.mark.parametrize("dim", [1, 0, -1])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_of_an_integer_tensor_is_pytorchs_error(name: str, dim: int, dtype: str) -> None:
    """PyTorch's (log_)softmax kernels are float only: an integer or bool input raises NotImplementedError
    (naming the last-dim kernel or the general one); minigrad promoted it to float32 and answered."""
    data = torch.tensor([[1, 2], [3, 4]]).to(getattr(torch, dtype))
    with pytest.raises(NotImplementedError) as want:
        getattr(torch.nn.functional, name)(data, dim)
    with pytest.raises(NotImplementedError) as got:
        getattr(mg.nn.functional, name)(mg.tensor(data.numpy()), dim)
    assert str(got.value) == str(want.value)
    with pytest.raises(NotImplementedError):
        getattr(mg.tensor(data.numpy()), name)(dim)
    # a dtype= casts first, as PyTorch's
    want_t = getattr(torch.nn.functional, name)(data, dim, dtype=torch.float64)
    got_t = getattr(mg.nn.functional, name)(mg.tensor(data.numpy()), dim, dtype=mg.float64)
    np.testing.assert_allclose(got_t.numpy(), want_t.numpy(), rtol=1e-12)
    assert str(got_t.dtype) == str(want_t.dtype).removeprefix("torch.")
