"""What the compat programs modelled on pytorch/examples needed (tests/compat/programs):
each fix checked against torch on its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import distributions as D
from minigrad import nn
from tests.helpers import require_torch

torch = require_torch()
torch.set_num_threads(1)


def test_linear_and_layernorm_take_device_positionally() -> None:
    # forward_forward subclasses nn.Linear and forwards (in, out, bias, device, dtype) positionally
    ours = nn.Linear(3, 2, False, "cpu", mg.float64)
    theirs = torch.nn.Linear(3, 2, False, "cpu", torch.float64)
    assert ours.bias is None and theirs.bias is None
    assert str(ours.weight.dtype) == "float64" and theirs.weight.dtype == torch.float64
    norm = nn.LayerNorm(4, 1e-3, True, False, "cpu", mg.float64)
    tnorm = torch.nn.LayerNorm(4, 1e-3, True, False, "cpu", torch.float64)
    x = np.linspace(-1.0, 2.0, 8).reshape(2, 4)
    np.testing.assert_allclose(norm(mg.tensor(x)).detach().numpy(), tnorm(torch.tensor(x)).detach().numpy(),
                               rtol=1e-12)
    assert norm.bias is None and tnorm.bias is None
    with pytest.raises(ValueError, match="device"):
        nn.Linear(3, 2, True, "meta")


_SUPPORTS: list[tuple[str, Callable[[Any], Any]]] = [
    ("bernoulli", lambda m: m.distributions.Bernoulli(m.tensor([0.3, 0.6]))),
    ("categorical", lambda m: m.distributions.Categorical(m.tensor([0.2, 0.3, 0.5]))),
    ("one_hot", lambda m: m.distributions.OneHotCategorical(m.tensor([0.2, 0.8]))),
    ("normal", lambda m: m.distributions.Normal(m.tensor([0.0, 1.0]), 1.0)),
    ("laplace", lambda m: m.distributions.Laplace(0.0, 1.0)),
    ("exponential", lambda m: m.distributions.Exponential(m.tensor([1.0]))),
    ("gamma", lambda m: m.distributions.Gamma(2.0, 1.0)),
    ("lognormal", lambda m: m.distributions.LogNormal(0.0, 1.0)),
    ("poisson", lambda m: m.distributions.Poisson(m.tensor([2.0]))),
    ("uniform", lambda m: m.distributions.Uniform(0.0, 2.0)),
    ("dirichlet", lambda m: m.distributions.Dirichlet(m.tensor([1.0, 2.0]))),
    ("beta", lambda m: m.distributions.Beta(2.0, 3.0)),
    ("mvn", lambda m: m.distributions.MultivariateNormal(m.zeros(2), m.eye(2))),
    ("independent", lambda m: m.distributions.Independent(m.distributions.Normal(m.zeros(3), 1.0), 1)),
]


@pytest.mark.parametrize(("name", "make"), _SUPPORTS, ids=[n for n, _ in _SUPPORTS])
def test_distribution_support_matches_torch(name: str, make: Callable[[Any], Any]) -> None:
    # actor_critic prints Categorical(...).support; every family names the same constraint as torch
    ours, theirs = make(mg).support, make(torch).support
    assert repr(ours) == repr(theirs)
    assert (ours.is_discrete, ours.event_dim) == (theirs.is_discrete, theirs.event_dim)


@pytest.mark.parametrize(("name", "values"), [
    ("integer_interval", [[0.0, 1.5, 2.0, 3.0, -1.0]]),
    ("boolean", [[0.0, 1.0, 0.5, -0.0]]),
    ("nonnegative_integer", [[0.0, 1.0, -1.0, 0.5, 7.0]]),
    ("positive_integer", [[0.0, 1.0, 2.0, 0.5]]),
    ("nonnegative", [[0.0, -1e-9, 3.0]]),
    ("simplex", [[0.2, 0.8], [0.5, 0.6], [-0.1, 1.1]]),
    ("one_hot", [[0.0, 1.0], [1.0, 1.0], [0.0, 0.0]]),
])
def test_constraint_checks_match_torch(name: str, values: list[list[float]]) -> None:
    def build(m: Any) -> Any:
        c = m.distributions.constraints
        return c.integer_interval(0, 2) if name == "integer_interval" else getattr(c, name)

    ours = build(mg).check(mg.tensor(values)).numpy()
    theirs = build(torch).check(torch.tensor(values)).numpy()
    np.testing.assert_array_equal(ours, theirs)


def test_mixture_support_and_base_raises() -> None:
    mix = D.MixtureSameFamily(D.Categorical(mg.tensor([0.5, 0.5])), D.Normal(mg.tensor([0.0, 1.0]), 1.0))
    tmix = torch.distributions.MixtureSameFamily(torch.distributions.Categorical(torch.tensor([0.5, 0.5])),
                                                 torch.distributions.Normal(torch.tensor([0.0, 1.0]), 1.0))
    assert repr(mix.support) == repr(tmix.support)
    with pytest.raises(NotImplementedError):
        D.Distribution(validate_args=False).support  # noqa: B018  # (validating, it warns as PyTorch's)


def test_stack_dataset_matches_torch() -> None:
    # data_pipeline stacks a TensorDataset with a tensor (tuple samples) and two tensors by name (dicts)
    from minigrad.utils.data import DataLoader, StackDataset, TensorDataset

    tdata = torch.utils.data
    ours = StackDataset(TensorDataset(mg.arange(4.0)), mg.arange(4) * 10)
    theirs = tdata.StackDataset(tdata.TensorDataset(torch.arange(4.0)), torch.arange(4) * 10)
    assert len(ours) == len(theirs) == 4
    assert ours[2][0][0].item() == theirs[2][0][0].item() and ours[2][1].item() == theirs[2][1].item()
    named = StackDataset(x=mg.arange(3), y=mg.arange(3) * 2)
    tnamed = tdata.StackDataset(x=torch.arange(3), y=torch.arange(3) * 2)
    assert {k: v.item() for k, v in named[1].items()} == {k: v.item() for k, v in tnamed[1].items()}
    batch = next(iter(DataLoader(named, batch_size=3)))
    tbatch = next(iter(tdata.DataLoader(tnamed, batch_size=3)))
    assert {k: v.tolist() for k, v in batch.items()} == {k: v.tolist() for k, v in tbatch.items()}
    # __getitems__ goes through a member's own batched access (TensorDataset has none: plain indexing)
    picked = [s[1].item() for s in ours.__getitems__([3, 0])]
    assert picked == [s[1].item() for s in theirs.__getitems__([3, 0])]
    bad: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
        ((), {}), ((mg.arange(2),), {"y": mg.arange(2)}), ((mg.arange(2), mg.arange(3)), {})]
    for args, kwargs in bad:
        with pytest.raises(ValueError):
            StackDataset(*args, **kwargs)
    with pytest.raises(ValueError):
        tdata.StackDataset(torch.arange(2), torch.arange(3))


def test_backward_error_messages_carry_torchs_words() -> None:
    # learn_basics matches on PyTorch's message for a backward from something that needs no grad
    x = mg.ones(2, requires_grad=True)
    tx = torch.ones(2, requires_grad=True)
    cases = [(lambda: mg.ones(2).sum().backward(), lambda: torch.ones(2).sum().backward()),
             (lambda: mg.autograd.backward([x * 2, mg.ones(1)], [mg.ones(2), mg.ones(1)]),
              lambda: torch.autograd.backward([tx * 2, torch.ones(1)], [torch.ones(2), torch.ones(1)])),
             (lambda: (x * 2).backward(), lambda: (tx * 2).backward())]
    for ours, theirs in cases:
        with pytest.raises(RuntimeError) as theirs_err:
            theirs()
        with pytest.raises(RuntimeError, match=str(theirs_err.value)):
            ours()


def test_nn_modules_utils_pair_helpers_match_torch() -> None:
    # custom layers import _pair and friends from torch.nn.modules.utils
    from minigrad.nn.modules import utils as ours

    theirs = torch.nn.modules.utils
    for name in ["_single", "_pair", "_triple", "_quadruple"]:
        for value in [3, (1, 2), [4, 5, 6], 2.5]:
            assert getattr(ours, name)(value) == getattr(theirs, name)(value)
    assert ours._ntuple(5)(1) == theirs._ntuple(5)(1)
    assert ours._reverse_repeat_tuple((1, 2, 3), 2) == theirs._reverse_repeat_tuple((1, 2, 3), 2)


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_nn_grad_conv_input_and_weight_match_torch(nd: int) -> None:
    # fused_conv_bn checks its hand-written convolution backward against torch.nn.grad
    rng = np.random.default_rng(nd)
    x = rng.normal(size=(2, 4) + (6,) * nd)
    w = rng.normal(size=(6, 2) + (3,) * nd)
    kw: dict[str, Any] = {"stride": 2, "padding": 1, "dilation": 1, "groups": 2}
    name = f"conv{nd}d"
    out_shape = tuple(getattr(torch.nn.functional, name)(torch.tensor(x), torch.tensor(w), None, **kw).shape)
    go = rng.normal(size=out_shape)
    wt = mg.tensor(w, requires_grad=True)
    ours_in = getattr(nn.grad, f"{name}_input")(x.shape, wt, mg.tensor(go), **kw)
    theirs_in = getattr(torch.nn.grad, f"{name}_input")(x.shape, torch.tensor(w), torch.tensor(go), **kw)
    np.testing.assert_allclose(ours_in.detach().numpy(), theirs_in.numpy(), rtol=1e-10, atol=1e-12)
    ours_w = getattr(nn.grad, f"{name}_weight")(mg.tensor(x), w.shape, mg.tensor(go), **kw)
    theirs_w = getattr(torch.nn.grad, f"{name}_weight")(torch.tensor(x), w.shape, torch.tensor(go), **kw)
    np.testing.assert_allclose(ours_w.numpy(), theirs_w.numpy(), rtol=1e-10, atol=1e-12)
    # differentiable again, as PyTorch's: the input gradient is linear in the weight
    (g,) = mg.autograd.grad(ours_in.sum(), wt)
    tw = torch.tensor(w, requires_grad=True)
    theirs_again = getattr(torch.nn.grad, f"{name}_input")(x.shape, tw, torch.tensor(go), **kw)
    (tg,) = torch.autograd.grad(theirs_again.sum(), tw)
    np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError, match="grad_output"):
        getattr(nn.grad, f"{name}_weight")(mg.tensor(x), w.shape, mg.tensor(go[:1]), **kw)


def test_custom_function_backward_may_return_trailing_nones() -> None:
    # fused_conv_bn's BatchNorm.apply(X) leaves eps defaulted; its backward still returns (grad, None)
    def make(m: Any, extra: Any) -> Any:
        class Scale(m.autograd.Function):
            @staticmethod
            def forward(ctx: Any, x: Any, eps: float = 1e-3) -> Any:
                return x * 3

            @staticmethod
            def backward(ctx: Any, g: Any) -> Any:
                return g * 3, extra, None

        return Scale

    for m in (mg, torch):
        x = m.ones(2, requires_grad=True)
        make(m, None).apply(x).sum().backward()
        assert x.grad.tolist() == [3.0, 3.0]
        wrong = r"ScaleBackward returned an incorrect number of gradients \(expected 1, got 3\)"
        with pytest.raises(RuntimeError, match=wrong):
            make(m, m.ones(1)).apply(x).sum().backward()


# torch's forward AD scripts its decompositions with torch.jit on first use, which warns
@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")
def test_func_jvp_and_linearize_match_torch() -> None:
    # the function-transforms tutorials push tangents forward with torch.func.jvp / linearize
    def run(m: Any, f: Any) -> list[Any]:
        x = m.tensor([0.5, -1.0, 2.0], dtype=m.float64)
        y = m.tensor([2.0, 3.0, 1.0], dtype=m.float64)
        t = m.tensor([1.0, 0.5, -2.0], dtype=m.float64)
        _, (j1, j2) = f.jvp(lambda a, b: (a.sin() * b, (a * b).sum()), (x, y), (t, m.ones_like(y)))
        _, j3, aux = f.jvp(lambda a: (a ** 3, a.sum()), (x,), (t,), has_aux=True)
        if m is mg:
            _, push = f.linearize(lambda a: a.exp() * y, x)
        else:  # torch's linearize goes through torch.jit and warns: its jvp gives the same numbers
            def push(tangent: Any) -> Any:
                return f.jvp(lambda a: a.exp() * y, (x,), (tangent,))[1]
        _, (zero, j4) = f.jvp(lambda a: (m.ones(2, dtype=m.float64), a * 2), (x,), (t,))
        # an outer graph through the primal stays differentiable
        w = x.clone().requires_grad_()
        _, j5 = f.jvp(lambda a: (a * a).sum(), (w,), (t,))
        (g,) = m.autograd.grad(j5, w)
        return [j1.tolist(), j2.item(), j3.tolist(), aux.item(), push(t).tolist(), zero.tolist(), j4.tolist(),
                g.tolist()]

    ours, theirs = run(mg, mg.func), run(torch, torch.func)
    np.testing.assert_allclose(np.hstack([np.ravel(v) for v in ours]),
                               np.hstack([np.ravel(v) for v in theirs]), rtol=1e-12)
    for f in (mg.func, torch.func):
        with pytest.raises(RuntimeError, match="Expected primals to be a tuple"):
            f.jvp(lambda a: a, mg.ones(2) if f is mg.func else torch.ones(2), (mg.ones(2),))


@pytest.mark.parametrize(("n", "replicas", "drop_last"),
                         [(10, 3, False), (10, 3, True), (2, 5, False), (12, 4, True)])
def test_distributed_sampler_splits_as_torch(n: int, replicas: int, drop_last: bool) -> None:
    # the imagenet example and the DDP tutorials shard the dataset per rank with DistributedSampler
    from minigrad.utils.data import DataLoader, DistributedSampler

    tdata = torch.utils.data
    for rank in range(replicas):
        ours = DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        theirs = tdata.DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)
    # shuffled: every rank draws the same permutation for an epoch, so the shards still partition it
    shards = [list(DistributedSampler(range(n), replicas, r, seed=3)) for r in range(replicas)]
    if not drop_last and n >= replicas:
        assert sorted({i for s in shards for i in s}) == list(range(n))
    sampler = DistributedSampler(range(n), replicas, 0)
    first = list(sampler)
    sampler.set_epoch(1)
    assert list(sampler) != first or n < 3
    loader = DataLoader(range(n), batch_size=2,
                        sampler=DistributedSampler(range(n), replicas, 0, shuffle=False))
    tloader = tdata.DataLoader(range(n), batch_size=2,
                               sampler=tdata.DistributedSampler(range(n), replicas, 0, shuffle=False))
    assert [b.tolist() for b in loader] == [b.tolist() for b in tloader]
    with pytest.raises(ValueError, match="Invalid rank"):
        DistributedSampler(range(n), replicas, replicas)
    with pytest.raises(ValueError, match="Invalid rank"):
        tdata.DistributedSampler(range(n), replicas, replicas)
