"""Samples of minigrad.distributions: drawn from minigrad's seeded generator, with the right statistics."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad.distributions import Bernoulli, Categorical, Normal, Uniform

N = 20_000


def test_reachable_as_torch_distributions_is() -> None:
    assert mg.distributions.Normal is Normal and mg.distributions.Categorical is Categorical


def test_samples_follow_the_seed() -> None:
    d = Categorical(probs=mg.tensor([0.2, 0.3, 0.5]))
    mg.manual_seed(3)
    first = d.sample((50,)).numpy().copy()
    mg.manual_seed(3)
    assert np.array_equal(first, d.sample((50,)).numpy())


def test_categorical_frequencies() -> None:
    mg.manual_seed(0)
    p = np.array([[0.1, 0.6, 0.3], [0.0, 0.0, 1.0]])
    s = Categorical(probs=mg.tensor(p * 7.0)).sample((N,)).numpy()  # unnormalized probs are normalized
    assert s.shape == (N, 2) and s.dtype == np.int64
    freq = np.stack([np.bincount(s[:, j], minlength=3) / N for j in range(2)])
    np.testing.assert_allclose(freq, p, atol=0.015)
    assert (s[:, 1] == 2).all()  # categories with zero probability are never drawn


def test_categorical_from_logits_mode_and_support() -> None:
    d = Categorical(logits=mg.tensor([[0.0, 2.0, 1.0], [3.0, 0.0, 0.0]]))
    assert d.mode.tolist() == [1, 0]
    assert d.enumerate_support().shape == (3, 2)
    assert d.enumerate_support(expand=False).shape == (3, 1)
    np.testing.assert_allclose(d.probs.sum(-1).numpy(), [1.0, 1.0], rtol=1e-6)
    # probs was computed above, so PyTorch's repr lists it too (torch.Size there)
    assert repr(d) == "Categorical(probs: minigrad.Size([2, 3]), logits: minigrad.Size([2, 3]))"


def test_normal_moments_and_rsample_gradient() -> None:
    mg.manual_seed(1)
    loc = mg.tensor([1.0, -2.0], dtype=mg.float64, requires_grad=True)
    scale = mg.tensor([0.5, 2.0], dtype=mg.float64, requires_grad=True)
    d = Normal(loc, scale)
    s = d.rsample((N,))
    np.testing.assert_allclose(s.detach().numpy().mean(0), [1.0, -2.0], atol=0.05)
    np.testing.assert_allclose(s.detach().numpy().std(0), [0.5, 2.0], rtol=0.03)
    s.sum().backward()
    assert loc.grad is not None and scale.grad is not None
    np.testing.assert_allclose(loc.grad.numpy(), [N, N])
    # d/dscale of sum(loc + eps * scale) is sum(eps)
    eps = (s.detach().numpy() - [1.0, -2.0]) / [0.5, 2.0]
    np.testing.assert_allclose(scale.grad.numpy(), eps.sum(0), rtol=1e-8)
    assert not d.sample((3,)).requires_grad


def test_bernoulli_and_uniform_samples() -> None:
    mg.manual_seed(2)
    b = Bernoulli(probs=mg.tensor([0.25, 0.9])).sample((N,)).numpy()
    assert set(np.unique(b)) <= {0.0, 1.0} and b.dtype == np.float32
    np.testing.assert_allclose(b.mean(0), [0.25, 0.9], atol=0.015)
    u = Uniform(mg.tensor([-1.0]), mg.tensor([3.0])).sample((N,)).numpy()
    assert u.min() >= -1.0 and u.max() < 3.0
    np.testing.assert_allclose(u.mean(), 1.0, atol=0.05)


def test_log_prob_outside_support_without_validation() -> None:
    u = Uniform(0.0, 1.0, validate_args=False)
    assert u.log_prob(mg.tensor(2.0)).item() == -np.inf


def test_validation_can_be_switched_off_globally() -> None:
    from minigrad.distributions import Distribution

    Distribution.set_default_validate_args(False)
    try:
        Normal(0.0, -1.0)  # accepted without validation, as in PyTorch
    finally:
        Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError, match="scale"):
        Normal(0.0, -1.0)
