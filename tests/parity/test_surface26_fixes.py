"""PyTorch 2.13 public names minigrad lacked (surface26), each compared with PyTorch itself.

torch.special's Bessel family (values to a few ulp over wide ranges in float32 and float64, edge
points, dtypes, no gradient, errors) ...
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

BESSEL = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0",
          "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0",
          "scaled_modified_bessel_k1", "spherical_bessel_j0"]


def _points(dtype: Any) -> Any:
    rng = np.random.default_rng(26)
    edges = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-6, -1e-6, 1e-5, 2.0, -2.0, 5.0, -5.0, 8.0, -8.0, 2.09,
             -2.09, 8.3203353, 103.892, 104.0, 1e-30, 1e30, -1e30, 89.0, 90.0, 700.0, 710.0, -710.0]
    spread = np.exp(rng.uniform(-20, 20, 2000)) * rng.choice([-1, 1], 2000)
    wide = rng.uniform(-200, 200, 1000)
    return np.concatenate([edges, rng.uniform(-10, 10, 4000), wide, spread]).astype(dtype)


def _ulps(got: Any, ref: Any) -> Any:
    """|got - ref| in units of ref's last place (0 where both are equal or both nan)."""
    same = (got == ref) | (np.isnan(got) & np.isnan(ref))
    with np.errstate(all="ignore"):
        spacing = np.spacing(np.abs(ref)).astype(np.float64)
        spacing = np.where(spacing == 0, np.finfo(ref.dtype).smallest_subnormal, spacing)
        d = np.abs(got.astype(np.float64) - ref.astype(np.float64)) / spacing
    return np.where(same, 0.0, np.where(np.isfinite(d), d, np.inf))


# (float32 Y0 and Y1 near their zeros round through a cancellation: there a few ulp of the terms are
# tens of ulp of the tiny result)
_TOL = {"bessel_y0": 32, "bessel_y1": 16}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", BESSEL)
def test_bessel_family_matches_torch_to_a_few_ulp(name: str, dtype: Any) -> None:
    x = _points(dtype)
    got = getattr(mg.special, name)(mg.tensor(x)).numpy()
    ref = getattr(torch.special, name)(torch.from_numpy(x)).numpy()
    assert got.dtype == ref.dtype
    assert (np.isnan(got) == np.isnan(ref)).all()
    assert _ulps(got, ref).max() <= _TOL.get(name, 9)


@pytest.mark.parametrize("name", BESSEL)
def test_bessel_family_dtypes_grad_and_errors(name: str) -> None:
    for data, dtype in (([1, 0, 3], "int64"), ([True, False], "bool"), ([1, 2], "uint8")):
        got = getattr(mg.special, name)(mg.tensor(data, dtype=getattr(mg, dtype)))
        ref = getattr(torch.special, name)(torch.tensor(data, dtype=getattr(torch, dtype)))
        assert str(got.dtype).split(".")[-1] == str(ref.dtype).split(".")[-1]
        np.testing.assert_array_equal(got.numpy(), ref.numpy())
    x, tx = mg.tensor([1.5, 2.5], requires_grad=True), torch.tensor([1.5, 2.5], requires_grad=True)
    got, ref = getattr(mg.special, name)(x), getattr(torch.special, name)(tx)
    assert got.requires_grad is ref.requires_grad is False and got.grad_fn is None
    assert getattr(mg.special, name)(mg.tensor(3.0)).shape == ()
    with pytest.raises(TypeError) as mine:
        getattr(mg.special, name)(2.0)
    with pytest.raises(TypeError) as theirs:
        getattr(torch.special, name)(2.0)
    assert str(mine.value) == str(theirs.value)
    with pytest.raises(NotImplementedError) as mine:
        getattr(mg.special, name)(mg.tensor([1.0], dtype=mg.float16))
    with pytest.raises(NotImplementedError) as theirs:
        getattr(torch.special, name)(torch.tensor([1.0], dtype=torch.float16))
    assert str(mine.value) == str(theirs.value)


# ---------------------------------------------------------------------------- torch-level functions
def _same(got: Any, ref: Any, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Tensors (or nested tuples of them) equal in shape, dtype name and values."""
    if isinstance(ref, (tuple, list)):
        assert len(got) == len(ref)
        for g, r in zip(got, ref):
            _same(g, r, rtol, atol)
        return
    assert tuple(got.shape) == tuple(ref.shape)
    assert str(got.dtype).split(".")[-1] == str(ref.dtype).split(".")[-1]
    np.testing.assert_allclose(got.detach().numpy(), ref.detach().numpy(), rtol=rtol, atol=atol)


def _both(fn: Any) -> tuple[Any, Any]:
    return fn(mg), fn(torch)


def _errors(fn: Any) -> tuple[BaseException, BaseException]:
    caught = []
    for lib in (mg, torch):
        with pytest.raises(Exception) as info:
            fn(lib)
        caught.append(info.value)
    return caught[0], caught[1]


def test_is_same_size_and_set_flush_denormal() -> None:
    for shape in ((2, 3), (3, 2), (2, 3, 1)):
        got, ref = _both(lambda lib, s=shape: lib.is_same_size(lib.ones(2, 3), lib.zeros(*s)))
        assert got is ref
    mine, theirs = _errors(lambda lib: lib.is_same_size(lib.ones(2), 3))
    assert isinstance(mine, TypeError) and str(mine) == str(theirs)
    # turning flushing off succeeds in both; minigrad (numpy) cannot flush, so it answers False for True
    assert mg.set_flush_denormal(False) is torch.set_flush_denormal(False) is True
    assert mg.set_flush_denormal(True) is False


_X = np.random.default_rng(5).standard_normal((2, 3, 4)).astype(np.float32)


@pytest.mark.filterwarnings("ignore:at::")
def test_frobenius_and_nuclear_norm() -> None:
    for args in (((0,),), ((1, 2),), (1,), ((0, 2), True)):
        got, ref = _both(lambda lib, a=args: lib.frobenius_norm(lib.tensor(_X), *a))
        _same(got, ref)
    mine, theirs = _errors(lambda lib: lib.frobenius_norm(lib.tensor(_X), (0, 1, 2)))
    assert isinstance(mine, RuntimeError) and str(mine) == str(theirs)
    for args in ((), (True,), ((0, 2),), ((1, 2), True)):
        got, ref = _both(lambda lib, a=args: lib.nuclear_norm(lib.tensor(_X), *a))
        _same(got, ref, rtol=1e-4)
    x, tx = mg.tensor(_X[0], requires_grad=True), torch.tensor(_X[0], requires_grad=True)
    mg.nuclear_norm(x).backward()
    torch.nuclear_norm(tx).backward()
    _same(x.grad, tx.grad, rtol=1e-4, atol=1e-5)
    mine, theirs = _errors(lambda lib: lib.nuclear_norm(lib.ones(3)))
    assert isinstance(mine, RuntimeError) and isinstance(theirs, RuntimeError)


def test_frobenius_norm_warns_once_as_pytorch() -> None:
    from minigrad import settings

    # PyTorch's words (it warns once per process, so an earlier test may have had its one warning)
    expected = ("at::frobenius_norm is deprecated and it is just left for JIT compatibility. It will be "
                "removed in a future PyTorch release. Please use `linalg.vector_norm(A, 2., dim, keepdim)` "
                "instead")
    settings._warned_once.discard("frobenius_norm")
    with pytest.warns(UserWarning) as record:
        mg.frobenius_norm(mg.ones(2, 2), (0,))
    assert [str(w.message) for w in record] == [expected]
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        torch.frobenius_norm(torch.ones(2, 2), (0,))
    assert all(str(w.message).startswith(expected) for w in theirs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mg.frobenius_norm(mg.ones(2, 2), (0,))  # once only


def test_native_norms_and_dropout() -> None:
    x = _X.reshape(2, 3, 4)
    for args in ((True, 0.1, 1e-5), (False, 0.1, 1e-5)):
        stats = []
        for lib in (mg, torch):
            rm, rv = lib.zeros(3), lib.ones(3)
            out = lib.native_batch_norm(lib.tensor(x), lib.ones(3) * 2, lib.ones(3), rm, rv, *args)
            stats.append((out, rm, rv))
        _same(stats[0], stats[1], rtol=1e-4, atol=1e-5)
    _same(*_both(lambda lib: lib.native_batch_norm(lib.tensor(x), None, None, None, None, True, 0.1, 1e-5)),
          rtol=1e-4, atol=1e-5)
    x6 = np.random.default_rng(6).standard_normal((4, 6, 5)).astype(np.float32)
    _same(*_both(lambda lib: lib.native_group_norm(lib.tensor(x6), lib.ones(6), None, 4, 6, 5, 3, 1e-5)),
          rtol=1e-4, atol=1e-5)
    _same(*_both(lambda lib: lib.native_dropout(lib.tensor(x), 0.4, False)))
    _same(*_both(lambda lib: lib.native_dropout(lib.tensor(x), 1.0, True)))
    out, mask = mg.native_dropout(mg.tensor(x), 0.4, None)  # None trains, as PyTorch
    assert mask.dtype == mg.bool and out.shape == mask.shape == x.shape
    np.testing.assert_allclose(out.numpy(), np.where(mask.numpy(), x / 0.6, 0), rtol=1e-6)


def test_convolution_and_rnn_cells_values_and_gradients() -> None:
    rng = np.random.default_rng(7)
    def draw(*shape: int) -> Any:
        return rng.standard_normal(shape).astype(np.float32)

    x, w, wt = draw(2, 3, 8), draw(4, 3, 3), draw(3, 2, 3)
    _same(*_both(lambda lib: lib.convolution(lib.tensor(x), lib.tensor(w), lib.ones(4), [2], [1], [1], False,
                                             [0], 1)))
    _same(*_both(lambda lib: lib.convolution(lib.tensor(x), lib.tensor(wt), None, [2], [1], [1], True, [1],
                                             1)))
    inp, h, w_ih, w_hh, b = draw(2, 5), draw(2, 4), draw(16, 5), draw(16, 4), draw(16)
    cells = {
        "lstm_cell": lambda lib, p: lib.lstm_cell(p[0], (p[1], p[1] * 0.5), p[2], p[3], p[4], p[4]),
        "gru_cell": lambda lib, p: lib.gru_cell(p[0], p[1], p[2][:12], p[3][:12], p[4][:12], None),
        "rnn_tanh_cell": lambda lib, p: lib.rnn_tanh_cell(p[0], p[1], p[2][:4], p[3][:4], p[4][:4], p[4][:4]),
        "rnn_relu_cell": lambda lib, p: lib.rnn_relu_cell(p[0], p[1], p[2][:4], p[3][:4]),
    }
    for cell in cells.values():
        results = []
        for lib in (mg, torch):
            params = [lib.tensor(a, requires_grad=True) for a in (inp, h, w_ih, w_hh, b)]
            out = cell(lib, params)
            outs = out if isinstance(out, tuple) else (out,)
            sum(o.sum() for o in outs).backward()
            results.append((outs, [p.grad for p in params if p.grad is not None]))
        _same(results[0][0], results[1][0], rtol=1e-4, atol=1e-5)
        _same(results[0][1], results[1][1], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("mode", [0, 1, 2])
@pytest.mark.parametrize("padding", [0, 1, 2])
def test_grid_sampler_integer_modes(mode: int, padding: int) -> None:
    rng = np.random.default_rng(8)
    x = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)
    grid = rng.uniform(-1.2, 1.2, (2, 3, 3, 2)).astype(np.float32)
    for align in (False, True):
        _same(*_both(lambda lib, a=align: lib.grid_sampler(lib.tensor(x), lib.tensor(grid), mode, padding,
                                                            a)),
              rtol=1e-4, atol=1e-5)
    _same(*_both(lambda lib: lib.grid_sampler_2d(lib.tensor(x), lib.tensor(grid), mode, padding, False)),
          rtol=1e-4, atol=1e-5)
    theta = rng.standard_normal((2, 2, 3)).astype(np.float32)
    _same(*_both(lambda lib: lib.affine_grid_generator(lib.tensor(theta), [2, 3, 4, 5], padding == 1)),
          rtol=1e-5)


def test_copy_forms() -> None:
    x = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    for fn in (lambda lib, t: lib.select_copy(t, 1, 2), lambda lib, t: lib.slice_copy(t, 1, 1, 3),
               lambda lib, t: lib.slice_copy(t), lambda lib, t: lib.slice_copy(t, 0, None, None, 2),
               lambda lib, t: lib.slice_copy(t, -1, 1)):
        results = []
        for lib in (mg, torch):
            t = lib.tensor(x, requires_grad=True)
            out = fn(lib, t)
            assert out.is_contiguous() and out.requires_grad
            (out * lib.arange(out.numel(), dtype=lib.float32).reshape(out.shape)).sum().backward()
            results.append((out, t.grad))
        _same(results[0], results[1])
    results = []
    for lib in (mg, torch):
        t = lib.tensor(x, requires_grad=True)
        out = lib.detach_copy(t)
        assert out.requires_grad and out.grad_fn is not None
        with pytest.raises(RuntimeError) as info:
            out.sum().backward()
        results.append((out, str(info.value)))
    _same(results[0][0], results[1][0])
    assert results[0][1] == results[1][1]


@pytest.mark.filterwarnings("ignore:torch.*_autocast_.* is deprecated:DeprecationWarning")
def test_autocast_state_functions() -> None:
    def name(dtype: Any) -> str:
        return str(dtype).split(".")[-1]

    assert name(mg.get_autocast_dtype("cpu")) == name(torch.get_autocast_dtype("cpu")) == "bfloat16"
    assert name(mg.get_autocast_cpu_dtype()) == name(torch.get_autocast_cpu_dtype())
    assert name(mg.get_autocast_dtype("cuda")) == name(torch.get_autocast_dtype("cuda")) == "float16"
    try:
        mg.set_autocast_dtype("cpu", mg.float16)
        torch.set_autocast_dtype("cpu", torch.float16)
        assert name(mg.get_autocast_dtype("cpu")) == name(torch.get_autocast_dtype("cpu")) == "float16"
    finally:
        mg.set_autocast_cpu_dtype(mg.bfloat16)
        torch.set_autocast_cpu_dtype(torch.bfloat16)
    assert mg.is_autocast_cpu_enabled() is torch.is_autocast_cpu_enabled() is False
    assert mg.is_autocast_cache_enabled() is torch.is_autocast_cache_enabled() is True
    depths = [(lib.autocast_increment_nesting(), lib.autocast_increment_nesting(),
               lib.autocast_decrement_nesting(), lib.autocast_decrement_nesting()) for lib in (mg, torch)]
    assert depths[0] == depths[1] == (1, 2, 1, 0)
    mg.set_autocast_enabled("cpu", False)
    with pytest.warns(UserWarning, match="no mixed precision"):
        mg.set_autocast_enabled("cpu", True)  # minigrad cannot autocast: it says so and stays off
    assert mg.is_autocast_enabled("cpu") is False
    mg.clear_autocast_cache()
    for call in (lambda lib: lib.get_autocast_cpu_dtype(), lambda lib: lib.is_autocast_cpu_enabled(),
                 lambda lib: lib.set_autocast_cpu_enabled(False)):
        messages = []
        for lib in (mg, torch):
            with pytest.warns(DeprecationWarning) as record:
                call(lib)
            messages.append(str(record[0].message).split(" (Triggered")[0])
        assert messages[0] == messages[1]
    mine, theirs = _errors(lambda lib: lib.get_autocast_dtype("foo"))
    assert isinstance(mine, RuntimeError) and isinstance(theirs, RuntimeError)


def test_dlpack_exchange() -> None:
    a = np.arange(6.0).reshape(2, 3)
    got, ref = _both(lambda lib: lib.from_dlpack(a))
    _same(got, ref)
    got.numpy()[0, 0] = 7.0  # shares numpy's memory, as PyTorch's
    assert a[0, 0] == 7.0
    _same(torch.from_dlpack(mg.to_dlpack(mg.tensor(a))), torch.tensor(a))
    _same(mg.from_dlpack(torch.to_dlpack(torch.tensor(a))), torch.tensor(a))
    _same(mg.from_dlpack(torch.arange(4)), torch.arange(4))
    _same(mg.from_dlpack(mg.to_dlpack(mg.ones(2, dtype=mg.int32))), torch.ones(2, dtype=torch.int32))


# ----------------------------------------------------------------------------------- Tensor methods
def test_deprecated_out_of_place_resize() -> None:
    for method, args in (("resize", (2, 3)), ("resize", (6,)), ("resize_as", None)):
        results = []
        for lib in (mg, torch):
            x = lib.arange(6.0, requires_grad=True)
            call_args = (lib.ones(3, 2),) if args is None else args
            with pytest.warns(UserWarning) as record:
                y = getattr(x, method)(*call_args)
            (y * lib.arange(6.0).reshape(y.shape)).sum().backward()
            results.append((y, x.grad, str(record[0].message)))
        _same(results[0][:2], results[1][:2])
        assert results[0][2] == results[1][2]
    x, tx = mg.arange(6.0), torch.arange(6.0)
    with pytest.warns(UserWarning):
        assert x.resize(2, 3)._base is x  # a view, as PyTorch's
    with pytest.warns(UserWarning):
        assert tx.resize(2, 3)._base is tx
    for sizes in ((7,), ((3, 2),)):
        messages = []
        for t in (x, tx):
            with pytest.warns(UserWarning), pytest.raises(RuntimeError) as info:
                t.resize(*sizes)
            messages.append(str(info.value))
        assert messages[0] == messages[1]


def test_float_power_in_place() -> None:
    results = []
    for lib in (mg, torch):
        leaf = lib.tensor([1.5, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
        y = leaf * 1
        y.float_power_(lib.tensor([2.0, 0.5, 3.0]))
        (y * lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64)).sum().backward()
        results.append((y, leaf.grad))
    _same(results[0], results[1])
    mine, theirs = _errors(lambda lib: lib.tensor([1.0, 2.0]).float_power_(2))
    assert isinstance(mine, RuntimeError) and str(mine) == str(theirs)
    mine, theirs = _errors(lambda lib: lib.tensor([1.0], dtype=lib.float64,
                                                  requires_grad=True).float_power_(2))
    assert isinstance(mine, RuntimeError) and isinstance(theirs, RuntimeError)


def test_dlpack_protocol_of_tensors() -> None:
    x = mg.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(np.from_dlpack(x), np.arange(6.0).reshape(2, 3))
    _same(torch.from_dlpack(x), torch.arange(6.0).reshape(2, 3))
    assert x.__dlpack_device__() == tuple(torch.ones(1).__dlpack_device__())
    mine, theirs = _errors(lambda lib: lib.ones(2, requires_grad=True).__dlpack__())
    assert isinstance(mine, BufferError) and str(mine) == str(theirs)


@pytest.mark.parametrize("mode", [0, 1, 2])
@pytest.mark.parametrize("itype", ["int64", "int32"])
def test_embedding_bag_aten_form(mode: int, itype: str) -> None:
    weight = (np.arange(20.0).reshape(5, 4) * np.array([1.0, -1.0, 1.0, -1.0])).astype(np.float32)
    indices, offsets, psw = [1, 2, 4, 0, 3, 3], [0, 2, 2, 5], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    cases = [(last, padding, weighted, grad) for last in (False, True) for padding in (None, 3, -2)
             for weighted in ((False, True) if mode == 0 else (False,)) for grad in (False, True)]
    for last, padding, weighted, grad in cases:
        results = []
        for lib in (mg, torch):
            w = lib.tensor(weight, requires_grad=grad)
            dt = getattr(lib, itype)
            out = lib.embedding_bag(w, lib.tensor(indices, dtype=dt),
                                    lib.tensor([*offsets, 6] if last else offsets, dtype=dt), False, mode,
                                    False, lib.tensor(psw) if weighted else None, last, padding)
            if grad:
                (out[0] * lib.arange(16, dtype=lib.float32).reshape(4, 4)).sum().backward()
            results.append((*out, w.grad if grad else w))
        _same(results[0], results[1])


@pytest.mark.parametrize("reduce", ["sum", "mean", "max", "min", "prod", "amax", "amin"])
def test_segment_reduce(reduce: str) -> None:
    data = np.array([1.0, 3.0, 2.0, 2.0, 5.0, 0.0, 4.0, 4.0], dtype=np.float32)  # (4.0, 4.0: a tie)
    for initial in (None, -1.0, 1.0, 10.0):
        for segments in ({"lengths": [2, 0, 4, 2]}, {"offsets": [0, 2, 2, 6, 8]}):
            results = []
            for lib in (mg, torch):
                x = lib.tensor(data, requires_grad=True)
                kwargs = {k: lib.tensor(v) for k, v in segments.items()}
                y = lib.segment_reduce(x, reduce, initial=initial, **kwargs)
                (y * lib.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
                results.append((y, x.grad))
            _same(results[0], results[1])
    grid = np.arange(12.0).reshape(2, 6)
    _same(*_both(lambda lib: lib.segment_reduce(lib.tensor(grid), reduce,
                                                lengths=lib.tensor([[2, 4], [3, 3]]), axis=1)))
    _same(*_both(lambda lib: lib.segment_reduce(lib.tensor(grid.reshape(6, 2)), reduce,
                                                lengths=lib.tensor([2, 4]))))


@pytest.mark.parametrize("call", [
    lambda lib: lib.segment_reduce(lib.arange(6.0), "sum"),
    lambda lib: lib.segment_reduce(lib.arange(6.0), "foo", lengths=lib.tensor([6])),
    lambda lib: lib.segment_reduce(lib.arange(6.0), "sum", lengths=lib.tensor([2, 2])),
    lambda lib: lib.segment_reduce(lib.arange(6.0), "sum", indices=lib.tensor([0, 0, 1, 1, 2, 2])),
    lambda lib: lib.segment_reduce(lib.arange(6.0).reshape(3, 2), "sum", lengths=lib.tensor([2, 1]), axis=1),
    lambda lib: lib.segment_reduce(lib.arange(6), "sum", lengths=lib.tensor([2, 4])),
])
def test_segment_reduce_errors(call: Any) -> None:
    mine, theirs = _errors(call)
    assert str(mine) == str(theirs)
    assert isinstance(mine, type(theirs)) or (isinstance(mine, RuntimeError)
                                              and isinstance(theirs, RuntimeError))
