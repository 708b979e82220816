"""A multiresolution hash encoding (instant-NGP) fitted to a 2-D image, as torch-ngp and the
"instant-ngp in pure PyTorch" notebooks write it: per-level resolutions from a geometric growth factor,
the spatial hash (coordinates times large primes, bitwise XOR, modulo the table size) of the four cell
corners, bilinear weights, nn.Embedding tables initialised uniform(-1e-4, 1e-4), a tiny MLP on the
concatenated features, Adam with eps=1e-15 and separate weight decay for the MLP, and torch-ngp's
trunc_exp density activation: a custom autograd Function decorated with custom_fwd / custom_bwd."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import Function
from torch.cuda.amp import custom_bwd, custom_fwd  # (deprecated spelling: a FutureWarning on stderr)

torch.manual_seed(0)
torch.set_num_threads(1)


class _TruncExp(Function):
    @staticmethod
    @custom_fwd(cast_inputs=torch.float32)
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.exp(x)

    @staticmethod
    @custom_bwd
    def backward(ctx, g):
        x = ctx.saved_tensors[0]
        return g * torch.exp(x.clamp(-15, 15))


trunc_exp = _TruncExp.apply
PRIMES = [1, 2654435761]


class HashGrid(nn.Module):
    def __init__(self, n_levels=6, n_features=2, log2_table=8, base_res=4, max_res=32):
        super().__init__()
        self.n_levels, self.table_size = n_levels, 2 ** log2_table
        growth = math.exp((math.log(max_res) - math.log(base_res)) / (n_levels - 1))
        self.resolutions = [int(math.floor(base_res * growth ** l)) for l in range(n_levels)]
        self.embeddings = nn.ModuleList(nn.Embedding(self.table_size, n_features) for _ in range(n_levels))
        for e in self.embeddings:
            nn.init.uniform_(e.weight, a=-1e-4, b=1e-4)
        self.register_buffer("offsets", torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]))

    def hash(self, coords, res):
        if (res + 1) ** 2 <= self.table_size:  # coarse levels index densely, as instant-NGP does
            return coords[..., 0] * (res + 1) + coords[..., 1]
        h = torch.zeros_like(coords[..., 0])
        for i, p in enumerate(PRIMES):
            h = torch.bitwise_xor(h, coords[..., i] * p)
        return h % self.table_size

    def forward(self, x):  # x in [0, 1]^2, shape (N, 2)
        feats = []
        for level, res in enumerate(self.resolutions):
            scaled = x * res
            base = torch.floor(scaled).long()
            frac = scaled - base
            corners = base.unsqueeze(1) + self.offsets  # (N, 4, 2)
            w = torch.where(self.offsets.bool(), frac.unsqueeze(1), 1 - frac.unsqueeze(1)).prod(-1)
            f = self.embeddings[level](self.hash(corners, res))  # (N, 4, F)
            feats.append((w.unsqueeze(-1) * f).sum(1))
        return torch.cat(feats, -1)


class NGP(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoding = HashGrid()
        self.mlp = nn.Sequential(nn.Linear(12, 32), nn.ReLU(), nn.Linear(32, 4))

    def forward(self, x):
        h = self.mlp(self.encoding(x))
        return torch.sigmoid(h[:, :3]), trunc_exp(h[:, 3] - 1)


H = W = 24
ys, xs = torch.meshgrid(torch.linspace(0, 1, H), torch.linspace(0, 1, W), indexing="ij")
coords = torch.stack([xs, ys], -1).view(-1, 2)
r = ((xs - 0.5) ** 2 + (ys - 0.5) ** 2).sqrt()
image = torch.stack([torch.sin(8 * r) * 0.5 + 0.5, (xs > ys).float(), torch.cos(6 * xs) * 0.25 + 0.5], -1).view(-1, 3)
density = (r < 0.3).float().view(-1) * 4.0

model = NGP()
print("resolutions", model.encoding.resolutions, "table", model.encoding.table_size,
      "params", sum(p.numel() for p in model.parameters()))
print("hash of corner (5, 7) at res 32", model.encoding.hash(torch.tensor([[5, 7]]), 32).tolist(),
      "dense at res 4", model.encoding.hash(torch.tensor([[2, 3]]), 4).tolist())
opt = torch.optim.Adam([
    {"params": model.encoding.parameters()},
    {"params": model.mlp.parameters(), "weight_decay": 1e-6},
], lr=1e-2, betas=(0.9, 0.99), eps=1e-15)
gen = torch.Generator().manual_seed(0)
for step in range(60):
    idx = torch.randint(0, H * W, (256,), generator=gen)
    rgb, sigma = model(coords[idx])
    loss = F.mse_loss(rgb, image[idx]) + 0.1 * F.smooth_l1_loss(sigma, density[idx])
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 20 == 19:
        print(f"step {step + 1} | loss {loss.item():.5f}")

with torch.no_grad():
    rgb, sigma = model(coords)
    psnr = -10 * torch.log10(F.mse_loss(rgb, image))
    print(f"psnr {psnr.item():.4f} | density inside {sigma[density > 0].mean().item():.4f} | "
          f"outside {sigma[density == 0].mean().item():.4f}")
    used = [int(torch.unique(model.encoding.hash((coords * res).floor().long(), res)).numel())
            for res in model.encoding.resolutions]
    print("table slots touched per level", used)
x = torch.tensor([-20.0, 0.0, 2.0, 20.0], requires_grad=True)
y = trunc_exp(x)
y.sum().backward()
print("trunc_exp", [f"{v:.4e}" for v in y.tolist()], "grad", [f"{v:.4e}" for v in x.grad.tolist()])
print("grad_fn", type(y.grad_fn).__name__)
