"""Lead session 49: fixes found by a random differential fuzzer of view chains and in-place ops."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

VALUES = [1.0, -2.0, 3.0]


def _relu_on_view_then_base_written(lib: Any) -> Any:
    x = lib.tensor(VALUES, requires_grad=True)
    b = x * 2
    y = b[:2].relu_()  # ReluBackward0 saves its result: a view of b
    b.mul_(2)
    y.sum().backward()
    return x.grad


def _relu_on_view_then_view_written(lib: Any) -> Any:
    x = lib.tensor(VALUES, requires_grad=True)
    b = x.clone()
    v = b[:]
    v.relu_()
    v.mul_(2)
    v.sum().backward()
    return x.grad


def _relu_on_view_then_view_written_base_read(lib: Any) -> Any:
    x = lib.tensor(VALUES, requires_grad=True)
    b = x.clone()
    v = b[:]
    v.relu_()
    v.mul_(2)
    b.sum().backward()
    return x.grad


def _sigmoid_on_transpose_then_base_written(lib: Any) -> Any:
    x = lib.tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True)
    b = x * 2
    y = b.t().sigmoid_()
    b.add_(1)
    y.sum().backward()
    return x.grad


def _exp_on_view_then_other_view_written(lib: Any) -> Any:
    x = lib.tensor(VALUES, requires_grad=True)
    b = x * 2
    y = b[:1].exp_()
    b[2:].zero_()  # another view, disjoint: PyTorch's one counter per base still sees it
    y.sum().backward()
    return x.grad


@pytest.mark.parametrize("case", [_relu_on_view_then_base_written, _relu_on_view_then_view_written,
                                  _relu_on_view_then_view_written_base_read,
                                  _sigmoid_on_transpose_then_base_written,
                                  _exp_on_view_then_other_view_written])
def test_result_saved_through_a_view_then_written_refuses_backward(case: Callable[[Any], Any]) -> None:
    """An op applied in place to a view saves the view as its result; a later write to the view or its
    base moves the counter they share, and backward refuses (minigrad computed a gradient from its copy)."""
    torch = require_torch()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        case(torch)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        case(mg)


def _exp_of_view_then_base_written(lib: Any) -> Any:
    x = lib.tensor(VALUES, requires_grad=True)
    b = x.clone()
    y = b[1:].exp()  # the result is a new tensor, not the view: no write reaches it
    b.zero_()
    y.sum().backward()
    return x.grad


def _add_on_view_then_base_written(lib: Any) -> Any:
    x = lib.tensor(VALUES, requires_grad=True)
    b = x * 2
    y = b[:2].add_(1)  # AddBackward0 saves nothing
    b.mul_(3)
    (y * y).sum().backward()
    return x.grad


@pytest.mark.parametrize("case", [_exp_of_view_then_base_written, _add_on_view_then_base_written])
def test_writes_that_no_saved_result_sees_still_backpropagate(case: Callable[[Any], Any]) -> None:
    torch = require_torch()
    np.testing.assert_allclose(case(mg).numpy(), case(torch).numpy(), rtol=1e-6)


def _tanh_on_view_then_base_written_read_through_a_view_of_it(lib: Any) -> Any:
    x = lib.tensor(np.arange(8.0).reshape(2, 4) / 10, requires_grad=True)
    b = x * 2
    v = b.permute(1, 0)
    v.tanh_()
    cur = v[1:].permute(1, 0)  # a view of the view: its old history reaches TanhBackward0 through v
    b.sub_(1.5)
    (cur * 3).sum().backward()
    return x.grad


def test_write_to_base_reaches_a_result_saved_by_a_view_of_views() -> None:
    """The counter is one per memory: minigrad walked a view's aliases only from the written tensor and its
    base, so the stand-in of a view's old history missed the base's write (and a wrong gradient followed)."""
    torch = require_torch()
    for lib in (torch, mg):
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            _tanh_on_view_then_base_written_read_through_a_view_of_it(lib)


def _write_through_overlapping_view(lib: Any, op: str) -> tuple[Any, Any]:
    x = lib.tensor([0.3, -0.2, 0.5, 0.9], dtype=lib.float64, requires_grad=True)
    s = x * 1.0
    u = s.unfold(0, 2, 1)  # (3, 2) windows: the middle elements are in two of them
    seen = u.unsqueeze(0).expand(2, 3, 2)
    getattr(u, op)(*(() if op in ("exp_", "tanh_") else (1.5,)))
    w = lib.tensor(np.arange(12.0).reshape(2, 3, 2), dtype=lib.float64)
    (seen * w).sum().backward()
    return x.grad, s.detach()


@pytest.mark.parametrize("op", ["mul_", "exp_", "tanh_"])
def test_in_place_op_through_overlapping_view_gradient_counts_each_position_once(op: str) -> None:
    """A position that two windows of ``unfold`` share took the whole gradient in each, so the view's backward
    added it twice (a doubled gradient, also against minigrad's own finite differences)."""
    torch = require_torch()
    ours, ours_values = _write_through_overlapping_view(mg, op)
    theirs, _ = _write_through_overlapping_view(torch, op)
    # (the values differ: PyTorch applies the op once per window element, so a shared position twice)
    if op == "mul_":
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
    data = np.array([0.3, -0.2, 0.5, 0.9])
    w = np.arange(12.0).reshape(2, 3, 2)
    fn = {"mul_": lambda v: v * 1.5, "exp_": np.exp, "tanh_": np.tanh}[op]
    np.testing.assert_allclose(ours_values.numpy(), fn(data), rtol=1e-12)  # minigrad's: the op once each
    eps = 1e-6
    numeric = []
    for i in range(4):
        hi, lo = data.copy(), data.copy()
        hi[i] += eps
        lo[i] -= eps
        f_hi = (np.lib.stride_tricks.sliding_window_view(fn(hi), 2)[None] * w).sum()
        f_lo = (np.lib.stride_tricks.sliding_window_view(fn(lo), 2)[None] * w).sum()
        numeric.append((f_hi - f_lo) / (2 * eps))
    np.testing.assert_allclose(ours.numpy(), numeric, rtol=1e-6)


def _write_after_in_place_view_op_on_a_view(lib: Any, op: str) -> tuple[str, Any]:
    x = lib.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    b = x.clone()
    v = b.transpose(0, 1)
    args = {"t_": (), "unsqueeze_": (0,), "squeeze_": (), "transpose_": (0, 1)}[op]
    getattr(v, op)(*args)
    v.reshape(-1).mul_(2)  # a write through a view of the changed view: it must reach b
    (b * lib.tensor([[1.0, 10.0, 100.0]])).sum().backward()
    return b.grad_fn.name(), x.grad


@pytest.mark.parametrize("op", ["t_", "unsqueeze_", "squeeze_", "transpose_"])
def test_write_through_a_view_after_an_in_place_view_op_reaches_the_base(op: str) -> None:
    """v.t_() on a view of b gave v a history through a copy of its values, so a later write through v (or
    a view of it) no longer reached b's graph: b kept CloneBackward0 and the gradient missed the write."""
    torch = require_torch()
    ours = _write_after_in_place_view_op_on_a_view(mg, op)
    theirs = _write_after_in_place_view_op_on_a_view(torch, op)
    assert ours[0] == theirs[0] == "torch::autograd::CopySlices"
    np.testing.assert_allclose(ours[1].numpy(), theirs[1].numpy())
    np.testing.assert_allclose(ours[1].numpy(), [[2.0, 20.0, 200.0]])


def _write_through_old_view_after_in_place_view_op_on_base(lib: Any) -> Any:
    x = lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    b = x * 2
    flat = b.flatten()  # a view of b as it was
    b.unsqueeze_(0)  # b is no view: its own history changes, its memory stays
    flat.mul_(lib.tensor([1.0, 2.0, 3.0, 4.0]))
    (b * 5).sum().backward()
    return x.grad


def test_write_through_a_view_after_an_in_place_view_op_on_its_base() -> None:
    torch = require_torch()
    np.testing.assert_allclose(_write_through_old_view_after_in_place_view_op_on_base(mg).numpy(),
                               _write_through_old_view_after_in_place_view_op_on_base(torch).numpy())


def _retained_grads(lib: Any, how: str) -> list[Any]:
    x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    w = x * 3
    w.retain_grad()
    if how == "grad":
        lib.autograd.grad((y * y).sum(), x)
    elif how == "grad_wrt_y":
        lib.autograd.grad((y * y).sum(), y)
    elif how == "inputs_x":
        (y * y).sum().backward(inputs=[x])
    elif how == "inputs_y":  # w's node is not on the way to y: it does not run, nor w's hook
        (w * y).sum().backward(inputs=[y])
    elif how == "backward_twice":  # nodes that saved nothing run again; the retained .grad adds up
        y, w = x + 2, x - 3
        y.retain_grad()
        w.retain_grad()
        z = (y - 1.0).mean() + (w - 1.0).mean()
        z.backward()
        z.backward()
    return [None if t.grad is None else t.grad.numpy().tolist() for t in (x, y, w)]


@pytest.mark.parametrize("how", ["grad", "grad_wrt_y", "inputs_x", "inputs_y", "backward_twice"])
def test_retain_grad_fills_grad_in_every_pass_that_needs_it(how: str) -> None:
    """PyTorch keeps retain_grad()'s hook on the node: autograd.grad and backward(inputs=...) fill a retained
    tensor's .grad where they compute its gradient, and a second backward adds to it; minigrad filled it only
    in a plain backward, and only once."""
    torch = require_torch()
    assert _retained_grads(mg, how) == _retained_grads(torch, how)


def test_hooks_run_only_on_the_way_to_backward_inputs() -> None:
    torch = require_torch()
    for lib in (torch, mg):
        seen: list[str] = []
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        a, b = x * 2, x * 3
        a.register_hook(lambda g, seen=seen: seen.append("a"))
        b.register_hook(lambda g, seen=seen: seen.append("b"))
        (a * b).sum().backward(inputs=[a], retain_graph=True)
        assert seen == ["a"], lib  # (a is the input: its hook runs; b is not on the way to it)
        (a * b).sum().backward(inputs=[x])
        assert sorted(seen) == ["a", "a", "b"], lib


def test_retained_grad_accumulates_out_of_place_and_clones_under_create_graph() -> None:
    torch = require_torch()
    for lib in (torch, mg):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.retain_grad()
        (y * y).sum().backward(retain_graph=True)
        first = y.grad
        (y * y).sum().backward(retain_graph=True)
        assert first is not y.grad and first.tolist() == [4.0, 8.0] and y.grad.tolist() == [8.0, 16.0], lib
        x.grad = y.grad = None
        with warnings.catch_warnings():  # (PyTorch's once-per-process note on the .grad reference cycle)
            warnings.simplefilter("ignore", UserWarning)
            (y * y).sum().backward(create_graph=True)
        assert y.grad.grad_fn.name() == "CloneBackward0", lib
        assert x.grad.grad_fn.name() == "torch::autograd::CopyBackwards", lib


def _toggled(lib: Any, pattern: str) -> list[Any]:
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    b = lib.tensor([0.5, 0.25], requires_grad=pattern.startswith("on"))
    if pattern == "on_off_on_between":  # used while off: the op holds b as a constant
        b.requires_grad_(False)
    y = (x * b).sum()
    if pattern in ("off_on", "on_off_on_between"):
        b.requires_grad_(True)
    elif pattern == "on_off_on":  # off and on again after the op: the op's edge to b stands
        b.requires_grad = False
        b.requires_grad = True
    y.backward()
    return [None if t.grad is None else t.grad.tolist() for t in (x, b)]


@pytest.mark.parametrize("pattern", ["off_on", "on_off_on", "on_off_on_between"])
def test_leaf_switched_on_after_the_op_gets_no_gradient_from_it(pattern: str) -> None:
    """PyTorch fixes a node's edges when the op runs: a leaf that did not require grad then gets nothing from
    it, even if switched on before backward (minigrad's backward asked the flag's value at that time)."""
    torch = require_torch()
    assert _toggled(mg, pattern) == _toggled(torch, pattern)


def _view_of_a_view_then_in_place_view_op(lib: Any) -> Any:
    x = lib.tensor(np.arange(8.0).reshape(4, 2), requires_grad=True)
    b = x * 2
    cur = b.transpose(0, 1)[1:]  # (1, 4)
    d = cur.diagonal(0, 0, 1)  # a view of it, recorded while it was 2-D
    cur.squeeze_()  # now (4,)
    ((b * 3).sum() + (d * 5).sum()).backward()
    return x.grad


def test_view_backward_reads_its_input_as_recorded_after_an_in_place_view_op() -> None:
    """The diagonal's backward read its input's shape at backward time, after squeeze_() had changed it:
    numpy's ValueError ('diag requires an array of at least two dimensions'). The engine already knew the
    input as recorded (for the gradient's destination); its backward now reads that one too."""
    torch = require_torch()
    np.testing.assert_allclose(_view_of_a_view_then_in_place_view_op(mg).numpy(),
                               _view_of_a_view_then_in_place_view_op(torch).numpy())


def test_requires_grad_switch_spans_stay_out_of_dict_and_pickle() -> None:
    """A Parameter is a leaf switched on (``requires_grad_(True)`` of a detached tensor): the spans kept for
    the engine live in slots, so its ``__dict__`` stays empty (PyTorch's is) and pickles carry no ticks."""
    import pickle

    p = mg.nn.Parameter(mg.ones(1))
    assert p.__dict__ == {}
    q = pickle.loads(pickle.dumps(p))
    assert q.__dict__ == {} and q.requires_grad
