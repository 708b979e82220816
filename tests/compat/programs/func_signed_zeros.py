"""torch.func and torch.autograd.functional as physics-informed and meta-learning notebooks print them:
grad / grad_and_value / jacrev / jacfwd / hessian of elementwise and coupled functions printed whole
(jacfwd's zero entries carry forward mode's signs), vmap with in_dims / out_dims and nested, per-sample
gradients via functional_call, vjp / jvp, forward-mode dual numbers, stacked ensembles, the
autograd.functional forms (jacobian of two inputs, hessian, vhp, jvp), double backward with
create_graph, grad_outputs / allow_unused / materialize_grads, then Newton's method on a small
nonlinear system using jacfwd and a PINN-style residual fit using per-point jacrev."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import vmap, grad, jacrev, jacfwd, hessian, functional_call, grad_and_value, vjp, jvp, stack_module_state
import torch.autograd.forward_ad as fwAD
torch.manual_seed(0)
torch.set_num_threads(1)
f = lambda x: (x.sin() * x).sum()
x = torch.randn(3)
print(grad(f)(x), grad_and_value(f)(x), jacrev(torch.sin)(x).diagonal(), jacfwd(lambda v: v ** 2)(x), hessian(f)(x).shape)
print(vmap(torch.dot)(torch.randn(4, 3), torch.randn(4, 3)), vmap(lambda a, b: a * b, in_dims=(0, None))(torch.ones(2, 3), torch.arange(3.0)))
print(vmap(vmap(torch.outer))(torch.ones(2, 3, 2), torch.ones(2, 3, 4)).shape, vmap(torch.sum, in_dims=1, out_dims=0)(torch.arange(6.0).view(2, 3)))
model = nn.Linear(3, 2)
params = dict(model.named_parameters())
print(functional_call(model, params, (torch.ones(1, 3),)))
def loss_fn(p, xb, yb):
    return F.mse_loss(functional_call(model, p, (xb.unsqueeze(0),)), yb.unsqueeze(0))
g = vmap(grad(loss_fn), in_dims=(None, 0, 0))(params, torch.randn(5, 3), torch.randn(5, 2))
print({k: v.shape for k, v in g.items()}, g["bias"][0])
out, fn = vjp(torch.sin, x)
print(fn(torch.ones(3)))
print(jvp(torch.exp, (x,), (torch.ones(3),)))
with fwAD.dual_level():
    d = fwAD.make_dual(x, torch.ones(3))
    y = (d * d).exp().sum()
    print(fwAD.unpack_dual(y).tangent)
models = [nn.Linear(3, 1) for _ in range(4)]
ps, bs = stack_module_state(models)
print({k: v.shape for k, v in ps.items()})
base = torch.func.functional_call
out = vmap(lambda p, b, xx: base(models[0], (p, b), (xx,)), in_dims=(0, 0, None))(ps, bs, torch.ones(2, 3))
print(out.shape, out[:, 0, 0])
print(torch.autograd.functional.jacobian(lambda a, b: a * b, (torch.ones(2), torch.arange(2.0))))
print(torch.autograd.functional.hessian(lambda a: (a ** 3).sum(), torch.tensor([1.0, 2.0])))
print(torch.autograd.functional.vhp(lambda a: (a ** 3).sum(), torch.tensor([1.0, 2.0]), torch.ones(2)))
print(torch.autograd.functional.jvp(lambda a: a ** 2, torch.tensor([1.0, 2.0]), torch.ones(2)))
a = torch.tensor([1.0, 2.0], requires_grad=True)
gx, = torch.autograd.grad((a ** 3).sum(), a, create_graph=True)
gg, = torch.autograd.grad(gx.sum(), a)
print(gx, gg, gx.grad_fn.name())
print(torch.autograd.grad(a.sum(), a, grad_outputs=torch.tensor(2.0)), torch.autograd.grad([a.sum(), (a * 2).sum()], a))
print(torch.autograd.grad((a * 2).sum(), [a, torch.ones(1, requires_grad=True)], allow_unused=True, materialize_grads=True))
b = a.detach().requires_grad_()
c = b * 3
c.retain_grad()
c.sum().backward(inputs=[c])
print(c.grad, b.grad)
for fn in (lambda v: v ** 2, lambda v: v.tanh() * v, lambda v: torch.stack([v.sum(), (v * 2).prod(), v[0] * v[2]])):
    print("jacfwd\n", jacfwd(fn)(x), "\njacrev\n", jacrev(fn)(x))
print("hessian\n", hessian(lambda v: (v.sin() * v.roll(1)).sum())(x))


def system(v):
    return torch.stack([v[0] ** 2 + v[1] ** 2 - 4.0, v[0] * v[1] - 1.0])


v = torch.tensor([2.0, 0.3], dtype=torch.float64)
for it in range(6):
    J = jacfwd(system)(v)
    v = v - torch.linalg.solve(J, system(v))
    print(f"newton {it} v {[round(t, 8) for t in v.tolist()]} residual {system(v).abs().max().item():.3e}")

torch.manual_seed(4)
u = nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1))
ts = torch.linspace(0, 1, 16).unsqueeze(1)
opt = torch.optim.Adam(u.parameters(), lr=0.02)
for step in range(30):
    du = vmap(jacrev(lambda t: u(t)))(ts).reshape(-1, 1)
    residual = du + u(ts)  # u' = -u, u(0) = 1
    loss = residual.pow(2).mean() + (u(torch.zeros(1, 1)) - 1).pow(2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 9:
        print(f"pinn step {step + 1} loss {loss.item():.5f} u(1) {u(torch.ones(1, 1)).item():.4f}")
