"""The fastai / pytorch-lr-finder recipe: an exponential learning-rate range test with a smoothed,
bias-corrected loss, divergence stop at 4x the best loss, model and optimizer restored from deep copies of
their state dicts, the suggestion at the steepest descent of the smoothed curve, then training with
OneCycleLR (cosine and linear annealing, three_phase, momentum cycling on SGD and beta1 cycling on Adam),
printing lrs/momenta at phase boundaries and the scheduler's state_dict keys."""

import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.lr_scheduler import LambdaLR, OneCycleLR

torch.manual_seed(0)
torch.set_num_threads(1)

X = torch.randn(600, 10)
w_true = torch.randn(10, 3)
y = (X @ w_true + 0.3 * torch.randn(600, 3)).argmax(1)
ds = torch.utils.data.TensorDataset(X, y)
loader = torch.utils.data.DataLoader(ds, batch_size=32, shuffle=True, drop_last=True)


def make_model():
    return nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 3))


model = make_model()
opt = torch.optim.SGD(model.parameters(), lr=1e-5, momentum=0.9)
model_state = copy.deepcopy(model.state_dict())
opt_state = copy.deepcopy(opt.state_dict())

start_lr, end_lr, num_iter = 1e-5, 10.0, 60
gamma = (end_lr / start_lr) ** (1 / num_iter)
sched = LambdaLR(opt, lambda it: gamma ** it)
lrs, losses = [], []
avg, best, beta = 0.0, None, 0.98
it = 0
data_iter = iter(loader)
while it < num_iter:
    try:
        xb, yb = next(data_iter)
    except StopIteration:
        data_iter = iter(loader)
        xb, yb = next(data_iter)
    loss = F.cross_entropy(model(xb), yb)
    opt.zero_grad()
    loss.backward()
    opt.step()
    lrs.append(sched.get_last_lr()[0])
    sched.step()
    avg = beta * avg + (1 - beta) * loss.item()
    smoothed = avg / (1 - beta ** (it + 1))
    losses.append(smoothed)
    if best is None or smoothed < best:
        best = smoothed
    if smoothed > 4 * best or not np.isfinite(smoothed):
        print(f"stopping early at iter {it}: loss diverged")
        break
    it += 1

print("range test points", len(lrs), f"first lr {lrs[0]:.2e} last lr {lrs[-1]:.4e}")
print("smoothed losses", [f"{l:.4f}" for l in losses[::10]])
grads = np.gradient(np.array(losses[5:-2]))
suggest = lrs[5:-2][int(grads.argmin())]
print(f"suggested lr {suggest:.4e} min-loss lr {lrs[int(np.argmin(losses))]:.4e}")
model.load_state_dict(model_state)
opt.load_state_dict(opt_state)
print("restored lr", opt.param_groups[0]["lr"], "initial_lr" in opt.param_groups[0], "state", len(opt.state))

for name, kw in [("cos-sgd", dict(anneal_strategy="cos")), ("linear-3phase", dict(anneal_strategy="linear", three_phase=True))]:
    torch.manual_seed(1)
    model = make_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4)
    epochs = 4
    sched = OneCycleLR(opt, max_lr=lrs[int(np.argmin(losses))] / 10, epochs=epochs, steps_per_epoch=len(loader),
                       pct_start=0.25, div_factor=25.0, final_div_factor=1e4, **kw)
    trace = []
    for epoch in range(epochs):
        tot = 0.0
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            trace.append((opt.param_groups[0]["lr"], opt.param_groups[0]["momentum"]))
            sched.step()
            tot += loss.item()
        print(f"{name} epoch {epoch} loss {tot / len(loader):.4f} lr {sched.get_last_lr()[0]:.6f}")
    for i in (0, len(trace) // 4, len(trace) // 2, len(trace) - 1):
        print(f"  step {i:3d} lr {trace[i][0]:.6f} momentum {trace[i][1]:.4f}")
print("sched state keys", sorted(k for k in sched.state_dict() if not k.startswith("_"))[:8])
print("total_steps", sched.total_steps, "last_epoch", sched.last_epoch)
try:
    sched.step()
except ValueError as e:
    print("ValueError:", str(e)[:80])

model = make_model()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
sched = OneCycleLR(opt, max_lr=1e-2, total_steps=20)
betas = []
for _ in range(20):
    opt.step()
    betas.append(opt.param_groups[0]["betas"][0])
    sched.step() if len(betas) < 20 else None
print("adam beta1 trace", [f"{b:.3f}" for b in betas[::4]], "max_momentum" in opt.param_groups[0])
try:
    OneCycleLR(opt, max_lr=1e-2)
except ValueError as e:
    print("ValueError:", e)
