"""Comparing checkpoints as tensors: how far each layer moved from its initialisation (relative change,
cosine similarity of the flattened weights), histograms and quantiles of the weight values, the
weight-norm ranking of layers, linear interpolation between two trained state_dicts by torch.lerp
(evaluated along the path), and a tied-weight model whose state_dict keeps both names (one memory, after torch.load too)."""

import copy
import io

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(8)
X = torch.randn(128, 10)
y = (X[:, :3].sum(1) > 0).long() + (X[:, 3] > 1).long()


def make(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 3))


def fit(model, steps=40):
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    for _ in range(steps):
        loss = F.cross_entropy(model(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item()


a = make(0)
init = copy.deepcopy(a.state_dict())
print(f"fit a {fit(a):.5f}")
b = make(0)
b.load_state_dict(init)
torch.manual_seed(9)
perm = torch.randperm(128)
X, y = X[perm], y[perm]
print(f"fit b {fit(b, 60):.5f}")

sa, sb = a.state_dict(), b.state_dict()
for k in sa:
    v0, v1 = init[k].flatten(), sa[k].flatten()
    rel = (v1 - v0).norm() / v0.norm()
    cos = F.cosine_similarity(v0, v1, dim=0)
    cos_ab = F.cosine_similarity(sa[k].flatten().unsqueeze(0), sb[k].flatten().unsqueeze(0)).item()
    print(f"{k:9s} rel change {rel.item():.5f} cos(init) {cos.item():.5f} cos(a,b) {cos_ab:.5f}")

w = torch.cat([v.flatten() for k, v in sa.items() if k.endswith("weight")])
hist = torch.histc(w, bins=8, min=-0.8, max=0.8)
print("hist", hist.long().tolist(), "outside", int(((w < -0.8) | (w > 0.8)).sum()))
q = torch.quantile(w, torch.tensor([0.01, 0.25, 0.5, 0.75, 0.99]))
print("quantiles", [round(v, 5) for v in q.tolist()])
edges = torch.linspace(-0.8, 0.8, 9)
print("bucketize counts", torch.bincount(torch.bucketize(w.clamp(-0.8, 0.7999), edges, right=True) - 1, minlength=8).tolist())
norms = {k: v.norm().item() for k, v in sa.items()}
ranked = sorted(norms, key=norms.get, reverse=True)
print("by norm", [(k, round(norms[k], 4)) for k in ranked[:3]])
print("frobenius vs spectral", [(k, round(torch.linalg.matrix_norm(sa[k], ord=2).item(), 4)) for k in sa if sa[k].dim() == 2])

with torch.no_grad():
    h = F.relu(a[0](X))
    dead = (h == 0).all(dim=0)
    print("dead units layer0", int(dead.sum()), "mean active frac", round((h > 0).float().mean().item(), 5))

probe = make(1)
for t in torch.linspace(0, 1, 6).tolist():
    mixed = {k: torch.lerp(sa[k], sb[k], t) for k in sa}
    probe.load_state_dict(mixed)
    with torch.no_grad():
        out = probe(X)
        print(f"t {t:.1f} loss {F.cross_entropy(out, y).item():.5f} acc {(out.argmax(1) == y).float().mean().item():.4f}")


class Tied(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(7, 4)
        self.out = nn.Linear(4, 7, bias=False)
        self.out.weight = self.emb.weight


tied = Tied()
sd = tied.state_dict()
print("tied keys", list(sd), "same tensor memory", sd["emb.weight"].data_ptr() == sd["out.weight"].data_ptr())
print("parameters counted once", sum(p.numel() for p in tied.parameters()),
      "named with duplicates", [n for n, _ in tied.named_parameters(remove_duplicate=False)])
sd2 = {k: v.clone() for k, v in sd.items()}
sd2["out.weight"].fill_(0.5)
tied.load_state_dict(sd2)
print("after load both", tied.emb.weight[0].tolist(), tied.out.weight is tied.emb.weight)
buf = io.BytesIO()
torch.save(tied.state_dict(), buf)
buf.seek(0)
back = torch.load(buf)
print("reloaded", type(back).__name__, list(back), "still one memory", back["emb.weight"].data_ptr() == back["out.weight"].data_ptr())
