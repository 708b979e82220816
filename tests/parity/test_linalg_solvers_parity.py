"""linalg.solve_triangular, linalg.lstsq, linalg.matrix_exp and cholesky_solve against torch in float64:
values and the gradients to every input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import InvalidParameterError, ShapeError
from tests.helpers import assert_close, require_torch

torch = require_torch()
torch.set_num_threads(1)

rng = np.random.default_rng(0)
TRI = rng.normal(size=(2, 4, 4)) + 4 * np.eye(4)
RHS = rng.normal(size=(2, 4, 3))
TALL = rng.normal(size=(2, 6, 3))
TALL_B = rng.normal(size=(2, 6, 2))
SPD_L = np.linalg.cholesky(TRI @ TRI.transpose(0, 2, 1))


def _compare(fn: Callable[[Any, list[Any]], Any], arrays: list[np.ndarray], rtol: float = 1e-10) -> None:
    res = []
    for lib in (mg, torch):
        xs = [lib.tensor(a, requires_grad=True) for a in arrays]
        out = fn(lib, xs)
        outs = out if isinstance(out, tuple) else (out,)
        w = [lib.tensor(np.cos(np.arange(o.numel())).reshape(tuple(o.shape))) for o in outs]
        sum((o * wi).sum() for o, wi in zip(outs, w)).backward()
        res.append([*(np.array(o.detach().numpy()) for o in outs), *(np.array(x.grad.numpy()) for x in xs)])
    for got, want in zip(*res):
        assert_close(got, want, rtol=rtol, atol=1e-10)


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("unitriangular", [False, True])
def test_solve_triangular_matches_torch(upper: bool, left: bool, unitriangular: bool) -> None:
    b = RHS if left else RHS.transpose(0, 2, 1)
    _compare(lambda lib, xs: lib.linalg.solve_triangular(xs[0], xs[1], upper=upper, left=left,
                                                          unitriangular=unitriangular), [TRI, b])


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_solve_matches_torch(upper: bool) -> None:
    factor = SPD_L.transpose(0, 2, 1) if upper else SPD_L
    _compare(lambda lib, xs: lib.cholesky_solve(xs[1], xs[0], upper=upper), [factor, RHS])


@pytest.mark.parametrize("driver", [None, "gelsd", "gelss", "gelsy"])
def test_lstsq_matches_torch(driver: str | None) -> None:
    def run(lib: Any, xs: list[Any]) -> Any:
        r = lib.linalg.lstsq(xs[0], xs[1], driver=driver)
        assert [int(v) for v in r.rank.flatten().tolist()] == [3, 3]
        sv = tuple(r.singular_values.shape)
        assert sv == ((2, 3) if driver in ("gelsd", "gelss") else (0,))
        return (r.solution, r.residuals) if driver in ("gelsd", "gelss") else r.solution

    _compare(run, [TALL, TALL_B])
    _compare(lambda lib, xs: lib.linalg.lstsq(xs[0], xs[1]).solution, [TALL[0], TALL_B[0, :, 0]])


@pytest.mark.parametrize("scale", [0.1, 1.0, 6.0])
def test_matrix_exp_matches_torch(scale: float) -> None:
    _compare(lambda lib, xs: lib.linalg.matrix_exp(xs[0]), [rng.normal(size=(2, 3, 3)) * scale], rtol=1e-9)


def test_errors() -> None:
    with pytest.raises(ShapeError, match="at least 2 dimensions"):
        mg.linalg.solve_triangular(mg.eye(2), mg.ones(2), upper=True)
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        torch.linalg.solve_triangular(torch.eye(2), torch.ones(2), upper=True)
    with pytest.raises(InvalidParameterError, match="driver"):
        mg.linalg.lstsq(mg.ones(3, 2), mg.ones(3, 1), driver="nope")
    with pytest.raises(ShapeError):
        mg.linalg.matrix_exp(mg.ones(2, 3))


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_inverse_matches_torch(upper: bool) -> None:
    factor = SPD_L.transpose(0, 2, 1) if upper else SPD_L
    _compare(lambda lib, xs: lib.cholesky_inverse(xs[0], upper=upper), [factor])
    _compare(lambda lib, xs: xs[0][0].cholesky_inverse(upper), [factor])


def test_cholesky_inverse_errors() -> None:
    with pytest.raises(ShapeError, match="at least 2 dimensions"):
        mg.cholesky_inverse(mg.ones(3))
    with pytest.raises(ShapeError, match="2 by 3"):
        mg.cholesky_inverse(mg.ones(2, 3))
    with pytest.raises(NotImplementedError):
        mg.cholesky_inverse(mg.ones(2, 2, dtype=mg.int64))


def _norm_product(a: Any, p: Any) -> Any:
    return torch.linalg.matrix_norm(a, p) * torch.linalg.matrix_norm(torch.linalg.inv(a), p)


@pytest.mark.parametrize("p", [None, 2, -2, "fro", "nuc", np.inf, -np.inf, 1, -1])
def test_cond_matches_torch(p: Any) -> None:
    def run(lib: Any, xs: list[Any]) -> Any:
        if lib is torch and p not in (None, 2, -2, "nuc"):
            # torch.linalg.cond's own backward fails here (its in-place masked_fill_ of the inverse);
            # its forward is this product, checked against ours below
            assert torch.allclose(torch.linalg.cond(xs[0], p), _norm_product(xs[0], p), rtol=1e-12)
            return _norm_product(xs[0], p)
        return lib.linalg.cond(xs[0], p)

    _compare(run, [TRI])
    if p in (None, 2, -2):  # any shape
        _compare(lambda lib, xs: lib.linalg.cond(xs[0], p), [TALL])


@pytest.mark.parametrize("p", ["fro", np.inf, -np.inf, 1, -1])
def test_cond_of_a_singular_matrix_is_inf(p: Any) -> None:
    batch = np.stack([np.array([[1.0, 2.0], [2.0, 4.0]]), np.array([[2.0, -1.0], [0.5, 3.0]])])
    got = mg.linalg.cond(mg.tensor(batch), p).numpy()
    want = torch.linalg.cond(torch.tensor(batch), p).numpy()
    assert got[0] == np.inf == want[0]
    assert_close(got[1:], want[1:], rtol=1e-12)
    assert mg.linalg.cond(mg.zeros(3, 0, 0), p).tolist() == [0.0, 0.0, 0.0]


def test_cond_errors() -> None:
    with pytest.raises(ShapeError, match="at least 2 dimensions"):
        mg.linalg.cond(mg.ones(3))
    with pytest.raises(ShapeError, match="square"):
        mg.linalg.cond(mg.ones(2, 3), "fro")
    for bad in ("abc", 3):
        with pytest.raises(InvalidParameterError, match="invalid norm type"):
            mg.linalg.cond(mg.ones(2, 2), bad)
