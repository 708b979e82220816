"""The autograd API beyond backward(), as an "autograd mechanics" notebook prints it:
autograd.functional jacobian (vectorize, forward-mode strategy), hessian of several inputs,
vjp/jvp/hvp/vhp, autograd.grad with allow_unused/materialize_grads/is_grads_batched, retain_grad,
saved_tensors_hooks, full backward (pre-)hooks, set_grad_enabled, double backward, detect_anomaly,
backward(inputs=...), and a custom Function checked by gradcheck."""

import warnings

import torch
from torch.autograd import Function
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp

torch.set_num_threads(1)
warnings.simplefilter("ignore")


def f(x, y):
    return x ** 2 * y.sum(), x.sin() * y[0]


x = torch.tensor([1.0, 2.0])
y = torch.tensor([0.5, -1.0, 2.0])
J = jacobian(f, (x, y))
print([[tuple(j.shape) for j in row] for row in J], J[0][1])
print(jacobian(lambda a: a.exp(), x, vectorize=True), jacobian(lambda a: a ** 3, x, strategy="forward-mode", vectorize=True))
print(hessian(lambda a: (a ** 3).sum(), x), hessian(lambda a, b: (a * b[:2]).sum() ** 2, (x, y))[0][1])
print(vjp(lambda a: a ** 2, x, torch.ones(2)), jvp(lambda a: a ** 2, x, torch.ones(2)))
print(hvp(lambda a: (a ** 3).sum(), x, torch.ones(2)), vhp(lambda a: (a ** 3).sum(), x, torch.ones(2)))

a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([3.0], requires_grad=True)
out = (a * 2).sum()
print(torch.autograd.grad(out, [a, b], allow_unused=True, retain_graph=True))
print(torch.autograd.grad(out, [a, b], allow_unused=True, materialize_grads=True))
z = a ** 2
print(torch.autograd.grad(z, a, grad_outputs=torch.eye(2), is_grads_batched=True))
h = a * 3
h.retain_grad()
(h ** 2).sum().backward()
print(h.grad, a.grad, h.retains_grad)
a.grad = None
packed = []


def pack(t):
    packed.append(tuple(t.shape))
    return t


def unpack(t):
    return t


with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
    q = (a.exp() * a).sum()
q.backward()
print(packed, a.grad)
lin = torch.nn.Linear(2, 2)
log = []
lin.register_full_backward_pre_hook(lambda m, go: log.append(("pre", tuple(go[0].shape))))
lin.register_full_backward_hook(lambda m, gi, go: log.append(("post", gi[0] is None, tuple(go[0].shape))))
lin(torch.ones(3, 2, requires_grad=True)).sum().backward()
print(log)
with torch.autograd.set_grad_enabled(False):
    print((a * 2).requires_grad)
print(torch.is_grad_enabled(), torch.is_inference_mode_enabled())
c = torch.tensor(2.0, requires_grad=True)
d = c * c
(g1,) = torch.autograd.grad(d, c, create_graph=True)
(g2,) = torch.autograd.grad(g1, c)
print(g1, g2)
e = torch.tensor([1.0, -1.0], requires_grad=True)
try:
    with torch.autograd.detect_anomaly():
        e.sqrt().sum().backward()
except RuntimeError as err:
    print("anomaly", "nan" in str(err).lower())
print(e.grad)
k = torch.ones(2, requires_grad=True)
k2 = k.clone()
k2.mul_(2)
k2.sum().backward()
print(k.grad, k2.grad_fn.name())
w = torch.ones(3, requires_grad=True)
(w[0] * w[1:]).sum().backward(inputs=[w])
print(w.grad)


class Clip(Function):
    @staticmethod
    def forward(ctx, x, lo):
        ctx.save_for_backward(x)
        ctx.lo = lo
        return x.clamp(min=lo)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (x >= ctx.lo), None


v = torch.tensor([-1.0, 0.5, 2.0], requires_grad=True)
r = Clip.apply(v, 0.0)
r.sum().backward()
print(r, v.grad, r.grad_fn.name(), type(r.grad_fn).__name__)
print(torch.autograd.gradcheck(lambda t: Clip.apply(t, 0.0), (torch.tensor([0.5, 2.0], dtype=torch.float64, requires_grad=True),)))
