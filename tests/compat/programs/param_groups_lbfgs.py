"""Optimizer plumbing as fine-tuning scripts use it: parameter groups with their own lr / weight_decay
/ momentum (backbone vs head, no decay for biases), add_param_group mid-training (unfreezing), per-group
lr read back, optimizer state_dict round trip into a fresh optimizer that continues identically, a
scheduler that scales each group, LBFGS with line_search_fn="strong_wolfe" and without on the
Rosenbrock function and on a logistic regression (closure counts printed), and zero_grad(set_to_none)."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

X = torch.randn(128, 6)
true_w = torch.randn(6, 3)
y = (X @ true_w).argmax(1)

backbone = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU())
head = nn.Linear(16, 3)
decay, no_decay = [], []
for name, p in backbone.named_parameters():
    (no_decay if name.endswith("bias") else decay).append(p)
for p in backbone[2].parameters():
    p.requires_grad_(False)
opt = torch.optim.SGD([
    {"params": [p for p in decay if p.requires_grad], "weight_decay": 1e-3},
    {"params": [p for p in no_decay if p.requires_grad], "weight_decay": 0.0},
], lr=0.05, momentum=0.9, nesterov=True)
opt.add_param_group({"params": head.parameters(), "lr": 0.2, "momentum": 0.5})
print("groups", len(opt.param_groups), [g["lr"] for g in opt.param_groups], [g["momentum"] for g in opt.param_groups],
      [len(g["params"]) for g in opt.param_groups], [g["weight_decay"] for g in opt.param_groups])
sched = torch.optim.lr_scheduler.LambdaLR(opt, [lambda e: 0.9 ** e, lambda e: 1.0, lambda e: 1.0 / (1 + e)])


def model(x):
    return head(backbone(x))


for epoch in range(12):
    loss = F.cross_entropy(model(X), y)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    sched.step()
    if epoch == 5:  # unfreeze the middle layer with its own lr
        for p in backbone[2].parameters():
            p.requires_grad_(True)
        opt.add_param_group({"params": list(backbone[2].parameters()), "lr": 0.01})
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    print(f"epoch {epoch:2d} loss {loss.item():.5f} lrs {[round(g['lr'], 5) for g in opt.param_groups]}")
print("grad None after set_to_none", all(p.grad is None for p in head.parameters()) is False, head.weight.grad is None)
opt.zero_grad(set_to_none=True)
print("grads cleared", head.weight.grad is None)
opt.zero_grad(set_to_none=False)
print("grads zero", head.weight.grad is None)

sd = opt.state_dict()
print("state keys", sorted(sd["state"].keys()), [sorted(k for k in g if k != "params") for g in sd["param_groups"]][0])
print("group params", [g["params"] for g in sd["param_groups"]])
snapshot = {k: v.clone() for k, v in enumerate(p.detach() for p in list(backbone.parameters()) + list(head.parameters()))}
opt2 = torch.optim.SGD([{"params": decay[:1]}, {"params": no_decay[:1]},
                        {"params": head.parameters()}, {"params": list(backbone[2].parameters())}], lr=1.0)
opt2.load_state_dict(sd)
print("loaded lrs", [g["lr"] for g in opt2.param_groups], [g["nesterov"] for g in opt2.param_groups])
print("momentum buffer", [round(v, 5) for v in opt2.state[head.bias]["momentum_buffer"].tolist()])


def rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


for search in (None, "strong_wolfe"):
    p = torch.tensor([-1.5, 2.0], dtype=torch.float64, requires_grad=True)  # (float32 rounding is chaotic here)
    lb = torch.optim.LBFGS([p], lr=1 if search else 0.1, max_iter=40, history_size=10, line_search_fn=search)
    calls = [0]

    def closure(calls=calls, lb=lb, p=p):
        calls[0] += 1
        lb.zero_grad()
        loss = rosenbrock(p)
        loss.backward()
        return loss

    for outer in range(2):
        loss = lb.step(closure)
        print(f"lbfgs {search} outer {outer} loss {loss.item():.6f} p {[round(v, 5) for v in p.tolist()]} "
              f"calls {calls[0]} n_iter {lb.state[p]['n_iter']} func_evals {lb.state[p]['func_evals']}")

w = torch.zeros(6, 3, requires_grad=True)
b = torch.zeros(3, requires_grad=True)
lb = torch.optim.LBFGS([w, b], lr=1, max_iter=25, tolerance_grad=1e-9, tolerance_change=1e-12,
                       line_search_fn="strong_wolfe")


def closure():
    lb.zero_grad()
    loss = F.cross_entropy(X @ w + b, y) + 1e-2 * w.pow(2).sum()
    loss.backward()
    return loss


for outer in range(2):
    loss = lb.step(closure)
    print(f"logreg lbfgs outer {outer} loss {loss.item():.6f} acc {((X @ w + b).argmax(1) == y).float().mean().item():.4f}")
print("lbfgs state keys", sorted(k for k in lb.state[w].keys()))
