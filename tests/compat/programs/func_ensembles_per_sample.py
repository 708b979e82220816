"""torch.func as the functorch tutorials use it: per-sample gradients with vmap(grad(...)) over
functional_call and their norms (DP-SGD style clipping and noise from a seeded generator), a model
ensemble with stack_module_state and vmap (same and different minibatches), jacrev / jacfwd of a small
network's output w.r.t. its input, a Hessian-vector product via jvp(grad), grad with has_aux and
argnums, vmap with in_dims / out_dims tuples and chunk_size, and linearize."""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import (functional_call, grad, grad_and_value, hessian, jacfwd, jacrev, jvp, linearize,
                        stack_module_state, vmap, vjp)

torch.manual_seed(0)
torch.set_printoptions(precision=5)

model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
params = {k: v.detach() for k, v in model.named_parameters()}
x = torch.randn(6, 4)
y = torch.randint(0, 3, (6,))


def loss_fn(p, xb, yb):
    out = functional_call(model, p, (xb.unsqueeze(0),))
    return F.cross_entropy(out, yb.unsqueeze(0))


per_sample = vmap(grad(loss_fn), in_dims=(None, 0, 0))(params, x, y)
print({k: tuple(v.shape) for k, v in per_sample.items()})
norms = torch.stack([g.flatten(1).norm(dim=1) for g in per_sample.values()], 1).norm(dim=1)
print("per-sample norms", norms)
full = torch.autograd.grad(F.cross_entropy(model(x), y), list(model.parameters()))
print("mean of per-sample = batch grad", all(torch.allclose(per_sample[k].mean(0), g, atol=1e-6) for k, g in zip(params, full)))
clip = (1.0 / norms).clamp(max=1.0)
gen = torch.Generator().manual_seed(3)
private = {k: (g * clip.view(-1, *[1] * (g.dim() - 1))).sum(0) + 0.1 * torch.randn(g.shape[1:], generator=gen)
           for k, g in per_sample.items()}
print("dp bias grad", private["2.bias"] / len(x))
loss_val, g = grad_and_value(loss_fn)(params, x[0], y[0])
print("grad_and_value", f"{g.item():.6f}", loss_val["2.bias"])

# ensembles
models = [nn.Linear(4, 2) for _ in range(3)]
ens_params, ens_buffers = stack_module_state(models)
base = copy.deepcopy(models[0])  # (the tutorial moves it to the meta device, which minigrad lacks)


def fmodel(p, b, xb):
    return functional_call(base, (p, b), (xb,))


same = vmap(fmodel, in_dims=(0, 0, None))(ens_params, ens_buffers, x)
print("ensemble same batch", tuple(same.shape), torch.allclose(same[1], models[1](x), atol=1e-6))
diff = vmap(fmodel)(ens_params, ens_buffers, x[:3].unsqueeze(1).expand(3, 2, 4))
print("ensemble own batches", diff[:, 0])

# Jacobians and Hessians of a network's output w.r.t. its input
single = x[0]
f = lambda inp: functional_call(model, params, (inp,))  # (detached params: results carry no graph)
J_rev, J_fwd = jacrev(f)(single), jacfwd(f)(single)
print("jacobian", tuple(J_rev.shape), torch.allclose(J_rev, J_fwd, atol=1e-6))
print(J_rev)
print("batched jacobian", vmap(jacrev(f))(x[:2]).shape)
scalar = lambda inp: f(inp).logsumexp(0)
Hm = hessian(scalar)(single)
print("hessian symmetric", torch.allclose(Hm, Hm.t(), atol=1e-6), Hm[0])
v = torch.ones(4)
_, hvp = jvp(grad(scalar), (single,), (v,))
print("hvp", hvp, torch.allclose(hvp, Hm @ v, atol=1e-5))
out, vjp_fn = vjp(f, single)
print("vjp", vjp_fn(torch.tensor([1.0, 0.0, -1.0]))[0])
_, lin = linearize(f, single)
print("linearize", lin(v), torch.allclose(lin(v), J_rev @ v, atol=1e-6))


def with_aux(p, xb, yb):
    out = functional_call(model, p, (xb,))
    return F.cross_entropy(out, yb), out.argmax(1)


g, preds = grad(with_aux, has_aux=True)(params, x, y)
print("aux preds", preds.tolist(), "grad keys", len(g))
ga, gb = grad(lambda a, b: (a * b).sin().sum(), argnums=(0, 1))(x[0], x[1])
print("argnums", ga, gb)
print("in/out dims", vmap(lambda a, b: (a + b, a * b), in_dims=(1, None), out_dims=(0, 1))(torch.ones(2, 3), torch.arange(2.))[1].shape)
print("chunked", vmap(lambda r: r.softmax(0), chunk_size=2)(x).sum(1))
