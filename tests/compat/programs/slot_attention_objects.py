"""Slot Attention on toy multi-object scenes, as the object-centric learning re-implementations write it
(Locatello et al. 2020): a small CNN encoder with a soft position embedding built from a linspace grid,
slots sampled from a learned Gaussian (mu + exp(log_sigma) * randn), iterative attention normalised over
slots (softmax on dim=1) then re-normalised over inputs with an epsilon, a GRUCell update and a residual
MLP, a spatial broadcast decoder whose per-slot alpha masks are softmaxed across slots, reconstruction
training with Adam and a warm-up then exponential-decay LambdaLR, and the adjusted-Rand-style agreement
of the masks with the true objects."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
H = W = 8


def build_grid(h, w):
    ys, xs = torch.meshgrid(torch.linspace(0.0, 1.0, h), torch.linspace(0.0, 1.0, w), indexing="ij")
    grid = torch.stack([ys, xs], dim=-1)
    return torch.cat([grid, 1.0 - grid], dim=-1).unsqueeze(0)  # (1, h, w, 4)


def make_scenes(n, gen):
    imgs = torch.zeros(n, 3, H, W)
    masks = torch.zeros(n, H, W, dtype=torch.long)
    for i in range(n):
        for k in range(2):
            c = torch.rand(3, generator=gen)
            y0, x0 = torch.randint(0, H - 3, (2,), generator=gen).tolist()
            imgs[i, :, y0:y0 + 3, x0:x0 + 3] = c.view(3, 1, 1)
            masks[i, y0:y0 + 3, x0:x0 + 3] = k + 1
    return imgs, masks


class SlotAttention(nn.Module):
    def __init__(self, num_slots, dim, iters=3, eps=1e-8, hidden=32):
        super().__init__()
        self.num_slots, self.iters, self.eps, self.scale = num_slots, iters, eps, dim ** -0.5
        self.slots_mu = nn.Parameter(torch.randn(1, 1, dim))
        self.slots_log_sigma = nn.Parameter(torch.zeros(1, 1, dim))
        nn.init.xavier_uniform_(self.slots_log_sigma)
        self.to_q, self.to_k, self.to_v = (nn.Linear(dim, dim, bias=False) for _ in range(3))
        self.gru = nn.GRUCell(dim, dim)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, dim))
        self.norm_input, self.norm_slots, self.norm_mlp = nn.LayerNorm(dim), nn.LayerNorm(dim), nn.LayerNorm(dim)

    def forward(self, inputs):
        b, n, d = inputs.shape
        mu = self.slots_mu.expand(b, self.num_slots, -1)
        sigma = self.slots_log_sigma.exp().expand(b, self.num_slots, -1)
        slots = mu + sigma * torch.randn(mu.shape)
        inputs = self.norm_input(inputs)
        k, v = self.to_k(inputs), self.to_v(inputs)
        for _ in range(self.iters):
            prev = slots
            q = self.to_q(self.norm_slots(slots))
            dots = torch.einsum("bid,bjd->bij", q, k) * self.scale
            attn = dots.softmax(dim=1) + self.eps
            weights = attn / attn.sum(dim=-1, keepdim=True)
            updates = torch.einsum("bjd,bij->bid", v, weights)
            slots = self.gru(updates.reshape(-1, d), prev.reshape(-1, d)).reshape(b, -1, d)
            slots = slots + self.mlp(self.norm_mlp(slots))
        return slots, attn


class SoftPositionEmbed(nn.Module):
    def __init__(self, dim, h, w):
        super().__init__()
        self.dense = nn.Linear(4, dim)
        self.register_buffer("grid", build_grid(h, w), persistent=False)

    def forward(self, x):  # x: (B, h, w, dim)
        return x + self.dense(self.grid)


class Model(nn.Module):
    def __init__(self, slots=3, dim=16):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(3, dim, 3, padding=1), nn.ReLU(), nn.Conv2d(dim, dim, 3, padding=1), nn.ReLU())
        self.enc_pos, self.dec_pos = SoftPositionEmbed(dim, H, W), SoftPositionEmbed(dim, H, W)
        self.mlp = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, dim))
        self.slot_attention = SlotAttention(slots, dim)
        self.dec = nn.Sequential(nn.Conv2d(dim, dim, 3, padding=1), nn.ReLU(), nn.Conv2d(dim, 4, 3, padding=1))

    def forward(self, img):
        b = img.shape[0]
        x = self.enc(img).permute(0, 2, 3, 1)
        x = self.mlp(self.enc_pos(x).flatten(1, 2))
        slots, attn = self.slot_attention(x)
        s = slots.reshape(-1, 1, 1, slots.shape[-1]).expand(-1, H, W, -1)
        out = self.dec(self.dec_pos(s).permute(0, 3, 1, 2))
        out = out.reshape(b, -1, 4, H, W)
        recons, alpha = out[:, :, :3], out[:, :, 3:].softmax(dim=1)
        return (recons * alpha).sum(1), recons, alpha.squeeze(2), attn


gen = torch.Generator().manual_seed(0)
imgs, masks = make_scenes(16, gen)
print("scenes", tuple(imgs.shape), "object pixels", (masks > 0).sum().item())
model = Model()
print("grid buffer persistent", "enc_pos.grid" in model.state_dict(), "buffers", len(list(model.buffers())))
opt = torch.optim.Adam(model.parameters(), lr=4e-3)
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 5) * 0.5 ** (s / 20))
for step in range(20):
    recon, _, alpha, attn = model(imgs)
    loss = F.mse_loss(recon, imgs)
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    if step % 5 == 4:
        print(f"step {step + 1:2d} | mse {loss.item():.6f} | lr {sched.get_last_lr()[0]:.6f} | "
              f"attn over slots sums {attn.sum(1).mean().item():.4f}")

with torch.no_grad():
    _, _, alpha, attn = model(imgs)
    assign = alpha.argmax(1)  # (B, H, W)
    agree = []
    for i in range(len(imgs)):
        fg = masks[i] > 0
        a, t = assign[i][fg], masks[i][fg]
        same_pred = a.unsqueeze(0) == a.unsqueeze(1)
        same_true = t.unsqueeze(0) == t.unsqueeze(1)
        agree.append((same_pred == same_true).float().mean())
    print(f"pairwise mask agreement {torch.stack(agree).mean().item():.4f} | slot usage "
          f"{torch.bincount(assign.flatten(), minlength=3).tolist()}")
    print(f"alpha sums to one {torch.allclose(alpha.sum(1), torch.ones(16, H, W))} | "
          f"sigma mean {model.slot_attention.slots_log_sigma.exp().mean().item():.5f}")
