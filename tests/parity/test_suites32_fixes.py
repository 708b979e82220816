"""Regressions found by running other projects' PyTorch-based test suites under minigrad (kozistr's
pytorch_optimizer, naver's roma, captum, ...) and comparing with real torch: each test runs the same calls
on both libraries and compares values, dtypes or error classes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch


def test_distributed_process_group_and_reduce_op_import_as_torchs() -> None:
    """pytorch_optimizer imports ``ProcessGroup`` (DeMo's annotation) and ``ReduceOp`` (SAM, LOMO) from
    torch.distributed at import time: the whole package failed to import under the alias."""
    torch = require_torch()
    ours, theirs = mg.distributed, torch.distributed
    names = ["SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR", "PREMUL_SUM"]
    assert [int(getattr(ours.ReduceOp, n)) for n in names] == [
        int(getattr(theirs.ReduceOp, n)) for n in names]
    assert [getattr(ours.ReduceOp, n).name for n in names] == names
    assert repr(ours.ReduceOp.SUM) == repr(theirs.ReduceOp.SUM) == "<RedOpType.SUM: 0>"
    assert hasattr(ours.ReduceOp, "AVG") and ours.ReduceOp.AVG is ours.ReduceOp.RedOpType.AVG
    assert (ours.ReduceOp(ours.ReduceOp.MAX) == ours.ReduceOp.MAX) is (
        theirs.ReduceOp(theirs.ReduceOp.MAX) == theirs.ReduceOp.MAX) is True
    with pytest.raises(mg.UnsupportedError, match="distributed training"):
        ours.ProcessGroup(0, 1)


@pytest.mark.parametrize("name", ["get_rank", "get_world_size", "barrier", "all_reduce", "broadcast",
                                  "reduce", "all_gather", "destroy_process_group"])
def test_distributed_calls_without_a_group_raise_torchs_classes(name: str) -> None:
    """PyTorch raises ValueError ('Default process group has not been initialized') from the calls that
    need the default group, AssertionError from destroy_process_group: library code catching those
    (pytorch_optimizer calls get_world_size() in its distributed Muon) saw minigrad's NotImplementedError."""
    torch = require_torch()
    args: dict[str, tuple[object, ...]] = {"all_reduce": ("x",), "broadcast": ("x", 0), "reduce": ("x", 0),
                                           "all_gather": ("list", "x")}

    def call(lib: object) -> BaseException:
        x = lib.ones(2)  # type: ignore[attr-defined]
        given = [[x] if a == "list" else x if a == "x" else a for a in args.get(name, ())]
        try:
            getattr(lib.distributed, name)(*given)  # type: ignore[attr-defined]
        except Exception as e:
            return e
        raise AssertionError(f"{name} did not raise")

    theirs, ours = call(torch), call(mg)
    assert isinstance(ours, type(theirs)) and isinstance(ours, mg.UnsupportedError)
    assert str(ours).startswith(str(theirs))


@pytest.mark.parametrize("fn", [
    lambda lib, x: x[..., 1:3] * 2,
    lambda lib, x: x[..., 1] + x[1, ...].sum(),
    lambda lib, x: lib.linalg.svd(x)[1].sum() + x,
    lambda lib, x: lib.linalg.svdvals(x @ x.mT) * x[0, 0],
])
def test_compiled_functions_index_with_an_ellipsis(fn: Any) -> None:
    """An index holding ``...`` inside a compiled function raised numpy's 'an index can only have a single
    ellipsis': compile's recorded arrays are ndarray subclasses, which GetItem took for numpy's scalar
    result and indexed again with a second ``...`` appended. linalg.svd unpacks its results that way,
    so roma's test_jvp_torch_compile (special_procrustes under torch.compile) failed."""
    torch = require_torch()
    data = np.arange(6.0).reshape(2, 3) / 7
    expected = fn(torch, torch.tensor(data)).numpy()
    compiled = mg.compile(lambda x: fn(mg, x))
    for _ in range(2):  # (the first call records, the second replays)
        np.testing.assert_allclose(compiled(mg.tensor(data)).numpy(), expected, rtol=1e-12, atol=1e-12)


def _future_story(lib: Any) -> list[Any]:
    """The same calls on torch.futures and minigrad.futures; what each showed."""
    fut = lib.futures
    shown: list[Any] = []
    f = fut.Future()
    doubled = f.then(lambda x: x.value() * 2)
    calls: list[Any] = []
    f.add_done_callback(lambda x: calls.append(x.value()))
    shown += [f.done(), doubled.done()]
    f.set_result(lib.ones(2))
    shown += [f.done(), f.wait().tolist(), f.value().tolist(), doubled.wait().tolist(),
              [c.tolist() for c in calls]]
    shown.append(f.then(lambda x: x.value().sum()).wait().item())  # (on a completed Future: at once)
    for again in (lambda: f.set_result(3), lambda: f.set_exception(ValueError("late"))):
        try:
            again()
        except RuntimeError as e:
            shown.append(str(e))
    g = fut.Future()
    g.set_exception(ValueError("boom"))
    for call in (g.wait, g.value, g.then(lambda x: x.value() + 1).wait):
        try:
            call()
        except Exception as e:
            shown.append((type(e).__name__, str(e).splitlines()[0]))
    try:
        fut.Future().set_exception("not one")
    except AssertionError as e:
        shown.append(str(e))
    a, b = fut.Future(), fut.Future()
    both = fut.collect_all([a, b])
    a.set_result(1)
    shown.append(both.done())
    b.set_result(2)
    shown += [both.done(), [x.value() for x in both.wait()], fut.wait_all([a, b])]
    a, b = fut.Future(), fut.Future()
    both = fut.collect_all([a, b])
    b.set_exception(KeyError("k"))
    shown.append(both.done())  # (an error does not complete it early)
    a.set_result(1)
    shown.append(both.done())
    for call in (both.wait, lambda: fut.wait_all([a, b])):
        try:
            call()
        except KeyError as e:
            shown.append(repr(e))
    try:
        fut.collect_all([1])
    except TypeError:
        shown.append("TypeError")
    return shown


def test_futures_as_torchs() -> None:
    """captum imports ``Future`` and ``collect_all`` from torch.futures (its ablation methods take models
    that return Futures): every captum.attr test module failed to import ("torch.futures is not in
    minigrad")."""
    torch = require_torch()
    assert _future_story(mg) == _future_story(torch)
    assert set(mg.futures.__all__) == set(torch.futures.__all__)
    assert mg.futures.Future[int] is not None  # (generic, as PyTorch's, for annotations)
    # captum checks isinstance(output, torch.Future): torch.Future is the class torch.futures' Futures are
    assert isinstance(mg.futures.Future(), mg.Future) and isinstance(torch.futures.Future(), torch.Future)


def test_a_future_completed_by_another_thread_wakes_its_waiter() -> None:
    import threading

    f: mg.futures.Future[int] = mg.futures.Future()
    threading.Timer(0.05, lambda: f.set_result(7)).start()
    assert f.wait() == 7 and f.done()


@pytest.mark.parametrize("call", [
    lambda lib, x: lib.nn.parallel.scatter_gather.scatter(x, []),
    lambda lib, x: lib.nn.parallel.scatter_gather.scatter((x, 5), [0]),
    lambda lib, x: lib.nn.parallel.scatter_gather.scatter_kwargs((x,), {"k": x}, []),
    lambda lib, x: lib.nn.parallel.scatter_gather.gather([x, x], "cpu"),
    lambda lib, x: lib.nn.parallel.scatter(x, [0]),
    lambda lib, x: lib.nn.parallel.gather([x], -1),
])
def test_parallel_scatter_gather_refuse_with_torchs_classes(call: Any) -> None:
    """captum's layer attribution modules import ``scatter`` from torch.nn.parallel.scatter_gather (calling
    it only with GPU ids): minigrad.nn.parallel was a module, so the import failed. PyTorch's CPU build
    raises AttributeError (no torch._C._scatter) and gather's AssertionError."""
    torch = require_torch()
    with pytest.raises(Exception) as theirs:
        call(torch, torch.ones(2))
    with pytest.raises(mg.DeviceError) as ours:
        call(mg, mg.ones(2))
    assert isinstance(ours.value, type(theirs.value))
    assert str(ours.value).startswith(str(theirs.value))


@pytest.mark.parametrize("shape", [(), (2,), (2, 3)])
@pytest.mark.parametrize("dim", [(), []])
@pytest.mark.parametrize("keepdim", [False, True])
def test_logsumexp_over_no_named_dim_as_torch(shape: tuple[int, ...], dim: Any, keepdim: bool) -> None:
    """PyTorch's logsumexp with dim=() reduces every dim (keepdim=True, or a 0-d input); with keepdim=False
    its kernel then raises a RuntimeError (the kept shape does not fit its 0-d result). minigrad refused
    every empty dim with an IndexError: einx's torch backend calls torch.logsumexp(a, dim=()) on a 0-d
    tensor (its test_tensor_conversion)."""
    torch = require_torch()
    data = np.arange(float(np.prod(shape))).reshape(shape) / 3

    def run(lib: Any) -> Any:
        x = lib.tensor(data, requires_grad=True)
        try:
            out = lib.logsumexp(x, dim=dim, keepdim=keepdim)
        except RuntimeError as e:
            return type(e).__mro__[-4:], str(e)
        out.sum().backward()
        return out.detach().numpy(), x.grad.numpy()

    theirs, ours = run(torch), run(mg)
    if isinstance(theirs[1], str):
        assert ours[1].startswith(theirs[1])
        return
    for t, o in zip(theirs, ours):
        np.testing.assert_allclose(o, t, rtol=1e-12)
        assert o.shape == t.shape
