"""Modified Bessel functions of the first kind: ``mg.i0`` and ``torch.special``'s i0, i0e, i1, i1e.

All four are the primitive ``BesselI`` of ``minigrad/ops.py`` on the kernel
``bessel_i`` of ``minigrad/_special.py`` (float64 accuracy); each derivative is
written with the family itself (I0' = I1, I1' = I0 - I1 / x), so gradients of
any order come out. Integer and bool inputs give float32, as in PyTorch.
"""

from __future__ import annotations

import sys

from minigrad import ops
from minigrad._tensor_methods import provide
from minigrad.gamma import _floating
from minigrad.tensor import Tensor

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


provide(sys.modules[__name__])  # the Tensor method i0 calls i0 here
