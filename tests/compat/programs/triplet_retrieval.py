"""Metric learning for retrieval: an embedding MLP with F.normalize output, batch-hard triplet
mining from torch.cdist with masks (fill_diagonal_, eye, masked_fill), nn.TripletMarginLoss and
nn.TripletMarginWithDistanceLoss with a cosine distance, an NT-Xent (SimCLR) loss from a
similarity matrix, and recall@k / mAP evaluation with topk and argsort."""

import itertools

import torch
import torch.nn.functional as F
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(5)

C, per, D = 6, 10, 12
centers = torch.randn(C, D) * 2
labels = torch.arange(C).repeat_interleave(per)
X = centers[labels] + torch.randn(C * per, D)
print(X.shape, labels[:12])


class Embedder(nn.Module):
    def __init__(self, d_in, d_out=8):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d_in, 32, bias=False), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, d_out))

    def forward(self, x):
        return F.normalize(self.net(x), p=2, dim=1)


def batch_hard_triplet(emb, y, margin=0.3):
    dist = torch.cdist(emb, emb, p=2)
    same = y.unsqueeze(0) == y.unsqueeze(1)
    pos = dist.masked_fill(~same, float("-inf"))
    pos.fill_diagonal_(float("-inf"))
    hardest_pos = pos.max(dim=1).values
    hardest_neg = dist.masked_fill(same, float("inf")).min(dim=1).values
    return F.relu(hardest_pos - hardest_neg + margin).mean(), (hardest_pos > hardest_neg).sum()


def nt_xent(z1, z2, tau=0.5):
    z = torch.cat([z1, z2], dim=0)
    sim = z @ z.T / tau
    n = z1.size(0)
    sim = sim.masked_fill(torch.eye(2 * n, dtype=torch.bool), -1e9)
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, targets)


model = Embedder(D)
opt = torch.optim.Adam(model.parameters(), lr=5e-3)
trip = nn.TripletMarginLoss(margin=0.2, p=2, swap=True)
cos_trip = nn.TripletMarginWithDistanceLoss(distance_function=lambda a, b: 1.0 - F.cosine_similarity(a, b), margin=0.1)
print(trip, cos_trip.margin, cos_trip.swap)
for epoch in range(6):
    model.train()
    perm = torch.randperm(len(X))
    logs = []
    for idx in perm.split(20):
        emb = model(X[idx])
        l_hard, n_viol = batch_hard_triplet(emb, labels[idx])
        a, p, ng = emb[0::3], emb[1::3], emb[2::3]
        k = min(len(a), len(p), len(ng))
        l_trip = trip(a[:k], p[:k], ng[:k]) + cos_trip(a[:k], p[:k], ng[:k])
        z2 = model(X[idx] + 0.1 * torch.randn(len(idx), D))
        l_nt = nt_xent(emb, z2)
        loss = l_hard + 0.1 * l_trip + 0.5 * l_nt
        opt.zero_grad()
        loss.backward()
        opt.step()
        logs.append([l_hard.item(), l_nt.item(), n_viol.item()])
    m = torch.tensor(logs).mean(0)
    print(f"epoch {epoch} hard {m[0]:.4f} ntxent {m[1]:.4f} violations {m[2]:.2f}")

model.eval()
with torch.no_grad():
    E = model(X)
    print("norms", E.norm(dim=1)[:4].round(decimals=4), E.norm(dim=1).sub(1).abs().max() < 1e-5)
    D2 = torch.cdist(E, E)
    D2.fill_diagonal_(float("inf"))
    for k in (1, 5):
        nn_idx = D2.topk(k, largest=False).indices
        hit = (labels[nn_idx] == labels[:, None]).any(1).float().mean()
        print(f"recall@{k} {hit:.4f}")
    order = D2.argsort(dim=1)[:, :-1]
    rel = (labels[order] == labels[:, None]).float()
    prec_at = rel.cumsum(1) / torch.arange(1, rel.size(1) + 1)
    ap = (prec_at * rel).sum(1) / rel.sum(1)
    print(f"mAP {ap.mean():.4f}", ap[:3])
    cent = torch.stack([E[labels == c].mean(0) for c in range(C)])
    cent = F.normalize(cent, dim=-1)
    pred = (E @ cent.T).argmax(1)
    print("centroid acc", (pred == labels).float().mean().item())
    print("pdist", F.pdist(cent).shape, F.pdist(cent)[:3])
    print("pairwise", F.pairwise_distance(E[:3], E[3:6], keepdim=True).shape, F.cosine_similarity(E[:1], E[:4]).shape)
    pairs = torch.combinations(torch.arange(4), r=2)
    print(pairs.T, torch.triu_indices(4, 4, offset=1))
    print(list(itertools.combinations(range(3), 2)), torch.cartesian_prod(torch.arange(2), torch.arange(3)).shape)
    print(torch.cdist(E[:2], E[:3], p=1), torch.cdist(E[:2], E[:3], p=float("inf")))
    print(torch.cdist(E[:2].unsqueeze(0), E[:3].unsqueeze(0), compute_mode="use_mm_for_euclid_dist").shape)
try:
    torch.cdist(E[:2], E[:3, :4])
except Exception as e:
    print(isinstance(e, RuntimeError))
try:
    F.normalize(E, p=2, dim=3)
except Exception as e:
    print(isinstance(e, IndexError))
