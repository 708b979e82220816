"""MAML on sine regression written with torch.func, as the functorch MAML example does: the inner loop
is torch.func.grad over a loss built with functional_call on a dict of parameters, second-order
(create_graph-free, since func.grad composes), vmap over a batch of tasks, first-order MAML by detaching
inner gradients, and adaptation curves on held-out tasks; checked against the plain autograd.grad
version with create_graph=True."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad, vmap

torch.manual_seed(0)
torch.set_num_threads(1)

net = nn.Sequential(nn.Linear(1, 40), nn.ReLU(), nn.Linear(40, 40), nn.ReLU(), nn.Linear(40, 1))
params = {k: v.detach().clone().requires_grad_() for k, v in net.named_parameters()}
print("params", {k: tuple(v.shape) for k, v in params.items()})


def sample_tasks(n, k=10, gen=None):
    amp = torch.rand(n, 1, 1, generator=gen) * 4.9 + 0.1
    phase = torch.rand(n, 1, 1, generator=gen) * math.pi
    x = torch.rand(n, 2 * k, 1, generator=gen) * 10 - 5
    y = amp * torch.sin(x + phase)
    return x[:, :k], y[:, :k], x[:, k:], y[:, k:]


def loss_fn(p, x, y):
    return F.mse_loss(functional_call(net, p, (x,)), y)


def inner_adapt(p, x, y, steps=1, lr=0.01, first_order=False):
    for _ in range(steps):
        g = grad(loss_fn)(p, x, y)
        if first_order:
            g = {k: v.detach() for k, v in g.items()}
        p = {k: p[k] - lr * g[k] for k in p}
    return p


def task_loss(p, xs, ys, xq, yq):
    adapted = inner_adapt(p, xs, ys)
    return loss_fn(adapted, xq, yq)


# one task: func.grad through the inner step against autograd.grad(create_graph=True)
xs, ys, xq, yq = sample_tasks(1)
outer_func = grad(task_loss)(params, xs[0], ys[0], xq[0], yq[0])
g_in = torch.autograd.grad(loss_fn(params, xs[0], ys[0]), list(params.values()), create_graph=True)
adapted = {k: v - 0.01 * g for (k, v), g in zip(params.items(), g_in)}
outer_ag = torch.autograd.grad(loss_fn(adapted, xq[0], yq[0]), list(params.values()))
print("func vs autograd max diff < 1e-6:", max((outer_func[k] - g).abs().max().item() for k, g in zip(params, outer_ag)) < 1e-6)
print("outer grad norm", f"{torch.sqrt(sum((g ** 2).sum() for g in outer_ag)).item():.5f}")
fo = grad(lambda p: loss_fn(inner_adapt(p, xs[0], ys[0], first_order=True), xq[0], yq[0]))(params)
print("first-order differs:", f"{(fo['0.weight'] - outer_func['0.weight']).abs().max().item():.6f}")

opt = torch.optim.Adam(params.values(), lr=1e-3)
gen = torch.Generator().manual_seed(1)
batched = vmap(task_loss, in_dims=(None, 0, 0, 0, 0))
for it in range(40):
    xs, ys, xq, yq = sample_tasks(8, gen=gen)
    losses = batched(params, xs, ys, xq, yq)
    loss = losses.mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it % 10 == 0 or it == 39:
        print(f"iter {it:2d} meta loss {loss.item():.4f} per-task {losses.shape} max {losses.max().item():.4f}")

test_gen = torch.Generator().manual_seed(123)
xs, ys, xq, yq = sample_tasks(5, gen=test_gen)
with torch.no_grad():
    pre = torch.stack([loss_fn(params, xq[i], yq[i]) for i in range(5)])
curves = []
for steps in (1, 5, 10):
    post = torch.stack([loss_fn(inner_adapt(params, xs[i], ys[i], steps=steps), xq[i], yq[i]) for i in range(5)])
    curves.append(post.detach())
print("pre-adaptation", [f"{v:.3f}" for v in pre.tolist()])
for steps, c in zip((1, 5, 10), curves):
    print(f"after {steps:2d} steps", [f"{v:.3f}" for v in c.tolist()], f"mean {c.mean().item():.4f}")
net.load_state_dict({k: v.detach() for k, v in params.items()})
print("loaded into module:", torch.equal(net[0].weight, params["0.weight"]), net[0].weight.requires_grad)
