"""Every learning-rate scheduler a course notebook plots, printed epoch by epoch: StepLR, MultiStepLR,
ExponentialLR, CosineAnnealingLR (eta_min), ConstantLR, LinearLR, MultiplicativeLR, PolynomialLR (power),
CosineAnnealingWarmRestarts (T_mult), CyclicLR (triangular2, exp_range, momentum cycling), OneCycleLR
(linear anneal, three_phase), SequentialLR of LinearLR then ExponentialLR, ChainedScheduler, LambdaLR with one
lambda per param group; ReduceLROnPlateau in 'max' mode with threshold_mode='abs', patience, cooldown
and per-group min_lr; get_last_lr() vs param_groups' lr, the state_dict of a scheduler, resuming a
StepLR from it, and a scheduler created with last_epoch (initial_lr in the groups)."""

import torch.nn as nn
from torch.optim import SGD, Adam
from torch.optim import lr_scheduler as sched


def make_opt(cls=SGD, **kw):
    model = nn.Linear(2, 1)
    return cls([{"params": [model.weight]}, {"params": [model.bias], "lr": 0.01}], lr=kw.pop("lr", 0.1), **kw)


def trace(name, build, epochs=10, cls=SGD, **kw):
    opt = make_opt(cls, **kw)
    s = build(opt)
    lrs = []
    for _ in range(epochs):
        lrs.append(f"{opt.param_groups[0]['lr']:.6g}/{opt.param_groups[1]['lr']:.6g}")
        opt.step()
        s.step()
    print(f"{name:18s} {' '.join(lrs)} | last {[round(v, 8) for v in s.get_last_lr()]}")
    return opt, s


trace("step", lambda o: sched.StepLR(o, step_size=3, gamma=0.5))
trace("multistep", lambda o: sched.MultiStepLR(o, milestones=[2, 5, 5], gamma=0.1))
trace("exponential", lambda o: sched.ExponentialLR(o, gamma=0.8))
trace("cosine", lambda o: sched.CosineAnnealingLR(o, T_max=4, eta_min=0.001), epochs=12)
trace("constant", lambda o: sched.ConstantLR(o, factor=0.25, total_iters=3))
trace("linear", lambda o: sched.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=4))
trace("multiplicative", lambda o: sched.MultiplicativeLR(o, lr_lambda=lambda e: 0.9 if e % 2 else 1.0))
trace("polynomial", lambda o: sched.PolynomialLR(o, total_iters=6, power=2.0))
trace("warm restarts", lambda o: sched.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2, eta_min=1e-3), epochs=12)
opt, s = trace("cyclic tri2", lambda o: sched.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2,
                                                      mode="triangular2"), epochs=12)
print("cyclic momentum", [round(g["momentum"], 6) for g in opt.param_groups])
trace("cyclic exp_range", lambda o: sched.CyclicLR(o, base_lr=[0.01, 0.001], max_lr=[0.1, 0.01], step_size_up=3,
                                                   step_size_down=1, mode="exp_range", gamma=0.9,
                                                   cycle_momentum=False), epochs=12)
opt, s = trace("onecycle linear", lambda o: sched.OneCycleLR(o, max_lr=[0.5, 0.05], total_steps=10,
                                                            anneal_strategy="linear", pct_start=0.3),
               cls=Adam, lr=0.1)
print("onecycle betas", [tuple(round(b, 6) for b in g["betas"]) for g in opt.param_groups])
trace("onecycle 3phase", lambda o: sched.OneCycleLR(o, max_lr=0.4, epochs=2, steps_per_epoch=5,
                                                    three_phase=True, div_factor=10, final_div_factor=100))
trace("sequential", lambda o: sched.SequentialLR(o, [sched.LinearLR(o, start_factor=0.2, total_iters=3),
                                                     sched.ExponentialLR(o, gamma=0.7)], milestones=[3]))
trace("chained", lambda o: sched.ChainedScheduler([sched.ConstantLR(o, factor=0.5, total_iters=2),
                                                   sched.ExponentialLR(o, gamma=0.9)]))
trace("lambda per group", lambda o: sched.LambdaLR(o, lr_lambda=[lambda e: 1 / (e + 1), lambda e: 0.95 ** e]))

opt = make_opt(lr=1.0)
plateau = sched.ReduceLROnPlateau(opt, mode="max", factor=0.5, patience=1, threshold=0.05,
                                  threshold_mode="abs", cooldown=2, min_lr=[0.1, 0.004])
accs = [0.50, 0.60, 0.62, 0.63, 0.64, 0.70, 0.71, 0.71, 0.72, 0.72, 0.72, 0.72, 0.73, 0.73]
for epoch, acc in enumerate(accs):
    plateau.step(acc)
    print(f"plateau epoch {epoch:2d} acc {acc:.2f} | lrs {[round(g['lr'], 6) for g in opt.param_groups]} "
          f"| bad {plateau.num_bad_epochs} | cooldown {plateau.cooldown_counter} | best {plateau.best:.2f}")
print("plateau last", plateau.get_last_lr())

opt = make_opt()
step = sched.StepLR(opt, step_size=2, gamma=0.3)
for _ in range(3):
    opt.step()
    step.step()
state = step.state_dict()
print("sched state", sorted(state.keys()), state["last_epoch"], [round(v, 6) for v in state["_last_lr"]])
opt2 = make_opt()
step2 = sched.StepLR(opt2, step_size=2, gamma=0.3)
step2.load_state_dict(state)
for _ in range(3):
    opt.step()
    step.step()
    opt2.step()
    step2.step()
print("resumed lrs", step.get_last_lr() == step2.get_last_lr(), [round(v, 8) for v in step2.get_last_lr()],
      "(param groups keep their own lr)", [round(g["lr"], 8) for g in opt2.param_groups])

opt = make_opt()
for g in opt.param_groups:
    g["initial_lr"] = g["lr"]
late = sched.CosineAnnealingLR(opt, T_max=10, last_epoch=4)
print("late start", late.last_epoch, [round(v, 8) for v in late.get_last_lr()],
      [round(g["lr"], 8) for g in opt.param_groups], [g["initial_lr"] for g in opt.param_groups])
try:
    sched.StepLR(make_opt(), step_size=2, last_epoch=3)
except KeyError as e:
    print("missing initial_lr:", e)
