"""Values and gradients of every op in ``tests/op_table.py`` against PyTorch.

Each example runs the op in minigrad and in PyTorch on the same data, in
float64 and in float32, then backpropagates the same *random* upstream
gradient through both (a ``.sum()`` on top would hide a backward that ignores
its incoming gradient) and compares the input gradients. The invariants a
backward must keep (nothing mutated, no aliasing, the graph freed) need no
oracle: they are checked in ``tests/test_ops.py``, which runs without torch.
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
from tests.op_table import OP_TABLE, OpSpec, _gelu_torch
from tests.op_table_linalg import LINALG_OPS

TOL = {np.float64: (1e-10, 1e-12), np.float32: (2e-5, 2e-6)}
#: numpy's and PyTorch's LAPACK builds (block sizes, pivoting, eigen solvers) round float32
#: decompositions differently at ~1e-6 of their scale: the linalg rows' declared float32 tolerance
LAPACK_ROWS = {spec.name for spec in LINALG_OPS}


def _outputs(out: Any) -> list[Any]:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _torch_dtype_name(t: Any) -> str:
    return str(t.dtype).removeprefix("torch.")


def _compare(actual: mg.Tensor, expected: Any, dtype: type, what: str, spec: OpSpec | None = None) -> None:
    e = expected.detach().numpy()
    assert actual.shape == tuple(e.shape), f"{what}: shape {actual.shape} != torch's {tuple(e.shape)}"
    dt = _torch_dtype_name(expected)
    assert actual.dtype.name == dt, f"{what}: dtype {actual.dtype} != torch's {dt}"
    rtol, atol = TOL[dtype]
    if spec is not None and dtype is np.float64:
        rtol = spec.float64_rtol
    if spec is not None and dtype is np.float32 and spec.name in LAPACK_ROWS:
        rtol, atol = spec.float32_rtol, spec.float32_atol
    np.testing.assert_allclose(actual.detach().numpy(), e, rtol=rtol, atol=atol, err_msg=what)


def _base(a: np.ndarray) -> np.ndarray:
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("spec", OP_TABLE, ids=[s.name for s in OP_TABLE])
@settings(max_examples=20)
@given(data=st.data())
def test_op_matches_torch(spec: OpSpec, dtype: type, data: st.DataObject) -> None:
    torch = require_torch()
    sample = data.draw(spec.sample, label="sample")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    arrays = [np.asarray(a, dtype=dtype) for a in spec.domain(rng, sample.shapes)]
    xs = [mg.tensor(a, requires_grad=spec.differentiable) for a in arrays]
    ts = [torch.tensor(a, requires_grad=spec.differentiable) for a in arrays]

    outs = _outputs(spec.mg(*xs, **sample.kwargs))
    touts = _outputs(spec.torch(*ts, **sample.kwargs))
    assert len(outs) == len(touts)
    for k, (o, t) in enumerate(zip(outs, touts, strict=True)):
        _compare(o, t, dtype, f"{spec.name} output {k}", spec)
    if not spec.differentiable:
        return

    for k, (o, t) in enumerate(zip(outs, touts, strict=True)):
        assert o.requires_grad == t.requires_grad, f"{spec.name} output {k}: requires_grad is not torch's"
    outs = [o for o in outs if o.requires_grad]  # (indices of max(dim) have no gradient)
    touts = [t for t in touts if t.requires_grad]
    upstream = [rng.standard_normal(o.shape).astype(dtype) for o in outs]
    mg_backward(outs, [mg.tensor(u) for u in upstream])
    torch.autograd.backward(touts, [torch.tensor(u) for u in upstream])

    for i, (x, t) in enumerate(zip(xs, ts, strict=True)):
        if t.grad is None:
            assert x.grad is None, f"{spec.name}: input {i} got a gradient, torch gives None"
            continue
        assert x.grad is not None, f"{spec.name}: input {i} has no gradient, torch gives {t.grad}"
        _compare(x.grad, t.grad, dtype, f"{spec.name} gradient of input {i}", spec)


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
        np.testing.assert_allclose(got.numpy().astype(np.float64), expected.double().numpy(), rtol=1e-6,
                                   err_msg=f"{na} {op} {nb}")
        checked += 1
    assert checked >= (3 if op == "matmul" else 20)  # torch's matmul takes one float dtype only


# ------------------------------------------------------------------ edge cases


def _both(torch: Any, values: Any, dtype: type) -> tuple[mg.Tensor, Any]:
    a = np.asarray(values, dtype=dtype)
    return mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _check_grad_pair(fn_mg: Any, fn_torch: Any, values: Any, dtype: type, upstream_seed: int = 0) -> None:
    """Values and gradients (random upstream) of fn on ``values`` equal PyTorch's, exactly in float64."""
    torch = require_torch()
    x, t = _both(torch, values, dtype)
    out, tout = fn_mg(x), fn_torch(t)
    _compare(out, tout, dtype, "value")
    g = np.random.default_rng(upstream_seed).standard_normal(out.shape).astype(dtype)
    out.backward(mg.tensor(g))
    tout.backward(torch.tensor(g))
    assert x.grad is not None
    _compare(x.grad, t.grad, dtype, "gradient")


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("scale", [1000.0, 1e4])
@pytest.mark.parametrize("op", ["logsumexp", "softmax", "log_softmax"])
def test_large_inputs_stay_finite_and_exact(op: str, scale: float, dtype: type) -> None:
    """Inputs of magnitude 1000 and 1e4 (where exp overflows) are finite and match torch.

    float64 matches torch to 1e-10. In float32 minigrad matches torch's float64
    result on the same data to float32 precision; torch's own float32 gradient
    of logsumexp, exp(x - out) with out rounded at magnitude 1e4, is off by up
    to ~ulp(out) = scale * 2**-23 relative, so against it the tolerance is that.
    """
    torch = require_torch()
    values = np.array([[1.0, -1.0, 0.5, 1.0], [-1.0, -0.25, -1.0, 0.0], [0.0, 0.0, 0.0, 0.0]]) * scale
    values[2] = [scale, scale - 1, scale - 2, -scale]  # nearly tied maxima, differences of order 1
    values = values.astype(dtype)
    for dim in (-1, 0):
        x = mg.tensor(values, requires_grad=True)
        out = getattr(x, op)(dim)
        g = np.random.default_rng(dim + 2).standard_normal(out.shape).astype(dtype)
        out.backward(mg.tensor(g))
        assert x.grad is not None
        assert np.isfinite(out.detach().numpy()).all() and np.isfinite(x.grad.numpy()).all()
        assert out.dtype == dtype and x.grad.dtype == dtype
        for ref_dtype in sorted({np.float64, dtype}, key=str):
            t = torch.tensor(values.astype(ref_dtype), requires_grad=True)
            tout = getattr(t, op)(dim)
            tout.backward(torch.tensor(g.astype(ref_dtype)))
            if dtype == np.float64:
                rtol, atol = TOL[np.float64]
            elif ref_dtype == np.float64:
                rtol, atol = 1e-5, 1e-6
            else:
                rtol = atol = 4 * scale * 2.0**-23
            what = f"{op}(dim={dim}) vs torch {ref_dtype.__name__}"
            np.testing.assert_allclose(out.detach().numpy(),
                                       tout.detach().numpy(), rtol=rtol, atol=atol, err_msg=what)
            np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=atol, err_msg=what)


def test_logsumexp_of_a_fully_masked_row_is_minus_inf_like_torch() -> None:
    torch = require_torch()
    values = np.array([[-np.inf, -np.inf], [0.0, -np.inf]])
    _compare(mg.tensor(values).logsumexp(1), torch.tensor(values).logsumexp(1), np.float64, "logsumexp")


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize(
    ("name", "fn_mg", "fn_torch"),
    [
        ("max()", lambda x: x.max(), lambda t: t.max()),
        ("min()", lambda x: x.min(), lambda t: t.min()),
        ("max(dim=1)", lambda x: x.max(1).values, lambda t: t.max(1).values),
        ("max(dim=0, keepdim)", lambda x: x.max(0, keepdim=True).values,
         lambda t: t.max(0, keepdim=True).values),
        ("max(dim=-1)", lambda x: x.max(-1).values, lambda t: t.max(-1).values),
        ("min(dim=1)", lambda x: x.min(1).values, lambda t: t.min(1).values),
        ("min(dim=0)", lambda x: x.min(0).values, lambda t: t.min(0).values),
        ("amax(1)", lambda x: x.amax(1), lambda t: t.amax(1)),
        ("amax((0, 1))", lambda x: x.amax((0, 1)), lambda t: t.amax((0, 1))),
        ("max((0, 1))", lambda x: x.max((0, 1)), lambda t: t.amax((0, 1))),
        ("amin(0)", lambda x: x.amin(0), lambda t: t.amin(0)),
        ("maximum", lambda x: x.maximum(x[:, :1]), lambda t: t.maximum(t[:, :1])),
        ("minimum", lambda x: x.minimum(x[:1]), lambda t: t.minimum(t[:1])),
    ],
)
def test_ties_give_torchs_gradient(name: str, fn_mg: Any, fn_torch: Any, dtype: type) -> None:
    """Ties: torch.max(x) and amax share evenly, torch.max(x, dim) gives all to the first index.

    PyTorch 2.13 on CPU picks the first of the tied maxima along the dim; maximum
    and minimum give each tied side half.
    """
    values = [[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 1.0], [3.0, 0.0, 3.0, 3.0]]
    _check_grad_pair(fn_mg, fn_torch, values, dtype)


@pytest.mark.parametrize(
    ("name", "fn"),
    [
        ("relu at 0", lambda x: x.relu()),
        ("abs at 0", lambda x: x.abs()),
        ("clamp at its bounds", lambda x: x.clamp(-1.0, 0.0)),
        ("clamp min only at its bound", lambda x: x.clamp(min=0.0)),
        ("clamp max only at its bound", lambda x: x.clamp(max=-1.0)),
        ("sqrt at 0", lambda x: (x * x).sqrt()),
        ("sign at 0", lambda x: x.sign()),
        ("pow 0 ** 0", lambda x: x**0),
        ("pow 0 ** 2", lambda x: x**2),
    ],
)
def test_kinks_give_torchs_gradient(name: str, fn: Any) -> None:
    """At the non-differentiable points minigrad picks the subgradient PyTorch picks."""
    _check_grad_pair(fn, fn, [-1.0, 0.0, 0.0, 1.0, -2.0], np.float64)


@pytest.mark.parametrize("correction", [0, 1])
def test_std_of_constant_rows_has_torchs_zero_gradient(correction: int) -> None:
    values = [[1.0, 1.0, 1.0], [1.0, 2.0, 4.0], [-3.0, -3.0, -3.0]]
    _check_grad_pair(lambda x: x.std(1, correction=correction), lambda t: t.std(1, correction=correction),
                     values, np.float64)
    _check_grad_pair(lambda x: x.std(correction=correction), lambda t: t.std(correction=correction),
                     [[2.0, 2.0]], np.float64)


def test_tensor_exponent_at_zero_base_like_torch() -> None:
    torch = require_torch()
    a = np.array([0.0, 0.0, 2.0])
    b = np.array([2.0, 0.0, 0.5])
    xa, xb = mg.tensor(a, requires_grad=True), mg.tensor(b, requires_grad=True)
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    (xa**xb).backward(mg.ones(3, dtype=mg.float64))
    (ta**tb).backward(torch.ones(3, dtype=torch.float64))
    assert xa.grad is not None and xb.grad is not None
    _compare(xa.grad, ta.grad, np.float64, "d/dbase")
    _compare(xb.grad, tb.grad, np.float64, "d/dexponent")


@pytest.mark.parametrize(
    "index",
    [
        [0, 0, 2, 0],
        (np.array([0, 1, 1]), np.array([2, 2, 2])),
        (slice(None), np.array([1, 1, -1])),
        np.array([[0, 0], [1, 0]]),
        (Ellipsis, np.array([0, 0])),
    ],
    ids=["list", "pairs", "slice+array", "2-d array", "ellipsis+array"],
)
def test_repeated_integer_indices_accumulate(index: Any) -> None:
    """x[[0, 0]] sends both upstream gradients to x[0] (scatter-add), as in torch."""
    torch = require_torch()
    values = np.arange(12.0).reshape(3, 4)
    for as_tensor in (False, True):
        mg_ix = tuple(mg.tensor(i) if as_tensor and isinstance(i, np.ndarray) else i
                      for i in (index if isinstance(index, tuple) else (index,)))
        t_ix = tuple(torch.as_tensor(np.asarray(i)) if isinstance(i, (np.ndarray, list)) else i
                     for i in (index if isinstance(index, tuple) else (index,)))
        _check_grad_pair(lambda x, ix=mg_ix: x[ix], lambda t, ix=t_ix: t[ix], values, np.float64)


def test_repeated_indices_accumulate_known_values() -> None:
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2, 0]].backward(mg.tensor([1.0, 10.0, 100.0, 1000.0]))
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), [1011.0, 0.0, 100.0])


def test_masked_fill_with_minus_inf_then_softmax_like_torch() -> None:
    """The attention pattern: masked scores get -inf, their probability and gradient are 0."""
    torch = require_torch()
    mask = np.array([[False, True, False], [False, False, True]])
    _check_grad_pair(lambda x: x.masked_fill(mg.tensor(mask), -np.inf).softmax(-1),
                     lambda t: t.masked_fill(torch.as_tensor(mask), -np.inf).softmax(-1),
                     [[0.5, 1.0, -0.5], [2.0, 0.0, 1.0]], np.float64)


# ------------------------------------------------------------------ double backward


@pytest.mark.parametrize(
    ("name", "fn"),
    [
        ("tanh", lambda x: x.tanh()),
        ("x**3", lambda x: x**3),
        ("softmax", lambda x: x.softmax(-1)),
        ("log_softmax", lambda x: x.log_softmax(0)),
        ("logsumexp", lambda x: x.logsumexp(-1)),
        ("sigmoid", lambda x: x.sigmoid()),
        ("gelu", lambda x: x.gelu() if isinstance(x, mg.Tensor) else _gelu_torch(x)),
        ("gelu tanh",
         lambda x: x.gelu(approximate="tanh") if isinstance(x, mg.Tensor) else _gelu_torch(x, "tanh")),
        ("std", lambda x: x.std(-1)),
        ("matmul", lambda x: x @ x.mT),
        ("erf", lambda x: x.erf()),
        ("sqrt of square + 1", lambda x: (x * x + 1.0).sqrt()),
    ],
)
def test_double_backward_matches_torch(name: str, fn: Any) -> None:
    """Hessian-vector products: grad(<u, J v>) with create_graph=True, against torch's double backward."""
    torch = require_torch()
    rng = np.random.default_rng(7)
    values = rng.standard_normal((3, 4))
    x, t = mg.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    y, ty = fn(x), fn(t)
    u = rng.standard_normal(y.shape)
    v = rng.standard_normal(values.shape)
    (g,) = mg.grad(y, x, mg.tensor(u), create_graph=True)
    (tg,) = torch.autograd.grad(ty, t, torch.tensor(u), create_graph=True)
    assert g is not None
    _compare(g, tg, np.float64, f"{name}: first derivative")
    (g * mg.tensor(v)).sum().backward()
    (tg * torch.tensor(v)).sum().backward()
    assert x.grad is not None
    _compare(x.grad, t.grad, np.float64, f"{name}: second derivative")


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize(
    ("shape", "dims"),
    [
        ((64, 96), (1,)),  # small: np.sum
        ((256, 64), (1,)), ((256, 64), (0,)),  # in cache: a product with a ones vector (BLAS)
        ((16, 256, 256), (2,)), ((16, 256, 256), (0, 1)), ((16, 256, 256), (1,)),  # large: einsum
        ((4096, 256), (0,)),
    ],
)
def test_partial_sums_and_means_of_every_size_match_torch(shape: tuple[int, ...], dims: tuple[int, ...],
                                                          dtype: type) -> None:
    """Sums take one of three kernels by size (_kernels.sum_over); each gives torch's values and gradients."""
    torch = require_torch()
    rng = np.random.default_rng(7)
    values = rng.standard_normal(shape).astype(dtype)
    upstream = rng.standard_normal([s for i, s in enumerate(shape) if i not in dims]).astype(dtype)
    rtol, atol = (1e-10, 1e-10) if dtype == np.float64 else (1e-4, 1e-4)
    for op in ("sum", "mean"):
        x = mg.tensor(values, requires_grad=True)
        t = torch.tensor(values, requires_grad=True)
        out, tout = getattr(x, op)(dims), getattr(t, op)(dims)
        out.backward(mg.tensor(upstream))
        tout.backward(torch.tensor(upstream))
        np.testing.assert_allclose(out.detach().numpy(),
                                   tout.detach().numpy(), rtol=rtol, atol=atol, err_msg=op)
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=atol, err_msg=op)
        assert out.dtype == x.dtype
