"""Hypernetworks as the HyperNetworks / continual-learning (hnet) code and
the torch.func tutorials write them: a task embedding (nn.Embedding) fed to a
hypernetwork that emits the flat weight vector of a small target MLP, the
vector cut into shaped chunks by torch.split and view (sizes from
named_parameters), the target run three ways — F.linear with the generated
weights, torch.func.functional_call on a stateless module with the
generated dict, and per-task batched weights through torch.bmm /
torch.baddbmm — on regression tasks (sines of different phase and
amplitude); nn.utils.parameters_to_vector / vector_to_parameters round trip,
the continual-learning output regularizer (old tasks' generated weights
kept close to a detached snapshot), Adam, the hypernetwork's gradient
norm per chunk, and new-task adaptation by optimizing only the embedding.
Seeded: every number agrees."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call
from torch.nn.utils import parameters_to_vector, vector_to_parameters

torch.manual_seed(0)
torch.set_num_threads(1)

n_tasks = 4
phases = torch.linspace(0, math.pi, n_tasks)
amps = torch.tensor([0.5, 1.0, 1.5, 0.8])
x_grid = torch.linspace(-3, 3, 40).unsqueeze(1)


def task_data(t, n=40):
    x = x_grid[torch.randperm(len(x_grid))[:n]]
    return x, amps[t] * torch.sin(x + phases[t])


class Target(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(1, 24)
        self.fc2 = nn.Linear(24, 24)
        self.fc3 = nn.Linear(24, 1)

    def forward(self, x):
        return self.fc3(torch.tanh(self.fc2(torch.tanh(self.fc1(x)))))


target = Target()
shapes = {name: p.shape for name, p in target.named_parameters()}
numels = [p.numel() for p in target.parameters()]
n_target = sum(numels)
print("target shapes", {k: tuple(v) for k, v in shapes.items()}, "total", n_target)

vec = parameters_to_vector(target.parameters())
vector_to_parameters(vec * 2, target.parameters())
print("vector round trip", torch.allclose(parameters_to_vector(target.parameters()), vec * 2),
      f"norm {vec.norm().item():.5f}")


class HyperNet(nn.Module):
    def __init__(self, n_tasks, emb_dim=8, hidden=64):
        super().__init__()
        self.task_emb = nn.Embedding(n_tasks, emb_dim)
        nn.init.normal_(self.task_emb.weight, std=1.0)
        self.body = nn.Sequential(nn.Linear(emb_dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU())
        self.head = nn.Linear(hidden, n_target)
        with torch.no_grad():  # start near a sensible init: small outputs, bias = a default-initialized target
            self.head.weight.mul_(0.1)
            self.head.bias.copy_(parameters_to_vector(Target().parameters()))

    def forward(self, task_ids):
        return self.head(self.body(self.task_emb(task_ids)))  # [T, n_target]

    def unflatten(self, flat):
        chunks = torch.split(flat, numels, dim=-1)
        return {name: c.view(*flat.shape[:-1], *shape) for (name, shape), c in zip(shapes.items(), chunks)}


def run_linear(w, x):
    h = torch.tanh(F.linear(x, w["fc1.weight"], w["fc1.bias"]))
    h = torch.tanh(F.linear(h, w["fc2.weight"], w["fc2.bias"]))
    return F.linear(h, w["fc3.weight"], w["fc3.bias"])


def run_bmm(w, x):  # w: batched over tasks [T, ...]; x: [T, N, 1]
    h = torch.tanh(torch.baddbmm(w["fc1.bias"].unsqueeze(1), x, w["fc1.weight"].transpose(1, 2)))
    h = torch.tanh(torch.bmm(h, w["fc2.weight"].transpose(1, 2)) + w["fc2.bias"].unsqueeze(1))
    return torch.bmm(h, w["fc3.weight"].transpose(1, 2)) + w["fc3.bias"].unsqueeze(1)


hnet = HyperNet(n_tasks)
opt = torch.optim.Adam(hnet.parameters(), lr=5e-4)
tasks = torch.arange(n_tasks)
flat = hnet(tasks)
weights = hnet.unflatten(flat)
xs = torch.stack([task_data(t)[0] for t in range(n_tasks)])
a = run_bmm(weights, xs)
b = torch.stack([run_linear({k: v[t] for k, v in weights.items()}, xs[t]) for t in range(n_tasks)])
c = torch.stack([functional_call(target, {k: v[t] for k, v in weights.items()}, (xs[t],)) for t in range(n_tasks)])
print("bmm == F.linear == functional_call:", torch.allclose(a, b, atol=1e-6), torch.allclose(b, c, atol=1e-6))

# train on tasks 0..2 jointly, then continual: task 3 with an output regularizer on the old tasks
for step in range(150):
    t_ids = torch.arange(3)
    w = hnet.unflatten(hnet(t_ids))
    data = [task_data(t) for t in t_ids.tolist()]
    x = torch.stack([d[0] for d in data])
    yt = torch.stack([d[1] for d in data])
    loss = F.mse_loss(run_bmm(w, x), yt)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 50 == 0:
        print(f"joint step {step:3d} | loss {loss.item():.6f}")

with torch.no_grad():
    snapshot = hnet(torch.arange(3)).detach()
beta = 0.05
for step in range(100):
    x, yt = task_data(3)
    w3 = hnet.unflatten(hnet(torch.tensor([3]))[0])
    task_loss = F.mse_loss(functional_call(target, w3, (x,)), yt)
    reg = (hnet(torch.arange(3)) - snapshot).pow(2).sum(dim=1).mean()
    loss = task_loss + beta * reg
    opt.zero_grad()
    loss.backward()
    if step == 0:
        grads = hnet.head.weight.grad.split(numels, dim=0)
        print("head grad norm per target tensor", [round(g.norm().item(), 5) for g in grads])
    opt.step()
    if step % 25 == 0:
        print(f"continual step {step:3d} | task loss {task_loss.item():.6f} | reg {reg.item():.6f}")

with torch.no_grad():
    w_all = hnet.unflatten(hnet(tasks))
    xs = x_grid.expand(n_tasks, -1, -1)
    ys = torch.stack([amps[t] * torch.sin(x_grid + phases[t]) for t in range(n_tasks)])
    per_task = ((run_bmm(w_all, xs) - ys) ** 2).mean(dim=(1, 2))
    print("per-task mse", [round(v, 6) for v in per_task.tolist()])

# a new task: freeze the hypernetwork, learn only a fresh embedding
new_emb = torch.zeros(8, requires_grad=True)
hnet.requires_grad_(False)
emb_opt = torch.optim.SGD([new_emb], lr=0.1, momentum=0.9)
x_new, y_new = x_grid, 1.2 * torch.sin(x_grid + 0.5)
for step in range(60):
    flat = hnet.head(hnet.body(new_emb))
    loss = F.mse_loss(run_linear(hnet.unflatten(flat), x_new), y_new)
    emb_opt.zero_grad()
    loss.backward()
    emb_opt.step()
    if step % 20 == 0 or step == 59:
        print(f"embedding-only step {step:2d} | loss {loss.item():.6f}")
print("learned embedding", [round(v, 5) for v in new_emb.tolist()],
      "hnet grads", all(p.grad is None or p.grad.abs().sum() == 0 for p in hnet.parameters()))
