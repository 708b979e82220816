"""torch.func against PyTorch: grad, grad_and_value, vjp, jacrev, jacfwd, hessian, functional_call and vmap
give PyTorch's values (float64), shapes and errors, nest, and pass gradients to an outer backward()."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import assert_close, require_torch

torch = require_torch()

# torch's jacfwd scripts a helper on first use, which warns in PyTorch 2.13
pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4))
B = RNG.standard_normal(4)
C = RNG.standard_normal((2, 3))


def _leaves(tree: Any) -> list[Any]:
    if isinstance(tree, (tuple, list)):
        return [leaf for t in tree for leaf in _leaves(t)]
    if isinstance(tree, dict):
        return [leaf for k in sorted(tree) for leaf in _leaves(tree[k])]
    return [tree]


def _same(got: Any, want: Any) -> None:
    assert type(got).__name__ == type(want).__name__ or isinstance(want, torch.Tensor), (got, want)
    g, w = _leaves(got), _leaves(want)
    assert len(g) == len(w)
    for a, b in zip(g, w):
        if isinstance(b, torch.Tensor):
            assert tuple(a.shape) == tuple(b.shape)
            assert a.requires_grad == b.requires_grad
            assert_close(a.detach(), b)
        else:
            assert a == b


def f_scalar(lib: ModuleType, x: Any, y: Any) -> Any:
    return (x.sin() * y).sum() + (x**3).mean() * y.exp().sum()


CASES: dict[str, Callable[[ModuleType, Any, Any, Any], Any]] = {
    "grad": lambda m, x, y, z: m.func.grad(lambda a, b: f_scalar(m, a, b))(x, y),
    "grad argnums=1": lambda m, x, y, z: m.func.grad(lambda a, b: f_scalar(m, a, b), argnums=1)(x, y),
    "grad argnums=(0, 1)": lambda m, x, y, z: m.func.grad(lambda a, b: f_scalar(m, a, b), argnums=(0, 1))(
        x, y
    ),
    "grad has_aux": lambda m, x, y, z: m.func.grad(
        lambda a: ((a**2).sum(), {"s": a.sum(), "t": (a, a.max())}), has_aux=True
    )(x),
    "grad of a tuple argument": lambda m, x, y, z: m.func.grad(lambda p: (p[0] @ p[1]).tanh().sum())((x, y)),
    "grad unused": lambda m, x, y, z: m.func.grad(lambda a, b: (b * 2).sum(), argnums=(0, 1))(x, y),
    "grad_and_value": lambda m, x, y, z: m.func.grad_and_value(lambda a, b: f_scalar(m, a, b))(x, y),
    "grad_and_value has_aux": lambda m, x, y, z: m.func.grad_and_value(
        lambda a: (a.exp().sum(), a.max()), has_aux=True
    )(x),
    "grad of grad": lambda m, x, y, z: m.func.grad(
        lambda v: m.func.grad(lambda u: (u**3).sum())(v).sin().sum()
    )(y),
    "jacrev": lambda m, x, y, z: m.func.jacrev(lambda a, b: (a @ b).tanh())(x, y),
    "jacrev argnums": lambda m, x, y, z: m.func.jacrev(lambda a, b: (a @ b).tanh(), argnums=(0, 1))(x, y),
    "jacrev tuple out": lambda m, x, y, z: m.func.jacrev(lambda b: (b.exp(), b.sum(), b[:2] * 3))(y),
    "jacrev has_aux": lambda m, x, y, z: m.func.jacrev(lambda b: (b.sin(), b.cos()), has_aux=True)(y),
    "jacfwd": lambda m, x, y, z: m.func.jacfwd(lambda a: a.softmax(-1))(x),
    "jacfwd argnums": lambda m, x, y, z: m.func.jacfwd(lambda a, b: a * b, argnums=1)(x, y),
    "hessian": lambda m, x, y, z: m.func.hessian(lambda b: (b.exp() * b.sin()).sum() + b.prod())(y),
    "hessian of a matrix": lambda m, x, y, z: m.func.hessian(lambda a: (a @ a.t()).logsumexp(0).sum())(z),
    "hessian argnums": lambda m, x, y, z: m.func.hessian(lambda a, b: (a @ b).pow(2).sum(), argnums=1)(x, y),
    "vjp": lambda m, x, y, z: (lambda out, fn: (out, fn(m.ones_like(out) * 0.5)))(
        *m.func.vjp(lambda a, b: (a @ b).sigmoid(), x, y)
    ),
    "vjp tuple out": lambda m, x, y, z: (
        lambda out, fn: (out, fn((out[0] * 2, m.tensor(3.0, dtype=m.float64))))
    )(*m.func.vjp(lambda b: (b.exp(), b.sum()), y)),
    "vjp has_aux": lambda m, x, y, z: (lambda out, fn, aux: (out, fn(out.detach()), aux))(
        *m.func.vjp(lambda b: (b.tanh(), b.mean()), y, has_aux=True)
    ),
    "vmap": lambda m, x, y, z: m.vmap(lambda r: (r * r).sum())(x),
    "vmap in_dims": lambda m, x, y, z: m.vmap(lambda a, b: a @ b, in_dims=(0, None))(x, y),
    "vmap in_dims=(1, 0)": lambda m, x, y, z: m.vmap(lambda a, b: a * b, in_dims=(1, 0))(x, y),
    "vmap out_dims": lambda m, x, y, z: m.vmap(lambda a: (a.exp(), a.sum()), out_dims=(1, 0))(x),
    "vmap nested in_dims": lambda m, x, y, z: m.func.vmap(
        lambda p, s: p[0] * p[1] + s, in_dims=((0, None), 0)
    )((x, y), x[:, 0]),
    "vmap dict in": lambda m, x, y, z: m.vmap(lambda d: d["a"] - d["b"], in_dims=({"a": 1, "b": None},))(
        {"a": x, "b": 2.0}
    ),
    "vmap negative dims": lambda m, x, y, z: m.vmap(lambda a: a.cumsum(0), in_dims=-1, out_dims=-1)(x),
    "vmap of vmap": lambda m, x, y, z: m.vmap(m.vmap(lambda s: s.sin() * 2))(x),
    "vmap out_dims None": lambda m, x, y, z: m.vmap(
        lambda a, b: (a * b, b), in_dims=(0, None), out_dims=(0, None)
    )(x, y),
    "vmap kwargs": lambda m, x, y, z: m.vmap(lambda a, scale: a * scale)(x, scale=3.0),
    "vmap of grad (per-sample gradients)": lambda m, x, y, z: m.vmap(
        m.func.grad(lambda w, r: ((r * w).sum() - 1) ** 2), in_dims=(None, 0)
    )(y, x),
    "jacrev of vmap": lambda m, x, y, z: m.func.jacrev(lambda b: m.vmap(lambda r: (r * b).sum())(x))(y),
}


@pytest.mark.parametrize("name", list(CASES))
def test_values_as_pytorch(name: str) -> None:
    def run(lib: ModuleType) -> Any:
        return CASES[name](lib, *(lib.tensor(a) for a in (A, B, C)))

    _same(run(mg), run(torch))


@pytest.mark.parametrize(
    "name",
    [
        "grad",
        "grad argnums=(0, 1)",
        "jacrev",
        "hessian",
        "vjp",
        "vmap in_dims",
        "vmap of grad (per-sample gradients)",
        "vmap out_dims",
        "jacrev of vmap",
    ],
)
def test_gradients_flow_to_an_outer_backward_as_pytorch(name: str) -> None:
    grads = []
    for lib in (torch, mg):
        xs = [lib.tensor(a, requires_grad=True) for a in (A, B, C)]
        out = CASES[name](lib, *xs)
        leaves = [t for t in _leaves(out) if isinstance(t, lib.Tensor) and t.requires_grad]
        ups = [
            lib.tensor(np.random.default_rng(i).standard_normal(tuple(t.shape))) for i, t in enumerate(leaves)
        ]
        lib.autograd.backward(leaves, ups)
        grads.append([x.grad for x in xs])
    for mine, theirs in zip(grads[1], grads[0]):
        assert (mine is None) == (theirs is None)
        if theirs is not None:
            assert_close(mine, theirs)


def _functional_call_run(lib: ModuleType) -> tuple[Any, ...]:
    lib.manual_seed(0)
    net = lib.nn.Sequential(lib.nn.Linear(4, 3), lib.nn.BatchNorm1d(3)).double()
    params = {
        k: lib.tensor(np.random.default_rng(len(k)).standard_normal(tuple(v.shape)), requires_grad=True)
        for k, v in net.named_parameters()
    }
    buffers = {"1.running_mean": lib.ones(3, dtype=lib.float64)}
    x = lib.tensor(A)
    before = [t.detach().clone() for t in (*net.parameters(), *net.buffers())]
    net.eval()
    y = lib.func.functional_call(net, (params, buffers), (x,))
    y2 = lib.func.functional_call(net, params, x, strict=False)
    g = lib.func.grad(lambda p: lib.func.functional_call(net, p, (x,)).pow(2).sum())(params)
    (y.sum() + y2.pow(2).sum()).backward()
    grads = {k: v.grad for k, v in params.items()}
    kept = all(bool((a == b).all()) for a, b in zip(before, (*net.parameters(), *net.buffers())))
    return y, y2, g, grads, net[0].weight.grad, kept


def test_functional_call_as_pytorch() -> None:
    """Values, gradients to the given tensors, and the module's own tensors untouched, as PyTorch."""
    _same(_functional_call_run(mg), _functional_call_run(torch))


def test_functional_call_ties_weights_as_pytorch() -> None:
    outs = []
    for lib in (torch, mg):
        a, b = lib.nn.Linear(2, 2, bias=False).double(), lib.nn.Linear(2, 2, bias=False).double()
        b.weight = a.weight
        net = lib.nn.Sequential(a, b)
        x, w = lib.tensor(C[:, :2].copy()), lib.tensor(A[:2, :2].copy())
        tied = lib.func.functional_call(net, {"0.weight": w}, (x,))
        untied = lib.func.functional_call(net, {"0.weight": w}, (x,), tie_weights=False)
        outs.append((tied, untied - x @ w.t() @ a.weight.t()))
    assert_close(outs[1][0], outs[0][0])
    assert_close(outs[1][1], outs[0][1], atol=1e-9)


ERRORS: dict[str, Callable[[ModuleType], Any]] = {
    "grad of a vector": lambda m: m.func.grad(lambda a: a * 2)(m.ones(2)),
    "has_aux without a pair": lambda m: m.func.grad(lambda a: a.sum(), has_aux=True)(m.ones(2)),
    "vmap sizes differ": lambda m: m.vmap(lambda a, b: a + b)(m.ones(2, 3), m.ones(3, 3)),
    "vmap in_dims None": lambda m: m.vmap(lambda a: a, in_dims=None)(m.ones(2, 3)),
    "vmap in_dims length": lambda m: m.vmap(lambda a: a, in_dims=(0, 0))(m.ones(2, 3)),
    "vmap in_dim out of range": lambda m: m.vmap(lambda a: a, in_dims=2)(m.ones(2, 3)),
    "vmap returns a number": lambda m: m.vmap(lambda a: 1)(m.ones(2, 3)),
    "vmap randomness": lambda m: m.vmap(lambda a: a + m.randn(3))(m.ones(2, 3)),
    "vmap bad randomness": lambda m: m.vmap(lambda a: a, randomness="foo")(m.ones(2, 3)),
    "functional_call strict": lambda m: m.func.functional_call(
        m.nn.Linear(2, 2), {"weight": m.zeros(2, 2)}, (m.zeros(1, 2),), strict=True
    ),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_as_pytorch(name: str) -> None:
    classes = []
    for lib in (torch, mg):
        with pytest.raises(Exception) as info:
            ERRORS[name](lib)
        classes.append({c for c in type(info.value).__mro__ if c.__module__ == "builtins"})
    assert classes[0] <= classes[1]


def test_vmap_randomness_same_and_different() -> None:
    mg.manual_seed(0)
    same = mg.vmap(lambda a: a + mg.randn(3), randomness="same")(mg.zeros(4, 3))
    assert (same == same[0]).all()
    different = mg.vmap(lambda a: a + mg.randn(3), randomness="different")(mg.zeros(4, 3))
    assert not (different == different[0]).all()
