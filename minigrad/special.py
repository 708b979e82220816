"""``minigrad.special``, PyTorch's ``torch.special``: the special functions minigrad can compute.

Most are minigrad's own functions under the names ``torch.special`` gives them
(``expit`` is ``sigmoid``, ``gammaln`` is ``lgamma``, ``psi`` is ``digamma``,
``multigammaln`` is ``mvlgamma``); ``xlog1py``, ``entr``, ``log_ndtr`` and
``ndtri``, ``erfcx``, ``zeta`` and ``gammainc`` / ``gammaincc`` (``mg.igamma`` / ``mg.igammac``) are
primitives of ``minigrad/ops.py`` and ``ndtr`` is a composition with ``erfc``; ``i0``, ``i0e``, ``i1``,
``i1e`` are ``minigrad.bessel``'s. Integer and bool inputs give the default float dtype, as in PyTorch.
The orthogonal-polynomial families (``chebyshev_polynomial_t``, ``hermite_polynomial_h``, ...) are
``minigrad.polynomials``'; the rest of the Bessel family (``bessel_j0``, ``modified_bessel_k0``,
``airy_ai``, ...) is ``minigrad.bessel``'s too (not differentiable, as PyTorch's).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad import _public, ops
from minigrad.bessel import airy_ai as airy_ai
from minigrad.bessel import bessel_j0 as bessel_j0
from minigrad.bessel import bessel_j1 as bessel_j1
from minigrad.bessel import bessel_y0 as bessel_y0
from minigrad.bessel import bessel_y1 as bessel_y1
from minigrad.bessel import i0 as i0
from minigrad.bessel import i0e as i0e
from minigrad.bessel import i1 as i1
from minigrad.bessel import i1e as i1e
from minigrad.bessel import modified_bessel_i0 as modified_bessel_i0
from minigrad.bessel import modified_bessel_i1 as modified_bessel_i1
from minigrad.bessel import modified_bessel_k0 as modified_bessel_k0
from minigrad.bessel import modified_bessel_k1 as modified_bessel_k1
from minigrad.bessel import scaled_modified_bessel_k0 as scaled_modified_bessel_k0
from minigrad.bessel import scaled_modified_bessel_k1 as scaled_modified_bessel_k1
from minigrad.bessel import spherical_bessel_j0 as spherical_bessel_j0
from minigrad.dtypes import kernel_error
from minigrad.gamma import _floating
from minigrad.gamma import digamma as digamma
from minigrad.gamma import igamma as gammainc
from minigrad.gamma import igammac as gammaincc
from minigrad.gamma import lgamma as gammaln
from minigrad.gamma import mvlgamma as multigammaln
from minigrad.gamma import polygamma as polygamma
from minigrad.pointwise import _apply2, _floats
from minigrad.pointwise import erf as erf
from minigrad.pointwise import erfc as erfc
from minigrad.pointwise import erfinv as erfinv
from minigrad.pointwise import exp2 as exp2
from minigrad.pointwise import expm1 as expm1
from minigrad.pointwise import log1p as log1p
from minigrad.pointwise import logit as logit
from minigrad.pointwise import round as round  # noqa: A004
from minigrad.pointwise import sigmoid as expit
from minigrad.pointwise import sinc as sinc
from minigrad.pointwise import xlogy as xlogy
from minigrad.polynomials import *  # noqa: F403
from minigrad.polynomials import __all__ as _polynomials
from minigrad.reduction_functions import log_softmax as log_softmax
from minigrad.reduction_functions import logsumexp as logsumexp
from minigrad.reduction_functions import softmax as softmax
from minigrad.tensor import Tensor

__all__ = [
    "airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0", "modified_bessel_i1",
    "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
    "spherical_bessel_j0",
    "digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammainc", "gammaincc",
    "gammaln", "i0", "i0e", "i1", "i1e", "log1p", "log_ndtr",
    "log_softmax", "logit", "logsumexp", "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round", "sinc",
    "softmax", "xlog1py", "xlogy", "zeta", *_polynomials,
]  # fmt: skip

psi = digamma


def _no_half(x: Tensor, name: str) -> Tensor:
    """``x`` (already floating); PyTorch's CPU kernels of ``name`` have no float16 form: its error."""
    if x.dtype == np.float16:
        raise kernel_error(name, x.dtype)
    return x


def xlog1py(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input * log1p(other), and 0 where input is 0 (unless other is nan); tensors or numbers, broadcast."""
    return _apply2(ops.Xlog1py, *_floats(input, other))


def entr(input: Tensor) -> Tensor:  # noqa: A002
    """The elementwise entropy term -x log x: 0 at 0, -inf below 0; d/dx = -(1 + log x)."""
    return ops.Entr.apply(_floating(input, "entr"))


def ndtr(input: Tensor) -> Tensor:  # noqa: A002
    """The standard normal CDF Phi(x) = erfc(-x / sqrt(2)) / 2, accurate in the lower tail; d/dx = phi(x)."""
    return erfc(_floating(input, "ndtr") * -math.sqrt(0.5)) * 0.5


def log_ndtr(input: Tensor) -> Tensor:  # noqa: A002
    """log Phi(x), accurate far into the lower tail (log_ndtr(-40) = -804.6); d/dx = phi(x) / Phi(x)."""
    return ops.LogNdtr.apply(_no_half(_floating(input, "log_ndtr"), "log_ndtr"))


def ndtri(input: Tensor) -> Tensor:  # noqa: A002
    """The standard normal quantile Phi^-1(p): -inf at 0, inf at 1, nan outside [0, 1]; d/dp = 1 / phi(y)."""
    return ops.Ndtri.apply(_no_half(_floating(input, "ndtri"), "ndtri"))


def erfcx(input: Tensor) -> Tensor:  # noqa: A002
    """The scaled complementary error function exp(x**2) erfc(x), accurate for large x (~1 / (x sqrt(pi)));
    inf below about -26.6; d/dx = 2 x erfcx(x) - 2 / sqrt(pi)."""
    return ops.Erfcx.apply(_no_half(_floating(input, "erfcx"), "erfcx"))


def zeta(input: Any, other: Any) -> Tensor:  # noqa: A002
    """The Hurwitz zeta function sum over k >= 0 of (other + k) ** -input (tensors or numbers, broadcast):
    inf at input 1 and at other a non-positive integer, nan for input < 1. Differentiable in ``other``
    only; asking for the gradient in ``input`` raises UnsupportedError at backward, as PyTorch's."""
    a, b = _floats(input, other)
    if np.float16 in (getattr(a, "dtype", None), getattr(b, "dtype", None)) and np.result_type(
            *[t.dtype for t in (a, b) if isinstance(t, Tensor)]) == np.float16:  # (no float16 kernel)
        raise kernel_error("zeta", np.dtype(np.float16))
    return _apply2(ops.Zeta, a, b)


_public.expose(globals(), __all__, "special_")  # (__torch_function__ dispatch, numbers refused: _public.py)
