"""Every row of ``tests/surface_table.py`` against PyTorch: the same call in both libraries.

For each row and dtype (float64, float32) both libraries get the same data;
outputs (tensors, tuples, named tuples, Python numbers) must agree in type,
shape, dtype, values and ``requires_grad``. In float64 a random upstream
gradient is pushed back through every output that requires grad and the
inputs' gradients are compared. In-place rows are run three ways: on a plain
tensor (returns it, writes its memory), on a non-leaf that requires grad
(recorded in the graph, gradients as PyTorch's) and on a leaf that requires
grad (PyTorch's RuntimeError, in both).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch
from tests.surface_table import CASES, Case, is_float_input, make_input

TOL64 = (1e-10, 1e-12)
_IDS = [c.name for c in CASES]
_INPLACE = [c for c in CASES if c.inplace]


def _arrays(case: Case, dtype: type) -> list[np.ndarray]:
    out = []
    for k, spec in enumerate(case.inputs):
        a = make_input(spec, seed=1000 * k + 7)
        out.append(a.astype(dtype) if is_float_input(spec) else a)
    return out


def _leaves(torch: Any, arrays: list[np.ndarray], grad: bool) -> tuple[list[mg.Tensor], list[Any]]:
    xs, ts = [], []
    for a in arrays:
        rg = grad and a.dtype.kind == "f"
        xs.append(mg.tensor(a.copy(), requires_grad=rg))
        ts.append(torch.tensor(a.copy(), requires_grad=rg))
    return xs, ts


def _torch_dtype_name(t: Any) -> str:
    return str(t.dtype).removeprefix("torch.")


def _flatten(torch: Any, got: Any, want: Any, where: str) -> list[tuple[Any, Any, str]]:
    """Pair up the tensors of two outputs (nested tuples, lists, named tuples); compare the rest."""
    if isinstance(want, torch.Tensor):
        assert isinstance(got, mg.Tensor), f"{where}: got {type(got).__name__}, torch gives a Tensor"
        return [(got, want, where)]
    if isinstance(want, (tuple, list)):
        assert isinstance(got, (tuple, list)), f"{where}: got {type(got).__name__}, torch gives a sequence"
        assert len(got) == len(want), f"{where}: {len(got)} outputs, torch gives {len(want)}"
        fields = getattr(type(want), "__match_args__", ())  # torch.return_types: named fields
        for i, f in enumerate(fields):
            assert getattr(got, f, None) is got[i], f"{where}: no field .{f} (torch.return_types)"
        if fields:
            assert type(got).__name__ == type(want).__name__, f"{where}: {type(got).__name__} result"
        pairs = []
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            pairs += _flatten(torch, g, w, f"{where}[{i}]")
        return pairs
    if isinstance(want, torch.Size):
        assert tuple(got) == tuple(want), f"{where}: {got} != torch's {want}"
        return []
    if isinstance(want, torch.dtype):
        assert got == getattr(mg, str(want).removeprefix("torch.")), f"{where}: {got} != torch's {want}"
        return []
    assert type(got) is type(want), f"{where}: {type(got).__name__} != torch's {type(want).__name__}"
    assert got == want, f"{where}: {got!r} != torch's {want!r}"
    return []


def _compare(got: mg.Tensor, want: Any, dtype: type, case: Case, where: str, zero_signs: bool = True) -> None:
    e = want.detach().numpy(force=True)  # (force: torch hands some zero gradients as lazy "ZeroTensors")
    assert got.shape == tuple(e.shape), f"{where}: shape {got.shape} != torch's {tuple(e.shape)}"
    assert got.dtype.name == _torch_dtype_name(want), f"{where}: dtype {got.dtype} != torch's {want.dtype}"
    a = got.detach().numpy()
    if e.dtype.kind in "biu":
        np.testing.assert_array_equal(a, e, err_msg=where)
        return
    rtol, atol = (case.rtol32, case.atol32)
    if dtype == np.float64 and e.dtype == np.float64:
        rtol, atol = case.rtol64, TOL64[1]
    if e.dtype == np.float16:
        rtol, atol = 1e-3, 1e-3
    np.testing.assert_allclose(a, e, rtol=rtol, atol=atol, err_msg=where)
    if zero_signs:  # (values: -0.0 ** -1 is -inf; gradients' zero signs carry no meaning)
        zero = (e == 0) & (a == 0)
        same = (np.signbit(a[zero]) == np.signbit(e[zero])).all()
        assert same, f"{where}: signs of zeros differ from torch's"


def _check_outputs(torch: Any, out: Any, tout: Any, dtype: type, case: Case) -> list[tuple[Any, Any, str]]:
    pairs = _flatten(torch, out, tout, case.name)
    for got, want, where in pairs:
        _compare(got, want, dtype, case, where)
        if case.check_requires_grad:
            assert got.requires_grad == want.requires_grad, (
                f"{where}: requires_grad {got.requires_grad}, torch's {want.requires_grad}")
    return pairs


def _backward_and_compare(torch: Any, pairs: list[tuple[Any, Any, str]], xs: list[mg.Tensor], ts: list[Any],
                          case: Case) -> None:
    diff = [(g, w) for g, w, _ in pairs if w.requires_grad and w.dtype.is_floating_point]
    if not diff or not case.grad:
        return
    rng = np.random.default_rng(3)
    ups = [rng.standard_normal(tuple(w.shape)) for _, w in diff]
    mg.autograd.backward([g for g, _ in diff], [mg.tensor(u) for u in ups])
    torch.autograd.backward([w for _, w in diff], [torch.tensor(u) for u in ups])
    for i, (x, t) in enumerate(zip(xs, ts, strict=True)):
        if t.grad is None:
            assert x.grad is None or not x.grad.numpy().any(), f"{case.name}: input {i} got a gradient"
            continue
        assert x.grad is not None, f"{case.name}: input {i} has no gradient, torch gives {t.grad}"
        _compare(x.grad, t.grad, np.float64, case, f"{case.name}: gradient of input {i}", zero_signs=False)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", CASES, ids=_IDS)
def test_surface_matches_torch(case: Case, dtype: type) -> None:
    """Values, dtypes and shapes as PyTorch's; float64 gradients as PyTorch's."""
    torch = require_torch()
    if dtype == np.float32 and not case.float32:
        pytest.skip("float64 only")
    arrays = _arrays(case, dtype)
    grad = dtype == np.float64 and not case.inplace
    xs, ts = _leaves(torch, arrays, grad)
    if case.inplace:  # mutate copies: the leaves stay as they were
        tout = case.call(torch, *[t.clone() for t in ts])
        out = case.call(mg, *[x.clone() for x in xs])
    else:
        tout = case.call(torch, *ts)
        out = case.call(mg, *xs)
    pairs = _check_outputs(torch, out, tout, dtype, case)
    if grad:
        _backward_and_compare(torch, pairs, xs, ts, case)
    for x, a in zip(xs, arrays, strict=True):  # out-of-place ops leave their inputs alone
        np.testing.assert_array_equal(x.detach().numpy(), a, err_msg=f"{case.name} mutated an input")


@pytest.mark.parametrize("case", _INPLACE, ids=[c.name for c in _INPLACE])
def test_inplace_writes_memory_and_returns_self(case: Case) -> None:
    """x.op_(...) returns x itself and writes x's memory (a numpy view of it sees the change)."""
    torch = require_torch()
    arrays = _arrays(case, np.float64)
    xs, ts = _leaves(torch, arrays, grad=False)
    view = xs[0].numpy()
    before_id = id(xs[0])
    out = case.call(mg, *xs)
    tout = case.call(torch, *ts)
    assert out is xs[0] and id(out) == before_id, f"{case.name} did not return self"
    assert tout is ts[0]
    _compare(xs[0], ts[0], np.float64, case, f"{case.name}: the mutated tensor")
    assert np.shares_memory(view, xs[0].numpy()), f"{case.name} replaced the tensor's memory"
    if xs[0].shape == view.shape:  # t_/squeeze_/unsqueeze_ change the shape, not the values
        np.testing.assert_array_equal(view, xs[0].numpy(), err_msg=f"{case.name} did not write in place")


_GRAD_INPLACE = [c for c in _INPLACE if c.grad and is_float_input(c.inputs[0])]


@pytest.mark.parametrize("case", _GRAD_INPLACE, ids=[c.name for c in _GRAD_INPLACE])
def test_inplace_on_a_non_leaf_is_recorded(case: Case) -> None:
    """y = x * 1; y.op_(...): y's graph now runs through the op, gradients as PyTorch's."""
    torch = require_torch()
    arrays = _arrays(case, np.float64)
    xs, ts = _leaves(torch, arrays, grad=True)
    y, ty = xs[0] * 1, ts[0] * 1
    out = case.call(mg, y, *xs[1:])
    tout = case.call(torch, ty, *ts[1:])
    assert out is y
    pairs = _check_outputs(torch, out, tout, np.float64, case)
    _backward_and_compare(torch, pairs, xs, ts, case)


@pytest.mark.parametrize("case", _GRAD_INPLACE, ids=[c.name for c in _GRAD_INPLACE])
def test_inplace_on_a_leaf_that_requires_grad_raises(case: Case) -> None:
    """PyTorch refuses in-place ops on such leaves outside no_grad (RuntimeError); so does minigrad."""
    torch = require_torch()
    arrays = _arrays(case, np.float64)
    xs, ts = _leaves(torch, arrays, grad=True)
    with pytest.raises(RuntimeError):
        case.call(torch, *ts)
    with pytest.raises(RuntimeError, match="leaf"):
        case.call(mg, *xs)
    np.testing.assert_array_equal(xs[0].detach().numpy(), arrays[0])
    with mg.no_grad():  # allowed there, as in PyTorch
        case.call(mg, *xs)
    assert xs[0].is_leaf and xs[0].requires_grad


# ------------------------------------------------------------------ Python protocols


def test_format_of_one_element_tensors() -> None:
    torch = require_torch()
    for v in ([2.34567], 2.34567, 3):
        for spec in (".4f", ".2e", "", "8.3f"):
            if isinstance(v, int) and spec and spec[-1] in "fe":
                spec = "04d"
            if spec == "" and isinstance(v, list):
                continue  # the repr: tests/parity/test_tensor_repr.py
            if isinstance(v, list):  # a format spec needs a 0-d tensor, in PyTorch too
                with pytest.raises(TypeError):
                    format(torch.tensor(v), spec)
                with pytest.raises(TypeError):
                    format(mg.tensor(v), spec)
                continue
            assert format(mg.tensor(v), spec) == format(torch.tensor(v), spec)
    loss = mg.tensor(0.123456, dtype=mg.float64)
    assert f"{loss:.4f}" == "0.1235"
    assert f"step {1}: {loss.item():.3f}" == "step 1: 0.123"


def test_array_protocol() -> None:
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    a = np.asarray(x)
    assert a.dtype == np.float32 and a.shape == (2, 2)
    np.testing.assert_array_equal(np.array(x, dtype=np.float64), [[1, 2], [3, 4]])
    assert np.array(x, dtype=np.float64).dtype == np.float64
    assert float(np.sum(x)) == 10.0
    c = np.array(x, copy=True)
    c[0, 0] = 9
    assert x[0, 0].item() == 1.0


def test_len_iter_contains_bool() -> None:
    torch = require_torch()
    v = [[1.0, 2.5], [3.0, 4.0], [5.0, 6.0]]
    x, t = mg.tensor(v), torch.tensor(v)
    assert len(x) == len(t) == 3
    rows = list(x)
    assert len(rows) == 3 and all(isinstance(r, mg.Tensor) and r.shape == (2,) for r in rows)
    np.testing.assert_array_equal(rows[1].numpy(), [3.0, 4.0])
    for probe in (2.5, 7, 3, mg.tensor(4.0)):
        tp = torch.tensor(probe.item()) if isinstance(probe, mg.Tensor) else probe
        assert (probe in x) == (tp in t)
    with pytest.raises(RuntimeError):
        _ = "a" in x
    for fn in (len, iter):
        with pytest.raises(TypeError):
            fn(mg.tensor(1.0))
    assert bool(mg.tensor([0.5])) is True and bool(mg.tensor(0.0)) is False
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(x)
    a, b = mg.tensor([1, 2])  # unpacking as in PyTorch
    assert a.item() == 1 and b.item() == 2


def test_item_tolist_numpy_and_sizes() -> None:
    torch = require_torch()
    v = [[1.5, 2.0, 3.0], [4.0, 5.0, 6.0]]
    for dt in ("float32", "float64", "int64", "int32", "int16", "int8", "uint8", "bool", "float16"):
        x, t = mg.tensor(v, dtype=getattr(mg, dt)), torch.tensor(v, dtype=getattr(torch, dt))
        assert x.tolist() == t.tolist()
        assert type(x[0, 1].item()) is type(t[0, 1].item())
        assert x[1, 2].item() == t[1, 2].item()
        assert x.element_size() == t.element_size(), dt
        assert x.nelement() == x.numel() == t.nelement() == 6
        assert x.dim() == x.ndimension() == 2
        assert x.numpy().dtype == t.numpy().dtype
    assert mg.tensor(2.5).tolist() == 2.5
    s = mg.tensor(v).size()
    assert s == (2, 3) and s[1] == 3 and mg.tensor(v).size(-1) == 3
