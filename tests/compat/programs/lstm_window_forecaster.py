"""Time-series forecasting as blog tutorials write it: a synthetic seasonal series, a StandardScaler done
by hand (fit on train only), sliding windows via unfold and via a Python loop, an LSTM forecaster (2
layers, batch_first, proj_size) with device boilerplate, multi-step recursive forecasts, inverse scaling
and MAE/RMSE/MAPE metrics."""

import math

import torch
import torch.nn as nn

torch.manual_seed(0)
torch.set_num_threads(1)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print("cuda available:", torch.cuda.is_available(), "device:", device, device.type, str(device))

t = torch.arange(0, 240, dtype=torch.float32)
series = 10 + 0.05 * t + 3 * torch.sin(2 * math.pi * t / 24) + 0.3 * torch.randn(240)
train, test = series[:200], series[200:]


class StandardScaler:
    def fit(self, x):
        self.mean = x.mean(0, keepdim=True)
        self.std = x.std(0, unbiased=False, keepdim=True)
        return self

    def transform(self, x):
        return (x - self.mean) / (self.std + 1e-7)

    def inverse_transform(self, x):
        return x * (self.std + 1e-7) + self.mean


scaler = StandardScaler().fit(train)
print("scaler", round(scaler.mean.item(), 4), round(scaler.std.item(), 4))
tr = scaler.transform(train)
W = 16
win = tr.unfold(0, W + 1, 1)
print("windows", tuple(win.shape), win.stride(), win.is_contiguous())
X_loop = torch.stack([tr[i:i + W] for i in range(len(tr) - W)])
print("unfold == loop:", torch.equal(win[:, :W], X_loop))
X, y = win[:, :W].unsqueeze(-1).to(device), win[:, W:].to(device)
print("X", tuple(X.shape), "y", tuple(y.shape), X.device, X.dtype)


class Forecaster(nn.Module):
    def __init__(self, hidden=24, proj=8):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden, num_layers=2, batch_first=True, proj_size=proj, dropout=0.0)
        self.head = nn.Linear(proj, 1)

    def forward(self, x, state=None):
        out, (h, c) = self.lstm(x, state)
        return self.head(out[:, -1]), (h, c)


model = Forecaster().to(device)
for name, p in model.lstm.named_parameters():
    print(name, tuple(p.shape))
opt = torch.optim.Adam(model.parameters(), lr=1e-2, eps=1e-6)
loss_fn = nn.MSELoss()
g = torch.Generator().manual_seed(3)
for epoch in range(6):
    model.train()
    perm = torch.randperm(len(X), generator=g)
    tot = 0.0
    for i in range(0, len(X), 32):
        idx = perm[i:i + 32]
        pred, _ = model(X[idx])
        loss = loss_fn(pred, y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        tot += loss.item() * len(idx)
    print(f"epoch {epoch} train mse {tot / len(X):.5f}")

model.eval()
with torch.no_grad():
    ctx = tr[-W:].view(1, W, 1).clone()
    preds = []
    for _ in range(len(test)):
        p, (h, c) = model(ctx)
        preds.append(p.item())
        ctx = torch.cat([ctx[:, 1:], p.view(1, 1, 1)], dim=1)
    print("state shapes", tuple(h.shape), tuple(c.shape))
    preds = scaler.inverse_transform(torch.tensor(preds))
    err = preds - test
    mae = err.abs().mean()
    rmse = err.pow(2).mean().sqrt()
    mape = (err.abs() / test.abs()).mean() * 100
    print(f"mae {mae:.4f} rmse {rmse:.4f} mape {mape:.3f}%")
    print("first preds", [round(v, 3) for v in preds[:5].tolist()])
    naive = (test - torch.cat([train[-1:], test[:-1]])).abs().mean()
    print(f"naive mae {naive:.4f} beats naive: {bool(mae < naive)}")
