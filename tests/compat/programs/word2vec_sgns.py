"""Word2vec skip-gram with negative sampling as the blog posts write it, on the
bundled Shakespeare: a vocabulary from collections.Counter with subsampling of
frequent words, (center, context) pairs from a sliding window, negatives drawn
by torch.multinomial from the unigram distribution to the 3/4 power, two
nn.Embedding tables with sparse=True trained by optim.SparseAdam, the loss
from torch.bmm and F.logsigmoid, and nearest neighbours by cosine similarity
(F.normalize, topk). Seeded: every number agrees."""

import collections
import re

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import text

torch.manual_seed(0)
tokens = re.findall(r"[a-z]+", text(60_000).lower())
counts = collections.Counter(tokens)
vocab = [w for w, c in counts.most_common() if c >= 5]
stoi = {w: i for i, w in enumerate(vocab)}
ids = [stoi[w] for w in tokens if w in stoi]
freqs = torch.tensor([counts[w] for w in vocab], dtype=torch.float64)
print("tokens", len(tokens), "vocab", len(vocab), "kept", len(ids), "top", vocab[:5])

# subsampling (Mikolov et al.): drop frequent words with probability 1 - sqrt(t / f)
f = freqs / freqs.sum()
p_drop = (1 - torch.sqrt(1e-3 / f)).clamp(min=0)
keep = torch.rand(len(ids)) >= p_drop[torch.tensor(ids)].float()
ids = torch.tensor(ids)[keep]
print("after subsampling", ids.numel())

window = 2
centers, contexts = [], []
for offset in range(-window, window + 1):
    if offset == 0:
        continue
    lo, hi = max(0, -offset), min(len(ids), len(ids) - offset)
    centers.append(ids[lo:hi])
    contexts.append(ids[lo + offset:hi + offset])
centers, contexts = torch.cat(centers), torch.cat(contexts)
print("pairs", centers.numel())

noise = freqs.pow(0.75)
noise = noise / noise.sum()


class SkipGram(nn.Module):
    def __init__(self, n, d):
        super().__init__()
        self.in_embed = nn.Embedding(n, d, sparse=True)
        self.out_embed = nn.Embedding(n, d, sparse=True)
        self.in_embed.weight.data.uniform_(-0.5 / d, 0.5 / d)
        self.out_embed.weight.data.zero_()

    def forward(self, center, context, negatives):
        v = self.in_embed(center).unsqueeze(2)                  # (B, d, 1)
        u = self.out_embed(context).unsqueeze(1)                # (B, 1, d)
        u_neg = self.out_embed(negatives)                       # (B, K, d)
        pos = F.logsigmoid(torch.bmm(u, v).squeeze())
        neg = F.logsigmoid(-torch.bmm(u_neg, v).squeeze(2)).sum(1)
        return -(pos + neg).mean()


model = SkipGram(len(vocab), 24)
opt = torch.optim.SparseAdam(model.parameters(), lr=0.01)
batch, K = 256, 5
perm = torch.randperm(centers.numel())
for step in range(60):
    idx = perm[(step * batch) % perm.numel():][:batch]
    negatives = torch.multinomial(noise, idx.numel() * K, replacement=True).view(idx.numel(), K)
    loss = model(centers[idx], contexts[idx], negatives)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 15 == 0 or step == 59:
        print(f"step {step:2d} | loss {loss.item():.5f}")

emb = F.normalize(model.in_embed.weight.detach(), dim=1)
for word in ["king", "love", "lord"]:
    if word in stoi:
        sims = emb @ emb[stoi[word]]
        best = sims.topk(4).indices.tolist()[1:]
        print(word, "->", [vocab[i] for i in best], round(sims[best[0]].item(), 5))
print("embedding norm", round(model.in_embed.weight.norm().item(), 5), "out norm",
      round(model.out_embed.weight.norm().item(), 5))
