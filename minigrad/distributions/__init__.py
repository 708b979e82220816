"""Probability distributions with PyTorch's ``torch.distributions`` interface.

Each distribution is built from differentiable Tensor ops, so ``log_prob``,
``entropy`` and ``rsample`` carry gradients to their parameters; ``sample``
draws from minigrad's seeded generator (``mg.manual_seed``) and records no graph.
"""

import sys as _sys

from minigrad.distributions import constraint_registry, constraints, transforms, utils
from minigrad.distributions import kl_cross as _kl_cross  # noqa: F401  (registers the cross-family pairs)
from minigrad.distributions.bernoulli import Bernoulli
from minigrad.distributions.categorical import Categorical
from minigrad.distributions.constraint_registry import biject_to, transform_to
from minigrad.distributions.counts import Binomial, Geometric, Multinomial, NegativeBinomial
from minigrad.distributions.dirichlet import Beta, Dirichlet
from minigrad.distributions.distribution import Distribution
from minigrad.distributions.exp_family import ExponentialFamily
from minigrad.distributions.exponential import Exponential
from minigrad.distributions.gamma import Gamma
from minigrad.distributions.independent import Independent
from minigrad.distributions.kl import kl_divergence, register_kl
from minigrad.distributions.laplace import Laplace
from minigrad.distributions.lkj_cholesky import LKJCholesky
from minigrad.distributions.location_scale import Cauchy, Chi2, Gumbel, HalfCauchy, HalfNormal, StudentT
from minigrad.distributions.log_normal import LogNormal
from minigrad.distributions.lowrank_multivariate_normal import LowRankMultivariateNormal
from minigrad.distributions.mixture_same_family import MixtureSameFamily
from minigrad.distributions.multivariate_normal import MultivariateNormal
from minigrad.distributions.normal import Normal
from minigrad.distributions.one_hot_categorical import OneHotCategorical, OneHotCategoricalStraightThrough
from minigrad.distributions.poisson import Poisson
from minigrad.distributions.positive import (
    FisherSnedecor,
    GeneralizedPareto,
    InverseGamma,
    Kumaraswamy,
    LogisticNormal,
    Pareto,
    Weibull,
)
from minigrad.distributions.relaxed import (
    ContinuousBernoulli,
    RelaxedBernoulli,
    RelaxedOneHotCategorical,
)
from minigrad.distributions.transformed_distribution import TransformedDistribution
from minigrad.distributions.transforms import (
    AbsTransform,
    AffineTransform,
    CatTransform,
    ComposeTransform,
    CorrCholeskyTransform,
    CumulativeDistributionTransform,
    ExpTransform,
    IndependentTransform,
    LowerCholeskyTransform,
    PositiveDefiniteTransform,
    PowerTransform,
    ReshapeTransform,
    SigmoidTransform,
    SoftmaxTransform,
    SoftplusTransform,
    StackTransform,
    StickBreakingTransform,
    TanhTransform,
    Transform,
    identity_transform,
)  # fmt: skip
from minigrad.distributions.uniform import Uniform
from minigrad.distributions.von_mises import VonMises
from minigrad.distributions.wishart import Wishart

__all__ = [
    "AbsTransform", "AffineTransform", "Bernoulli", "Beta", "Binomial", "CatTransform", "Categorical",
    "Cauchy", "Chi2", "ComposeTransform", "ContinuousBernoulli", "CorrCholeskyTransform",
    "CumulativeDistributionTransform", "Dirichlet", "Distribution", "ExpTransform", "Exponential",
    "ExponentialFamily", "FisherSnedecor", "Gamma", "GeneralizedPareto", "Geometric", "Gumbel",
    "HalfCauchy", "HalfNormal", "Independent", "IndependentTransform", "InverseGamma", "Kumaraswamy",
    "LKJCholesky", "Laplace", "LogNormal", "LogisticNormal", "LowRankMultivariateNormal",
    "LowerCholeskyTransform", "MixtureSameFamily", "Multinomial", "MultivariateNormal",
    "NegativeBinomial", "Normal", "OneHotCategorical", "OneHotCategoricalStraightThrough", "Pareto",
    "Poisson", "PositiveDefiniteTransform", "PowerTransform", "RelaxedBernoulli",
    "RelaxedOneHotCategorical", "ReshapeTransform", "SigmoidTransform", "SoftmaxTransform",
    "SoftplusTransform", "StackTransform", "StickBreakingTransform", "StudentT", "TanhTransform",
    "Transform", "TransformedDistribution", "Uniform", "VonMises", "Weibull", "Wishart", "biject_to",
    "constraint_registry", "constraints", "identity_transform", "kl_divergence", "register_kl",
    "transform_to", "transforms", "utils",
]  # fmt: skip

# PyTorch's one-module-per-family names (``from torch.distributions.half_normal import HalfNormal``), for
# the families minigrad groups in fewer modules
_SUBMODULES = {
    "beta": "dirichlet", "binomial": "counts", "cauchy": "location_scale", "chi2": "location_scale",
    "continuous_bernoulli": "relaxed", "fishersnedecor": "positive", "generalized_pareto": "positive",
    "geometric": "counts", "gumbel": "location_scale", "half_cauchy": "location_scale",
    "half_normal": "location_scale", "inverse_gamma": "positive", "kumaraswamy": "positive",
    "logistic_normal": "positive", "multinomial": "counts", "negative_binomial": "counts",
    "pareto": "positive",
    "relaxed_bernoulli": "relaxed", "relaxed_categorical": "relaxed", "studentT": "location_scale",
    "weibull": "positive",
}
for _alias, _home in _SUBMODULES.items():
    _sys.modules[f"{__name__}.{_alias}"] = _sys.modules[f"{__name__}.{_home}"]
    globals()[_alias] = _sys.modules[f"{__name__}.{_home}"]
