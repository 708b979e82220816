"""Functional autograd and grad-mode corners around a WGAN-style gradient penalty: jacobian (tuple inputs,
tuple outputs, create_graph, vectorize, forward-mode strategy, strict), hessian, vjp/jvp/hvp/vhp and their
size errors, autograd.grad with allow_unused/materialize_grads, backward(inputs=), retain_grad,
no_grad/enable_grad/inference_mode nesting, set_grad_enabled as a decorator, in-place writes through views,
then a small critic trained with the penalty."""

import torch
import torch.nn as nn
from torch.autograd.functional import jacobian, hessian, vjp, jvp, hvp, vhp
from _show import show


f = lambda x: x**3 + x.sin()
x = torch.tensor([1.0, 2.0])
show("jac", lambda: jacobian(f, x))
show("jac tuple", lambda: jacobian(lambda a, b: a * b, (x, x + 1)))
show("jac multi-out", lambda: jacobian(lambda a: (a, a * 2), x))
show("jac create", lambda: jacobian(f, x, create_graph=True))
show("jac vectorize", lambda: jacobian(f, x, vectorize=True))
show("jac fwd", lambda: jacobian(f, x, vectorize=True, strategy="forward-mode"))
show("jac strict", lambda: jacobian(lambda a: torch.ones(2), x, strict=True))
show("jac nonstrict", lambda: jacobian(lambda a: torch.ones(2), x))
show("hess", lambda: hessian(lambda a: (a**3).sum(), x))
show("hess tuple", lambda: hessian(lambda a, b: (a * b**2).sum(), (x, x)))
show("vjp", lambda: vjp(f, x, torch.ones(2)))
show("vjp no v", lambda: vjp(lambda a: a.sum(), x))
show("jvp", lambda: jvp(f, x, torch.ones(2)))
show("hvp", lambda: hvp(lambda a: (a**3).sum(), x, torch.ones(2)))
show("vhp", lambda: vhp(lambda a: (a**3).sum(), x, torch.ones(2)))
show("vjp bad v", lambda: vjp(f, x, torch.ones(3)))
show("vjp need v", lambda: vjp(f, x))
# gradient penalty
w = torch.tensor([0.5, -1.0], requires_grad=True)
xi = torch.tensor([[1.0, 2.0], [0.5, -0.5]], requires_grad=True)
out = (xi @ w).tanh().sum()
(g,) = torch.autograd.grad(out, xi, create_graph=True)
gp = ((g.norm(2, dim=1) - 1) ** 2).mean()
gp.backward()
show("gp", lambda: (gp, w.grad))
show("grad unused", lambda: torch.autograd.grad((w * 2).sum(), [w, xi]))
show("grad unused allow", lambda: torch.autograd.grad((w * 2).sum(), [w, xi], allow_unused=True))
show(
    "grad materialize",
    lambda: torch.autograd.grad((w * 2).sum(), [w, xi], allow_unused=True, materialize_grads=True),
)
show("grad nonscalar", lambda: torch.autograd.grad(w * 2, w))
show("grad no req", lambda: torch.autograd.grad(torch.ones(1).sum(), w))
show("backward twice", lambda: [(y := (w * w).sum()).backward(), y.backward()])
show("backward inputs", lambda: ((w * xi).sum().backward(inputs=[w]), xi.grad))
# retain_grad
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = a * 3
b.retain_grad()
c = (b**2).sum()
c.backward()
show("retain", lambda: (b.grad, b.retains_grad, a.retains_grad))
show("nonleaf grad warn", lambda: (a * 2).grad)
# grad modes
with torch.no_grad():
    with torch.enable_grad():
        show("enable in nograd", lambda: (a * 2).requires_grad)
    show("nograd", lambda: (a * 2).requires_grad)
with torch.inference_mode():
    t = a * 2
    show("inference", lambda: (t.requires_grad, t.is_inference(), torch.is_inference_mode_enabled()))
    with torch.inference_mode(False):
        show("inference off", lambda: ((a * 2).requires_grad, torch.is_inference_mode_enabled()))
show("inference tensor in autograd", lambda: (t * a).sum().backward())
show("inference inplace", lambda: t.add_(1))


@torch.set_grad_enabled(False)
def fn(z):
    return z * 2


show("sge decorator", lambda: fn(a).requires_grad)
show(
    "sge fn",
    lambda: (torch.set_grad_enabled(False), torch.is_grad_enabled(), torch.set_grad_enabled(True))[1],
)


@torch.no_grad()
def gen():
    yield (a * 2).requires_grad
    yield (a * 2).requires_grad


show("nograd generator", lambda: list(gen()))


@torch.inference_mode()
def inf(z):
    return z * 2


show("inf decorator", lambda: inf(a).is_inference())
show("inplace leaf", lambda: a.add_(1))
v = a.clone()
vv = v[:1]
vv.mul_(10)
show("view inplace", lambda: (v, v.grad_fn.name(), vv.grad_fn.name()))
v.sum().backward()
show("view inplace grad", lambda: a.grad)
z = a.clone()
y = z.exp()
z.add_(1)
show("modified saved ok", lambda: y.sum().backward())
z = a.clone()
y = z.sin()
z.add_(1)
show("modified saved", lambda: y.sum().backward())
show("detach_ inplace", lambda: a.detach().requires_grad)

# a critic on 2-d points, trained with a gradient penalty on interpolates (fixed weights and data)
critic = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
with torch.no_grad():
    for i, p in enumerate(critic.parameters()):
        p.copy_(torch.linspace(-0.5, 0.5, p.numel()).view_as(p) * (1 + 0.1 * i))
real = torch.stack([torch.linspace(-1, 1, 6), torch.linspace(0, 2, 6) ** 2], 1)
fake = torch.stack([torch.linspace(1, -1, 6), torch.linspace(-1, 1, 6)], 1)
alpha = torch.linspace(0.1, 0.9, 6).unsqueeze(1)
opt = torch.optim.Adam(critic.parameters(), lr=0.01, betas=(0.5, 0.9))
for step in range(5):
    inter = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    score = critic(inter)
    (grads,) = torch.autograd.grad(score.sum(), inter, create_graph=True)
    penalty = ((grads.norm(2, dim=1) - 1) ** 2).mean()
    loss = critic(fake).mean() - critic(real).mean() + 10 * penalty
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(
        f"critic step {step} | loss {loss.item():.6f} | penalty {penalty.item():.6f} | "
        f"grad norm {grads.norm().item():.6f}"
    )
h = hessian(lambda z: critic(z).sum(), real[0])
print("critic hessian", h)
print("hvp", hvp(lambda z: critic(z).sum(), real[0], torch.tensor([1.0, 0.0]))[1])
