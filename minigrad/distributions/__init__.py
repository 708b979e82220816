"""Probability distributions with PyTorch's ``torch.distributions`` interface.

Each distribution is built from differentiable Tensor ops, so ``log_prob``,
``entropy`` and ``rsample`` carry gradients to their parameters; ``sample``
draws from minigrad's seeded generator (``mg.manual_seed``) and records no graph.
"""

from minigrad.distributions import constraints, transforms
from minigrad.distributions.bernoulli import Bernoulli
from minigrad.distributions.categorical import Categorical
from minigrad.distributions.dirichlet import Beta, Dirichlet
from minigrad.distributions.distribution import Distribution
from minigrad.distributions.exponential import Exponential
from minigrad.distributions.gamma import Gamma
from minigrad.distributions.independent import Independent
from minigrad.distributions.kl import kl_divergence
from minigrad.distributions.laplace import Laplace
from minigrad.distributions.log_normal import LogNormal
from minigrad.distributions.mixture_same_family import MixtureSameFamily
from minigrad.distributions.multivariate_normal import MultivariateNormal
from minigrad.distributions.normal import Normal
from minigrad.distributions.one_hot_categorical import OneHotCategorical
from minigrad.distributions.poisson import Poisson
from minigrad.distributions.transformed_distribution import TransformedDistribution
from minigrad.distributions.uniform import Uniform

__all__ = [
    "Bernoulli", "Beta", "Categorical", "Dirichlet", "Distribution", "Exponential", "Gamma", "Independent",
    "Laplace", "LogNormal",
    "MixtureSameFamily", "MultivariateNormal", "Normal", "OneHotCategorical", "Poisson",
    "TransformedDistribution", "Uniform", "constraints", "kl_divergence", "transforms",
]
