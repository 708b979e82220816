"""Custom autograd Functions in forward mode, as pytorch/tutorials' "Forward-mode
Automatic Differentiation" does them: a Function with only a jvp (its tangent
comes from jvp, and gradcheck checks it with check_backward_ad=False), one
with two outputs, a number argument and tensors kept by save_for_forward (an
input without a tangent reaches jvp as zeros), and one with both a backward and
a jvp, where forward mode uses the jvp and reverse mode the backward. Fixed
float64 inputs: every number agrees."""

import torch
import torch.autograd.forward_ad as fwAD
from _show import show


def fixed(*shape, phase=0.7):
    n = 1
    for s in shape:
        n *= s
    return torch.sin(torch.arange(n, dtype=torch.double) * phase + 0.3).reshape(shape)


class Exp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, foo):
        result = torch.exp(foo)
        ctx.result = result
        return result

    @staticmethod
    def jvp(ctx, g):
        out = g * ctx.result
        del ctx.result
        return out


class MulAdd(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b, k):
        ctx.save_for_forward(a, b)
        ctx.k = k
        return a * b * k, a + b

    @staticmethod
    def jvp(ctx, ta, tb, tk):
        a, b = ctx.saved_tensors
        print("  jvp gets k's tangent", tk, "and b's", tb.abs().sum().item())
        return (ta * b + a * tb) * ctx.k, ta + tb


class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        ctx.save_for_forward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 3 * x ** 2 * g

    @staticmethod
    def jvp(ctx, t):
        (x,) = ctx.saved_tensors
        return 3 * x ** 2 * t


primal = fixed(4, 3).requires_grad_()
tangent = fixed(4, 3, phase=1.3)
with fwAD.dual_level():
    dual = fwAD.make_dual(primal, tangent)
    y = Exp.apply(dual)
    z = (y * dual).sum()
    print("exp tangent", tuple(fwAD.unpack_dual(y).tangent.shape),
          [round(v, 10) for v in fwAD.unpack_dual(y).tangent[0].tolist()])
    print("product-rule tangent", round(fwAD.unpack_dual(z).tangent.item(), 10),
          "expected", round((tangent * primal.detach().exp() * (primal.detach() + 1)).sum().item(), 10))
print("gradcheck forward mode only", torch.autograd.gradcheck(
    Exp.apply, (primal,), check_forward_ad=True, check_backward_ad=False, check_undefined_grad=False,
    check_batched_grad=False))
show("gradcheck checking no mode", lambda: torch.autograd.gradcheck(torch.exp, (primal,), check_backward_ad=False))
show("batched without backward", lambda: torch.autograd.gradcheck(
    torch.exp, (primal,), check_backward_ad=False, check_forward_ad=True, check_batched_grad=True))

a, b = fixed(5), fixed(5, phase=0.2)
with fwAD.dual_level():
    d = fwAD.make_dual(a, torch.ones(5, dtype=torch.double))
    o1, o2 = MulAdd.apply(d, b, 2.0)
    w = (o1 * o1).sum() + d.sum() + o2.mean()
    print("two outputs", [round(v, 10) for v in fwAD.unpack_dual(o1).tangent.tolist()],
          [round(v, 10) for v in fwAD.unpack_dual(o2).tangent.tolist()])
    print("downstream", round(fwAD.unpack_dual(w).tangent.item(), 10))

x = fixed(6, phase=0.5).requires_grad_()
with fwAD.dual_level():
    c = Cube.apply(fwAD.make_dual(x, fixed(6, phase=0.9)))
    print("cube tangent", [round(v, 10) for v in fwAD.unpack_dual(c).tangent.tolist()])
Cube.apply(x).sum().backward()
print("cube grad", [round(v, 10) for v in x.grad.tolist()])
