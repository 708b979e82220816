"""Custom autograd Functions with the ctx flags blog posts and forum answers use: a differentiable sort
that returns its indices marked with ctx.mark_non_differentiable (backward receives materialized zeros
of the index dtype), a straight-through quantizer returning a bool mask, ctx.set_materialize_grads(False)
with None gradients for unused outputs, the forward/setup_context split with a vmap staticmethod under
torch.func.vmap, needs_input_grad to skip work, ctx.mark_dirty for an in-place op, @once_differentiable
and its double-backward error, the errors for a wrong number or shape of gradients, and the grad_fn
classes' names and modules. A tiny sorting-based "soft top-k" regressor trains on them. Seeded: every
number agrees."""

import torch
from torch.autograd.function import once_differentiable

torch.set_num_threads(1)
torch.manual_seed(0)


def node_name(t):
    return repr(t.grad_fn).split(" object at")[0].lstrip("<")


class DiffSort(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        values, indices = x.sort(dim=-1, descending=True)
        ctx.mark_non_differentiable(indices)
        ctx.save_for_backward(indices)
        return values, indices

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_values, grad_indices):
        (indices,) = ctx.saved_tensors
        print("  grad_indices:", grad_indices.dtype, grad_indices.sum().item())
        grad_x = torch.zeros_like(grad_values)
        grad_x.scatter_(-1, indices, grad_values)
        return grad_x


x = torch.randn(2, 5, requires_grad=True)
values, indices = DiffSort.apply(x)
print(values)
print(indices, indices.dtype, indices.requires_grad, values.requires_grad)
print(node_name(values), type(values.grad_fn).__name__, values.grad_fn.name())
weights = torch.linspace(1.0, 0.2, 5)
(values * weights).sum().backward()
print(x.grad)
try:
    v, _ = DiffSort.apply(x)
    scale = torch.ones(5, requires_grad=True)
    g, = torch.autograd.grad((v * scale).sum(), x, create_graph=True)
    print(g.requires_grad, node_name(g))
    g.sum().backward()
except RuntimeError as err:
    print("RuntimeError:", err)


class STEQuantize(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, levels):
        scale = levels - 1
        q = torch.round(x.clamp(0, 1) * scale) / scale
        inside = (x >= 0) & (x <= 1)
        ctx.save_for_backward(inside)
        return q, inside

    @staticmethod
    def backward(ctx, grad_q, grad_inside):
        (inside,) = ctx.saved_tensors
        print("  grad_inside:", grad_inside.dtype, grad_inside.any().item(), ctx.needs_input_grad)
        return grad_q * inside, None


w = torch.rand(6, requires_grad=True) * 1.4 - 0.2
w.retain_grad()
q, inside = STEQuantize.apply(w, 4)
print(q, inside, inside.requires_grad)
(q * torch.arange(6.0)).sum().backward()
print(w.grad)


class TwoHeads(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(a, b)
        return a * b, a + b

    @staticmethod
    def backward(ctx, g_prod, g_sum):
        a, b = ctx.saved_tensors
        print("  received:", g_prod is None, g_sum is None)
        ga = gb = None
        if g_prod is not None:
            ga, gb = g_prod * b, g_prod * a
        if g_sum is not None:
            ga = g_sum if ga is None else ga + g_sum
            gb = g_sum if gb is None else gb + g_sum
        return ga, gb


a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
prod, total = TwoHeads.apply(a, b)
total.pow(2).sum().backward()
print(a.grad, b.grad)
a.grad = b.grad = None
prod, total = TwoHeads.apply(a, b)
torch.autograd.backward([prod.sum(), total.sum()])
print(a.grad, b.grad)


class ScaledTanh(torch.autograd.Function):
    generate_vmap_rule = False

    @staticmethod
    def forward(x, scale):
        return torch.tanh(x) * scale

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, scale = inputs
        ctx.save_for_backward(output)
        ctx.scale = scale

    @staticmethod
    def backward(ctx, grad_out):
        (y,) = ctx.saved_tensors
        return grad_out * (ctx.scale - y * y / ctx.scale), None

    @staticmethod
    def vmap(info, in_dims, x, scale):
        return ScaledTanh.apply(x, scale), in_dims[0]


xs = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
print(torch.autograd.gradcheck(lambda t: ScaledTanh.apply(t, 2.0), (xs,)))
print(torch.func.vmap(lambda t: ScaledTanh.apply(t, 1.5))(xs.detach()))
per_row = torch.func.vmap(torch.func.grad(lambda t: ScaledTanh.apply(t, 1.5).sum()))(xs.detach())
print(per_row)


class MulAdd(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w, b):
        ctx.save_for_backward(x, w)
        return x @ w.t() + b

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        gx = gw = gb = None
        if ctx.needs_input_grad[0]:
            gx = g @ w
        if ctx.needs_input_grad[1]:
            gw = g.t() @ x
        if ctx.needs_input_grad[2]:
            gb = g.sum(0)
        print("  needs_input_grad:", ctx.needs_input_grad)
        return gx, gw, gb


class ReluInplace(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        x.clamp_(min=0)
        ctx.mark_dirty(x)
        ctx.save_for_backward(x)
        return x

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * (y > 0)


torch.manual_seed(1)
X = torch.randn(32, 4)
true_w = torch.tensor([[1.5, -2.0, 0.5, 1.0]])
Y = torch.relu(X @ true_w.t() + 0.3) + 0.01 * torch.randn(32, 1)
W1 = torch.randn(8, 4, requires_grad=True)
b1 = torch.zeros(8, requires_grad=True)
W2 = (torch.randn(1, 8) * 0.3).requires_grad_()
b2 = torch.zeros(1, requires_grad=True)
opt = torch.optim.SGD([W1, b1, W2, b2], lr=0.05)
for step in range(6):
    h = ReluInplace.apply(MulAdd.apply(X, W1, b1))
    out = MulAdd.apply(h, W2, b2)
    loss = ((out - Y) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"step {step} loss {loss.item():.6f} {node_name(h)} {node_name(out)}")
b1.requires_grad_(False)
out = MulAdd.apply(X[:2], W1, b1)
out.sum().backward()

leaf = torch.ones(3, requires_grad=True)
try:
    ReluInplace.apply(leaf)
except RuntimeError as err:
    print("RuntimeError:", err)
with torch.no_grad():
    y = ReluInplace.apply(torch.tensor([-1.0, 2.0]))
print(y, y.requires_grad, y.grad_fn)


class WrongCount(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2, g


class WrongShape(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.sum()

    @staticmethod
    def backward(ctx, g):
        return g.expand(4)


for fn in (WrongCount, WrongShape):
    try:
        fn.apply(torch.ones(3, requires_grad=True)).sum().backward()
    except RuntimeError as err:
        print("RuntimeError:", err)
