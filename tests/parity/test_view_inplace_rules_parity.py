"""In-place changes of views PyTorch refuses under grad, compared with PyTorch: the outputs of functions
returning several views (unbind, split, chunk, a custom Function's) and a custom Function's view of its
input; the ``unsafe_*`` splits that allow it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

A = np.arange(9.0).reshape(3, 3) / 7 - 0.4


def _error(fn: Any, *args: Any) -> str | None:
    try:
        fn(*args)
    except RuntimeError as e:
        return str(e)
    return None


CASES = {
    "unbind": lambda lib, x, w: x.unbind()[1].mul_(2),
    "split": lambda lib, x, w: x.split(1)[0].add_(1),
    "split sizes": lambda lib, x, w: x.split([1, 2])[1].mul_(2),
    "split_with_sizes": lambda lib, x, w: x.split_with_sizes([2, 1])[0].sub_(1),
    "chunk": lambda lib, x, w: x.chunk(3)[2].mul_(2),
    "torch.unbind": lambda lib, x, w: lib.unbind(x, 1)[0].mul_(2),
    "view of an unbind output": lambda lib, x, w: x.unbind()[0].view_as(x[0]).mul_(2),
    "unbind of a view": lambda lib, x, w: x.view_as(x).unbind()[2].add_(1),
    "copy_ into one": lambda lib, x, w: x.detach().unbind()[0].copy_(w),
    "operand needs grad": lambda lib, x, w: x.detach().chunk(3)[0].mul_(w),
}


@pytest.mark.parametrize("case", list(CASES))
def test_inplace_on_one_of_several_views_raises_as_pytorch(case: str) -> None:
    errors = []
    for lib in (mg, torch):
        x = lib.tensor(A, requires_grad=True).clone()
        w = lib.tensor(A[0], requires_grad=True)
        errors.append(_error(CASES[case], lib, x, w))
    assert errors[1] is not None and "function that returns multiple views" in errors[1]
    assert errors[0] == errors[1]


@pytest.mark.parametrize("where", ["no grad mode", "no input needs grad"])
def test_inplace_on_one_of_several_views_is_allowed_unrecorded(where: str) -> None:
    for lib in (mg, torch):
        x = lib.tensor(A, requires_grad=where == "no grad mode").clone()
        if where == "no grad mode":
            with lib.no_grad():
                x.unbind()[0].mul_(2)
        else:
            x.split(1)[0].mul_(2)
        np.testing.assert_allclose(x.detach().numpy()[0], A[0] * 2)


def test_unsafe_splits_may_be_changed_in_place_and_differentiate_as_pytorch() -> None:
    got = []
    for lib in (mg, torch):
        row = []
        for f in (lambda t: t.unsafe_split(1), lambda t: t.unsafe_split_with_sizes((1, 1, 1)),
                  lambda t: t.unsafe_chunk(3), lambda t, lib=lib: lib.unsafe_split(t, 1)):
            a = lib.tensor(A, requires_grad=True)
            b = a * a
            s1, s2, _ = f(b)
            name = s1.grad_fn.name()
            s1.mul_(s2)
            (s1 * lib.tensor(A[0])).sum().backward()
            row.append((np.asarray(a.grad.numpy()), name))
        got.append(row)
    for (mgrad, mname), (tgrad, tname) in zip(*got):
        np.testing.assert_allclose(mgrad, tgrad, rtol=1e-6)
        assert mname == tname


def _view_fns(lib: Any) -> tuple[Any, Any]:
    class AsView(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x.view_as(x)

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g

    class Two(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x * 2, x[0]

        @staticmethod
        def backward(ctx: Any, g: Any, h: Any) -> Any:
            return g * 2

    return AsView, Two


def _identity(lib: Any) -> Any:
    class Identity(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g

    return Identity


@pytest.mark.parametrize("case", ["view", "view of it", "input needs no grad", "one of two outputs",
                                  "input returned as it is", "a module's output under a full backward hook"])
def test_inplace_on_a_custom_functions_view_raises_as_pytorch(case: str) -> None:
    errors = []
    for lib in (mg, torch):
        as_view, two = _view_fns(lib)
        x = lib.tensor(A, requires_grad=True).clone()
        if case == "view":
            errors.append(_error(lambda f, t: f.apply(t).mul_(2), as_view, x))
        elif case == "view of it":
            errors.append(_error(lambda f, t: f.apply(t).view(-1).mul_(2), as_view, x))
        elif case == "input needs no grad":
            errors.append(_error(lambda f, t, u: f.apply(u).add_(t), as_view, x, lib.tensor(A)))
        elif case == "one of two outputs":
            errors.append(_error(lambda f, t: f.apply(t)[1].mul_(2), two, x))
        elif case == "input returned as it is":
            errors.append(_error(lambda f, t: f.apply(t).mul_(2), _identity(lib), x))
        else:
            lin = lib.nn.Linear(3, 3, dtype=lib.float64)
            lin.register_full_backward_hook(lambda mod, gi, go: None)
            errors.append(_error(lambda m, t: m(t).relu_(), lin, x))
    assert errors[1] is not None
    assert errors[0] == errors[1]


def test_a_custom_functions_new_tensor_may_be_changed_in_place() -> None:
    grads = []
    for lib in (mg, torch):
        _, two = _view_fns(lib)
        x = lib.tensor(A, requires_grad=True)
        y, _ = two.apply(x)
        y.mul_(3)
        y.sum().backward()
        grads.append(np.asarray(x.grad.numpy()))
    np.testing.assert_allclose(grads[0], grads[1])


@pytest.mark.parametrize("grad_mode", [True, False])
@pytest.mark.parametrize("requires_grad", [True, False])
def test_inplace_on_views_made_with_and_without_grad_mode_as_pytorch(grad_mode: bool,
                                                                     requires_grad: bool) -> None:
    # PyTorch's test_autograd_views_codegen: view_as and unbind, made in or out of grad mode, changed in place
    results = []
    for lib in (mg, torch):
        inp = lib.tensor(A[0], requires_grad=requires_grad).clone()
        with lib.set_grad_enabled(grad_mode):
            out = inp.view_as(inp)
            outs = inp.unbind()
        errors = [_error(lambda t: t.add_(1), t) for t in (out, *outs)]
        results.append((out._is_view(), outs[0]._is_view(), errors, np.asarray(inp.detach().numpy())))
    assert results[0][:3] == results[1][:3]
    np.testing.assert_allclose(results[0][3], results[1][3])


def test_inplace_on_a_view_made_in_inference_mode_raises_as_pytorch() -> None:
    for lib in (mg, torch):
        a = lib.tensor(A, requires_grad=True).clone()
        with lib.inference_mode():
            view = a.view_as(a)
        with pytest.raises(RuntimeError, match="A view was created in inference mode and is being modified"):
            view.add_(2)


@pytest.mark.parametrize("requires_grad", [True, False])
def test_a_view_made_in_inference_mode_of_a_normal_tensor_as_pytorch(requires_grad: bool) -> None:
    seen = []
    for lib in (mg, torch):
        a = lib.tensor(A, requires_grad=requires_grad).clone()
        with lib.inference_mode():
            out = a.view(-1)
            tmp = out.view(3, 3)
            facts = [lib.is_inference(out), out.requires_grad, out._is_view(), out.is_leaf, tmp.requires_grad]
        prod = out * out
        facts += [prod.requires_grad, lib.is_inference(prod), _error(lambda t: t.add_(2), out) is None]
        seen.append(facts)
    assert seen[0] == seen[1]


def test_resize_of_an_inference_tensor_that_requires_grad_inside_inference_mode() -> None:
    shapes = []
    for lib in (mg, torch):
        with lib.inference_mode():
            c = lib.ones(1, 2, 3, requires_grad=True)
            c.resize_(1, 2)
            shapes.append((tuple(c.shape), lib.is_inference(c), c.requires_grad))
        with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
            lib.ones(2, requires_grad=True).resize_(1)
    assert shapes[0] == shapes[1]
