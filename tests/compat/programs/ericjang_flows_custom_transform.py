"""Eric Jang's "Normalizing Flows Tutorial" (and the torch.distributions port its readers write): a custom
torch.distributions.Transform subclass (bijective = True, domain/codomain constraints.real, _call,
_inverse, log_abs_det_jacobian, sign) wrapping learnable planar-style and leaky-ReLU/affine layers held in
an nn.Module, a TransformedDistribution over an Independent(Normal) base whose log_prob sums the
jacobian terms, training by maximum likelihood on a two-moons-like sample, sampling through the flow,
ComposeTransform with cache_size=1, Transform.inv, event_dim and with_cache; then the built-in
AffineTransform/SigmoidTransform on a Uniform base (a logistic distribution) checked against its
closed-form log density."""

import math

import numpy as np
import torch
import torch.nn as nn
from torch.distributions import (AffineTransform, ComposeTransform, Independent, Normal, SigmoidTransform,
                                 TransformedDistribution, Uniform, constraints)
from torch.distributions.transforms import Transform

torch.set_num_threads(1)
torch.manual_seed(0)


class LeakyReLUFlow(Transform):
    domain = constraints.real
    codomain = constraints.real
    bijective = True
    sign = +1

    def __init__(self, alpha=0.3, cache_size=0):
        super().__init__(cache_size=cache_size)
        self.alpha = alpha

    def __eq__(self, other):
        return isinstance(other, LeakyReLUFlow) and self.alpha == other.alpha

    def _call(self, x):
        return torch.where(x >= 0, x, self.alpha * x)

    def _inverse(self, y):
        return torch.where(y >= 0, y, y / self.alpha)

    def log_abs_det_jacobian(self, x, y):
        return torch.where(x >= 0, torch.zeros_like(x), torch.full_like(x, math.log(self.alpha)))


class LinearFlow(Transform):
    """y = x W^T + b with W = L U (unit-lower L, upper U with a log-parameterized diagonal)."""

    domain = constraints.independent(constraints.real, 1)
    codomain = constraints.independent(constraints.real, 1)
    bijective = True

    def __init__(self, module):
        super().__init__(cache_size=0)
        self.module = module

    def _weight(self):
        d = self.module.lower.shape[0]
        L = torch.tril(self.module.lower, -1) + torch.eye(d)
        U = torch.triu(self.module.upper, 1) + torch.diag(torch.exp(self.module.log_diag))
        return L @ U

    def _call(self, x):
        return x @ self._weight().T + self.module.bias

    def _inverse(self, y):
        return torch.linalg.solve(self._weight(), (y - self.module.bias).T).T

    def log_abs_det_jacobian(self, x, y):
        return self.module.log_diag.sum().expand(x.shape[:-1])


class LinearParams(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.lower = nn.Parameter(torch.randn(d, d) * 0.1)
        self.upper = nn.Parameter(torch.randn(d, d) * 0.1)
        self.log_diag = nn.Parameter(torch.zeros(d))
        self.bias = nn.Parameter(torch.zeros(d))


class ElementwiseLeaky(Transform):
    domain = constraints.independent(constraints.real, 1)
    codomain = constraints.independent(constraints.real, 1)
    bijective = True

    def __init__(self, alpha):
        super().__init__()
        self.inner = LeakyReLUFlow(alpha)

    def _call(self, x):
        return self.inner(x)

    def _inverse(self, y):
        return self.inner.inv(y)

    def log_abs_det_jacobian(self, x, y):
        return self.inner.log_abs_det_jacobian(x, y).sum(-1)


def moons(n, rng):
    t = rng.rand(n) * math.pi
    upper = rng.rand(n) < 0.5
    x = np.where(upper, np.cos(t), 1 - np.cos(t))
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
    data = np.stack([x, y], 1) + 0.05 * rng.randn(n, 2)
    return torch.tensor(data, dtype=torch.float32)


leaky = LeakyReLUFlow(0.5)
v = torch.tensor([-2.0, -0.5, 0.0, 1.5])
print("leaky", leaky(v), leaky.inv(leaky(v)), leaky.log_abs_det_jacobian(v, leaky(v)))
print("inv of inv is itself", leaky.inv.inv is leaky, "event_dim", leaky.event_dim, leaky.inv.sign)
cached = LeakyReLUFlow(0.5, cache_size=1)
y = cached(v)
print("cached inverse returns the input", cached.inv(y) is v, leaky.inv(leaky(v)) is v)
try:
    leaky.with_cache(1)
except NotImplementedError as e:
    print("with_cache:", str(e).split("'")[-1])
print("sigmoid with_cache", type(SigmoidTransform().with_cache(1)).__name__)

base = Independent(Normal(torch.zeros(2), torch.ones(2)), 1)
params = nn.ModuleList([LinearParams(2) for _ in range(4)])
transforms = []
for i, p in enumerate(params):
    transforms.append(LinearFlow(p))
    if i < len(params) - 1:
        transforms.append(ElementwiseLeaky(0.4))
flow = TransformedDistribution(base, transforms)
print("flow event shape", flow.event_shape, "batch shape", flow.batch_shape, "parts", len(flow.transforms))

rng = np.random.RandomState(0)
data = moons(512, rng)
opt = torch.optim.Adam(params.parameters(), lr=1e-2)
for it in range(201):
    idx = torch.randint(0, 512, (128,))
    loss = -flow.log_prob(data[idx]).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it % 50 == 0:
        print(f"iter {it} nll {loss.item():.5f}")
with torch.no_grad():
    print(f"full-data nll {-flow.log_prob(data).mean().item():.5f}")
    samples = flow.sample((1000,))
    print("samples", samples.shape, f"mean {samples.mean(0).tolist()}", f"std {samples.std(0).tolist()}")
    z = data[:3]
    for t in reversed(flow.transforms):
        z = t.inv(z)
    print("data mapped back to the base", z)
    print("base log prob of them", base.log_prob(z))

# the logistic distribution as a flow of a uniform, against its closed form
loc, scale = 1.0, 2.0
logistic = TransformedDistribution(Uniform(torch.tensor(0.0), torch.tensor(1.0)),
                                   [SigmoidTransform().inv, AffineTransform(loc=loc, scale=scale)])
x = torch.tensor([-3.0, 0.0, 1.0, 4.0])
z = (x - loc) / scale
closed = -z - math.log(scale) - 2 * torch.nn.functional.softplus(-z)
print("logistic log_prob", logistic.log_prob(x), "closed form", closed)
print("logistic cdf", logistic.cdf(x), "icdf", logistic.icdf(torch.tensor([0.25, 0.5])))
torch.manual_seed(5)
print("logistic samples", logistic.sample((4,)), "rsample grad", logistic.rsample((2,)).requires_grad)
comp = ComposeTransform([AffineTransform(0.0, 2.0), SigmoidTransform()], cache_size=1)
a = torch.tensor([0.3, -1.0])
b = comp(a)
print("compose", b, comp.inv(b) is a, comp.log_abs_det_jacobian(a, b), comp.domain, comp.codomain)
