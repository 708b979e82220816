"""Training with rollback: nanoGPT-style decay groups (p.dim() >= 2 decays), ReduceLROnPlateau on the
validation loss, and when validation worsens twice the model AND optimizer are rolled back to the best
copy.deepcopy'd state_dicts with a halved lr written into the saved optimizer state before it is loaded;
per-step gradient-norm statistics (mean, max, clipped fraction) and Adam's second-moment sizes per
parameter read from optimizer.state."""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(13)
torch.set_num_threads(1)

X = torch.randn(160, 6)
y = torch.sin(X[:, :2].sum(1, keepdim=True)) + 0.1 * torch.randn(160, 1)
Xtr, ytr, Xva, yva = X[:120], y[:120], X[120:], y[120:]

model = nn.Sequential(nn.Linear(6, 24), nn.LayerNorm(24), nn.GELU(), nn.Linear(24, 1))
param_dict = {pn: p for pn, p in model.named_parameters() if p.requires_grad}
decay = [p for n, p in param_dict.items() if p.dim() >= 2]
nodecay = [p for n, p in param_dict.items() if p.dim() < 2]
print("decayed tensors", len(decay), sum(p.numel() for p in decay), "non-decayed", len(nodecay), sum(p.numel() for p in nodecay))
opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": nodecay, "weight_decay": 0.0}],
                        lr=0.03, betas=(0.9, 0.98))
sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2, threshold=1e-3)

best = {"loss": float("inf")}
worse, rollbacks = 0, 0
for epoch in range(14):
    model.train()
    norms, clipped = [], 0
    for i in range(0, 120, 30):
        loss = F.mse_loss(model(Xtr[i:i + 30]), ytr[i:i + 30])
        opt.zero_grad()
        loss.backward()
        n = nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.6)
        norms.append(n.item())
        clipped += int(n.item() > 0.6)
        opt.step()
    model.eval()
    with torch.no_grad():
        val = F.mse_loss(model(Xva), yva).item()
    sched.step(val)
    nt = torch.tensor(norms)
    print(f"epoch {epoch:2d} val {val:.5f} lr {opt.param_groups[0]['lr']:.5f} grad norm mean {nt.mean():.4f} "
          f"max {nt.max():.4f} clipped {clipped}/{len(norms)}")
    if val < best["loss"]:
        best = {"loss": val, "epoch": epoch, "model": copy.deepcopy(model.state_dict()),
                "opt": copy.deepcopy(opt.state_dict())}
        worse = 0
    else:
        worse += 1
        if worse == 2:
            saved_opt = copy.deepcopy(best["opt"])
            for g in saved_opt["param_groups"]:
                g["lr"] = opt.param_groups[0]["lr"] * 0.5
            model.load_state_dict(best["model"])
            opt.load_state_dict(saved_opt)
            worse, rollbacks = 0, rollbacks + 1
            print(f"  rollback to epoch {best['epoch']} lr now {[g['lr'] for g in opt.param_groups]}")

print("rollbacks", rollbacks, "best epoch", best["epoch"], f"best val {best['loss']:.5f}")
print("scheduler", {k: v for k, v in sched.state_dict().items() if k in ("best", "num_bad_epochs", "last_epoch", "_last_lr")})
for name, p in model.named_parameters():
    st = opt.state[p]
    print(f"{name:8s} step {st['step'].item():.0f} exp_avg_sq mean {st['exp_avg_sq'].mean().item():.3e} "
          f"|m| {st['exp_avg'].norm().item():.5f}")
model.load_state_dict(best["model"])
with torch.no_grad():
    print(f"final val {F.mse_loss(model(Xva), yva).item():.5f}")
