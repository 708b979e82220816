"""A categorical VAE with the Gumbel-softmax relaxation, as the Jang et al.
notebooks and their PyTorch ports write it: binarized digits from the bundled
set (torch.bernoulli), an encoder to N latent variables of K categories,
F.gumbel_softmax (soft, and hard with the straight-through trick) with the
temperature annealed by exp(-r * step) down to a floor, the hand-written
sampler (-log(-log(U + eps) + eps)) next to it, the KL to a uniform prior
from log-softmax, BCE-with-logits reconstruction summed per image, Adam,
then the code usage (argmax one-hot counts), the straight-through gradient,
samples from the prior decoded, and F.gumbel_softmax's dim argument and
its hard output's one-hotness. Seeded: every number agrees."""

import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.manual_seed(0)
torch.set_num_threads(1)


def sample_gumbel(shape, eps=1e-20):
    U = torch.rand(shape)
    return -torch.log(-torch.log(U + eps) + eps)


def gumbel_softmax_sample(logits, temperature):
    y = logits + sample_gumbel(logits.size())
    return F.softmax(y / temperature, dim=-1)


def gumbel_softmax_st(logits, temperature):
    """Straight-through: one-hot forward, soft sample's gradient backward."""
    y = gumbel_softmax_sample(logits, temperature)
    shape = y.size()
    _, ind = y.max(dim=-1)
    y_hard = torch.zeros_like(y).view(-1, shape[-1])
    y_hard.scatter_(1, ind.view(-1, 1), 1)
    y_hard = y_hard.view(*shape)
    return (y_hard - y).detach() + y


# the library sampler and the hand-written one: both one-hot when hard, both rows summing to 1
logits = torch.randn(3, 5, requires_grad=True)
soft = F.gumbel_softmax(logits, tau=0.5)
hard = F.gumbel_softmax(logits, tau=0.5, hard=True)
print("soft rows sum", [round(v, 6) for v in soft.sum(-1).tolist()], "soft[0]", [round(v, 5) for v in soft[0].tolist()])
print("hard", hard.tolist())
(hard * torch.arange(5.0)).sum().backward()
print("straight-through grad", [[round(v, 5) for v in r] for r in logits.grad.tolist()])
by_dim = F.gumbel_softmax(torch.zeros(4, 3), tau=1.0, hard=True, dim=0)
print("dim=0 column sums", by_dim.sum(0).tolist())
st = gumbel_softmax_st(logits.detach(), 0.5)
print("hand ST one-hot", st.sum(-1).tolist(), "argmax", st.argmax(-1).tolist())

pixels, labels = digits()
X = torch.bernoulli(torch.tensor(pixels[:1000], dtype=torch.float32) / 16.0)
print("binarized", tuple(X.shape), "ones", int(X.sum()))

N, K = 6, 8  # latent variables, categories each


class GumbelVAE(nn.Module):
    def __init__(self, x_dim=64, hidden=128):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(x_dim, hidden), nn.ReLU(), nn.Linear(hidden, N * K))
        self.decoder = nn.Sequential(nn.Linear(N * K, hidden), nn.ReLU(), nn.Linear(hidden, x_dim))

    def forward(self, x, temp, hard):
        q = self.encoder(x).view(-1, N, K)
        z = F.gumbel_softmax(q, tau=temp, hard=hard)
        return self.decoder(z.view(-1, N * K)), F.softmax(q, dim=-1), q


def loss_function(recon_logits, x, q_logits):
    bce = F.binary_cross_entropy_with_logits(recon_logits, x, reduction="sum") / x.shape[0]
    log_q = F.log_softmax(q_logits, dim=-1)
    kld = torch.sum(log_q.exp() * (log_q - math.log(1.0 / K)), dim=(-1, -2)).mean()
    return bce + kld, bce, kld


model = GumbelVAE()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
temp, temp_min, anneal_rate = 1.0, 0.5, 3e-3
batch_size, step = 100, 0
for epoch in range(1, 6):
    model.train()
    perm = torch.randperm(X.size(0))
    totals = np.zeros(3)
    for i in range(0, X.size(0), batch_size):
        x = X[perm[i:i + batch_size]]
        recon, qy, q = model(x, temp, hard=epoch > 3)
        loss, bce, kld = loss_function(recon, x, q)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        totals += [loss.item(), bce.item(), kld.item()]
        step += 1
        if step % 5 == 1:
            temp = np.maximum(temp * np.exp(-anneal_rate * step), temp_min)
    n = X.size(0) // batch_size
    print(f"epoch {epoch} | loss {totals[0] / n:.4f} | bce {totals[1] / n:.4f} | kl {totals[2] / n:.5f} "
          f"| temp {float(temp):.5f}")

model.eval()
with torch.no_grad():
    q = model.encoder(X[:200]).view(-1, N, K)
    codes = q.argmax(-1)
    usage = F.one_hot(codes, K).sum(0)
    print("code usage (latent 0)", usage[0].tolist())
    print("distinct codes", len({tuple(c) for c in codes.tolist()}))
    z_hard = F.one_hot(codes, K).float().view(-1, N * K)
    recon = torch.sigmoid(model.decoder(z_hard))
    err = F.binary_cross_entropy(recon, X[:200], reduction="sum").item() / 200
    print(f"argmax-code reconstruction bce {err:.4f}")
    prior = F.one_hot(torch.randint(0, K, (4, N)), K).float().view(4, N * K)
    samples = torch.sigmoid(model.decoder(prior))
    print("prior samples mean", [round(v, 5) for v in samples.mean(1).tolist()])
    print("entropy per latent", [round(v, 4) for v in (-(F.softmax(q, -1) * F.log_softmax(q, -1)).sum(-1)).mean(0).tolist()])
