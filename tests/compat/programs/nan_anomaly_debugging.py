"""Hunting NaNs and infs in a training loop: torch.autograd.detect_anomaly (check_nan), the
"double where" trick for sqrt/log at the edge of their domain, tensor hooks that sanitise
gradients, clip_grad_norm_(error_if_nonfinite=True), a divergence watchdog that rolls back to
the last good state_dict and halves the learning rate, and the float32 limits (finfo) that
explain the overflows (softmax of -inf rows, log of softmax underflow, BCE's -100 clamp)."""

import copy
import math

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)
torch.set_num_threads(1)

fi = torch.finfo(torch.float32)
print("finfo", fi.eps, fi.tiny, fi.max, fi.bits, torch.finfo(torch.float64).eps)
print("iinfo", torch.iinfo(torch.int64).max, torch.iinfo(torch.int8).min)

# 1. where the NaN comes from: sqrt at 0 has an infinite derivative
x = torch.tensor([0.0, 1.0, 4.0], requires_grad=True)
y = torch.sqrt(x) * 0.0
y.sum().backward()
print("sqrt*0 grad", x.grad)

print("anomaly enabled", torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled())
with torch.autograd.detect_anomaly():
    print("inside", torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled())
    x = torch.tensor([0.0, 1.0, 4.0], requires_grad=True)
    z = (torch.sqrt(x) * 0.0).sum()
    try:
        z.backward()
    except RuntimeError as e:
        print("anomaly:", str(e).splitlines()[0])
with torch.autograd.detect_anomaly(check_nan=False):
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    (torch.sqrt(x) * 0.0).sum().backward()
    print("check_nan off", x.grad, torch.is_anomaly_check_nan_enabled())
torch.autograd.set_detect_anomaly(True)
print("set", torch.is_anomaly_enabled())
torch.autograd.set_detect_anomaly(False)
print("unset", torch.is_anomaly_enabled())

# 2. the double-where trick
x = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
naive = torch.where(x > 0, torch.sqrt(x), torch.zeros_like(x))
naive.sum().backward()
print("naive where grad", x.grad)
x.grad = None
safe_x = torch.where(x > 0, x, torch.ones_like(x))
safe = torch.where(x > 0, torch.sqrt(safe_x), torch.zeros_like(x))
safe.sum().backward()
print("double where grad", x.grad, safe)

x = torch.tensor([0.0, 0.5, 1.0], requires_grad=True)
xlogx = torch.special.xlogy(x, x)
xlogx.sum().backward()
print("xlogy", xlogx, x.grad)

# 3. softmax/log-softmax edge cases
row = torch.tensor([[1000.0, 0.0, -1000.0], [-math.inf, -math.inf, -math.inf], [0.0, -math.inf, 1.0]])
print("softmax", F.softmax(row, dim=1))
print("log(softmax)", torch.log(F.softmax(row[:1], dim=1)), "log_softmax", F.log_softmax(row[:1], dim=1))
print("logsumexp", torch.logsumexp(row, dim=1))
p = torch.tensor([0.0, 1.0, 0.5])
t = torch.tensor([1.0, 0.0, 1.0])
print("bce clamp", F.binary_cross_entropy(p, t, reduction="none"))
print("exp overflow", torch.exp(torch.tensor([88.0, 89.0])), torch.tensor([3e38]) * 10)
print("nan_to_num", torch.nan_to_num(torch.tensor([math.nan, math.inf, -math.inf, 1.0])),
      torch.nan_to_num(torch.tensor([math.nan, math.inf]), nan=0.5, posinf=9.0))
print("isfinite", torch.isfinite(row), torch.isnan(F.softmax(row, 1)).any(dim=1))

# 4. gradient hooks that clean up
w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
h = w.register_hook(lambda g: torch.nan_to_num(g, nan=0.0, posinf=1.0, neginf=-1.0))
out = (w * torch.tensor([math.nan, 1.0, math.inf])).sum()
out.backward()
print("hooked grad", w.grad)
h.remove()

# 5. a training loop with a watchdog
X = torch.randn(128, 6)
true_w = torch.randn(6, 1)
Y = X @ true_w + 0.05 * torch.randn(128, 1)
model = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 1))
opt = torch.optim.SGD(model.parameters(), lr=1.5, momentum=0.9)
good_state = copy.deepcopy(model.state_dict())
good_opt = copy.deepcopy(opt.state_dict())
history = []
for step in range(40):
    loss = F.mse_loss(model(X), Y)
    if not torch.isfinite(loss) or (history and loss.item() > 10 * min(history)):
        model.load_state_dict(good_state)
        opt.load_state_dict(good_opt)
        for g in opt.param_groups:
            g["lr"] *= 0.5
        print(f"step {step} rollback loss {loss.item():.4g} new lr {opt.param_groups[0]['lr']}")
        continue
    opt.zero_grad()
    loss.backward()
    try:
        total = nn.utils.clip_grad_norm_(model.parameters(), 5.0, error_if_nonfinite=True)
    except RuntimeError as e:
        print("nonfinite", str(e)[:60])
        continue
    history.append(loss.item())
    if step % 5 == 0:
        good_state = copy.deepcopy(model.state_dict())
        good_opt = copy.deepcopy(opt.state_dict())
        print(f"step {step} loss {loss.item():.5f} grad norm {total.item():.4f}")
    opt.step()
print("final loss", round(F.mse_loss(model(X), Y).item(), 5), "lr", opt.param_groups[0]["lr"])

# clip with a non-finite gradient
lin = nn.Linear(2, 1)
lin.weight.grad = torch.tensor([[math.inf, 1.0]])
lin.bias.grad = torch.tensor([1.0])
try:
    nn.utils.clip_grad_norm_(lin.parameters(), 1.0, error_if_nonfinite=True)
except RuntimeError as e:
    print("caught", str(e).split(",")[0])
n = nn.utils.clip_grad_norm_(lin.parameters(), 1.0)
print("no error", n, lin.weight.grad, lin.bias.grad)
lin.weight.grad = torch.tensor([[math.nan, 1.0]])
print("nan norm", nn.utils.clip_grad_norm_(lin.parameters(), 1.0, norm_type="inf"), lin.weight.grad)
print("clip value", nn.utils.clip_grad_value_(lin.parameters(), 0.5), lin.bias.grad)

# 6. a manual loss-scaler: skip steps with inf grads, back off the scale
scale, growth = 2.0 ** 16, 0
m = nn.Linear(3, 1)
o = torch.optim.SGD(m.parameters(), lr=0.1)
xs = torch.randn(8, 3)
for i in range(6):
    o.zero_grad()
    l = m(xs * (1e36 if i == 2 else 1.0)).pow(2).mean()
    (l * scale).backward()
    grads = [p.grad for p in m.parameters()]
    found_inf = any((~torch.isfinite(g)).any().item() for g in grads)
    if found_inf:
        scale /= 2
        growth = 0
        print(f"iter {i} skipped, scale {scale}")
        continue
    for g in grads:
        g.div_(scale)
    o.step()
    growth += 1
    print(f"iter {i} loss {l.item():.5f} scale {scale}")
