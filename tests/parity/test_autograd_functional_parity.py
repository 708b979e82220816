"""minigrad.autograd.functional against torch.autograd.functional: values, structures, second derivatives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import functional as mf
from tests.helpers import require_torch

torch = require_torch()
tf = torch.autograd.functional

RTOL, ATOL = 1e-10, 1e-12


def same(ours: Any, theirs: Any, path: str = "result") -> None:
    """Equal nesting (tuples where PyTorch has tuples), shapes and values."""
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs), f"{path}: {type(ours)} vs tuple"
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            same(a, b, f"{path}[{i}]")
        return
    assert isinstance(ours, mg.Tensor), f"{path}: {type(ours).__name__} where PyTorch has a Tensor"
    assert ours.shape == tuple(theirs.shape), f"{path}: shape {ours.shape} vs {tuple(theirs.shape)}"
    assert ours.requires_grad == theirs.requires_grad, f"{path}: requires_grad"
    np.testing.assert_allclose(ours.detach().numpy(),
                               theirs.detach().numpy(), rtol=RTOL, atol=ATOL, err_msg=path)


rng = np.random.default_rng(0)
A = rng.standard_normal((3,))
B = rng.standard_normal((2, 3))
C = rng.standard_normal(())


def convert(lib: Any, x: Any, grad: bool = False) -> Any:
    if isinstance(x, tuple):
        return tuple(convert(lib, v, grad) for v in x)
    return lib.tensor(x, dtype=lib.float64, requires_grad=grad)


# Written once, run on both libraries (only methods both have).
FUNCS: dict[str, tuple[Callable[..., Any], Any]] = {
    "one-in-one-out": (lambda x: x.exp() * x.sum(), A),
    "one-in-scalar": (lambda x: (x.sin() * x).sum(), A),
    "one-in-tuple-out": (lambda x: (x.tanh(), (x * x).sum()), A),
    "tuple-in-one-out": (lambda x, y: (y * x.exp()).sum(1), (A, B)),
    "tuple-in-tuple-out": (lambda x, y: ((y @ x).sigmoid(), y.sum(0) * x), (A, B)),
    "unused-input": (lambda x, y: x * 3.0, (A, B)),
    "0-d": (lambda x: x * x * x, C),
}
SCALAR: dict[str, tuple[Callable[..., Any], Any]] = {
    "one": (lambda x: (x.exp() * x.sin()).sum(), A),
    "tuple": (lambda x, y: (y.tanh() @ x.exp()).sum() * (x * x).sum(), (A, B)),
    "unused": (lambda x, y: (x * x * x).sum(), (A, B)),
}


def _outputs_like(fn: Callable[..., Any], inputs: Any) -> Any:
    """Random vectors shaped like fn's outputs (numpy), for vjp."""
    out = fn(*inputs) if isinstance(inputs, tuple) else fn(inputs)
    if isinstance(out, tuple):
        return tuple(rng.standard_normal(o.shape) for o in out)
    return rng.standard_normal(out.shape)


def _like(x: Any) -> Any:
    if isinstance(x, tuple):
        return tuple(rng.standard_normal(np.shape(v)) for v in x)
    return rng.standard_normal(np.shape(x))


@pytest.mark.parametrize("name", sorted(FUNCS))
@pytest.mark.parametrize("create_graph", [False, True])
def test_jacobian_vjp_jvp(name: str, create_graph: bool) -> None:
    fn, x = FUNCS[name]
    u = _outputs_like(fn, convert(mg, x))
    v = _like(x)
    same(mf.jacobian(fn, convert(mg, x, create_graph), create_graph=create_graph),
         tf.jacobian(fn, convert(torch, x, create_graph), create_graph=create_graph))
    same(mf.vjp(fn, convert(mg, x, create_graph), convert(mg, u), create_graph=create_graph),
         tf.vjp(fn, convert(torch, x, create_graph), convert(torch, u), create_graph=create_graph))
    same(mf.jvp(fn, convert(mg, x, create_graph), convert(mg, v), create_graph=create_graph),
         tf.jvp(fn, convert(torch, x, create_graph), convert(torch, v), create_graph=create_graph))


@pytest.mark.parametrize("name", sorted(SCALAR))
@pytest.mark.parametrize("create_graph", [False, True])
def test_hessian_hvp_vhp(name: str, create_graph: bool) -> None:
    fn, x = SCALAR[name]
    v = _like(x)
    same(mf.hessian(fn, convert(mg, x, create_graph), create_graph=create_graph),
         tf.hessian(fn, convert(torch, x, create_graph), create_graph=create_graph))
    for ours, theirs in ((mf.hvp, tf.hvp), (mf.vhp, tf.vhp)):
        same(ours(fn, convert(mg, x, create_graph), convert(mg, v), create_graph=create_graph),
             theirs(fn, convert(torch, x, create_graph), convert(torch, v), create_graph=create_graph))


def test_create_graph_results_differentiate_like_pytorchs() -> None:
    """A third derivative through hvp(create_graph=True), both ways."""
    fn, x = SCALAR["one"]
    v = _like(x)
    xm, xt = convert(mg, x, True), convert(torch, x, True)
    _, hv_m = mf.hvp(fn, xm, convert(mg, v), create_graph=True)
    _, hv_t = tf.hvp(fn, xt, convert(torch, v), create_graph=True)
    (g_m,) = mg.grad((hv_m * hv_m).sum(), xm)
    (g_t,) = torch.autograd.grad((hv_t * hv_t).sum(), xt)
    np.testing.assert_allclose(g_m.numpy(), g_t.numpy(), rtol=RTOL, atol=ATOL)


def test_v_none_for_one_element() -> None:
    same(mf.vjp(lambda x: (x * x).sum(), convert(mg, A)), tf.vjp(lambda x: (x * x).sum(), convert(torch, A)))
    same(mf.jvp(lambda x: x.exp() * 2.0, convert(mg, C)), tf.jvp(lambda x: x.exp() * 2.0, convert(torch, C)))
    same(mf.hvp(lambda x: x * x * x, convert(mg, C)), tf.hvp(lambda x: x * x * x, convert(torch, C)))


ERRORS: dict[str, Callable[[Any, Any], Any]] = {
    "vjp list inputs": lambda lib, f: f.vjp(lambda x: x, [lib.ones(2)]),
    "vjp v missing": lambda lib, f: f.vjp(lambda x: x, lib.ones(2)),
    "vjp v wrong size": lambda lib, f: f.vjp(lambda x: x, lib.ones(2), lib.ones(3)),
    "vjp v wrong count": lambda lib, f: f.vjp(lambda x: (x, x), lib.ones(2), (lib.ones(2),)),
    "jvp strict unused": lambda lib, f: f.jvp(lambda x, y: x * 2, (lib.ones(2), lib.ones(2)),
                                              (lib.ones(2), lib.ones(2)), strict=True),
    "jacobian strict constant": lambda lib, f: f.jacobian(lambda x: lib.ones(2), lib.ones(2), strict=True),
    "jacobian strict+vectorize": lambda lib, f: f.jacobian(lambda x: x, lib.ones(2), strict=True,
                                                           vectorize=True),
    "hessian two outputs": lambda lib, f: f.hessian(lambda x: (x.sum(), x.sum()), lib.ones(2)),
    "hessian non-scalar": lambda lib, f: f.hessian(lambda x: x * x, lib.ones(2)),
    "hvp non-scalar": lambda lib, f: f.hvp(lambda x: x * x, lib.ones(2), lib.ones(2)),
    "vhp strict linear": lambda lib, f: f.vhp(lambda x: x.sum() * 2, lib.ones(2), lib.ones(2), strict=True),
    "forward-mode without vectorize": lambda lib, f: f.jacobian(lambda x: x, lib.ones(2),
                                                                strategy="forward-mode"),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_as_pytorch(name: str) -> None:
    with pytest.raises(Exception) as theirs:
        ERRORS[name](torch, tf)
    with pytest.raises(Exception) as ours:
        ERRORS[name](mg, mf)
    assert isinstance(ours.value, type(theirs.value)), (type(ours.value), type(theirs.value))
