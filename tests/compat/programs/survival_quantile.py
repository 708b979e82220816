"""Survival analysis and distribution-free uncertainty in torch, as the
pycox/DeepSurv and conformal-prediction tutorials write them: right-censored
synthetic data (exponential event times under a log-linear hazard, uniform
censoring), the Cox partial likelihood by sorting on time and a reversed
torch.logcumsumexp (Breslow ties), a linear Cox model and a DeepSurv MLP
fitted with Adam, Harrell's concordance index by broadcasting, the Breslow
baseline cumulative hazard and survival curves S(t|x) by cumsum/searchsorted,
a Kaplan-Meier estimator by unique(return_counts) and cumprod, a discrete-
time hazard model with BCE over time bins, then quantile regression with the
pinball loss (three quantiles at once), quantile crossing counts, and split
conformal intervals (CQR) with torch.quantile's finite-sample level.
Seeded, in float64; every number agrees."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
# float64: Adam's first, sign-like steps on the pinball loss's kinks grow float32 rounding to 1e-4 in 10 steps
torch.set_default_dtype(torch.float64)

n, d = 400, 5
X = torch.randn(n, d)
beta = torch.tensor([0.8, -0.5, 0.0, 0.3, 0.0])
risk = X @ beta + 0.5 * torch.sin(2 * X[:, 2])
T = -torch.log(torch.rand(n)) / (0.1 * torch.exp(risk))
Cens = torch.rand(n) * 30
time = torch.minimum(T, Cens)
event = (T <= Cens).to(T.dtype)
time = (time * 10).round() / 10  # coarsen: ties appear, as in real data
print("event rate", round(event.mean().item(), 4), "median time", round(time.median().item(), 4),
      "tied times", int(n - torch.unique(time).numel()))
tr, te = slice(0, 300), slice(300, 400)


def cox_ph_loss(log_h, t, e):
    order = torch.argsort(t, descending=True, stable=True)
    log_h, e = log_h[order], e[order]
    log_cum = torch.logcumsumexp(log_h, dim=0)
    return -((log_h - log_cum) * e).sum() / e.sum().clamp_min(1)


def concordance(risk, t, e):
    comparable = (t[:, None] < t[None, :]) & (e[:, None] == 1)
    conc = (risk[:, None] > risk[None, :]).float() + 0.5 * (risk[:, None] == risk[None, :]).float()
    return (conc * comparable).sum() / comparable.sum()


print("true-risk c-index (test)", round(concordance(risk[te], time[te], event[te]).item(), 6))
for name, model in [("cox linear", nn.Linear(d, 1, bias=False)),
                    ("deepsurv", nn.Sequential(nn.Linear(d, 32), nn.SELU(), nn.AlphaDropout(0.0), nn.Linear(32, 1)))]:
    opt = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-4)
    for epoch in range(80):
        loss = cox_ph_loss(model(X[tr]).squeeze(1), time[tr], event[tr])
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        lh = model(X).squeeze(1)
    print(f"{name:10s} train nll {loss.item():.6f} | c-index train {concordance(lh[tr], time[tr], event[tr]).item():.6f}"
          f" test {concordance(lh[te], time[te], event[te]).item():.6f}")
    if name == "cox linear":
        print("coefficients", [round(v, 4) for v in model.weight[0].tolist()])
        # Breslow baseline hazard on the training set
        ut, inv = torch.unique(time[tr], return_inverse=True)
        d_events = torch.zeros(len(ut)).index_add_(0, inv, event[tr])
        eh = torch.exp(lh[tr])
        at_risk = torch.stack([eh[time[tr] >= u].sum() for u in ut])
        H0 = torch.cumsum(d_events / at_risk, 0)
        grid = torch.tensor([2.0, 5.0, 10.0, 20.0])
        idx = torch.searchsorted(ut, grid, right=True) - 1
        H0g = torch.where(idx >= 0, H0[idx.clamp_min(0)], torch.zeros_like(grid))
        S = torch.exp(-H0g[None, :] * torch.exp(lh[te][:3])[:, None])
        print("baseline cumhaz at", grid.tolist(), [round(v, 5) for v in H0g.tolist()])
        print("S(t|x) first 3 test", [[round(v, 4) for v in row] for row in S.tolist()])

# Kaplan-Meier
ut, counts = torch.unique(time, return_counts=True)
ev_at = torch.zeros(len(ut)).index_add_(0, torch.searchsorted(ut, time), event)
n_at_risk = n - torch.cat([torch.zeros(1, dtype=torch.long), counts.cumsum(0)[:-1]])
km = torch.cumprod(1 - ev_at / n_at_risk, 0)
for t0 in [1.0, 5.0, 10.0, 20.0]:
    i = torch.searchsorted(ut, torch.tensor(t0), right=True) - 1
    print(f"KM S({t0}) = {km[i].item():.6f}", "at risk", int(n_at_risk[i + 1]) if i + 1 < len(ut) else 0)

# discrete-time hazard model (logistic hazard)
cuts = torch.tensor([0.0, 2.0, 4.0, 7.0, 11.0, 16.0, 30.0])
bin_idx = (torch.bucketize(time, cuts[1:-1], right=True))
n_bins = len(cuts) - 1
at_risk_mask = torch.arange(n_bins)[None, :] <= bin_idx[:, None]
targets = F.one_hot(bin_idx, n_bins).float() * event[:, None]
net = nn.Sequential(nn.Linear(d, 16), nn.ReLU(), nn.Linear(16, n_bins))
opt = torch.optim.Adam(net.parameters(), lr=1e-2)
for epoch in range(60):
    logits = net(X[tr])
    loss = F.binary_cross_entropy_with_logits(logits[at_risk_mask[tr]], targets[tr][at_risk_mask[tr]])
    opt.zero_grad()
    loss.backward()
    opt.step()
with torch.no_grad():
    surv = torch.cumprod(1 - torch.sigmoid(net(X[te])), 1)
print("logistic hazard loss", round(loss.item(), 6), "mean S per bin", [round(v, 4) for v in surv.mean(0).tolist()])
print("logistic hazard c-index", round(concordance(-surv[:, 2], time[te], event[te]).item(), 6))

# quantile regression and conformalized quantile regression
x = torch.rand(600, 1) * 6
yq = torch.sin(x[:, 0]) * 2 + (0.2 + 0.3 * x[:, 0]) * torch.randn(600)
qs = torch.tensor([0.05, 0.5, 0.95])


def pinball(pred, target, q):
    err = target[:, None] - pred
    return torch.maximum(q * err, (q - 1) * err).mean()


qnet = nn.Sequential(nn.Linear(1, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 3))
opt = torch.optim.Adam(qnet.parameters(), lr=5e-3)
for step in range(300):
    idx = torch.randint(0, 300, (64,))
    loss = pinball(qnet(x[idx]), yq[idx], qs)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 100 == 0 or step == 299:
        print(f"quantile step {step:3d} | pinball {loss.item():.6f}")
with torch.no_grad():
    pc = qnet(x[300:450])
    pt = qnet(x[450:])
print("crossings", int((pt[:, 0] > pt[:, 2]).sum()), "raw coverage",
      round(((yq[450:] >= pt[:, 0]) & (yq[450:] <= pt[:, 2])).float().mean().item(), 6))
scores = torch.maximum(pc[:, 0] - yq[300:450], yq[300:450] - pc[:, 2])
alpha = 0.1
level = math.ceil((1 - alpha) * (150 + 1)) / 150
qhat = torch.quantile(scores, level, interpolation="higher")
cover = ((yq[450:] >= pt[:, 0] - qhat) & (yq[450:] <= pt[:, 2] + qhat)).float().mean()
print("cqr qhat", round(qhat.item(), 6), "coverage", round(cover.item(), 6),
      "mean width", round((pt[:, 2] - pt[:, 0] + 2 * qhat).mean().item(), 5))
