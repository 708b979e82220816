"""A matrix-factorization recommender as RecSys tutorials write it: synthetic implicit/explicit ratings,
user/item biases, index batches drawn by hand, EmbeddingBag over each user's item history (offsets,
per_sample_weights, padding_idx), max_norm embeddings, a BPR loss with negatives sampled by
torch.multinomial, bincount/unique statistics, and top-k recall with masked seen items."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
U, I, K = 40, 30, 6
g = torch.Generator().manual_seed(11)
true_u, true_i = torch.randn(U, 3, generator=g), torch.randn(I, 3, generator=g)
score = true_u @ true_i.T
mask = torch.rand(U, I, generator=g) < 0.3
users, items = mask.nonzero(as_tuple=True)
ratings = (score[users, items] + 3).clamp(1, 5).round()
print("observed", users.numel(), "density", round(mask.float().mean().item(), 4))
print("ratings hist", torch.bincount(ratings.long(), minlength=6).tolist())
uniq, counts = torch.unique(users, return_counts=True)
print("users with ratings", uniq.numel(), "max per user", counts.max().item(), "argmax", counts.argmax().item())
pop = torch.bincount(items, minlength=I)
print("top items", pop.topk(3).indices.tolist(), pop.topk(3).values.tolist())


class MF(nn.Module):
    def __init__(self):
        super().__init__()
        self.P = nn.Embedding(U, K, max_norm=2.0)
        self.Q = nn.Embedding(I, K)
        self.bu, self.bi = nn.Embedding(U, 1), nn.Embedding(I, 1)
        self.mu = nn.Parameter(torch.tensor(ratings.mean().item()))
        for e in (self.P, self.Q):
            nn.init.normal_(e.weight, std=0.1)
        nn.init.zeros_(self.bu.weight)
        nn.init.zeros_(self.bi.weight)

    def forward(self, u, i):
        return (self.P(u) * self.Q(i)).sum(-1) + self.bu(u).squeeze(-1) + self.bi(i).squeeze(-1) + self.mu


mf = MF()
opt = torch.optim.Adam(mf.parameters(), lr=0.05, eps=1e-6)
n = users.numel()
for epoch in range(8):
    perm = torch.randperm(n)
    tot = 0.0
    for s in range(0, n, 64):
        b = perm[s:s + 64]
        pred = mf(users[b], items[b])
        loss = F.mse_loss(pred, ratings[b]) + 1e-3 * (mf.P(users[b]).pow(2).sum() + mf.Q(items[b]).pow(2).sum()) / len(b)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item() * len(b)
    print(f"epoch {epoch} mse {tot / n:.4f} max user norm {mf.P.weight.norm(dim=1).max().item():.4f}")

with torch.no_grad():
    rmse = F.mse_loss(mf(users, items), ratings).sqrt().item()
    print(f"train rmse {rmse:.4f} mu {mf.mu.item():.4f}")

hist_users = users[:60]
hist_items = items[:60]
offsets = torch.cat([torch.zeros(1, dtype=torch.long), torch.bincount(hist_users, minlength=U).cumsum(0)[:-1]])
print("offsets", offsets[:8].tolist())
for mode in ("sum", "mean", "max"):
    bag = nn.EmbeddingBag(I, 4, mode=mode)
    with torch.no_grad():
        bag.weight.copy_(torch.linspace(-1, 1, I * 4).view(I, 4))
    out = bag(hist_items, offsets)
    print(mode, tuple(out.shape), [round(v, 4) for v in out[:3].flatten().tolist()])
bag = nn.EmbeddingBag(I, 4, mode="sum", padding_idx=0)
with torch.no_grad():
    bag.weight.copy_(torch.linspace(-1, 1, I * 4).view(I, 4))
w = ratings[:60] / 5
out = bag(hist_items, offsets, per_sample_weights=w)
out.sum().backward()
print("weighted", [round(v, 4) for v in out[0].tolist()], "pad row grad", bag.weight.grad[0].tolist())
bag2d = F.embedding_bag(torch.tensor([[1, 2], [3, 4]]), bag.weight.detach(), mode="mean")
print("2d input", [round(v, 4) for v in bag2d.flatten().tolist()])

seen = torch.zeros(U, I, dtype=torch.bool)
seen[users, items] = True
neg_w = (~seen).float()
bpr_p = nn.Embedding(U, K)
bpr_q = nn.Embedding(I, K)
opt = torch.optim.SGD(list(bpr_p.parameters()) + list(bpr_q.parameters()), lr=0.5)
pos_u, pos_i = users[ratings >= 4], items[ratings >= 4]
print("positives", pos_u.numel())
for step in range(30):
    b = torch.randint(0, pos_u.numel(), (64,))
    u, ip = pos_u[b], pos_i[b]
    ineg = torch.multinomial(neg_w[u], 1).squeeze(1)
    x = (bpr_p(u) * (bpr_q(ip) - bpr_q(ineg))).sum(1)
    loss = -F.logsigmoid(x).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 9:
        print(f"bpr step {step} loss {loss.item():.4f}")

with torch.no_grad():
    scores = bpr_p.weight @ bpr_q.weight.T
    scores.masked_fill_(seen & (torch.rand(U, I) < 0.5), float("-inf"))
    top = scores.topk(5, dim=1).indices
    rel = torch.zeros(U, I, dtype=torch.bool)
    rel[pos_u, pos_i] = True
    hits = rel.gather(1, top).sum(1).float()
    recall = (hits / rel.sum(1).clamp(min=1)).mean()
    print("recall@5", round(recall.item(), 4), "top0", top[0].tolist(), torch.isinf(scores).sum().item())
