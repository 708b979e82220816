"""Custom autograd functions, ``minigrad.autograd.Function``, against ``torch.autograd.Function``.

Each Function is defined once by a factory taking the library, so the very
same forward/backward code runs on PyTorch and on minigrad; values, gradients
and the context's behaviour (``save_for_backward``/``saved_tensors``,
``needs_input_grad``, ``mark_non_differentiable``, ``set_materialize_grads``,
the ``setup_context`` style) must agree.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch


def _cube(lib: Any) -> Any:
    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            (x,) = ctx.saved_tensors
            return g * 3 * x**2

    return Cube


def _scaled_mul(lib: Any) -> Any:
    """Tensor, tensor and a Python float; records which inputs need grad."""

    class ScaledMul(lib.autograd.Function):
        seen: ClassVar[list[tuple[bool, ...]]] = []

        @staticmethod
        def forward(ctx: Any, a: Any, b: Any, scale: float) -> Any:
            ctx.save_for_backward(a, b)
            ctx.scale = scale
            return a * b * scale

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            a, b = ctx.saved_tensors
            ScaledMul.seen.append(tuple(ctx.needs_input_grad))
            ga = g * b * ctx.scale if ctx.needs_input_grad[0] else None
            gb = g * a * ctx.scale if ctx.needs_input_grad[1] else None
            return ga, gb, None

    return ScaledMul


def _sort_with_index(lib: Any) -> Any:
    """Two outputs, one non-differentiable (the permutation)."""

    class SortWithIndex(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            idx = x.argsort()
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(idx)
            return x[idx], idx

        @staticmethod
        def backward(ctx: Any, g: Any, g_idx: Any) -> Any:
            (idx,) = ctx.saved_tensors
            out = lib.zeros_like(g)
            out[idx] = g
            return out

    return SortWithIndex


def _split_two(lib: Any, materialize: bool) -> Any:
    """Two outputs; backward sees None for the unused one unless grads are materialized."""

    class SplitTwo(lib.autograd.Function):
        got_none: ClassVar[list[bool]] = []

        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.set_materialize_grads(materialize)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx: Any, g1: Any, g2: Any) -> Any:
            SplitTwo.got_none.append(g2 is None)
            total = g1 * 2
            if g2 is not None:
                total = total + g2 * 3
            return total

    return SplitTwo


def _setup_context_style(lib: Any) -> Any:
    class Exp(lib.autograd.Function):
        @staticmethod
        def forward(x: Any) -> Any:
            return x.exp()

        @staticmethod
        def setup_context(ctx: Any, inputs: Any, output: Any) -> None:
            ctx.save_for_backward(output)

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            (y,) = ctx.saved_tensors
            return g * y

    return Exp


def _both(torch: Any, values: Any) -> tuple[mg.Tensor, Any]:
    a = np.asarray(values, dtype=np.float64)
    return mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _close(a: Any, b: Any) -> None:
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_save_for_backward_and_apply() -> None:
    torch = require_torch()
    x, t = _both(torch, [0.5, -1.0, 2.0])
    y, ty = _cube(mg).apply(x), _cube(torch).apply(t)
    _close(y, ty)
    assert y.requires_grad and y.grad_fn is not None and "Cube" in y.grad_fn.name()
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    _close(x.grad, t.grad)


def test_gradcheck_and_double_backward_through_a_custom_function() -> None:
    torch = require_torch()
    x = mg.tensor([0.3, -0.7, 1.1], dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(_cube(mg).apply, (x,))
    assert mg.gradgradcheck(_cube(mg).apply, (x,))  # backward is made of differentiable ops
    xm, tm = _both(torch, [0.3, -0.7, 1.1])
    (g,) = mg.grad(_cube(mg).apply(xm).sum(), xm, create_graph=True)
    (tg,) = torch.autograd.grad(_cube(torch).apply(tm).sum(), tm, create_graph=True)
    _close(g, tg)
    g.sum().backward()
    tg.sum().backward()
    _close(xm.grad, tm.grad)


@pytest.mark.parametrize("needs", [(True, True), (True, False), (False, True)])
def test_needs_input_grad_and_non_tensor_arguments(needs: tuple[bool, bool]) -> None:
    torch = require_torch()
    seen = []
    for lib in (mg, torch):
        fn = _scaled_mul(lib)
        a = lib.tensor([1.0, 2.0], requires_grad=needs[0])
        b = lib.tensor([3.0, -1.0], requires_grad=needs[1])
        fn.apply(a, b, 0.5).sum().backward()
        seen.append(fn.seen[-1])
        if needs[0]:
            np.testing.assert_allclose(a.grad.numpy(), [1.5, -0.5])
        else:
            assert a.grad is None
        if needs[1]:
            np.testing.assert_allclose(b.grad.numpy(), [0.5, 1.0])
    assert seen[0] == seen[1] == (*needs, False)


def test_mark_non_differentiable() -> None:
    torch = require_torch()
    x, t = _both(torch, [3.0, 1.0, 2.0])
    (v, i), (tv, ti) = _sort_with_index(mg).apply(x), _sort_with_index(torch).apply(t)
    _close(v, tv)
    np.testing.assert_array_equal(i.numpy(), ti.numpy())
    assert v.requires_grad and not i.requires_grad
    (v * mg.tensor([1.0, 10.0, 100.0], dtype=mg.float64)).sum().backward()
    (tv * torch.tensor([1.0, 10.0, 100.0], dtype=torch.float64)).sum().backward()
    _close(x.grad, t.grad)


@pytest.mark.parametrize("materialize", [True, False])
def test_set_materialize_grads(materialize: bool) -> None:
    torch = require_torch()
    results = []
    for lib in (mg, torch):
        fn = _split_two(lib, materialize)
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        a, _ = fn.apply(x)
        a.sum().backward()
        results.append((fn.got_none[-1], x.grad.tolist()))
    assert results[0] == results[1] == (not materialize, [2.0, 2.0])


def test_setup_context_style() -> None:
    torch = require_torch()
    x, t = _both(torch, [0.1, -2.0])
    y, ty = _setup_context_style(mg).apply(x), _setup_context_style(torch).apply(t)
    _close(y, ty)
    y.sum().backward()
    ty.sum().backward()
    _close(x.grad, t.grad)


def test_apply_under_no_grad_and_on_inputs_without_grad() -> None:
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with mg.no_grad():
        y = _cube(mg).apply(x)
    assert not y.requires_grad and y.grad_fn is None
    z = _cube(mg).apply(mg.tensor([1.0, 2.0]))
    assert not z.requires_grad
    np.testing.assert_array_equal(z.numpy(), [1.0, 8.0])


def test_wrong_number_or_shape_of_gradients_raises_like_torch() -> None:
    torch = require_torch()

    def bad(lib: Any, grads: Any) -> Any:
        class Bad(lib.autograd.Function):
            @staticmethod
            def forward(ctx: Any, x: Any) -> Any:
                return x * 2

            @staticmethod
            def backward(ctx: Any, g: Any) -> Any:
                return grads(lib, g)

        return Bad

    for grads in (lambda lib, g: (g, g), lambda lib, g: lib.ones(5, dtype=g.dtype)):
        for lib in (torch, mg):
            x = lib.tensor([1.0, 2.0], requires_grad=True)
            with pytest.raises(RuntimeError):
                bad(lib, grads).apply(x).sum().backward()


def test_saved_tensors_are_freed_after_backward() -> None:
    torch = require_torch()
    for lib in (torch, mg):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = _cube(lib).apply(x)
        y.sum().backward()
        with pytest.raises(RuntimeError):
            y.sum().backward()


def test_forward_runs_without_recording() -> None:
    """Inside forward, ops are not recorded: the custom backward alone defines the gradient."""

    class Detour(mg.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            assert not mg.is_grad_enabled()
            return x.exp().log() * 1.0

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g * 5

    x = mg.tensor([1.0, 2.0], requires_grad=True)
    Detour.apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 5.0])  # type: ignore[union-attr]


def test_function_is_importable_where_pytorch_has_it() -> None:
    from minigrad.autograd import Function
    from minigrad.autograd.function import FunctionCtx

    assert mg.autograd.Function is Function
    assert FunctionCtx is not None
