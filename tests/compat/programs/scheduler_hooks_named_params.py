"""Training-loop plumbing from a small research repo: an optimizer built from model.named_parameters()
(param_names in its groups and state_dict, loading into an unnamed optimizer), optimizer step pre/post
hooks for logging, state_dict hooks that stash extra info, and a tour of LR schedules with their edge
options - OneCycleLR three_phase with linear annealing and momentum cycling (SGD momentum and Adam
betas), CosineAnnealingWarmRestarts with T_mult=2 stepped by fractional epochs and jumps,
ReduceLROnPlateau in max mode with abs threshold, cooldown and min_lr, CyclicLR triangular2 and
exp_range with momentum, SequentialLR of LinearLR/ExponentialLR/ConstantLR, ChainedScheduler,
PolynomialLR and MultiStepLR with a repeated milestone - and each scheduler's state_dict round trip."""

import torch
import torch.nn as nn
from torch.optim import lr_scheduler as sched

torch.set_num_threads(1)
torch.manual_seed(0)

model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
opt = torch.optim.AdamW(model.named_parameters(), lr=0.01, weight_decay=0.1)
print("param_names", opt.param_groups[0]["param_names"])
log = []
pre = opt.register_step_pre_hook(lambda o, args, kwargs: log.append(("pre", len(o.state))))
post = opt.register_step_post_hook(lambda o, args, kwargs: log.append(("post", len(o.state))))
opt.register_state_dict_post_hook(lambda o, sd: {**sd, "note": "saved by hook"})
x, y = torch.randn(16, 3), torch.randn(16, 1)
for _ in range(3):
    opt.zero_grad()
    nn.functional.mse_loss(model(x), y).backward()
    opt.step()
pre.remove()
opt.step()
print("hook log", log)
sd = opt.state_dict()
print("state_dict keys", sorted(sd.keys()), sd.get("note"), sd["param_groups"][0]["param_names"][:2])
plain = torch.optim.AdamW(model.parameters(), lr=0.5)
plain.load_state_dict(sd)
print("loaded lr", plain.param_groups[0]["lr"], "names", plain.param_groups[0].get("param_names", "none")[:1],
      "step", plain.state[model[0].weight]["step"].item())
grouped = torch.optim.SGD([{"params": model[0].named_parameters(), "lr": 0.5},
                           {"params": model[2].named_parameters(), "momentum": 0.9}], lr=0.1)
print("grouped names", [g["param_names"] for g in grouped.param_groups], [g["lr"] for g in grouped.param_groups])
try:
    torch.optim.SGD([{"params": model[0].named_parameters()}, {"params": model[2].parameters()}], lr=0.1)
except ValueError as e:
    print("mixed named:", str(e).split(".")[0])


def fresh(cls=torch.optim.SGD, **kw):
    p = nn.Parameter(torch.zeros(1))
    return cls([p], **kw)


def trace(s, n, every=None, fmt="{:.6f}"):
    out = []
    for i in range(n):
        s.optimizer.step()
        s.step() if every is None else every(s, i)
        out.append(fmt.format(s.get_last_lr()[0]))
    return out


o = fresh(lr=0.1, momentum=0.9)
s = sched.OneCycleLR(o, max_lr=1.0, total_steps=12, three_phase=True, anneal_strategy="linear", div_factor=10,
                     final_div_factor=100)
print("onecycle 3-phase", trace(s, 11), "momentum", o.param_groups[0]["momentum"])
o = fresh(torch.optim.Adam, lr=0.1)
s = sched.OneCycleLR(o, max_lr=0.5, epochs=2, steps_per_epoch=4, pct_start=0.25, base_momentum=0.8, max_momentum=0.9)
print("onecycle adam", trace(s, 7), "betas", tuple(round(b, 6) for b in o.param_groups[0]["betas"]))
try:
    s.step()
    s.step()
except ValueError as e:
    print("onecycle overrun:", str(e).split(".")[0])
o = fresh(lr=0.1)
s = sched.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2, eta_min=0.01)
print("warm restarts", trace(s, 14))
o = fresh(lr=0.1)
s = sched.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2)
print("fractional epochs", [(s.step(e), f"{s.get_last_lr()[0]:.6f}", s.T_cur, s.T_i)[1:] for e in [0.5, 1.5, 2.9, 3.0, 8.5, 20, 1]])
o = fresh(lr=1.0, momentum=0.9)
s = sched.ReduceLROnPlateau(o, mode="max", factor=0.5, patience=1, threshold=0.05, threshold_mode="abs", cooldown=2,
                            min_lr=0.1)
accs = [0.5, 0.52, 0.53, 0.6, 0.61, 0.62, 0.62, 0.63, 0.64, 0.64, 0.65, 0.7, 0.71, 0.71, 0.71]
hist = []
for a in accs:
    s.step(a)
    hist.append((round(o.param_groups[0]["lr"], 6), s.num_bad_epochs, s.cooldown_counter))
print("plateau max/abs", hist)
print("plateau state", sorted((k, v) for k, v in s.state_dict().items() if isinstance(v, (int, float, str))))
o = fresh(lr=0.1, momentum=0.9)
s = sched.CyclicLR(o, 0.01, 0.1, step_size_up=2, mode="triangular2", base_momentum=0.8, max_momentum=0.9)
print("cyclic tri2", trace(s, 12), "momentum", round(o.param_groups[0]["momentum"], 6))
o = fresh(lr=0.1, momentum=0.9)
s = sched.CyclicLR(o, 0.01, 0.1, step_size_up=2, step_size_down=3, mode="exp_range", gamma=0.9)
print("cyclic exp_range", trace(s, 10))
o = fresh(lr=0.1)
s = sched.SequentialLR(o, [sched.LinearLR(o, start_factor=0.1, total_iters=3), sched.ExponentialLR(o, gamma=0.5),
                           sched.ConstantLR(o, factor=0.2, total_iters=2)], milestones=[3, 5])
print("sequential", trace(s, 10))
o = fresh(lr=0.1)
s = sched.ChainedScheduler([sched.ConstantLR(o, factor=0.5, total_iters=2), sched.ExponentialLR(o, gamma=0.9)])
print("chained", trace(s, 5))
o = fresh(lr=0.1)
print("polynomial", trace(sched.PolynomialLR(o, total_iters=4, power=2.0), 6))
o = fresh(lr=0.1)
print("multistep repeated", trace(sched.MultiStepLR(o, milestones=[2, 2, 4], gamma=0.5), 6))

# state_dict round trip of a scheduler mid-run, resumed in a fresh optimizer/scheduler pair
o1 = fresh(lr=0.1, momentum=0.9)
s1 = sched.OneCycleLR(o1, max_lr=1.0, total_steps=20)
first = trace(s1, 8)
state_o, state_s = o1.state_dict(), s1.state_dict()
o2 = fresh(lr=0.1, momentum=0.9)
s2 = sched.OneCycleLR(o2, max_lr=1.0, total_steps=20)
o2.load_state_dict(state_o)
s2.load_state_dict(state_s)
print("resumed", trace(s2, 5) == trace(s1, 5), "last_epoch", s2.last_epoch)
print("onecycle state keys", sorted(k for k in state_s if not k.startswith("_")))
