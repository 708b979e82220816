"""Custom autograd Functions in each style a codebase mixes: forward without ctx plus setup_context, a jvp
used under forward_ad with save_for_forward, mark_non_differentiable on sort indices, set_materialize_grads
(False) with an unused output, needs_input_grad with once_differentiable (and the error its double
backward gives), a wrong number or shape of gradients, mark_dirty on an in-place forward, a missing
backward, generate_vmap_rule under torch.vmap, and torch.func.grad through a Function."""

import torch
import torch.autograd.forward_ad as fwAD
from torch.autograd import Function
from torch.autograd.function import once_differentiable
from _show import show


class Clamp(Function):
    @staticmethod
    def forward(x, lo, hi):
        return x.clamp(lo, hi)

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, lo, hi = inputs
        ctx.save_for_backward(x)
        ctx.save_for_forward(x)
        ctx.lo, ctx.hi = lo, hi

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * ((x >= ctx.lo) & (x <= ctx.hi)), None, None

    @staticmethod
    def jvp(ctx, tx, tlo, thi):
        (x,) = ctx.saved_tensors
        return tx * ((x >= ctx.lo) & (x <= ctx.hi))


x = torch.tensor([-2.0, 0.5, 3.0], requires_grad=True)
y = Clamp.apply(x, -1.0, 1.0)
show("setup_context y", lambda: y)
y.sum().backward()
show("grad", lambda: x.grad)


class Sort(Function):
    @staticmethod
    def forward(ctx, x):
        v, i = x.sort()
        ctx.mark_non_differentiable(i)
        ctx.save_for_backward(i)
        return v, i

    @staticmethod
    def backward(ctx, gv, gi):
        (i,) = ctx.saved_tensors
        print("gi is", gi)
        return torch.zeros_like(gv).scatter(0, i, gv)


v, i = Sort.apply(x)
show("nd", lambda: (v.requires_grad, i.requires_grad))
x.grad = None
(v * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
show("sort grad", lambda: x.grad)


class NoMat(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.set_materialize_grads(False)
        return a * 2, b * 3

    @staticmethod
    def backward(ctx, ga, gb):
        print("ga", ga, "gb", gb)
        return (ga * 2 if ga is not None else None), (gb * 3 if gb is not None else None)


a = torch.ones(2, requires_grad=True)
b = torch.ones(2, requires_grad=True)
p, q = NoMat.apply(a, b)
p.sum().backward()
show("nomat", lambda: (a.grad, b.grad))


class NIG(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        print("needs", ctx.needs_input_grad)
        return g * b if ctx.needs_input_grad[0] else None, g * a if ctx.needs_input_grad[1] else None


a = torch.ones(2, requires_grad=True)
c = torch.full((2,), 3.0)
z = NIG.apply(a, c)
show("nig grad_fn", lambda: type(z.grad_fn).__name__)
(g,) = torch.autograd.grad(z.sum(), a, create_graph=True)
show("once diff", lambda: (g, g.requires_grad))
show("once diff backward", lambda: g.sum().backward())


class Bad(Function):
    @staticmethod
    def forward(ctx, a):
        return a * 2

    @staticmethod
    def backward(ctx, g):
        return g, g


show("bad count", lambda: Bad.apply(torch.ones(1, requires_grad=True)).sum().backward())


class BadShape(Function):
    @staticmethod
    def forward(ctx, a):
        return a * 2

    @staticmethod
    def backward(ctx, g):
        return g.sum()


show("bad shape", lambda: BadShape.apply(torch.ones(2, requires_grad=True)).sum().backward())


class Dirty(Function):
    @staticmethod
    def forward(ctx, a):
        a.mul_(2)
        ctx.mark_dirty(a)
        return a

    @staticmethod
    def backward(ctx, g):
        return g * 2


d0 = torch.ones(2, requires_grad=True)
dd = d0.clone()
out = Dirty.apply(dd)
show("dirty", lambda: (out is dd, out.grad_fn.name() if hasattr(out.grad_fn, "name") else None, dd._version))
out.sum().backward()
show("dirty grad", lambda: d0.grad)


class NoBackward(Function):
    @staticmethod
    def forward(ctx, a):
        return a + 1


show("no backward", lambda: NoBackward.apply(torch.ones(1, requires_grad=True)).sum().backward())
show("apply non-tensor", lambda: Clamp.apply(torch.tensor([5.0]), -1, 1))
with fwAD.dual_level():
    dual = fwAD.make_dual(torch.tensor([0.5, 2.0]), torch.tensor([1.0, 1.0]))
    out = Clamp.apply(dual, -1.0, 1.0)
    show("fwd jvp", lambda: fwAD.unpack_dual(out).tangent)
    out2 = dual.sin() * dual
    show("fwd sin", lambda: fwAD.unpack_dual(out2))
    show("unpack names", lambda: fwAD.unpack_dual(out2)._fields)


class Gen(Function):
    generate_vmap_rule = True

    @staticmethod
    def forward(x):
        return x**2

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g


show("vmap custom", lambda: torch.vmap(Gen.apply)(torch.arange(3.0).view(3, 1)))
show("grad custom func", lambda: torch.func.grad(lambda t: Gen.apply(t).sum())(torch.tensor([1.0, 2.0])))
