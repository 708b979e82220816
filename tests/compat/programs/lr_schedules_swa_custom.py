"""Learning-rate schedules and weight averaging beyond the built-in defaults: a custom LRScheduler
subclass (linear warmup via get_lr), CosineAnnealingWarmRestarts with T_mult and a fractional
epoch step, PolynomialLR with power, ChainedScheduler(optimizer=) of ConstantLR and MultiStepLR,
SequentialLR of LinearLR into warm restarts, CyclicLR triangular2 with momentum cycling and a custom
scale_fn, OneCycleLR with a max_lr list cycling Adam's betas, then SWA (AveragedModel + SWALR with cos
annealing + update_bn over batches) beside an EMA AveragedModel from get_ema_avg_fn, and a short
training run driven by the custom warmup into cosine restarts."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim.lr_scheduler import LRScheduler, CosineAnnealingWarmRestarts, PolynomialLR, ChainedScheduler, SequentialLR, ConstantLR, LinearLR, MultiStepLR, CyclicLR, OneCycleLR
from torch.optim.swa_utils import AveragedModel, SWALR, update_bn, get_ema_avg_fn
torch.manual_seed(0)
torch.set_num_threads(1)
class Warm(LRScheduler):
    def __init__(self, opt, warm, last_epoch=-1):
        self.warm = warm
        super().__init__(opt, last_epoch)
    def get_lr(self):
        return [b * min(1.0, (self.last_epoch + 1) / self.warm) for b in self.base_lrs]
m = nn.Linear(2, 1)
opt = torch.optim.SGD(m.parameters(), lr=0.5)
s = Warm(opt, 4)
for i in range(6):
    opt.step()
    s.step()
    print("warm", s.get_last_lr(), s.last_epoch)
print(s.state_dict())
opt = torch.optim.SGD(m.parameters(), lr=1.0)
s = CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=0.1)
for i in range(12):
    opt.step()
    s.step()
    print("cawr", round(s.get_last_lr()[0], 6), s.T_cur, s.T_i)
s.step(2.5)
print("frac", s.get_last_lr())
opt = torch.optim.Adam(m.parameters(), lr=1.0)
s = PolynomialLR(opt, total_iters=4, power=2.0)
print([ (opt.step(), s.step(), round(s.get_last_lr()[0], 6))[2] for _ in range(6)])
opt = torch.optim.SGD(m.parameters(), lr=1.0, momentum=0.9)
s = ChainedScheduler([ConstantLR(opt, factor=0.5, total_iters=2), MultiStepLR(opt, [3, 5], gamma=0.1)], optimizer=opt)
print([(opt.step(), s.step(), round(s.get_last_lr()[0], 6))[2] for _ in range(7)])
opt = torch.optim.SGD(m.parameters(), lr=1.0, momentum=0.9)
s = SequentialLR(opt, [LinearLR(opt, 0.2, 1.0, 2), CosineAnnealingWarmRestarts(opt, 2)], milestones=[2])
print([(opt.step(), s.step(), round(s.get_last_lr()[0], 6))[2] for _ in range(7)])
opt = torch.optim.SGD(m.parameters(), lr=1.0, momentum=0.9)
s = CyclicLR(opt, 0.1, 1.0, step_size_up=2, step_size_down=3, mode="triangular2")
print([(opt.step(), s.step(), round(s.get_last_lr()[0], 6), round(opt.param_groups[0]["momentum"], 4))[2:] for _ in range(12)])
s = CyclicLR(opt, 0.1, 1.0, step_size_up=2, scale_fn=lambda x: 0.5 ** x, scale_mode="iterations")
print([(opt.step(), s.step(), round(s.get_last_lr()[0], 6))[2] for _ in range(6)])
opt = torch.optim.AdamW(m.parameters(), lr=1.0)
s = OneCycleLR(opt, max_lr=[0.1], epochs=2, steps_per_epoch=3, pct_start=0.5, div_factor=10, final_div_factor=100, cycle_momentum=True, base_momentum=0.8, max_momentum=0.9)
print([(opt.step(), s.step(), round(s.get_last_lr()[0], 6), opt.param_groups[0]["betas"])[2:] for _ in range(6)])
print(opt.param_groups[0].keys())
# SWA
model = nn.Sequential(nn.Linear(2, 4), nn.BatchNorm1d(4), nn.Linear(4, 1))
swa = AveragedModel(model)
ema = AveragedModel(model, multi_avg_fn=None, avg_fn=get_ema_avg_fn(0.9))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
sw = SWALR(opt, swa_lr=0.05, anneal_epochs=3, anneal_strategy="cos")
X = torch.randn(32, 2)
Y = X.sum(1, keepdim=True)
for ep in range(5):
    loss = F.mse_loss(model(X), Y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    swa.update_parameters(model)
    ema.update_parameters(model)
    sw.step()
    print("swa", ep, round(loss.item(), 5), round(sw.get_last_lr()[0], 6), swa.n_averaged.item())
update_bn([(X[i:i+8],) for i in range(0, 32, 8)], swa)
print(swa.module[1].running_mean, ema.module[0].weight, swa)
print(list(swa.state_dict().keys()))

torch.manual_seed(1)
net = nn.Sequential(nn.Linear(3, 16), nn.Tanh(), nn.Linear(16, 1))
opt = torch.optim.SGD(net.parameters(), lr=0.2, momentum=0.9)
sched = SequentialLR(opt, [Warm(opt, 5), CosineAnnealingWarmRestarts(opt, T_0=5, T_mult=2, eta_min=0.01)], milestones=[5])
Xs = torch.randn(64, 3)
Ys = torch.sin(Xs).sum(1, keepdim=True)
for epoch in range(20):
    loss = F.mse_loss(net(Xs), Ys)
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    if epoch % 4 == 3:
        print(f"epoch {epoch + 1} loss {loss.item():.5f} lr {sched.get_last_lr()[0]:.5f}")
