"""Long-term series forecasting in the style of the LTSF-Linear and PatchTST repositories: a
sliding-window Dataset over a synthetic multivariate series (StandardScaler fitted on the train split),
DLinear (moving_avg by replicating the ends with repeat and AvgPool1d, series_decomp, individual
per-channel Linear layers in an nn.ModuleList, permute(0, 2, 1)), NLinear (subtract the last value),
RevIN (instance mean/stdev with affine weight/bias, denorm dividing by affine_weight + eps*eps),
PatchTST (ReplicationPad1d end padding, x.unfold(dimension=-1, size=patch_len, step=stride), a learned
positional parameter, nn.TransformerEncoder with batch_first and norm_first, a flatten head), trained
with Adam and an MSE loss, evaluated with MAE/MSE/RSE/CORR metrics in numpy."""

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.set_num_threads(1)
torch.manual_seed(0)
rng = np.random.default_rng(0)

T, C = 900, 3
t = np.arange(T)
series = np.stack([np.sin(2 * np.pi * t / 24) + 0.01 * t / 10,
                   np.cos(2 * np.pi * t / 12) * (1 + 0.3 * np.sin(2 * np.pi * t / 200)),
                   0.5 * np.sin(2 * np.pi * t / 48) + 0.2 * np.sin(2 * np.pi * t / 7)], axis=1)
series = series + 0.1 * rng.standard_normal(series.shape)
n_train, n_val = int(T * 0.7), int(T * 0.1)
mean, std = series[:n_train].mean(0), series[:n_train].std(0)
data = ((series - mean) / std).astype(np.float32)
print("scaled train mean", np.round(data[:n_train].mean(0), 6), "std", np.round(data[:n_train].std(0), 6))

SEQ, PRED = 48, 12


class WindowDataset(Dataset):
    def __init__(self, flag):
        border1s = [0, n_train - SEQ, n_train + n_val - SEQ]
        border2s = [n_train, n_train + n_val, T]
        i = {"train": 0, "val": 1, "test": 2}[flag]
        self.data_x = data[border1s[i]:border2s[i]]

    def __getitem__(self, index):
        s_end = index + SEQ
        return self.data_x[index:s_end], self.data_x[s_end:s_end + PRED]

    def __len__(self):
        return len(self.data_x) - SEQ - PRED + 1


class moving_avg(nn.Module):
    def __init__(self, kernel_size, stride):
        super().__init__()
        self.kernel_size = kernel_size
        self.avg = nn.AvgPool1d(kernel_size=kernel_size, stride=stride, padding=0)

    def forward(self, x):
        front = x[:, 0:1, :].repeat(1, (self.kernel_size - 1) // 2, 1)
        end = x[:, -1:, :].repeat(1, (self.kernel_size - 1) // 2, 1)
        x = torch.cat([front, x, end], dim=1)
        x = self.avg(x.permute(0, 2, 1))
        return x.permute(0, 2, 1)


class series_decomp(nn.Module):
    def __init__(self, kernel_size):
        super().__init__()
        self.moving_avg = moving_avg(kernel_size, stride=1)

    def forward(self, x):
        moving_mean = self.moving_avg(x)
        return x - moving_mean, moving_mean


class DLinear(nn.Module):
    def __init__(self, individual):
        super().__init__()
        self.decompsition = series_decomp(25)
        self.individual = individual
        if individual:
            self.Linear_Seasonal = nn.ModuleList([nn.Linear(SEQ, PRED) for _ in range(C)])
            self.Linear_Trend = nn.ModuleList([nn.Linear(SEQ, PRED) for _ in range(C)])
        else:
            self.Linear_Seasonal = nn.Linear(SEQ, PRED)
            self.Linear_Trend = nn.Linear(SEQ, PRED)
            self.Linear_Seasonal.weight = nn.Parameter((1 / SEQ) * torch.ones([PRED, SEQ]))
            self.Linear_Trend.weight = nn.Parameter((1 / SEQ) * torch.ones([PRED, SEQ]))

    def forward(self, x):
        seasonal_init, trend_init = self.decompsition(x)
        seasonal_init, trend_init = seasonal_init.permute(0, 2, 1), trend_init.permute(0, 2, 1)
        if self.individual:
            seasonal_output = torch.zeros([seasonal_init.size(0), seasonal_init.size(1), PRED],
                                          dtype=seasonal_init.dtype).to(seasonal_init.device)
            trend_output = torch.zeros_like(seasonal_output)
            for i in range(C):
                seasonal_output[:, i, :] = self.Linear_Seasonal[i](seasonal_init[:, i, :])
                trend_output[:, i, :] = self.Linear_Trend[i](trend_init[:, i, :])
        else:
            seasonal_output = self.Linear_Seasonal(seasonal_init)
            trend_output = self.Linear_Trend(trend_init)
        return (seasonal_output + trend_output).permute(0, 2, 1)


class NLinear(nn.Module):
    def __init__(self):
        super().__init__()
        self.Linear = nn.Linear(SEQ, PRED)

    def forward(self, x):
        seq_last = x[:, -1:, :].detach()
        x = x - seq_last
        x = self.Linear(x.permute(0, 2, 1)).permute(0, 2, 1)
        return x + seq_last


class RevIN(nn.Module):
    def __init__(self, num_features, eps=1e-5, affine=True):
        super().__init__()
        self.num_features, self.eps, self.affine = num_features, eps, affine
        if self.affine:
            self.affine_weight = nn.Parameter(torch.ones(self.num_features))
            self.affine_bias = nn.Parameter(torch.zeros(self.num_features))

    def forward(self, x, mode):
        if mode == "norm":
            dim2reduce = tuple(range(1, x.ndim - 1))
            self.mean = torch.mean(x, dim=dim2reduce, keepdim=True).detach()
            self.stdev = torch.sqrt(torch.var(x, dim=dim2reduce, keepdim=True, unbiased=False) + self.eps).detach()
            x = (x - self.mean) / self.stdev
            if self.affine:
                x = x * self.affine_weight + self.affine_bias
        elif mode == "denorm":
            if self.affine:
                x = (x - self.affine_bias) / (self.affine_weight + self.eps * self.eps)
            x = x * self.stdev + self.mean
        else:
            raise NotImplementedError
        return x


class PatchTST(nn.Module):
    def __init__(self, patch_len=8, stride=4, d_model=32, n_heads=4, d_ff=64, n_layers=2):
        super().__init__()
        self.patch_len, self.stride = patch_len, stride
        self.revin = RevIN(C)
        self.padding_patch_layer = nn.ReplicationPad1d((0, stride))
        patch_num = (SEQ - patch_len) // stride + 1 + 1
        self.W_P = nn.Linear(patch_len, d_model)
        self.W_pos = nn.Parameter(torch.empty(patch_num, d_model).uniform_(-0.02, 0.02))
        layer = nn.TransformerEncoderLayer(d_model, n_heads, d_ff, dropout=0.0, batch_first=True,
                                           norm_first=True, activation="gelu")
        self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.flatten = nn.Flatten(start_dim=-2)
        self.head = nn.Linear(d_model * patch_num, PRED)
        self.patch_num = patch_num

    def forward(self, x):
        x = self.revin(x, "norm").permute(0, 2, 1)
        x = self.padding_patch_layer(x)
        x = x.unfold(dimension=-1, size=self.patch_len, step=self.stride)
        bs, nvars = x.shape[0], x.shape[1]
        u = self.W_P(x)
        u = torch.reshape(u, (bs * nvars, u.shape[2], u.shape[3])) + self.W_pos
        z = self.encoder(u)
        z = torch.reshape(z, (-1, nvars, z.shape[-2], z.shape[-1]))
        z = self.head(self.flatten(z))
        return self.revin(z.permute(0, 2, 1), "denorm")


def RSE(pred, true):
    return np.sqrt(np.sum((true - pred) ** 2)) / np.sqrt(np.sum((true - true.mean()) ** 2))


def CORR(pred, true):
    u = ((true - true.mean(0)) * (pred - pred.mean(0))).sum(0)
    d = np.sqrt(((true - true.mean(0)) ** 2 * (pred - pred.mean(0)) ** 2).sum(0))
    return (u / d).mean()


def evaluate(model, loader):
    model.eval()
    preds, trues = [], []
    with torch.no_grad():
        for bx, by in loader:
            preds.append(model(bx).numpy())
            trues.append(by.numpy())
    p, tr = np.concatenate(preds), np.concatenate(trues)
    return np.mean(np.abs(p - tr)), np.mean((p - tr) ** 2), RSE(p, tr), CORR(p, tr)


train_set, val_set, test_set = WindowDataset("train"), WindowDataset("val"), WindowDataset("test")
print("windows", len(train_set), len(val_set), len(test_set))
bx, by = next(iter(DataLoader(train_set, batch_size=4)))
print("batch", tuple(bx.shape), tuple(by.shape), bx.dtype)
dec = series_decomp(25)
res, trend = dec(bx)
print("decomp residual+trend == x:", torch.allclose(res + trend, bx), f"trend mean {trend.mean().item():.6f}")
rv = RevIN(C)
xn = rv(bx, "norm")
print(f"revin norm mean below 1e-6: {xn.mean(1).abs().max().item() < 1e-6}, std {xn.std(1, unbiased=False).mean().item():.5f}")
print(f"revin roundtrip below 1e-6: {(rv(xn, 'denorm') - bx).abs().max().item() < 1e-6}")
xp = nn.ReplicationPad1d((0, 4))(bx.permute(0, 2, 1))
patches = xp.unfold(dimension=-1, size=8, step=4)
print("patches", tuple(patches.shape), "stride", patches.stride(), f"last {patches[0, 0, -1].tolist()[-3:]}")

for name, make in [("DLinear", lambda: DLinear(False)), ("DLinear-ind", lambda: DLinear(True)),
                   ("NLinear", NLinear), ("PatchTST", PatchTST)]:
    torch.manual_seed(1)
    model = make()
    n_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3 if name != "PatchTST" else 1e-3)
    g = torch.Generator().manual_seed(2)
    loader = DataLoader(train_set, batch_size=32, shuffle=True, generator=g, drop_last=True)
    for epoch in range(3 if name != "PatchTST" else 2):
        model.train()
        losses = []
        for bx, by in loader:
            opt.zero_grad()
            loss = nn.functional.mse_loss(model(bx), by)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        vmae, vmse, _, _ = evaluate(model, DataLoader(val_set, batch_size=64))
        print(f"{name} ({n_params} params) epoch {epoch} train {np.average(losses):.5f} val mse {vmse:.5f}")
    mae, mse, rse, corr = evaluate(model, DataLoader(test_set, batch_size=64))
    print(f"{name} test mse:{mse:.5f}, mae:{mae:.5f}, rse:{rse:.5f}, corr:{corr:.5f}")
