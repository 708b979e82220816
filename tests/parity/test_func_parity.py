"""minigrad.func against torch.func in float64: functional_call, grad/grad_and_value (argnums, has_aux,
nesting), vjp, jacrev/jacfwd/hessian, vmap (in_dims/out_dims, pytrees, nesting, per-sample gradients,
ensembles via stack_module_state) and the errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import assert_close, require_torch

torch = require_torch()
torch.set_num_threads(1)


def _arr(seed: int, *shape: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape)


def _np(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: _np(v) for k, v in tree.items()}
    if isinstance(tree, (tuple, list)):
        return [_np(v) for v in tree]
    return np.array(tree.detach().numpy())


def _same(a: Any, b: Any, rtol: float = 1e-11) -> None:
    if isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            _same(a[k], b[k], rtol)
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y, rtol)
    else:
        assert_close(a, b, rtol=rtol)


def _model(lib: Any) -> Any:
    layers = [lib.nn.Linear(3, 5), lib.nn.Tanh(), lib.nn.BatchNorm1d(5), lib.nn.Linear(5, 2)]
    m = lib.nn.Sequential(*layers).double()
    with lib.no_grad():
        for i, p in enumerate(m.parameters()):
            p.copy_(lib.tensor(_arr(i, *p.shape)))
    return m.eval()


def _both(fn: Any) -> None:
    """fn(lib) returns a pytree of tensors; both libraries must agree."""
    _same(_np(fn(mg)), _np(fn(torch)))


def test_per_sample_gradients_match_torch() -> None:
    def run(lib: Any) -> Any:
        model = _model(lib)
        params = {k: v.detach() for k, v in model.named_parameters()}
        buffers = {k: v.detach() for k, v in model.named_buffers()}
        f = lib.func

        def loss(p: Any, b: Any, x: Any, t: Any) -> Any:
            out = f.functional_call(model, (p, b), (x.unsqueeze(0),))
            return lib.nn.functional.cross_entropy(out, t.unsqueeze(0))

        x, t = lib.tensor(_arr(10, 6, 3)), lib.tensor([0, 1, 1, 0, 1, 0])
        return f.vmap(f.grad(loss), in_dims=(None, None, 0, 0))(params, buffers, x, t)

    _both(run)


def test_grad_variants_match_torch() -> None:
    def run(lib: Any) -> Any:
        f = lib.func
        x, y = lib.tensor(_arr(1, 4)), lib.tensor(_arr(2, 4))

        def h(a: Any, b: Any) -> Any:
            return (a.sin() * b).sum() + (a * a * b).sum()

        def h_aux(a: Any, b: Any) -> Any:
            return h(a, b), {"aux": a * 2}

        g2 = f.grad(h, argnums=(0, 1))(x, y)
        gv = f.grad_and_value(h_aux, has_aux=True)(x, y)
        gg = f.grad(lambda a: f.grad(lambda z: (z ** 3).sum())(a).sum())(x)  # grad of grad: 6a
        out, vjp_fn = f.vjp(lambda a, b: a * b.exp(), x, y)
        return [*g2, gv[0], gv[1][0], gv[1][1]["aux"], gg, out, *vjp_fn(lib.ones(4))]

    _both(run)


# torch's jacfwd itself warns
@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")
def test_jacobians_and_hessian_match_torch() -> None:
    def run(lib: Any) -> Any:
        f = lib.func
        z = lib.tensor(_arr(3, 3))
        w = lib.tensor(_arr(4, 2, 3))

        def g(a: Any) -> Any:
            return (a ** 3).sum() + a.prod()

        return [f.jacrev(g)(z), f.hessian(g)(z), f.jacfwd(lambda a: w @ a.tanh())(z),
                *f.jacrev(lambda a, b: a * b, argnums=(0, 1))(z, z.cos()),
                f.vmap(f.jacrev(lambda a: a.sin()))(lib.tensor(_arr(5, 4, 2)))]

    _both(run)


def test_vmap_dims_pytrees_and_nesting_match_torch() -> None:
    def run(lib: Any) -> Any:
        v = lib.func.vmap
        a, b = lib.tensor(_arr(6, 2, 3, 4)), lib.tensor(_arr(7, 4, 3))
        return [
            v(lib.dot, in_dims=(1, 0))(a[0], b),
            v(lambda x: x * 2, out_dims=1)(b),
            v(v(lib.dot))(a, a),
            v(lambda d: d["x"] @ d["w"], in_dims=({"x": 0, "w": None},))(
                {"x": b, "w": lib.ones(3, 2, dtype=lib.float64)}),
            v(lambda x, s: x * s, in_dims=(0, None))(b, lib.tensor(3.0)),
            *v(lambda x: (x.sum(), x.max()))(b),
            lib.vmap(lambda x: x.softmax(0), in_dims=-1)(b),
        ]

    _both(run)


def test_ensemble_with_stack_module_state_matches_torch() -> None:
    def run(lib: Any) -> Any:
        models = [lib.nn.Linear(3, 2).double() for _ in range(4)]
        for j, m in enumerate(models):
            with lib.no_grad():
                m.weight.copy_(lib.tensor(_arr(20 + j, 2, 3)))
                m.bias.fill_(j)
        params, buffers = lib.func.stack_module_state(models)
        assert params["weight"].shape == (4, 2, 3) and params["weight"].requires_grad
        x = lib.tensor(_arr(30, 5, 3))
        out = lib.func.vmap(lambda p, b, xx: lib.func.functional_call(models[0], (p, b), (xx,)),
                            in_dims=(0, 0, None))(params, buffers, x)
        out.pow(2).sum().backward()
        return [out, params["weight"].grad, params["bias"].grad]

    _both(run)


def test_functional_call_is_differentiable_and_restores_the_module() -> None:
    def run(lib: Any) -> Any:
        model = _model(lib)
        fast = {k: v.detach().clone().requires_grad_() for k, v in model.named_parameters()}
        x, t = lib.tensor(_arr(8, 6, 3)), lib.tensor([0, 1, 1, 0, 1, 0])
        ce = lib.nn.functional.cross_entropy
        loss = ce(lib.func.functional_call(model, fast, x), t)
        grads = lib.autograd.grad(loss, list(fast.values()), create_graph=True)
        stepped = {k: v - 0.1 * g for (k, v), g in zip(fast.items(), grads)}
        meta = ce(lib.func.functional_call(model, stepped, (x,), strict=False), t)
        meta.backward()
        return [meta, *[p.grad for p in fast.values()], model(x)]  # the module's own weights are back

    _both(run)


def test_errors_as_torch() -> None:
    for lib in (mg, torch):
        f = lib.func
        with pytest.raises(ValueError, match="same size in the mapped dimension"):
            f.vmap(lib.add)(lib.ones(2, 3), lib.ones(3, 3))
        with pytest.raises(RuntimeError, match="scalar"):
            f.grad(lambda a: a * 2)(lib.ones(3))
        lin = lib.nn.Linear(2, 2)
        assert f.functional_call(lin, {"nope": lib.ones(1)}, (lib.ones(2),)).shape == (2,)
        with pytest.raises(RuntimeError, match=r"(?s)Unexpected key.*'nope'.*Missing key.*'bias', 'weight'"):
            f.functional_call(lin, {"nope": lib.ones(1)}, (lib.ones(2),), strict=True)
        with pytest.raises(RuntimeError, match="output of function f should be a tuple"):
            f.grad(lambda a: a.sum(), has_aux=True)(lib.ones(3))


def test_deprecated_stateless_functional_call_warns_and_agrees() -> None:
    outs = []
    for lib in (mg, torch):
        lin = lib.nn.Linear(2, 2, dtype=lib.float64)
        w = {"weight": lib.tensor(_arr(40, 2, 2)), "bias": lib.tensor(_arr(41, 2))}
        with pytest.warns(FutureWarning, match="torch.func.functional_call"):
            outs.append(_np(lib.nn.utils.stateless.functional_call(lin, w, (lib.tensor(_arr(42, 3, 2)),))))
    _same(outs[0], outs[1])
