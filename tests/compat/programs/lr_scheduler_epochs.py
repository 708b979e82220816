"""Learning-rate schedulers the way course notebooks show them: a toy model
trained a few epochs per scheduler, printing get_last_lr() and the optimizer's
param_groups lr each epoch, warmup via LambdaLR, SequentialLR and
ReduceLROnPlateau on a validation loss, and scheduler state_dict round trips."""

import torch
from torch import nn
from torch.optim import lr_scheduler

torch.set_num_threads(1)
torch.manual_seed(11)

X = torch.randn(32, 3)
y = X @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.3


def run(name, make_sched, epochs=8, plateau=False):
    model = nn.Linear(3, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = make_sched(opt)
    lrs = []
    for epoch in range(epochs):
        loss = nn.functional.mse_loss(model(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if plateau:
            sched.step(round(loss.item(), 1))
            lrs.append(opt.param_groups[0]["lr"])
        else:
            lrs.append(sched.get_last_lr()[0])
            sched.step()
    print(f"{name:>12}: {lrs}")
    print(f"{name:>12} final loss {loss.item():.5f} lr {opt.param_groups[0]['lr']}")
    return sched


run("StepLR", lambda o: lr_scheduler.StepLR(o, step_size=3, gamma=0.5))
run("MultiStepLR", lambda o: lr_scheduler.MultiStepLR(o, milestones=[2, 5], gamma=0.1))
run("Exponential", lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9))
run("Cosine", lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=8, eta_min=0.001))
run("Warmup", lambda o: lr_scheduler.LambdaLR(o, lr_lambda=lambda e: min(1.0, (e + 1) / 4)))
run("Multiplic.", lambda o: lr_scheduler.MultiplicativeLR(o, lr_lambda=lambda e: 0.95))
run("Linear", lambda o: lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=4))
run("Constant", lambda o: lr_scheduler.ConstantLR(o, factor=0.5, total_iters=3))
run("Polynomial", lambda o: lr_scheduler.PolynomialLR(o, total_iters=6, power=2.0))
run("WarmRestart", lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2), epochs=10)
run("OneCycle", lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.2, total_steps=10), epochs=10)
run("Cyclic", lambda o: lr_scheduler.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3), epochs=10)
run("Sequential", lambda o: lr_scheduler.SequentialLR(
    o, schedulers=[lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=3),
                   lr_scheduler.ExponentialLR(o, gamma=0.8)], milestones=[3]), epochs=9)
run("Chained", lambda o: lr_scheduler.ChainedScheduler(
    [lr_scheduler.ConstantLR(o, factor=0.1, total_iters=2), lr_scheduler.ExponentialLR(o, gamma=0.9)]))
s = run("Plateau", lambda o: lr_scheduler.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=1), epochs=12,
        plateau=True)
print("plateau best", s.best, "bad epochs", s.num_bad_epochs)

model = nn.Linear(3, 1)
opt = torch.optim.Adam([{"params": model.weight}, {"params": model.bias, "lr": 0.01}], lr=0.001)
sched = lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
for epoch in range(5):
    opt.step()
    sched.step()
    print(f"Epoch {epoch}: lr={sched.get_last_lr()}, groups={[g['lr'] for g in opt.param_groups]}")
state = sched.state_dict()
print(sorted(k for k in state if not k.startswith("_")), state["last_epoch"], state["base_lrs"])
sched2 = lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
sched2.load_state_dict(state)
print(sched2.last_epoch, sched2.get_last_lr())
print(opt.state_dict()["param_groups"][1]["initial_lr"], opt.param_groups[0]["initial_lr"])
