"""VAE variants as their papers' reference code writes them, on the bundled
digits (binarized): the encoder returns a torch.distributions Independent
(Normal) posterior, the decoder an Independent(Bernoulli(logits=...)), the
ELBO from log_prob and kl_divergence, beta-VAE with linear KL annealing and
free bits (clamp of per-dimension KL), the IWAE bound with rsample((k,)),
log_prob broadcasting over the sample dim and logsumexp(0) - log k, a
conditional VAE with one_hot labels concatenated, a custom distribution pair
registered with @register_kl, ContinuousBernoulli scoring grey levels, latent
traversals and interpolation (torch.lerp between codes), and the
reconstruction/KL split of the test ELBO. Seeded: every number agrees."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import (Bernoulli, ContinuousBernoulli, Distribution, Independent, Normal, constraints,
                                 kl_divergence)
from torch.distributions.kl import register_kl
from torch.utils.data import DataLoader, TensorDataset

from _data import digits

pixels, labels = digits()
X = (torch.tensor(pixels, dtype=torch.float32) / 16.0 > 0.5).float()
Xgrey = torch.tensor(pixels, dtype=torch.float32) / 16.0
Y = torch.tensor(labels)
train = TensorDataset(X[:640], Y[:640], Xgrey[:640])
X_te, Y_te, G_te = X[1200:1400], Y[1200:1400], Xgrey[1200:1400]
loader = DataLoader(train, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(0))
print("on pixels", f"{X.mean().item():.5f}", "grey mean", f"{Xgrey.mean().item():.5f}")

LATENT = 4


class Encoder(nn.Module):
    def __init__(self, n_in=64, n_cond=0):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_in + n_cond, 64), nn.ReLU(), nn.Linear(64, 2 * LATENT))

    def forward(self, x, c=None):
        h = self.net(x if c is None else torch.cat([x, c], dim=-1))
        mu, log_var = h.chunk(2, dim=-1)
        return Independent(Normal(mu, torch.exp(0.5 * log_var)), 1)


class Decoder(nn.Module):
    def __init__(self, n_out=64, n_cond=0, kind="bernoulli"):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(LATENT + n_cond, 64), nn.ReLU(), nn.Linear(64, n_out))
        self.kind = kind

    def forward(self, z, c=None):
        if c is not None:
            c = c.expand(*z.shape[:-1], c.shape[-1])
            z = torch.cat([z, c], dim=-1)
        logits = self.net(z)
        if self.kind == "bernoulli":
            return Independent(Bernoulli(logits=logits), 1)
        return Independent(ContinuousBernoulli(logits=logits), 1)


prior = Independent(Normal(torch.zeros(LATENT), torch.ones(LATENT)), 1)
print("prior", prior.batch_shape, prior.event_shape, "posterior example",
      Encoder()(X[:3]).batch_shape, Encoder()(X[:3]).event_shape)


def elbo_terms(enc, dec, x, c=None, target=None):
    q = enc(x, c)
    z = q.rsample()
    rec = dec(z, c).log_prob(x if target is None else target)
    kl = kl_divergence(q, prior)
    return rec, kl, q


def train_vae(name, enc, dec, epochs, beta_schedule=lambda step: 1.0, free_bits=0.0, conditional=False, grey=False):
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.Adam(params, lr=3e-3)
    step = 0
    for epoch in range(epochs):
        for xb, yb, gb in loader:
            c = F.one_hot(yb, 10).float() if conditional else None
            target = gb if grey else xb
            q = enc(target, c)
            z = q.rsample()
            rec = dec(z, c).log_prob(target)
            if free_bits > 0:
                kl_per_dim = torch.distributions.kl_divergence(q.base_dist, prior.base_dist).mean(0)
                kl = torch.clamp(kl_per_dim, min=free_bits).sum()
            else:
                kl = kl_divergence(q, prior).mean()
            beta = beta_schedule(step)
            loss = -(rec.mean() - beta * kl)
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
        with torch.no_grad():
            c = F.one_hot(Y_te, 10).float() if conditional else None
            rec, kl, _ = elbo_terms(enc, dec, G_te if grey else X_te, c)
        print(f"{name} epoch {epoch} | beta {beta:.3f} | test rec {rec.mean().item():.5f} kl {kl.mean().item():.5f} "
              f"elbo {(rec - kl).mean().item():.5f}")
    return enc, dec


torch.manual_seed(1)
enc, dec = train_vae("vae", Encoder(), Decoder(), 3)
torch.manual_seed(1)
train_vae("beta-anneal", Encoder(), Decoder(), 3, beta_schedule=lambda s: min(1.0, s / 20) * 4.0)
torch.manual_seed(1)
train_vae("free-bits", Encoder(), Decoder(), 3, free_bits=0.25)
torch.manual_seed(1)
cenc, cdec = train_vae("cvae", Encoder(n_cond=10), Decoder(n_cond=10), 3, conditional=True)
# (training a ContinuousBernoulli decoder in float32 is fragile: probs saturate at the clamp, where rounding
# decides whether a gradient flows, so it is only evaluated here)
with torch.no_grad():
    cb_dec = Decoder(kind="continuous")
    cb_dec.net.load_state_dict(dec.net.state_dict())
    rec_grey = cb_dec(enc(G_te).base_dist.loc).log_prob(G_te)
    print(f"continuous bernoulli rec of grey digits {rec_grey.mean().item():.5f} "
          f"vs bernoulli of binarized {dec(enc(X_te).base_dist.loc).log_prob(X_te).mean().item():.5f}")


@torch.no_grad()
def iwae_bound(enc, dec, x, k):
    q = enc(x)
    z = q.rsample((k,))  # (k, batch, latent)
    log_w = dec(z).log_prob(x) + prior.log_prob(z) - q.log_prob(z)
    return (torch.logsumexp(log_w, dim=0) - math.log(k)).mean()


torch.manual_seed(2)
for k in (1, 5, 50):
    print(f"iwae k={k:2d} bound {iwae_bound(enc, dec, X_te, k).item():.5f}")
q = enc(X_te[:2])
z = q.rsample((3,))
print("sample shapes", tuple(z.shape), "log_prob", tuple(q.log_prob(z).shape), "decoder batch",
      dec(z).batch_shape)


# ------------------------------------------------------------------ a custom distribution with register_kl
class Uniform2(Distribution):
    arg_constraints = {"low": constraints.real, "high": constraints.real}
    support = constraints.real
    has_rsample = True

    def __init__(self, low, high, validate_args=False):
        self.low, self.high = low, high
        super().__init__(batch_shape=low.shape, validate_args=validate_args)

    def rsample(self, sample_shape=torch.Size()):  # noqa: B008 - torch.distributions' signature
        shape = self._extended_shape(sample_shape)
        u = torch.rand(shape, dtype=self.low.dtype)
        return self.low + u * (self.high - self.low)

    def log_prob(self, value):
        inside = (value >= self.low) & (value <= self.high)
        return torch.where(inside, -torch.log(self.high - self.low), torch.tensor(float("-inf")))

    def entropy(self):
        return torch.log(self.high - self.low)


@register_kl(Uniform2, Normal)
def _kl_uniform2_normal(p, q):
    common_term = p.high - p.low
    t1 = torch.log(math.sqrt(math.pi * 2) * q.scale / common_term)
    t2 = (common_term).pow(2) / 12
    t3 = ((p.high + p.low - 2 * q.loc) / 2).pow(2)
    return t1 + 0.5 * (t2 + t3) / q.scale.pow(2)


p = Uniform2(torch.tensor([0.0, -1.0]), torch.tensor([1.0, 2.0]))
qn = Normal(torch.tensor([0.5, 0.0]), torch.tensor([1.0, 2.0]))
torch.manual_seed(3)
mc = (p.log_prob(s := p.rsample((4000,))) - qn.log_prob(s)).mean(0)
print("custom kl", [round(v, 5) for v in kl_divergence(p, qn).tolist()], "monte carlo",
      [round(v, 3) for v in mc.tolist()], "matches builtin uniform",
      torch.allclose(kl_divergence(p, qn), kl_divergence(torch.distributions.Uniform(p.low, p.high), qn)))

# ------------------------------------------------------------------ traversals and interpolation
with torch.no_grad():
    mu = enc(X_te[:2]).base_dist.loc
    steps = torch.linspace(0, 1, 5).unsqueeze(1)
    path = torch.lerp(mu[0].expand(5, -1), mu[1].expand(5, -1), steps)
    imgs = dec(path).base_dist.probs
    print("interpolation mean intensity", [round(v, 5) for v in imgs.mean(1).tolist()])
    grid = torch.zeros(3, LATENT)
    grid[:, 0] = torch.tensor([-2.0, 0.0, 2.0])
    print("traversal dim0", [round(v, 5) for v in dec(grid).base_dist.probs.mean(1).tolist()])
    cond = F.one_hot(torch.arange(3), 10).float()
    torch.manual_seed(4)
    samples = cdec(prior.sample((3,)), cond).base_dist.probs
    print("cvae samples", tuple(samples.shape), [round(v, 5) for v in samples.mean(1).tolist()])
    print("bernoulli mean == probs", torch.allclose(dec(grid).mean, dec(grid).base_dist.probs),
          "cb mean differs", not torch.allclose(ContinuousBernoulli(probs=torch.tensor([0.3])).mean,
                                                torch.tensor([0.3])))
