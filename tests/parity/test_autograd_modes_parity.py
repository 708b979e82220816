"""Grad-mode decorators on generators and classes, autograd switches, custom Function details and
error texts, side by side with torch."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()
LIBS = (mg, torch)


def _generator_modes(lib: Any) -> list[bool]:
    @lib.no_grad()
    def gen(n: int) -> Iterator[int]:
        for i in range(n):
            seen.append(lib.is_grad_enabled())
            got = yield i
            seen.append(lib.is_grad_enabled() and got == i)
        return None

    seen: list[bool] = []
    with lib.enable_grad():
        g = gen(3)
        value = next(g)
        while True:
            seen.append(lib.is_grad_enabled())  # the caller's mode between steps
            try:
                value = g.send(value)
            except StopIteration:
                break
    return seen


def test_decorated_generators_switch_mode_per_step() -> None:
    assert _generator_modes(mg) == _generator_modes(torch)


def test_decorating_a_class_warns_and_applies_to_construction() -> None:
    for lib in LIBS:
        with pytest.warns(FutureWarning, match="Decorating classes is deprecated"):
            @lib.no_grad()
            class Built:
                def __init__(self, lib: Any = lib) -> None:
                    self.mode = lib.is_grad_enabled()

        assert Built().mode is False and lib.is_grad_enabled()


def test_multithreading_switch_matches_torch() -> None:
    for lib in LIBS:
        with lib.autograd.set_multithreading_enabled(False):
            assert not lib.autograd.is_multithreading_enabled()
        assert lib.autograd.is_multithreading_enabled()
        lib.autograd.set_multithreading_enabled(False)
        assert not lib.autograd.is_multithreading_enabled()
        lib.autograd.set_multithreading_enabled(True)


def test_create_graph_backward_warns_when_warn_always() -> None:
    for lib in LIBS:
        lib.set_warn_always(True)
        try:
            b = lib.tensor([1.0, 2.0], requires_grad=True)
            with pytest.warns(UserWarning, match="Using backward\\(\\) with create_graph=True"):
                (b * b).sum().backward(create_graph=True)
        finally:
            lib.set_warn_always(False)
        assert not lib.is_warn_always_enabled()


def test_grad_argument_and_legacy_errors_use_torch_words() -> None:
    for lib in LIBS:
        x = lib.tensor(0.5, requires_grad=True)
        with pytest.raises(ValueError, match="Expected allow_unused to be True or not passed when"):
            lib.autograd.grad(x * 2, x, allow_unused=False, materialize_grads=True)

        class Legacy(lib.autograd.Function):
            pass

        with pytest.warns(DeprecationWarning, match="should not be instantiated"):
            legacy = Legacy()
        with pytest.raises(RuntimeError, match="Legacy autograd function with non-static forward method"):
            legacy(x)


def test_custom_function_ctx_details_match_torch() -> None:
    for lib in LIBS:
        class Pair(lib.autograd.Function):
            @staticmethod
            def forward(ctx: Any, x: Any) -> Any:
                ctx.save_for_backward(x)
                out0, out1 = x.clone(), x.clone()
                ctx.mark_non_differentiable(out1)
                ctx._materialize_non_diff_grads = False
                return out0, out1

            @staticmethod
            def backward(ctx: Any, g0: Any, g1: Any) -> Any:
                assert g1 is None  # not materialized for the non-differentiable output
                (x,) = ctx.saved_variables
                return g0 * x

        a = lib.tensor(3.0, requires_grad=True)
        with pytest.warns(DeprecationWarning, match="'saved_variables' is deprecated"):
            Pair.apply(a)[0].backward()
        assert a.grad.item() == 3.0


def test_once_differentiable_gradients_refuse_a_second_derivative() -> None:
    results = []
    for lib in LIBS:
        class Square(lib.autograd.Function):
            @staticmethod
            def forward(ctx: Any, x: Any) -> Any:
                ctx.save_for_backward(x)
                return x * x

            @staticmethod
            @lib.autograd.function.once_differentiable
            def backward(ctx: Any, g: Any, lib: Any = lib) -> Any:
                assert not lib.is_grad_enabled()
                (x,) = ctx.saved_tensors
                return 2 * g * x

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        go = lib.ones((), requires_grad=True)  # a gradient requiring grad: the once-only backward is recorded
        (gx,) = lib.autograd.grad(Square.apply(x).sum(), x, go, create_graph=True)
        assert gx.grad_fn is not None
        with pytest.raises(RuntimeError, match="trying to differentiate twice a function that was marked "
                                               "with @once_differentiable"):
            gx.sum().backward()
        results.append(gx.detach().numpy())
    np.testing.assert_allclose(results[0], results[1])


def test_calling_a_grad_fn_runs_its_backward() -> None:
    results = []
    for lib in LIBS:
        x = lib.tensor([1.5], requires_grad=True)
        y = x ** 2
        with pytest.raises(TypeError, match=r"expected .* arguments, got .* instead"):
            y.grad_fn()
        with pytest.raises(TypeError, match=r"expected .* arguments, got .* instead"):
            y.grad_fn(x.detach(), x.detach())
        out = y.grad_fn(lib.tensor([2.0]))
        results.append((out[0] if isinstance(out, tuple) else out).detach().numpy())
    np.testing.assert_allclose(results[0], results[1])


def test_anomaly_nan_message_starts_with_torchs() -> None:
    for lib in LIBS:
        class NanGrad(lib.autograd.Function):
            @staticmethod
            def forward(ctx: Any, x: Any) -> Any:
                return x.clone()

            @staticmethod
            def backward(ctx: Any, g: Any) -> Any:
                return g * float("nan")

        x = lib.ones(3, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with lib.autograd.detect_anomaly(), \
                    pytest.raises(RuntimeError, match=r"Function 'NanGradBackward' returned nan values "
                                                      r"in its 0th output\."):
                NanGrad.apply(x).sum().backward()


def test_saved_tensors_hooks_entered_during_backward_end_with_it() -> None:
    for lib in LIBS:
        inner = lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t)

        def unpack(t: Any, inner: Any = inner) -> Any:
            inner.__enter__()  # not supported usage: must not outlive the backward
            return t

        x = lib.ones(3, requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: t, unpack):
            y = x.sin()
        y.sum().backward()
        with lib.autograd.graph.disable_saved_tensors_hooks("none active"):
            pass  # raises if a hook were still active


def test_gradcheck_catches_a_nondeterministic_backward() -> None:
    for lib in LIBS:
        class Jitter(lib.autograd.Function):
            @staticmethod
            def forward(ctx: Any, x: Any, jitter: float) -> Any:
                ctx.jitter = jitter
                return x.clone()

            @staticmethod
            def backward(ctx: Any, g: Any, lib: Any = lib) -> Any:
                return g * (1 + lib.rand_like(g) * ctx.jitter), None

        x = lib.tensor([[0.5, -1.0], [2.0, 0.25]], dtype=lib.float64, requires_grad=True)
        assert lib.autograd.gradcheck(lambda t: Jitter.apply(t, 0.0), (x,))
        with pytest.raises(RuntimeError, match="Backward is not reentrant"):
            lib.autograd.gradcheck(lambda t: Jitter.apply(t, 1e-6), (x,))
        assert lib.autograd.gradcheck(lambda t: Jitter.apply(t, 1e-6), (x,), nondet_tol=1e-5)


def test_gradcheck_of_outputs_that_need_no_grad() -> None:
    for lib in LIBS:
        x = lib.ones((1,), dtype=lib.float64, requires_grad=True)

        def constant(t: Any, lib: Any = lib) -> Any:  # a new tensor from the value: no graph
            return lib.tensor([t.item()], dtype=lib.float64)

        with pytest.raises(RuntimeError, match="Numerical gradient for function expected to be zero"):
            lib.autograd.gradcheck(constant, (x,))
        assert not lib.autograd.gradcheck(constant, (x,), raise_exception=False)
        assert lib.autograd.gradcheck(lambda t: (), (x,))
