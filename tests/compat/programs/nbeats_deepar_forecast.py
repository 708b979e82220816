"""Two forecasting models on synthetic seasonal count series: N-BEATS (interpretable trend and
seasonality stacks with fixed polynomial and Fourier bases, backcast residuals, a generic block)
trained on scaled MSE, scored by sMAPE/MASE, and a DeepAR-style LSTM whose head parameterises a NegativeBinomial
(softplus total_count, logits) trained by negative log-likelihood with teacher forcing, then
sampled autoregressively for quantile forecasts. Windows are cut with Tensor.unfold; per-series
scaling as DeepAR does (1 + mean of the context)."""

import math

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(11)
torch.set_num_threads(1)

S, T, L, H = 12, 160, 36, 12  # series, length, lookback, horizon
t = torch.arange(T, dtype=torch.float32)
level = torch.rand(S, 1) * 20 + 5
trend = torch.randn(S, 1) * 0.03
season = torch.sin(2 * math.pi * t / 12 + torch.rand(S, 1) * 6.28) * (0.3 + 0.4 * torch.rand(S, 1))
rate = level * (1 + trend * t / 10).clamp(min=0.2) * (1 + season)
series = torch.poisson(rate)
print("series", tuple(series.shape), f"mean {series.mean().item():.3f} zeros {(series == 0).sum().item()}")

windows = series[:, : T - H].unfold(1, L + H, 4)  # (S, n_windows, L + H)
print("windows", tuple(windows.shape), windows.stride() if windows.is_contiguous() else "view")
windows = windows.reshape(-1, L + H)
x_all, y_all = windows[:, :L], windows[:, L:]
test_x, test_y = series[:, T - H - L: T - H], series[:, T - H:]


def smape(pred, target):
    return (200 * (pred - target).abs() / (pred.abs() + target.abs()).clamp(min=1e-8)).mean()


def mase(pred, target, insample, m=12):
    scale = (insample[:, m:] - insample[:, :-m]).abs().mean(1, keepdim=True).clamp(min=1e-8)
    return ((pred - target).abs() / scale).mean()


class Block(nn.Module):
    def __init__(self, basis_b, basis_f, width=64):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(L, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU())
        self.theta_b = nn.Linear(width, basis_b.shape[0], bias=False)
        self.theta_f = nn.Linear(width, basis_f.shape[0], bias=False)
        self.register_buffer("basis_b", basis_b)
        self.register_buffer("basis_f", basis_f)

    def forward(self, x):
        h = self.fc(x)
        return self.theta_b(h) @ self.basis_b, self.theta_f(h) @ self.basis_f


def trend_basis(p, n):
    grid = torch.arange(n, dtype=torch.float32) / n
    return torch.stack([grid ** i for i in range(p)])


def season_basis(n, harmonics, offset=0):
    grid = (torch.arange(n, dtype=torch.float32) + offset) / 12
    rows = [torch.ones(n)]
    for k in range(1, harmonics + 1):
        rows += [torch.cos(2 * math.pi * k * grid), torch.sin(2 * math.pi * k * grid)]
    return torch.stack(rows)


class NBeats(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([
            Block(trend_basis(3, L), trend_basis(3, H + L)[:, L:]),
            Block(season_basis(L, 4), season_basis(H, 4, offset=L)),
            Block(torch.eye(L), torch.eye(H)),
        ])

    def forward(self, x):
        scale = x.mean(1, keepdim=True) + 1
        resid, forecast = x / scale, 0
        parts = []
        for block in self.blocks:
            back, fore = block(resid)
            resid = resid - back
            forecast = forecast + fore
            parts.append(fore * scale)
        return forecast * scale, parts


nbeats = NBeats()
print(nbeats.blocks[1].basis_f.shape, nbeats.blocks[0].basis_f[:, :3])
opt = torch.optim.Adam(nbeats.parameters(), lr=2e-3)
g = torch.Generator().manual_seed(0)
for step in range(90):
    idx = torch.randint(len(x_all), (32,), generator=g)
    pred, _ = nbeats(x_all[idx])
    scale = x_all[idx].mean(1, keepdim=True) + 1
    loss = F.mse_loss(pred / scale, y_all[idx] / scale)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 30 == 0:
        print(f"nbeats step {step} scaled mse {loss.item():.4f} smape {smape(pred, y_all[idx]).item():.4f}")
with torch.no_grad():
    pred, parts = nbeats(test_x)
    print(f"nbeats test smape {smape(pred, test_y).item():.4f} mase {mase(pred, test_y, series[:, : T - H]).item():.4f}")
    print("trend/season/generic share", [f"{p.abs().mean().item():.4f}" for p in parts])
naive = test_x[:, -12:]
print(f"seasonal naive smape {smape(naive, test_y).item():.4f} mase {mase(naive, test_y, series[:, :T - H]).item():.4f}")


class DeepAR(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.rnn = nn.LSTM(2, hidden, num_layers=2, batch_first=True)
        self.count = nn.Linear(hidden, 1)
        self.logit = nn.Linear(hidden, 1)

    def dist(self, h, scale):
        total = F.softplus(self.count(h)).squeeze(-1) / scale.sqrt() + 1e-3
        logits = self.logit(h).squeeze(-1) + torch.log(scale)
        return torch.distributions.NegativeBinomial(total_count=total, logits=logits)

    def forward(self, z, scale, pos, state=None):
        inp = torch.stack([z / scale, torch.sin(2 * math.pi * pos / 12)], -1)
        return self.rnn(inp, state)


deepar = DeepAR()
opt = torch.optim.Adam(deepar.parameters(), lr=5e-3)
full = torch.cat([x_all, y_all], 1)
start = torch.arange(full.shape[1], dtype=torch.float32)
for step in range(60):
    idx = torch.randint(len(full), (32,), generator=g)
    z = full[idx]
    scale = z[:, :L].mean(1, keepdim=True) + 1
    out, _ = deepar(z[:, :-1], scale, start[:-1].expand(32, -1))
    d = deepar.dist(out, scale)
    nll = -d.log_prob(z[:, 1:]).mean()
    opt.zero_grad()
    nll.backward()
    nn.utils.clip_grad_norm_(deepar.parameters(), 10.0)
    opt.step()
    if step % 15 == 0:
        print(f"deepar step {step} nll {nll.item():.4f} mean {d.mean.mean().item():.3f}")

with torch.no_grad():
    scale = test_x.mean(1, keepdim=True) + 1
    pos = torch.arange(L + H, dtype=torch.float32).expand(S, -1)
    out, state = deepar(test_x[:, :-1], scale, pos[:, : L - 1])
    n_paths = 50
    last = test_x[:, -1:].repeat_interleave(n_paths, 0)
    state = tuple(s.repeat_interleave(n_paths, 1) for s in state)
    sc = scale.repeat_interleave(n_paths, 0)
    samples = []
    for k in range(H):
        p = pos[:1, L - 1 + k: L + k].expand(S * n_paths, 1)
        out, state = deepar(last, sc, p, state)
        draw = deepar.dist(out, sc).sample()
        samples.append(draw)
        last = draw
    paths = torch.cat(samples, 1).reshape(S, n_paths, H)
    q = torch.quantile(paths, torch.tensor([0.1, 0.5, 0.9]), dim=1)
    cover = ((test_y >= q[0]) & (test_y <= q[2])).float().mean()
    print("quantiles shape", tuple(q.shape), f"median smape {smape(q[1], test_y).item():.4f} 80% coverage {cover.item():.4f}")
    print("series 0 median", q[1, 0, :6], "truth", test_y[0, :6])
