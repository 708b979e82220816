"""Time-series forecasting code as repositories write it: sliding windows by
Tensor.unfold, min-max scaling fitted on the training part, the locuslab TCN
(the old torch.nn.utils.weight_norm, Chomp1d cutting the causal padding,
dilations 2**i, weights drawn by normal_(0, 0.01), a 1x1 downsample on the
residual), a DeepAR-style LSTM emitting mean and softplus scale trained with
nn.GaussianNLLLoss, a quantile (pinball) loss for three quantiles at once,
an N-BEATS generic block stack with backcast/forecast residuals, causal
Conv1d by F.pad(x, (k - 1, 0)), torch.roll seasonal-naive baseline, MAE/
RMSE/MAPE/sMAPE/MASE metrics, and autoregressive multi-step rollout.
Seeded: every number agrees."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import weight_norm

torch.manual_seed(0)
T = 360
t = torch.arange(T, dtype=torch.float32)
series = 10 + 0.02 * t + 3 * torch.sin(2 * math.pi * t / 24) + 1.5 * torch.sin(2 * math.pi * t / 7) \
    + 0.5 * torch.randn(T)
train_end, val_end = 260, 310
lo, hi = series[:train_end].min(), series[:train_end].max()
scaled = (series - lo) / (hi - lo)
print(f"series mean {series.mean().item():.5f} min {lo.item():.5f} max {hi.item():.5f}")

LOOKBACK, HORIZON = 48, 12
windows = scaled.unfold(0, LOOKBACK + HORIZON, 1)
print("windows", tuple(windows.shape), "row 1 starts at", windows[1, 0].item() == scaled[1].item())
X_all, Y_all = windows[:, :LOOKBACK], windows[:, LOOKBACK:]
n_train = train_end - LOOKBACK - HORIZON + 1
n_val = val_end - train_end
X_tr, Y_tr = X_all[:n_train], Y_all[:n_train]
X_va, Y_va = X_all[n_train:n_train + n_val], Y_all[n_train:n_train + n_val]
print("train", tuple(X_tr.shape), "val", tuple(X_va.shape))


class Chomp1d(nn.Module):
    def __init__(self, chomp_size):
        super(Chomp1d, self).__init__()
        self.chomp_size = chomp_size

    def forward(self, x):
        return x[:, :, :-self.chomp_size].contiguous()


class TemporalBlock(nn.Module):
    def __init__(self, n_inputs, n_outputs, kernel_size, stride, dilation, padding, dropout=0.2):
        super(TemporalBlock, self).__init__()
        self.conv1 = weight_norm(nn.Conv1d(n_inputs, n_outputs, kernel_size, stride=stride, padding=padding,
                                           dilation=dilation))
        self.chomp1 = Chomp1d(padding)
        self.relu1 = nn.ReLU()
        self.dropout1 = nn.Dropout(dropout)
        self.conv2 = weight_norm(nn.Conv1d(n_outputs, n_outputs, kernel_size, stride=stride, padding=padding,
                                           dilation=dilation))
        self.chomp2 = Chomp1d(padding)
        self.relu2 = nn.ReLU()
        self.dropout2 = nn.Dropout(dropout)
        self.net = nn.Sequential(self.conv1, self.chomp1, self.relu1, self.dropout1,
                                 self.conv2, self.chomp2, self.relu2, self.dropout2)
        self.downsample = nn.Conv1d(n_inputs, n_outputs, 1) if n_inputs != n_outputs else None
        self.relu = nn.ReLU()
        self.init_weights()

    def init_weights(self):
        self.conv1.weight.data.normal_(0, 0.01)
        self.conv2.weight.data.normal_(0, 0.01)
        if self.downsample is not None:
            self.downsample.weight.data.normal_(0, 0.01)

    def forward(self, x):
        out = self.net(x)
        res = x if self.downsample is None else self.downsample(x)
        return self.relu(out + res)


class TemporalConvNet(nn.Module):
    def __init__(self, num_inputs, num_channels, kernel_size=2, dropout=0.2):
        super(TemporalConvNet, self).__init__()
        layers = []
        num_levels = len(num_channels)
        for i in range(num_levels):
            dilation_size = 2 ** i
            in_channels = num_inputs if i == 0 else num_channels[i - 1]
            out_channels = num_channels[i]
            layers += [TemporalBlock(in_channels, out_channels, kernel_size, stride=1, dilation=dilation_size,
                                     padding=(kernel_size - 1) * dilation_size, dropout=dropout)]
        self.network = nn.Sequential(*layers)

    def forward(self, x):
        return self.network(x)


class TCNForecaster(nn.Module):
    def __init__(self):
        super().__init__()
        self.tcn = TemporalConvNet(1, [16, 16, 16], kernel_size=3, dropout=0.1)
        self.linear = nn.Linear(16, HORIZON)
        self.linear.weight.data.normal_(0, 0.01)

    def forward(self, x):
        y = self.tcn(x.unsqueeze(1))
        return self.linear(y[:, :, -1])


model = TCNForecaster()
names = [n for n, _ in model.named_parameters()][:4]
print("weight_norm params", names, "g shape", tuple(model.tcn.network[0].conv1.weight_g.shape))
receptive = 1 + 2 * (3 - 1) * sum(2 ** i for i in range(3))
print("receptive field", receptive)
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
g = torch.Generator().manual_seed(1)
for epoch in range(4):
    model.train()
    perm = torch.randperm(n_train, generator=g)
    total = 0.0
    for i in range(0, n_train, 32):
        idx = perm[i:i + 32]
        pred = model(X_tr[idx])
        loss = F.mse_loss(pred, Y_tr[idx])
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        opt.step()
        total += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        val = F.mse_loss(model(X_va), Y_va).item()
    print(f"tcn epoch {epoch} | train mse {total / n_train:.6f} | val mse {val:.6f}")
print("weight_g mean", f"{model.tcn.network[0].conv1.weight_g.mean().item():.6f}",
      "weight recomputed", torch.allclose(model.tcn.network[0].conv1.weight,
                                          model.tcn.network[0].conv1.weight_g * model.tcn.network[0].conv1.weight_v
                                          / model.tcn.network[0].conv1.weight_v.norm(dim=(1, 2), keepdim=True)))


# ------------------------------------------------------------------ DeepAR-style Gaussian LSTM
class GaussianLSTM(nn.Module):
    def __init__(self, hidden=24):
        super().__init__()
        self.lstm = nn.LSTM(input_size=2, hidden_size=hidden, num_layers=2, batch_first=True, dropout=0.1)
        self.mu = nn.Linear(hidden, 1)
        self.presigma = nn.Linear(hidden, 1)

    def forward(self, x, state=None):
        out, state = self.lstm(x, state)
        return self.mu(out).squeeze(-1), F.softplus(self.presigma(out)).squeeze(-1) + 1e-4, state


def features(values, start):
    pos = (start.unsqueeze(1) + torch.arange(values.shape[1])) % 24 / 24.0
    return torch.stack([values, pos], dim=-1)


torch.manual_seed(2)
deepar = GaussianLSTM()
gnll = nn.GaussianNLLLoss(full=True)
opt = torch.optim.Adam(deepar.parameters(), lr=5e-3)
full_tr = torch.cat([X_tr, Y_tr], dim=1)
starts = torch.arange(n_train)
for epoch in range(3):
    deepar.train()
    perm = torch.randperm(n_train, generator=g)
    total = 0.0
    for i in range(0, n_train, 40):
        idx = perm[i:i + 40]
        seq = full_tr[idx]
        mu, sigma, _ = deepar(features(seq[:, :-1], starts[idx]))
        loss = gnll(mu, seq[:, 1:], sigma ** 2)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    print(f"deepar epoch {epoch} | gaussian nll {total / n_train:.6f}")


@torch.no_grad()
def rollout(model, context, start, steps, n_samples=0, generator=None):
    model.eval()
    mu, sigma, state = model(features(context, start))
    last_mu, last_sigma = mu[:, -1], sigma[:, -1]
    means, sigmas = [], []
    pos = start + context.shape[1]
    for k in range(steps):
        means.append(last_mu)
        sigmas.append(last_sigma)
        nxt = last_mu if not n_samples else last_mu + last_sigma * torch.randn(last_mu.shape, generator=generator)
        mu, sigma, state = model(features(nxt.unsqueeze(1), pos + k), state)
        last_mu, last_sigma = mu[:, -1], sigma[:, -1]
    return torch.stack(means, 1), torch.stack(sigmas, 1)


va_start = torch.arange(n_train, n_train + n_val)
mean_fc, sigma_fc = rollout(deepar, X_va, va_start, HORIZON)
coverage = ((Y_va > mean_fc - 1.96 * sigma_fc) & (Y_va < mean_fc + 1.96 * sigma_fc)).float().mean()
print(f"deepar val mse {F.mse_loss(mean_fc, Y_va).item():.6f} | mean sigma {sigma_fc.mean().item():.6f} | "
      f"95% coverage {coverage.item():.4f}")
samp, _ = rollout(deepar, X_va[:2], va_start[:2], 4, n_samples=1, generator=torch.Generator().manual_seed(3))
print("sampled path", [[round(v, 5) for v in row] for row in samp.tolist()])


# ------------------------------------------------------------------ quantile loss and N-BEATS
def quantile_loss(pred, target, quantiles):
    errors = target.unsqueeze(-1) - pred
    q = torch.tensor(quantiles, dtype=pred.dtype)
    return torch.max((q - 1) * errors, q * errors).mean()


class NBeatsBlock(nn.Module):
    def __init__(self, lookback, horizon, width=64, layers=3):
        super().__init__()
        mods = [nn.Linear(lookback, width), nn.ReLU()]
        for _ in range(layers - 1):
            mods += [nn.Linear(width, width), nn.ReLU()]
        self.fc = nn.Sequential(*mods)
        self.theta = nn.Linear(width, lookback + horizon * 3, bias=False)
        self.lookback = lookback

    def forward(self, x):
        theta = self.theta(self.fc(x))
        backcast, forecast = theta[:, :self.lookback], theta[:, self.lookback:]
        return backcast, forecast.view(x.shape[0], -1, 3)


class NBeats(nn.Module):
    def __init__(self, n_blocks=3):
        super().__init__()
        self.blocks = nn.ModuleList([NBeatsBlock(LOOKBACK, HORIZON) for _ in range(n_blocks)])

    def forward(self, x):
        residuals = x.flip(dims=(1,)).flip(dims=(1,))
        forecast = 0
        for block in self.blocks:
            backcast, block_forecast = block(residuals)
            residuals = residuals - backcast
            forecast = forecast + block_forecast
        return forecast


torch.manual_seed(4)
nbeats = NBeats()
opt = torch.optim.AdamW(nbeats.parameters(), lr=1e-3, weight_decay=1e-4)
quantiles = [0.1, 0.5, 0.9]
for epoch in range(4):
    perm = torch.randperm(n_train, generator=g)
    for i in range(0, n_train, 32):
        idx = perm[i:i + 32]
        loss = quantile_loss(nbeats(X_tr[idx]), Y_tr[idx], quantiles)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        q = nbeats(X_va)
        val_q = quantile_loss(q, Y_va, quantiles).item()
        crossing = (q[..., 0] > q[..., 2]).float().mean().item()
        inside = ((Y_va >= q[..., 0]) & (Y_va <= q[..., 2])).float().mean().item()
    print(f"nbeats epoch {epoch} | train pinball {loss.item():.6f} | val pinball {val_q:.6f} | "
          f"crossing {crossing:.4f} | inside 80% {inside:.4f}")


# ------------------------------------------------------------------ causal conv and metrics
class CausalConv1d(nn.Conv1d):
    def __init__(self, in_channels, out_channels, kernel_size, dilation=1):
        super().__init__(in_channels, out_channels, kernel_size, dilation=dilation, padding=0)
        self.left = (kernel_size - 1) * dilation

    def forward(self, x):
        return super().forward(F.pad(x, (self.left, 0)))


torch.manual_seed(5)
cc = CausalConv1d(1, 2, 3, dilation=2)
x = torch.randn(1, 1, 10, requires_grad=True)
y = cc(x)
y[0, :, 5].sum().backward()
print("causal conv out", tuple(y.shape), "grad reaches t<=5 only", x.grad[0, 0, 6:].abs().sum().item() == 0,
      "taps", (x.grad[0, 0] != 0).nonzero().flatten().tolist())


def inverse(v):
    return v * (hi - lo) + lo


def metrics(pred, target, train_series, season=24):
    err = pred - target
    mae = err.abs().mean()
    rmse = err.pow(2).mean().sqrt()
    mape = (err.abs() / target.abs()).mean() * 100
    smape = (2 * err.abs() / (pred.abs() + target.abs())).mean() * 100
    naive = (train_series[season:] - train_series[:-season]).abs().mean()
    return {"mae": mae.item(), "rmse": rmse.item(), "mape": mape.item(), "smape": smape.item(),
            "mase": (mae / naive).item()}


with torch.no_grad():
    tcn_pred = inverse(model(X_va))
    nb_pred = inverse(nbeats(X_va)[..., 1])
truth = inverse(Y_va)
seasonal_naive = inverse(torch.roll(windows[n_train:n_train + n_val], shifts=24, dims=1)[:, LOOKBACK:])
hist = series[:train_end]
for name, p in (("tcn", tcn_pred), ("nbeats", nb_pred), ("deepar", inverse(mean_fc)), ("naive", seasonal_naive)):
    print(name, {k: round(v, 5) for k, v in metrics(p, truth, hist).items()})
