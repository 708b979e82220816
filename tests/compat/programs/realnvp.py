"""A RealNVP normalizing flow on two moons, in the shape of the well-known RealNVP notebook:
alternating binary masks held as a frozen nn.Parameter, scale/translation MLPs in
ModuleLists, log-det accumulation, a MultivariateNormal prior (and the same prior as
Independent(Normal)), maximum likelihood with Adam, then the inverse pass. A second part
fits a 1-D flow built from torch.distributions.transforms (TransformedDistribution with
Affine/Sigmoid/Exp transforms). The moons and weights are fixed; only the prior samples
draw from the generator, so their statistics agree loosely."""
import math

import numpy as np
import torch
import torch.nn as nn
from torch import distributions
from torch.distributions import transforms as T

torch.manual_seed(0)
torch.set_num_threads(1)


def fixed_(module, k):
    with torch.no_grad():
        for i, p in enumerate(module.parameters()):
            if not p.requires_grad:
                continue
            n = p.numel()
            fan_in = p.shape[-1]
            p.copy_(torch.sin(torch.arange(n, dtype=torch.float32) * (k + 0.29 * i) + 0.1).reshape(p.shape)
                    * (0.5 / math.sqrt(fan_in)))
    return module


def make_moons(n, noise=0.05):
    t = np.linspace(0, math.pi, n // 2)
    outer = np.stack([np.cos(t), np.sin(t)], 1)
    inner = np.stack([1 - np.cos(t), 1 - np.sin(t) - 0.5], 1)
    x = np.concatenate([outer, inner]) + noise * np.stack([np.sin(np.arange(n) * 12.9898),
                                                           np.cos(np.arange(n) * 78.233)], 1)
    return x.astype(np.float32)


class RealNVP(nn.Module):
    def __init__(self, nets, nett, mask, prior):
        super().__init__()
        self.prior = prior
        self.mask = nn.Parameter(mask, requires_grad=False)
        self.t = torch.nn.ModuleList([nett() for _ in range(len(mask))])
        self.s = torch.nn.ModuleList([nets() for _ in range(len(mask))])

    def g(self, z):
        x = z
        for i in range(len(self.t)):
            x_ = x * self.mask[i]
            s = self.s[i](x_) * (1 - self.mask[i])
            t = self.t[i](x_) * (1 - self.mask[i])
            x = x_ + (1 - self.mask[i]) * (x * torch.exp(s) + t)
        return x

    def f(self, x):
        log_det_J, z = x.new_zeros(x.shape[0]), x
        for i in reversed(range(len(self.t))):
            z_ = self.mask[i] * z
            s = self.s[i](z_) * (1 - self.mask[i])
            t = self.t[i](z_) * (1 - self.mask[i])
            z = (1 - self.mask[i]) * (z - t) * torch.exp(-s) + z_
            log_det_J -= s.sum(dim=1)
        return z, log_det_J

    def log_prob(self, x):
        z, logp = self.f(x)
        return self.prior.log_prob(z) + logp

    def sample(self, batchSize):
        z = self.prior.sample((batchSize, 1))
        x = self.g(z)
        return x


nets = lambda: nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(), nn.Linear(16, 16), nn.LeakyReLU(),
                             nn.Linear(16, 2), nn.Tanh())
nett = lambda: nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(), nn.Linear(16, 16), nn.LeakyReLU(), nn.Linear(16, 2))
masks = torch.from_numpy(np.array([[0, 1], [1, 0]] * 3).astype(np.float32))
prior = distributions.MultivariateNormal(torch.zeros(2), torch.eye(2))
flow = fixed_(RealNVP(nets, nett, masks, prior), 0.9)
print("trainable", sum(p.numel() for p in flow.parameters() if p.requires_grad),
      "frozen", sum(p.numel() for p in flow.parameters() if not p.requires_grad))

data = torch.from_numpy(make_moons(128))
optimizer = torch.optim.Adam([p for p in flow.parameters() if p.requires_grad], lr=3e-3)
for t in range(101):
    loss = -flow.log_prob(data).mean()
    optimizer.zero_grad()
    loss.backward(retain_graph=True)
    optimizer.step()
    if t % 25 == 0:
        print(f"iter {t}: loss = {loss.item():.4f}")

with torch.no_grad():
    z, logdet = flow.f(data)
    back = flow.g(z)
    print(f"inverse error {(back - data).abs().max().item():.2e} | z mean {z.mean().item():.4f} "
          f"| z std {z.std().item():.4f} | logdet mean {logdet.mean().item():.4f}")
    indep = distributions.Independent(distributions.Normal(torch.zeros(2), torch.ones(2)), 1)
    print(f"priors agree {torch.allclose(indep.log_prob(z), prior.log_prob(z), atol=1e-5)} "
          f"| bits/dim {(-flow.log_prob(data).mean() / (2 * math.log(2))).item():.4f}")
    x = flow.sample(1000)
    print(f"sample shape {tuple(x.shape)} | mean x {x[:, 0, 0].mean().item():.2f} | mean y {x[:, 0, 1].mean().item():.2f}")

# a 1-D flow from torch.distributions.transforms: x = sigmoid(a * z + b) scaled to (0, 3)
obs = torch.from_numpy(1.0 + 1.5 / (1 + np.exp(-np.sin(np.arange(300) * 0.37) * 1.3))).float()
a = torch.tensor(0.5, requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
opt = torch.optim.Adam([a, b], lr=0.05)
for step in range(101):
    base = distributions.Normal(torch.zeros(()), torch.ones(()))
    dist = distributions.TransformedDistribution(
        base, [T.AffineTransform(loc=b, scale=a.exp()), T.SigmoidTransform(), T.AffineTransform(0.0, 3.0)])
    nll = -dist.log_prob(obs).mean()
    opt.zero_grad()
    nll.backward()
    opt.step()
    if step % 25 == 0:
        print(f"1-d flow step {step:3d} | nll {nll.item():.5f} | scale {a.exp().item():.4f} | loc {b.item():.4f}")
lognormal = distributions.TransformedDistribution(distributions.Normal(0.3, 0.5), [T.ExpTransform()])
print(f"lognormal via ExpTransform {lognormal.log_prob(torch.tensor([0.5, 1.0, 2.0])).tolist()[1]:.6f} "
      f"direct {distributions.LogNormal(0.3, 0.5).log_prob(torch.tensor(1.0)).item():.6f}")
