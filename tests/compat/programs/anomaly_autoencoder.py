"""Anomaly detection with an autoencoder as the blog posts write it: an MLP
autoencoder trained on normal data only (two correlated Gaussian clusters in
8-D), per-sample reconstruction errors, a threshold at a torch.quantile of
the training errors (and several quantiles at once), precision / recall / F1
at that threshold, ROC-AUC and average precision computed by hand from
torch.sort, cumsum and torch.trapz, the best-F1 threshold; then a Deep SVDD
(Ruff et al.): a bias-free network, the center c fixed as the mean initial
embedding with near-zero coordinates pushed to +-eps, the mean squared
distance to c as the loss, Adam with weight decay, and anomaly scores as
distances. Seeded: every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

d = 8
mix = torch.randn(d, d) * 0.5
centers = torch.stack([torch.full((d,), 1.0), torch.full((d,), -1.0)])


def normal_data(n):
    z = torch.randn(n, d) @ mix * 0.5
    return centers[torch.randint(0, 2, (n,))] + z


x_train = normal_data(300)
x_test_normal = normal_data(90)
x_test_anom = torch.randn(30, d) * 1.5 + torch.tensor([0.0, 2.0, -2.0, 0.0, 1.0, -1.0, 0.0, 0.5])
x_test = torch.cat([x_test_normal, x_test_anom])
y_test = torch.cat([torch.zeros(90), torch.ones(30)])
mu, sd = x_train.mean(0), x_train.std(0)
norm = lambda x: (x - mu) / sd  # noqa: E731


class AutoEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(d, 16), nn.ReLU(), nn.Linear(16, 3))
        self.decoder = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, d))

    def forward(self, x):
        return self.decoder(self.encoder(x))


ae = AutoEncoder()
opt = torch.optim.Adam(ae.parameters(), lr=1e-2)
loader = torch.utils.data.DataLoader(norm(x_train), batch_size=50, shuffle=True)
for epoch in range(1, 31):
    for xb in loader:
        loss = F.mse_loss(ae(xb), xb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    if epoch % 10 == 0:
        print("ae epoch %d loss %.6f" % (epoch, loss.item()))

ae.eval()
with torch.no_grad():
    train_err = ((ae(norm(x_train)) - norm(x_train)) ** 2).mean(dim=1)
    test_err = F.mse_loss(ae(norm(x_test)), norm(x_test), reduction="none").mean(1)
threshold = torch.quantile(train_err, 0.95)
qs = torch.quantile(train_err, torch.tensor([0.5, 0.9, 0.99]), interpolation="linear")
print("threshold %.6f quantiles %s" % (threshold.item(), " ".join("%.6f" % q for q in qs.tolist())))
print("nearest q95 %.6f" % torch.quantile(train_err, 0.95, interpolation="nearest").item())


def prf(scores, y, thr):
    pred = (scores > thr).float()
    tp = (pred * y).sum()
    fp = (pred * (1 - y)).sum()
    fn = ((1 - pred) * y).sum()
    p = tp / (tp + fp).clamp(min=1)
    r = tp / (tp + fn).clamp(min=1)
    f1 = 2 * p * r / (p + r).clamp(min=1e-12)
    return p.item(), r.item(), f1.item()


def roc_auc(scores, y):
    order = torch.sort(scores, descending=True).indices
    ys = y[order]
    tps = torch.cumsum(ys, 0)
    fps = torch.cumsum(1 - ys, 0)
    tpr = torch.cat([torch.zeros(1), tps / ys.sum()])
    fpr = torch.cat([torch.zeros(1), fps / (1 - ys).sum()])
    return torch.trapz(tpr, fpr).item()


def average_precision(scores, y):
    sorted_scores, order = torch.sort(scores, descending=True, stable=True)
    ys = y[order]
    precision = torch.cumsum(ys, 0) / torch.arange(1, len(ys) + 1)
    return (precision * ys).sum().item() / ys.sum().item()


def rank_auc(scores, y):  # Mann-Whitney U
    ranks = torch.empty_like(scores)
    ranks[scores.argsort()] = torch.arange(1, len(scores) + 1, dtype=scores.dtype)
    n_pos, n_neg = y.sum(), (1 - y).sum()
    return ((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)).item()


print("ae precision %.4f recall %.4f f1 %.4f" % prf(test_err, y_test, threshold))
print("ae roc-auc %.5f rank-auc %.5f ap %.5f" % (roc_auc(test_err, y_test), rank_auc(test_err, y_test),
                                                 average_precision(test_err, y_test)))
cands = torch.unique(test_err)
f1s = torch.tensor([prf(test_err, y_test, t)[2] for t in cands])
best = f1s.argmax()
print("best f1 %.4f at threshold %.6f" % (f1s[best].item(), cands[best].item()))


class SVDDNet(nn.Module):
    def __init__(self, rep_dim=4):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d, 16, bias=False), nn.LeakyReLU(0.1), nn.Linear(16, rep_dim, bias=False))

    def forward(self, x):
        return self.net(x)


svdd = SVDDNet()
with torch.no_grad():
    c = svdd(norm(x_train)).mean(0)
    eps = 0.1
    c[(abs(c) < eps) & (c < 0)] = -eps
    c[(abs(c) < eps) & (c > 0)] = eps
print("center", " ".join("%.5f" % v for v in c.tolist()))
opt = torch.optim.Adam(svdd.parameters(), lr=1e-3, weight_decay=1e-6)
for epoch in range(1, 31):
    for xb in loader:
        dist = torch.sum((svdd(xb) - c) ** 2, dim=1)
        loss = torch.mean(dist)
        opt.zero_grad()
        loss.backward()
        opt.step()
    if epoch % 10 == 0:
        print("svdd epoch %d loss %.6f" % (epoch, loss.item()))
with torch.no_grad():
    scores = torch.sum((svdd(norm(x_test)) - c) ** 2, dim=1)
    radius = torch.quantile(torch.sqrt(torch.sum((svdd(norm(x_train)) - c) ** 2, dim=1)), 0.95)
print("svdd radius %.6f" % radius.item())
print("svdd precision %.4f recall %.4f f1 %.4f" % prf(scores.sqrt(), y_test, radius))
print("svdd roc-auc %.5f ap %.5f" % (roc_auc(scores, y_test), average_precision(scores, y_test)))
