"""The "Extending torch.autograd" notes and the "Double Backward with Custom
Functions" / "Custom Python Operators" tutorials: a Function that saves its
output (exp), one that saves an intermediate and supports double backward,
mark_dirty for an in-place op, mark_non_differentiable for sort indices,
set_materialize_grads, the forward/setup_context split, once_differentiable,
and torch.library.custom_op with register_fake / register_autograd, each
checked with gradcheck/gradgradcheck and against the built-in op. Fixed
inputs in float64: every number agrees."""

import torch
from torch.autograd import Function, gradcheck, gradgradcheck
from torch.autograd.function import once_differentiable


def fixed(*shape, phase=0.7):
    n = 1
    for s in shape:
        n *= s
    return torch.sin(torch.arange(n, dtype=torch.double) * phase + 0.3).reshape(shape)


class Exp(Function):
    @staticmethod
    def forward(ctx, i):
        result = i.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        result, = ctx.saved_tensors
        return grad_output * result


x = fixed(3, 4).requires_grad_()
y = Exp.apply(x)
print("exp output requires grad", y.requires_grad)
print("exp gradcheck", gradcheck(Exp.apply, (x,)), "gradgradcheck", gradgradcheck(Exp.apply, (x,)))
g, = torch.autograd.grad(y.sum(), x, create_graph=True)
gg, = torch.autograd.grad(g.sum(), x)
print("exp d2 matches", torch.allclose(gg, x.exp()), round(gg.sum().item(), 10))


class Sinh(Function):
    # save an intermediate: it must be returned as an output to be saved for double backward
    @staticmethod
    def forward(ctx, x):
        expx = torch.exp(x)
        expnegx = torch.exp(-x)
        ctx.save_for_backward(expx, expnegx)
        return (expx - expnegx) / 2, expx, expnegx

    @staticmethod
    def backward(ctx, grad_out, _grad_out_exp, _grad_out_negexp):
        expx, expnegx = ctx.saved_tensors
        grad_input = grad_out * (expx + expnegx) / 2
        grad_input += _grad_out_exp * expx
        grad_input -= _grad_out_negexp * expnegx
        return grad_input


def sinh(x):
    return Sinh.apply(x)[0]


print("sinh gradcheck", gradcheck(sinh, (x,)), "gradgradcheck", gradgradcheck(sinh, (x,)))
print("sinh value", torch.allclose(sinh(x), torch.sinh(x)))


class SquareOnce(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 2

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out):
        x, = ctx.saved_tensors
        return grad_out * 2 * x


s = SquareOnce.apply(x).sum()
g, = torch.autograd.grad(s, x, create_graph=True)
print("once_differentiable grad", round(g.sum().item(), 10), g.requires_grad)
try:
    g.sum().backward()
except RuntimeError as e:
    print("double backward refused", isinstance(e, RuntimeError))


class AddOne_(Function):
    @staticmethod
    def forward(ctx, x):
        x.add_(1)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, grad_out):
        return grad_out


a = fixed(5).requires_grad_()
b = a.clone()
out = AddOne_.apply(b)
print("mark_dirty same tensor", out is b, "version bumped", b._version > 0)
(out * out).sum().backward()
print("mark_dirty grad", [round(v, 8) for v in a.grad.tolist()])


class SortWithIdx(Function):
    @staticmethod
    def forward(ctx, x):
        values, idx = x.sort()
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(idx)
        return values, idx

    @staticmethod
    def backward(ctx, g1, g2):
        idx, = ctx.saved_tensors
        grad = torch.zeros_like(g1)
        grad.scatter_(-1, idx, g1)
        return grad


v, i = SortWithIdx.apply(a)
print("sort idx requires_grad", i.requires_grad, "values", v.requires_grad, i.tolist())
a.grad = None
(v * torch.arange(5, dtype=torch.double)).sum().backward()
print("sort grad", a.grad.tolist())


class MaybeNone(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        return x.clone(), x.clone() * 2

    @staticmethod
    def backward(ctx, g1, g2):
        seen.append((g1 is None, g2 is None))
        grad = torch.zeros_like(a) if g1 is None else g1.clone()
        if g2 is not None:
            grad += 2 * g2
        return grad


seen = []
p, q = MaybeNone.apply(a)
a.grad = None
p.sum().backward()
print("materialize off", seen, a.grad.tolist())


class LinearFunction(Function):
    # forward without ctx and a separate setup_context, as the docs recommend
    @staticmethod
    def forward(input, weight, bias):
        output = input.mm(weight.t())
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)
        return output

    @staticmethod
    def setup_context(ctx, inputs, output):
        input, weight, bias = inputs
        ctx.save_for_backward(input, weight, bias)

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


inp = fixed(6, 4, phase=0.3).requires_grad_()
w = fixed(3, 4, phase=1.1).requires_grad_()
bias = fixed(3, phase=2.0).requires_grad_()
print("setup_context gradcheck", gradcheck(LinearFunction.apply, (inp, w, bias)))
out = LinearFunction.apply(inp, w.detach(), bias)
print("needs_input_grad", out.requires_grad, round(out.sum().item(), 10))


@torch.library.custom_op("mylib::numpy_sin", mutates_args=())
def numpy_sin(x: torch.Tensor) -> torch.Tensor:
    return torch.from_numpy(torch.sin(x).numpy().copy())


@numpy_sin.register_fake
def _(x):
    return torch.empty_like(x)


def setup_context(ctx, inputs, output):
    x, = inputs
    ctx.save_for_backward(x)


def backward(ctx, grad):
    x, = ctx.saved_tensors
    return grad * x.cos()


numpy_sin.register_autograd(backward, setup_context=setup_context)
t = fixed(4, phase=0.9).requires_grad_()
print("custom_op value", torch.allclose(numpy_sin(t), t.sin()))
print("custom_op gradcheck", gradcheck(numpy_sin, (t,)))
print("custom_op via torch.ops", torch.allclose(torch.ops.mylib.numpy_sin(t), t.sin()))


@torch.library.custom_op("mylib::scale_", mutates_args={"x"})
def scale_(x: torch.Tensor, factor: float) -> None:
    x.mul_(factor)


buf = fixed(3)
scale_(buf, 2.5)
print("custom_op mutates", [round(v, 8) for v in buf.tolist()])
