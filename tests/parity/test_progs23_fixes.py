"""Differences the progs23 compat programs and probes found, compared with PyTorch itself.

scatter_reduce and index_reduce are composed in minigrad (a reshape or a where
ends the graph); their grad_fn must still carry PyTorch's name.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_grad_fn_name_and_grads(reduce: str, include_self: bool) -> None:
    def run(lib: Any) -> tuple[list[str], Any, Any]:
        a = lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        s = lib.tensor([[1.5, 1.0, 1.0], [1.0, 1.0, 0.5]], requires_grad=True)
        index = lib.tensor([[0, 0, 1], [2, 2, 2]])
        b = s.scatter_reduce(1, index, a, reduce, include_self=include_self)
        c = s.clone().scatter_reduce_(1, index, a, reduce, include_self=include_self)
        d = lib.scatter_reduce(lib.ones(3), 0, index[0], a[0], reduce)
        e = s.scatter_reduce(1, index[:, :0], a[:, :0], reduce)  # nothing scattered: still the op's node
        b.pow(2).sum().backward()
        names = [t.grad_fn.name() for t in (b, c, d, e)]
        return names, a.grad.numpy(), s.grad.numpy()

    (mn, ma, ms), (tn, ta, ts) = run(mg), run(torch)
    assert mn == tn == ["ScatterReduceBackward0"] * 4
    np.testing.assert_allclose(ma, ta, rtol=1e-6)
    np.testing.assert_allclose(ms, ts, rtol=1e-6)


@pytest.mark.filterwarnings("ignore:index_reduce\\(\\) is in beta")
@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
def test_index_reduce_grad_fn_name(reduce: str) -> None:
    def run(lib: Any) -> tuple[str, str, Any]:
        a = lib.ones(3, 2, requires_grad=True)
        src = lib.arange(4.0).view(2, 2).requires_grad_()
        out = a.index_reduce(0, lib.tensor([0, 0]), src, reduce)
        inplace = a.clone().index_reduce_(0, lib.tensor([0, 2]), src, reduce, include_self=False)
        return out.grad_fn.name(), inplace.grad_fn.name(), out.detach().numpy()

    (m1, m2, mv), (t1, t2, tv) = run(mg), run(torch)
    assert (m1, m2) == (t1, t2) == ("IndexReduceBackward0", "IndexReduceBackward0")
    np.testing.assert_allclose(mv, tv, rtol=1e-6)


@pytest.mark.parametrize("call", [
    lambda lib, x: x.std(), lambda lib, x: x.var(0), lambda lib, x: lib.std(x, dim=0),
    lambda lib, x: lib.var(x), lambda lib, x: x.var(dim=0, unbiased=True), lambda lib, x: lib.std_mean(x),
    lambda lib, x: lib.var_mean(x, 0, correction=1),
])
def test_degrees_of_freedom_warning_names_the_callers_line_and_function(call: Any) -> None:
    # minigrad's decorators and torch.* wrappers add frames: a fixed stacklevel named a minigrad file
    def run(lib: Any) -> tuple[str, int, str]:
        x = lib.tensor([1.0])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call(lib, x)
        assert len(caught) == 1 and "degrees of freedom is <= 0" in str(caught[0].message)
        return caught[0].filename, caught[0].lineno, str(caught[0].message).split(":")[0]  # (std_mean():)

    mine, theirs = run(mg), run(torch)
    assert mine == theirs and mine[0] == __file__
