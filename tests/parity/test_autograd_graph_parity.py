"""``torch.autograd.graph`` and the hooks around backward, side by side with torch: saved tensors
hooks (how often pack/unpack run, what backward computes from the unpacked values), grad_fn
pre-hooks and hooks, post-accumulate-grad hooks, and the warning for a non-leaf's ``.grad``."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()
LIBS = (mg, torch)
A = np.array([0.5, -1.5, 2.0, 0.25])


def _np(t: Any) -> np.ndarray:
    return t.detach().numpy()


def _counts(lib: Any, fn: Callable[[Any, Any, Any], Any]) -> tuple[int, int]:
    """(pack calls, unpack calls) for ``fn(lib, x, y)`` and a backward through it."""
    calls = [0, 0]

    def pack(t: Any) -> Any:
        calls[0] += 1
        return t

    def unpack(t: Any) -> Any:
        calls[1] += 1
        return t

    x = lib.tensor(A, requires_grad=True)
    y = lib.tensor(A[::-1].copy())
    with lib.autograd.graph.saved_tensors_hooks(pack, unpack):
        out = fn(lib, x, y)
        out.sum().backward()
    return calls[0], calls[1]


@pytest.mark.parametrize("fn", [
    lambda lib, x, y: x * x,  # x saved twice
    lambda lib, x, y: x * y,  # only y (for x's gradient)
    lambda lib, x, y: x * 3,  # a Python number is not a saved tensor
    lambda lib, x, y: x.exp(),  # the result
    lambda lib, x, y: x.sin(),  # the input
    lambda lib, x, y: x + y,  # nothing
])
def test_pack_and_unpack_counts_match_torch(fn: Callable[[Any, Any, Any], Any]) -> None:
    assert _counts(mg, fn) == _counts(torch, fn)


def test_backward_uses_the_unpacked_values() -> None:
    grads = []
    for lib in LIBS:
        a = lib.tensor(A, requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: 2 * t, lambda t: t):
            y = a * a
        np.testing.assert_allclose(_np(y.grad_fn._saved_self), 2 * A)
        y.sum().backward()
        grads.append(_np(a.grad))
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6)
    np.testing.assert_allclose(grads[0], 4 * A, rtol=1e-6)


def test_unpacked_values_in_double_backward() -> None:
    results = []
    for lib in LIBS:
        a = lib.tensor(A, dtype=lib.float64, requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: 2 * t, lambda t: t):
            s = (a ** 3).sum()
        (g,) = lib.autograd.grad(s, (a,), create_graph=True)
        g.sum().backward()
        results.append((_np(g), _np(a.grad)))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_custom_function_saved_tensors_are_packed() -> None:
    for lib in LIBS:
        class Square(lib.autograd.Function):
            @staticmethod
            def forward(ctx: Any, x: Any) -> Any:
                ctx.save_for_backward(x)
                return x * x

            @staticmethod
            def backward(ctx: Any, g: Any) -> Any:
                (x,) = ctx.saved_tensors
                return 2 * g * x

        x = lib.tensor(A, requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(lambda t: ("packed", t * 10), lambda p: p[1]):
            out = Square.apply(x)
        out.sum().backward()
        np.testing.assert_allclose(_np(x.grad), 20 * A, rtol=1e-6)


def test_hook_errors_match_torch() -> None:
    for lib in LIBS:
        with lib.autograd.graph.disable_saved_tensors_hooks("no hooks here"), \
                pytest.raises(RuntimeError, match="no hooks here"), \
                lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            pass

        def inc(t: Any) -> Any:
            t += 1
            return t

        a = lib.tensor(A, requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(inc, lambda t: t), \
                pytest.raises(RuntimeError, match="A saved tensor pack hook is modifying its input in place"):
            a.exp()


def _hooked_grads(lib: Any, custom: bool) -> tuple[list[int], np.ndarray]:
    if custom:
        class Mul2(lib.autograd.Function):
            @staticmethod
            def forward(ctx: Any, x: Any) -> Any:
                return x * 2

            @staticmethod
            def backward(ctx: Any, g: Any) -> Any:
                return g * 2
        mul2: Callable[[Any], Any] = Mul2.apply
    else:
        def mul2(x: Any) -> Any:
            return x * 2
    a = lib.tensor([1.0, 3.0], requires_grad=True)
    b = mul2(a)
    seen: list[int] = []

    def prehook(grad_outputs: Any) -> Any:
        seen.append(1)
        return (grad_outputs[0] * 2,)

    def posthook(grad_inputs: Any, grad_outputs: Any) -> Any:
        seen.append(2)
        return (grad_inputs[0] + 1, *grad_inputs[1:])

    b.grad_fn.register_prehook(prehook)
    removed = b.grad_fn.register_prehook(prehook)
    b.grad_fn.register_prehook(lambda g: None)
    b.grad_fn.register_hook(posthook)
    removed.remove()

    b.grad_fn.metadata["tag"] = "kept"
    assert b.grad_fn.metadata == {"tag": "kept"}
    assert isinstance(b.grad_fn, lib.autograd.graph.Node)
    (b * lib.tensor([1.0, -2.0])).sum().backward()
    return seen, _np(a.grad)


@pytest.mark.parametrize("custom", [False, True])
def test_grad_fn_hooks_match_torch(custom: bool) -> None:
    ours, theirs = _hooked_grads(mg, custom), _hooked_grads(torch, custom)
    assert ours[0] == theirs[0]
    np.testing.assert_allclose(ours[1], theirs[1])


def test_a_hook_returning_the_wrong_number_of_gradients_raises() -> None:
    for lib in LIBS:
        a = lib.ones(2, requires_grad=True)
        b = a.sin()
        b.grad_fn.register_hook(lambda grad_inputs, grad_outputs: (grad_inputs[0], grad_inputs[0]))
        with pytest.raises(RuntimeError, match=r"has returned an incorrect number of values \(got 2, but "
                                               r"expected 1\)"):
            b.sum().backward()


def test_custom_function_node_is_named_like_torch() -> None:
    names = []
    for lib in LIBS:
        class MyFn(lib.autograd.Function):
            @staticmethod
            def forward(ctx: Any, x: Any) -> Any:
                return x * 2

            @staticmethod
            def backward(ctx: Any, g: Any) -> Any:
                return g * 2
        out = MyFn.apply(lib.ones(2, requires_grad=True))
        names.append((type(out.grad_fn).__name__, out.grad_fn.name()))
    assert names[0] == names[1]


def test_post_accumulate_grad_hooks_match_torch() -> None:
    results = []
    for lib in LIBS:
        t = lib.tensor(A, requires_grad=True)
        order: list[str] = []

        def step(p: Any, order: list[str] = order) -> None:
            order.append("step")
            p.sub_(p.grad)

        def scale(p: Any, order: list[str] = order) -> None:
            order.append("scale")
            p.mul_(4.0)

        t.register_post_accumulate_grad_hook(step)
        t.register_post_accumulate_grad_hook(scale)
        (t * 3).sum().backward()
        results.append((order, _np(t)))
        with pytest.raises(RuntimeError, match="post accumulate grad hooks cannot be registered on non-leaf"):
            (t * 2).register_post_accumulate_grad_hook(step)
        bad = lib.tensor(A, requires_grad=True)
        bad.register_post_accumulate_grad_hook(lambda p: p.grad)
        with pytest.raises(RuntimeError, match="hooks should return None"):
            bad.sum().backward()
    assert results[0][0] == results[1][0] == ["step", "scale"]
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-6)


def test_non_leaf_grad_warning_is_torchs() -> None:
    texts = []
    for lib in LIBS:
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert x.grad is None and y.grad is None
            y.retain_grad()
            assert y.grad is None
        assert len(caught) == 1 and caught[0].category is UserWarning
        texts.append(str(caught[0].message))
    assert texts[1].startswith(texts[0])  # (torch adds where in its C++ it was raised)


def test_increment_version_matches_torch() -> None:
    for lib in LIBS:
        a = lib.ones(3, requires_grad=True)
        v = a._version
        lib.autograd.graph.increment_version(a)
        assert a._version == v + 1
