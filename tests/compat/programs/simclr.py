"""SimCLR-style contrastive pretraining on the bundled digits: two augmented views per image
(pixel shifts with torch.roll, fixed-pattern noise, random erasing via masks), an MLP encoder
with a projection head, the NT-Xent loss (F.normalize, a similarity matrix with the diagonal
masked out by masked_fill, cross_entropy against the positive's index), then a linear probe
on frozen features and a k-nearest-neighbour evaluation with cdist/topk/mode. The augmentation
choices come from numpy and the weights are fixed."""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

from _data import digits

torch.set_num_threads(1)
rng = np.random.RandomState(3)


def fixed_(module, k):
    with torch.no_grad():
        for i, p in enumerate(module.parameters()):
            n = p.numel()
            p.copy_(torch.sin(torch.arange(n, dtype=torch.float32) * (k + 0.13 * i) + 0.3).reshape(p.shape)
                    / math.sqrt(p.shape[-1]))
    return module


pixels, labels = digits()
X = torch.from_numpy(pixels).float().div(16.0).view(-1, 1, 8, 8)
y = torch.from_numpy(labels)
X_train, y_train, X_test, y_test = X[:1200], y[:1200], X[1200:], y[1200:]


def augment(batch):
    n = batch.shape[0]
    out = torch.empty_like(batch)
    shifts = rng.randint(-1, 2, size=(n, 2))
    for i in range(n):
        out[i] = torch.roll(batch[i], shifts=(int(shifts[i, 0]), int(shifts[i, 1])), dims=(1, 2))
    out = out + 0.1 * torch.from_numpy(rng.randn(*batch.shape)).float()
    erase = torch.from_numpy(rng.rand(n, 1, 8, 8) < 0.1)
    out = out.masked_fill(erase, 0.0)
    return out.clamp(0, 1)


class Encoder(nn.Module):
    def __init__(self, feat_dim=32, proj_dim=16):
        super().__init__()
        self.backbone = nn.Sequential(nn.Flatten(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, feat_dim), nn.ReLU())
        self.projector = nn.Sequential(nn.Linear(feat_dim, feat_dim), nn.ReLU(), nn.Linear(feat_dim, proj_dim))

    def forward(self, x):
        h = self.backbone(x)
        return h, self.projector(h)


def nt_xent(z1, z2, temperature=0.5):
    n = z1.shape[0]
    z = F.normalize(torch.cat([z1, z2], dim=0), dim=1)
    sim = z @ z.T / temperature
    mask = torch.eye(2 * n, dtype=torch.bool)
    sim = sim.masked_fill(mask, float("-inf"))
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, targets)


def nt_xent_logsumexp(z1, z2, temperature=0.5):
    z = F.normalize(torch.cat([z1, z2]), p=2, dim=-1)
    sim = torch.mm(z, z.t()) / temperature
    n2 = sim.size(0)
    sim = sim - 1e9 * torch.eye(n2)
    pos = torch.cat([torch.diag(sim, n2 // 2), torch.diag(sim, -n2 // 2)])
    return (-pos + torch.logsumexp(sim, dim=1)).mean()


model = fixed_(Encoder(), 0.8)
opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-6)
batch_size = 100
for epoch in range(3):
    total = 0.0
    for i in range(0, len(X_train), batch_size):
        xb = X_train[i:i + batch_size]
        _, z1 = model(augment(xb))
        _, z2 = model(augment(xb))
        loss = nt_xent(z1, z2)
        if i == 0:
            print(f"epoch {epoch} | two forms agree {torch.allclose(loss, nt_xent_logsumexp(z1, z2), atol=1e-5)}")
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    print(f"epoch {epoch} | nt-xent {total / (len(X_train) // batch_size):.5f}")

# frozen features -> linear probe
model.eval()
with torch.no_grad():
    f_train, _ = model(X_train)
    f_test, _ = model(X_test)
mean, std = f_train.mean(0, keepdim=True), f_train.std(0, keepdim=True) + 1e-6
f_train, f_test = (f_train - mean) / std, (f_test - mean) / std
probe = fixed_(nn.Linear(f_train.shape[1], 10), 0.5)
popt = torch.optim.SGD(probe.parameters(), lr=0.1, momentum=0.9)
loader = DataLoader(TensorDataset(f_train, y_train), batch_size=200, shuffle=False)
for epoch in range(20):
    for fb, yb in loader:
        popt.zero_grad()
        F.cross_entropy(probe(fb), yb).backward()
        popt.step()
with torch.no_grad():
    acc = (probe(f_test).argmax(1) == y_test).float().mean()
print(f"linear probe accuracy {acc.item():.4f}")

# k-NN on cosine and euclidean distances
with torch.no_grad():
    d = torch.cdist(f_test, f_train)
    knn = d.topk(5, dim=1, largest=False).indices
    votes = y_train[knn]
    pred = torch.mode(votes, dim=1).values
    print(f"knn (euclidean) accuracy {(pred == y_test).float().mean().item():.4f}")
    sims = F.normalize(f_test, dim=1) @ F.normalize(f_train, dim=1).T
    top_sim, top_idx = sims.topk(5, dim=1)
    weights = (top_sim / 0.1).exp()
    scores = torch.zeros(len(f_test), 10).scatter_add_(1, y_train[top_idx], weights)
    print(f"knn (weighted cosine) accuracy {(scores.argmax(1) == y_test).float().mean().item():.4f}")
    z_a = F.normalize(model(augment(X_test[:100]))[1], dim=1)
    z_b = F.normalize(model(augment(X_test[:100]))[1], dim=1)
    alignment = (z_a - z_b).norm(p=2, dim=1).pow(2).mean()
    uniformity = torch.pdist(z_a, p=2).pow(2).mul(-2).exp().mean().log()
    print(f"alignment {alignment.item():.5f} | uniformity {uniformity.item():.5f} "
          f"| mean cos to nearest {top_sim[:, 0].mean().item():.5f}")
