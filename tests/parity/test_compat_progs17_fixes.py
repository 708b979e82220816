"""What the progs17 batch of compat programs (tests/compat/programs: testing_assert_close, ...) needed:
each fix checked against torch on its own."""

from __future__ import annotations

from typing import Any

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
    return [d.Beta(2.0, 3.0), d.LogNormal(0.0, 1.0), d.HalfNormal(1.0), d.HalfCauchy(t([1.0, 2.0])), d.Chi2(3.0),
            d.LogisticNormal(lib.zeros(2), lib.ones(2)), d.InverseGamma(2.0, 1.0), d.Multinomial(5, t([0.2, 0.8])),
            d.Binomial(5, probs=t(0.25)), d.Geometric(logits=t(0.5)), d.NegativeBinomial(3, 0.5),
            d.ContinuousBernoulli(0.25), d.Bernoulli(probs=t([0.5, 0.25])), d.Categorical(logits=lib.zeros(2, 3)),
            d.MultivariateNormal(lib.zeros(2), scale_tril=lib.eye(2)),
            d.MultivariateNormal(lib.zeros(2), precision_matrix=lib.eye(2)),
            d.Wishart(t(3.0), lib.eye(2)),
            d.MixtureSameFamily(d.Categorical(lib.ones(2)), d.Normal(lib.zeros(2), lib.ones(2)))]


def test_distribution_reprs_list_what_pytorch_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before progs17 (vi_distributions_loop.py) reprs listed parameters PyTorch's do not (Beta(concentration1:
    2.0, ...), LogNormal(loc: ...), HalfNormal/Chi2/InverseGamma/LogisticNormal/Multinomial ones), and missed
    those PyTorch's lazy properties had cached: Bernoulli(logits=...) after .probs printed only logits,
    MultivariateNormal only the matrix given, Wishart no matrix, a mixture's Categorical no logits.
    Categorical.param_shape was a tuple, not a Size."""
    monkeypatch.setattr(_format, "NAMESPACE", "torch")
    ours, theirs = _dists(mg), _dists(torch)
    assert [repr(d) for d in ours] == [repr(d) for d in theirs]
    for group in (ours, theirs):
        for d in group:
            for name in ("probs", "logits", "covariance_matrix", "precision_matrix", "scale_tril"):
                try:
                    getattr(d, name)
                except (AttributeError, NotImplementedError):
                    pass
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
