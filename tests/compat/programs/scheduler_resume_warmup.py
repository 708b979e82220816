"""Learning-rate schedules as fine-tuning scripts combine them, with a mid-run checkpoint resumed from
BytesIO: linear warmup then cosine by SequentialLR (milestones, per-step stepping), ChainedScheduler of
ExponentialLR and a ConstantLR warmup factor, OneCycleLR with three_phase and linear annealing cycling
Adam's beta1, ReduceLROnPlateau in 'max' mode on a validation accuracy with threshold_mode='abs',
cooldown and per-group min_lr, CyclicLR 'triangular2' with momentum cycling on SGD, MultiplicativeLR
and PolynomialLR; per-group lrs with different base lrs throughout, and the resumed run checked to
follow the unbroken one exactly. Seeded: every printed number agrees."""

import io

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim import lr_scheduler as S

torch.set_num_threads(1)
torch.manual_seed(0)

X = torch.randn(96, 8)
W_true = torch.randn(8, 3)
Y = (X @ W_true + 0.3 * torch.randn(96, 3)).argmax(1)


def make():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    groups = [{"params": model[0].parameters(), "lr": 0.05},
              {"params": model[2].parameters(), "lr": 0.01, "weight_decay": 1e-4}]
    return model, groups


def fmt(lrs):
    return "[" + ", ".join(f"{v:.6f}" for v in lrs) + "]"


# warmup + cosine, stepped per batch, checkpointed at step 7
def run(resume_at=None):
    model, groups = make()
    opt = torch.optim.SGD(groups, momentum=0.9, nesterov=True)
    warm = S.LinearLR(opt, start_factor=0.1, end_factor=1.0, total_iters=4)
    cos = S.CosineAnnealingLR(opt, T_max=12, eta_min=1e-4)
    sched = S.SequentialLR(opt, schedulers=[warm, cos], milestones=[4])
    losses, lrs = [], []
    step = 0
    while step < 16:
        xb, yb = X[(step * 12) % 96:(step * 12) % 96 + 12], Y[(step * 12) % 96:(step * 12) % 96 + 12]
        loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        losses.append(loss.item())
        lrs.append(sched.get_last_lr())
        step += 1
        if resume_at is not None and step == resume_at:
            buf = io.BytesIO()
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                        "step": step}, buf)
            buf.seek(0)
            ck = torch.load(buf, weights_only=True)
            model, groups = make()
            opt = torch.optim.SGD(groups, momentum=0.9, nesterov=True)
            warm = S.LinearLR(opt, start_factor=0.1, end_factor=1.0, total_iters=4)
            cos = S.CosineAnnealingLR(opt, T_max=12, eta_min=1e-4)
            sched = S.SequentialLR(opt, schedulers=[warm, cos], milestones=[4])
            model.load_state_dict(ck["model"])
            opt.load_state_dict(ck["opt"])
            sched.load_state_dict(ck["sched"])
            step = ck["step"]
            print("resumed at", step, "sched keys", sorted(ck["sched"])[:4], fmt(sched.get_last_lr()))
    return losses, lrs


losses, lrs = run()
for i in (0, 3, 4, 5, 10, 15):
    print(f"seq step {i} loss {losses[i]:.6f} lr {fmt(lrs[i])}")
losses2, lrs2 = run(resume_at=7)
print("resume identical", losses == losses2, lrs == lrs2)

# ChainedScheduler
model, groups = make()
opt = torch.optim.AdamW(groups)
chain = S.ChainedScheduler([S.ConstantLR(opt, factor=0.5, total_iters=3), S.ExponentialLR(opt, gamma=0.9)])
for epoch in range(6):
    loss = F.cross_entropy(model(X), Y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    chain.step()
    print(f"chained epoch {epoch} loss {loss.item():.6f} lr {fmt(chain.get_last_lr())}")

# OneCycleLR three_phase, linear, cycling beta1
model, groups = make()
opt = torch.optim.Adam(groups, betas=(0.9, 0.99))
one = S.OneCycleLR(opt, max_lr=[0.05, 0.02], total_steps=12, pct_start=0.3, anneal_strategy="linear",
                   three_phase=True, div_factor=10.0, final_div_factor=100.0, base_momentum=0.8,
                   max_momentum=0.95)
for step in range(12):
    loss = F.cross_entropy(model(X[:32]), Y[:32])
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 3 == 0 or step == 11:
        print(f"onecycle {step} loss {loss.item():.6f} lr {fmt(one.get_last_lr())} "
              f"beta1 {opt.param_groups[0]['betas'][0]:.5f}")
    if step < 11:
        one.step()
print("initial_lr", [g["initial_lr"] for g in opt.param_groups], "max_lr", [g["max_lr"] for g in opt.param_groups])

# ReduceLROnPlateau on accuracy
model, groups = make()
opt = torch.optim.SGD(groups, momentum=0.5)
plateau = S.ReduceLROnPlateau(opt, mode="max", factor=0.5, patience=1, threshold=0.02, threshold_mode="abs",
                              cooldown=1, min_lr=[1e-3, 4e-3])
for epoch in range(12):
    for i in range(0, 96, 24):
        loss = F.cross_entropy(model(X[i:i + 24]), Y[i:i + 24])
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        acc = (model(X).argmax(1) == Y).float().mean().item()
    plateau.step(acc)
    print(f"plateau epoch {epoch} acc {acc:.4f} best {plateau.best:.4f} bad {plateau.num_bad_epochs} "
          f"cooldown {plateau.cooldown_counter} lr {fmt(plateau.get_last_lr())}")

# CyclicLR triangular2 with momentum cycling
model, groups = make()
opt = torch.optim.SGD(groups, momentum=0.9)
cyc = S.CyclicLR(opt, base_lr=[0.001, 0.0005], max_lr=[0.01, 0.005], step_size_up=3, mode="triangular2",
                 cycle_momentum=True, base_momentum=0.8, max_momentum=0.9)
seen = []
for step in range(14):
    loss = F.cross_entropy(model(X[:48]), Y[:48])
    opt.zero_grad()
    loss.backward()
    opt.step()
    cyc.step()
    seen.append((cyc.get_last_lr()[0], opt.param_groups[0]["momentum"]))
print("cyclic lr", [f"{a:.5f}" for a, _ in seen])
print("cyclic mom", [f"{b:.4f}" for _, b in seen])
print(f"cyclic final loss {loss.item():.6f}")

# MultiplicativeLR then PolynomialLR by SequentialLR
model, groups = make()
opt = torch.optim.RMSprop(groups, alpha=0.9)
mult = S.MultiplicativeLR(opt, lr_lambda=[lambda e: 0.95, lambda e: 0.9 if e % 2 else 1.0])
poly = S.PolynomialLR(opt, total_iters=4, power=2.0)
seq = S.SequentialLR(opt, [mult, poly], milestones=[3])
for epoch in range(8):
    loss = F.cross_entropy(model(X), Y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    seq.step()
    print(f"mult/poly {epoch} loss {loss.item():.6f} lr {fmt(seq.get_last_lr())}")
