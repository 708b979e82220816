"""Contrastive predictive coding (van den Oord et al.) on 1-D signals, as the CPC tutorials write it: a
strided Conv1d encoder, a GRU autoregressive context, per-step linear predictors W_k, the InfoNCE loss as
cross_entropy over a batch-by-batch score matrix (positives on the diagonal), prediction accuracy per
step, the InfoNCE mutual-information lower bound log(N) - L, and a linear probe on frozen features."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


def make_signals(n, length, gen):
    freq = torch.randint(1, 5, (n, 1), generator=gen).float()
    phase = torch.rand(n, 1, generator=gen) * 2 * math.pi
    t = torch.arange(length).float() / 16
    x = torch.sin(freq * t + phase) + 0.3 * torch.randn(n, length, generator=gen)
    return x.unsqueeze(1), (freq.squeeze(1) - 1).long()


class CPC(nn.Module):
    def __init__(self, z_dim=32, c_dim=32, K=3):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv1d(1, z_dim, 8, stride=4, padding=2, bias=False), nn.BatchNorm1d(z_dim), nn.ReLU(),
            nn.Conv1d(z_dim, z_dim, 4, stride=2, padding=1, bias=False), nn.BatchNorm1d(z_dim), nn.ReLU())
        self.gru = nn.GRU(z_dim, c_dim, batch_first=True)
        self.Wk = nn.ModuleList(nn.Linear(c_dim, z_dim) for _ in range(K))
        self.K = K

    def forward(self, x, t_samples):
        z = self.encoder(x).transpose(1, 2)  # B, T, z
        B, T, _ = z.shape
        c, _ = self.gru(z[:, : t_samples + 1])
        c_t = c[:, t_samples]
        nce, accs = 0.0, []
        for k in range(1, self.K + 1):
            target = z[:, t_samples + k]
            pred = self.Wk[k - 1](c_t)
            scores = pred @ target.t()
            labels = torch.arange(B)
            nce = nce + F.cross_entropy(scores, labels)
            accs.append((scores.argmax(1) == labels).float().mean().item())
        return nce / self.K, accs

    def features(self, x):
        z = self.encoder(x).transpose(1, 2)
        c, h = self.gru(z)
        return h[-1]


gen = torch.Generator().manual_seed(1)
X, y = make_signals(512, 128, gen)
model = CPC()
z = model.encoder(X[:4])
print("encoded", tuple(z.shape), "gru", model.gru)
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
step_gen = torch.Generator().manual_seed(2)
for epoch in range(5):
    model.train()
    perm = torch.randperm(len(X))
    tot, acc_tot = 0.0, torch.zeros(3)
    for idx in perm.split(64):
        t_samples = int(torch.randint(4, 16 - 3, (1,), generator=step_gen))
        loss, accs = model(X[idx], t_samples)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item()
        acc_tot += torch.tensor(accs)
    n = len(X) // 64
    print(f"epoch {epoch} infonce {tot / n:.4f} MI bound {math.log(64) - tot / n:.4f} acc/step {[round(a, 3) for a in (acc_tot / n).tolist()]}")

model.eval()
with torch.no_grad():
    feats = model.features(X)
print("features", tuple(feats.shape), f"std {feats.std().item():.4f}")
probe = nn.Linear(32, 4)
popt = torch.optim.LBFGS(probe.parameters(), lr=0.5, max_iter=50, history_size=10, line_search_fn="strong_wolfe")
tr, te = torch.arange(400), torch.arange(400, 512)


def closure():
    popt.zero_grad()
    l = F.cross_entropy(probe(feats[tr]), y[tr]) + 1e-3 * probe.weight.pow(2).sum()
    l.backward()
    return l


final = popt.step(closure)
with torch.no_grad():
    acc = (probe(feats[te]).argmax(1) == y[te]).float().mean()
print(f"linear probe loss {final.item():.4f} test acc {acc.item():.4f}", "lbfgs state n_iter", popt.state[probe.weight]["n_iter"] if probe.weight in popt.state else popt.state_dict()["state"][0]["n_iter"])
