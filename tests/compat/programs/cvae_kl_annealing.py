"""A conditional VAE on the bundled 8x8 digits with KL annealing, as the CVAE tutorials write it: one-hot
labels concatenated to encoder and decoder inputs, logvar clamped, the reparameterisation trick, the
ELBO with BCE (reduction='sum') plus beta * KL for linear, cyclical (Fu et al.) and sigmoid beta
schedules, free bits per latent dimension, KL also via torch.distributions.kl_divergence, and
class-conditional samples and an importance-sampled log-likelihood estimate."""

import math

import torch
import torch.distributions as D
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.manual_seed(0)
torch.set_num_threads(1)

pixels, labels = digits()
X = torch.from_numpy(pixels).float() / 16.0
y = torch.from_numpy(labels)
X, y = X[:1000], y[:1000]
print("data", tuple(X.shape), X.dtype, y.dtype, f"{X.mean().item():.4f}")


class CVAE(nn.Module):
    def __init__(self, x_dim=64, c_dim=10, z_dim=4, h=64):
        super().__init__()
        self.c_dim = c_dim
        self.enc = nn.Sequential(nn.Linear(x_dim + c_dim, h), nn.ReLU())
        self.mu = nn.Linear(h, z_dim)
        self.logvar = nn.Linear(h, z_dim)
        self.dec = nn.Sequential(nn.Linear(z_dim + c_dim, h), nn.ReLU(), nn.Linear(h, x_dim))

    def encode(self, x, c):
        h = self.enc(torch.cat([x, c], 1))
        return self.mu(h), self.logvar(h).clamp(-8, 8)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z, c):
        return self.dec(torch.cat([z, c], 1))

    def forward(self, x, labels):
        c = F.one_hot(labels, self.c_dim).float()
        mu, logvar = self.encode(x, c)
        z = self.reparameterize(mu, logvar)
        return self.decode(z, c), mu, logvar


def beta_schedule(kind, step, total, cycles=2, ratio=0.5):
    if kind == "linear":
        return min(1.0, step / (0.5 * total))
    if kind == "cyclical":
        period = total / cycles
        tau = (step % period) / period
        return min(1.0, tau / ratio)
    return 1.0 / (1.0 + math.exp(-(step - total / 2) / (total / 20)))


def loss_fn(logits, x, mu, logvar, beta, free_bits=0.0):
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / x.shape[0]
    kl_per_dim = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).mean(0)
    if free_bits > 0:
        kl_per_dim = torch.clamp(kl_per_dim, min=free_bits)
    kl = kl_per_dim.sum()
    return bce + beta * kl, bce, kl


mu = torch.randn(3, 4)
logvar = torch.randn(3, 4) * 0.3
q = D.Normal(mu, torch.exp(0.5 * logvar))
p = D.Normal(torch.zeros_like(mu), torch.ones_like(mu))
kl_dist = D.kl_divergence(q, p).sum(1)
kl_closed = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1)
print("kl closed form == distributions:", torch.allclose(kl_dist, kl_closed, atol=1e-5), [f"{v:.4f}" for v in kl_dist.tolist()])
print("betas", [f"{beta_schedule(k, s, 100):.3f}" for k in ("linear", "cyclical", "sigmoid") for s in (0, 25, 50, 75, 99)])

total_steps = 8 * 16
for kind, free_bits in (("linear", 0.0), ("cyclical", 0.0), ("sigmoid", 0.1)):
    torch.manual_seed(1)
    model = CVAE()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    step = 0
    for epoch in range(8):
        perm = torch.randperm(len(X))
        for idx in perm.split(64):
            beta = beta_schedule(kind, step, total_steps)
            logits, mu, logvar = model(X[idx], y[idx])
            loss, bce, kl = loss_fn(logits, X[idx], mu, logvar, beta, free_bits)
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
    model.eval()
    with torch.no_grad():
        logits, mu, logvar = model(X, y)
        _, bce, kl = loss_fn(logits, X, mu, logvar, 1.0)
        active = (mu.var(0) > 0.01).sum().item()
    print(f"{kind:8s} beta {beta:.3f} elbo {-(bce + kl).item():.3f} rec {bce.item():.3f} kl {kl.item():.3f} active units {active}")

# importance-sampled log p(x|c) for the last model
with torch.no_grad():
    xb, yb = X[:50], y[:50]
    c = F.one_hot(yb, 10).float()
    mu, logvar = model.encode(xb, c)
    qz = D.Normal(mu, (0.5 * logvar).exp())
    z = qz.sample((20,))
    log_w = []
    for k in range(20):
        logits = model.decode(z[k], c)
        log_px = -F.binary_cross_entropy_with_logits(logits, xb, reduction="none").sum(1)
        log_pz = D.Normal(0.0, 1.0).log_prob(z[k]).sum(1)
        log_w.append(log_px + log_pz - qz.log_prob(z[k]).sum(1))
    ll = torch.logsumexp(torch.stack(log_w), 0) - math.log(20)
print(f"IWAE(k=20) log-likelihood {ll.mean().item():.3f}", "z samples", tuple(z.shape))

with torch.no_grad():
    cls = torch.arange(10).repeat_interleave(3)
    samples = torch.sigmoid(model.decode(torch.randn(30, 4), F.one_hot(cls, 10).float()))
print("samples", tuple(samples.shape), f"mean {samples.mean().item():.4f}", "per-class ink", [f"{v:.3f}" for v in samples.view(10, 3, 64).mean((1, 2)).tolist()])
