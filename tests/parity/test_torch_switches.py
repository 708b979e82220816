"""What PyTorch scripts call around the math, against PyTorch: thread counts, deterministic-algorithm
flags, ``mg.Size``, ``mg.dtype``, ``mg.numel`` and ``Tensor.detach_``.

Each call runs in both libraries with the same arguments; return values, the
types of results and the error classes must agree.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _outcome(fn: Callable[[], Any]) -> Any:
    """The value, or the built-in class of the error raised (PyTorch's classes, minigrad's base ones)."""
    try:
        return fn()
    except Exception as e:  # every error class is compared
        return {c for c in type(e).__mro__ if c.__module__ == "builtins"} - {BaseException, Exception, object}


def _same(mg_fn: Callable[[], Any], torch_fn: Callable[[], Any]) -> None:
    got, want = _outcome(mg_fn), _outcome(torch_fn)
    if isinstance(want, set):  # each of PyTorch's classes is also minigrad's
        assert isinstance(got, set) and want <= got, f"minigrad {got}, PyTorch {want}"
    else:
        assert got == want


@pytest.fixture
def restore_switches() -> Iterator[None]:
    yield
    mg.set_num_threads(1)
    mg.use_deterministic_algorithms(False)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(False)


# ------------------------------------------------------------------ threads


@pytest.mark.parametrize("n", [1, 3, 8, np.int64(2)])
def test_set_num_threads_is_read_back(n: Any, restore_switches: None) -> None:
    mg.set_num_threads(n)
    torch.set_num_threads(int(n))
    assert mg.get_num_threads() == torch.get_num_threads() == int(n)
    assert type(mg.get_num_threads()) is int


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2", None])
def test_set_num_threads_refuses_what_pytorch_refuses(bad: Any, restore_switches: None) -> None:
    _same(lambda: mg.set_num_threads(bad), lambda: torch.set_num_threads(bad))
    mg.set_num_threads(2)
    with pytest.raises(RuntimeError, match="positive integer"):
        mg.set_num_threads(0)
    assert mg.get_num_threads() == 2  # a refused value changes nothing


def test_default_thread_count_is_pytorchs_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    from minigrad.settings import _default_threads

    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert _default_threads() == 3
    monkeypatch.delenv("OMP_NUM_THREADS")
    import os

    assert _default_threads() == (os.cpu_count() or 1)


# ------------------------------------------------------------------ deterministic algorithms


@pytest.mark.parametrize("mode, warn_only", [(True, False), (True, True), (False, False), (False, True)])
def test_deterministic_flags_as_pytorch(mode: bool, warn_only: bool, restore_switches: None) -> None:
    mg.use_deterministic_algorithms(mode, warn_only=warn_only)
    torch.use_deterministic_algorithms(mode, warn_only=warn_only)
    assert mg.are_deterministic_algorithms_enabled() is torch.are_deterministic_algorithms_enabled() is mode
    assert (mg.is_deterministic_algorithms_warn_only_enabled()
            is torch.is_deterministic_algorithms_warn_only_enabled())
    assert mg.get_deterministic_debug_mode() == torch.get_deterministic_debug_mode()


@pytest.mark.parametrize("mode, warn_only", [(1, False), ("yes", False), (None, False), (True, 1)])
def test_deterministic_flags_must_be_bools(mode: Any, warn_only: Any, restore_switches: None) -> None:
    _same(lambda: mg.use_deterministic_algorithms(mode, warn_only=warn_only),
          lambda: torch.use_deterministic_algorithms(mode, warn_only=warn_only))


@pytest.mark.parametrize("debug_mode", ["default", "warn", "error", 0, 1, 2, True, "loud", 3, 1.0])
def test_deterministic_debug_mode_as_pytorch(debug_mode: Any, restore_switches: None) -> None:
    _same(lambda: mg.set_deterministic_debug_mode(debug_mode),
          lambda: torch.set_deterministic_debug_mode(debug_mode))
    assert mg.get_deterministic_debug_mode() == torch.get_deterministic_debug_mode()
    assert mg.are_deterministic_algorithms_enabled() is torch.are_deterministic_algorithms_enabled()


def test_determinism_changes_no_result(restore_switches: None) -> None:
    mg.manual_seed(0)
    x = mg.randn(50, 40)
    before = (x @ x.T).softmax(-1).sum(0).numpy().copy()
    mg.use_deterministic_algorithms(True)
    assert np.array_equal((x @ x.T).softmax(-1).sum(0).numpy(), before)


# ------------------------------------------------------------------ Size


def test_shape_and_size_are_sizes() -> None:
    x, t = mg.zeros(2, 3), torch.zeros(2, 3)
    for got, want in ((x.shape, t.shape), (x.size(), t.size()), (x[0].shape, t[0].shape),
                      (mg.tensor(1.0).shape, torch.tensor(1.0).shape)):
        assert type(got) is mg.Size and isinstance(got, tuple)
        assert repr(got) == repr(want).replace("torch.", "minigrad.")
        assert str(got) == str(want).replace("torch.", "minigrad.")
        assert f"{got}" == f"{want}".replace("torch.", "minigrad.")
        assert got == tuple(want) and hash(got) == hash(tuple(want))
        assert got.numel() == want.numel()
    assert x.size(1) == 3 and type(x.size(-1)) is int


def test_size_operations_as_pytorch() -> None:
    s, t = mg.Size([2, 3, 4]), torch.Size([2, 3, 4])
    for op in (lambda z: z[1:], lambda z: z[::-1], lambda z: z + (5,), lambda z: (1,) + z,  # noqa: RUF005 lambda z: z * 2,
               lambda z: 2 * z, lambda z: z[-1], lambda z: z.count(3), lambda z: z.index(4), lambda z: len(z),
               lambda z: list(z), lambda z: z == (2, 3, 4), lambda z: z == [2, 3, 4], lambda z: z.numel()):
        got, want = op(s), op(t)
        assert type(got).__name__ == type(want).__name__, (got, want)
        assert (tuple(got) == tuple(want)) if isinstance(want, tuple) else got == want
    assert mg.Size() == () and mg.Size().numel() == 1
    assert mg.Size([mg.tensor(3), np.int64(2)]) == (3, 2)  # one-element integer tensors, as PyTorch
    assert mg.zeros(mg.Size([2, 2])).shape == (2, 2)
    assert mg.ones(2, 3).view(mg.Size([3, 2])).shape == (3, 2)


@pytest.mark.parametrize("bad", [[2.5], [True], 3, ["a"], [mg.tensor(2.0)]])
def test_size_refuses_what_pytorch_refuses(bad: Any) -> None:
    tbad = [torch.tensor(2.0)] if isinstance(bad, list) and isinstance(bad[0], mg.Tensor) else bad
    _same(lambda: mg.Size(bad), lambda: torch.Size(tbad))


def test_error_messages_name_shapes_as_tuples() -> None:
    with pytest.raises(mg.ShapeError, match=r"shapes \(2,\) and \(3,\)"):
        mg.zeros(2) + mg.zeros(3)
    with pytest.raises(mg.ShapeError, match=r"\(2, 3\)"):
        mg.zeros(2, 3) @ mg.zeros(2, 3)


# ------------------------------------------------------------------ dtype, numel


def test_dtype_is_a_type_for_isinstance() -> None:
    for name in ("float", "float32", "double", "half", "long", "int", "int16", "int8", "uint8", "bool",
                 "bfloat16"):
        ours, theirs = getattr(mg, name), getattr(torch, name)
        assert isinstance(ours, mg.dtype) is isinstance(theirs, torch.dtype) is True
    for other in ("float32", np.float32, mg.device("cpu"), mg.zeros(1), 3, np.dtype(np.complex64), None):
        assert not isinstance(other, mg.dtype), other
    assert isinstance(mg.zeros(2, dtype=mg.int32).dtype, mg.dtype)
    assert issubclass(type(mg.float64), mg.dtype) and not issubclass(int, mg.dtype)
    _same(lambda: mg.dtype(), lambda: torch.dtype())
    _same(lambda: mg.dtype("float32"), lambda: torch.dtype("float32"))


def test_numel_as_pytorch() -> None:
    for shape in ((), (0,), (2, 3), (4, 0, 2)):
        assert mg.numel(mg.zeros(shape)) == torch.numel(torch.zeros(shape))
    _same(lambda: mg.numel([1, 2]), lambda: torch.numel([1, 2]))


# ------------------------------------------------------------------ detach_


def test_detach_in_place_as_pytorch() -> None:
    for lib in (mg, torch):
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        assert y.detach_() is y
        assert (y.requires_grad, y.is_leaf, y.grad_fn) == (False, True, None)
        assert x.detach_() is x and not x.requires_grad and x.is_leaf
        y.add_(1)  # no longer in a graph: in-place ops are plain
        assert y.tolist() == [3.0, 3.0]


def test_backward_through_a_tensor_detached_in_place_raises_as_pytorch() -> None:
    for lib in (mg, torch):
        b = lib.ones(2, requires_grad=True)
        c = b * 3
        d = c * c  # saves c
        c.detach_()
        with pytest.raises(RuntimeError):
            d.sum().backward()


# ------------------------------------------------------------------ interop threads, matmul precision


def test_interop_threads_are_set_once_as_pytorch(monkeypatch: pytest.MonkeyPatch) -> None:
    from minigrad import settings

    monkeypatch.setitem(settings._state, "interop_set", False)
    monkeypatch.setitem(settings._state, "interop_threads", 4)
    assert mg.get_num_interop_threads() == 4
    _same(lambda: mg.set_num_interop_threads(0), lambda: torch.set_num_interop_threads(0))
    mg.set_num_interop_threads(3)
    assert mg.get_num_interop_threads() == 3
    with pytest.raises(RuntimeError, match="cannot set number of interop threads"):
        mg.set_num_interop_threads(2)  # PyTorch allows one call
    with contextlib.suppress(RuntimeError):  # this process's torch may have had its one call already
        torch.set_num_interop_threads(1)
    with pytest.raises(RuntimeError, match="cannot set number of interop threads"):
        torch.set_num_interop_threads(1)


@pytest.mark.parametrize("precision", ["high", "medium", "highest", 3, None])
def test_float32_matmul_precision_as_pytorch(precision: Any) -> None:
    try:
        _same(lambda: mg.set_float32_matmul_precision(precision),
              lambda: torch.set_float32_matmul_precision(precision))
        assert mg.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
    finally:
        mg.set_float32_matmul_precision("highest")
        torch.set_float32_matmul_precision("highest")


def test_unknown_matmul_precision_warns_and_changes_nothing() -> None:
    with pytest.warns(UserWarning, match="no effect"):
        mg.set_float32_matmul_precision("low")
    assert mg.get_float32_matmul_precision() == "highest"
    a = mg.randn(8, 8)
    mg.set_float32_matmul_precision("medium")
    try:
        assert np.array_equal((a @ a).numpy(), a.numpy() @ a.numpy())  # full float32 products regardless
    finally:
        mg.set_float32_matmul_precision("highest")


# ------------------------------------------------------------------ memory


def test_memory_queries_as_pytorch() -> None:
    for lib in (mg, torch):
        x = lib.ones(2, 3)
        assert x.data_ptr() == x.view(3, 2).data_ptr() != x.clone().data_ptr()
        assert x[1].data_ptr() - x.data_ptr() == 3 * x.element_size()
        assert x.share_memory_() is x and not x.is_pinned()
    _same(lambda: mg.ones(2).pin_memory(), lambda: torch.ones(2).pin_memory())
