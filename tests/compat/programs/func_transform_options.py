"""torch.func with its options: vmap in_dims/out_dims, nesting, chunk_size, tuple and dict pytrees,
randomness modes and the errors of bad dims and unspecified randomness; grad with argnums and has_aux (and
its error for a non-scalar result), grad_and_value, jacrev/jacfwd/hessian over tuples and dicts, vjp, jvp and
linearize; functional_call with (params, buffers), strict and tie_weights; stack_module_state ensembles and
per-sample gradients of a Linear layer."""

import torch
import copy
import torch.nn as nn
from torch.func import (
    vmap,
    grad,
    jacrev,
    jacfwd,
    hessian,
    functional_call,
    stack_module_state,
    grad_and_value,
    vjp,
    jvp,
    linearize,
)
from _show import show


torch.manual_seed(0)
x = torch.randn(4, 3)
show("vmap in_dims", lambda: vmap(lambda a, b: a * b, in_dims=(0, None))(x, torch.ones(3)))
show("vmap out_dims", lambda: vmap(lambda a: a.sum(0, keepdim=True), out_dims=1)(x).shape)
show("vmap nested", lambda: vmap(vmap(lambda a: a**2))(x).shape)
show("vmap chunk", lambda: vmap(torch.sin, chunk_size=2)(x).shape)
show("vmap tuple out", lambda: [t.shape for t in vmap(lambda a: (a.sum(), a.max()))(x)])
show("vmap dict in", lambda: vmap(lambda d: d["a"] + d["b"])({"a": x, "b": x}).shape)
show("vmap randomness", lambda: vmap(lambda a: a + torch.rand(()), randomness="different")(x).shape)
show("vmap randomness err", lambda: vmap(lambda a: a + torch.rand(()))(x))
show("vmap bad dims", lambda: vmap(lambda a: a, in_dims=2)(x))
show(
    "grad argnums",
    lambda: grad(lambda a, b: (a * b).sum(), argnums=(0, 1))(torch.ones(2), torch.full((2,), 3.0)),
)
show("grad has_aux", lambda: grad(lambda a: ((a**2).sum(), a.mean()), has_aux=True)(torch.ones(2)))
show("grad nonscalar", lambda: grad(lambda a: a * 2)(torch.ones(2)))
show("grad_and_value", lambda: grad_and_value(lambda a: (a**3).sum())(torch.tensor([1.0, 2.0])))
show("jacrev argnums", lambda: jacrev(lambda a, b: a * b, argnums=1)(torch.ones(2), torch.full((2,), 3.0)))
show("jacfwd", lambda: jacfwd(lambda a: a.sin())(torch.tensor([0.0, 1.0])))
show("jacrev dict", lambda: jacrev(lambda d: d["w"] * 2)({"w": torch.ones(2)}))
show("hessian", lambda: hessian(lambda a: (a**3).sum())(torch.tensor([1.0, 2.0])))
show("vjp", lambda: (lambda out, fn: (out, fn(torch.ones(2))))(*vjp(torch.sin, torch.tensor([0.0, 1.0]))))
show("jvp", lambda: jvp(torch.sin, (torch.tensor([0.0, 1.0]),), (torch.ones(2),)))
show(
    "linearize",
    lambda: (lambda out, fn: (out, fn(torch.ones(2))))(*linearize(torch.sin, torch.tensor([0.0, 1.0]))),
)
model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
params = dict(model.named_parameters())
buffers = dict(model.named_buffers())
show("functional_call tuple", lambda: functional_call(model, (params, buffers), (x,)).shape)
show(
    "functional_call strict",
    lambda: functional_call(model, {"0.weight": torch.zeros(2, 3)}, (x,), strict=True),
)
show(
    "functional_call tie",
    lambda: functional_call(model, {"0.bias": torch.ones(2)}, (x,), tie_weights=False).shape,
)
show("buffers unchanged", lambda: model[1].running_mean)
models = [nn.Linear(3, 2) for _ in range(3)]
p, b = stack_module_state(models)
base = copy.deepcopy(models[0])  # (the tutorial moves it to "meta", which minigrad lacks)
show("stacked", lambda: {k: v.shape for k, v in p.items()})
show(
    "ensemble",
    lambda: (
        vmap(lambda pp, bb, xx: functional_call(base, (pp, bb), (xx,)), in_dims=(0, 0, None))(p, b, x).shape
    ),
)


def loss_fn(pr, xb, yb):
    return ((functional_call(models[0], pr, (xb,)) - yb) ** 2).mean()


pr = {k: v.detach() for k, v in models[0].named_parameters()}
ps = vmap(grad(loss_fn), in_dims=(None, 0, 0))(pr, x.unsqueeze(1), torch.randn(4, 1, 2))
show("per-sample", lambda: {k: tuple(v.shape) for k, v in ps.items()})
show("per-sample norm", lambda: ps["weight"].flatten(1).norm(dim=1))
