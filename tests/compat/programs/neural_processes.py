"""Neural processes for few-shot regression, as the deepmind/neural-processes
notebook and its PyTorch ports write them: tasks drawn from a GP-like
family of random sine curves, a random split into context and target points
per batch (torch.randperm, sorted indices), a Conditional Neural Process
(deterministic encoder, mean aggregation, decoder emitting mean and
0.1 + 0.9 * softplus scale, Normal(...).log_prob loss), a latent Neural
Process (latent encoder with q(z|context) and q(z|target) as
torch.distributions.Normal, rsample, kl_divergence to the context posterior,
the ELBO), an attentive NP's cross attention via nn.MultiheadAttention
(batch_first, keys = context x, values = representations), evaluation
log-likelihood on held-out curves and predictive mean/std at a few query
points, and the unrolled-sample variance of the latent NP. Seeded; every
number agrees."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Normal, kl_divergence

torch.manual_seed(0)
torch.set_num_threads(1)


def sample_tasks(batch, n_points=24, g=None):
    amp = torch.rand(batch, 1, 1, generator=g) * 2 + 0.5
    phase = torch.rand(batch, 1, 1, generator=g) * math.pi
    freq = torch.rand(batch, 1, 1, generator=g) * 1.0 + 0.5
    x = torch.rand(batch, n_points, 1, generator=g) * 8 - 4
    x, _ = torch.sort(x, dim=1)
    y = amp * torch.sin(freq * x + phase) + 0.05 * torch.randn(batch, n_points, 1, generator=g)
    return x, y


def split(x, y, g):
    n = x.shape[1]
    n_ctx = int(torch.randint(3, n // 2, (1,), generator=g))
    idx = torch.randperm(n, generator=g)
    ctx = idx[:n_ctx].sort().values
    return x[:, ctx], y[:, ctx], x, y


def mlp(sizes):
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


class CNP(nn.Module):
    def __init__(self, h=32, attentive=False):
        super().__init__()
        self.enc = mlp([2, h, h, h])
        self.attentive = attentive
        if attentive:
            self.q_proj, self.k_proj = nn.Linear(1, h), nn.Linear(1, h)
            self.attn = nn.MultiheadAttention(h, 4, batch_first=True)
        self.dec = mlp([h + 1, h, h, 2])

    def forward(self, xc, yc, xt):
        r = self.enc(torch.cat([xc, yc], -1))
        if self.attentive:
            r_t, w = self.attn(self.q_proj(xt), self.k_proj(xc), r)
            self.last_weights = w.detach()
        else:
            r_t = r.mean(1, keepdim=True).expand(-1, xt.shape[1], -1)
        out = self.dec(torch.cat([r_t, xt], -1))
        mu, raw = out.chunk(2, -1)
        return Normal(mu, 0.1 + 0.9 * F.softplus(raw))


class LatentNP(nn.Module):
    def __init__(self, h=32, z=16):
        super().__init__()
        self.det = mlp([2, h, h])
        self.lat = mlp([2, h, h])
        self.to_z = nn.Linear(h, 2 * z)
        self.dec = mlp([h + z + 1, h, h, 2])

    def q(self, x, y):
        s = self.lat(torch.cat([x, y], -1)).mean(1)
        mu, raw = self.to_z(s).chunk(2, -1)
        return Normal(mu, 0.1 + 0.9 * torch.sigmoid(raw))

    def forward(self, xc, yc, xt, yt=None):
        prior = self.q(xc, yc)
        post = self.q(xt, yt) if yt is not None else prior
        z = post.rsample()
        r = self.det(torch.cat([xc, yc], -1)).mean(1)
        n = xt.shape[1]
        hid = torch.cat([r[:, None].expand(-1, n, -1), z[:, None].expand(-1, n, -1), xt], -1)
        mu, raw = self.dec(hid).chunk(2, -1)
        return Normal(mu, 0.1 + 0.9 * F.softplus(raw)), prior, post


g_train = torch.Generator().manual_seed(1)
xe, ye = sample_tasks(16, g=torch.Generator().manual_seed(99))
xc_e, yc_e = xe[:, ::4], ye[:, ::4]
models = {"cnp": CNP(), "anp": CNP(attentive=True), "latent np": LatentNP()}
for name, model in models.items():
    torch.manual_seed(3)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    g_train.manual_seed(1)
    for step in range(120):
        x, y = sample_tasks(8, g=g_train)
        xc, yc, xt, yt = split(x, y, g_train)
        if name == "latent np":
            pred, prior, post = model(xc, yc, xt, yt)
            kl = kl_divergence(post, prior).sum(-1).mean()
            loss = -pred.log_prob(yt).sum((1, 2)).mean() + kl
        else:
            loss = -model(xc, yc, xt).log_prob(yt).sum((1, 2)).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 40 == 0 or step == 119:
            extra = f" | kl {kl.item():.6f}" if name == "latent np" else ""
            print(f"{name:9s} step {step:3d} | context {xc.shape[1]:2d} | loss {loss.item():.6f}{extra}")
    with torch.no_grad():
        torch.manual_seed(4)
        pred = model(xc_e, yc_e, xe)[0] if name == "latent np" else model(xc_e, yc_e, xe)
        ll = pred.log_prob(ye).mean()
        q = torch.tensor([[[-2.0], [0.0], [2.0]]])
        pq = model(xc_e[:1], yc_e[:1], q)
        pq = pq[0] if name == "latent np" else pq
    print(f"{name:9s} held-out log-lik per point {ll.item():.6f} | mean {[round(v, 5) for v in pq.mean.flatten().tolist()]}"
          f" | std {[round(v, 5) for v in pq.stddev.flatten().tolist()]}")

anp = models["anp"]
print("anp attention rows sum", [round(v, 6) for v in anp.last_weights[0, :3].sum(-1).tolist()],
      "peak context index", anp.last_weights[0, :6].argmax(-1).tolist())
with torch.no_grad():
    torch.manual_seed(5)
    lnp = models["latent np"]
    draws = torch.stack([lnp(xc_e[:1], yc_e[:1], xe[:1])[0].mean for _ in range(10)])
print("latent np function-sample std (mean over x)", round(draws.std(0).mean().item(), 6))
