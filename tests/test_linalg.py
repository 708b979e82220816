"""minigrad.linalg beyond the op table: results against numpy, the error classes, the norm rules,
determinant and logdet edge cases, and the deprecated torch.cholesky's warning."""

from __future__ import annotations

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import linalg
from minigrad.errors import InvalidParameterError, LinAlgError, ShapeError, UnsupportedError
from tests.helpers import assert_close, require_torch

torch = require_torch()
tl = torch.linalg


def _a(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape)


def test_decompositions_reconstruct_their_input() -> None:
    a = _a(2, 5, 3)
    q, r = linalg.qr(mg.tensor(a))
    np.testing.assert_allclose((q @ r).numpy(), a, atol=1e-12)
    np.testing.assert_allclose((q.mT @ q).numpy(), np.broadcast_to(np.eye(3), (2, 3, 3)), atol=1e-12)
    assert np.allclose(np.tril(r.numpy(), -1), 0)
    u, s, vh = linalg.svd(mg.tensor(a), full_matrices=False)
    np.testing.assert_allclose((u * s.unsqueeze(-2) @ vh).numpy(), a, atol=1e-12)
    assert (np.diff(s.numpy(), axis=-1) <= 0).all()
    sym = a[0] @ a[0].T + np.eye(5)
    w, v = linalg.eigh(mg.tensor(sym))
    np.testing.assert_allclose((v * w.unsqueeze(-2) @ v.mT).numpy(), sym, atol=1e-12)
    low = linalg.cholesky(mg.tensor(sym))
    np.testing.assert_allclose((low @ low.mT).numpy(), sym, atol=1e-12)
    assert_close(linalg.cholesky(mg.tensor(sym), upper=True), tl.cholesky(torch.tensor(sym), upper=True))
    assert_close(linalg.svd(mg.tensor(sym)).S, tl.svd(torch.tensor(sym)).S)  # square: full_matrices is fine


def test_results_are_named_like_torch() -> None:
    a, t = mg.tensor(_a(3, 3)), torch.tensor(_a(3, 3))
    for ours, theirs, fields in ((linalg.qr(a), tl.qr(t), ("Q", "R")),
                                 (linalg.svd(a), tl.svd(t), ("U", "S", "Vh")),
                                 (linalg.eigh(a), tl.eigh(t), ("eigenvalues", "eigenvectors")),
                                 (linalg.slogdet(a), tl.slogdet(t), ("sign", "logabsdet"))):
        assert ours._fields == fields
        assert all(hasattr(theirs, f) for f in fields) and len(theirs) == len(fields)


def test_errors_have_pytorch_classes() -> None:
    singular = mg.tensor([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(RuntimeError, match="inv"):
        linalg.inv(singular)
    with pytest.raises(LinAlgError):
        linalg.solve(singular, mg.ones(2))
    with pytest.raises(LinAlgError):
        linalg.cholesky(mg.tensor([[1.0, 2.0], [2.0, 1.0]]))
    assert issubclass(LinAlgError, RuntimeError) and issubclass(tl.LinAlgError, RuntimeError)
    with pytest.raises(ShapeError, match="square"):
        linalg.det(mg.ones(2, 3))
    with pytest.raises(ShapeError, match="incompatible"):
        linalg.solve(mg.tensor(np.eye(3)), mg.ones(2, 1))
    with pytest.raises(InvalidParameterError, match="floating"):
        linalg.inv(mg.tensor([[1, 0], [0, 1]]))
    with pytest.raises(UnsupportedError, match="full_matrices"):
        linalg.svd(mg.ones(2, 3))
    with pytest.raises(UnsupportedError, match="mode"):
        linalg.qr(mg.ones(2, 2), mode="complete")
    with pytest.raises(InvalidParameterError, match="UPLO"):
        linalg.eigh(mg.tensor(np.eye(2)), UPLO="X")
    wide = mg.tensor(_a(2, 3), requires_grad=True)
    q, r = linalg.qr(wide)
    assert_close(q @ r, wide.numpy())
    with pytest.raises(UnsupportedError, match="m >= n"):
        r.sum().backward()


def test_determinant_edge_cases_match_torch() -> None:
    for m in ([[1.0, 2.0], [2.0, 4.0]], [[0.0, 1.0], [1.0, 0.0]], [[2.0, 0.0], [0.0, 3.0]]):
        ours, theirs = linalg.slogdet(mg.tensor(m)), tl.slogdet(torch.tensor(m))
        assert_close(ours.sign, theirs.sign)
        assert_close(ours.logabsdet, theirs.logabsdet)
        assert_close(mg.logdet(mg.tensor(m)), torch.logdet(torch.tensor(m)))
        assert_close(mg.tensor(m).det(), torch.tensor(m).det())
    x = mg.tensor([[0.0, 1.0], [1.0, 0.0]], requires_grad=True)
    x.logdet().backward()  # nan for a negative determinant, with gradient 0 (PyTorch's where)
    assert x.grad.numpy().tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_solve_broadcasts_and_takes_vectors_like_torch() -> None:
    a, b = _a(2, 3, 3) + 3 * np.eye(3), _a(3, 2, seed=1)
    assert_close(linalg.solve(mg.tensor(a), mg.tensor(b)), tl.solve(torch.tensor(a), torch.tensor(b)))
    v = _a(2, 3, seed=2)
    assert_close(linalg.solve(mg.tensor(a), mg.tensor(v)), tl.solve(torch.tensor(a), torch.tensor(v)))
    a0, v0 = a[0], v[0]
    assert_close(linalg.solve(mg.tensor(a0), mg.tensor(v0)), tl.solve(torch.tensor(a0), torch.tensor(v0)))
    with pytest.raises(ShapeError, match="left=False"):
        linalg.solve(mg.tensor(a), mg.tensor(v), left=False)


@pytest.mark.parametrize(("ord_", "dim"), [(None, None), (2, None), ("fro", None), ("nuc", None),
                                           (math.inf, None), (-1, None), (3, 1), (0, (0,)), (None, (0, 1)),
                                           (-2, (1, 0))])
def test_norm_follows_pytorchs_rules(ord_: object, dim: object) -> None:
    a = _a(3, 4)
    assert_close(linalg.norm(mg.tensor(a), ord_, dim), tl.norm(torch.tensor(a), ord_, dim))
    v = _a(5)
    if not isinstance(ord_, str) and dim in (None, (0,)):
        assert_close(linalg.norm(mg.tensor(v), ord_, dim), tl.norm(torch.tensor(v), ord_, dim))


def test_norm_errors() -> None:
    with pytest.raises(InvalidParameterError, match="1D or 2D"):
        linalg.norm(mg.ones(2, 2, 2), 3)
    with pytest.raises(InvalidParameterError, match="not supported"):
        linalg.matrix_norm(mg.ones(2, 2), 3)
    with pytest.raises(InvalidParameterError, match="2-tuple"):
        linalg.norm(mg.ones(2, 2), "fro", 0)
    with pytest.raises(InvalidParameterError, match="number"):
        linalg.vector_norm(mg.ones(2), "fro")  # type: ignore[arg-type]
    assert_close(linalg.vector_norm(mg.tensor([3, 4]), dtype=mg.float64), np.array(5.0))


def test_deprecated_cholesky_warns_once_like_torch() -> None:
    from minigrad import linalg_functions

    linalg_functions._warned_cholesky = False
    spd = mg.tensor([[2.0, 1.0], [1.0, 2.0]])
    with pytest.warns(UserWarning, match="deprecated"):
        upper = spd.cholesky(True)
    assert_close(upper, tl.cholesky(torch.tensor(spd.numpy())).mT)
    mg.cholesky(spd)  # once per process: no second warning (pytest turns warnings into errors)
