"""A DSP notebook without FFTs: the window functions (torch.*_window, periodic and symmetric, and
torch.signal.windows), windowed-sinc FIR design, filtering by conv1d with reflect/replicate padding,
moving averages by avg_pool1d and cumsum, framing by unfold, histc/histogram/histogramdd of the
output, and a learnable FIR filter fitted by Adam."""

import math

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.set_printoptions(precision=5, sci_mode=False)

for name, fn in [("hann", torch.hann_window), ("hamming", torch.hamming_window), ("blackman", torch.blackman_window),
                 ("bartlett", torch.bartlett_window)]:
    print(name, "periodic", fn(6))
    print(name, "symmetric", fn(6, periodic=False))
print("kaiser", torch.kaiser_window(7, periodic=False, beta=8.0), torch.kaiser_window(5))
print("hamming alpha/beta", torch.hamming_window(5, periodic=False, alpha=0.5, beta=0.5))
print("float64 window", torch.hann_window(4, dtype=torch.float64))
W = torch.signal.windows
print("signal.windows", W.gaussian(5, std=1.2), W.exponential(5, tau=2.0), W.cosine(4), W.nuttall(5))
print("general", W.general_hamming(5, alpha=0.6), W.general_cosine(5, a=[0.5, 0.5]), W.kaiser(5, beta=4.0))
print("sym flag", W.hann(5, sym=False), W.blackman(5), W.bartlett(6), W.hamming(4, sym=False))

n = torch.arange(200, dtype=torch.float32)
clean = torch.sin(2 * math.pi * 0.02 * n)
noisy = clean + 0.5 * torch.sin(2 * math.pi * 0.31 * n) + 0.2 * torch.cos(2 * math.pi * 0.45 * n)

taps = 31
m = torch.arange(taps, dtype=torch.float32) - (taps - 1) / 2
cutoff = 0.08
h = 2 * cutoff * torch.sinc(2 * cutoff * m) * torch.hamming_window(taps, periodic=False)
h = h / h.sum()
print("fir taps", h[:5], h.sum())
for mode in ["reflect", "replicate", "circular", "constant"]:
    padded = F.pad(noisy.view(1, 1, -1), (taps // 2, taps // 2), mode=mode)
    filtered = F.conv1d(padded, h.flip(0).view(1, 1, -1)).view(-1)
    err = (filtered - clean).pow(2).mean().sqrt()
    print(f"{mode:9s} rmse {err.item():.6f} edge {filtered[0].item():.5f} {filtered[-1].item():.5f}")

ma_pool = F.avg_pool1d(noisy.view(1, 1, -1), 5, stride=1).view(-1)
cs = torch.cumsum(torch.cat([torch.zeros(1), noisy]), 0)
ma_cumsum = (cs[5:] - cs[:-5]) / 5
print("moving average agree", torch.allclose(ma_pool, ma_cumsum, atol=1e-5), ma_pool[:4])
frames = noisy.unfold(0, 32, 16) * torch.hann_window(32)
energy = frames.pow(2).sum(1)
print("frames", tuple(frames.shape), energy[:5])
zc = ((noisy[1:] * noisy[:-1]) < 0).sum()
print("zero crossings", zc.item())

print("histc", torch.histc(noisy, bins=6, min=-2, max=2))
hist, edges = torch.histogram(noisy, bins=5, range=(-1.5, 1.5), density=True)
print("histogram density", hist, edges)
hw, he = torch.histogram(noisy, torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0]), weight=torch.linspace(0, 1, 200))
print("weighted bins", hw, he)
pairs = torch.stack([noisy[:-1], noisy[1:]], dim=1)
hdd = torch.histogramdd(pairs, bins=[3, 2], range=[-2.0, 2.0, -2.0, 2.0])
print("histogramdd", hdd.hist, [e.tolist() for e in hdd.bin_edges])
print("bincount", torch.bincount(torch.bucketize(noisy, torch.tensor([-1.0, 0.0, 1.0]))), torch.bucketize(torch.tensor([0.0, 1.0]), torch.tensor([-1.0, 0.0, 1.0]), right=True))

torch.manual_seed(0)
learned = torch.zeros(taps, requires_grad=True)
opt = torch.optim.Adam([learned], lr=0.01)
x_in = F.pad(noisy.view(1, 1, -1), (taps // 2, taps // 2), mode="reflect")
for step in range(60):
    opt.zero_grad()
    out = F.conv1d(x_in, learned.view(1, 1, -1)).view(-1)
    loss = F.mse_loss(out, clean)
    loss.backward()
    opt.step()
    if step % 15 == 14:
        print(f"fir fit step {step + 1} | loss {loss.item():.6f} | tap sum {learned.sum().item():.5f}")
