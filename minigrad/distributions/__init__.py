"""Probability distributions with PyTorch's ``torch.distributions`` interface.

Each distribution is built from differentiable Tensor ops, so ``log_prob``,
``entropy`` and ``rsample`` carry gradients to their parameters; ``sample``
draws from minigrad's seeded generator (``mg.manual_seed``) and records no graph.
"""

from minigrad.distributions.bernoulli import Bernoulli
from minigrad.distributions.categorical import Categorical
from minigrad.distributions.distribution import Distribution
from minigrad.distributions.independent import Independent
from minigrad.distributions.kl import kl_divergence
from minigrad.distributions.normal import Normal
from minigrad.distributions.one_hot_categorical import OneHotCategorical
from minigrad.distributions.uniform import Uniform

__all__ = [
    "Bernoulli", "Categorical", "Distribution", "Independent", "Normal", "OneHotCategorical", "Uniform",
    "kl_divergence",
]
