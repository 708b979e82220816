"""Values and gradients of every op in ``tests/op_table.py`` against PyTorch.

Each example runs the op in minigrad and in PyTorch on the same data, in
float64 and in float32, then backpropagates the same *random* upstream
gradient through both (a ``.sum()`` on top would hide a backward that ignores
its incoming gradient) and compares the input gradients. It also checks the
invariants a backward must keep: inputs and upstream gradients are not
mutated, and no two gradients (nor a gradient and an input) share memory.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as mg
from minigrad.autograd import backward as mg_backward
from tests.helpers import require_torch
from tests.op_table import OP_TABLE, OpSpec

TOL = {np.float64: (1e-10, 1e-12), np.float32: (2e-5, 2e-6)}


def _outputs(out: Any) -> list[Any]:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _torch_dtype_name(t: Any) -> str:
    return str(t.dtype).removeprefix("torch.")


def _compare(actual: mg.Tensor, expected: Any, dtype: type, what: str) -> None:
    e = expected.detach().numpy()
    assert actual.shape == tuple(e.shape), f"{what}: shape {actual.shape} != torch's {tuple(e.shape)}"
    dt = _torch_dtype_name(expected)
    assert actual.dtype.name == dt, f"{what}: dtype {actual.dtype} != torch's {dt}"
    rtol, atol = TOL[dtype]
    np.testing.assert_allclose(actual.data, e, rtol=rtol, atol=atol, err_msg=what)


def _base(a: np.ndarray) -> np.ndarray:
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("spec", OP_TABLE, ids=[s.name for s in OP_TABLE])
@settings(max_examples=15)
@given(data=st.data())
def test_op_matches_torch(spec: OpSpec, dtype: type, data: st.DataObject) -> None:
    torch = require_torch()
    sample = data.draw(spec.sample, label="sample")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    arrays = [np.asarray(a, dtype=dtype) for a in spec.domain(rng, sample.shapes)]
    before = [a.copy() for a in arrays]
    xs = [mg.tensor(a, requires_grad=spec.differentiable) for a in arrays]
    ts = [torch.tensor(a, requires_grad=spec.differentiable) for a in arrays]

    outs = _outputs(spec.mg(*xs, **sample.kwargs))
    touts = _outputs(spec.torch(*ts, **sample.kwargs))
    assert len(outs) == len(touts)
    for k, (o, t) in enumerate(zip(outs, touts, strict=True)):
        _compare(o, t, dtype, f"{spec.name} output {k}")
    if not spec.differentiable:
        return

    upstream = [rng.standard_normal(o.shape).astype(dtype) for o in outs]
    up_before = [u.copy() for u in upstream]
    mg_backward(outs, [mg.tensor(u) for u in upstream])
    torch.autograd.backward(touts, [torch.tensor(u) for u in upstream])

    for i, (x, t) in enumerate(zip(xs, ts, strict=True)):
        if t.grad is None:
            assert x.grad is None, f"{spec.name}: input {i} got a gradient, torch gives None"
            continue
        assert x.grad is not None, f"{spec.name}: input {i} has no gradient, torch gives {t.grad}"
        _compare(x.grad, t.grad, dtype, f"{spec.name} gradient of input {i}")

    for i, (x, b) in enumerate(zip(xs, before, strict=True)):
        np.testing.assert_array_equal(x.data, b, err_msg=f"{spec.name} mutated input {i}")
    for o, (u, b) in enumerate(zip(upstream, up_before, strict=True)):
        np.testing.assert_array_equal(u, b, err_msg=f"{spec.name} mutated the upstream gradient {o}")
    grads = [x.grad.data for x in xs if x.grad is not None]
    for g1, g2 in itertools.combinations(grads, 2):
        assert not np.shares_memory(g1, g2), f"{spec.name}: two inputs' gradients share memory"
    for g in grads:
        for x in xs:
            assert not np.shares_memory(g, x.data), f"{spec.name}: a gradient shares memory with an input"


# ------------------------------------------------------------------ dtype promotion

_DTYPES = ("bool", "int64", "float32", "float64")
_SCALARS = (True, 2, 2.5, -1)
_BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
    "maximum": lambda a, b: a.maximum(b),
    "minimum": lambda a, b: a.minimum(b),
    "matmul": lambda a, b: a @ b,
}


def _operand(kind: str, zero_d: bool) -> np.ndarray:
    if kind == "bool":
        return np.array(True if zero_d else [True, False])
    return np.array(2 if zero_d else [1, 2]).astype(kind)


@pytest.mark.parametrize("op", list(_BINARY))
def test_result_dtypes_match_torch(op: str) -> None:
    """Every pairing of bool/int64/float32/float64 tensors (0-d or not) and Python scalars.

    Wherever PyTorch accepts the combination, minigrad's result dtype and values
    equal PyTorch's: a Python number never upcasts a tensor, a 0-d tensor only
    wins across categories (bool < int < float), int / int is float32.
    """
    torch = require_torch()
    fn = _BINARY[op]
    tensors: list[tuple[str, Any, Any]] = []
    for kind in _DTYPES:
        for zero_d in (True, False):
            if op == "matmul" and zero_d:
                continue
            a = _operand(kind, zero_d)
            tensors.append((f"{kind}{'(0-d)' if zero_d else ''}", mg.tensor(a), torch.tensor(a)))
    scalars = [] if op in ("maximum", "minimum", "matmul") else [(repr(s), s, s) for s in _SCALARS]
    operands = tensors + scalars
    checked = 0
    for (na, ma, ta), (nb, mb, tb) in itertools.product(operands, repeat=2):
        if not isinstance(ma, mg.Tensor) and not isinstance(mb, mg.Tensor):
            continue
        try:
            expected = fn(ta, tb)
        except (RuntimeError, TypeError):
            continue  # PyTorch rejects it (bool - bool, int ** -1, integer matmul, ...)
        got = fn(ma, mb)
        want = _torch_dtype_name(expected)
        assert got.dtype.name == want, f"{na} {op} {nb}: {got.dtype} vs torch's {want}"
        np.testing.assert_allclose(got.data.astype(np.float64), expected.double().numpy(), rtol=1e-6,
                                   err_msg=f"{na} {op} {nb}")
        checked += 1
    assert checked >= (3 if op == "matmul" else 20)  # torch's matmul takes one float dtype only
