"""Type promotion, reductions, indexing and nn.functional against PyTorch 2.13: the disagreements fuzz54's
differential fuzzers (one random call run under torch and under minigrad, values, dtypes, gradients and
error classes compared) found."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = pytest.importorskip("torch")


def _run(lib: Any, fn: Any, arrays: list[Any]) -> Any:
    """('ok', [(dtype name, values)...], [input grads]) or ('err', the builtin classes of the error)."""
    ins = [lib.tensor(a, requires_grad=a.dtype.kind == "f") if isinstance(a, np.ndarray) else a
           for a in arrays]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn(lib, *ins)
    except Exception as e:
        return "err", {c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins"} - {
            "Exception", "BaseException", "object"}
    outs = tuple(out) if isinstance(out, tuple) else (out,)
    got = [(str(o.dtype).split(".")[-1], o.detach().numpy().copy()) for o in outs]
    leaves = [t for t in ins if hasattr(t, "requires_grad") and t.requires_grad]
    floats = [o for o in outs if o.requires_grad]
    grads = []
    if leaves and floats:
        rng = np.random.default_rng(0)
        sum(((o * lib.tensor(rng.standard_normal(tuple(o.shape))).to(o.dtype)).sum() for o in floats),
            start=lib.tensor(0.0)).backward()
        grads = [None if t.grad is None else t.grad.numpy().copy() for t in leaves]
    return "ok", got, grads


def _same(fn: Any, *arrays: Any) -> None:
    """fn(torch, *tensors) and fn(mg, *tensors): the same dtypes, values and input gradients, or an error
    of minigrad's that is an instance of each builtin class PyTorch's is."""
    require_torch()
    a, b = _run(torch, fn, list(arrays)), _run(mg, fn, list(arrays))
    assert a[0] == b[0], (a, b)
    if a[0] == "err":
        assert a[1] <= b[1], (a, b)
        return
    for (da, va), (db, vb) in zip(a[1], b[1], strict=True):
        assert da == db, (da, db)
        np.testing.assert_allclose(vb, va, rtol=1e-6, atol=1e-6)
    for ga, gb in zip(a[2], b[2], strict=True):
        assert (ga is None) == (gb is None)
        if ga is not None:
            np.testing.assert_allclose(gb, ga, rtol=1e-6, atol=1e-6)


TIES = np.array([[[1, 2, 2], [2, 1, 0]], [[2, 1, 0], [-1, 2, np.nan]], [[0, 0, 2], [1, 1, 1]]])


@pytest.mark.parametrize("op", ["quantile", "nanquantile"])
@pytest.mark.parametrize("q", [0.0, 0.5, 1.0])
def test_quantile_gradient_goes_to_the_tied_value_pytorchs_unstable_sort_picks(op: str, q: float) -> None:
    # PyTorch sorts with std::sort (unstable beyond 16 elements): of equal values, its pick gets the grad
    _same(lambda lib, x: getattr(lib, op)(x, q), TIES)
    _same(lambda lib, x: getattr(lib, op)(x.reshape(1, -1).expand(2, -1), q, dim=1, interpolation="lower"),
          np.nan_to_num(TIES))


@pytest.mark.parametrize("case", [
    ((3, 2), [0, 1], (2, 3)),  # slices differ: RuntimeError
    ((3, 2), [0, 1], (3, 2)),  # 2 indices for 3 rows: IndexError
    ((3, 2), [0, 1], (2,)),  # dimensionality: IndexError
    ((3, 2), [0, 1], (2, 2, 1)),
    ((3, 2), [0], ()),  # a scalar source for a 2-d input: the slices differ
    ((3, 2), [0, 1], ()),  # a scalar source and 2 indices: IndexError
    ((3, 2), [[0, 1]], (2, 2)),  # a 2-d index: IndexError
    ((0,), [], (1,)),
    ((), [0], (1,)),
    ((3, 2), [2, 0], (2, 2)),
])
def test_index_copy_checks_shapes_as_pytorch(case: Any) -> None:
    shape, index, source = case
    rng = np.random.default_rng(1)
    _same(lambda lib, x, s: x.index_copy(0, lib.tensor(index, dtype=lib.int64), s),
          rng.standard_normal(shape), rng.standard_normal(source))


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_index_reduce_of_bools(reduce: str, include_self: bool) -> None:
    # PyTorch reduces bools of 2 dims or more with include_self (prod and amin an and, amax an or); mean,
    # the exclude-self kernels and the 1-D kernel raise its NotImplementedError
    x = np.array([[True, False, True], [False, False, True], [True, True, True]])
    s = np.array([[True, True, False], [False, True, True]])
    _same(lambda lib, a, b: a.index_reduce(0, lib.tensor([1, 1]), b, reduce, include_self=include_self), x, s)
    _same(lambda lib, a, b: a.index_reduce(1, lib.tensor([2, 0, 2]), b.T, reduce, include_self=include_self),
          x, s[:, :3])
    _same(lambda lib, a, b: a.index_reduce(0, lib.tensor([1, 1]), b, reduce, include_self=include_self),
          x[0], s[:, 0])


def test_kthvalue_of_a_0d_bool() -> None:
    _same(lambda lib, x: lib.kthvalue(x, 1), np.array(True))
    _same(lambda lib, x: lib.kthvalue(x, 1, 0, True), np.array(False))
    _same(lambda lib, x: lib.kthvalue(x, 1), np.array([True, False]))  # (1-D: no bool kernel)


@pytest.mark.parametrize("shape_dims", [((1, 1, 1, 1), [3, -5]), ((2, 2), [-2, 2]), ((2, 2), [1, -1]),
                                        ((2, 2), [0, 2]), ((2, 3, 4), [0, -3]), ((2, 3, 4), [-1, 3])])
def test_rot90_dims_out_of_range_raise_index_error(shape_dims: Any) -> None:
    # PyTorch tests dims "different" by |dim0 - dim1| == ndim, then their range (an IndexError)
    shape, dims = shape_dims
    _same(lambda lib, x: lib.rot90(x, 1, dims), np.zeros(shape))


@pytest.mark.parametrize("case", [
    ("reflect", (1,), (-1, -2)), ("circular", (2, 3, 1), (3, -2, 0, -1, 3, 0)),
    ("replicate", (2, 2), (1, -2, -2, -2)), ("circular", (4, 2, 4, 2), (-2, -2)),
    ("reflect", (2, 3, 4), (-1, -1)), ("replicate", (2, 3, 4), (-3, -2)),
])
def test_pad_checks_the_rank_before_negative_pads(case: Any) -> None:
    # PyTorch's NotImplementedError for a pad length that does not fit the rank comes first
    mode, shape, pad = case
    _same(lambda lib, x: lib.nn.functional.pad(x, pad, mode), np.ones(shape))


@pytest.mark.parametrize("call", [
    lambda lib, x, y: lib.nn.functional.pairwise_distance(x, y, p=0),
    lambda lib, x, y: lib.norm(x, p=0) * 2 + y.sum(),
    lambda lib, x, y: lib.linalg.vector_norm(x, ord=0, dim=-1, keepdim=True) + y,
    lambda lib, x, y: x.norm(0, dim=(0, 1)) * y.sum(),
])
def test_zero_norm_leaves_grad_none(call: Any) -> None:
    # PyTorch's norm backward returns an undefined gradient for p = 0: x.grad stays None (an optimizer
    # then skips x: no weight decay), not zeros
    require_torch()
    got = []
    for lib in (torch, mg):
        x = lib.tensor([[1.0, 0.0, 3.0], [0.0, 0.0, 2.0]], requires_grad=True)
        y = lib.tensor([[0.5], [1.5]], requires_grad=True)
        out = call(lib, x, y)
        out.sum().backward()
        got.append((out.detach().numpy(), x.grad, None if y.grad is None else y.grad.numpy()))
    (va, ga, ya), (vb, gb, yb) = got
    np.testing.assert_array_equal(vb, va)
    assert (ya is None) == (yb is None)
    if ya is not None:
        np.testing.assert_array_equal(yb, ya)
    assert ga is None and gb is None


@pytest.mark.parametrize("fn", ["adaptive_avg_pool1d", "adaptive_max_pool1d", "adaptive_avg_pool2d",
                                "adaptive_max_pool3d"])
@pytest.mark.parametrize("size", [None, (None,), [None], (3, None), (None, 2)])
def test_adaptive_pool_sizes_of_none(fn: str, size: Any) -> None:
    # None keeps a size only inside the tuple of a 2d or 3d pool; PyTorch's TypeError otherwise
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5) if fn.endswith("2d") else
                                                 (2, 3, 4, 5, 2) if fn.endswith("3d") else (2, 3, 4))
    _same(lambda lib, t: getattr(lib.nn.functional, fn)(t, size), x)


@pytest.mark.parametrize("p", [0, 1, 2])
def test_pdist_and_cdist_of_p0_keep_zero_gradients(p: float) -> None:
    # their own backward (not norm's): a gradient of zeros for p = 0
    a = np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 1.0], [1.0, 0.0, 2.0]])
    _same(lambda lib, x, y: lib.cdist(x, y, p=p), a, a[:2] + 1)
    _same(lambda lib, x: lib.nn.functional.pdist(x, p=p), a)


@pytest.mark.parametrize("fn", ["cumsum", "cumprod"])
@pytest.mark.parametrize("value", [np.array(3, dtype=np.int8), np.array(0.0), np.array(True),
                                   np.array([1, 0, 2])])
def test_cumsum_cumprod_into_bool_copy_a_0d_input(fn: str, value: Any) -> None:
    # PyTorch copies (casts) a 0-d input without its kernel, which has no bool
    _same(lambda lib, x: getattr(lib, fn)(x.detach(), 0, dtype=lib.bool), value)
    _same(lambda lib, x: getattr(lib, fn)(x.detach(), 0, out=lib.zeros(x.shape, dtype=lib.bool)), value)
    _same(lambda lib, x: getattr(x.detach().bool(), fn + "_")(0), value)
