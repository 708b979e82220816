"""Time-series forecasting with a small Transformer encoder as the
blog-post/Kaggle notebooks write it: a noisy multi-seasonal series,
min-max scaling fitted on the train split, sliding windows by
Tensor.unfold (inputs and one-step-ahead targets), a linear value embedding
plus a learned positional nn.Parameter, nn.TransformerEncoder (batch_first,
dropout) with the causal mask from nn.Transformer.generate_square_subsequent_mask,
teacher-forced training on every position, gradient clipping, StepLR, and
evaluation by MAE / MSE / RMSE / MAPE / sMAPE, then an autoregressive
rollout (feeding predictions back by torch.cat over a sliding context) against
a seasonal-naive baseline, inverse-scaled. Seeded: every number agrees."""

import math

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
torch.set_num_threads(1)

T = 360
tt = torch.arange(T, dtype=torch.float32)
series = 10 + 0.02 * tt + 2.0 * torch.sin(2 * math.pi * tt / 24) + torch.sin(2 * math.pi * tt / 7) \
    + 0.3 * torch.randn(T)
train_end, horizon, window = 300, 24, 24
lo, hi = series[:train_end].min(), series[:train_end].max()
scaled = (series - lo) / (hi - lo)

windows = scaled[:train_end].unfold(0, window + 1, 1)  # (n, window + 1)
X, Y = windows[:, :-1].unsqueeze(-1), windows[:, 1:].unsqueeze(-1)
print("windows", tuple(windows.shape), "X", tuple(X.shape), "Y", tuple(Y.shape))
val_windows = scaled[train_end - window - 1 - 24:train_end + 12].unfold(0, window + 1, 1)
Xv, Yv = val_windows[:, :-1].unsqueeze(-1), val_windows[:, 1:].unsqueeze(-1)
loader = DataLoader(TensorDataset(X, Y), batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(0))


class TimeSeriesTransformer(nn.Module):
    def __init__(self, d_model=32, nhead=4, num_layers=2, dim_ff=64, dropout=0.1, max_len=64):
        super().__init__()
        self.input_proj = nn.Linear(1, d_model)
        self.pos_embedding = nn.Parameter(torch.randn(1, max_len, d_model) * 0.02)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_ff, dropout, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, 1)
        self.d_model = d_model

    def forward(self, src):
        L = src.size(1)
        mask = nn.Transformer.generate_square_subsequent_mask(L)
        h = self.input_proj(src) * math.sqrt(self.d_model) + self.pos_embedding[:, :L]
        h = self.encoder(h, mask=mask, is_causal=True)
        return self.head(h)


mask = nn.Transformer.generate_square_subsequent_mask(4)
print("mask float", mask.dtype == torch.float32, mask.tolist())

model = TimeSeriesTransformer()
print("params", sum(p.numel() for p in model.parameters() if p.requires_grad))
criterion = nn.MSELoss()
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.5)


def metrics(pred, true):
    err = pred - true
    mae = err.abs().mean()
    mse = (err ** 2).mean()
    mape = (err.abs() / true.abs().clamp(min=1e-8)).mean() * 100
    smape = (2 * err.abs() / (pred.abs() + true.abs())).mean() * 100
    return mae.item(), mse.item(), math.sqrt(mse.item()), mape.item(), smape.item()


for epoch in range(1, 9):
    model.train()
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        optimizer.step()
        total += loss.item() * xb.size(0)
    scheduler.step()
    model.eval()
    with torch.no_grad():
        val_loss = criterion(model(Xv)[:, -1], Yv[:, -1]).item()
    if epoch % 2 == 0:
        print("epoch %d | train %.6f | val last-step %.6f | lr %.6f" % (epoch, total / len(X), val_loss,
                                                                        scheduler.get_last_lr()[0]))

model.eval()
with torch.no_grad():
    one_step = model(Xv)[:, -1, 0] * (hi - lo) + lo
    true_next = Yv[:, -1, 0] * (hi - lo) + lo
print("one-step  MAE %.4f MSE %.4f RMSE %.4f MAPE %.3f%% sMAPE %.3f%%" % metrics(one_step, true_next))

# autoregressive rollout over the held-out horizon
with torch.no_grad():
    context = scaled[train_end - window:train_end].view(1, window, 1)
    preds = []
    for _ in range(horizon):
        nxt = model(context)[:, -1:, :]
        preds.append(nxt.item())
        context = torch.cat([context[:, 1:], nxt], dim=1)
forecast = torch.tensor(preds) * (hi - lo) + lo
actual = series[train_end:train_end + horizon]
naive = series[train_end - 24:train_end - 24 + horizon]
print("rollout   MAE %.4f MSE %.4f RMSE %.4f MAPE %.3f%% sMAPE %.3f%%" % metrics(forecast, actual))
print("s-naive   MAE %.4f MSE %.4f RMSE %.4f MAPE %.3f%% sMAPE %.3f%%" % metrics(naive, actual))
print("forecast[:6] " + " ".join("%.3f" % v for v in forecast[:6].tolist()))
mase = (forecast - actual).abs().mean() / (series[24:train_end] - series[:train_end - 24]).abs().mean()
print("MASE %.4f" % mase.item())
