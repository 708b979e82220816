"""Learning-rate schedules as training loops print them (not plotted): OneCycleLR stepped per batch
with SGD momentum cycling (div_factor, final_div_factor, pct_start) and with AdamW's betas (linear
anneal, three_phase, a list max_lr), CosineAnnealingWarmRestarts stepped with fractional epochs
(epoch + i / iters, T_cur and T_i), ReduceLROnPlateau on a validation loss (threshold, patience,
num_bad_epochs, best, its state_dict), a LinearLR warmup then CosineAnnealingLR in SequentialLR,
PolynomialLR over two param groups, CyclicLR triangular2, and a small regression trained under
OneCycleLR. get_last_lr() after every step. Seeded: every number agrees."""

import torch
import torch.nn as nn
from torch.optim import lr_scheduler as S

torch.set_num_threads(1)
torch.manual_seed(0)
m = nn.Linear(2, 1)


def fmt(lrs):
    return [round(x, 8) for x in lrs]


opt = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
sch = S.OneCycleLR(opt, max_lr=1.0, total_steps=10, pct_start=0.3, div_factor=10, final_div_factor=100)
print(fmt(sch.get_last_lr()), opt.param_groups[0]["initial_lr"], opt.param_groups[0]["max_lr"])
for i in range(10):
    opt.step()
    sch.step()
    print(i, fmt(sch.get_last_lr()), round(opt.param_groups[0]["momentum"], 6))
print(sorted(sch.state_dict().keys()))

opt = torch.optim.Adam(m.parameters(), lr=0.1)
sch = S.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=0.001)
iters = 4
for epoch in range(3):
    for i in range(iters):
        opt.step()
        sch.step(epoch + i / iters)
        print(epoch, i, fmt(sch.get_last_lr()), round(sch.T_cur, 6), sch.T_i)

opt = torch.optim.SGD(m.parameters(), lr=0.1)
sch = S.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1, threshold=0.01)
for loss in [1.0, 0.99, 0.995, 0.98, 0.97, 0.96, 0.959, 0.958]:
    sch.step(loss)
    print(fmt(sch.get_last_lr()), sch.num_bad_epochs, sch.best, opt.param_groups[0]["lr"])
print(sch.state_dict())

opt = torch.optim.SGD(m.parameters(), lr=0.1)
warm = S.LinearLR(opt, start_factor=0.1, total_iters=3)
cos = S.CosineAnnealingLR(opt, T_max=5)
seq = S.SequentialLR(opt, [warm, cos], milestones=[3])
for i in range(8):
    opt.step()
    seq.step()
    print(i, fmt(seq.get_last_lr()))
print(sorted(seq.state_dict().keys()))

opt = torch.optim.AdamW(m.parameters(), lr=1e-3, betas=(0.9, 0.99))
sch = S.OneCycleLR(opt, max_lr=[0.01], epochs=2, steps_per_epoch=3, anneal_strategy="linear", three_phase=True)
for i in range(6):
    opt.step()
    sch.step()
    print(fmt(sch.get_last_lr()), tuple(round(b, 6) for b in opt.param_groups[0]["betas"]))
lam = S.LambdaLR(opt, lambda e: 0.5 ** e)
print(fmt(lam.get_last_lr()), lam.last_epoch, lam.base_lrs)

opt = torch.optim.SGD([{"params": [m.weight]}, {"params": [m.bias], "lr": 0.5}], lr=0.1, momentum=0.8)
sch = S.PolynomialLR(opt, total_iters=4, power=2.0)
for i in range(5):
    opt.step()
    sch.step()
    print(fmt(sch.get_last_lr()))
sch = S.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=2, mode="triangular2")
for i in range(6):
    opt.step()
    sch.step()
    print(fmt(sch.get_last_lr()), round(opt.param_groups[0]["momentum"], 6))

torch.manual_seed(1)
X = torch.randn(64, 3)
y = X @ torch.tensor([1.5, -2.0, 0.5]) + 0.3
model = nn.Linear(3, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True)
epochs, bs = 3, 16
sch = S.OneCycleLR(opt, max_lr=0.2, epochs=epochs, steps_per_epoch=64 // bs)
for epoch in range(epochs):
    for i in range(0, 64, bs):
        loss = nn.functional.mse_loss(model(X[i:i + bs]).squeeze(1), y[i:i + bs])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sch.step()
    print(f"epoch {epoch} loss {loss.item():.6f} lr {sch.get_last_lr()[0]:.6e}")
print(model.weight.data, model.bias.data)
