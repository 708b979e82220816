"""A 1-D CNN audio-style classifier on synthetic waveforms: chirps, square waves, noise bursts and
AM tones, hand-made framed features without torch.stft (unfold frames, a Hann window, a DFT matrix
built from cos/sin, log power, mean/var normalization over time), a raw-waveform Conv1d branch with
strides/dilation/groups, pooling variants, and training with label smoothing and a StepLR schedule."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
SR, L = 800, 640


def make(kind, n, g):
    t = torch.arange(L) / SR
    f0 = 20 + 60 * torch.rand(n, 1, generator=g)
    if kind == 0:
        x = torch.sin(2 * math.pi * (f0 * t + 40 * t ** 2))
    elif kind == 1:
        x = torch.sign(torch.sin(2 * math.pi * f0 * t))
    elif kind == 2:
        env = ((t * 5) % 1 < 0.3).float()
        x = env * torch.randn(n, L, generator=g)
    else:
        x = (1 + 0.8 * torch.sin(2 * math.pi * 3 * t)) * torch.sin(2 * math.pi * f0 * t)
    return x + 0.1 * torch.randn(n, L, generator=g)


g = torch.Generator().manual_seed(7)
X = torch.cat([make(k, 40, g) for k in range(4)])
Y = torch.arange(4).repeat_interleave(40)
print("waves", tuple(X.shape), X.dtype, "rms", [round(v, 4) for v in X.pow(2).mean(1).sqrt()[::40].tolist()])

N_FFT, HOP = 64, 32
window = torch.hann_window(N_FFT)
print("hann", [round(v, 5) for v in window[:4].tolist()], torch.hann_window(5, periodic=False).tolist())
k = torch.arange(N_FFT // 2 + 1).unsqueeze(1)
n = torch.arange(N_FFT).unsqueeze(0)
ang = 2 * math.pi * k * n / N_FFT
cos_m, sin_m = torch.cos(ang), -torch.sin(ang)


def features(x):
    frames = F.pad(x, (N_FFT // 2, N_FFT // 2), mode="reflect" if x.dim() == 3 else "constant")
    frames = frames.unfold(-1, N_FFT, HOP) * window
    re, im = frames @ cos_m.T, frames @ sin_m.T
    power = re ** 2 + im ** 2
    logp = torch.log1p(power)
    mu, var = logp.mean(dim=-2, keepdim=True), logp.var(dim=-2, keepdim=True, unbiased=False)
    return ((logp - mu) / (var + 1e-5).sqrt()).transpose(-1, -2)


feat = features(X.unsqueeze(1)).squeeze(1)
print("features", tuple(feat.shape), abs(feat.mean().item()) < 1e-5, round(feat.std().item(), 4))
seg = X[:1, :N_FFT] * window
mine = seg @ cos_m.T
direct = (seg * torch.cos(2 * math.pi * 5 * torch.arange(N_FFT) / N_FFT)).sum()
print("dft bin 5 matches direct sum:", torch.allclose(mine[0, 5], direct, atol=1e-4))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.raw = nn.Sequential(
            nn.Conv1d(1, 8, 9, stride=4, padding=4), nn.BatchNorm1d(8), nn.GELU(),
            nn.Conv1d(8, 8, 5, dilation=2, padding=4, groups=4), nn.ReLU(),
            nn.MaxPool1d(3, stride=2, ceil_mode=True), nn.AdaptiveAvgPool1d(8))
        self.spec = nn.Sequential(nn.Conv1d(33, 16, 3, padding="same"), nn.ReLU(), nn.AdaptiveMaxPool1d(1))
        self.head = nn.Linear(8 * 8 + 16, 4)

    def forward(self, x):
        a = self.raw(x.unsqueeze(1)).flatten(1)
        b = self.spec(features(x.unsqueeze(1)).squeeze(1)).squeeze(-1)
        return self.head(torch.cat([a, b], 1))


model = Net()
print("params", sum(p.numel() for p in model.parameters()), model.raw[3])
with torch.no_grad():
    print("raw out", tuple(model.raw(X[:2].unsqueeze(1)).shape))
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
crit = nn.CrossEntropyLoss(label_smoothing=0.1)
for epoch in range(5):
    model.train()
    perm = torch.randperm(len(X))
    tot = 0.0
    for i in range(0, len(X), 32):
        idx = perm[i:i + 32]
        loss = crit(model(X[idx]), Y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item()
    sched.step()
    model.eval()
    with torch.no_grad():
        pred = model(X).argmax(1)
    acc = (pred == Y).float().mean().item()
    print(f"epoch {epoch} loss {tot / 5:.4f} acc {acc:.4f} lr {sched.get_last_lr()[0]:.4f}")
cm = torch.zeros(4, 4, dtype=torch.long)
cm.index_put_((Y, pred), torch.ones_like(Y), accumulate=True)
print(cm)
print("per class", (cm.diag().float() / cm.sum(1)).tolist())
