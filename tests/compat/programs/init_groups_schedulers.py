"""Training-loop idioms around initialization, parameter groups and LR
schedules: model.apply(init_fn) with kaiming_normal_ (fan_out, relu),
xavier_uniform_ (gain from calculate_gain), trunc_normal_, orthogonal_,
zeros_/ones_ for norms; named_modules filtering by type and name;
requires_grad_(False) freezing a backbone and an optimizer over the
trainable parameters only; no-decay groups for biases and norm weights
(AdamW with per-group lr and weight_decay, add_param_group later); then a
short training run under LinearLR warmup -> CosineAnnealingLR via
SequentialLR, CosineAnnealingWarmRestarts stepped with fractional epochs,
and ReduceLROnPlateau on a validation loss, printing get_last_lr() and the
groups' lrs. Seeded: the numbers agree to float32 rounding."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.lr_scheduler import (CosineAnnealingLR, CosineAnnealingWarmRestarts, LinearLR, ReduceLROnPlateau,
                                      SequentialLR)

torch.manual_seed(0)
torch.set_num_threads(1)


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return F.relu(x + self.bn(self.conv(x)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(2, 6, 3, padding=1)
        self.backbone = nn.Sequential(Block(6), Block(6))
        self.norm = nn.LayerNorm(6)
        self.rnn_proj = nn.Linear(6, 6)
        self.head = nn.Linear(6, 3)

    def forward(self, x):
        x = self.backbone(F.relu(self.stem(x)))
        x = self.norm(x.mean((2, 3)))
        return self.head(torch.tanh(self.rnn_proj(x)))


def init_weights(m):
    if isinstance(m, nn.Conv2d):
        nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, (nn.BatchNorm2d, nn.LayerNorm)):
        nn.init.ones_(m.weight)
        nn.init.zeros_(m.bias)
    elif isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight, gain=nn.init.calculate_gain("tanh"))
        nn.init.constant_(m.bias, 0.01)


model = Net()
model.apply(init_weights)
nn.init.orthogonal_(model.rnn_proj.weight)
nn.init.trunc_normal_(model.head.weight, std=0.02, a=-0.04, b=0.04)
print("gains", nn.init.calculate_gain("relu"), f"{nn.init.calculate_gain('tanh'):.6f}",
      nn.init.calculate_gain("leaky_relu", 0.2))
for name, p in model.named_parameters():
    print(f"{name:28s} {tuple(p.shape)} mean {p.mean().item():+.6f} std {p.std().item() if p.numel() > 1 else 0:.6f}")
q = model.rnn_proj.weight
print("orthogonal", torch.allclose(q @ q.T, torch.eye(6), atol=1e-5))
print("trunc within bounds", bool(model.head.weight.abs().max() <= 0.04))

convs = [n for n, m in model.named_modules() if isinstance(m, nn.Conv2d)]
norms = [n for n, m in model.named_modules() if isinstance(m, (nn.BatchNorm2d, nn.LayerNorm))]
print("convs", convs, "norms", norms)
print("backbone children", [n for n, _ in model.backbone.named_children()])

# freeze the stem, decay only matrices
model.stem.requires_grad_(False)
decay, no_decay = [], []
for name, p in model.named_parameters():
    if not p.requires_grad:
        continue
    if p.ndim <= 1 or name.endswith(".bias") or "norm" in name or ".bn." in name:
        no_decay.append(p)
    else:
        decay.append(p)
print("trainable", sum(p.numel() for p in model.parameters() if p.requires_grad),
      "frozen", sum(p.numel() for p in model.parameters() if not p.requires_grad),
      "decay", len(decay), "no_decay", len(no_decay))
opt = torch.optim.AdamW([
    {"params": decay, "weight_decay": 0.05},
    {"params": no_decay, "weight_decay": 0.0, "lr": 2e-3},
], lr=1e-2, betas=(0.9, 0.95))
print("groups", [(len(g["params"]), g["lr"], g["weight_decay"]) for g in opt.param_groups])

x = torch.randn(24, 2, 5, 5)
y = torch.randint(3, (24,))
xv = torch.randn(12, 2, 5, 5)
yv = torch.randint(3, (12,))
steps = 8
warmup = LinearLR(opt, start_factor=0.1, end_factor=1.0, total_iters=3)
cosine = CosineAnnealingLR(opt, T_max=steps - 3, eta_min=1e-4)
sched = SequentialLR(opt, schedulers=[warmup, cosine], milestones=[3])
for step in range(steps):
    model.train()
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    sched.step()
    print(f"step {step} | loss {loss.item():.6f} | lr {[f'{v:.6g}' for v in sched.get_last_lr()]}")
print("running_mean", [f"{v:.5f}" for v in model.backbone[0].bn.running_mean.tolist()])
print("stem untouched grad", model.stem.weight.grad)

# unfreeze the stem later with its own group
model.stem.requires_grad_(True)
opt.add_param_group({"params": list(model.stem.parameters()), "lr": 1e-3, "weight_decay": 0.0})
print("groups after add", [(len(g["params"]), g["lr"], g["weight_decay"], g["betas"]) for g in opt.param_groups])

# warm restarts, stepped within epochs
opt2 = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
restarts = CosineAnnealingWarmRestarts(opt2, T_0=2, T_mult=2, eta_min=0.001)
iters = 3
lrs = []
for epoch in range(6):
    for i in range(iters):
        restarts.step(epoch + i / iters)
        lrs.append(opt2.param_groups[0]["lr"])
print("warm restarts", [f"{v:.5f}" for v in lrs])
print("T_cur", f"{restarts.T_cur:.5f}", "T_i", restarts.T_i)

# plateau on validation loss
opt3 = torch.optim.SGD([{"params": decay}, {"params": no_decay, "lr": 0.05}], lr=0.1)
plateau = ReduceLROnPlateau(opt3, mode="min", factor=0.5, patience=1, threshold=1e-3, cooldown=1, min_lr=[0.02, 0.01])
for epoch in range(8):
    model.train()
    opt3.zero_grad()
    F.cross_entropy(model(x), y).backward()
    opt3.step()
    model.eval()
    with torch.no_grad():
        val = F.cross_entropy(model(xv), yv).item()
    plateau.step(val if epoch % 3 else val + 1.0)
    print(f"plateau epoch {epoch} | val {val:.6f} | lrs {[g['lr'] for g in opt3.param_groups]} "
          f"| bad {plateau.num_bad_epochs} | last {plateau.get_last_lr()}")
print("best", f"{plateau.best:.6f}", "cooldown", plateau.cooldown_counter)
print("math cos check", f"{0.001 + (0.1 - 0.001) * (1 + math.cos(math.pi * 0.5)) / 2:.5f}")
