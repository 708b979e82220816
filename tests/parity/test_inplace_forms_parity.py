"""``torch.exp_(x)``, ``torch.clamp_(x, min=...)`` and the other ``torch.*_`` in-place functions, against
PyTorch: the same values, the same tensor returned, and the same recorded change."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import inplace_forms
from tests.helpers import require_torch

torch = require_torch()

X = np.array([[0.35, -0.8, 0.6], [0.1, 0.95, -0.45]])
INTS = {"gcd_", "lcm_"}
ARGS: dict[str, tuple[Any, ...]] = {
    "clamp_": (-0.5, 0.5), "clip_": (-0.5, 0.5), "clamp_max_": (0.2,), "clamp_min_": (0.2,),
    "ldexp_": ("tensor",), "xlogy_": ("tensor",), "gcd_": ("tensor",), "lcm_": ("tensor",),
    "addmv_": ("matrix", "vector"),
}  # fmt: skip


def _run(lib: Any, name: str) -> tuple[Any, bool, str | None]:
    if name in INTS:
        x = lib.tensor([[12, 18, 7], [4, 9, 10]])
    elif name == "addmv_":
        x = lib.tensor(X[0], dtype=lib.float64)
    else:
        x = lib.tensor(X, dtype=lib.float64)
    args = []
    for a in ARGS.get(name, ()):
        if a == "tensor" and name in INTS:
            args.append(lib.tensor([[8, 3, 14], [6, 3, 4]]))
        elif a == "tensor":
            args.append(lib.tensor(X * 2, dtype=lib.float64))
        elif a == "matrix":
            args.append(lib.tensor(np.outer([1.0, 2.0, -1.0], [0.5, 0.25]), dtype=lib.float64))
        elif a == "vector":
            args.append(lib.tensor([1.5, -2.0], dtype=lib.float64))
        else:
            args.append(a)
    if name in {"acosh_", "arccosh_"}:
        x = x + 2
    out = getattr(lib, name)(x, *args)
    recorded = None
    if name not in INTS and name != "detach_":
        leaf = lib.tensor(X, dtype=lib.float64, requires_grad=True)
        y = leaf * 1 + (2 if name in {"acosh_", "arccosh_"} else 0)
        if name == "addmv_":
            y = leaf[0] * 1
        y = getattr(lib, name)(y, *args)
        recorded = y.grad_fn.name() if y.grad_fn is not None else None
    return np.asarray(x.detach().numpy()), out is x, recorded


@pytest.mark.parametrize("name", inplace_forms.__all__)
def test_inplace_function_equals_pytorchs(name: str) -> None:
    (mvalue, msame, mname), (tvalue, tsame, tname) = _run(mg, name), _run(torch, name)
    np.testing.assert_allclose(mvalue, tvalue, rtol=1e-6, equal_nan=True)
    assert msame and tsame
    assert (mname is None) == (tname is None)
