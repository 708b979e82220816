"""The optimizer part of course notebooks: print(optimizer) for several
optimizers, param_groups with per-layer learning rates and weight decay,
add_param_group, optimizer.state_dict() structure (state keys, step counts,
momentum buffers), zero_grad(set_to_none), loading optimizer state into a
fresh optimizer, and the same quadratic minimised by each optimizer."""

import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(17)

model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
print(model)
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
print(opt)
opt = torch.optim.Adam([
    {"params": model[0].parameters()},
    {"params": model[2].parameters(), "lr": 1e-3, "weight_decay": 1e-4},
], lr=1e-2)
print(opt)
print(torch.optim.AdamW(model.parameters(), lr=3e-4))
print(torch.optim.RMSprop(model.parameters(), lr=0.01, alpha=0.9))
print(torch.optim.Adagrad(model.parameters()))
for i, g in enumerate(opt.param_groups):
    print(i, g["lr"], g["weight_decay"], g["betas"], len(g["params"]), sorted(g.keys()))

X = torch.randn(16, 3)
y = X.sum(1, keepdim=True)
for step in range(3):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(X), y)
    loss.backward()
    opt.step()
    print(f"step {step} loss {loss.item():.6f}")
sd = opt.state_dict()
print(sorted(sd.keys()), list(sd["state"].keys()))
print(sorted(sd["state"][0].keys()), sd["state"][0]["step"])
print(sd["state"][3]["exp_avg"])
print(sd["state"][3]["exp_avg_sq"])
print(sd["param_groups"][1]["params"], sd["param_groups"][1]["lr"])

opt2 = torch.optim.Adam([
    {"params": model[0].parameters()},
    {"params": model[2].parameters(), "lr": 1e-3, "weight_decay": 1e-4},
], lr=1e-2)
opt2.load_state_dict(sd)
print(opt2.state_dict()["state"][0]["step"], torch.equal(opt2.state_dict()["state"][1]["exp_avg"], sd["state"][1]["exp_avg"]))
opt.zero_grad(set_to_none=True)
print(model[0].weight.grad)
loss = nn.functional.mse_loss(model(X), y)
loss.backward()
opt.zero_grad(set_to_none=False)
print(model[0].weight.grad)

extra = nn.Parameter(torch.ones(2))
sgd = torch.optim.SGD(model[0].parameters(), lr=0.1)
sgd.add_param_group({"params": [extra], "lr": 0.5, "momentum": 0.5})
print(sgd)
(extra ** 2).sum().backward()
sgd.step()
sgd.step()
print(extra, sgd.state_dict()["state"])


def f(p):
    return (p[0] - 3) ** 2 + 10 * (p[1] + 1) ** 2


for name, make in [("SGD", lambda p: torch.optim.SGD(p, lr=0.05)),
                   ("SGD momentum", lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.9)),
                   ("Nesterov", lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.9, nesterov=True)),
                   ("Adam", lambda p: torch.optim.Adam(p, lr=0.3)),
                   ("AdamW", lambda p: torch.optim.AdamW(p, lr=0.3, weight_decay=0.1)),
                   ("RMSprop", lambda p: torch.optim.RMSprop(p, lr=0.1)),
                   ("Adagrad", lambda p: torch.optim.Adagrad(p, lr=1.0)),
                   ("Adadelta", lambda p: torch.optim.Adadelta(p, lr=5.0)),
                   ("Adamax", lambda p: torch.optim.Adamax(p, lr=0.5)),
                   ("NAdam", lambda p: torch.optim.NAdam(p, lr=0.3)),
                   ("RAdam", lambda p: torch.optim.RAdam(p, lr=0.1))]:
    p = torch.tensor([0.0, 0.0], requires_grad=True)
    o = make([p])
    path = []
    for it in range(30):
        o.zero_grad()
        loss = f(p)
        loss.backward()
        o.step()
        if it % 10 == 9:
            path.append(round(loss.item(), 5))
    print(f"{name:>12}: p = {p.detach()} losses {path}")
