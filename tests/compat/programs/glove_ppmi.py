"""Count-based and GloVe word vectors, as the CS224n assignments and "GloVe
in PyTorch" posts write them: a vocabulary from the bundled text by
collections.Counter with a min count, a windowed co-occurrence matrix with
1/distance weighting accumulated by index_put_(accumulate=True), PPMI with
context-distribution smoothing (counts ** 0.75), truncated SVD embeddings
(U * S ** 0.5; only sign-invariant quantities printed), GloVe's weighted
least squares with f(x) = min(1, (x / x_max) ** 0.75) over the nonzero
entries (nonzero, gather of two embedding tables and biases), Adagrad as the
paper, the summed W + W~ vectors, nearest neighbours by cosine (topk on a
normalised matrix), an analogy by vector arithmetic, and the Spearman
correlation of the two embeddings' similarity scores (ranks by
argsort().argsort()). Seeded; every number agrees."""

import re
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import text

torch.manual_seed(0)
torch.set_num_threads(1)

tokens = re.findall(r"[a-z]+", text(60000).lower())
counts = Counter(tokens)
vocab = [w for w, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if c >= 5]
stoi = {w: i for i, w in enumerate(vocab)}
V = len(vocab)
ids = torch.tensor([stoi.get(w, -1) for w in tokens])
print("tokens", len(tokens), "vocab", V, "top", vocab[:8])

window = 4
X = torch.zeros(V, V)
for d in range(1, window + 1):
    a, b = ids[:-d], ids[d:]
    keep = (a >= 0) & (b >= 0)
    a, b = a[keep], b[keep]
    w = torch.full((len(a),), 1.0 / d)
    X.index_put_((a, b), w, accumulate=True)
    X.index_put_((b, a), w, accumulate=True)
print("cooc nonzero", int((X > 0).sum()), "total weight", round(X.double().sum().item(), 4), "max", round(X.max().item(), 4),
      "symmetric", bool(torch.equal(X, X.T)))

# PPMI with smoothed context distribution
row = X.sum(1, keepdim=True)
col = X.sum(0, keepdim=True) ** 0.75
pmi = torch.log(X * col.sum() / (row * col).clamp_min(1e-12) + 1e-12)
ppmi = torch.where(X > 0, pmi.clamp_min(0), torch.zeros_like(pmi))
print("ppmi mean", round(ppmi.mean().item(), 6), "max", round(ppmi.max().item(), 5))
U, S, Vh = torch.linalg.svd(ppmi)
E_svd = U[:, :24] * S[:24].sqrt()
print("singular values", [round(v, 4) for v in S[:6].tolist()], "energy kept", round((S[:24] ** 2).sum().item() / (S ** 2).sum().item(), 6))


def neighbours(E, word, k=5):
    En = F.normalize(E, dim=1)
    sims = En @ En[stoi[word]]
    sims[stoi[word]] = -2
    top = sims.topk(k)
    return [(vocab[i], round(s, 4)) for s, i in zip(top.values.tolist(), top.indices.tolist())]


# GloVe
nz = X.nonzero()
i_idx, j_idx = nz[:, 0], nz[:, 1]
x_ij = X[i_idx, j_idx]
weight = (x_ij / 20.0).pow(0.75).clamp(max=1.0)
log_x = torch.log(x_ij)
dim = 24
Wm, Wc = nn.Embedding(V, dim), nn.Embedding(V, dim)
bm, bc = nn.Embedding(V, 1), nn.Embedding(V, 1)
for e in (Wm, Wc):
    nn.init.uniform_(e.weight, -0.5 / dim, 0.5 / dim)
for e in (bm, bc):
    nn.init.zeros_(e.weight)
params = [Wm.weight, Wc.weight, bm.weight, bc.weight]
opt = torch.optim.Adagrad(params, lr=0.05, initial_accumulator_value=1.0)
g = torch.Generator().manual_seed(1)
for epoch in range(15):
    perm = torch.randperm(len(x_ij), generator=g)
    total = 0.0
    for batch in perm.split(512):
        i, j = i_idx[batch], j_idx[batch]
        pred = (Wm(i) * Wc(j)).sum(1) + bm(i).squeeze(1) + bc(j).squeeze(1)
        loss = (weight[batch] * (pred - log_x[batch]) ** 2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    if epoch % 5 == 0 or epoch == 14:
        print(f"glove epoch {epoch:2d} | loss {total / len(x_ij):.6f}")
E_glove = (Wm.weight + Wc.weight).detach()
for w in ["king", "good", "my"]:
    if w in stoi:
        print(f"{w}: svd {neighbours(E_svd, w)}")
        print(f"{w}: glove {neighbours(E_glove, w)}")


def analogy(E, a, b, c, k=3):
    En = F.normalize(E, dim=1)
    q = En[stoi[b]] - En[stoi[a]] + En[stoi[c]]
    sims = En @ F.normalize(q, dim=0)
    for w in (a, b, c):
        sims[stoi[w]] = -2
    return [vocab[i] for i in sims.topk(k).indices.tolist()]


print("analogy his:him :: her:?", analogy(E_glove, "his", "him", "her"), analogy(E_svd, "his", "him", "her"))

# how alike are the two embeddings' similarity structures?
pairs = torch.combinations(torch.arange(60), 2)
def pair_sims(E):
    En = F.normalize(E[:60], dim=1)
    return (En[pairs[:, 0]] * En[pairs[:, 1]]).sum(1)
s1, s2 = pair_sims(E_svd), pair_sims(E_glove)
r1, r2 = s1.argsort().argsort().double(), s2.argsort().argsort().double()
spearman = torch.corrcoef(torch.stack([r1, r2]))[0, 1]
print("pairs", len(pairs), "spearman(svd, glove)", round(spearman.item(), 6), "pearson", round(torch.corrcoef(torch.stack([s1, s2]))[0, 1].item(), 6))
