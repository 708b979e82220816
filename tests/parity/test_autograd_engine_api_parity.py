"""Older corners of torch.autograd that libraries still call, compared with PyTorch:
``Variable._execution_engine.queue_callback`` (run a function when the backward pass ends),
``autograd.function.InplaceFunction`` and ``Function._backward_cls``, ``Tensor._backward_hooks``,
``Tensor.set_`` (a parameter resized in place under no_grad), and custom Functions' graphs freed promptly."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _callbacks(lib: Any, depths: tuple[int, ...]) -> list[str]:
    log: list[str] = []
    engine = lib.autograd.Variable._execution_engine

    class Inner(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * 1

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            if 1 in depths:
                engine.queue_callback(lambda: log.append("inner"))
            log.append("inner backward")
            return g

    class Outer(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * 1

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            if 0 in depths:
                engine.queue_callback(lambda: (log.append("outer"),
                                               engine.queue_callback(lambda: log.append("queued by outer"))))
            inp = g.detach().requires_grad_()
            with lib.enable_grad():
                Inner.apply(inp).sum().backward()
            log.append("outer backward")
            return g

    x = lib.ones(3, requires_grad=True)
    (Outer.apply(x) * 2).sum().backward()
    log.append("done")
    return log


@pytest.mark.parametrize("depths", [(), (0,), (1,), (0, 1)])
def test_queue_callback_runs_when_its_backward_pass_ends(depths: tuple[int, ...]) -> None:
    assert _callbacks(mg, depths) == _callbacks(torch, depths)


def test_queue_callback_outside_backward_raises_as_pytorch() -> None:
    for lib in (mg, torch):
        with pytest.raises(RuntimeError, match="Final callbacks can only be installed during backward pass"):
            lib.autograd.Variable._execution_engine.queue_callback(lambda: None)


def test_inplace_function_marking_an_input_dirty_as_pytorch() -> None:
    grads = []
    for lib in (mg, torch):
        class Inplace(lib.autograd.function.InplaceFunction):
            @staticmethod
            def forward(ctx: Any, a: Any, b: Any) -> Any:
                ctx.mark_dirty(a)
                return a.add_(b), b + 2

            @staticmethod
            def backward(ctx: Any, grad_a: Any, grad_b: Any) -> Any:
                return grad_a, grad_a * 3 + grad_b

        x = lib.zeros(2, 2)
        y = lib.ones(2, 2, requires_grad=True)
        q, p = Inplace.apply(x, y)
        assert q is x and q.requires_grad
        assert type(q.grad_fn) is Inplace._backward_cls
        with pytest.warns(DeprecationWarning, match="should not be instantiated"):
            assert Inplace(inplace=True).inplace
        (q.sum() + p.sum()).backward()
        grads.append(np.asarray(y.grad.numpy()))
    np.testing.assert_array_equal(grads[0], grads[1])


def test_backward_hooks_attribute_as_pytorch() -> None:
    for lib in (mg, torch):
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        assert not y._backward_hooks
        y.register_hook(lambda g: g * 10)
        assert len(y._backward_hooks) == 1
        y._backward_hooks = OrderedDict()  # shown, but the registered hook still runs and this one never
        y._backward_hooks["later"] = lambda g: g * 100
        assert list(y._backward_hooks) == ["later"]
        y.sum().backward()
        np.testing.assert_array_equal(np.asarray(x.grad.numpy()), [20.0, 20.0])


@pytest.mark.parametrize("after", ["forward", "backward with create_graph"])
def test_a_custom_functions_graph_is_freed_with_its_output(after: str) -> None:
    import gc
    import weakref

    class Marker:
        pass

    for lib in (mg, torch):
        class Scale(lib.autograd.Function):
            @staticmethod
            def forward(ctx: Any, x: Any) -> Any:
                ctx.save_for_backward(x)
                return x * 3

            @staticmethod
            def backward(ctx: Any, g: Any) -> Any:
                (x,) = ctx.saved_tensors
                return g * 3 + x * 0

        gc.disable()  # freed by reference counting, not left to the cycle collector
        try:
            x = lib.ones(2, requires_grad=True)
            out = Scale.apply(x)
            if after != "forward":
                lib.autograd.grad(out.sum(), x, create_graph=True)
            marker = Marker()
            out.grad_fn.metadata["m"] = marker
            ref = weakref.ref(marker)
            del marker, out
            assert ref() is None, lib.__name__
        finally:
            gc.enable()


def test_set_resizes_a_parameter_under_no_grad_as_pytorch() -> None:
    got = []
    for lib in (mg, torch):
        p = lib.nn.Parameter(lib.arange(6.0, dtype=lib.float64))
        for _ in range(2):
            with lib.no_grad():
                p.set_(p[1:])
                p.grad = None
            (lib.cat((p, p)) * lib.arange(2.0 * len(p), dtype=lib.float64)).sum().backward()
        b = lib.zeros(2, 2)
        a = lib.ones(4)
        a.set_(b)
        b.add_(3)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an"):
            p.set_(lib.zeros(2, dtype=lib.float64))
        with pytest.raises(RuntimeError, match="Could not set tensor of type double to a tensor of type"):
            a.set_(lib.zeros(2, dtype=lib.float64))
        got.append((p.detach().numpy().copy(), p.grad.numpy().copy(), a.numpy().copy(), a._version,
                    tuple(a.set_().shape)))
    for m, t in zip(*got):
        np.testing.assert_array_equal(m, t)



def _grad_of_one_target(lib: Any, steps: int) -> list[float]:
    x = lib.tensor([0.5, 1.0, 2.0], requires_grad=True)
    t = x.exp()
    t.sum().backward()  # frees exp's saved result: t's history cannot run again
    for _ in range(steps):  # a long history above it (a simulation's state)
        t = t * 0.5 + 0.25
    (g,) = lib.autograd.grad((t * t).sum(), t)
    return [float(v) for v in g.tolist()]


@pytest.mark.parametrize("steps", [0, 2000])
def test_grad_with_one_input_does_not_search_below_it_as_pytorch(steps: int) -> None:
    """autograd.grad(H, t) needs nothing below t: PyTorch answers even when t's history holds a freed node
    (minigrad searched all of it, raising 'backward through the graph a second time', and a loop calling
    grad(H, state) walked every earlier step's nodes at each step)."""
    assert _grad_of_one_target(mg, steps) == pytest.approx(_grad_of_one_target(torch, steps), rel=1e-6)


def _hooks_with_inputs(lib: Any) -> list[Any]:
    log: list[Any] = []
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    b = lib.tensor([3.0, 4.0], requires_grad=True)
    a.register_hook(lambda g: log.append(("a", g.tolist())))
    b.register_hook(lambda g: log.append(("b", g.tolist())))
    y = (a * b).sum()
    (gb,) = lib.autograd.grad(y, b, retain_graph=True)
    y.backward(inputs=[a], retain_graph=True)
    (ga,) = lib.autograd.grad((a * a * b).sum(), a)
    return [log, gb.tolist(), ga.tolist(), a.grad.tolist(), b.grad]


def test_hooks_of_leaves_outside_inputs_do_not_run_as_pytorch() -> None:
    """grad(y, b) and backward(inputs=[a]) reach only those leaves: a hook on another leaf does not run
    (minigrad ran every leaf's hooks at the end of the pass)."""
    assert _hooks_with_inputs(mg) == _hooks_with_inputs(torch)
