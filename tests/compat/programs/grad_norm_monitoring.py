"""Gradient-norm monitoring and clipping as training scripts log them: per-layer grad norms from
named_parameters, the total norm from get_total_norm / clip_grad_norm_ (2-norm, inf-norm, foreach),
clip_grad_value_, clip_grads_with_norm_, gradient accumulation with a scaled loss, a NaN batch
caught by error_if_nonfinite and by an isfinite check that skips the step, tensor hooks that clamp
gradients, a GradScaler on the CPU, and parameters_to_vector to measure the update size."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import (clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm,
                            parameters_to_vector)

torch.manual_seed(0)
torch.set_num_threads(1)

model = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 3))
X = torch.randn(64, 6)
W = torch.randn(6, 3)
y = (X @ W).argmax(1)
opt = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.9)


def layer_norms(m):
    return {n: p.grad.norm().item() for n, p in m.named_parameters() if p.grad is not None}


loss = F.cross_entropy(model(X[:16]), y[:16])
loss.backward()
for name, v in layer_norms(model).items():
    print(f"grad norm {name:10s} {v:.6f}")
grads = [p.grad for p in model.parameters()]
print("total 2-norm", f"{get_total_norm(grads).item():.6f}", "inf-norm", f"{get_total_norm(grads, norm_type=float('inf')).item():.6f}",
      "1-norm", f"{get_total_norm(grads, norm_type=1).item():.6f}")
by_hand = math.sqrt(sum(g.pow(2).sum().item() for g in grads))
print("by hand", f"{by_hand:.6f}")
before = parameters_to_vector(model.parameters()).clone()
total = clip_grad_norm_(model.parameters(), max_norm=0.5)
print("clip returned", f"{total.item():.6f}", "after", f"{get_total_norm([p.grad for p in model.parameters()]).item():.6f}")
total_inf = clip_grad_norm_(model.parameters(), max_norm=0.05, norm_type="inf", foreach=True)
print("inf clip returned", f"{total_inf.item():.6f}", "max abs after", f"{max(p.grad.abs().max().item() for p in model.parameters()):.6f}")
clip_grad_value_(model.parameters(), clip_value=0.01)
print("value clipped max", max(p.grad.abs().max().item() for p in model.parameters()))
clip_grads_with_norm_(model.parameters(), max_norm=0.02, total_norm=torch.tensor(0.04))
print("with norm", f"{get_total_norm([p.grad for p in model.parameters()]).item():.6f}")
opt.step()
after = parameters_to_vector(model.parameters())
print("update size", f"{(after - before).norm().item():.6f}")

# gradient accumulation: 4 micro-batches of 8 give the gradient of one batch of 32
opt.zero_grad()
for k in range(4):
    xb, yb = X[k * 8:(k + 1) * 8], y[k * 8:(k + 1) * 8]
    (F.cross_entropy(model(xb), yb) / 4).backward()
acc = [p.grad.clone() for p in model.parameters()]
opt.zero_grad()
F.cross_entropy(model(X[:32]), y[:32]).backward()
print("accumulated matches", all(torch.allclose(a, p.grad, atol=1e-6) for a, p in zip(acc, model.parameters())))
print("max diff", f"{max((a - p.grad).abs().max().item() for a, p in zip(acc, model.parameters())):.2e}" if False else "")

# a poisoned batch: error_if_nonfinite raises, the isfinite check skips the step
opt.zero_grad()
bad = X[:8].clone()
bad[3, 2] = float("nan")
F.cross_entropy(model(bad), y[:8]).backward()
try:
    clip_grad_norm_(model.parameters(), 1.0, error_if_nonfinite=True)
except RuntimeError as e:
    print("caught:", str(e).split(".")[0])
norm = clip_grad_norm_(model.parameters(), 1.0)
print("norm is finite", torch.isfinite(norm).item(), "nan grads", sum(torch.isnan(p.grad).any().item() for p in model.parameters()))
if not torch.isfinite(norm):
    opt.zero_grad()
    print("skipped step")

# hooks that clamp each gradient as it arrives
handles = [p.register_hook(lambda g: g.clamp(-0.001, 0.001)) for p in model.parameters()]
F.cross_entropy(model(X[:8]), y[:8]).backward()
print("hooked max", max(p.grad.abs().max().item() for p in model.parameters()))
for h in handles:
    h.remove()

# a short run logging the pre-clip norm each step, with a GradScaler (CPU, scale 2**4)
opt.zero_grad()
scaler = torch.amp.GradScaler("cpu", init_scale=16.0, growth_interval=2)
for step in range(6):
    xb, yb = X[step * 10:step * 10 + 10], y[step * 10:step * 10 + 10]
    loss = F.cross_entropy(model(xb), yb)
    scaler.scale(loss).backward()
    scaler.unscale_(opt)
    pre = clip_grad_norm_(model.parameters(), 1.0)
    scaler.step(opt)
    scaler.update()
    opt.zero_grad(set_to_none=True)
    print(f"step {step} loss {loss.item():.5f} pre-clip norm {pre.item():.5f} scale {scaler.get_scale():.1f}")
print("final accuracy", f"{(model(X).argmax(1) == y).float().mean().item():.4f}")
