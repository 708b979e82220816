"""Warmup + cosine via SequentialLR, ChainedScheduler, warm restarts, ReduceLROnPlateau,
gradient clipping, and scheduler/optimizer checkpoints: the pieces of a typical training loop."""
import io

import torch
import torch.nn as nn
from torch.optim.lr_scheduler import (ChainedScheduler, ConstantLR, CosineAnnealingLR,
                                      CosineAnnealingWarmRestarts, ExponentialLR, LinearLR,
                                      MultiStepLR, ReduceLROnPlateau, SequentialLR, LambdaLR,
                                      PolynomialLR, CyclicLR, OneCycleLR)

torch.manual_seed(0)
x = torch.linspace(-2, 2, 64).unsqueeze(1)
y = torch.sin(2 * x) + 0.1 * torch.cos(7 * x)


def make_model():
    m = nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1))
    with torch.no_grad():
        for i, p in enumerate(m.parameters()):
            p.copy_(torch.cos(torch.arange(p.numel(), dtype=torch.float32) * 1.3 + i).reshape(p.shape) * 0.5)
    return m


def fmt(lrs):
    return " ".join(f"{v:.6g}" for v in lrs)


# 1. linear warmup then cosine decay, gradient clipping by norm
model = make_model()
opt = torch.optim.AdamW(model.parameters(), lr=0.05, weight_decay=0.01)
warm = LinearLR(opt, start_factor=0.1, end_factor=1.0, total_iters=5)
cos = CosineAnnealingLR(opt, T_max=15, eta_min=1e-4)
sched = SequentialLR(opt, schedulers=[warm, cos], milestones=[5])
lrs = []
for step in range(20):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
    opt.step()
    sched.step()
    lrs.append(sched.get_last_lr()[0])
    if step % 5 == 4:
        print(f"seq step {step:2d} | loss {loss.item():.6f} | norm {norm.item():.6f}")
print("seq lrs", fmt(lrs))

# 2. ChainedScheduler: constant factor + exponential decay at once
opt = torch.optim.SGD(make_model().parameters(), lr=1.0, momentum=0.9)
chain = ChainedScheduler([ConstantLR(opt, factor=0.5, total_iters=3), ExponentialLR(opt, gamma=0.9)])
lrs = []
for _ in range(6):
    opt.step()
    chain.step()
    lrs.append(opt.param_groups[0]["lr"])
print("chained lrs", fmt(lrs))

# 3. warm restarts stepped with fractional epochs, as in the docs
opt = torch.optim.SGD(make_model().parameters(), lr=0.1)
wr = CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=0.001)
iters = 4
lrs = []
for epoch in range(5):
    for i in range(iters):
        opt.step()
        wr.step(epoch + i / iters)
        lrs.append(opt.param_groups[0]["lr"])
print("warm restarts", fmt(lrs[::3]))

# 4. MultiStepLR + LambdaLR in two param groups
m = make_model()
opt = torch.optim.SGD([{"params": m[0].parameters()}, {"params": m[2].parameters(), "lr": 0.01}], lr=0.1)
ms = MultiStepLR(opt, milestones=[2, 4], gamma=0.5)
out = []
for _ in range(6):
    opt.step()
    ms.step()
    out.append(fmt(ms.get_last_lr()))
print("multistep", " | ".join(out))
opt = torch.optim.SGD(m.parameters(), lr=0.1)
lam = LambdaLR(opt, lr_lambda=lambda e: 0.95 ** e)
poly = PolynomialLR(torch.optim.SGD(m.parameters(), lr=0.1), total_iters=4, power=2.0)
for _ in range(3):
    opt.step()
    lam.step()
    poly.optimizer.step()
    poly.step()
print("lambda", fmt(lam.get_last_lr()), "poly", fmt(poly.get_last_lr()))

# 5. ReduceLROnPlateau driven by a validation loss, clip by value, checkpoint round trip
model = make_model()
opt = torch.optim.Adam(model.parameters(), lr=0.02)
plateau = ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2, threshold=1e-3, min_lr=1e-4)
buf = None
for epoch in range(25):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    nn.utils.clip_grad_value_(model.parameters(), clip_value=0.1)
    opt.step()
    with torch.no_grad():
        val = nn.functional.mse_loss(model(x[::3]), y[::3]).item()
    val = round(val, 2)  # coarse, so the plateau decisions are exact
    plateau.step(val)
    if epoch == 12:
        buf = io.BytesIO()
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": plateau.state_dict()}, buf)
    if epoch % 4 == 0:
        print(f"plateau epoch {epoch:2d} | val {val:.2f} | lr {opt.param_groups[0]['lr']:.6g} | bad {plateau.num_bad_epochs}")
print("plateau final lr", opt.param_groups[0]["lr"], "best", plateau.best)
buf.seek(0)
ckpt = torch.load(buf)
model2 = make_model()
model2.load_state_dict(ckpt["model"])
opt2 = torch.optim.Adam(model2.parameters(), lr=0.02)
opt2.load_state_dict(ckpt["opt"])
pl2 = ReduceLROnPlateau(opt2, mode="min", factor=0.5, patience=2)
pl2.load_state_dict(ckpt["sched"])
print("restored lr", opt2.param_groups[0]["lr"], "patience", pl2.patience, "step", opt2.state_dict()["state"][0]["step"].item())

# 6. cyclic and one-cycle shapes
opt = torch.optim.SGD(make_model().parameters(), lr=0.1, momentum=0.9)
cyc = CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=3, mode="triangular2")
lrs = []
for _ in range(12):
    opt.step()
    cyc.step()
    lrs.append(cyc.get_last_lr()[0])
print("cyclic", fmt(lrs))
opt = torch.optim.Adam(make_model().parameters(), lr=0.1)
oc = OneCycleLR(opt, max_lr=0.1, total_steps=10, pct_start=0.3, anneal_strategy="linear")
lrs, betas = [], []
for _ in range(9):
    opt.step()
    oc.step()
    lrs.append(opt.param_groups[0]["lr"])
    betas.append(opt.param_groups[0]["betas"][0])
print("onecycle", fmt(lrs))
print("onecycle beta1", fmt(betas))
print("sched state keys", sorted(k for k in oc.state_dict() if not k.startswith("_")))
