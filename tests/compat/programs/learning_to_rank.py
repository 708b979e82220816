"""Learning to rank as the RankNet/LambdaRank/ListNet papers and the
allRank-style repos write it in torch: synthetic queries with graded
relevance (padded to a fixed list length with a mask), a scoring MLP, the
pairwise RankNet loss over all pairs by broadcasting (sign of label
differences, BCE-with-logits on score differences, masked by triu and
padding), ListNet's top-one cross entropy, ListMLE by a reversed
logcumsumexp, LambdaRank's |ΔNDCG| weights from sorted positions (argsort of
argsort), NDCG@k and MRR by sort/gather, ApproxNDCG's soft ranks by a
sigmoid of score differences, and a comparison of all four losses after the
same number of Adam steps. Seeded; every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

n_q, L, d = 40, 12, 8
w_true = torch.randn(d)
feats = torch.randn(n_q, L, d)
lengths = torch.randint(6, L + 1, (n_q,))
mask = torch.arange(L)[None, :] < lengths[:, None]
raw = feats @ w_true + 0.5 * torch.randn(n_q, L)
labels = torch.bucketize(raw, torch.tensor([-1.0, 0.5, 1.5, 2.5])).float()
labels = labels.masked_fill(~mask, -1)
print("lengths", lengths[:10].tolist(), "relevance counts", torch.bincount(labels[mask].long()).tolist())
tr, te = slice(0, 30), slice(30, 40)


def dcg(gains_sorted, k):
    disc = 1.0 / torch.log2(torch.arange(gains_sorted.size(-1), dtype=torch.float32) + 2)
    return ((2 ** gains_sorted - 1) * disc)[..., :k].sum(-1)


def ndcg_at_k(scores, labels, mask, k=5):
    s = scores.masked_fill(~mask, float("-inf"))
    order = s.argsort(dim=1, descending=True, stable=True)
    g = labels.clamp_min(0).gather(1, order)
    ideal = labels.clamp_min(0).sort(dim=1, descending=True).values
    idcg = dcg(ideal, k)
    return torch.where(idcg > 0, dcg(g, k) / idcg.clamp_min(1e-10), torch.zeros_like(idcg))


def mrr(scores, labels, mask, thresh=3):
    s = scores.masked_fill(~mask, float("-inf"))
    order = s.argsort(dim=1, descending=True, stable=True)
    rel = labels.gather(1, order) >= thresh
    first = torch.where(rel.any(1), rel.float().argmax(1) + 1, torch.zeros(len(rel), dtype=torch.long))
    return torch.where(first > 0, 1.0 / first.clamp_min(1).float(), torch.zeros(len(first)))


def ranknet_loss(s, y, m):
    sd = s[:, :, None] - s[:, None, :]
    yd = y[:, :, None] - y[:, None, :]
    pm = m[:, :, None] & m[:, None, :] & (yd != 0)
    target = (yd > 0).float()
    l = F.binary_cross_entropy_with_logits(sd, target, reduction="none")
    return l[pm].mean()


def listnet_loss(s, y, m):
    s = s.masked_fill(~m, float("-inf"))
    t = y.masked_fill(~m, float("-inf"))
    return -(torch.softmax(t, 1) * torch.log_softmax(s, 1).masked_fill(~m, 0)).sum(1).mean()


def listmle_loss(s, y, m):
    yr = y + torch.rand_like(y) * 1e-3  # random tie-break, as allRank
    yr = yr.masked_fill(~m, float("-inf"))
    order = yr.argsort(dim=1, descending=True)
    ss = s.gather(1, order)
    ms = m.gather(1, order)
    ss = ss.masked_fill(~ms, float("-inf"))
    lce = torch.logcumsumexp(ss.flip(1), dim=1).flip(1)
    return (lce - ss).masked_fill(~ms, 0).sum(1).mean()


def lambdarank_loss(s, y, m, k=None):
    sm = s.masked_fill(~m, float("-inf"))
    ranks = sm.argsort(dim=1, descending=True, stable=True).argsort(1) + 1
    gain = (2 ** y.clamp_min(0) - 1)
    disc = 1.0 / torch.log2(ranks.float() + 1)
    ideal = dcg(y.clamp_min(0).sort(1, descending=True).values, L).clamp_min(1e-10)
    dndcg = ((gain[:, :, None] - gain[:, None, :]) * (disc[:, :, None] - disc[:, None, :])).abs() / ideal[:, None, None]
    sd = s[:, :, None] - s[:, None, :]
    yd = y[:, :, None] - y[:, None, :]
    pm = m[:, :, None] & m[:, None, :] & (yd > 0)
    l = -F.logsigmoid(sd) * dndcg.detach()
    return l[pm].sum() / m.sum()


def approx_ndcg_loss(s, y, m, alpha=10.0):
    sd = s[:, None, :] - s[:, :, None]
    pm = (m[:, :, None] & m[:, None, :]).float()
    approx_rank = 1 + (torch.sigmoid(alpha * sd) * pm).sum(-1) - 0.5
    g = (2 ** y.clamp_min(0) - 1) * m
    adcg = (g / torch.log2(1 + approx_rank)).sum(1)
    idcg = dcg(y.clamp_min(0).sort(1, descending=True).values, L).clamp_min(1e-10)
    return -(adcg / idcg).mean()


def make_model():
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(d, 16), nn.ReLU(), nn.Linear(16, 1))


with torch.no_grad():
    m0 = make_model()
    s0 = m0(feats).squeeze(-1)
print("untrained ndcg@5", round(ndcg_at_k(s0[te], labels[te], mask[te]).mean().item(), 6),
      "mrr", round(mrr(s0[te], labels[te], mask[te]).mean().item(), 6))
print("oracle ndcg@5", round(ndcg_at_k(raw[te], labels[te], mask[te]).mean().item(), 6))
for name, fn in [("ranknet", ranknet_loss), ("listnet", listnet_loss), ("listmle", listmle_loss),
                 ("lambdarank", lambdarank_loss), ("approxndcg", approx_ndcg_loss)]:
    model = make_model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    torch.manual_seed(2)
    for step in range(60):
        s = model(feats[tr]).squeeze(-1)
        loss = fn(s, labels[tr], mask[tr])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step in (0, 59):
            print(f"{name:10s} step {step:2d} | loss {loss.item():.6f}")
    with torch.no_grad():
        s = model(feats).squeeze(-1)
    nd = ndcg_at_k(s[te], labels[te], mask[te])
    print(f"{name:10s} test ndcg@5 {nd.mean().item():.6f} ndcg@3 {ndcg_at_k(s[te], labels[te], mask[te], 3).mean().item():.6f}"
          f" mrr {mrr(s[te], labels[te], mask[te]).mean().item():.6f}")
    print(f"{name:10s} per-query ndcg@5 {[round(v, 4) for v in nd[:5].tolist()]}")
