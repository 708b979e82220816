"""A reversible residual network (RevNet, Gomez et al.) with a memory-saving custom autograd.Function,
as the minimal implementations write it: additive coupling y1 = x1 + F(x2), y2 = x2 + G(y1), a forward
that runs under no_grad and saves only outputs, a backward that reconstructs the inputs and re-runs F and
G under enable_grad to get vector-Jacobian products with torch.autograd.grad; checked with gradcheck in
float64 and against the plain autograd version, inversion error, then trained a few steps."""

import torch
import torch.nn as nn
import torch.nn.functional as Fn

torch.manual_seed(0)
torch.set_num_threads(1)


class ReversibleBlockFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, f, g, *params):
        x1, x2 = torch.chunk(x, 2, dim=1)
        with torch.no_grad():
            y1 = x1 + f(x2)
            y2 = x2 + g(y1)
            y = torch.cat([y1, y2], dim=1)
        ctx.f, ctx.g = f, g
        ctx.save_for_backward(y.detach())
        return y

    @staticmethod
    def backward(ctx, grad_y):
        f, g = ctx.f, ctx.g
        (y,) = ctx.saved_tensors
        y1, y2 = torch.chunk(y, 2, dim=1)
        dy1, dy2 = torch.chunk(grad_y, 2, dim=1)
        f_params = [p for p in f.parameters() if p.requires_grad]
        g_params = [p for p in g.parameters() if p.requires_grad]
        with torch.enable_grad():
            y1_ = y1.detach().requires_grad_()
            gy1 = g(y1_)
            g_grads = torch.autograd.grad(gy1, [y1_] + g_params, dy2)
        x2 = y2 - gy1.detach()
        dx1 = dy1 + g_grads[0]
        with torch.enable_grad():
            x2_ = x2.detach().requires_grad_()
            fx2 = f(x2_)
            f_grads = torch.autograd.grad(fx2, [x2_] + f_params, dx1)
        dx2 = dy2 + f_grads[0]
        grad_x = torch.cat([dx1, dx2], dim=1)
        return (grad_x, None, None) + tuple(f_grads[1:]) + tuple(g_grads[1:])


class RevBlock(nn.Module):
    def __init__(self, c, use_function=True):
        super().__init__()
        half = c // 2
        self.f = nn.Sequential(nn.Linear(half, half), nn.Tanh(), nn.Linear(half, half))
        self.g = nn.Sequential(nn.Linear(half, half), nn.Tanh(), nn.Linear(half, half))
        self.use_function = use_function

    def forward(self, x):
        if self.use_function:
            return ReversibleBlockFunction.apply(x, self.f, self.g, *self.f.parameters(), *self.g.parameters())
        x1, x2 = torch.chunk(x, 2, dim=1)
        y1 = x1 + self.f(x2)
        y2 = x2 + self.g(y1)
        return torch.cat([y1, y2], dim=1)

    def inverse(self, y):
        y1, y2 = torch.chunk(y, 2, dim=1)
        x2 = y2 - self.g(y1)
        x1 = y1 - self.f(x2)
        return torch.cat([x1, x2], dim=1)


block = RevBlock(8).double()
x = torch.randn(5, 8, dtype=torch.float64, requires_grad=True)
print("gradcheck (input and params):", torch.autograd.gradcheck(lambda inp, *ps: ReversibleBlockFunction.apply(inp, block.f, block.g, *ps),
                                                                  (x, *block.f.parameters(), *block.g.parameters())))
out = block(x)
print("output", out.dtype, tuple(out.shape), "grad_fn", type(out.grad_fn).__name__)
with torch.no_grad():
    print("inversion error < 1e-12:", (block.inverse(out) - x).abs().max().item() < 1e-12)

torch.manual_seed(1)
rev = nn.Sequential(*[RevBlock(16) for _ in range(4)], nn.Linear(16, 2))
plain = nn.Sequential(*[RevBlock(16, use_function=False) for _ in range(4)], nn.Linear(16, 2))
plain.load_state_dict(rev.state_dict())
X = torch.randn(128, 16)
y = (X[:, :8].sum(1) * X[:, 8:].sum(1) > 0).long()
for m in (rev, plain):
    Fn.cross_entropy(m(X), y).backward()
g_rev = torch.cat([p.grad.flatten() for p in rev.parameters()])
g_plain = torch.cat([p.grad.flatten() for p in plain.parameters()])
print("grads match plain autograd:", torch.allclose(g_rev, g_plain, atol=1e-5), f"norm {g_rev.norm().item():.5f}")

opt = torch.optim.Adam(rev.parameters(), lr=1e-2)
for step in range(50):
    loss = Fn.cross_entropy(rev(X), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0 or step == 49:
        acc = (rev(X).argmax(1) == y).float().mean()
        print(f"step {step:2d} loss {loss.item():.4f} acc {acc.item():.4f}")
try:
    ReversibleBlockFunction.apply(torch.randn(2, 7), rev[0].f, rev[0].g)
except RuntimeError as e:
    print("RuntimeError:", str(e)[:55])  # (minigrad's message goes on to say which layer expected what)
