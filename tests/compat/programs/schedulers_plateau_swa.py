"""Learning-rate schedules a training script chains together, read back through get_last_lr: LinearLR into
ExponentialLR via ChainedScheduler, ConstantLR then cosine via SequentialLR, ReduceLROnPlateau in min/rel
and max/abs modes with cooldown and min_lr, MultiplicativeLR, PolynomialLR, warm restarts, a three-phase
linear OneCycleLR stepped past its end, exp_range CyclicLR; then SWA: AveragedModel (plain and an EMA over
buffers), SWALR with cosine annealing, update_bn over a loader, and SWALR's argument errors."""

import torch
import torch.nn as nn
from torch.optim import lr_scheduler as S
from torch.optim.swa_utils import AveragedModel, SWALR, update_bn, get_ema_multi_avg_fn
from _show import show


def mk(lr=0.1):
    return torch.optim.SGD([nn.Parameter(torch.ones(2))], lr=lr, momentum=0.9)


o = mk()
s1 = S.LinearLR(o, start_factor=0.1, total_iters=3)
s2 = S.ExponentialLR(o, gamma=0.9)
ch = S.ChainedScheduler([s1, s2])
lrs = []
for _ in range(6):
    o.step()
    ch.step()
    lrs.append(ch.get_last_lr())
show("chained", lambda: lrs)
o = mk()
sq = S.SequentialLR(
    o, [S.ConstantLR(o, factor=0.5, total_iters=2), S.CosineAnnealingLR(o, T_max=4)], milestones=[2]
)
lrs = []
for _ in range(7):
    o.step()
    sq.step()
    lrs.append(round(sq.get_last_lr()[0], 6))
show("sequential", lambda: lrs)
show("seq sd keys", lambda: sorted(sq.state_dict().keys()))
o = mk()
for mode, thr in [("min", "rel"), ("max", "abs")]:
    o = mk()
    pl = S.ReduceLROnPlateau(
        o, mode=mode, factor=0.5, patience=1, threshold=0.1, threshold_mode=thr, cooldown=1, min_lr=0.01
    )
    out = []
    for m in [1.0, 0.95, 0.96, 0.97, 0.5, 0.49, 0.49, 0.49, 0.49, 0.49]:
        pl.step(m)
        out.append((o.param_groups[0]["lr"], pl.num_bad_epochs, pl.cooldown_counter))
    show("plateau " + mode, lambda out=out: out)
    show("plateau last", lambda pl=pl: pl.get_last_lr())
show("plateau bad mode", lambda: S.ReduceLROnPlateau(mk(), mode="avg"))
show("plateau factor", lambda: S.ReduceLROnPlateau(mk(), factor=1.0))
o = mk()
o = mk()
sc = S.MultiplicativeLR(o, lambda e: 0.5)
for _ in range(3):
    o.step()
    sc.step()
show("multiplicative", lambda: (sc.get_last_lr(), sc.last_epoch, sc.state_dict()))
o = mk()
sc = S.PolynomialLR(o, total_iters=4, power=2.0)
lrs = []
for _ in range(6):
    o.step()
    sc.step()
    lrs.append(sc.get_last_lr()[0])
show("poly", lambda: lrs)
o = mk()
sc = S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001)
lrs = []
for _ in range(10):
    o.step()
    sc.step()
    lrs.append(round(sc.get_last_lr()[0], 5))
show("warm restarts", lambda: (lrs, sc.T_i, sc.T_cur))
o = mk()
sc = S.OneCycleLR(o, max_lr=1.0, total_steps=10, anneal_strategy="linear", three_phase=True)
lrs = []
for _ in range(10):
    o.step()
    sc.step()
    lrs.append(round(sc.get_last_lr()[0], 5))
show("onecycle 3p", lambda: (lrs, o.param_groups[0]["momentum"]))
show("onecycle over", lambda: sc.step())
o = mk()
sc = S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2, mode="exp_range", gamma=0.9)
lrs = []
for _ in range(6):
    o.step()
    sc.step()
    lrs.append(round(sc.get_last_lr()[0], 5))
show("cyclic exp", lambda: (lrs, o.param_groups[0]["momentum"]))
o = mk()
sc = S.StepLR(o, 2)
show("sched repr-ish", lambda: (type(sc).__name__, sc.base_lrs, sc.last_epoch, sorted(sc.state_dict())))
o = mk()
sc = S.LambdaLR(o, [lambda e: 0.9**e])
show("lambda sd", lambda: sc.state_dict())
show("lambda wrong n", lambda: S.LambdaLR(o, [lambda e: 1, lambda e: 2]))
o = mk()
# SWA

torch.manual_seed(1)
net = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.Linear(3, 1))
torch.manual_seed(0)
swa = AveragedModel(net)
ema = AveragedModel(net, multi_avg_fn=get_ema_multi_avg_fn(0.9), use_buffers=True)
opt = torch.optim.SGD(net.parameters(), lr=0.1)
sw = SWALR(opt, swa_lr=0.05, anneal_epochs=3, anneal_strategy="cos")
x = torch.randn(8, 2)
for i in range(4):
    opt.zero_grad()
    net(x).pow(2).mean().backward()
    opt.step()
    swa.update_parameters(net)
    ema.update_parameters(net)
    sw.step()
    print("swa", i, sw.get_last_lr(), swa.n_averaged.item())
show("swa keys", lambda: list(swa.state_dict().keys()))
print(swa)
loader = [(x[:4],), (x[4:],)]
update_bn(loader, swa)
show("bn", lambda: swa.module[1].running_mean)
show("swalr bad", lambda: SWALR(opt, swa_lr=0.05, anneal_strategy="quad"))
show("swalr bad ep", lambda: SWALR(opt, swa_lr=0.05, anneal_epochs=-1))
