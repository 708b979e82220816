"""Contrastive and metric-learning losses as papers' reference code writes them: InfoNCE with a
temperature, NT-Xent (SimCLR) with the diagonal masked to -inf, supervised contrastive (SupCon) with
a positive mask and logsumexp, batch-hard triplet mining, TripletMarginWithDistanceLoss with a cosine
distance, CosineEmbeddingLoss, MarginRankingLoss, an ArcFace additive angular margin, a prototype
(ProtoNet) loss from cdist; and a few steps training an embedding net on them."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_printoptions(precision=5)

N, D = 8, 6
z1 = F.normalize(torch.randn(N, D), dim=1).requires_grad_()
z2 = F.normalize(torch.randn(N, D), dim=1).requires_grad_()
labels = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1])


def info_nce(q, k, tau=0.1):
    logits = q @ k.t() / tau
    return F.cross_entropy(logits, torch.arange(q.size(0)))


def nt_xent(a, b, tau=0.5):
    z = torch.cat([a, b], 0)
    sim = F.cosine_similarity(z[:, None], z[None, :], dim=-1) / tau
    sim = sim.masked_fill(torch.eye(2 * a.size(0), dtype=torch.bool), float("-inf"))
    n = a.size(0)
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(n)])
    return F.cross_entropy(sim, targets)


def supcon(feats, labels, tau=0.2):
    sim = feats @ feats.t() / tau
    self_mask = torch.eye(len(labels), dtype=torch.bool)
    pos = (labels[:, None] == labels[None, :]) & ~self_mask
    sim = sim.masked_fill(self_mask, float("-inf"))
    log_prob = sim - torch.logsumexp(sim, dim=1, keepdim=True)
    mean_log_pos = log_prob.masked_fill(~pos, 0).sum(1) / pos.sum(1).clamp(min=1)
    return -mean_log_pos.mean()


def batch_hard_triplet(emb, labels, margin=0.3):
    d = torch.cdist(emb, emb)
    same = labels[:, None] == labels[None, :]
    hardest_pos = (d * same).max(1).values
    hardest_neg = d.masked_fill(same, float("inf")).min(1).values
    return F.relu(hardest_pos - hardest_neg + margin).mean(), hardest_pos, hardest_neg


for name, fn in [("info_nce", lambda: info_nce(z1, z2)), ("nt_xent", lambda: nt_xent(z1, z2)),
                 ("supcon", lambda: supcon(z1, labels))]:
    z1.grad = z2.grad = None
    loss = fn()
    loss.backward()
    g2 = z2.grad.norm().item() if z2.grad is not None else 0.0
    print(f"{name} {loss.item():.6f} grad norms {z1.grad.norm().item():.6f} {g2:.6f}")

loss, hp, hn = batch_hard_triplet(z1, labels)
print("batch hard", f"{loss.item():.6f}", hp, hn)
cos_dist = lambda a, b: 1 - F.cosine_similarity(a, b)
tml = nn.TripletMarginWithDistanceLoss(distance_function=cos_dist, margin=0.5, swap=True)
print("triplet cosine", tml(z1[:4], z1[4:8], z2[:4]))
print("triplet l2", F.triplet_margin_loss(z1[:4], z1[4:8], z2[:4], margin=1.0, p=2, swap=False, reduction="none"))
tgt = torch.tensor([1, -1, 1, -1, 1, -1, 1, -1])
print("cosine embedding", F.cosine_embedding_loss(z1, z2, tgt, margin=0.1, reduction="none"))
s1, s2 = (z1 * z2).sum(1), (z1 * z2.roll(1, 0)).sum(1)
print("margin ranking", F.margin_ranking_loss(s1, s2, torch.ones(N), margin=0.2))


class ArcMargin(nn.Module):
    def __init__(self, d, classes, s=16.0, m=0.3):
        super().__init__()
        self.W = nn.Parameter(torch.randn(classes, d))
        self.s, self.m = s, m

    def forward(self, x, y):
        cos = F.linear(F.normalize(x), F.normalize(self.W)).clamp(-1 + 1e-7, 1 - 1e-7)
        theta = torch.acos(cos)
        target = torch.cos(theta + self.m)
        onehot = F.one_hot(y, cos.size(1)).bool()
        logits = torch.where(onehot, target, cos) * self.s
        return F.cross_entropy(logits, y), logits


arc = ArcMargin(D, 3)
arc_loss, arc_logits = arc(z1, labels)
print("arcface", f"{arc_loss.item():.6f}", arc_logits[0])

# prototypical network loss from a support set
support, query = z1.detach(), z2.detach()
protos = torch.stack([support[labels == c].mean(0) for c in range(3)])
logits = -torch.cdist(query, protos).pow(2)
print("protonet", f"{F.cross_entropy(logits, labels).item():.6f}", "acc", (logits.argmax(1) == labels).float().mean().item())

# train a small embedding net with SupCon + batch-hard triplet
torch.manual_seed(1)
net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 8))
centers = torch.randn(3, 4) * 2
y = torch.arange(3).repeat_interleave(10)
x = centers[y] + 0.5 * torch.randn(30, 4)
opt = torch.optim.Adam(net.parameters(), lr=0.01)
for step in range(8):
    emb = F.normalize(net(x), dim=1)
    l_sup = supcon(emb, y)
    l_tri, _, _ = batch_hard_triplet(emb, y)
    loss = l_sup + l_tri
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"step {step} supcon {l_sup.item():.5f} triplet {l_tri.item():.5f}")
with torch.no_grad():
    emb = F.normalize(net(x), dim=1)
    d = torch.cdist(emb, emb).fill_diagonal_(float("inf"))
    nn_acc = (y[d.argmin(1)] == y).float().mean().item()
print("1-nn accuracy", nn_acc)
