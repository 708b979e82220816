"""``parametrizations.orthogonal``: a matrix (or batch) kept orthogonal by a map from unconstrained ones.

The maps, as PyTorch's (``torch/nn/utils/parametrizations.py``), all on the
tall orientation (a wide matrix is handled as its transpose):

* ``matrix_exp`` / ``cayley``: the lower triangle of X, padded with zero
  columns to n x n, gives the skew-symmetric ``A = X - X^T``; Q is
  ``exp(A)`` or ``(I - A/2)^-1 (I + A/2)``, cut to the first k columns.
* ``householder``: the columns of X below the diagonal are Householder
  vectors with ``tau = 2 / (1 + |v|^2)`` (exact reflections); their product,
  times the signs of X's diagonal (truncated to ints, so not trained).

With ``use_trivialization`` (the default) the map's output is multiplied by
the buffer ``base``: assigning a weight stores it (made orthogonal by QR,
completed to a square one by random columns when it is not square) in
``base`` and sets the original to the point where the map gives the
identity, so that training moves around the assigned matrix.
"""

from __future__ import annotations

import enum

import numpy as np

from minigrad import linalg
from minigrad._kernels import geqrf, qr_positive
from minigrad.autograd import no_grad
from minigrad.errors import InvalidParameterError, UnsupportedError
from minigrad.factories import randn, zeros
from minigrad.grids import eye
from minigrad.nn.module import Module
from minigrad.nn.utils import parametrize
from minigrad.tensor import Tensor, cat, from_numpy

__all__ = ["orthogonal"]


class _OrthMaps(enum.Enum):
    matrix_exp = enum.auto()
    cayley = enum.auto()
    householder = enum.auto()


def _householder_product(v: Tensor, tau: Tensor) -> Tensor:
    """``H_1 ... H_k`` restricted to its first k columns, ``H_i = I - tau_i u_i u_i^T`` with
    ``u_i`` column i of ``v`` below the diagonal and 1 on it (``torch.linalg.householder_product``).

    Shapes: v (..., n, k), tau (..., k) -> (..., n, k). Differentiable in both.
    """
    n, k = v.shape[-2], v.shape[-1]
    unit = eye(n, k, dtype=v.dtype)
    u = v.tril(-1) + unit
    q = unit.expand(tuple(v.shape))
    for i in reversed(range(k)):  # H_i applied to the product of the later reflections
        col = u[..., :, i:i + 1]
        q = q - (tau[..., i:i + 1].unsqueeze(-1) * col) @ (col.mT @ q)
    return q


class _Orthogonal(Module):
    """The parametrization: ``forward`` maps the original to an orthogonal matrix."""

    def __init__(self, weight: Tensor, orthogonal_map: _OrthMaps, *, use_trivialization: bool = True) -> None:
        super().__init__()
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X: Tensor) -> Tensor:  # noqa: N803 - PyTorch's name
        """The orthogonal (..., n, k) matrix of X (..., n, k): orthonormal columns, or rows if wide."""
        wide = X.shape[-2] < X.shape[-1]
        x = X.mT if wide else X
        n, k = x.shape[-2], x.shape[-1]
        if self.orthogonal_map is _OrthMaps.householder:
            below = x.tril(-1)
            q = _householder_product(below, 2.0 / (1.0 + (below * below).sum(dim=-2)))
            signs = from_numpy(np.trunc(np.diagonal(x.detach().numpy(), axis1=-2, axis2=-1)))
            q = q * signs.unsqueeze(-2)
        else:
            low = x.tril()
            if n != k:
                low = cat([low, zeros(n, n - k, dtype=x.dtype).expand(*x.shape[:-2], n, n - k)], dim=-1)
            a = low - low.mT
            if self.orthogonal_map is _OrthMaps.matrix_exp:
                q = linalg.matrix_exp(a)
            else:
                unit = eye(n, dtype=a.dtype)
                q = linalg.solve(unit - 0.5 * a, unit + 0.5 * a)
            q = q[..., :k] if n != k else q
        base = self._buffers.get("base")
        if base is not None:
            q = base @ q
        return q.mT if wide else q

    def right_inverse(self, Q: Tensor) -> Tensor:  # noqa: N803 - PyTorch's name
        """An original that the map sends to ``Q`` (made orthogonal first if it is not).

        With ``use_trivialization``, ``Q`` goes into ``base`` and the original is
        minus the identity (the map's preimage of the identity); without, only
        the Householder map can be inverted: from the QR decomposition of ``Q``.

        Raises:
            ValueError: ``Q`` does not have the weight's shape.
            NotImplementedError: matrix_exp or cayley without ``use_trivialization``.
        """
        if Q.shape != self.shape:
            raise InvalidParameterError(f"Expected a matrix or batch of matrices of shape {self.shape}. "
                                        f"Got a tensor of shape {Q.shape}.")
        with no_grad():
            q = Q.detach().numpy()
            wide = q.shape[-2] < q.shape[-1]
            if wide:
                q = np.swapaxes(q, -1, -2)
            n, k = q.shape[-2], q.shape[-1]
            if "base" not in self._buffers:
                if self.orthogonal_map is not _OrthMaps.householder:
                    raise UnsupportedError("It is not possible to assign to the matrix exponential or the "
                                           "Cayley parametrizations when use_trivialization=False.")
                reflectors, tau = geqrf(q)
                diag = np.einsum("...ii->...i", reflectors[..., :k, :])  # a writable view of the diagonal
                diag[...] = np.sign(diag) * np.where(tau == 0.0, -1.0, 1.0)  # LAPACK's tau 0: no reflection
                out = np.swapaxes(reflectors, -1, -2) if wide else reflectors
                return from_numpy(np.ascontiguousarray(out))
            if n != k:
                extra = randn(*q.shape[:-2], n, n - k, dtype=Q.dtype).numpy(force=True)
                q = qr_positive(np.concatenate([q, extra], axis=-1))
            elif not _is_orthogonal(q):
                q = qr_positive(q)
            else:
                q = q.copy()
            self.base = from_numpy(q)
            neg_eye = -np.eye(*self.shape[-2:], dtype=q.dtype)
            return from_numpy(np.broadcast_to(neg_eye, self.shape).copy())


def _is_orthogonal(q: np.ndarray) -> bool:
    """Whether ``q^T q`` is the identity to 10 n eps (PyTorch's test, with allclose's rtol)."""
    n, k = q.shape[-2], q.shape[-1]
    eps = 10.0 * n * float(np.finfo(q.dtype).eps)
    return bool(np.allclose(np.swapaxes(q, -1, -2) @ q, np.eye(k, dtype=q.dtype), rtol=1e-5, atol=eps))


def orthogonal(module: Module, name: str = "weight", orthogonal_map: str | None = None, *,
               use_trivialization: bool = True) -> Module:
    """Keep ``module.<name>`` orthogonal: orthonormal columns (rows if wide), for a matrix or a batch.

    ``orthogonal_map`` is "matrix_exp", "cayley" or "householder" (None:
    matrix_exp for square matrices, householder otherwise). The current
    weight is kept (made orthogonal by QR first if it is not); see
    the module docstring for ``use_trivialization``. The original lives in
    ``module.parametrizations.<name>.original``, the base in
    ``module.parametrizations.<name>[0].base``. Returns ``module``.

    Raises:
        ValueError: ``module`` has no parameter or buffer ``name``, it has fewer than 2 dims, or an
            unknown ``orthogonal_map``.
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise InvalidParameterError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise InvalidParameterError(
            f"Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} dimensions."
        )
    if orthogonal_map is None:
        orthogonal_map = "matrix_exp" if weight.shape[-2] == weight.shape[-1] else "householder"
    chosen = _OrthMaps.__members__.get(orthogonal_map) if isinstance(orthogonal_map, str) else None
    if chosen is None:
        raise InvalidParameterError(
            f'orthogonal_map has to be one of "matrix_exp", "cayley", "householder". Got: {orthogonal_map}'
        )
    orth = _Orthogonal(weight, chosen, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module
