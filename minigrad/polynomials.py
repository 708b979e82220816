"""The classical orthogonal polynomials of ``torch.special``: Chebyshev (T, U, V, W and their shifted forms
on [0, 1]), Hermite (physicists' H, probabilists' He), Laguerre L and Legendre P, evaluated at x for the
degrees n (both tensors or numbers, broadcast; n truncated to an integer, negative or non-finite n
giving 0).

Each is its three-term recurrence run elementwise up to each element's degree, with PyTorch's special
cases: the closed trigonometric forms of the Chebyshev families inside (-1, 1) for large n, their exact
values at x = +-1, and NaN for Hermite degrees beyond 512 (128 in float32). Integer inputs give the
default float dtype. None is differentiable (nor is PyTorch's).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad.default_dtype import get_default_dtype
from minigrad.tensor import Array, Tensor, from_numpy, result_type

__all__ = [
    "chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
    "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p",
    "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w",
]  # fmt: skip

#: p_{j+1} from (x, p_j, p_{j-1}, j) for j = 1, 2, ...: each family's recurrence
Step = Callable[[Array, Array, Array, Array], Array]


def _operands(x: Any, n: Any) -> tuple[Array, Array]:
    """x in the result dtype and n as int64 (negative for a non-finite n), broadcast together.

    Raises:
        TypeError: neither is a Tensor (as PyTorch).
    """
    if not isinstance(x, Tensor) and not isinstance(n, Tensor):
        raise TypeError(f"expected a Tensor as input or n, got {type(x).__name__} and {type(n).__name__}")
    dtype = result_type(x, n)
    if dtype.kind != "f":
        dtype = get_default_dtype()
    xs = np.asarray(x.numpy(force=True) if isinstance(x, Tensor) else x, dtype=dtype)
    ns = np.asarray(n.numpy(force=True) if isinstance(n, Tensor) else n, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        degree = np.where(np.isfinite(ns), np.trunc(np.where(np.isfinite(ns), ns, 0)), -1).astype(np.int64)
    xb, nb = np.broadcast_arrays(xs, degree)
    return xb.copy(), nb.copy()


def _recurrence(x: Array, n: Array, first: Array, step: Step, todo: Array) -> Array:
    """p_n(x) where ``todo``, from p_0 = 1, p_1 = ``first`` and ``step``; other elements are left 1."""
    p, q = np.ones_like(x), first.copy()
    top = int(n[todo].max()) if todo.any() else 0
    with np.errstate(all="ignore"):
        for j in range(1, top):
            active = todo & (j < n)
            if not active.any():
                break
            r = step(x, q, p, np.asarray(j, dtype=x.dtype))
            p, q = np.where(active, q, p), np.where(active, r, q)
            if np.isnan(q[active]).all():  # every active element overflowed: the rest stays NaN
                break
    return np.where(n == 0, 1, q)


def _chebyshev(x: Any, n: Any, kind: str, shifted: bool) -> Tensor:
    xs, ns = _operands(x, n)
    y = xs + xs - 1 if shifted else xs
    first = {"t": y, "u": y + y, "v": y + y - 1, "w": y + y + 1}[kind]
    inside = (np.abs(y) < 1) & (ns > (6 if kind == "t" else 8))
    out = _recurrence(y, ns, first, lambda x_, q, p, _: (x_ + x_) * q - p, (ns >= 1) & ~inside)
    odd = ns % 2 == 1
    with np.errstate(all="ignore"):
        theta = np.arccos(np.where(inside, y, 0))
        m = ns.astype(y.dtype)
        closed = {
            "t": np.cos(m * theta),
            "u": np.where(np.sin(theta) != 0, np.sin((m + 1) * theta) / np.sin(theta),
                          (m + 1) * np.cos((m + 1) * theta) / y),
            "v": np.where(np.sin(theta / 2) != 1, np.cos((m + 0.5) * theta) / np.cos(theta / 2),
                          np.where(odd, -(2 * m + 1), 2 * m + 1)),
            "w": np.where(np.cos(theta / 2) != 1, np.sin((m + 0.5) * theta) / np.sin(theta / 2),
                          np.where(y > 0, 2 * m + 1, np.where(odd, -1, 1))),
        }[kind]
    out = np.where(inside, closed, out)
    plus: Any = {"t": 1, "u": m + 1, "v": 1, "w": 2 * m + 1}[kind]
    minus = {"t": np.where(odd, -1, 1), "u": np.where(odd, -(m + 1), m + 1),
             "v": np.where(odd, -(2 * m + 1), 2 * m + 1), "w": np.where(odd, -1, 1)}[kind]
    out = np.where(y == 1, plus, np.where(y == -1, minus, out))
    return from_numpy(np.where(ns < 0, 0, out).astype(xs.dtype))


def chebyshev_polynomial_t(input: Any, n: Any) -> Tensor:  # noqa: A002
    """T_n(x), the Chebyshev polynomials of the first kind: T_{k+1} = 2x T_k - T_{k-1}, T_1 = x."""
    return _chebyshev(input, n, "t", False)


def chebyshev_polynomial_u(input: Any, n: Any) -> Tensor:  # noqa: A002
    """U_n(x), the Chebyshev polynomials of the second kind: U_{k+1} = 2x U_k - U_{k-1}, U_1 = 2x."""
    return _chebyshev(input, n, "u", False)


def chebyshev_polynomial_v(input: Any, n: Any) -> Tensor:  # noqa: A002
    """V_n(x), the Chebyshev polynomials of the third kind: V_{k+1} = 2x V_k - V_{k-1}, V_1 = 2x - 1."""
    return _chebyshev(input, n, "v", False)


def chebyshev_polynomial_w(input: Any, n: Any) -> Tensor:  # noqa: A002
    """W_n(x), the Chebyshev polynomials of the fourth kind: W_{k+1} = 2x W_k - W_{k-1}, W_1 = 2x + 1."""
    return _chebyshev(input, n, "w", False)


def shifted_chebyshev_polynomial_t(input: Any, n: Any) -> Tensor:  # noqa: A002
    """T*_n(x) = T_n(2x - 1), the first kind on [0, 1]."""
    return _chebyshev(input, n, "t", True)


def shifted_chebyshev_polynomial_u(input: Any, n: Any) -> Tensor:  # noqa: A002
    """U*_n(x) = U_n(2x - 1), the second kind on [0, 1]."""
    return _chebyshev(input, n, "u", True)


def shifted_chebyshev_polynomial_v(input: Any, n: Any) -> Tensor:  # noqa: A002
    """V*_n(x) = V_n(2x - 1), the third kind on [0, 1]."""
    return _chebyshev(input, n, "v", True)


def shifted_chebyshev_polynomial_w(input: Any, n: Any) -> Tensor:  # noqa: A002
    """W*_n(x) = W_n(2x - 1), the fourth kind on [0, 1]."""
    return _chebyshev(input, n, "w", True)


def _family(x: Any, n: Any, first: Callable[[Array], Array], step: Step, hermite: bool = False) -> Tensor:
    xs, ns = _operands(x, n)
    out = _recurrence(xs, ns, first(xs), step, ns >= 1)
    if hermite:  # PyTorch's cut-off: beyond it the recurrence overflows
        out = np.where(ns > (128 if xs.dtype == np.float32 else 512), np.nan, out)
    return from_numpy(np.where(ns < 0, 0, out).astype(xs.dtype))


def hermite_polynomial_h(input: Any, n: Any) -> Tensor:  # noqa: A002
    """H_n(x), the physicists' Hermite polynomials: H_{k+1} = 2x H_k - 2k H_{k-1}, H_1 = 2x."""
    return _family(input, n, lambda x: x + x, lambda x, q, p, j: (x + x) * q - (j + j) * p, hermite=True)


def hermite_polynomial_he(input: Any, n: Any) -> Tensor:  # noqa: A002
    """He_n(x), the probabilists' Hermite polynomials: He_{k+1} = x He_k - k He_{k-1}, He_1 = x."""
    return _family(input, n, lambda x: x, lambda x, q, p, j: x * q - j * p, hermite=True)


def laguerre_polynomial_l(input: Any, n: Any) -> Tensor:  # noqa: A002
    """L_n(x), the Laguerre polynomials: (k+1) L_{k+1} = (2k + 1 - x) L_k - k L_{k-1}, L_1 = 1 - x; 1 at
    x = 0."""
    xs, _ = _operands(input, n)
    out = _family(input, n, lambda x: 1 - x, lambda x, q, p, j: ((j + j + (1 - x)) * q - j * p) / (j + 1))
    values = out.numpy(force=True)
    keep = np.broadcast_to(xs == 0, out.shape) & (values != 0)  # x == 0 gives 1 (not for n < 0)
    return from_numpy(np.where(keep, 1, values).astype(out.dtype))


def legendre_polynomial_p(input: Any, n: Any) -> Tensor:  # noqa: A002
    """P_n(x), the Legendre polynomials: (k+1) P_{k+1} = (2k + 1) x P_k - k P_{k-1}, P_1 = x; +-1 at
    x = +-1."""
    xs, ns = _operands(input, n)
    out = _family(input, n, lambda x: x,
                  lambda x, q, p, j: ((j + j + 1) * x * q - j * p) / (j + 1)).numpy(force=True)
    ends = np.where((xs > 0) | (ns % 2 == 0), 1, -1)
    return from_numpy(np.where((np.abs(xs) == 1) & (ns >= 0), ends, out).astype(out.dtype))
