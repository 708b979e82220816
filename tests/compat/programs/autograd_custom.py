"""Custom autograd as the tutorials and docs write it: the Legendre-polynomial
Function fitting sin(x) with a hand-written SGD loop, a linear Function with
ctx.needs_input_grad checked by torch.autograd.gradcheck, a Function whose
backward is differentiable checked by gradgradcheck, higher derivatives by
repeated torch.autograd.grad(create_graph=True), tensor hooks, and a WGAN-GP
critic trained with its gradient penalty. Everything is fixed or drawn from
numpy, so the numbers agree closely."""

import math

import numpy as np
import torch
import torch.nn as nn
from torch.autograd import Function, gradcheck, gradgradcheck


class LegendrePolynomial3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


dtype = torch.float
x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
y = torch.sin(x)
a = torch.full((), 0.0, dtype=dtype, requires_grad=True)
b = torch.full((), -1.0, dtype=dtype, requires_grad=True)
c = torch.full((), 0.0, dtype=dtype, requires_grad=True)
d = torch.full((), 0.3, dtype=dtype, requires_grad=True)
learning_rate = 5e-6
for t in range(600):
    P3 = LegendrePolynomial3.apply
    y_pred = a + b * P3(c + d * x)
    loss = (y_pred - y).pow(2).sum()
    if t % 100 == 99:
        print(f"legendre {t} {loss.item():.4f}")
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None
print(f"Result: y = {a.item():.5f} + {b.item():.5f} * P3({c.item():.5f} + {d.item():.5f} x)")


class LinearFunction(Function):
    @staticmethod
    def forward(ctx, input, weight, bias=None):
        ctx.save_for_backward(input, weight, bias)
        output = input.mm(weight.t())
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        input, weight, bias = ctx.saved_tensors
        grad_input = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            grad_input = grad_output.mm(weight)
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.t().mm(input)
        if bias is not None and ctx.needs_input_grad[2]:
            grad_bias = grad_output.sum(0)
        return grad_input, grad_weight, grad_bias


rng = np.random.RandomState(0)
inp = (torch.from_numpy(rng.randn(5, 4)).requires_grad_(), torch.from_numpy(rng.randn(3, 4)).requires_grad_(),
       torch.from_numpy(rng.randn(3)).requires_grad_())
print("linear gradcheck", gradcheck(LinearFunction.apply, inp, eps=1e-6, atol=1e-4))
out = LinearFunction.apply(*inp)
out.sum().backward()
print("linear grads", [round(g.sum().item(), 6) for g in (inp[0].grad, inp[1].grad, inp[2].grad)])
x_only = inp[0].detach().requires_grad_()
LinearFunction.apply(x_only, inp[1].detach(), None).pow(2).sum().backward()
print("input-only grad norm", round(x_only.grad.norm().item(), 6))


class MyCube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        return grad_out * 3 * x ** 2  # made of differentiable ops, so double backward works


xc = torch.from_numpy(rng.rand(4) + 0.5).requires_grad_()
print("cube gradcheck", gradcheck(MyCube.apply, (xc,)), "gradgradcheck", gradgradcheck(MyCube.apply, (xc,)))
yc = MyCube.apply(xc).sum()
(g1,) = torch.autograd.grad(yc, xc, create_graph=True)
(g2,) = torch.autograd.grad(g1.sum(), xc)
print("cube d1", [round(v, 6) for v in g1.tolist()], "d2", [round(v, 6) for v in g2.tolist()])

# higher derivatives of tanh at a few points (the d2l / autograd-tutorial picture)
xs = torch.tensor([-1.0, 0.0, 0.5, 2.0], dtype=torch.float64, requires_grad=True)
f = torch.tanh(xs)
derivs = []
for order in range(1, 5):
    (f,) = torch.autograd.grad(f.sum(), xs, create_graph=True)
    derivs.append(f)
    print(f"tanh derivative {order}: {[f'{v:.8f}' for v in f.tolist()]}")

# hooks: scale a gradient on its way back, keep an intermediate's grad
w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
h = w * 2
h.retain_grad()
handle = h.register_hook(lambda grad: grad * 10)
(h ** 2).sum().backward()
print("hooked h.grad", h.grad.tolist(), "w.grad", w.grad.tolist())
handle.remove()
w.grad.zero_()
h = w * 2
(h ** 2).sum().backward()
print("unhooked w.grad", w.grad.tolist())

# WGAN-GP: a critic on 2-D points, gradient penalty through autograd.grad(create_graph=True)
torch.manual_seed(0)
critic = nn.Sequential(nn.Linear(2, 32), nn.LeakyReLU(0.2), nn.Linear(32, 32), nn.LeakyReLU(0.2), nn.Linear(32, 1))
with torch.no_grad():
    for i, p in enumerate(critic.parameters()):
        p.copy_(0.3 * torch.cos(torch.arange(p.numel(), dtype=torch.float32) * 1.1 + i).view_as(p))
opt = torch.optim.Adam(critic.parameters(), lr=1e-3, betas=(0.5, 0.9))
lambda_gp = 10.0


def compute_gradient_penalty(D, real_samples, fake_samples, alpha):
    interpolates = (alpha * real_samples + ((1 - alpha) * fake_samples)).requires_grad_(True)
    d_interpolates = D(interpolates)
    fake = torch.ones(real_samples.shape[0], 1, requires_grad=False)
    gradients = torch.autograd.grad(outputs=d_interpolates, inputs=interpolates, grad_outputs=fake,
                                    create_graph=True, retain_graph=True, only_inputs=True)[0]
    gradients = gradients.view(gradients.size(0), -1)
    return ((gradients.norm(2, dim=1) - 1) ** 2).mean()


data_rng = np.random.RandomState(1)
for step in range(40):
    angle = data_rng.rand(64) * 2 * np.pi
    real = torch.tensor(np.stack([np.cos(angle), np.sin(angle)], 1), dtype=torch.float32)
    fake = torch.tensor(data_rng.randn(64, 2) * 0.5, dtype=torch.float32)
    alpha = torch.tensor(data_rng.rand(64, 1), dtype=torch.float32)
    opt.zero_grad()
    gp = compute_gradient_penalty(critic, real, fake, alpha)
    d_loss = -torch.mean(critic(real)) + torch.mean(critic(fake)) + lambda_gp * gp
    d_loss.backward()
    opt.step()
    if step % 10 == 0 or step == 39:
        print(f"[critic step {step:2d}] d_loss {d_loss.item():.6f} gp {gp.item():.6f}")
