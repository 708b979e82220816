"""Gradient clipping, monitoring and weight reparametrizations in a training
loop: clip_grad_norm_ returning the total norm (norm_type 2, 1, inf, 3.0;
foreach on and off; a single tensor; error_if_nonfinite raising on an inf
gradient and returning nan/inf otherwise), get_total_norm with
clip_grads_with_norm_, clip_grad_value_, per-parameter gradient-norm logging
through tensor hooks and a full backward hook, parameters_to_vector /
vector_to_parameters (a flat SGD step), the old nn.utils.weight_norm and
remove_weight_norm, parametrizations.weight_norm (original0 / original1,
remove_parametrizations, leave_parametrized=False refused), the old
spectral_norm (weight_orig, weight_u, its power iteration in train and eval
mode) and parametrizations.spectral_norm, trained briefly. Seeded: the
numbers agree to float32 rounding."""

import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import (clip_grad_norm_, clip_grad_value_, parameters_to_vector, remove_weight_norm,
                            spectral_norm, vector_to_parameters, weight_norm)
from torch.nn.utils import parametrizations, parametrize

torch.manual_seed(0)
torch.set_num_threads(1)


def make():
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3))


x = torch.randn(12, 5)
y = torch.randint(3, (12,))


def backward(model, scale=1.0):
    model.zero_grad()
    (F.cross_entropy(model(x), y) * scale).backward()


model = make()
for norm_type in (2.0, 1, float("inf"), 3.0):
    for foreach in (None, False):
        backward(model, 10.0)
        total = clip_grad_norm_(model.parameters(), max_norm=1.0, norm_type=norm_type, foreach=foreach)
        after = torch.stack([p.grad.norm(norm_type) for p in model.parameters()]).norm(norm_type)
        print(f"norm_type {norm_type} foreach {foreach} | total {total.item():.6f} | after {after.item():.6f}")

backward(model)
total = clip_grad_norm_(model[0].weight, max_norm=100.0)
print(f"single tensor total {total.item():.6f} (unclipped: max_norm larger)")

# non-finite gradients
backward(model)
model[2].bias.grad[0] = float("inf")
try:
    clip_grad_norm_(model.parameters(), 1.0, error_if_nonfinite=True)
except RuntimeError as e:
    print("error_if_nonfinite:", str(e).split(".")[0])
total = clip_grad_norm_(model.parameters(), 1.0)
print("inf total", total.item(), "grad after", model[0].weight.grad[0, :2].tolist())
backward(model)
model[2].bias.grad[0] = float("nan")
print("nan total", clip_grad_norm_(model.parameters(), 1.0).item())

# get_total_norm + clip_grads_with_norm_ (the two halves of clip_grad_norm_)
backward(model, 5.0)
grads = [p.grad for p in model.parameters()]
total = torch.nn.utils.get_total_norm(grads, norm_type=2.0)
torch.nn.utils.clip_grads_with_norm_(model.parameters(), max_norm=0.5, total_norm=total)
print(f"get_total_norm {total.item():.6f} clipped to {torch.nn.utils.get_total_norm(grads).item():.6f}")

backward(model, 5.0)
clip_grad_value_(model.parameters(), clip_value=0.05)
print("clip_grad_value_ max", f"{max(p.grad.abs().max().item() for p in model.parameters()):.4f}",
      "count at bound", sum(int((p.grad.abs() == 0.05).sum()) for p in model.parameters()))

# per-parameter gradient-norm logging with hooks
log = {}
handles = [p.register_hook(lambda g, n=n: log.__setitem__(n, g.norm().item()))
           for n, p in model.named_parameters()]
outputs_seen = []
handles.append(model[2].register_full_backward_hook(
    lambda m, gin, gout: outputs_seen.append((gin[0].shape, gout[0].norm().item()))))
backward(model)
print("hooked norms", {k: f"{v:.6f}" for k, v in log.items()})
print("full backward hook", tuple(outputs_seen[0][0]), f"{outputs_seen[0][1]:.6f}")
for h in handles:
    h.remove()

# flat parameter vectors: an SGD step by hand
vec = parameters_to_vector(model.parameters())
gvec = parameters_to_vector(p.grad for p in model.parameters())
print("vector", tuple(vec.shape), f"{vec.norm().item():.6f}", f"grad {gvec.norm().item():.6f}")
vector_to_parameters(vec - 0.5 * gvec, model.parameters())
print(f"after flat step loss {F.cross_entropy(model(x), y).item():.6f}")

# old-style weight_norm
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    torch.manual_seed(2)
    wn = weight_norm(nn.Linear(5, 4), name="weight", dim=0)
print("weight_norm params", sorted(n for n, _ in wn.named_parameters()))
print("g", [f"{v:.6f}" for v in wn.weight_g.flatten().tolist()], "v shape", tuple(wn.weight_v.shape))
out = wn(x).pow(2).mean()
out.backward()
print(f"wn out {out.item():.6f} g grad {wn.weight_g.grad.norm().item():.6f} v grad {wn.weight_v.grad.norm().item():.6f}")
remove_weight_norm(wn)
print("removed", sorted(n for n, _ in wn.named_parameters()), f"{wn(x).pow(2).mean().item():.6f}")

# parametrizations.weight_norm
torch.manual_seed(2)
pwn = parametrizations.weight_norm(nn.Linear(5, 4))
print("parametrized names", sorted(n for n, _ in pwn.named_parameters()))
print("original0", [f"{v:.6f}" for v in pwn.parametrizations.weight.original0.flatten().tolist()])
print("same as old", torch.allclose(pwn.weight, wn.weight, atol=1e-6))
opt = torch.optim.SGD(pwn.parameters(), lr=0.1)
for step in range(3):
    opt.zero_grad()
    loss = F.mse_loss(pwn(x), torch.ones(12, 4))
    loss.backward()
    opt.step()
    print(f"wn step {step} | loss {loss.item():.6f} | row norms {[round(v, 5) for v in pwn.weight.norm(dim=1).tolist()]}")
frozen_weight = pwn.weight.detach().clone()
parametrize.remove_parametrizations(pwn, "weight", leave_parametrized=True)
print("leave_parametrized", torch.allclose(pwn.weight, frozen_weight), type(pwn.weight).__name__)
torch.manual_seed(2)
pwn2 = parametrizations.weight_norm(nn.Linear(5, 4))
try:  # weight_norm has two originals: only leave_parametrized=True can remove it
    parametrize.remove_parametrizations(pwn2, "weight", leave_parametrized=False)
except ValueError as e:
    print("leave_parametrized=False:", str(e)[:40])

# old-style spectral_norm: power iteration per forward in training, none in eval
torch.manual_seed(3)
sn = spectral_norm(nn.Linear(6, 5), n_power_iterations=1)
print("spectral names", sorted(n for n, _ in sn.named_parameters()), sorted(n for n, _ in sn.named_buffers()))
print("u", [f"{v:.6f}" for v in sn.weight_u.tolist()])
for i in range(3):
    sn(torch.randn(2, 6))
    sigma = torch.linalg.matrix_norm(sn.weight, 2).item()
    print(f"train forward {i} | sigma of normalized weight {sigma:.6f}")
sn.eval()
u_before = sn.weight_u.clone()
sn(torch.randn(2, 6))
print("eval leaves u", torch.equal(u_before, sn.weight_u))

torch.manual_seed(3)
psn = parametrizations.spectral_norm(nn.Linear(6, 5))
print("parametrized spectral buffers", sorted(n for n, _ in psn.named_buffers()))
opt = torch.optim.Adam(psn.parameters(), lr=0.05)
target = torch.randn(12, 5)
for step in range(4):
    opt.zero_grad()
    loss = F.mse_loss(psn(torch.cat([x, x[:, :1]], 1)), target)
    loss.backward()
    opt.step()
    print(f"sn step {step} | loss {loss.item():.6f} | sigma {torch.linalg.matrix_norm(psn.weight, 2).item():.6f}")
