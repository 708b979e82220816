"""Gradient accumulation over micro-batches with zero_grad(set_to_none=False), a StepLR schedule, a head
parameter group added mid-training (its lr and momentum, and what initial_lr it lacks), optimizer step
pre/post hooks and state_dict/load_state_dict hooks, loading that state into a fresh optimizer and scheduler,
then the constructor errors (a set, a non-leaf, an exhausted generator, no lr), a step without gradients,
and Adam refusing a sparse Embedding gradient."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from _show import show


torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
head_params = list(model[2].parameters())
opt = torch.optim.SGD(model[0].parameters(), lr=0.1, momentum=0.9)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
h1 = opt.register_step_pre_hook(lambda o, a, k: print("pre step", len(o.param_groups)))
h2 = opt.register_step_post_hook(lambda o, a, k: print("post step", o.param_groups[0]["lr"]))
opt.register_state_dict_pre_hook(lambda o: print("sd pre"))
opt.register_state_dict_post_hook(lambda o, sd: sd.update(extra=1) or sd)
opt.register_load_state_dict_pre_hook(lambda o, sd: print("load pre", sorted(sd)))
opt.register_load_state_dict_post_hook(lambda o: print("load post"))
x = torch.randn(8, 3)
y = torch.randn(8, 1)
accum = 2
for step in range(6):
    for micro in range(accum):
        loss = F.mse_loss(model(x[micro * 4 : (micro + 1) * 4]), y[micro * 4 : (micro + 1) * 4]) / accum
        loss.backward()
    print("step", step, "loss", round(loss.item(), 6), "grad", round(model[0].weight.grad.norm().item(), 6))
    opt.step()
    sched.step()
    opt.zero_grad(set_to_none=False)
    if step == 2:
        opt.add_param_group({"params": head_params, "lr": 0.05, "momentum": 0.0})
        print("groups", [(g["lr"], g.get("initial_lr"), g["momentum"]) for g in opt.param_groups])
    print("lrs", sched.get_last_lr(), [g["lr"] for g in opt.param_groups])
h1.remove()
h2.remove()
sd = opt.state_dict()
show("sd extra", lambda: sd.get("extra"))
show(
    "sd groups",
    lambda: [
        {k: v for k, v in g.items() if k != "params"} | {"params": g["params"]} for g in sd["param_groups"]
    ],
)
opt2 = torch.optim.SGD(model[0].parameters(), lr=1.0, momentum=0.9)
opt2.add_param_group({"params": head_params})
opt2.load_state_dict(sd)
show("loaded groups", lambda: [(g["lr"], g["momentum"], g.get("initial_lr")) for g in opt2.param_groups])
show("loaded state", lambda: sorted(k for k in opt2.state_dict()["state"]))
show("momentum buf", lambda: opt2.state[model[0].weight]["momentum_buffer"].norm())
sched2 = torch.optim.lr_scheduler.StepLR(opt2, step_size=2, gamma=0.5)
show("sched2 after load", lambda: (sched2.base_lrs, sched2.get_last_lr()))
sched2.load_state_dict(sched.state_dict())
show("sched2 loaded", lambda: (sched2.base_lrs, sched2.last_epoch, sched2.get_last_lr()))
show("zero_grad set_to_none False", lambda: model[0].bias.grad)
show(
    "register global hook",
    lambda: nn.modules.module.register_module_forward_hook(lambda m, i, o: None).remove(),
)
show("param group set", lambda: torch.optim.SGD({nn.Parameter(torch.ones(1))}, lr=0.1))
show("param not leaf", lambda: torch.optim.SGD([torch.ones(1, requires_grad=True) * 2], lr=0.1))
show(
    "param generator twice", lambda: (lambda g: (torch.optim.SGD(g, lr=0.1), list(g)))(model.parameters())[1]
)
show("lr required", lambda: torch.optim.SGD(model.parameters()))
show("step no grad", lambda: torch.optim.Adam([nn.Parameter(torch.ones(1))]).step())
show(
    "state after no grad",
    lambda: (lambda o: (o.step(), len(o.state))[1])(torch.optim.Adam([nn.Parameter(torch.ones(1))])),
)
show(
    "sparse grad adam",
    lambda: (lambda e: (e(torch.tensor([0])).sum().backward(), torch.optim.Adam(e.parameters()).step()))(
        nn.Embedding(3, 2, sparse=True)
    ),
)
