"""Gradient accumulation, gradient clipping and the AMP recipe on the CPU, as the
"Automatic Mixed Precision" and performance tutorials write them: micro-batch
losses divided by the accumulation steps, clip_grad_norm_ (its returned total
norm, error_if_nonfinite, foreach) and clip_grad_value_, a GradScaler("cpu")
with scaler.scale(loss).backward(), unscale_ before clipping, skipped steps on
inf gradients, the scale's backoff and growth, and its state_dict; then an
autocast("cpu", bfloat16) forward, whose loss only roughly agrees (minigrad
runs autocast regions in full precision). Everything else is fixed, exact."""

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.set_num_threads(1)

pixels, labels = digits()
x_all = torch.tensor(pixels[:960], dtype=torch.float32) / 16.0
y_all = torch.tensor(labels[:960])


def make_model():
    model = nn.Sequential(nn.Linear(64, 48), nn.GELU(), nn.LayerNorm(48), nn.Linear(48, 10))
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            if i == 2:
                continue  # LayerNorm weight stays one
            fan_in = p.shape[-1] if p.dim() > 1 else p.numel()
            p.copy_(torch.cos(torch.arange(p.numel(), dtype=torch.float32) * 0.77 + i).reshape(p.shape) / fan_in ** 0.5)
    return model


# accumulating over micro-batches gives the full batch's gradient
model = make_model()
F.cross_entropy(model(x_all[:64]), y_all[:64]).backward()
full = [p.grad.clone() for p in model.parameters()]
model.zero_grad(set_to_none=True)
print("grads after zero_grad(set_to_none=True)", all(p.grad is None for p in model.parameters()))
for k in range(4):
    loss = F.cross_entropy(model(x_all[16 * k:16 * (k + 1)]), y_all[16 * k:16 * (k + 1)]) / 4
    loss.backward()
print("accumulated == full batch", all(torch.allclose(a, p.grad, atol=1e-6) for a, p in zip(full, model.parameters())))

# training with accumulation and clipping
model = make_model()
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
accumulation_steps = 4
optimizer.zero_grad()
for i in range(24):
    xb, yb = x_all[32 * i:32 * (i + 1)], y_all[32 * i:32 * (i + 1)]
    loss = F.cross_entropy(model(xb), yb) / accumulation_steps
    loss.backward()
    if (i + 1) % accumulation_steps == 0:
        total_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
        optimizer.step()
        optimizer.zero_grad()
        print(f"step {(i + 1) // accumulation_steps} | loss {loss.item() * accumulation_steps:.6f}"
              f" | norm before clip {total_norm.item():.6f}")

# clipping on its own
grads = [torch.tensor([3.0, 4.0]), torch.tensor([[1.0, -2.0], [2.0, 0.5]])]
params = [torch.zeros_like(g, requires_grad=True) for g in grads]
for p, g in zip(params, grads):
    p.grad = g.clone()
norm = torch.nn.utils.clip_grad_norm_(params, max_norm=1.0, norm_type=2.0)
print("clip norm", round(norm.item(), 6), "clipped", [round(v, 6) for v in params[0].grad.tolist()])
for p, g in zip(params, grads):
    p.grad = g.clone()
inf_norm = torch.nn.utils.clip_grad_norm_(params, max_norm=2.0, norm_type="inf", foreach=True)
print("inf norm", inf_norm.item(), [round(v, 6) for v in params[1].grad.flatten().tolist()])
for p, g in zip(params, grads):
    p.grad = g.clone()
torch.nn.utils.clip_grad_value_(params, clip_value=1.5)
print("clip value", params[0].grad.tolist(), params[1].grad.flatten().tolist())
print("get_total_norm", round(torch.nn.utils.get_total_norm(grads, norm_type=1.0).item(), 6))
params[0].grad = torch.tensor([float("nan"), 1.0])
try:
    torch.nn.utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
except RuntimeError as e:
    print("nonfinite refused:", "non-finite" in str(e))
print("nonfinite allowed", torch.nn.utils.clip_grad_norm_(params, 1.0).isnan().item())

# GradScaler on the CPU: powers of two scale and unscale exactly, so the fp32 run is the plain run
model = make_model()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
scaler = torch.amp.GradScaler("cpu", init_scale=2.0 ** 10, growth_interval=3)
for i in range(8):
    xb, yb = x_all[64 * i:64 * (i + 1)], y_all[64 * i:64 * (i + 1)]
    optimizer.zero_grad()
    loss = F.cross_entropy(model(xb), yb)
    scaler.scale(loss).backward()
    if i == 4:
        model[0].weight.grad[0, 0] = float("inf")  # an overflow: this step is skipped, the scale halves
    scaler.unscale_(optimizer)
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    scaler.step(optimizer)
    scaler.update()
    print(f"amp step {i} | loss {loss.item():.6f} | scale {scaler.get_scale():.0f} | norm {norm.item():.6f}")
state = scaler.state_dict()
print("scaler state", sorted(state), state["scale"], state["_growth_tracker"], state["growth_factor"])
resumed = torch.amp.GradScaler("cpu")
resumed.load_state_dict(state)
print("resumed scale", resumed.get_scale(), "enabled", resumed.is_enabled())
print("disabled scaler passes through", torch.amp.GradScaler("cpu", enabled=False).scale(torch.tensor(3.0)).item())

# autocast: bfloat16 matmuls in PyTorch, full precision in minigrad; the loss agrees to bfloat16 rounding
model = make_model()
with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
    out = model(x_all[:256])
    loss = F.cross_entropy(out.float(), y_all[:256])
print("autocast loss", round(loss.item(), 2))
with torch.autocast(device_type="cpu", enabled=False):
    loss32 = F.cross_entropy(model(x_all[:256]), y_all[:256])
print("autocast disabled loss", round(loss32.item(), 6), "dtype float32", loss32.dtype == torch.float32)
