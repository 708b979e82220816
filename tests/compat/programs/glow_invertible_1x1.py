"""Glow's building blocks on 4x4 toy images, as the Glow re-implementations write them (Kingma & Dhariwal
2018): ActNorm with data-dependent initialisation through a registered buffer flag, the invertible 1x1
convolution in both forms (a dense weight with torch.linalg.slogdet, and the LU-decomposed weight built
from torch.linalg.lu with a fixed permutation, sign buffer and log-scale diagonal), squeeze/unsqueeze by
reshape and permute, an affine coupling with a zero-initialised output conv, exact inversion checks and
training in bits per dimension."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


def squeeze2d(x):
    b, c, h, w = x.shape
    x = x.view(b, c, h // 2, 2, w // 2, 2).permute(0, 1, 3, 5, 2, 4)
    return x.reshape(b, c * 4, h // 2, w // 2)


def unsqueeze2d(x):
    b, c, h, w = x.shape
    x = x.view(b, c // 4, 2, 2, h, w).permute(0, 1, 4, 2, 5, 3)
    return x.reshape(b, c // 4, h * 2, w * 2)


class ActNorm(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.loc = nn.Parameter(torch.zeros(1, c, 1, 1))
        self.logs = nn.Parameter(torch.zeros(1, c, 1, 1))
        self.register_buffer("initialized", torch.tensor(0, dtype=torch.uint8))

    @torch.no_grad()
    def initialize(self, x):
        mean = x.mean(dim=(0, 2, 3), keepdim=True)
        std = x.std(dim=(0, 2, 3), keepdim=True)
        self.loc.data.copy_(-mean)
        self.logs.data.copy_(torch.log(1.0 / (std + 1e-6)))
        self.initialized.fill_(1)

    def forward(self, x, reverse=False):
        if self.initialized.item() == 0:
            self.initialize(x)
        hw = x.shape[2] * x.shape[3]
        if reverse:
            return x * torch.exp(-self.logs) - self.loc, -hw * self.logs.sum()
        return (x + self.loc) * torch.exp(self.logs), hw * self.logs.sum()


class InvConv(nn.Module):
    def __init__(self, c):
        super().__init__()
        q, _ = torch.linalg.qr(torch.randn(c, c))
        self.weight = nn.Parameter(q)

    def forward(self, x, reverse=False):
        hw = x.shape[2] * x.shape[3]
        logdet = hw * torch.linalg.slogdet(self.weight)[1]
        if reverse:
            w = torch.inverse(self.weight)
            return F.conv2d(x, w.view(*w.shape, 1, 1)), -logdet
        return F.conv2d(x, self.weight.view(*self.weight.shape, 1, 1)), logdet


class InvConvLU(nn.Module):
    def __init__(self, c):
        super().__init__()
        q, _ = torch.linalg.qr(torch.randn(c, c))
        p, l, u = torch.linalg.lu(q)
        s = torch.diagonal(u)
        self.register_buffer("p", p)
        self.register_buffer("sign_s", torch.sign(s))
        self.register_buffer("l_mask", torch.tril(torch.ones(c, c), -1))
        self.register_buffer("eye", torch.eye(c))
        self.l = nn.Parameter(l)
        self.log_s = nn.Parameter(torch.log(torch.abs(s)))
        self.u = nn.Parameter(torch.triu(u, 1))

    def weight(self):
        l = self.l * self.l_mask + self.eye
        u = self.u * self.l_mask.T + torch.diag(self.sign_s * torch.exp(self.log_s))
        return self.p @ l @ u

    def forward(self, x, reverse=False):
        hw = x.shape[2] * x.shape[3]
        w = self.weight()
        if reverse:
            w = torch.inverse(w)
            return F.conv2d(x, w.unsqueeze(2).unsqueeze(3)), -hw * self.log_s.sum()
        return F.conv2d(x, w.unsqueeze(2).unsqueeze(3)), hw * self.log_s.sum()


class ZeroConv(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.conv.weight.data.zero_()
        self.conv.bias.data.zero_()
        self.scale = nn.Parameter(torch.zeros(1, cout, 1, 1))

    def forward(self, x):
        return self.conv(x) * torch.exp(self.scale * 3)


class Coupling(nn.Module):
    def __init__(self, c, hidden=16):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(c // 2, hidden, 3, padding=1), nn.ReLU(),
                                 nn.Conv2d(hidden, hidden, 1), nn.ReLU(), ZeroConv(hidden, c))

    def forward(self, x, reverse=False):
        xa, xb = x.chunk(2, dim=1)
        log_s, t = self.net(xa).chunk(2, dim=1)
        s = torch.sigmoid(log_s + 2.0)
        logdet = torch.log(s).flatten(1).sum(1)
        if reverse:
            return torch.cat([xa, xb / s - t], 1), -logdet
        return torch.cat([xa, (xb + t) * s], 1), logdet


class FlowStep(nn.Module):
    def __init__(self, c, lu):
        super().__init__()
        self.layers = nn.ModuleList([ActNorm(c), InvConvLU(c) if lu else InvConv(c), Coupling(c)])

    def forward(self, x, reverse=False):
        total = 0.0
        for layer in (reversed(self.layers) if reverse else self.layers):
            x, ld = layer(x, reverse)
            total = total + ld
        return x, total


class Glow(nn.Module):
    def __init__(self, steps=2, lu=False):
        super().__init__()
        self.steps = nn.ModuleList([FlowStep(4, lu) for _ in range(steps)])

    def forward(self, x):
        z, logdet = squeeze2d(x), torch.zeros(x.shape[0])
        for step in self.steps:
            z, ld = step(z)
            logdet = logdet + ld
        return z, logdet

    def reverse(self, z):
        for step in reversed(self.steps):
            z, _ = step(z, reverse=True)
        return unsqueeze2d(z)


def bits_per_dim(z, logdet, n_bins=32):
    d = z[0].numel()
    log_pz = (-0.5 * (z ** 2 + math.log(2 * math.pi))).flatten(1).sum(1)
    ll = log_pz + logdet - d * math.log(n_bins)
    return (-ll / (d * math.log(2.0))).mean()


# data: 1-channel 4x4 "images" (blurred bars), dequantized to 5 bits
base = torch.zeros(6, 1, 4, 4)
for i in range(6):
    base[i, 0, i % 4, :] = 1.0
    base[i, 0, :, (i + 1) % 4] += 0.5
data = torch.floor(base.clamp(0, 1) * 31) / 32

x = torch.arange(32.0).view(2, 1, 4, 4)
print("squeeze shape", tuple(squeeze2d(x).shape), "round trip", torch.equal(unsqueeze2d(squeeze2d(x)), x))
print("squeeze first channel", squeeze2d(x)[0, :, 0, 0].tolist())

for lu in (False, True):
    torch.manual_seed(1)
    model = Glow(steps=2, lu=lu)
    name = "lu" if lu else "dense"
    batch = data + torch.rand(data.shape) / 32 - 0.5
    z, ld = model(batch)
    inits = [s.layers[0].initialized.item() for s in model.steps]
    print(f"{name}: initialized {inits} z mean {z.mean().item():.5f} z std {z.std().item():.5f}")
    print(f"{name}: buffers {sorted(k for k, _ in model.named_buffers())[:4]}")
    print(f"{name}: state_dict keys {len(model.state_dict())} params {sum(p.numel() for p in model.parameters())}")
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    for it in range(12):
        batch = data + torch.rand(data.shape) / 32 - 0.5
        z, ld = model(batch)
        loss = bits_per_dim(z, ld)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        if it % 4 == 0 or it == 11:
            print(f"{name} it {it:2d} | bpd {loss.item():.5f}")
    with torch.no_grad():
        z, ld = model(batch)
        back = model.reverse(z)
        print(f"{name}: inverse max err < 1e-4 {(back - batch).abs().max().item() < 1e-4}")
        samples = model.reverse(torch.randn(3, 4, 2, 2) * 0.7)
        print(f"{name}: sample mean {samples.mean().item():.5f} std {samples.std().item():.5f}")
    if lu:
        w = model.steps[0].layers[1].weight()
        sign, logabs = torch.linalg.slogdet(w)
        print(f"lu: slogdet sign {sign.item():.1f} logabs {logabs.item():.5f} "
              f"sum log_s {model.steps[0].layers[1].log_s.sum().item():.5f}")
        lu_f, piv = torch.linalg.lu_factor(w.detach())
        print("lu: pivots", piv.tolist(), "det via lu", f"{torch.prod(torch.diagonal(lu_f)).abs().log().item():.5f}")
