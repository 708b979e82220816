"""The backward engine: graph walk, accumulation, freeing, hooks, grad mode, mg.grad."""

from __future__ import annotations

import gc
import math
import sys
import threading
import time
import weakref
from collections.abc import Callable

import numpy as np
import pytest

import minigrad as mg


def test_zero_derivative_ops_give_a_zero_gradient_not_none() -> None:
    """sign(x) and x ** 0 leave zeros in x.grad, as PyTorch does (not None)."""
    for fn in (lambda x: x.sign(), lambda x: x**0):
        x = mg.tensor([-1.5, 0.0, 2.0], requires_grad=True)
        fn(x).backward(mg.tensor([1.0, 2.0, 3.0]))
        assert x.grad is not None
        assert x.grad.dtype == np.float32
        np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0])


def _leaf(values: object, dtype: object = mg.float64) -> mg.Tensor:
    return mg.tensor(values, dtype=dtype, requires_grad=True)


# ------------------------------------------------------------------ graph walk


def test_a_chain_of_100000_ops_backpropagates_without_recursion() -> None:
    """The engine is iterative: depth is bounded by memory, not by sys.getrecursionlimit()."""
    limit = sys.getrecursionlimit()
    x = _leaf(0.5)
    y = x
    for i in range(100_000):
        y = y * 1.0001 if i % 2 else y + 1.0
    start = time.perf_counter()
    y.backward()
    elapsed = time.perf_counter() - start
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.item(), 1.0001**50_000, rtol=1e-9)
    assert sys.getrecursionlimit() == limit
    assert elapsed < 30.0, f"backward through 100k ops took {elapsed:.1f}s"


def test_diamond_graph_sums_both_paths() -> None:
    x = _leaf([1.0, 2.0])
    a = x * 3.0
    b = x.exp()
    (a * b).sum().backward()  # d/dx 3x e^x = 3 e^x (1 + x)
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), 3 * np.exp([1.0, 2.0]) * np.array([2.0, 3.0]), rtol=1e-14)


def test_the_same_tensor_twice_in_one_op() -> None:
    x = _leaf([1.5, -2.0])
    (x * x).backward(mg.tensor([1.0, 10.0], dtype=mg.float64))
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, -40.0])


def test_backward_of_a_leaf_itself() -> None:
    x = _leaf(2.0)
    x.backward()
    assert x.grad is not None and x.grad.item() == 1.0


# ------------------------------------------------------------------ accumulation and freeing


def test_gradients_accumulate_across_two_backward_calls() -> None:
    x = _leaf([1.0, 2.0])
    (x * x).sum().backward()
    (x * 3.0).sum().backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), [2.0 + 3.0, 4.0 + 3.0])


def test_second_backward_through_a_freed_graph_raises() -> None:
    x = _leaf([1.0, 2.0])
    y = (x.exp() * 2.0).sum()
    y.backward()
    with pytest.raises(mg.MinigradError, match="retain_graph=True"):
        y.backward()
    with pytest.raises(mg.MinigradError, match="second time"):
        mg.grad(y, x)


def test_retain_graph_allows_a_second_backward() -> None:
    x = _leaf([1.0, 2.0])
    y = (x.exp() * 2.0).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), 4 * np.exp([1.0, 2.0]), rtol=1e-15)


def test_saved_inputs_are_released_after_backward() -> None:
    """Without retain_graph every node drops its inputs, so intermediates can be freed."""
    x = _leaf(np.ones((3, 3)))
    h = x * 2.0
    y = h.tanh()
    out = (y * y).sum()
    probe, array_probe = weakref.ref(h), weakref.ref(h.detach().numpy())
    fns = [out.grad_fn, y.grad_fn, h.grad_fn]
    del h
    gc.collect()
    assert probe() is not None  # tanh's node holds it until backward
    out.backward()
    gc.collect()
    assert probe() is None, "the intermediate tensor is still referenced by the graph"
    assert array_probe() is None, "the intermediate's array is still alive"
    assert all(fn is not None and fn.released for fn in fns)


def test_retain_graph_keeps_the_inputs() -> None:
    x = _leaf([1.0])
    h = x * 2.0
    out = h.tanh().sum()
    out.backward(retain_graph=True)
    assert out.grad_fn is not None and not out.grad_fn.released
    assert h.grad_fn is not None and not h.grad_fn.released


# ------------------------------------------------------------------ aliasing and in-place


def test_leaf_gradients_never_alias_each_other() -> None:
    a, b = _leaf([1.0, 2.0]), _leaf([3.0, 4.0])
    (a + b).sum().backward()
    assert a.grad is not None and b.grad is not None
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
    a.grad.data *= 5.0  # what clip_grad_norm_ and optimizers do
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 1.0])


def test_leaf_gradients_do_not_alias_the_given_gradient() -> None:
    a, b = _leaf([1.0, 2.0]), _leaf([3.0, 4.0])
    g = mg.tensor([1.0, 2.0], dtype=mg.float64)
    (a.reshape(2) + b).backward(g)
    assert a.grad is not None and b.grad is not None
    g.numpy()[:] = 100.0
    np.testing.assert_array_equal(a.grad.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 2.0])
    a.grad.data += 1.0
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 2.0])


def test_accumulating_into_an_existing_gradient_does_not_touch_other_leaves() -> None:
    a, b = _leaf([1.0]), _leaf([1.0])
    (a + b).sum().backward()
    (a + b).sum().backward()
    assert a.grad is not None and b.grad is not None
    a.grad.numpy()[0] = 7.0
    assert b.grad.item() == 2.0


def _pass_through_graph(x: mg.Tensor) -> tuple[mg.Tensor, mg.Tensor]:
    """c = x - mean(x) with two uses of c: c's gradient is a sum the engine made, handed on to x unchanged."""
    c = x - x.mean()
    return c, (c * c).sum() + c.sum() * 3.0


def test_a_passed_on_gradient_sum_takes_later_contributions_in_place() -> None:
    """x of x - mean gets c's gradient sum itself and adds the mean's share into it: the values as before."""
    x = _leaf([1.0, 2.0, 4.0])
    _, y = _pass_through_graph(x)
    y.backward()
    c = np.array([1.0, 2.0, 4.0]) - 7.0 / 3.0
    gc_ = 2.0 * c + 3.0
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), gc_ - gc_.sum() / 3.0, rtol=1e-12)


def test_a_hook_keeps_the_gradient_it_was_shown() -> None:
    """A gradient shown to a hook (or kept by retain_grad, or returned by mg.grad) is never written later."""
    x = _leaf([1.0, 2.0, 4.0])
    c, y = _pass_through_graph(x)
    seen: list[mg.Tensor] = []
    c.register_hook(lambda g: seen.append(g))
    y.backward()
    c_val = np.array([1.0, 2.0, 4.0]) - 7.0 / 3.0
    np.testing.assert_allclose(seen[0].numpy(), 2.0 * c_val + 3.0, rtol=1e-12)

    x = _leaf([1.0, 2.0, 4.0])
    c, y = _pass_through_graph(x)
    c.retain_grad()
    y.backward()
    assert c.grad is not None
    np.testing.assert_allclose(c.grad.numpy(), 2.0 * c_val + 3.0, rtol=1e-12)

    x = _leaf([1.0, 2.0, 4.0])
    c, y = _pass_through_graph(x)
    gc_, gx = mg.autograd.grad(y, [c, x])  # x also through c: both paths count, as in PyTorch
    np.testing.assert_allclose(gc_.numpy(), 2.0 * c_val + 3.0, rtol=1e-12)
    np.testing.assert_allclose(gx.numpy(), [-8 / 3, -2 / 3, 10 / 3], rtol=1e-12)
    assert not np.shares_memory(gc_.numpy(), gx.numpy())


Kept = list[tuple[mg.Tensor, np.ndarray]]  # (a gradient a backward was given, its values then)


def _check_kept_gradient(apply: Callable[[mg.Tensor], mg.Tensor], kept: Kept) -> None:
    """Run x -> apply -> h - mean(h), with x's own mean beside it: the gradient apply's backward kept
    still holds the values it was given, and x's gradient is that plus the mean's share."""
    leaf = _leaf([1.0, 2.0, 4.0])
    x = leaf * 1.0
    m = x.mean()
    h = apply(x)
    c = h - h.mean()
    ((c * c).sum() + m * 3.0).backward()
    (g, at_call), = kept
    np.testing.assert_array_equal(g.numpy(), at_call)
    assert leaf.grad is not None
    np.testing.assert_allclose(leaf.grad.numpy(), at_call + 1.0, rtol=1e-12)


def test_a_custom_function_may_keep_the_gradient_it_was_given() -> None:
    """The hand-off is for the primitives only: a user's backward that stores grad_output keeps its values.

    h's gradient is a sum the engine made (from h - mean(h)); Keep hands it on to x, which then gets the
    share of m = x.mean() (recorded before Keep, so it arrives after): that share must not go into it.
    """
    kept: list[tuple[mg.Tensor, np.ndarray]] = []

    class Keep(mg.autograd.Function):
        @staticmethod
        def forward(ctx: object, a: mg.Tensor) -> mg.Tensor:
            return a.clone()

        @staticmethod
        def backward(ctx: object, g: mg.Tensor) -> mg.Tensor:
            kept.append((g, g.numpy().copy()))  # the tensor, and its values when backward gave it
            return g

    _check_kept_gradient(Keep.apply, kept)


def test_a_fresh_first_gradient_takes_the_second_in_place() -> None:
    """x of (x * a).sum() + (x * b).sum(): the second product is added into the first, which nobody
    else holds, instead of into a third array (backward's peak is two gradients' worth, not three)."""
    import tracemalloc

    n = 1 << 18
    x = mg.tensor(np.ones(n), requires_grad=True)
    y = (x * mg.tensor(np.full(n, 2.0))).sum() + (x * mg.tensor(np.full(n, 3.0))).sum()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        y.backward()
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), np.full(n, 5.0))
    if sys.version_info < (3, 14):  # (the reference counts are exact only there; see engine._unshared)
        assert peak < 2.5 * 8 * n


def test_a_fresh_gradient_kept_elsewhere_is_not_written_in_place() -> None:
    """A custom backward that returns a new array and also keeps it: the later contribution goes into
    a sum of its own, and the kept array still holds what backward returned."""
    kept: list[np.ndarray] = []

    class Twice(mg.autograd.Function):
        @staticmethod
        def forward(ctx: object, a: mg.Tensor) -> mg.Tensor:
            return a * 2.0

        @staticmethod
        def backward(ctx: object, g: mg.Tensor) -> mg.Tensor:
            out = g.numpy() * 2.0
            kept.append(out)
            return mg.from_numpy(out)

    x = _leaf([1.0, 2.0, 3.0])
    m = x * 5.0  # recorded first: its share reaches x after Twice's
    y = (Twice.apply(x) * mg.tensor([1.0, 10.0, 100.0], dtype=mg.float64)).sum() + m.sum()
    y.backward()
    np.testing.assert_array_equal(kept[0], [2.0, 20.0, 200.0])
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), [7.0, 25.0, 205.0])


def test_a_node_defined_outside_ops_may_keep_the_gradient_it_was_given() -> None:
    """The same for a Function subclass written elsewhere (the engine trusts only ops.py's backward)."""
    from minigrad import ops

    kept: list[tuple[mg.Tensor, np.ndarray]] = []

    class PassOn(ops.Function):
        __slots__ = ()

        def forward(self, a: np.ndarray) -> np.ndarray:
            return a.copy()

        def backward(self, g: mg.Tensor, out: mg.Tensor) -> tuple[mg.Tensor | None, ...]:
            kept.append((g, g.numpy().copy()))
            return (g,)

    _check_kept_gradient(PassOn.apply, kept)


def test_in_place_change_of_a_saved_tensor_is_detected() -> None:
    x = _leaf([1.0, 2.0])
    w = mg.tensor([3.0, 4.0], dtype=mg.float64)  # needs no grad, so += is allowed
    y = (x * w).sum()
    w += 1.0
    with pytest.raises(mg.MinigradError, match="modified by an inplace operation"):
        y.backward()


def test_in_place_ops_on_tensors_that_require_grad_raise() -> None:
    x = _leaf([1.0, 2.0])
    for op in (lambda t: t.__iadd__(1.0), lambda t: t.__imul__(2.0), lambda t: t.fill_(0.0)):
        with pytest.raises(mg.MinigradError, match="requires grad"):
            op(x)
    with mg.no_grad():  # how optimizers update parameters
        x -= 1.0
    np.testing.assert_array_equal(x.detach().numpy(), [0.0, 1.0])


# ------------------------------------------------------------------ errors


def test_backward_on_a_tensor_that_does_not_require_grad_raises() -> None:
    with pytest.raises(mg.MinigradError, match="does not require grad"):
        mg.tensor([1.0, 2.0]).sum().backward()
    with mg.no_grad():
        y = (_leaf([1.0]) * 2.0).sum()
    with pytest.raises(mg.MinigradError, match="does not require grad"):
        y.backward()


def test_backward_on_a_non_scalar_needs_a_gradient() -> None:
    y = _leaf([1.0, 2.0]) * 2.0
    with pytest.raises(mg.MinigradError, match=r"scalar outputs.*\(2,\)"):
        y.backward()
    with pytest.raises(mg.ShapeError, match=r"\(3,\).*\(2,\)"):
        y.backward(mg.ones(3, dtype=mg.float64))


def test_single_element_non_scalar_backward_is_allowed() -> None:
    x = _leaf([[2.0]])
    (x * 3.0).backward()
    assert x.grad is not None and x.grad.shape == (1, 1) and x.grad.item() == 3.0


# ------------------------------------------------------------------ higher order


def test_create_graph_gives_second_derivatives() -> None:
    x = _leaf([0.3, -1.2, 2.0])
    for fn, d2 in [
        (lambda t: t.tanh(), lambda v: -2 * np.tanh(v) * (1 - np.tanh(v) ** 2)),
        (lambda t: t**3, lambda v: 6 * v),
        (lambda t: t.sigmoid(), lambda v: (s := 1 / (1 + np.exp(-v))) * (1 - s) * (1 - 2 * s)),
        (lambda t: t.sin() * t, lambda v: 2 * np.cos(v) - v * np.sin(v)),
    ]:
        x.grad = None
        (g,) = mg.grad(fn(x).sum(), x, create_graph=True)
        assert g is not None and g.requires_grad
        g.sum().backward()
        assert x.grad is not None
        np.testing.assert_allclose(x.grad.numpy(), d2(x.detach().numpy()), rtol=1e-12)


def test_backward_with_create_graph_records_the_gradient() -> None:
    x = _leaf([1.0, 2.0])
    (x**3).sum().backward(create_graph=True)
    assert x.grad is not None and x.grad.requires_grad
    g1 = x.grad
    x.grad = None
    g1.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 12.0])  # type: ignore[union-attr]


def test_softmax_hessian_vector_product() -> None:
    """d/dx <v, J_softmax(x)^T u> against the closed form of softmax's second derivative."""
    xv = np.array([0.1, -0.7, 1.3])
    u, v = np.array([0.5, -1.0, 2.0]), np.array([1.0, 0.3, -0.4])
    x = _leaf(xv)
    y = x.softmax(0)
    (g,) = mg.grad(y, x, mg.tensor(u), create_graph=True)
    assert g is not None
    (h,) = mg.grad((g * mg.tensor(v)).sum(), x)
    assert h is not None
    s = np.exp(xv) / np.exp(xv).sum()
    jac = np.diag(s) - np.outer(s, s)  # J[i, j] = ds_i / dx_j
    # g_j = sum_i u_i J[i, j]; h_k = sum_j v_j d g_j / d x_k, by central differences of g
    eps = 1e-6

    def grad_at(p: np.ndarray) -> np.ndarray:
        sp = np.exp(p) / np.exp(p).sum()
        return u @ (np.diag(sp) - np.outer(sp, sp))

    expected = np.array([v @ (grad_at(xv + eps * e) - grad_at(xv - eps * e)) / (2 * eps) for e in np.eye(3)])
    np.testing.assert_allclose(g.detach().numpy(), u @ jac, rtol=1e-12)
    np.testing.assert_allclose(h.numpy(), expected, rtol=1e-6, atol=1e-9)


# ------------------------------------------------------------------ mg.grad


def test_grad_returns_a_tuple_and_leaves_dot_grad_alone() -> None:
    x, w = _leaf([1.0, 2.0]), _leaf([3.0, 4.0])
    out = (x * w).sum()
    res = mg.grad(out, [x, w])
    assert isinstance(res, tuple) and len(res) == 2
    np.testing.assert_array_equal(res[0].numpy(), [3.0, 4.0])  # type: ignore[union-attr]
    np.testing.assert_array_equal(res[1].numpy(), [1.0, 2.0])  # type: ignore[union-attr]
    assert x.grad is None and w.grad is None
    single = mg.grad((x * 2.0).sum(), x)
    assert isinstance(single, tuple) and len(single) == 1


def test_grad_allow_unused() -> None:
    x, unused = _leaf([1.0]), _leaf([2.0])
    out = (x * 2.0).sum()
    with pytest.raises(mg.MinigradError, match="allow_unused"):
        mg.grad(out, [x, unused], retain_graph=True)
    gx, gu = mg.grad(out, [x, unused], allow_unused=True)
    assert gu is None
    assert gx is not None and gx.item() == 2.0


def test_grad_of_an_intermediate_and_with_grad_outputs() -> None:
    x = _leaf([1.0, 2.0])
    h = x * 3.0
    y = h.exp()
    gy = mg.tensor([1.0, -1.0], dtype=mg.float64)
    (gh,) = mg.grad(y, h, gy, retain_graph=True)
    assert gh is not None
    np.testing.assert_allclose(gh.numpy(), np.exp([3.0, 6.0]) * [1.0, -1.0], rtol=1e-15)
    (gx,) = mg.grad(y, x, gy)
    np.testing.assert_allclose(gx.numpy(), 3 * np.exp([3.0, 6.0]) * [1.0, -1.0], rtol=1e-15)  # type: ignore[union-attr]
    assert x.grad is None
    with pytest.warns(UserWarning, match="not a leaf Tensor is being accessed"):  # PyTorch warns too
        assert h.grad is None


def test_grad_of_an_input_that_does_not_require_grad_raises() -> None:
    x = _leaf([1.0])
    with pytest.raises(mg.MinigradError, match="does not require grad"):
        mg.grad((x * 2.0).sum(), mg.tensor([1.0]))


# ------------------------------------------------------------------ grad mode


def test_no_grad_and_enable_grad_as_context_managers_nested() -> None:
    x = _leaf([1.0])
    assert mg.is_grad_enabled()
    with mg.no_grad():
        assert not mg.is_grad_enabled()
        y = x * 2.0
        assert not y.requires_grad and y.grad_fn is None
        with mg.enable_grad():
            assert mg.is_grad_enabled()
            z = x * 2.0
            assert z.requires_grad
            with mg.no_grad():
                assert not mg.is_grad_enabled()
            assert mg.is_grad_enabled()
        assert not mg.is_grad_enabled()
    assert mg.is_grad_enabled()


def test_grad_mode_is_restored_after_an_exception() -> None:
    with pytest.raises(RuntimeError), mg.no_grad():
        raise RuntimeError("boom")
    assert mg.is_grad_enabled()


def test_no_grad_and_enable_grad_as_decorators() -> None:
    x = _leaf([1.0])

    @mg.no_grad()
    def frozen(t: mg.Tensor) -> mg.Tensor:
        """Docstring kept."""
        return t * 2.0

    @mg.enable_grad()
    def recorded(t: mg.Tensor) -> mg.Tensor:
        return t * 2.0

    assert not frozen(x).requires_grad
    assert frozen.__name__ == "frozen" and frozen.__doc__ == "Docstring kept."
    with mg.no_grad():
        assert recorded(x).requires_grad
        assert not mg.is_grad_enabled()
    assert mg.is_grad_enabled()
    # the same decorated function used recursively (nesting through one instance)
    calls = []

    @mg.no_grad()
    def recurse(n: int) -> None:
        calls.append(mg.is_grad_enabled())
        if n:
            recurse(n - 1)

    recurse(3)
    assert calls == [False] * 4 and mg.is_grad_enabled()


def test_set_grad_enabled() -> None:
    with mg.set_grad_enabled(False):
        assert not mg.is_grad_enabled()
    assert mg.is_grad_enabled()


def test_grad_mode_is_thread_local() -> None:
    """no_grad in one thread must not switch recording off in another."""
    inside, checked = threading.Barrier(2, timeout=30), threading.Barrier(2, timeout=30)
    seen: dict[str, bool] = {}

    def worker() -> None:
        with mg.no_grad():
            inside.wait()  # main thread now looks while this one is inside no_grad
            seen["worker"] = mg.is_grad_enabled()
            seen["worker_records"] = (_leaf([1.0]) * 2.0).requires_grad
            checked.wait()

    th = threading.Thread(target=worker)
    th.start()
    inside.wait()
    seen["main"] = mg.is_grad_enabled()
    seen["main_records"] = (_leaf([1.0]) * 2.0).requires_grad
    checked.wait()
    th.join()
    assert seen == {"worker": False, "worker_records": False, "main": True, "main_records": True}

    # and a new thread starts with grad enabled even if the creating thread is in no_grad
    result: list[bool] = []
    with mg.no_grad():
        t2 = threading.Thread(target=lambda: result.append(mg.is_grad_enabled()))
        t2.start()
        t2.join()
    assert result == [True]


# ------------------------------------------------------------------ hooks and retain_grad


def test_register_hook_sees_the_gradient_and_can_replace_it() -> None:
    x = _leaf([1.0, 2.0])
    h = x * 3.0
    seen: list[np.ndarray] = []
    h.register_hook(lambda g: seen.append(g.numpy().copy()))  # type: ignore[func-returns-value]
    handle = h.register_hook(lambda g: g * 10.0)
    (h * h).sum().backward(retain_graph=True)
    np.testing.assert_array_equal(seen[0], [6.0, 12.0])  # d(h^2)/dh = 2h
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), [180.0, 360.0])  # replaced gradient flows on
    handle.remove()
    x.grad = None
    (h * h).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [18.0, 36.0])  # type: ignore[union-attr]
    assert len(seen) == 2


def test_hook_on_a_leaf_changes_what_is_accumulated() -> None:
    x = _leaf([1.0, 2.0])
    x.register_hook(lambda g: g * 0.0 + 5.0)
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 5.0])  # type: ignore[union-attr]


def test_register_hook_on_a_tensor_without_grad_raises() -> None:
    with pytest.raises(mg.MinigradError, match="doesn't require"):
        mg.tensor([1.0]).register_hook(lambda g: None)


def test_retain_grad_fills_a_non_leaf_gradient() -> None:
    x = _leaf([1.0, 2.0])
    h = x * 3.0
    k = x * 4.0
    h.retain_grad()
    (h * k).sum().backward()
    assert h.grad is not None
    np.testing.assert_array_equal(h.grad.numpy(), [4.0, 8.0])
    with pytest.warns(UserWarning, match="not a leaf Tensor is being accessed"):  # as PyTorch
        assert k.grad is None  # non-leaf without retain_grad
    assert not h.is_leaf and x.is_leaf


def test_joined_gradients_summed_in_place_stay_correct() -> None:
    # h collects two fresh contributions (the engine may add them in place);
    # s = u + u hands the same gradient object to u twice (it must not).
    x = mg.tensor(np.arange(1.0, 5.0), dtype=mg.float64, requires_grad=True)
    h = x * 2
    h.retain_grad()
    u = h * 1.5
    s = u + u
    loss = (h * 3 + h * 4 + s).sum()
    loss.backward()
    assert h.grad is not None and x.grad is not None
    np.testing.assert_array_equal(h.grad.numpy(), np.full(4, 3 + 4 + 2 * 1.5))
    np.testing.assert_array_equal(x.grad.numpy(), np.full(4, 2 * (3 + 4 + 2 * 1.5)))


def test_in_place_gradient_sums_only_into_the_engines_own_sums() -> None:
    # u receives the caller's gradient object three times (u + u + u): the first
    # contribution is the caller's and must stay untouched; the engine may add
    # the third into the sum it made of the first two.
    x = mg.tensor(np.arange(1.0, 4.0), dtype=mg.float64, requires_grad=True)
    u = x * 2
    u.retain_grad()
    g = mg.tensor([1.0, 10.0, 100.0], dtype=mg.float64)
    (u + u + u).backward(g)
    assert g.numpy().tolist() == [1.0, 10.0, 100.0]
    assert u.grad is not None and x.grad is not None
    assert u.grad.numpy().tolist() == [3.0, 30.0, 300.0]
    assert x.grad.numpy().tolist() == [6.0, 60.0, 600.0]
    assert not np.shares_memory(u.grad.numpy(), g.numpy())


@pytest.mark.parametrize(("shape", "target"),
                         [((1, 3), (4, 3)), ((2, 1, 1), (2, 5, 3)), ((1,), (6,)), ((1, 1), (1, 1))])
def test_broadcast_view_is_numpys_read_only_broadcast(shape: tuple[int, ...],
                                                      target: tuple[int, ...]) -> None:
    from minigrad import _kernels

    a = np.arange(math.prod(shape), dtype=np.float32).reshape(shape)
    view, ref = _kernels.broadcast_view(a, target), np.broadcast_to(a, target)
    # (a size-1 dim's stride is never used: numpy writes 0 there, the view keeps the array's)
    assert view.shape == ref.shape and np.array_equal(view, ref)
    used = [i for i, n in enumerate(target) if n > 1]
    assert [view.strides[i] for i in used] == [ref.strides[i] for i in used]
    assert not view.flags.writeable and np.shares_memory(view, a)
    a[...] += 1  # a view, not a copy
    assert np.array_equal(view, np.broadcast_to(a, target))


def test_version_check_sees_every_write_after_a_node_however_it_is_made() -> None:
    """The engine checks input versions only for nodes recorded before the latest in-place write (a clock
    in Tensor._write): writes through a detached alias, a view's base and .data all still count, and
    nodes recorded after a write run unchecked and right."""
    def fresh() -> tuple[mg.Tensor, mg.Tensor]:
        w = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
        return w, mg.tensor([4.0, 5.0, 6.0])

    writes = [lambda a: a.detach().add_(1), lambda a: a[:2].mul_(2), lambda a: a.add_(1)]
    for write in writes:
        w, a = fresh()
        y = (w * a).sum()  # Mul saves a for w's gradient
        write(a)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.backward()
        w, a = fresh()
        write(a)
        y = (w * a).sum()  # recorded after the write: no stale input
        y.backward()
        assert w.grad is not None and np.array_equal(w.grad.numpy(), a.numpy())
