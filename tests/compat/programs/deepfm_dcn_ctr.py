"""Click-through-rate models on synthetic categorical data, as the DeepCTR-Torch style code writes them:
hashed feature ids (torch.remainder of a multiplicative hash), a shared embedding table with per-field
offsets, FM second-order interactions by the square-of-sum minus sum-of-squares trick, DeepFM (FM +
MLP), a Deep & Cross Network v2 cross layer x0 * (W x + b) + x, BCEWithLogits with pos_weight, AUC by
the rank (Mann-Whitney) formula with ties averaged, log-loss, and calibration by bins (bucketize)."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

n, fields, buckets, k = 4000, 6, 50, 8
raw = torch.randint(0, 1000, (n, fields))
hashed = torch.remainder(raw * 2654435761, buckets)
offsets = torch.arange(fields) * buckets
ids = hashed + offsets
w_true = torch.randn(fields * buckets) * 0.5
pair = (hashed[:, 0] % 5 == hashed[:, 1] % 5).float()
logit = w_true[ids].sum(1) * 0.5 + 1.5 * pair - 1.5
y = torch.bernoulli(torch.sigmoid(logit))
print("ids", tuple(ids.shape), ids.dtype, "max id", int(ids.max()), f"ctr {y.mean().item():.4f}")
print("hash sample", hashed[0].tolist(), "remainder of negatives", torch.remainder(torch.tensor([-7, 7]), 5).tolist(), torch.fmod(torch.tensor([-7, 7]), 5).tolist())


class FM(nn.Module):
    def forward(self, e):  # e: B, F, k
        square_of_sum = e.sum(dim=1).pow(2)
        sum_of_square = (e * e).sum(dim=1)
        return 0.5 * (square_of_sum - sum_of_square).sum(dim=1, keepdim=True)


class DeepFM(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Embedding(fields * buckets, 1)
        self.emb = nn.Embedding(fields * buckets, k)
        nn.init.normal_(self.emb.weight, std=0.01)
        nn.init.zeros_(self.linear.weight)
        self.bias = nn.Parameter(torch.zeros(1))
        self.fm = FM()
        self.dnn = nn.Sequential(nn.Linear(fields * k, 32), nn.ReLU(), nn.Dropout(0.0), nn.Linear(32, 1))

    def forward(self, ids):
        e = self.emb(ids)
        return (self.bias + self.linear(ids).sum(1) + self.fm(e) + self.dnn(e.flatten(1))).squeeze(1)


class CrossNetV2(nn.Module):
    def __init__(self, d, layers=2):
        super().__init__()
        self.W = nn.ParameterList([nn.Parameter(torch.empty(d, d)) for _ in range(layers)])
        self.b = nn.ParameterList([nn.Parameter(torch.zeros(d)) for _ in range(layers)])
        for w in self.W:
            nn.init.xavier_normal_(w)

    def forward(self, x0):
        x = x0
        for W, b in zip(self.W, self.b):
            x = x0 * (x @ W + b) + x
        return x


class DCN(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(fields * buckets, k)
        nn.init.normal_(self.emb.weight, std=0.01)
        self.cross = CrossNetV2(fields * k)
        self.deep = nn.Sequential(nn.Linear(fields * k, 32), nn.ReLU())
        self.out = nn.Linear(fields * k + 32, 1)

    def forward(self, ids):
        x0 = self.emb(ids).flatten(1)
        return self.out(torch.cat([self.cross(x0), self.deep(x0)], 1)).squeeze(1)


def auc(scores, labels):
    ranks = torch.empty_like(scores)
    order = scores.argsort()
    ranks[order] = torch.arange(1, len(scores) + 1, dtype=scores.dtype)
    # average the ranks of tied scores
    uniq, inverse, counts = torch.unique(scores, return_inverse=True, return_counts=True)
    rank_sum = torch.zeros(len(uniq)).index_add_(0, inverse, ranks)
    ranks = (rank_sum / counts)[inverse]
    n_pos = labels.sum()
    n_neg = len(labels) - n_pos
    return ((ranks[labels == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)).item()


print("auc toy", auc(torch.tensor([0.1, 0.4, 0.35, 0.8, 0.4]), torch.tensor([0.0, 0.0, 1.0, 1.0, 1.0])))
train, test = torch.arange(3200), torch.arange(3200, n)
pos_weight = (1 - y[train].mean()) / y[train].mean()
print(f"pos_weight {pos_weight.item():.4f}")
for name, cls in (("deepfm", DeepFM), ("dcn", DCN)):
    torch.manual_seed(1)
    model = cls()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-6)
    crit = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    for epoch in range(4):
        model.train()
        tot = 0.0
        for idx in train[torch.randperm(len(train))].split(256):
            loss = crit(model(ids[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(idx)
        model.eval()
        with torch.no_grad():
            s = model(ids[test])
        print(f"{name} epoch {epoch} train loss {tot / len(train):.4f} test auc {auc(s, y[test]):.4f} "
              f"logloss {F.binary_cross_entropy_with_logits(s, y[test]).item():.4f}")
    p = torch.sigmoid(s)
    bins = torch.bucketize(p, torch.linspace(0, 1, 6)[1:-1])
    calib = [(int((bins == b).sum()), round(p[bins == b].mean().item(), 3) if (bins == b).any() else None,
              round(y[test][bins == b].mean().item(), 3) if (bins == b).any() else None) for b in range(5)]
    print(f"{name} calibration (n, mean p, ctr)", calib)
print("params", sum(p.numel() for p in model.parameters()), "cross W", [tuple(w.shape) for w in model.cross.W])
