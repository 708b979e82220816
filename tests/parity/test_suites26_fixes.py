"""Regressions found by running the torch side of other frameworks' test suites on minigrad (tinygrad's
test/backend/test_nn.py, test_optim.py, test_tensor.py, test_dtype.py and unit tests, the torch-only tests
of tinygrad's extra/torch_backend, micrograd's and teenygrad's tests) and comparing with real torch: each
test runs the same calls on both libraries and compares values, dtypes or error classes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.tensor import use_torch_constructor
from tests.helpers import require_torch


def _outcome(fn: Any) -> Any:
    """What ``fn()`` gives: its value, or the builtin class of the exception it raised."""
    try:
        return fn()
    except Exception as e:  # (any error: its class is what is compared)
        return next(c for c in type(e).__mro__ if c.__module__ == "builtins")


_TUPLE_OUT_OPS = {
    "sort": lambda lib, x, o: lib.sort(x, 1, out=o),
    "topk": lambda lib, x, o: lib.topk(x, 2, out=o),
    "max": lambda lib, x, o: lib.max(x, 1, out=o),
    "kthvalue": lambda lib, x, o: lib.kthvalue(x, 2, 1, out=o),
    "median": lambda lib, x, o: lib.median(x, 1, out=o),
    "mode": lambda lib, x, o: lib.mode(x, 1, out=o),
    "aminmax": lambda lib, x, o: lib.aminmax(x, dim=1, out=o),
    "frexp": lambda lib, x, o: lib.frexp(x, out=o),
}


@pytest.mark.parametrize("op", sorted(_TUPLE_OUT_OPS))
@pytest.mark.parametrize(("xdt", "vdt", "idt"), [
    ("int64", "float32", "int64"), ("float32", "float64", "int64"), ("float32", "float32", "int32"),
    ("float32", "float32", "int64"), ("int64", "int64", "int64"), ("float32", "float32", "float32")])
def test_ops_of_several_results_take_out_tensors_of_exactly_their_dtypes(op: str, xdt: str, vdt: str,
                                                                         idt: str) -> None:
    # extra/torch_backend/test.py test_sort_out: sort of an int64 tensor into float values is PyTorch's
    # RuntimeError ("Expected out tensor to have dtype long int, but got float"); minigrad cast into them
    torch = require_torch()

    def run(lib: Any) -> Any:
        x = lib.tensor([[3., 1., 4., 2.], [5., 0., 2., 2.]], dtype=getattr(lib, xdt))
        out = (lib.empty(0, dtype=getattr(lib, vdt)), lib.empty(0, dtype=getattr(lib, idt)))
        got = _outcome(lambda: _TUPLE_OUT_OPS[op](lib, x, out))
        if isinstance(got, type):
            return got
        return [(str(t.dtype).rsplit(".", 1)[-1], t.numpy().tolist()) for t in out]

    theirs, ours = run(torch), run(mg)
    assert ours == theirs


def test_lstsq_and_geqrf_out_still_cast() -> None:
    torch = require_torch()
    a = np.random.RandomState(0).randn(3, 3).astype(np.float32)
    for lib in (torch, mg):
        outs = tuple(lib.empty(0, dtype=lib.float64) for _ in range(4))
        lib.linalg.lstsq(lib.tensor(a), lib.tensor(a), out=outs)
        assert outs[0].dtype == lib.float64


_OVERLAPS = {
    "add out= shifted": lambda lib, x: lib.add(x[:-1], 10, out=x[1:]),
    "add out= transposed": lambda lib, x: lib.add(x[:4].view(2, 2), 1, out=x[:4].view(2, 2).t()),
    "exp out= shifted": lambda lib, x: lib.exp(x[:-1], out=x[1:]),
    "mul out= second operand": lambda lib, x: lib.mul(lib.ones(5), x[:-1], out=x[1:]),
    "cat out=": lambda lib, x: lib.cat([x[:2], x[2:4]], out=x[1:5]),
    "clamp out=": lambda lib, x: lib.clamp(x[:-1], 0, 3, out=x[1:]),
    "index_select out=": lambda lib, x: lib.index_select(x, 0, lib.tensor([0, 1]), out=x[1:3]),
    "add_": lambda lib, x: x[1:].add_(x[:-1]),
    "mul_": lambda lib, x: x[1:].mul_(x[:-1]),
    "iadd": lambda lib, x: x[1:].__iadd__(x[:-1]),
    "copy_": lambda lib, x: x[1:].copy_(x[:-1]),
    "lerp_": lambda lib, x: x[1:].lerp_(x[:-1], 0.5),
    "addcmul_": lambda lib, x: x[1:].addcmul_(x[:-1], x[:-1]),
    "floordiv in place": lambda lib, x: x[1:].__ifloordiv__(x[:-1]),
    # no overlap, or the same memory with the same strides: allowed
    "add out= itself": lambda lib, x: lib.add(x, 1, out=x),
    "add out= alias": lambda lib, x: lib.add(x, 1, out=x.detach()),
    "abs out= disjoint": lambda lib, x: lib.abs(x[:3], out=x[3:]),
    "add_ itself": lambda lib, x: x.add_(x),
    "add_ disjoint": lambda lib, x: x[:3].add_(x[3:]),
    "copy_ strided (not checked)": lambda lib, x: x[1::2].copy_(x[::2]),
    "item assignment disjoint": lambda lib, x: x.__setitem__(slice(0, 3), x[3:]),
    "item assignment shifted": lambda lib, x: x.__setitem__(slice(1, None), x[:-1]),
    "item assignment rows": lambda lib, x: x.view(3, 2).__setitem__(slice(1, None), x.view(3, 2)[:2]),
    "item assignment itself": lambda lib, x: x.__setitem__(slice(None), x),
    "item assignment one element": lambda lib, x: x.__setitem__(0, x[5]),
    "item assignment broadcast": lambda lib, x: x.__setitem__(slice(1, 3), x[0]),
    "index_put overlapping": lambda lib, x: x.__setitem__(lib.tensor([4, 5]), x[:2]),
    "index_put itself": lambda lib, x: x.__setitem__(lib.tensor([0, 1, 2, 3, 4, 5]), x),
    "index_put mask": lambda lib, x: x.__setitem__(x > 2, x[:3]),
    "index_put disjoint copy": lambda lib, x: x.__setitem__(lib.tensor([4, 5]), x[:2].clone()),
}


@pytest.mark.parametrize("case", sorted(_OVERLAPS))
def test_writes_partly_overlapping_an_operand_raise_as_pytorch(case: str) -> None:
    # extra/torch_backend/test.py test_out_overlapping_input_is_rejected: torch.add(x[:-1], 10, out=x[1:])
    # is PyTorch's RuntimeError ("some elements of the input tensor and the written-to tensor refer to a
    # single memory location"); minigrad computed as if the operand had been copied first
    torch = require_torch()

    def run(lib: Any) -> Any:
        x = lib.arange(6.)
        got = _outcome(lambda: _OVERLAPS[case](lib, x))
        return got if isinstance(got, type) else x.numpy().tolist()

    theirs, ours = run(torch), run(mg)
    assert ours == theirs
    if theirs is RuntimeError:
        with pytest.raises(RuntimeError, match="refer to a single memory location"):
            _OVERLAPS[case](mg, mg.arange(6.))


def _strided_views(lib: Any, case: int) -> Any:
    if case == 0:  # extra/torch_backend/test.py test_as_strided_explicit_zero_offset
        a = lib.arange(6.)
        return a[3:].as_strided((2,), (1,), 0).numpy().tolist(), a[3:].as_strided((2,), (1,)).numpy().tolist()
    if case == 1:  # a view reading past its own elements: the gradient reaches its own ones only
        x = lib.arange(6., requires_grad=True)
        z = x[3:].as_strided((2, 2), (1, 2), 1)
        (z * lib.arange(4.).view(2, 2)).sum().backward()
        return z.detach().numpy().tolist(), x.grad.numpy().tolist()
    if case == 2:
        x = lib.arange(6., requires_grad=True)
        z = lib.as_strided((x * 2)[1:].view(5), (3,), (2,), 0)
        z.sum().backward()
        return z.detach().numpy().tolist(), x.grad.numpy().tolist()
    if case == 3:  # a transposed view's storage
        return lib.arange(12.).view(3, 4).t()[1:].as_strided((2, 3), (1, 4), 0).numpy().tolist()
    y = lib.arange(6.)[3:].requires_grad_()  # a view made a leaf: what it reads outside itself has no grad
    z = y.as_strided((2,), (1,), 0)
    z.sum().backward()
    return z.detach().numpy().tolist(), y.grad.numpy().tolist()


@pytest.mark.parametrize("torch_constructor", [False, True])
@pytest.mark.parametrize("case", range(5))
def test_as_strided_of_a_view_reads_its_storage(case: int, torch_constructor: bool) -> None:
    # PyTorch's storage_offset counts from the storage's start and a view's as_strided may read all of it;
    # minigrad refused reads outside the view's own elements ("setStorage: ... outside the 3 elements").
    # torch_constructor: as under python -m minigrad.compat, where Tensor(array) is PyTorch's float one
    torch = require_torch()
    use_torch_constructor(torch_constructor)
    try:
        assert _strided_views(mg, case) == _strided_views(torch, case)
    finally:
        use_torch_constructor(False)


@pytest.mark.parametrize("op", ["sort", "topk", "max", "kthvalue", "mode", "aminmax", "frexp"])
@pytest.mark.parametrize(("vdt", "idt"), [("float64", "int64"), ("float32", "int32")])
def test_out_dtype_errors_of_ops_with_several_results_in_pytorchs_words(op: str, vdt: str, idt: str) -> None:
    torch = require_torch()
    idt = "int64" if (op, idt) == ("frexp", "int32") else idt  # (frexp's exponent is int32)
    words = []
    for lib in (torch, mg):
        x = lib.tensor([[3., 1., 4., 2.], [5., 0., 2., 2.]])
        out = (lib.empty(0, dtype=getattr(lib, vdt)), lib.empty(0, dtype=getattr(lib, idt)))
        with pytest.raises(RuntimeError) as info:
            _TUPLE_OUT_OPS[op](lib, x, out)
        words.append(str(info.value))
    assert words[1] == words[0]


@pytest.mark.parametrize("call", ["function", "method", "in place"])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("end", [2, 2.5, True])
def test_lerp_takes_a_tensor_end_only(call: str, dtype: str, end: Any) -> None:
    # a dtype-promotion sweep (tinygrad's test_dtype tables' op x dtype x operand-kind grid): PyTorch's
    # parser refuses a number as lerp's end (TypeError, before the integer kernel's NotImplementedError);
    # minigrad interpolated towards it
    torch = require_torch()

    def run(lib: Any) -> Any:
        x = lib.tensor([1, 2], dtype=getattr(lib, dtype))
        return _outcome({"function": lambda: lib.lerp(x, end, 0.5), "method": lambda: x.lerp(end, 0.5),
                         "in place": lambda: x.lerp_(end, 0.5)}[call])

    assert run(mg) is run(torch) is TypeError
