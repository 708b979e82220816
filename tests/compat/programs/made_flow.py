"""Karpathy's pytorch-made (MaskedLinear with a mask buffer set by set_mask,
MADE with connectivity masks drawn by a seeded numpy RandomState, several
orderings cycled during training) and a masked autoregressive flow built from
it, as the normalizing-flows posts write one: affine MADE layers with reversed
orderings, log-det accumulation, a Normal base distribution, sampling by
inverting one dimension at a time, on fixed 2-D data (two moons). Weights are
seeded: every number agrees."""

import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1)


class MaskedLinear(nn.Linear):
    """ same as Linear except has a configurable mask on the weights """

    def __init__(self, in_features, out_features, bias=True):
        super().__init__(in_features, out_features, bias)
        self.register_buffer('mask', torch.ones(out_features, in_features))

    def set_mask(self, mask):
        self.mask.data.copy_(torch.from_numpy(mask.astype(np.uint8).T))

    def forward(self, input):
        return F.linear(input, self.mask * self.weight, self.bias)


class MADE(nn.Module):
    def __init__(self, nin, hidden_sizes, nout, num_masks=1, natural_ordering=False):
        super().__init__()
        self.nin = nin
        self.nout = nout
        self.hidden_sizes = hidden_sizes
        assert self.nout % self.nin == 0, "nout must be integer multiple of nin"

        self.net = []
        hs = [nin] + hidden_sizes + [nout]
        for h0, h1 in zip(hs, hs[1:]):
            self.net.extend([
                MaskedLinear(h0, h1),
                nn.ReLU(),
            ])
        self.net.pop()  # pop the last ReLU for the output layer
        self.net = nn.Sequential(*self.net)

        self.natural_ordering = natural_ordering
        self.num_masks = num_masks
        self.seed = 0  # for cycling through num_masks orderings

        self.m = {}
        self.update_masks()  # builds the initial self.m connectivity

    def update_masks(self):
        if self.m and self.num_masks == 1:
            return  # only a single seed, skip for efficiency
        L = len(self.hidden_sizes)

        rng = np.random.RandomState(self.seed)
        self.seed = (self.seed + 1) % self.num_masks

        self.m[-1] = np.arange(self.nin) if self.natural_ordering else rng.permutation(self.nin)
        for l in range(L):
            self.m[l] = rng.randint(self.m[l - 1].min(), self.nin - 1, size=self.hidden_sizes[l])

        masks = [self.m[l - 1][:, None] <= self.m[l][None, :] for l in range(L)]
        masks.append(self.m[L - 1][:, None] < self.m[-1][None, :])

        if self.nout > self.nin:
            k = int(self.nout / self.nin)
            masks[-1] = np.concatenate([masks[-1]] * k, axis=1)

        layers = [l for l in self.net.modules() if isinstance(l, MaskedLinear)]
        for l, m in zip(layers, masks):
            l.set_mask(m)

    def forward(self, x):
        return self.net(x)


# check the autoregressive property by the Jacobian's sparsity, as pytorch-made's check_masks
nin = 6
model = MADE(nin, [24, 24], nin * 2, num_masks=2)
x = torch.cos(torch.arange(nin * 2, dtype=torch.float32)).reshape(2, nin)
res = []
for k in range(nin * 2):
    xtr = x.clone().requires_grad_(True)
    out = model(xtr)
    loss = out[0, k]
    loss.backward()
    depends = (xtr.grad[0] != 0).numpy().astype(np.uint8)
    depends_ix = list(np.where(depends)[0])
    isok = k % nin not in depends_ix
    res.append((len(depends_ix), k, depends_ix, isok))
print("autoregressive ok", all(r[3] for r in res), "dependency sizes", sorted(r[0] for r in res))
print("ordering", model.m[-1].tolist())


class MAFLayer(nn.Module):
    def __init__(self, dim, hidden, reverse):
        super().__init__()
        self.dim = dim
        self.made = MADE(dim, [hidden, hidden], 2 * dim, natural_ordering=True)
        self.reverse = reverse

    def forward(self, x):
        out = self.made(x)
        mu, alpha = out[:, :self.dim], out[:, self.dim:]
        alpha = torch.tanh(alpha)
        u = (x - mu) * torch.exp(-alpha)
        log_det = -alpha.sum(dim=1)
        if self.reverse:
            u = u.flip(dims=(1,))
        return u, log_det

    def inverse(self, u):
        if self.reverse:
            u = u.flip(dims=(1,))
        x = torch.zeros_like(u)
        for i in range(self.dim):
            out = self.made(x)
            mu, alpha = out[:, :self.dim], torch.tanh(out[:, self.dim:])
            x[:, i] = mu[:, i] + u[:, i] * torch.exp(alpha[:, i])
        return x


class MAF(nn.Module):
    def __init__(self, dim, hidden, n_layers):
        super().__init__()
        self.layers = nn.ModuleList([MAFLayer(dim, hidden, reverse=i % 2 == 1) for i in range(n_layers)])
        self.base = torch.distributions.Normal(torch.zeros(dim), torch.ones(dim))

    def log_prob(self, x):
        log_det = torch.zeros(x.shape[0])
        for layer in self.layers:
            x, ld = layer(x)
            log_det = log_det + ld
        return self.base.log_prob(x).sum(dim=1) + log_det

    @torch.no_grad()
    def sample(self, z):
        for layer in reversed(self.layers):
            z = layer.inverse(z)
        return z


def moons(n):
    t = torch.linspace(0, math.pi, n // 2)
    upper = torch.stack([torch.cos(t), torch.sin(t)], dim=1)
    lower = torch.stack([1 - torch.cos(t), 0.5 - torch.sin(t)], dim=1)
    jitter = 0.05 * torch.sin(torch.arange(n, dtype=torch.float32) * 12.9898).unsqueeze(1)
    return (torch.cat([upper, lower]) + jitter - torch.tensor([0.5, 0.25])) / torch.tensor([0.9, 0.5])


data = moons(256)
flow = MAF(2, 32, 4)
opt = torch.optim.Adam(flow.parameters(), lr=2e-3)
for step in range(100):
    batch = data[(torch.arange(64) * 7 + step * 64) % 256]
    loss = -flow.log_prob(batch).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 20 == 0 or step == 99:
        print(f"step {step:3d} | nll {loss.item():.5f}")
print("full nll", round(-flow.log_prob(data).mean().item(), 5))
u, _ = flow.layers[0](data[:5])
back = flow.layers[0].inverse(u.detach())
print("layer inverse error below 1e-5", (back - data[:5]).abs().max().item() < 1e-5)
z = torch.sin(torch.arange(20, dtype=torch.float32) * 3.3).reshape(10, 2)
samples = flow.sample(z)
print("samples", tuple(samples.shape), [round(v, 4) for v in samples.mean(0).tolist()])
print("mask buffers", len([n for n, _ in flow.named_buffers()]), list(flow.state_dict().keys())[:3])
