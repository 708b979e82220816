"""PyTorch semantics where minigrad used to differ (issue 12, item 5), each against PyTorch.

max(dim)/min(dim) named tuples; in-place ops and item assignment recorded in
the graph on non-leaves and refused on leaves that require grad; indexing
where PyTorch differs from numpy (an int is a basic index, a ``range`` is a
list, ``N[i, j] += 1`` on integer tensors); the IEEE edge cases of pow with
their gradients; ``split`` with a list of sizes; ``unflatten``.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

TOL = {np.float64: (1e-10, 1e-12), np.float32: (1e-6, 1e-7)}


def _same(got: mg.Tensor, want: Any, what: str, dtype: Any = np.float64, zero_signs: bool = True) -> None:
    e = want.detach().numpy()
    assert got.shape == tuple(e.shape), f"{what}: shape {got.shape} != torch's {tuple(e.shape)}"
    assert got.dtype.name == str(want.dtype).removeprefix("torch."), f"{what}: {got.dtype} vs {want.dtype}"
    a = got.detach().numpy()
    rtol, atol = TOL.get(dtype, (0, 0))
    np.testing.assert_allclose(a, e, rtol=rtol, atol=atol, err_msg=what)
    if zero_signs and "gradient" not in what:
        zero = (a == 0) & (e == 0)
        assert (np.signbit(a[zero]) == np.signbit(e[zero])).all(), f"{what}: signs of zeros differ"


def _pair(torch: Any, values: Any, requires_grad: bool = True,
          dtype: Any = np.float64) -> tuple[mg.Tensor, Any]:
    a = np.asarray(values, dtype=dtype)
    return mg.tensor(a, requires_grad=requires_grad), torch.tensor(a, requires_grad=requires_grad)


# ------------------------------------------------------------------ max(dim) and min(dim)


@pytest.mark.parametrize("fn", ["max", "min"])
def test_max_min_with_a_dim_return_values_and_indices(fn: str) -> None:
    torch = require_torch()
    v = [[1.0, 5.0, 3.0], [7.0, 2.0, 7.0]]
    x, t = _pair(torch, v)
    r, tr = getattr(x, fn)(1), getattr(t, fn)(1)
    assert isinstance(r, tuple) and len(r) == 2
    assert type(r).__name__ == fn and type(r) is getattr(mg.return_types, fn)
    values, indices = r
    assert values is r.values and indices is r.indices and r[0] is r.values
    _same(values, tr.values, "values")
    np.testing.assert_array_equal(indices.numpy(), tr.indices.numpy())
    assert indices.dtype == mg.int64 and not indices.requires_grad
    r.values.sum().backward()
    tr.values.sum().backward()
    _same(x.grad, t.grad, "gradient")  # type: ignore[arg-type]
    assert "values=" in repr(r) and "indices=" in repr(r)
    k = getattr(mg, fn)(x, dim=0, keepdim=True)
    assert k.values.shape == (1, 3) and k.indices.shape == (1, 3)
    assert isinstance(getattr(x, fn)(), mg.Tensor)  # no dim: the value alone


# ------------------------------------------------------------------ in-place ops in the graph


def _grads_match(torch: Any, build: Any, values: Any, extra: Any = None) -> None:
    """Run ``build(lib, x[, w])`` in both libraries; compare the result and the gradients."""
    x, t = _pair(torch, values)
    args_mg, args_t = [x], [t]
    if extra is not None:
        w, tw = _pair(torch, extra)
        args_mg.append(w)
        args_t.append(tw)
    out, tout = build(mg, *args_mg), build(torch, *args_t)
    _same(out, tout, "value")
    g = np.random.default_rng(0).standard_normal(tuple(tout.shape))
    out.backward(mg.tensor(g))
    tout.backward(torch.tensor(g))
    for i, (a, b) in enumerate(zip(args_mg, args_t, strict=True)):
        if b.grad is None:
            assert a.grad is None, f"input {i} got a gradient, torch gives none"
        else:
            _same(a.grad, b.grad, f"gradient of input {i}")  # type: ignore[arg-type]


def _setitem_scalar(m: Any, x: Any) -> Any:
    y = x * 2
    y[0, 1] = 5.0
    y[:, 2] = -1.0
    return y


def _setitem_tensor(m: Any, x: Any, w: Any) -> Any:
    y = x * 1
    y[1] = w[0]
    y[m.tensor([0, 2]), 0] = w[:2, 1] * 3
    return y


def _setitem_duplicates(m: Any, x: Any) -> Any:
    y = x + 0
    y[[0, 0, 2], [1, 1, 3]] = 7.0
    return y


def _augmented_setitem(m: Any, x: Any) -> Any:
    n = x.shape[0]
    probs = m.softmax(x, 1)
    d = probs.clone()
    d[range(n), m.tensor([1, 0, 3])] -= 1
    d /= n
    return d


def _residual(m: Any, x: Any, w: Any) -> Any:
    h = x @ w.t()
    h += x
    h.mul_(2.0)
    h.relu_()  # relu_ saves its output: the last in-place op on h (else PyTorch refuses too)
    return h


def _buffer_gets_a_grad_value(m: Any, x: Any, w: Any) -> Any:
    buf = m.zeros(3, 4, dtype=x.dtype)
    buf[0] = w[0]
    buf[1:] = x[1:] * 2
    assert buf.requires_grad and not buf.is_leaf
    return buf


def _inplace_chain(m: Any, x: Any) -> Any:
    y = x.tanh()
    z = y * 1  # tanh saved its output y, so modify a copy
    z.sub_(1).mul_(-2.0).add_(x).clamp_(max=1.2)
    z[0] += z[1]
    return z.exp_()  # exp_ saves its output: the last in-place op


@pytest.mark.parametrize(
    ("build", "extra"),
    [(_setitem_scalar, None), (_setitem_tensor, [[0.5, -1.0, 2.0, 0.25]] * 3),
     (_setitem_duplicates, None), (_augmented_setitem, None),
     (_residual, [[0.5, -1.0, 2.0, 0.25], [1.0, 0.5, -0.5, 1.5], [0.1, 0.2, 0.3, 0.4],
                  [2.0, -2.0, 1.0, 0.0]]),
     (_buffer_gets_a_grad_value, [[0.5, -1.0, 2.0, 0.25]] * 3), (_inplace_chain, None)],
    ids=["setitem scalar", "setitem tensor", "setitem duplicates", "dlogits[range(n), y] -= 1",
         "residual += and relu_", "a buffer gets a graph value", "chain of in-place ops"],
)
def test_inplace_on_non_leaves_is_recorded(build: Any, extra: Any) -> None:
    torch = require_torch()
    values = [[0.3, -1.2, 0.8, 2.0], [-0.4, 0.9, -1.7, 0.6], [1.1, 0.2, -0.3, -0.9]]
    _grads_match(torch, build, values, extra)


def test_dlogits_manual_backprop_pattern_values() -> None:
    """makemore-style manual backprop: softmax, subtract 1 at the targets, divide by n."""
    torch = require_torch()
    logits = np.random.default_rng(1).standard_normal((5, 7))
    y = [3, 0, 6, 6, 1]
    x, t = _pair(torch, logits)
    for lib, inp in ((mg, x), (torch, t)):
        d = lib.nn.functional.softmax(inp, 1)
        d[range(5), lib.tensor(y)] -= 1
        d /= 5
        if lib is mg:
            got = d
        else:
            want = d
    _same(got, want, "dlogits")
    loss = mg.nn.functional.cross_entropy(x, mg.tensor(y))
    (g,) = mg.grad(loss, x)
    np.testing.assert_allclose(g.numpy(), got.detach().numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    "mutate",
    [lambda x: x.add_(1), lambda x: x.mul_(2), lambda x: x.zero_(), lambda x: x.fill_(1.0),
     lambda x: x.__setitem__(0, 1.0), lambda x: x.__iadd__(1), lambda x: x.clamp_(0), lambda x: x.exp_(),
     lambda x: x.copy_(mg.ones(3) if isinstance(x, mg.Tensor) else x.new_ones(3))],
    ids=["add_", "mul_", "zero_", "fill_", "setitem", "+=", "clamp_", "exp_", "copy_"],
)
def test_inplace_on_a_leaf_that_requires_grad_raises_runtime_error(mutate: Any) -> None:
    torch = require_torch()
    x, t = _pair(torch, [1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        mutate(t)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        mutate(x)
    np.testing.assert_array_equal(x.detach().numpy(), [1.0, 2.0, 3.0])
    with mg.no_grad():
        mutate(x)  # optimizers do exactly this
    with torch.no_grad():
        mutate(t)
    _same(x, t, "updated under no_grad")
    assert x.is_leaf and x.requires_grad and x.grad_fn is None


def test_modifying_a_saved_tensor_is_caught_like_torch() -> None:
    torch = require_torch()
    for lib in (torch, mg):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        a = x * 1
        b = a * a  # saves a
        a.add_(1)
        with pytest.raises(RuntimeError, match=r"modified by an in-?place operation"):
            b.sum().backward()


def test_inplace_bumps_version_and_keeps_identity() -> None:
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    v = y._version
    arr = y.detach().numpy()
    assert y.add_(1) is y
    assert y._version == v + 1 and y.grad_fn is not None and not y.is_leaf
    np.testing.assert_array_equal(arr, [3.0, 5.0])  # the same memory was written


# ------------------------------------------------------------------ indexing as PyTorch


_INDICES = [
    (1, slice(None), [0, 2]),
    (slice(None), 1, [0, 1]),
    ([0, 1], slice(None), [1, 2]),
    ([0, 1], 2, [1, 3]),
    (range(2),),
    (slice(None), range(0, 3, 2), 1),
    (1, range(1, 3)),
    (-1, [2, 0], slice(1, None)),
    (None, 1, [0, 0]),
    (Ellipsis, [1]),
    (1, Ellipsis, [0, 3]),
    ([[0], [1]], [[0, 2]]),
    (slice(None), [True, False, True], 0),
]


@pytest.mark.parametrize("index", _INDICES, ids=[repr(i) for i in _INDICES])
def test_indexing_follows_torch(index: tuple[Any, ...]) -> None:
    torch = require_torch()
    values = np.arange(24.0).reshape(2, 3, 4)
    x, t = _pair(torch, values)
    out, tout = x[index], t[index]
    _same(out, tout, f"x[{index!r}]")
    g = np.random.default_rng(2).standard_normal(tuple(tout.shape))
    out.backward(mg.tensor(g))
    tout.backward(torch.tensor(g))
    _same(x.grad, t.grad, "gradient")  # type: ignore[arg-type]


@pytest.mark.parametrize("index", _INDICES, ids=[repr(i) for i in _INDICES])
def test_setitem_indexing_follows_torch(index: tuple[Any, ...]) -> None:
    torch = require_torch()
    values = np.arange(24.0).reshape(2, 3, 4)
    x, t = mg.tensor(values), torch.tensor(values)
    shape = tuple(t[index].shape)
    v = np.random.default_rng(3).standard_normal(shape)
    x[index] = mg.tensor(v)
    t[index] = torch.tensor(v)
    _same(x, t, f"x[{index!r}] = v")
    x[index] = 0.5
    t[index] = 0.5
    _same(x, t, f"x[{index!r}] = 0.5")


def test_counting_into_an_integer_tensor() -> None:
    """The bigram loop: N[ix1, ix2] += 1 with ints and 0-d integer tensors."""
    torch = require_torch()
    words = ["emma", "olivia", "ava", "isabella", "sophia", "mia"]
    chars = sorted(set("".join(words)))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi["."] = 0
    counts = []
    for lib in (mg, torch):
        n = lib.zeros((len(stoi), len(stoi)), dtype=lib.int32)
        for w in words:
            cs = [".", *list(w), "."]
            for c1, c2 in itertools.pairwise(cs):
                n[stoi[c1], stoi[c2]] += 1
                n[lib.tensor(stoi[c1]), lib.tensor(stoi[c2])] += 0
        counts.append(n)
    assert counts[0].dtype == mg.int32
    np.testing.assert_array_equal(counts[0].numpy(), counts[1].numpy())
    p = (counts[0] + 1).float()
    p /= p.sum(1, keepdims=True)
    tp = (counts[1] + 1).float()
    tp /= tp.sum(1, keepdims=True)
    _same(p, tp, "normalized rows", np.float32)


def test_advanced_assignment_with_repeats_is_not_accumulated() -> None:
    torch = require_torch()
    x, t = mg.zeros(5, dtype=mg.int64), torch.zeros(5, dtype=torch.int64)
    x[[1, 1, 3]] += 1
    t[[1, 1, 3]] += 1
    np.testing.assert_array_equal(x.numpy(), t.numpy())


# ------------------------------------------------------------------ pow edge cases


_BASES = [-np.inf, np.inf, 0.0, -0.0, -2.0, 2.0, np.nan, -0.5, 0.5]
_EXPONENTS = [-3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3, 2.5]


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("p", _EXPONENTS)
def test_pow_ieee_edge_cases_like_torch(p: float, dtype: Any) -> None:
    """(-inf) ** p, 0 ** negative, -0.0 ** odd, nan, and their gradients, for Python and tensor exponents."""
    torch = require_torch()
    for kind in ("scalar", "tensor"):
        x, t = _pair(torch, _BASES, dtype=dtype)
        if kind == "scalar":
            out, tout = x**p, t**p
        else:
            pe = np.full(len(_BASES), p, dtype=dtype)
            out, tout = x ** mg.tensor(pe), t ** torch.tensor(pe)
        _same(out, tout, f"{kind} x ** {p}", dtype)
        out.backward(mg.ones(len(_BASES), dtype=x.dtype))
        tout.backward(torch.ones(len(_BASES), dtype=t.dtype))
        _same(x.grad, t.grad, f"gradient of {kind} x ** {p}", dtype)  # type: ignore[arg-type]


def test_pow_gradient_with_respect_to_the_exponent_at_edge_bases() -> None:
    torch = require_torch()
    base = np.array([0.0, 0.0, -0.0, 2.0, np.inf, 0.5])
    exps = np.array([2.0, -1.0, 0.0, 0.5, -1.0, 3.0])
    xb, tb = mg.tensor(base), torch.tensor(base)
    xe, te = mg.tensor(exps, requires_grad=True), torch.tensor(exps, requires_grad=True)
    (xb**xe).sum().backward()
    (tb**te).sum().backward()
    _same(xe.grad, te.grad, "d/d exponent")  # type: ignore[arg-type]
    xe2, te2 = mg.tensor(exps, requires_grad=True), torch.tensor(exps, requires_grad=True)
    (2.0**xe2).sum().backward()
    (2.0**te2).sum().backward()
    _same(xe2.grad, te2.grad, "d/d exponent of 2 ** x")  # type: ignore[arg-type]


# ------------------------------------------------------------------ split and unflatten


def test_split_with_a_list_of_sizes() -> None:
    torch = require_torch()
    x, t = _pair(torch, np.arange(20.0).reshape(4, 5))
    for sizes, dim in (([2, 3], 1), ([1, 0, 3], 0), ((4,), 0), ([5], -1)):
        parts, tparts = x.split(sizes, dim), t.split(sizes, dim)
        assert isinstance(parts, tuple) and len(parts) == len(tparts)
        for a, b in zip(parts, tparts, strict=True):
            _same(a, b, f"split({sizes}, {dim})")
    parts = mg.split(x, [1, 3])
    sum((p * (i + 1)).sum() for i, p in enumerate(parts)).backward()
    tparts = torch.split(t, [1, 3])
    sum((p * (i + 1)).sum() for i, p in enumerate(tparts)).backward()
    _same(x.grad, t.grad, "gradient")  # type: ignore[arg-type]
    for bad in ([2, 2], [3, 3], [-1, 5]):
        with pytest.raises(RuntimeError):
            t.split(bad, 1)
        with pytest.raises(RuntimeError, match="split"):
            x.split(bad, 1)


def test_unflatten() -> None:
    torch = require_torch()
    x, t = _pair(torch, np.arange(24.0).reshape(2, 12))
    for dim, sizes in ((1, (3, 4)), (-1, (2, -1, 3)), (0, (1, 2)), (1, [12])):
        _same(x.unflatten(dim, sizes), t.unflatten(dim, sizes), f"unflatten({dim}, {sizes})")
    with pytest.raises(RuntimeError):
        t.unflatten(1, (5, -1))
    with pytest.raises(RuntimeError):
        x.unflatten(1, (5, -1))


# ------------------------------------------------------------------ error classes of the new ops


def test_integer_division_by_zero_raises_like_torch() -> None:
    torch = require_torch()
    for fn in (lambda a, b: a // b, lambda a, b: a % b, lambda a, b: a.div(b, rounding_mode="trunc")):
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            fn(torch.tensor([1, 2]), torch.tensor([0, 1]))
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            fn(mg.tensor([1, 2]), mg.tensor([0, 1]))


def test_integer_division_of_two_bools_is_not_implemented_like_torch() -> None:
    torch = require_torch()
    fns = (lambda a, b: a // b, lambda a, b: a % b, lambda a, b: a.div(b, rounding_mode="trunc"),
           lambda a, b: a.div(b, rounding_mode="floor"), lambda a, b: a.fmod(b))
    for fn in fns:
        for lib in (torch, mg):
            with pytest.raises(NotImplementedError, match="not implemented for 'Bool'"):
                fn(lib.tensor([True, False]), lib.tensor([True, True]))
        # one bool operand is promoted and divides as usual
        np.testing.assert_array_equal(fn(mg.tensor([7, -7]), mg.tensor([True, True])).numpy(),
                                      fn(torch.tensor([7, -7]), torch.tensor([True, True])).numpy())


def test_bitwise_ops_refuse_floats_like_torch() -> None:
    torch = require_torch()
    for fn in (lambda a: a & 1, lambda a: a | a, lambda a: a ^ a, lambda a: a << 1, lambda a: a >> a,
               lambda a: ~a, lambda a: a.bitwise_not(), lambda a: a.bitwise_left_shift(2)):
        with pytest.raises((RuntimeError, TypeError)) as expected:  # NotImplementedError, TypeError for ~
            fn(torch.tensor([1.5]))
        with pytest.raises(type(expected.value)):
            fn(mg.tensor([1.5]))


def test_shifts_by_the_width_or_more_as_torch() -> None:
    torch = require_torch()
    a = np.array([1, -8, 5, -1])
    s = np.array([64, 70, 63, 65])
    x, t = mg.tensor(a), torch.tensor(a)
    np.testing.assert_array_equal((x << mg.tensor(s)).numpy(), (t << torch.tensor(s)).numpy())
    np.testing.assert_array_equal((x >> mg.tensor(s)).numpy(), (t >> torch.tensor(s)).numpy())
