"""The 2-D Ising model three ways, as statistical-physics-with-torch notebooks write it: checkerboard
Metropolis sweeps whose local fields come from a conv2d on circularly padded lattices (F.pad
mode='circular', checked against torch.roll), magnetisation and energy statistics with a seeded generator,
exact enumeration of the 3x3 partition function, and a variational autoregressive network (masked
convolutions as in PixelCNN, Wu et al. 2019) trained by REINFORCE on the variational free energy with a
baseline, sampled site by site, compared with the exact free energy."""

import itertools

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
gen = torch.Generator().manual_seed(0)
KERNEL = torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]).view(1, 1, 3, 3)


def neighbour_sum(s):  # s: (B, 1, L, L) of +-1
    return F.conv2d(F.pad(s, (1, 1, 1, 1), mode="circular"), KERNEL)


def energy(s):
    return -(s * neighbour_sum(s)).sum((1, 2, 3)) / 2


s = torch.randint(0, 2, (2, 1, 5, 5), generator=gen).float() * 2 - 1
rolled = sum(torch.roll(s, shift, dims) for shift, dims in [(1, 2), (-1, 2), (1, 3), (-1, 3)])
print("circular conv equals rolls", torch.equal(neighbour_sum(s), rolled), "energies", energy(s).tolist())

L = 8
checker = ((torch.arange(L).view(-1, 1) + torch.arange(L).view(1, -1)) % 2).bool()


def sweep(s, beta):
    for parity in (checker, ~checker):
        dE = 2 * s * neighbour_sum(s)
        accept = torch.rand(s.shape, generator=gen) < torch.exp(-beta * dE)
        s = torch.where(accept & parity, -s, s)
    return s


for T in (1.5, 2.27, 3.5):
    beta = 1 / T
    s = torch.ones(16, 1, L, L)
    mags, ens = [], []
    for it in range(30):
        s = sweep(s, beta)
        if it >= 10:
            mags.append(s.mean((1, 2, 3)).abs())
            ens.append(energy(s) / L ** 2)
    m, e = torch.stack(mags), torch.stack(ens)
    print(f"T {T}: |m| {m.mean().item():.4f} energy/site {e.mean().item():.4f} "
          f"specific heat {(beta ** 2 * L ** 2 * e.var()).item():.4f}")

# exact free energy of the 3x3 periodic lattice
n = 3
configs = torch.tensor(list(itertools.product([-1.0, 1.0], repeat=n * n))).view(-1, 1, n, n)
E_all = energy(configs)
beta = 0.4
logZ = torch.logsumexp(-beta * E_all, 0)
print(f"3x3 exact: configurations {len(configs)} log Z {logZ.item():.6f} free energy/site "
      f"{(-logZ / (beta * n * n)).item():.6f}")


class MaskedConv2d(nn.Conv2d):
    def __init__(self, *args, exclusive, **kwargs):
        super().__init__(*args, **kwargs)
        k = self.kernel_size[0]
        mask = torch.ones_like(self.weight)
        mask[:, :, k // 2, k // 2 + (0 if exclusive else 1):] = 0
        mask[:, :, k // 2 + 1:] = 0
        self.register_buffer("mask", mask)

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias, padding=self.padding)


class VAN(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.net = nn.Sequential(MaskedConv2d(1, hidden, 3, padding=1, exclusive=True), nn.PReLU(hidden),
                                 MaskedConv2d(hidden, hidden, 3, padding=1, exclusive=False), nn.PReLU(hidden),
                                 MaskedConv2d(hidden, 1, 3, padding=1, exclusive=False), nn.Sigmoid())

    def forward(self, s):
        return self.net(s)  # probability that each spin is +1, given the spins before it

    @torch.no_grad()
    def sample(self, batch):
        s = torch.zeros(batch, 1, n, n)
        for i in range(n):
            for j in range(n):
                p = self.forward(s)[:, :, i, j]
                s[:, :, i, j] = torch.bernoulli(p, generator=gen) * 2 - 1
        return s

    def log_prob(self, s):
        p = self.forward(s).clamp(1e-7, 1 - 1e-7)
        x = (s + 1) / 2
        return (x * p.log() + (1 - x) * (1 - p).log()).sum((1, 2, 3))


van = VAN()
print("mask of the first layer", van.net[0].mask[0, 0].int().tolist())
probe = torch.zeros(1, 1, n, n, requires_grad=True)
van(probe)[0, 0, 1, 1].backward()
print("receptive field of site (1,1)", (probe.grad[0, 0] != 0).int().tolist())
opt = torch.optim.Adam(van.parameters(), lr=1e-2)
for step in range(15):
    s = van.sample(32)
    log_q = van.log_prob(s)
    with torch.no_grad():
        f = log_q / beta + energy(s)  # the variational free energy per sample (times beta: nats)
    loss = ((f - f.mean()) * log_q).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 5 == 4:
        print(f"van step {step + 1} | free energy/site {(f.mean() / (n * n)).item():.5f} | "
              f"exact {(-logZ / (beta * n * n)).item():.5f}")
with torch.no_grad():
    exact_log_q = van.log_prob(configs)
    print(f"van total probability {exact_log_q.exp().sum().item():.5f} | exact KL "
          f"{(exact_log_q.exp() * (exact_log_q + beta * E_all + logZ)).sum().item():.5f}")
