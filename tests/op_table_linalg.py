"""Op-table rows for ``minigrad.linalg``: inverse, determinants, solve, Cholesky, QR, SVD, eigh, pinv and
the norms.

Imported by ``tests/op_table.py`` (``OP_TABLE += LINALG_OPS``), so each row gets the table's gradcheck,
gradgradcheck, float32 and PyTorch-parity tests on hypothesis-drawn batch and matrix sizes. The domains
keep the matrices where the functions are smooth: well conditioned for inverses and solves, positive
definite for Cholesky, distinct singular values and eigenvalues (and gauge-fixed signs of the singular
vectors and eigenvectors, which are only defined up to sign) for SVD and eigh. Cholesky and eigh read one
triangle of a symmetric matrix, so their rows differentiate f(a + a^T), as PyTorch's own tests do.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from hypothesis import strategies as st

import minigrad as mg
from tests.op_table import Domain, OpSpec, Sample, Shape, _torch, distinct, per_input, real

# ------------------------------------------------------------------ domains


def _orthogonal(rng: np.random.Generator, batch: Shape, n: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.standard_normal((*batch, n, n)))
    return q * np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :]


def _spaced(rng: np.random.Generator, batch: Shape, k: int, low: float) -> np.ndarray:
    """k values per batch, at least 0.5 apart, all above ``low``, in random order."""
    steps = np.cumsum(rng.uniform(0.5, 1.0, (*batch, k)), axis=-1) + low
    return rng.permuted(steps, axis=-1)


def conditioned(rng: np.random.Generator, shapes: Sequence[Shape]) -> list[np.ndarray]:
    """Square matrices with singular values in [0.5, ~1.5 n]: well conditioned, either sign of det."""
    out = []
    for s in shapes:
        *batch, n, _ = s
        u, v = _orthogonal(rng, tuple(batch), n), _orthogonal(rng, tuple(batch), n)
        out.append(u @ (_spaced(rng, tuple(batch), n, 0.0)[..., None] * v))
    return out


def spd_half(rng: np.random.Generator, shapes: Sequence[Shape]) -> list[np.ndarray]:
    """Half of a symmetric positive-definite matrix (the row symmetrizes: a + a^T)."""
    return [m / 2 for m in _symmetric(rng, shapes, low=0.0)]


def _symmetric(rng: np.random.Generator, shapes: Sequence[Shape], low: float) -> list[np.ndarray]:
    out = []
    for s in shapes:
        *batch, n, _ = s
        q = _orthogonal(rng, tuple(batch), n)
        out.append((q * _spaced(rng, tuple(batch), n, low)[..., None, :]) @ np.swapaxes(q, -1, -2))
    return out


def symmetric_half(rng: np.random.Generator, shapes: Sequence[Shape]) -> list[np.ndarray]:
    """Half of a symmetric matrix with eigenvalues of both signs, at least 0.5 apart."""
    return [m / 2 for m in _symmetric(rng, shapes, low=-2.0)]


def invertible_symmetric_half(rng: np.random.Generator, shapes: Sequence[Shape]) -> list[np.ndarray]:
    """Half of a symmetric matrix whose eigenvalues have either sign and |eigenvalue| >= 0.5: a well
    conditioned pseudo-inverse (hermitian pinv reads |eigenvalues|)."""
    out = []
    for m in _symmetric(rng, shapes, low=0.5):
        w, q = np.linalg.eigh(m)
        signed = w * rng.choice([-1.0, 1.0], size=w.shape)
        out.append((q * signed[..., None, :]) @ np.swapaxes(q, -1, -2) / 2)
    return out


def separated(rng: np.random.Generator, shapes: Sequence[Shape]) -> list[np.ndarray]:
    """m x n matrices with distinct singular values >= 0.5 (so the SVD's gradient is finite and smooth)."""
    out = []
    for s in shapes:
        *batch, m, n = s
        k = min(m, n)
        u = _orthogonal(rng, tuple(batch), m)[..., :k]
        v = _orthogonal(rng, tuple(batch), n)[..., :k]
        sv = _spaced(rng, tuple(batch), k, 0.0)
        out.append((u * sv[..., None, :]) @ np.swapaxes(v, -1, -2))
    return out


# ------------------------------------------------------------------ samples


def _batch() -> st.SearchStrategy[Shape]:
    return st.lists(st.integers(1, 2), max_size=2).map(tuple)


@st.composite
def _square(draw: st.DrawFn, rhs: str = "") -> Sample:
    batch, n = draw(_batch()), draw(st.integers(1, 4))
    shapes: list[Shape] = [(*batch, n, n)]
    if rhs.startswith("matrix"):
        # B's batch may broadcast against A's (not for left=False, where a B of A's shape minus a dim
        # would be a batch of vectors, which PyTorch refuses there)
        b_batch = draw(st.sampled_from([batch, batch[1:], (1, *batch[1:])])) if batch and rhs == "matrix" \
            else batch
        shapes.append((*b_batch, n, draw(st.integers(1, 3))))
    elif rhs == "vector":
        shapes.append((*batch, n))
    return Sample(shapes)


@st.composite
def _rectangular(draw: st.DrawFn, wide: bool = False) -> Sample:
    batch, m, n = draw(_batch()), draw(st.integers(1, 4)), draw(st.integers(1, 4))
    if wide and m > n:
        m, n = n, m
    return Sample([(*batch, m, n)])


@st.composite
def _matrix_norm(draw: st.DrawFn) -> Sample:
    shape = (*draw(_batch()), draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    nd = len(shape)
    pairs = [(nd - 2, nd - 1), (-1, -2), (0, nd - 1)] if nd > 2 else [(-2, -1), (1, 0)]
    d0, d1 = draw(st.sampled_from(pairs))
    return Sample([shape], {"ord": draw(st.sampled_from(["fro", "nuc", 2, -2, 1, -1, math.inf, -math.inf])),
                            "dim": (d0, d1), "keepdim": draw(st.booleans())})


@st.composite
def _vector_norm(draw: st.DrawFn) -> Sample:
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=3)))
    n = len(shape)
    dim = draw(st.sampled_from([None, -1, tuple(range(n))] + ([(0, n - 1)] if n > 1 else [])))
    return Sample([shape], {"ord": draw(st.sampled_from([2, 1, 3, 0.5, math.inf, -math.inf])), "dim": dim,
                            "keepdim": draw(st.booleans())})


@st.composite
def _norm(draw: st.DrawFn) -> Sample:
    """linalg.norm's vector cases: an int or 1-tuple dim, or no dim on a 1-D input."""
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=3)))
    dim = draw(st.sampled_from([-1, (0,)] + ([None] if len(shape) == 1 else [])))
    return Sample([shape], {"ord": draw(st.sampled_from([None, 2, 1, 3, math.inf])), "dim": dim,
                            "keepdim": draw(st.booleans())})


# ------------------------------------------------------------------ gauge-fixed results


def _lib(name: str) -> Any:
    return mg if name == "mg" else _torch()  # torch imported when called: the table loads without it


def _svd(lib: str, full_matrices: bool = False) -> Any:
    def call(a: Any) -> Any:
        u, s, vh = _lib(lib).linalg.svd(a, full_matrices=full_matrices)
        k = s.shape[-1]  # (a full U's and Vh's columns beyond k are arbitrary, and get no gradient)
        sign = u[..., :1, :k].sign()  # each singular pair's sign, chosen so U's first row is >= 0
        return u[..., :k] * sign, s, vh[..., :k, :] * sign.mT

    return call


def _eigh(lib: str, uplo: str = "L") -> Any:
    def call(a: Any) -> Any:
        w, q = _lib(lib).linalg.eigh(a + a.mT, uplo)
        return w, q * q[..., :1, :].sign()

    return call


def _deprecated(fn: Any) -> Any:
    """``fn`` with its once-per-process deprecation warning silenced (tested in tests/test_linalg.py)."""

    def call(*args: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return fn(*args)

    return call


def _linalg(name: str, **kwargs: Any) -> tuple[Any, Any]:
    return (lambda *xs, **k: getattr(mg.linalg, name)(*xs, **kwargs, **k),
            lambda *xs, **k: getattr(_torch().linalg, name)(*xs, **kwargs, **k))


def _row(name: str, sample: st.SearchStrategy[Sample], domain: Domain, mg_fn: Any, torch_fn: Any,
         covers: tuple[str, ...] = (), **extra: Any) -> OpSpec:
    return OpSpec(name, mg_fn, torch_fn, sample, domain, covers=covers, float32_rtol=2e-4, float32_atol=2e-4,
                  **extra)


LINALG_OPS: list[OpSpec] = [
    _row("linalg.inv", _square(), conditioned, *_linalg("inv")),
    _row("Tensor.inverse", _square(), conditioned, lambda a: a.inverse(), lambda a: a.inverse(),
         covers=("inverse", "mg.inverse")),
    _row("linalg.det", _square(), conditioned, *_linalg("det"), covers=("det", "mg.det")),
    _row("linalg.slogdet", _square(), conditioned, lambda a: mg.linalg.slogdet(a).logabsdet,
         lambda a: _torch().linalg.slogdet(a).logabsdet, covers=("slogdet", "mg.slogdet")),
    _row("Tensor.logdet", _square(), spd_half, lambda a: (a + a.mT).logdet(), lambda a: (a + a.mT).logdet(),
         covers=("logdet", "mg.logdet")),
    _row("linalg.solve", _square("matrix"), per_input(conditioned, real), *_linalg("solve")),
    _row("linalg.solve_vector", _square("vector"), per_input(conditioned, real), *_linalg("solve")),
    _row("linalg.solve_right", _square("matrix_same"), per_input(conditioned, real),
         lambda a, b: mg.linalg.solve(a, b.mT, left=False),
         lambda a, b: _torch().linalg.solve(a, b.mT, left=False)),
    _row("linalg.cholesky", _square(), spd_half, lambda a: mg.linalg.cholesky(a + a.mT),
         lambda a: _torch().linalg.cholesky(a + a.mT)),
    _row("Tensor.cholesky_upper", _square(), spd_half, _deprecated(lambda a: (a + a.mT).cholesky(True)),
         lambda a: _torch().linalg.cholesky(a + a.mT).mT, covers=("cholesky", "mg.cholesky")),
    _row("cholesky_solve", _square("matrix"), per_input(spd_half, real),
         lambda a, b: mg.cholesky_solve(b, mg.linalg.cholesky(a + a.mT)),
         lambda a, b: _torch().cholesky_solve(b, _torch().linalg.cholesky(a + a.mT)),
         covers=("mg.cholesky_solve",)),
    _row("Tensor.cholesky_solve", _square("matrix"), per_input(spd_half, real),
         lambda a, b: b.cholesky_solve(mg.linalg.cholesky(a + a.mT)),
         lambda a, b: b.cholesky_solve(_torch().linalg.cholesky(a + a.mT)), covers=("cholesky_solve",)),
    _row("cholesky_inverse", _square(), spd_half, lambda a: mg.cholesky_inverse(mg.linalg.cholesky(a + a.mT)),
         lambda a: _torch().cholesky_inverse(_torch().linalg.cholesky(a + a.mT)),
         covers=("mg.cholesky_inverse",)),
    _row("Tensor.cholesky_inverse_upper", _square(), spd_half,
         lambda a: mg.linalg.cholesky(a + a.mT).mT.cholesky_inverse(True),
         lambda a: _torch().linalg.cholesky(a + a.mT).mT.cholesky_inverse(True),
         covers=("cholesky_inverse",)),
    _row("linalg.cond", _square(), conditioned, *_linalg("cond")),
    _row("linalg.qr", _rectangular(), separated, lambda a: tuple(mg.linalg.qr(a)),
         lambda a: tuple(_torch().linalg.qr(a))),
    _row("linalg.qr_complete", _rectangular(wide=True), separated,
         lambda a: tuple(mg.linalg.qr(a, "complete")), lambda a: tuple(_torch().linalg.qr(a, "complete"))),
    _row("linalg.svd", _rectangular(), separated, _svd("mg"), _svd("torch")),
    _row("linalg.svd_full", _rectangular(), separated, _svd("mg", True), _svd("torch", True)),
    _row("linalg.svdvals", _rectangular(), separated, *_linalg("svdvals")),
    _row("linalg.pinv", _rectangular(), separated, *_linalg("pinv")),
    _row("linalg.pinv_hermitian", _square(), invertible_symmetric_half,
         lambda a: mg.linalg.pinv(a + a.mT, hermitian=True),
         lambda a: _torch().linalg.pinv(a + a.mT, hermitian=True)),
    _row("Tensor.pinverse", _rectangular(), separated, lambda a: a.pinverse(), lambda a: a.pinverse(),
         covers=("pinverse", "mg.pinverse")),
    _row("linalg.eigh", _square(), symmetric_half, _eigh("mg"), _eigh("torch")),
    _row("linalg.eigh_upper", _square(), symmetric_half, _eigh("mg", "U"), _eigh("torch", "U")),
    _row("linalg.eigvalsh", _square(), symmetric_half, lambda a: mg.linalg.eigvalsh(a + a.mT),
         lambda a: _torch().linalg.eigvalsh(a + a.mT)),
    _row("linalg.matrix_norm", _matrix_norm(), separated, *_linalg("matrix_norm")),
    _row("linalg.vector_norm", _vector_norm(), distinct, *_linalg("vector_norm")),
    _row("linalg.norm", _norm(), distinct, *_linalg("norm")),
]
