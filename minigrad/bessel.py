"""The Bessel functions: ``mg.i0`` and ``torch.special``'s i0, i0e, i1, i1e and its Bessel family.

i0, i0e, i1 and i1e are the primitive ``BesselI`` of ``minigrad/ops.py`` on the kernel
``bessel_i`` of ``minigrad/_special.py`` (float64 accuracy); each derivative is
written with the family itself (I0' = I1, I1' = I0 - I1 / x), so gradients of
any order come out. Integer and bool inputs give float32, as in PyTorch.

The rest of the family (bessel_j0/j1/y0/y1, modified_bessel_i0/i1/k0/k1, their scaled K forms,
spherical_bessel_j0 and airy_ai) are the Cephes approximations of ``minigrad/_bessel_kernels.py``,
computed in the input's float32 or float64 as PyTorch computes them (a few ulp from PyTorch's
values). PyTorch gives them no derivative and their results do not require grad; neither do these.
Integer and bool inputs give the default float dtype; float16 raises PyTorch's NotImplementedError.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from minigrad import _bessel_kernels, ops
from minigrad._tensor_methods import provide
from minigrad.default_dtype import get_default_dtype
from minigrad.dtypes import scalar_type_name
from minigrad.errors import UnsupportedError
from minigrad.gamma import _floating
from minigrad.tensor import Array, Tensor, from_numpy

__all__ = ["i0"]


def i0(input: Tensor) -> Tensor:  # noqa: A002
    """I0(x) = sum_k (x/2)**(2k) / (k!)**2, elementwise; even, inf beyond |x| ~ 709; d/dx = I1(x)."""
    return ops.BesselI.apply(_floating(input, "i0"), order=0, scaled=False)


def i0e(input: Tensor) -> Tensor:  # noqa: A002
    """exp(-|x|) I0(x), finite for every finite x; d/dx = i1e(x) - sgn(x) i0e(x)."""
    return ops.BesselI.apply(_floating(input, "i0e"), order=0, scaled=True)


def i1(input: Tensor) -> Tensor:  # noqa: A002
    """I1(x) = sum_k (x/2)**(2k+1) / (k! (k+1)!), elementwise; odd; d/dx = I0(x) - I1(x) / x (1/2 at 0)."""
    return ops.BesselI.apply(_floating(input, "i1"), order=1, scaled=False)


def i1e(input: Tensor) -> Tensor:  # noqa: A002
    """exp(-|x|) I1(x); d/dx = i0e(x) - i1e(x) (sgn(x) + 1 / x) (1/2 at 0)."""
    return ops.BesselI.apply(_floating(input, "i1e"), order=1, scaled=True)


def _cephes(name: str, kernel: Callable[[Array], Array], input: object, arg: str = "input") -> Tensor:  # noqa: A002
    """``kernel`` on input's values: a float32 or float64 tensor that does not require grad.

    Raises:
        TypeError: input is not a Tensor.
        UnsupportedError: (a NotImplementedError) input is float16 or complex, as PyTorch's CPU kernels.
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"special_{name}(): argument '{arg}' (position 1) must be Tensor, "
                        f"not {type(input).__name__}")
    x = input.numpy(force=True)
    if x.dtype.kind in "biu":
        x = x.astype(get_default_dtype())
    if x.dtype.kind != "f" or x.dtype.itemsize < 4:
        raise UnsupportedError(f'"{name}_cpu" not implemented for \'{scalar_type_name(x.dtype)}\'')
    return from_numpy(kernel(x))


def bessel_j0(input: Tensor) -> Tensor:  # noqa: A002
    """J0(x), the Bessel function of the first kind of order 0, elementwise (even; nan at +-inf)."""
    return _cephes("bessel_j0", _bessel_kernels.bessel_j0, input)


def bessel_j1(input: Tensor) -> Tensor:  # noqa: A002
    """J1(x), the Bessel function of the first kind of order 1, elementwise (odd; nan at +-inf)."""
    return _cephes("bessel_j1", _bessel_kernels.bessel_j1, input)


def bessel_y0(input: Tensor) -> Tensor:  # noqa: A002
    """Y0(x), the Bessel function of the second kind of order 0: -inf at 0, nan for x < 0."""
    return _cephes("bessel_y0", _bessel_kernels.bessel_y0, input)


def bessel_y1(input: Tensor) -> Tensor:  # noqa: A002
    """Y1(x), the Bessel function of the second kind of order 1: -inf at 0, nan for x < 0."""
    return _cephes("bessel_y1", _bessel_kernels.bessel_y1, input)


def modified_bessel_i0(input: Tensor) -> Tensor:  # noqa: A002
    """I0(x) by PyTorch's Chebyshev approximation (not differentiable; ``i0`` is), elementwise."""
    return _cephes("modified_bessel_i0", _bessel_kernels.modified_bessel_i0, input)


def modified_bessel_i1(input: Tensor) -> Tensor:  # noqa: A002
    """I1(x) by PyTorch's Chebyshev approximation (not differentiable; ``i1`` is), elementwise."""
    return _cephes("modified_bessel_i1", _bessel_kernels.modified_bessel_i1, input)


def modified_bessel_k0(input: Tensor) -> Tensor:  # noqa: A002
    """K0(x), the modified Bessel function of the second kind of order 0: inf at 0, nan for x < 0."""
    return _cephes("modified_bessel_k0", _bessel_kernels.modified_bessel_k0, input)


def modified_bessel_k1(input: Tensor) -> Tensor:  # noqa: A002
    """K1(x), the modified Bessel function of the second kind of order 1: inf at 0, nan for x < 0."""
    return _cephes("modified_bessel_k1", _bessel_kernels.modified_bessel_k1, input)


def scaled_modified_bessel_k0(x: Tensor) -> Tensor:
    """exp(x) K0(x), finite for large x: inf at 0, nan for x < 0."""
    return _cephes("scaled_modified_bessel_k0", _bessel_kernels.scaled_modified_bessel_k0, x, "x")


def scaled_modified_bessel_k1(x: Tensor) -> Tensor:
    """exp(x) K1(x), finite for large x: inf at 0, nan for x < 0."""
    return _cephes("scaled_modified_bessel_k1", _bessel_kernels.scaled_modified_bessel_k1, x, "x")


def spherical_bessel_j0(x: Tensor) -> Tensor:
    """j0(x) = sin(x) / x, the spherical Bessel function of the first kind of order 0: 1 at 0, 0 at +-inf."""
    return _cephes("spherical_bessel_j0", _bessel_kernels.spherical_bessel_j0, x, "x")


def airy_ai(x: Tensor) -> Tensor:
    """Ai(x), the Airy function of the first kind: oscillating for x < 0, 0 beyond 103.892, nan at +-inf."""
    return _cephes("airy_ai", _bessel_kernels.airy_ai, x, "x")


provide(sys.modules[__name__])  # the Tensor method i0 calls i0 here
