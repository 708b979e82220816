"""The "Double Backward with Custom Functions" tutorial, with what the
autograd docs add around it: a backward written with other custom Functions
(so it is itself differentiable), gradcheck / gradgradcheck in float64 with
their options (fast_mode, check_batched_grad, check_undefined_grad,
check_forward_ad with a jvp staticmethod, explicit grad_outputs,
gen_non_contig_grad_outputs, raise_exception=False on a wrong backward),
multiple outputs with mark_non_differentiable, a non-tensor argument
(needs_input_grad), a Function with generate_vmap_rule under torch.func,
torch.autograd.functional.hessian through a custom Function, and a gradient
penalty trained through the double backward. Fixed float64 inputs: every
number agrees."""

import torch
import torch.autograd.forward_ad as fwAD
from torch.autograd import Function, gradcheck, gradgradcheck
from torch.autograd.functional import hessian

torch.set_num_threads(1)


def fixed(*shape, phase=0.3):
    n = 1
    for s in shape:
        n *= s
    return (torch.arange(n, dtype=torch.float64).reshape(shape) * 0.37 + phase).sin()


# the tutorial's first case: save an input, the backward is made of differentiable ops
class Square(Function):
    @staticmethod
    def forward(ctx, x):
        # Because we are saving one of the inputs use `save_for_backward`
        # Save non-tensors and non-inputs/non-outputs directly on ctx
        ctx.save_for_backward(x)
        return x**2

    @staticmethod
    def backward(ctx, grad_out):
        # A function support double backward automatically if autograd
        # is able to record the computations performed in backward
        x, = ctx.saved_tensors
        return grad_out * 2 * x


# Use double precision because finite differencing method magnifies errors
x = torch.rand(3, 3, requires_grad=True, dtype=torch.double)
x = fixed(3, 3).requires_grad_()
print("square gradcheck", torch.autograd.gradcheck(Square.apply, x))
# Use gradcheck to verify second-order derivatives
print("square gradgradcheck", torch.autograd.gradgradcheck(Square.apply, x))


# a backward made of another custom Function: MulConst's backward is differentiable because
# it calls MulConst again
class MulConst(Function):
    @staticmethod
    def forward(ctx, x, c):
        ctx.c = c
        return x * c

    @staticmethod
    def backward(ctx, g):
        return MulConst.apply(g, ctx.c), None


class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return MulConst.apply(g * Square.apply(x), 3.0)


xc = fixed(4, phase=0.9).requires_grad_()
y = Cube.apply(xc)
(d1,) = torch.autograd.grad(y.sum(), xc, create_graph=True)
(d2,) = torch.autograd.grad(d1.sum(), xc, create_graph=True)
(d3,) = torch.autograd.grad(d2.sum(), xc)
print("cube d1", [f"{v:.8f}" for v in d1.tolist()])
print("cube d2", [f"{v:.8f}" for v in d2.tolist()], "d3", d3.tolist())
print("cube grad_fn", type(d1.grad_fn).__name__, "gradgradcheck", gradgradcheck(Cube.apply, (xc,)))
print("mulconst needs", MulConst.apply(xc, 2.0).grad_fn is not None)


# forward-mode: a jvp staticmethod, checked by gradcheck(check_forward_ad=True)
class Tanh(Function):
    @staticmethod
    def forward(ctx, x):
        y = torch.tanh(x)
        ctx.save_for_backward(y)
        ctx.save_for_forward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * (1 - y * y)

    @staticmethod
    def jvp(ctx, x_t):
        y, = ctx.saved_tensors
        return x_t * (1 - y * y)


xt = fixed(2, 3, phase=-0.4).requires_grad_()
print("tanh gradcheck forward ad", gradcheck(Tanh.apply, (xt,), check_forward_ad=True))
print("tanh gradgradcheck", gradgradcheck(Tanh.apply, (xt,)))

with fwAD.dual_level():
    dual = fwAD.make_dual(xt.detach(), torch.ones_like(xt))
    out = Tanh.apply(dual)
    tangent = fwAD.unpack_dual(out).tangent
print("tanh jvp", [f"{v:.8f}" for v in tangent.flatten().tolist()])


# gradcheck's options
print("fast_mode", gradcheck(Square.apply, (x,), fast_mode=True))
print("batched grad", gradcheck(Square.apply, (x,), check_batched_grad=True))
print("undefined grad", gradcheck(Square.apply, (x,), check_undefined_grad=True))
go = fixed(3, 3, phase=1.1)
print("gradgradcheck grad_outputs", gradgradcheck(Square.apply, (x,), (go,)))
print("non-contig grad outputs", gradgradcheck(Square.apply, (x,), gen_non_contig_grad_outputs=True))


class WrongSquare(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 2

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * 2.1 * x  # wrong


print("wrong backward", gradcheck(WrongSquare.apply, (x,), raise_exception=False))
try:
    gradcheck(WrongSquare.apply, (x,))
except RuntimeError as e:
    print("gradcheck raised", type(e).__name__, "Jacobian mismatch" in str(e))
print("wrong but loose", gradcheck(WrongSquare.apply, (x,), atol=10.0, raise_exception=False))


# multiple outputs, one not differentiable; a non-tensor argument
class TopKSum(Function):
    @staticmethod
    def forward(ctx, x, k):
        values, idx = x.topk(k, dim=-1)
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(idx)
        ctx.shape = x.shape
        return values.sum(-1), idx

    @staticmethod
    def backward(ctx, g, _g_idx):
        idx, = ctx.saved_tensors
        seen_needs.append(ctx.needs_input_grad)
        grad = torch.zeros(ctx.shape, dtype=g.dtype)
        grad.scatter_(-1, idx, g.unsqueeze(-1).expand(idx.shape).contiguous())
        return grad, None


seen_needs = []
xk = fixed(2, 5, phase=0.2).requires_grad_()
s, idx = TopKSum.apply(xk, 2)
print("topk idx", idx.tolist(), "requires_grad", idx.requires_grad, "sums", [f"{v:.6f}" for v in s.tolist()])
s.sum().backward()
print("topk grad", xk.grad.tolist(), "needs_input_grad", seen_needs)
print("topk gradcheck", gradcheck(lambda t: TopKSum.apply(t, 2)[0], (xk,)))


# generate_vmap_rule: a Function usable under torch.func transforms
class Softplus(Function):
    generate_vmap_rule = True

    @staticmethod
    def forward(x, beta):
        return torch.log1p(torch.exp(beta * x)) / beta

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, beta = inputs
        ctx.save_for_backward(x)
        ctx.beta = beta

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * torch.sigmoid(ctx.beta * x), None


xs = fixed(4, 3, phase=0.5)
per_row = torch.func.vmap(torch.func.grad(lambda r: Softplus.apply(r, 2.0).sum()))(xs)
print("vmap(grad) softplus", [f"{v:.8f}" for v in per_row[0].tolist()],
      torch.allclose(per_row, torch.sigmoid(2.0 * xs)))
print("softplus gradgradcheck", gradgradcheck(lambda t: Softplus.apply(t, 2.0), (xs.clone().requires_grad_(),)))

# hessian through custom Functions
h = hessian(lambda v: Cube.apply(v).sum() + Square.apply(v).prod(), fixed(3, phase=0.8))
print("hessian", [[f"{v:.8f}" for v in row] for row in h.tolist()])


# a gradient penalty through the double backward of a custom activation
class SmoothReLU(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.nn.functional.softplus(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * torch.sigmoid(x)


w1 = fixed(6, 2, phase=0.1).mul(0.8).requires_grad_()
w2 = fixed(1, 6, phase=0.6).mul(0.8).requires_grad_()
opt = torch.optim.SGD([w1, w2], lr=0.1, momentum=0.9)
data = fixed(16, 2, phase=1.3) * 2
target = (data[:, :1] * data[:, 1:]).tanh()
for step in range(8):
    inp = data.clone().requires_grad_()
    out = SmoothReLU.apply(inp @ w1.T) @ w2.T
    mse = ((out - target) ** 2).mean()
    (gx,) = torch.autograd.grad(out.sum(), inp, create_graph=True)
    penalty = ((gx.norm(dim=1) - 1) ** 2).mean()
    loss = mse + 0.1 * penalty
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"gp step {step} | mse {mse.item():.10f} | penalty {penalty.item():.10f} | "
          f"w1 grad norm {w1.grad.norm().item():.10f}")
