"""torch.distributions as a probabilistic-modelling notebook prints them: reprs of scalar and batched
distributions (Normal, Categorical by probs and logits, Bernoulli, MultivariateNormal, Independent,
MixtureSameFamily, TransformedDistribution, Uniform, Beta, Dirichlet, Gamma), batch/event shapes, argument
and support validation errors (and validate_args=False), log_prob/entropy/enumerate_support, KL pairs and a
missing one, moments, cdf/icdf, expand, supports and constraints, and seeded draws from the rarer families."""

import torch
import torch.distributions as D
from _show import show as shown


def show(label, fn):
    """After seeding, print what fn returns, or the class PyTorch documents and the start of the message."""
    torch.manual_seed(1)
    shown(label, fn)


show("normal repr", lambda: D.Normal(0.0, 1.0))
show("normal repr t", lambda: D.Normal(torch.zeros(3), torch.ones(3)))
show("cat repr", lambda: D.Categorical(probs=torch.tensor([0.2, 0.8])))
show("cat logits repr", lambda: D.Categorical(logits=torch.zeros(2, 3)))
show("bern repr", lambda: D.Bernoulli(logits=torch.tensor(0.3)))
show("mvn repr", lambda: D.MultivariateNormal(torch.zeros(2), torch.eye(2)))
show("indep repr", lambda: D.Independent(D.Normal(torch.zeros(2, 3), 1.0), 1))
show(
    "mixture repr",
    lambda: D.MixtureSameFamily(D.Categorical(torch.ones(2)), D.Normal(torch.zeros(2), torch.ones(2))),
)
show("td repr", lambda: D.TransformedDistribution(D.Normal(0.0, 1.0), [D.transforms.ExpTransform()]))
show("uniform repr", lambda: D.Uniform(0.0, 2.0))
show("beta repr", lambda: D.Beta(torch.tensor([2.0]), torch.tensor([3.0])))
show("dirichlet", lambda: D.Dirichlet(torch.ones(3)))
show("gamma", lambda: D.Gamma(2.0, 3.0))
show(
    "shapes",
    lambda: (
        D.Normal(torch.zeros(3), 1.0).batch_shape,
        D.Normal(torch.zeros(3), 1.0).event_shape,
        D.MultivariateNormal(torch.zeros(2), torch.eye(2)).event_shape,
    ),
)
show("sample shapes", lambda: D.Normal(torch.zeros(3), 1.0).sample((2,)).shape)
show("rsample", lambda: D.Normal(torch.zeros(2), 1.0).rsample())
show("validate", lambda: D.Normal(0.0, -1.0))
show("validate off", lambda: D.Normal(0.0, -1.0, validate_args=False).scale)
show("log_prob oos", lambda: D.Bernoulli(0.3).log_prob(torch.tensor(0.5)))
show("cat log_prob", lambda: D.Categorical(probs=torch.tensor([0.2, 0.8])).log_prob(torch.tensor([0, 1, 1])))
show("cat entropy", lambda: D.Categorical(logits=torch.tensor([[1.0, 2.0, 3.0]])).entropy())
show("cat enumerate", lambda: D.Categorical(probs=torch.ones(3)).enumerate_support())
show("bern enumerate", lambda: D.Bernoulli(torch.tensor([0.2, 0.4])).enumerate_support(expand=False))
show("kl", lambda: D.kl_divergence(D.Normal(0.0, 1.0), D.Normal(1.0, 2.0)))
show("kl missing", lambda: D.kl_divergence(D.Normal(0.0, 1.0), D.Gamma(1.0, 1.0)))
show("mean/var", lambda: (D.Gamma(2.0, 3.0).mean, D.Gamma(2.0, 3.0).variance, D.Gamma(2.0, 3.0).mode))
show(
    "cdf icdf",
    lambda: (D.Normal(0.0, 1.0).cdf(torch.tensor(1.0)), D.Normal(0.0, 1.0).icdf(torch.tensor(0.9))),
)
show("expand", lambda: D.Normal(0.0, 1.0).expand((2, 3)).batch_shape)
show(
    "support",
    lambda: (
        D.Normal(0.0, 1.0).support,
        D.Categorical(torch.ones(3)).support,
        D.Beta(1.0, 1.0).support,
        D.Gamma(1.0, 1.0).support,
    ),
)
show("arg_constraints", lambda: D.Normal(0.0, 1.0).arg_constraints)
show("has_rsample", lambda: (D.Normal(0.0, 1.0).has_rsample, D.Categorical(torch.ones(2)).has_rsample))
show("set_default_validate", lambda: D.Distribution.set_default_validate_args(True))
show("onehot cat", lambda: D.OneHotCategorical(torch.tensor([0.1, 0.9])).sample((3,)))
show(
    "relaxed", lambda: D.RelaxedOneHotCategorical(torch.tensor(0.5), probs=torch.tensor([0.3, 0.7])).rsample()
)
show("binomial", lambda: D.Binomial(10, torch.tensor([0.2, 0.8])).sample())
show("poisson lp", lambda: D.Poisson(torch.tensor(3.0)).log_prob(torch.tensor([0.0, 2.0, 5.0])))
show("studentt", lambda: D.StudentT(3.0).sample((3,)))
show(
    "lowrank",
    lambda: D.LowRankMultivariateNormal(torch.zeros(2), torch.ones(2, 1), torch.ones(2)).covariance_matrix,
)
show("vonmises", lambda: D.VonMises(0.0, 1.0).sample((3,)))
show("weibull", lambda: D.Weibull(1.0, 2.0).sample((3,)))
show("kumaraswamy", lambda: D.Kumaraswamy(2.0, 3.0).mean)
show("wishart", lambda: D.Wishart(df=torch.tensor(3.0), covariance_matrix=torch.eye(2)).sample().shape)
show("lkj", lambda: D.LKJCholesky(2, 0.5).sample())
show("halfnormal", lambda: D.HalfNormal(1.0).log_prob(torch.tensor([0.5, -1.0])))
