"""What the progs17 batch of compat programs (tests/compat/programs: testing_assert_close, ...) needed:
each fix checked against torch on its own."""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import _format
from minigrad.testing import assert_close
from tests.helpers import require_torch

torch = require_torch()


def _message(fn: Any, *args: Any, **kwargs: Any) -> str:
    try:
        fn(*args, **kwargs)
    except AssertionError as e:
        return str(e)
    return "ok"


def test_assert_close_names_shape_and_dtype_as_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before progs17 (testing_assert_close.py) a shape or dtype mismatch printed numpy's forms:
    '(3,) != (3, 1)' and 'float32 != float64' where PyTorch prints 'torch.Size([3]) != torch.Size([3, 1])'
    and 'torch.float32 != torch.float64'."""
    monkeypatch.setattr(_format, "NAMESPACE", "torch")  # as under python -m minigrad.compat
    for shapes in (((3,), (3, 1)), ((), (1,)), ((2, 0), (2,))):
        got = _message(assert_close, mg.zeros(shapes[0]), mg.zeros(shapes[1]))
        assert got == _message(torch.testing.assert_close, torch.zeros(shapes[0]), torch.zeros(shapes[1]))
    for a, b in ((mg.float32, mg.float64), (mg.int64, mg.bool), (mg.uint8, mg.float16)):
        ta, tb = (getattr(torch, str(d)) for d in (a, b))
        got = _message(assert_close, mg.zeros(2, dtype=a), mg.zeros(2, dtype=b))
        assert got == _message(torch.testing.assert_close, torch.zeros(2, dtype=ta), torch.zeros(2, dtype=tb))


def _dists(lib: Any) -> list[Any]:
    d, t = lib.distributions, lib.tensor
    return [d.Beta(2.0, 3.0), d.LogNormal(0.0, 1.0), d.HalfNormal(1.0), d.HalfCauchy(t([1.0, 2.0])),
            d.Chi2(3.0), d.LogisticNormal(lib.zeros(2), lib.ones(2)), d.InverseGamma(2.0, 1.0),
            d.Multinomial(5, t([0.2, 0.8])), d.Binomial(5, probs=t(0.25)), d.Geometric(logits=t(0.5)),
            d.NegativeBinomial(3, 0.5), d.ContinuousBernoulli(0.25), d.Bernoulli(probs=t([0.5, 0.25])),
            d.Categorical(logits=lib.zeros(2, 3)),
            d.MultivariateNormal(lib.zeros(2), scale_tril=lib.eye(2)),
            d.MultivariateNormal(lib.zeros(2), precision_matrix=lib.eye(2)),
            d.Wishart(t(3.0), lib.eye(2)),
            d.MixtureSameFamily(d.Categorical(lib.ones(2)), d.Normal(lib.zeros(2), lib.ones(2)))]


def test_distribution_reprs_list_what_pytorch_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before progs17 (vi_distributions_loop.py) reprs listed parameters PyTorch's do not
    (Beta(concentration1: 2.0, ...), LogNormal(loc: ...), HalfNormal/Chi2/InverseGamma/LogisticNormal/
    Multinomial ones), and missed those PyTorch's lazy properties had cached: Bernoulli(logits=...)
    after .probs printed only logits, MultivariateNormal only the matrix given, Wishart no matrix, a
    mixture's Categorical no logits. Categorical.param_shape was a tuple, not a Size."""
    monkeypatch.setattr(_format, "NAMESPACE", "torch")
    ours, theirs = _dists(mg), _dists(torch)
    assert [repr(d) for d in ours] == [repr(d) for d in theirs]
    for group in (ours, theirs):
        for d in group:
            for name in ("probs", "logits", "covariance_matrix", "precision_matrix", "scale_tril"):
                with contextlib.suppress(AttributeError, NotImplementedError):
                    getattr(d, name)
    assert [repr(d) for d in ours] == [repr(d) for d in theirs]
    assert repr(ours[13].param_shape) == repr(theirs[13].param_shape) == "torch.Size([2, 3])"


def test_sequential_del_renumbers_and_module_dicts_are_plain() -> None:
    """Before progs17 (module_registry_tour.py) `del seq[i]` kept user-given names (PyTorch renumbers
    0, 1, ...), ModuleDict.values()/items() returned lists (PyTorch: dict views) and a module's
    _parameters/_buffers/_modules were OrderedDicts (PyTorch's are plain dicts, which print differently)."""
    from collections import OrderedDict
    out = []
    for lib in (torch, mg):
        seq = lib.nn.Sequential(OrderedDict([("fc", lib.nn.Linear(2, 2)), ("act", lib.nn.ReLU()),
                                             ("out", lib.nn.Linear(2, 1))]))
        del seq[1]
        names = [n for n, _ in seq.named_children()]
        seq.pop(0)
        d = lib.nn.ModuleDict({"x": lib.nn.ReLU()})
        out.append((names, [n for n, _ in seq.named_children()], type(d.items()).__name__,
                    type(d.values()).__name__, type(d.keys()).__name__, repr(d.items()),
                    type(seq._modules).__name__, type(seq._parameters).__name__, type(seq._buffers).__name__))
    assert out[1] == out[0]


@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")  # (torch.func's)
def test_jacfwd_builds_columns_in_forward_mode() -> None:
    """Before progs17 (func_signed_zeros.py) jacfwd was jacrev: the same values, but the zero entries
    carried the column's sign (J[i, j] = 2 x_j * 0 for x ** 2) where PyTorch's forward mode gives the
    row's (2 x_i * 0), so print(jacfwd(f)(x)) showed -0.0000 where PyTorch shows 0.0000."""
    x = np.array([1.5, -0.25, -2.0], dtype=np.float32)
    fns = [lambda v: v ** 2, lambda v: v.sin() * v, lambda v: v.exp() * 0 - v.relu(),
           lambda v: v.reshape(3, 1) * v.reshape(1, 3)]
    for fn in fns:
        want = torch.func.jacfwd(fn)(torch.tensor(x)).numpy()
        got = mg.func.jacfwd(fn)(mg.tensor(x)).numpy()
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-6)
        assert (np.signbit(got) == np.signbit(want)).all()
    h_want = torch.func.hessian(lambda v: (v.sin() * v).sum())(torch.tensor(x)).numpy()
    h_got = mg.func.hessian(lambda v: (v.sin() * v).sum())(mg.tensor(x)).numpy()
    np.testing.assert_allclose(h_got, h_want, rtol=1e-6)
    assert (np.signbit(h_got) == np.signbit(h_want)).all()


@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")
def test_func_transforms_stay_differentiable_in_captured_parameters() -> None:
    """Before progs17 (func_signed_zeros.py's PINN) jacrev / grad / jvp / vjp of a function
    closing over a module returned constants when the argument itself did not require grad: a loss on
    vmap(jacrev(u))(t) did not train u's weights (PyTorch's results carry the graph to them)."""
    got, want = [], []
    for lib, out in ((mg, got), (torch, want)):
        lib.manual_seed(0)
        u = lib.nn.Sequential(lib.nn.Linear(1, 4), lib.nn.Tanh(), lib.nn.Linear(4, 1))
        ts = lib.linspace(0, 1, 5).unsqueeze(1)
        du = lib.func.vmap(lib.func.jacrev(lambda t, u=u: u(t)))(ts)
        g = lib.func.grad(lambda t, u=u: u(t).sum())(ts[1])
        _, jv = lib.func.jvp(lambda t, u=u: u(t), (ts[2],), (lib.ones(1),))
        jf = lib.func.jacfwd(lambda t, u=u: u(t))(ts[3])
        _, pull = lib.func.vjp(lambda t, u=u: u(t), ts[4])
        loss = du.pow(2).sum() + g.sum() + jv.sum() + jf.sum()
        loss = loss + pull(lib.ones(1))[0].sum()
        out.append(du.requires_grad)
        grads = lib.autograd.grad(loss, list(u.parameters()), materialize_grads=True)
        out += [p.numpy().copy() for p in grads]
        with lib.no_grad():  # no graph is recorded under no_grad
            out.append(lib.func.jacrev(lambda t, u=u: u(t))(ts[0]).requires_grad)
        out.append(lib.func.grad(lambda t: (t ** 2).sum())(ts[0]).requires_grad)  # nothing outer
    assert got[0] is want[0] is True and got[-2:] == want[-2:] == [False, False]
    for a, b in zip(got[1:-2], want[1:-2]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_checkpoint_outputs_carry_pytorchs_grad_fn_names() -> None:
    """Before progs17 a checkpointed output printed grad_fn=<RecomputeBackward0>; PyTorch's reentrant
    checkpoint shows CheckpointFunctionBackward and its non-reentrant one the function's own last op."""
    names = []
    for lib in (torch, mg):
        lib.manual_seed(0)
        lin = lib.nn.Linear(2, 2)
        x = lib.randn(3, 2, requires_grad=True)
        row = []
        for reentrant in (True, False):
            for fn in (lin, lambda t, lin=lin, lib=lib: lib.relu(lin(t)) * 2):
                y = lib.utils.checkpoint.checkpoint(fn, x, use_reentrant=reentrant)
                y.sum().backward()
                row.append((y.grad_fn.name(), repr(y).split("grad_fn=")[1], x.grad.numpy().round(5).tolist()))
                x.grad = None
        names.append(row)
    assert names[1] == names[0]
