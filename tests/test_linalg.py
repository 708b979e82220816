"""minigrad.linalg beyond the op table: results against numpy, the error classes, the norm rules,
determinant and logdet edge cases, the modes (qr's complete and r, svd's full_matrices), gradients of
singular values and eigenvalues alone, pinv's tolerances and gradient, PyTorch's NaN rules, and the
deprecated torch.cholesky's warning."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import linalg
from minigrad.errors import InvalidParameterError, LinAlgError, MinigradError, ShapeError
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
        linalg.solve(mg.tensor(np.eye(3), dtype=mg.float32), mg.ones(2, 1))  # (one dtype: checked first)
    with pytest.raises(InvalidParameterError, match="floating"):
        linalg.inv(mg.tensor([[1, 0], [0, 1]]))
    with pytest.raises(NotImplementedError, match=r"not implemented for .Long."):  # (PyTorch's words)
        linalg.eigh(mg.tensor([[1, 0], [0, 1]]))
    for bad, call in ((InvalidParameterError, lambda lib: lib.linalg.eigh(lib.eye(2), "X")),
                      (InvalidParameterError, lambda lib: lib.linalg.qr(lib.ones(2, 2), mode="full")),
                      (InvalidParameterError, lambda lib: lib.linalg.svd(lib.ones(2, 2), driver="gesvd")),
                      (TypeError, lambda lib: lib.linalg.vector_norm(lib.ones(2), "fro"))):
        with pytest.raises(Exception) as theirs:
            call(torch)
        with pytest.raises(bad) as ours:
            call(mg)
        assert isinstance(ours.value, type(theirs.value)), (ours.value, theirs.value)
    assert_close(linalg.eigh(mg.tensor(np.eye(2)), "u").eigenvalues, np.ones(2))  # either case, as PyTorch


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
    with pytest.raises(TypeError, match="number"):
        linalg.vector_norm(mg.ones(2), "fro")  # type: ignore[arg-type]
    assert_close(linalg.vector_norm(mg.tensor([3, 4]), dtype=mg.float64), np.array(5.0))


def test_deprecated_cholesky_warns_once_like_torch() -> None:
    from minigrad import settings

    settings._warned_once.discard("cholesky")
    spd = mg.tensor([[2.0, 1.0], [1.0, 2.0]])
    with pytest.warns(UserWarning, match="deprecated"):
        upper = spd.cholesky(True)
    # float32: LAPACK builds (numpy's OpenBLAS, PyTorch's MKL) may differ in the last bit by CPU
    assert_close(upper, tl.cholesky(torch.tensor(spd.numpy())).mT, rtol=1e-6)
    mg.cholesky(spd)  # once per process: no second warning (pytest turns warnings into errors)


def _grads(lib: object, fn: object, arrays: list[np.ndarray], weights: list[np.ndarray]) -> list[np.ndarray]:
    """The gradients of sum(w_i * out_i) with respect to each input, in float64 (mg or torch)."""
    ins = [lib.tensor(a, requires_grad=True) for a in arrays]  # type: ignore[attr-defined]
    outs = fn(*ins)  # type: ignore[operator]
    outs = outs if isinstance(outs, tuple) else (outs,)
    loss = sum((o * lib.tensor(w)).sum() for o, w in zip(outs, weights, strict=True))  # type: ignore[attr-defined]
    loss.backward()
    return [np.zeros(a.shape) if t.grad is None else t.grad.numpy() for t, a in zip(ins, arrays, strict=True)]


def _same(fn: object, torch_fn: object, *arrays: np.ndarray, seed: int = 0) -> None:
    """fn and torch_fn agree on every output and on the gradients of a random weighting of them."""
    ours = fn(*[mg.tensor(a) for a in arrays])  # type: ignore[operator]
    theirs = torch_fn(*[torch.tensor(a) for a in arrays])  # type: ignore[operator]
    ours, theirs = (ours, theirs) if isinstance(ours, tuple) else ((ours,), (theirs,))
    for o, t in zip(ours, theirs, strict=True):
        assert_close(o, t, atol=1e-10)
    weights = [np.random.default_rng(seed).normal(size=tuple(t.shape)) for t in theirs]
    for g, h in zip(_grads(mg, fn, list(arrays), weights), _grads(torch, torch_fn, list(arrays), weights),
                    strict=True):
        assert_close(g, h, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("shape", [(4, 2), (2, 4), (3, 3), (2, 5, 3), (2, 3, 5)])
def test_qr_modes_and_wide_gradients_match_torch(shape: tuple[int, ...]) -> None:
    a = _a(*shape)
    m, n = shape[-2:]
    _same(lambda x: tuple(linalg.qr(x)), lambda x: tuple(tl.qr(x)), a)  # wide too: PyTorch's m < n formula
    q, r = linalg.qr(mg.tensor(a), mode="complete")
    tq, tr = tl.qr(torch.tensor(a), mode="complete")
    assert_close(q, tq, atol=1e-10)
    assert_close(r, tr, atol=1e-10)
    if m <= n:  # differentiable there, as PyTorch's
        _same(lambda x: tuple(linalg.qr(x, "complete")), lambda x: tuple(tl.qr(x, "complete")), a)
    else:
        x = mg.tensor(a, requires_grad=True)
        with pytest.raises(MinigradError, match="mode='complete'"):
            linalg.qr(x, "complete").R.sum().backward()
    q, r = linalg.qr(mg.tensor(a, requires_grad=True), mode="r")
    assert q.shape == tl.qr(torch.tensor(a), mode="r").Q.shape == (0,)
    assert_close(r, tl.qr(torch.tensor(a), mode="r").R, atol=1e-10)
    with pytest.raises(MinigradError, match="mode='r'"):
        r.sum().backward()


@pytest.mark.parametrize("shape", [(4, 2), (2, 4), (3, 3), (2, 5, 3)])
def test_svd_full_matrices_like_torch(shape: tuple[int, ...]) -> None:
    """Full U and Vh (PyTorch's default); the columns beyond min(m, n) get no gradient, as there."""
    a = _a(*shape)
    k = min(shape[-2:])
    u, s, vh = linalg.svd(mg.tensor(a))
    tu, ts, tvh = tl.svd(torch.tensor(a))
    assert (u.shape, s.shape, vh.shape) == (tu.shape, ts.shape, tvh.shape)
    assert_close(s, ts)
    eye = np.broadcast_to(np.eye(u.shape[-1]), u.shape)
    assert_close(u.mT @ u, eye, atol=1e-12)
    assert_close(vh @ vh.mT, np.broadcast_to(np.eye(vh.shape[-1]), vh.shape), atol=1e-12)

    def loss(lib: object, x: object) -> object:
        """A weighting of all of U, S and Vh, the first k singular pairs' signs fixed (the extra columns'
        gradient is dropped, so their LAPACK-chosen values do not matter)."""
        u, s, vh = lib.linalg.svd(x)  # type: ignore[attr-defined]
        sign = u[..., :1, :k].sign()
        u = lib.cat([u[..., :k] * sign, u[..., k:]], -1)  # type: ignore[attr-defined]
        vh = lib.cat([vh[..., :k, :] * sign.mT, vh[..., k:, :]], -2)  # type: ignore[attr-defined]
        w = np.random.default_rng(1)
        return sum((t * lib.tensor(w.normal(size=tuple(t.shape)))).sum() for t in (u, s, vh))  # type: ignore

    x, t = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    loss(mg, x).backward()  # type: ignore[attr-defined]
    loss(torch, t).backward()  # type: ignore[attr-defined]
    assert_close(x.grad, t.grad, rtol=1e-8, atol=1e-10)


def test_values_alone_are_differentiable_at_repeated_values() -> None:
    """svdvals, eigvalsh and the spectral norms of the identity: U diag(g) Vh, finite, as PyTorch's."""
    eye = np.eye(3)
    _same(linalg.svdvals, tl.svdvals, eye)
    _same(linalg.eigvalsh, tl.eigvalsh, eye + np.diag([0.0, 1.0, 1.0]))
    for ord_ in ("nuc", 2):
        _same(lambda x, o=ord_: linalg.matrix_norm(x, o), lambda x, o=ord_: tl.matrix_norm(x, o), eye)
    # the largest of nothing is 0, a constant; the smallest has no answer (IndexError)
    for ord_, shape in itertools.product((2, -2, math.inf, -math.inf, 1, -1), ((2, 0, 3), (3, 0), (0, 0))):
        x = mg.zeros(*shape, dtype=mg.float64, requires_grad=True)
        t = torch.zeros(*shape, dtype=torch.float64, requires_grad=True)
        try:
            theirs = tl.matrix_norm(t, ord_, keepdim=True)
        except IndexError:
            with pytest.raises(IndexError):
                linalg.matrix_norm(x, ord_)
            continue
        ours = linalg.matrix_norm(x, ord_, keepdim=True)
        assert_close(ours, theirs)
        assert ours.requires_grad == theirs.requires_grad, (ord_, shape)


def test_slogdet_sign_is_an_output_of_the_same_node() -> None:
    a = mg.tensor(_a(3, 3), requires_grad=True)
    sign, logabs = linalg.slogdet(a)
    tsign, tlogabs = tl.slogdet(torch.tensor(_a(3, 3), requires_grad=True))
    assert sign.requires_grad and logabs.requires_grad and tsign.requires_grad and tlogabs.requires_grad
    (sign * 3.0).sum().backward()  # the sign passes no gradient
    assert a.grad is not None and not a.grad.numpy().any()
    nan = linalg.slogdet(mg.tensor([[np.nan, 1.0], [1.0, 2.0]]))
    tnan = tl.slogdet(torch.tensor([[np.nan, 1.0], [1.0, 2.0]]))
    assert nan.sign.item() == tnan.sign.item() == 0.0
    assert np.isnan(nan.logabsdet.item()) and np.isnan(tnan.logabsdet.item())


@pytest.mark.parametrize("kwargs", [{}, {"atol": 0.0}, {"atol": 0.9}, {"rtol": 0.3},
                                    {"atol": 0.2, "rtol": 0.4}, {"hermitian": True},
                                    {"hermitian": True, "atol": 0.9}])
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (3, 2), (2, 3)])
def test_pinv_tolerances_and_gradient_like_torch(kwargs: dict[str, object], shape: tuple[int, ...]) -> None:
    """The cutoff max(atol, rtol * s_max) with PyTorch's defaults, and its gradient formula (which also
    holds where singular values are cut, and reads all of A even with hermitian=True)."""
    if kwargs.get("hermitian") and shape[-1] != shape[-2]:
        return
    a = _a(*shape, seed=3) * np.array([1.0, 0.3, 2.0, 0.1][: shape[-1]])  # some singular values below 0.9
    _same(lambda x: linalg.pinv(x, **kwargs), lambda x: tl.pinv(x, **kwargs), a)  # type: ignore[arg-type]


def test_pinv_edges_like_torch() -> None:
    a = np.stack([np.diag([1.0, 3.0])] * 2)
    for tol in ({"atol": (0.5, 2.0)}, {"rtol": (0.5, 0.2)}):  # tensor tolerances, one per matrix
        (name, value), = tol.items()
        ours = linalg.pinv(mg.tensor(a), **{name: mg.tensor(value)})  # type: ignore[arg-type]
        assert_close(ours, tl.pinv(torch.tensor(a), **{name: torch.tensor(value)}))
    assert_close(mg.pinverse(mg.tensor(a), 0.5), torch.pinverse(torch.tensor(a), 0.5))
    tiny = np.diag([1.0, 1e-17])  # cut by the default rtol, kept by rtol = 0: atol=0 keeps the default
    for kwargs in ({}, {"atol": 0.0}, {"atol": 0.0, "rtol": 0.0}):
        assert_close(linalg.pinv(mg.tensor(tiny), **kwargs), tl.pinv(torch.tensor(tiny), **kwargs))  # type: ignore
    for shape in ((3, 0), (0, 2, 2)):  # empty: no square check even for hermitian, as PyTorch's
        ours = linalg.pinv(mg.zeros(*shape, dtype=mg.float64), hermitian=True)
        assert ours.shape == tl.pinv(torch.zeros(*shape, dtype=torch.float64), hermitian=True).shape


def test_nan_rules_of_pytorch() -> None:
    """A matrix holding NaN: its inverse and its solutions are all NaN (LAPACK's pivoting may leave some
    entries finite; PyTorch's LU spreads the NaN)."""
    a = np.array([[np.nan, 1.0], [1.0, 2.0]])
    b = np.array([[1.0, 1.0], [np.nan, 1.0]])
    for x, y in ((a, np.ones((2, 2))), (np.eye(2) * 2 + [[0, 1], [1, 0]], b), (np.stack([a, np.eye(2)]), b)):
        ours = linalg.solve(mg.tensor(x), mg.tensor(y)).numpy()
        theirs = tl.solve(torch.tensor(x), torch.tensor(y)).numpy()
        np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    assert np.isnan(linalg.inv(mg.tensor(a)).numpy()).all()
    for bad in (np.nan, np.inf):  # PyTorch refuses NaN; LAPACK's gesdd would never return on inf
        with pytest.raises(LinAlgError, match="non-finite"):
            linalg.svdvals(mg.tensor([[bad, 1.0], [0.0, 1.0]]))


def test_det_at_a_singular_matrix_twice_differentiable_like_torch() -> None:
    """The adjugate from the SVD and its own derivative: PyTorch's answers with create_graph=True."""
    s = np.array([[[1.0, 2.0], [2.0, 4.0]], [[0.0, 0.0], [3.0, 1.0]], [[2.0, 1.0], [1.0, 3.0]]])
    x, t = mg.tensor(s, requires_grad=True), torch.tensor(s, requires_grad=True)
    (g,) = mg.grad(linalg.det(x).sum(), x, create_graph=True)
    (tg,) = torch.autograd.grad(tl.det(t).sum(), t, create_graph=True)
    assert_close(g, tg)
    w = np.array([[0.3, -1.2], [0.7, 2.0]]) * np.array([1.0, -0.5, 2.0])[:, None, None]
    (gg,) = mg.grad((g * mg.tensor(w)).sum(), x)
    assert_close(gg, torch.autograd.grad((tg * torch.tensor(w)).sum(), t)[0])
