"""The "Forward-mode Automatic Differentiation" and "Jacobians, Hessians, hvp,
vhp, and more" tutorials: dual tensors under forward_ad.dual_level
(make_dual / unpack_dual, tangents through a module via functional_call),
torch.func.jvp against vjp, jacfwd against jacrev (and under vmap), hessian
as jacfwd(jacrev), hvp by forward-over-reverse, and
torch.autograd.functional's jacobian/hvp with vectorize and strategy options.
Fixed float64 inputs and weights: every number agrees."""

import torch
import torch.autograd.forward_ad as fwAD
import torch.nn as nn
from torch.func import functional_call, hessian, jacfwd, jacrev, jvp, vjp, vmap


def fixed(*shape, phase=0.7):
    n = 1
    for s in shape:
        n *= s
    return torch.sin(torch.arange(n, dtype=torch.double) * phase + 0.3).reshape(shape)


def fn(x, y):
    return x ** 2 + y ** 2


primal = fixed(10, 10)
tangent = fixed(10, 10, phase=1.3)
with fwAD.dual_level():
    dual_input = fwAD.make_dual(primal, tangent)
    print("dual input tangent is tangent", fwAD.unpack_dual(dual_input).tangent is tangent)
    plain_tensor = fixed(10, 10, phase=0.2)
    dual_output = fn(dual_input, plain_tensor)
    jvp_out = fwAD.unpack_dual(dual_output).tangent
    p, t = fwAD.unpack_dual(dual_output)
print("dual jvp sum", round(jvp_out.sum().item(), 10), "expected", round((2 * primal * tangent).sum().item(), 10))
print("primal ok", torch.allclose(p, primal ** 2 + plain_tensor ** 2), "named", t is jvp_out)
print("outside level tangent", fwAD.unpack_dual(dual_output).tangent)

model = nn.Linear(5, 5).double()
with torch.no_grad():
    model.weight.copy_(fixed(5, 5, phase=0.4))
    model.bias.copy_(fixed(5, phase=0.9))
inp = fixed(16, 5, phase=0.15)
params = {name: p for name, p in model.named_parameters()}
tangents = {name: torch.ones_like(p) for name, p in params.items()}
with fwAD.dual_level():
    dual_params = {name: fwAD.make_dual(p, tangents[name]) for name, p in params.items()}
    out = functional_call(model, dual_params, (inp,))
    jvp_params = fwAD.unpack_dual(out).tangent
print("module jvp", round(jvp_params.sum().item(), 10), tuple(jvp_params.shape))


def f(x):
    return torch.tanh(x) * x.sum() + x.sin()


x = fixed(4, phase=0.5)
v = fixed(4, phase=1.7)
out, jvp_val = jvp(f, (x,), (v,))
_, vjp_fn = vjp(f, x)
rows = torch.stack([vjp_fn(e)[0] for e in torch.eye(4, dtype=torch.double)])
print("jvp", [round(t, 10) for t in jvp_val.tolist()])
print("jvp == J v", torch.allclose(jvp_val, rows @ v))

jf = jacfwd(f)(x)
jr = jacrev(f)(x)
print("jacfwd == jacrev", torch.allclose(jf, jr), round(jf.sum().item(), 10))
batch = fixed(3, 4, phase=0.8)
bj = vmap(jacfwd(f))(batch)
print("batched jacfwd", tuple(bj.shape), round(bj.sum().item(), 10))


def predict(weight, bias, x):
    return torch.nn.functional.linear(x, weight, bias).tanh()


W = fixed(3, 3, phase=0.6)
b = fixed(3, phase=0.25)
xs = fixed(3, phase=0.45)
jac_w, jac_b = jacfwd(predict, argnums=(0, 1))(W, b, xs)
print("jacfwd argnums", tuple(jac_w.shape), tuple(jac_b.shape), round(jac_w.sum().item(), 10))


def g(x):
    return (x.sin() * x.cos().sum()).sum()


h1 = hessian(g)(x)
h2 = jacfwd(jacrev(g))(x)
h3 = jacrev(jacrev(g))(x)
print("hessian forms agree", torch.allclose(h1, h2), torch.allclose(h1, h3), round(h1.trace().item(), 10))


def hvp(f, primals, tangents):
    return jvp(jacrev(f), primals, tangents)[1]


hv = hvp(g, (x,), (v,))
print("hvp", torch.allclose(hv, h1 @ v), [round(t, 10) for t in hv.tolist()])

from torch.autograd.functional import hvp as ag_hvp, jacobian, vhp  # noqa: E402

J1 = jacobian(f, x)
J2 = jacobian(f, x, vectorize=True)
J3 = jacobian(f, x, vectorize=True, strategy="forward-mode")
print("functional jacobian", torch.allclose(J1, jf), torch.allclose(J2, jf), torch.allclose(J3, jf))
val, hv2 = ag_hvp(g, x, v)
val3, vh = vhp(g, x, v)
print("functional hvp", round(val.item(), 10), torch.allclose(hv2, hv), torch.allclose(vh, h1.T @ v))
