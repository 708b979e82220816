"""lead41: out= tensors of the wrong dtype as PyTorch refuses them, and state-dict values under the alias.

PyTorch casts an op's result into an out= tensor only for its TensorIterator kernels (``exp``, ``add``,
``sum``...); matrix products, triangles, argmax, abs/clamp/round and friends want the result's dtype
exactly, each in its own words. minigrad cast into any castable out tensor (``torch.mm(a, b, out=double)``
ran) and said numpy's words otherwise. ``cross``, ``inverse``, ``lgamma``, ``digamma`` and ``polygamma``
took no out= at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

_A = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
_M = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32)
_S = np.random.default_rng(2).standard_normal((3, 3)).astype(np.float32) + 3 * np.eye(3, dtype=np.float32)

_OPS: dict[str, Callable[[Any, Any, Any, Any, Any], Any]] = {
    "matmul": lambda t, a, m, s, o: t.matmul(a, m, out=o),
    "mm": lambda t, a, m, s, o: t.mm(a, m, out=o),
    "addmm": lambda t, a, m, s, o: t.addmm(s, a, m, out=o),
    "mv": lambda t, a, m, s, o: t.mv(a, m[:, 0], out=o),
    "tril": lambda t, a, m, s, o: t.tril(a, out=o),
    "diag": lambda t, a, m, s, o: t.diag(a[0], out=o),
    "argmax": lambda t, a, m, s, o: t.argmax(a, 1, out=o),
    "norm": lambda t, a, m, s, o: t.norm(a, dim=1, out=o),
    "abs": lambda t, a, m, s, o: t.abs(a, out=o),
    "clamp": lambda t, a, m, s, o: t.clamp(a, -0.5, 0.5, out=o),
    "round": lambda t, a, m, s, o: t.round(a, out=o),
    "where": lambda t, a, m, s, o: t.where(a > 0, a, -a, out=o),
    "masked_select": lambda t, a, m, s, o: t.masked_select(a, a > 0, out=o),
    "index_select": lambda t, a, m, s, o: t.index_select(a, 0, t.tensor([0, 2]), out=o),
    "amax": lambda t, a, m, s, o: t.amax(a, 0, out=o),
    "take": lambda t, a, m, s, o: t.take(a, t.tensor([0, 5]), out=o),
    "nan_to_num": lambda t, a, m, s, o: t.nan_to_num(a, out=o),
    "dot": lambda t, a, m, s, o: t.dot(a[0], m[:, 0], out=o),
    "tensordot": lambda t, a, m, s, o: t.tensordot(a, m, 1, out=o),
    "multi_dot": lambda t, a, m, s, o: t.linalg.multi_dot([a, m], out=o),
    "quantile": lambda t, a, m, s, o: t.quantile(a, 0.5, out=o),
    "all": lambda t, a, m, s, o: t.all(a, 0, out=o),
    "inverse": lambda t, a, m, s, o: t.inverse(s, out=o),
    "cross": lambda t, a, m, s, o: t.cross(a[:, :3], m[:3], dim=1, out=o),
    "lgamma": lambda t, a, m, s, o: t.lgamma(a, out=o),
    "digamma": lambda t, a, m, s, o: t.digamma(a, out=o),
    "exp": lambda t, a, m, s, o: t.exp(a, out=o),  # (a TensorIterator kernel: casts, as before)
}


def _outcome(lib: Any, name: str, dtype: str) -> tuple[str, str]:
    a, m, s = (lib.tensor(x) for x in (_A, _M, _S))
    out = lib.empty(0, dtype=getattr(lib, dtype))
    try:
        r = _OPS[name](lib, a, m, s, out)
    except RuntimeError as e:
        return "RuntimeError", str(e).split("\n")[0]
    return "ok", f"{r is out} {str(r.dtype).rsplit('.', 1)[-1]} {np.round(r.double().sum().item(), 4)}"


@pytest.mark.parametrize("dtype", ["float64", "float16", "int64", "bool"])
@pytest.mark.parametrize("name", sorted(_OPS))
def test_out_of_another_dtype_as_pytorch(name: str, dtype: str) -> None:
    torch = require_torch()
    theirs = _outcome(torch, name, dtype)
    ours = _outcome(mg, name, dtype)
    assert ours[0] == theirs[0]
    if ours[0] == "ok":
        assert ours[1] == theirs[1]
    else:
        assert ours[1].startswith(theirs[1]), (ours[1], theirs[1])
