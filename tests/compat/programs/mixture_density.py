"""A mixture density network as the Bishop/hardmaru tutorials write it: the
inverse sine problem (x as a function of y is multi-valued), a shared trunk
with pi (log_softmax), mu and sigma (exp of a clamped log-sigma) heads, the
negative log-likelihood through torch.logsumexp of log pi + Normal log-density
written out by hand (and checked against torch.distributions
MixtureSameFamily), sampling by torch.multinomial over pi then torch.normal
around the chosen mean, gather of the chosen component, the mode by argmax,
and histograms of the samples by torch.histc. Seeded: every number agrees."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Categorical, MixtureSameFamily, Normal

torch.manual_seed(1)
torch.set_num_threads(1)

n = 400
y_data = torch.rand(n, 1) * 10.5 - 5.25
x_data = 7.0 * torch.sin(0.75 * y_data) + 0.5 * y_data + torch.randn(n, 1)
# inverse problem: predict y from x
inputs, targets = x_data / 10.0, y_data


class MDN(nn.Module):
    def __init__(self, n_hidden=24, n_gaussians=5):
        super().__init__()
        self.z_h = nn.Sequential(nn.Linear(1, n_hidden), nn.Tanh())
        self.z_pi = nn.Linear(n_hidden, n_gaussians)
        self.z_mu = nn.Linear(n_hidden, n_gaussians)
        self.z_sigma = nn.Linear(n_hidden, n_gaussians)

    def forward(self, x):
        h = self.z_h(x)
        log_pi = F.log_softmax(self.z_pi(h), -1)
        mu = self.z_mu(h) * 5.0
        sigma = torch.exp(torch.clamp(self.z_sigma(h), min=-7.0, max=7.0))
        return log_pi, mu, sigma


ONE_DIV_SQRT_TWO_PI = 1.0 / math.sqrt(2.0 * math.pi)


def mdn_loss(log_pi, mu, sigma, y):
    log_normal = -0.5 * ((y - mu) / sigma) ** 2 - torch.log(sigma) + math.log(ONE_DIV_SQRT_TWO_PI)
    return -torch.logsumexp(log_pi + log_normal, dim=1).mean()


def naive_loss(log_pi, mu, sigma, y):  # the numerically naive version tutorials start from
    result = ONE_DIV_SQRT_TWO_PI * torch.exp(-0.5 * ((y - mu) / sigma) ** 2) / sigma
    return -torch.log(torch.sum(result * log_pi.exp(), dim=1) + 1e-12).mean()


model = MDN()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(1, 161):
    log_pi, mu, sigma = model(inputs)
    loss = mdn_loss(log_pi, mu, sigma, targets)
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
    optimizer.step()
    if epoch % 40 == 0:
        print("epoch %3d nll %.5f naive %.5f" % (epoch, loss.item(), naive_loss(log_pi, mu, sigma,
                                                                               targets).item()))

with torch.no_grad():
    log_pi, mu, sigma = model(inputs)
    mix = MixtureSameFamily(Categorical(logits=log_pi), Normal(mu, sigma))
    print("distributions nll %.5f" % (-mix.log_prob(targets.squeeze(1)).mean().item()))
    print("mixture mean[0:3] %s" % " ".join("%.4f" % v for v in mix.mean[:3].tolist()))
    print("mixture std[0:3] %s" % " ".join("%.4f" % v for v in mix.stddev[:3].tolist()))

    x_test = torch.linspace(-1.5, 1.5, 9).unsqueeze(1)
    log_pi, mu, sigma = model(x_test)
    pi = log_pi.exp()
    print("pi rows sum %.6f" % pi.sum(1).mean().item())
    print("entropy of pi " + " ".join("%.3f" % v for v in Categorical(probs=pi).entropy().tolist()))

    # sample: pick a component by multinomial, then draw from that Gaussian
    k = torch.multinomial(pi, num_samples=20, replacement=True)  # (9, 20)
    mu_k = torch.gather(mu, 1, k)
    sigma_k = torch.gather(sigma, 1, k)
    samples = torch.normal(mu_k, sigma_k)
    print("component counts row4 " + " ".join(str(int(c)) for c in torch.bincount(k[4], minlength=5).tolist()))
    print("sample means " + " ".join("%.3f" % v for v in samples.mean(1).tolist()))
    mode = torch.gather(mu, 1, pi.argmax(1, keepdim=True)).squeeze(1)
    print("modes " + " ".join("%.3f" % v for v in mode.tolist()))
    hist = torch.histc(samples.flatten(), bins=8, min=-6, max=6)
    print("histogram " + " ".join(str(int(h)) for h in hist.tolist()))

    # many samples for one input: a different stream use (generator) and empirical moments
    g = torch.Generator().manual_seed(3)
    kk = torch.multinomial(pi[2], 2000, replacement=True, generator=g)
    draws = mu[2, kk] + sigma[2, kk] * torch.randn(2000, generator=g)
    mix2 = MixtureSameFamily(Categorical(probs=pi[2]), Normal(mu[2], sigma[2]))
    print("empirical mean %.3f std %.3f | exact mean %.3f std %.3f" % (draws.mean().item(), draws.std().item(),
                                                                         mix2.mean.item(), mix2.stddev.item()))
    dist_samples = mix2.sample((5,))
    print("mixture.sample " + " ".join("%.4f" % v for v in dist_samples.tolist()))
