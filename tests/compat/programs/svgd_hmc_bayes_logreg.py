"""Sampling-based Bayesian logistic regression, as the SVGD and HMC tutorials write it in torch: the log
posterior through torch.distributions (Normal prior, Bernoulli likelihood with logits), its score by
torch.autograd.grad, Stein variational gradient descent with an RBF kernel whose repulsive term also comes
from autograd (checked against the closed form) and the median bandwidth, Hamiltonian Monte Carlo with a
leapfrog integrator, Metropolis correction from a seeded generator and step-size adaptation during warm-up,
the kernelised Stein discrepancy of both particle sets, and posterior predictive accuracy."""

import math

import torch
import torch.distributions as D

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(0)

n, d = 60, 3
X = torch.cat([torch.randn(n, d - 1, generator=gen), torch.ones(n, 1)], 1)
w_true = torch.tensor([1.5, -2.0, 0.3])
y = torch.bernoulli(torch.sigmoid(X @ w_true), generator=gen)
prior = D.Normal(torch.zeros(d), 2.0 * torch.ones(d))


def log_post(w):  # w: (..., d)
    logits = w @ X.T
    return prior.log_prob(w).sum(-1) + D.Bernoulli(logits=logits).log_prob(y).sum(-1)


def score(w):
    w = w.detach().requires_grad_(True)
    return torch.autograd.grad(log_post(w).sum(), w)[0]


w0 = torch.zeros(d)
print(f"log posterior at 0 {log_post(w0).item():.6f} score {[round(v, 6) for v in score(w0).tolist()]}")


def rbf(x, h):
    return torch.exp(-torch.cdist(x, x) ** 2 / h)


def svgd_phi(x):
    h = torch.median(torch.pdist(x)) ** 2 / math.log(len(x) + 1)
    xg = x.detach().requires_grad_(True)
    K = rbf(xg, h.detach())
    # sum_j d k(x_j, x_i) / d x_j: K is symmetric, so the gradient of its sum counts each pair twice
    grad_K = -0.5 * torch.autograd.grad(K.sum(), xg)[0]
    return (K.detach() @ score(x) + grad_K) / len(x), K.detach(), h


particles = torch.randn(20, d, generator=gen) * 0.5
phi, K, h = svgd_phi(particles)
h_val = h.item()
closed = (K @ score(particles) + (K.sum(1, keepdim=True) * particles - K @ particles) * 2 / h_val) / 20
print("repulsive term by autograd matches closed form", torch.allclose(phi, closed, atol=1e-10))
for it in range(40):
    phi, _, h = svgd_phi(particles)
    particles = particles + 0.05 * phi
    if it % 10 == 9:
        print(f"svgd it {it + 1} | mean {[round(v, 4) for v in particles.mean(0).tolist()]} | "
              f"bandwidth {h.item():.5f} | mean log post {log_post(particles).mean().item():.5f}")


def hmc(w, n_samples, warmup, step=0.1, L=5):
    samples, accepts = [], 0
    logp = log_post(w)
    for i in range(n_samples + warmup):
        p0 = torch.randn(d, generator=gen)
        wn, p = w.clone(), p0 + 0.5 * step * score(w)
        for l in range(L):
            wn = wn + step * p
            if l < L - 1:
                p = p + step * score(wn)
        p = p + 0.5 * step * score(wn)
        logp_new = log_post(wn)
        log_alpha = logp_new - logp - 0.5 * (p @ p) + 0.5 * (p0 @ p0)
        accept = torch.rand((), generator=gen).log() < log_alpha
        if i < warmup:  # dual averaging is overkill here: nudge the step toward 80% acceptance
            step *= math.exp(0.1 * (min(1.0, log_alpha.exp().item()) - 0.8))
        if accept:
            w, logp = wn, logp_new
            if i >= warmup:
                accepts += 1
        if i >= warmup:
            samples.append(w)
    return torch.stack(samples), accepts / n_samples, step


chain, rate, step = hmc(torch.zeros(d), 60, 20)
print(f"hmc acceptance {rate:.4f} adapted step {step:.5f}")
print(f"hmc mean {[round(v, 4) for v in chain.mean(0).tolist()]} std {[round(v, 4) for v in chain.std(0).tolist()]}")


def autocorr(x, lag):
    x = x - x.mean()
    return (x[:-lag] * x[lag:]).sum() / (x * x).sum()


rho = torch.stack([autocorr(chain[:, 0], k) for k in range(1, 6)])
ess = len(chain) / (1 + 2 * rho.clamp(min=0).sum())
print(f"lag-1..5 autocorrelation {[round(v, 4) for v in rho.tolist()]} ess {ess.item():.3f}")


def ksd(x):
    # kernelised Stein discrepancy with an IMQ kernel, all four terms by autograd
    s = score(x)
    xi = x.detach().unsqueeze(1).expand(-1, len(x), -1).requires_grad_(True)
    xj = x.detach().unsqueeze(0).expand(len(x), -1, -1).requires_grad_(True)
    k = (1 + ((xi - xj) ** 2).sum(-1)) ** -0.5
    gi, gj = torch.autograd.grad(k.sum(), (xi, xj), create_graph=True)
    trace = sum(torch.autograd.grad(gi[..., a].sum(), xj, retain_graph=True)[0][..., a] for a in range(d))
    u = (k * (s @ s.T) + (gj * s.unsqueeze(1)).sum(-1) + (gi * s.unsqueeze(0)).sum(-1) + trace)
    return u.mean()


print(f"ksd svgd {ksd(particles).item():.6f} hmc {ksd(chain[::3]).item():.6f} "
      f"prior draws {ksd(prior.sample((20,))).item():.6f}")
with torch.no_grad():
    for name, ws in [("svgd", particles), ("hmc", chain)]:
        pred = torch.sigmoid(ws @ X.T).mean(0)
        print(f"{name} predictive acc {((pred > 0.5).double() == y).double().mean().item():.4f} "
              f"brier {((pred - y) ** 2).mean().item():.6f}")
