"""Sasha Rush's Autodiff Puzzles (the follow-up to Tensor Puzzles): for each function f(x) (or f(x, y))
write the derivative dx(x, y, dz) = dz @ J by hand, with one-line tensor expressions, and check it the way
the notebook does: against torch's own backward (grad_outputs through autograd.grad), against
autograd.functional.jacobian and vjp, and against torch.func.jacrev and vmap-ed vjps. Puzzles: id, cosine,
mean, product, repeat, repeat-and-scale, sum, elementwise mul, 1-D conv, 2-D conv, cumsum, running mean,
sigmoid, softmax, outer product, matmul, max, sort, pad, flip, where and a view-based stride trick.
(The float64 errors are compared to 1e-12, not printed: a hand dz @ y and autograd's sum over a broadcast
dim add the same products in other orders, so they may differ in the last bit.)"""

import torch
import torch.nn.functional as F
from torch.autograd.functional import jacobian, vjp
from torch.func import jacrev, vmap

torch.set_num_threads(1)
torch.set_printoptions(precision=4, sci_mode=False)
torch.manual_seed(0)

N, M = 5, 4
results = []


def check(name, f, dx, shapes, dy=None):
    """The notebook's test: random inputs, a random dz, hand dx vs autograd's."""
    xs = [torch.randn(*s, dtype=torch.float64, requires_grad=True) for s in shapes]
    out = f(*xs)
    dz = torch.randn(out.shape, dtype=torch.float64)
    want = torch.autograd.grad(out, xs, dz, allow_unused=True)
    got_x = dx(*[x.detach() for x in xs], dz)
    ok = torch.allclose(got_x, want[0])
    if dy is not None:
        got_y = dy(*[x.detach() for x in xs], dz)
        ok = ok and torch.allclose(got_y, want[1])
    err = (got_x - want[0]).abs().max().item()
    results.append(ok)
    print(f"{name:14s} out {tuple(out.shape)} ok {ok} max err below 1e-12: {err < 1e-12}")
    return xs, dz


# puzzle 1: id
check("id", lambda x: x, lambda x, dz: dz, [(N,)])
# puzzle 2: cosine
check("cos", lambda x: x.cos(), lambda x, dz: -x.sin() * dz, [(N,)])
# puzzle 3: mean (output of shape (1,))
check("mean", lambda x: x.mean(0, keepdim=True), lambda x, dz: dz.expand(x.shape) / x.shape[0], [(N,)])
# puzzle 4: product
check("prod", lambda x: x.prod(0, keepdim=True), lambda x, dz: dz * x.prod() / x, [(N,)])
# puzzle 5: repeat
check("repeat", lambda x: x[None, :].repeat(M, 1), lambda x, dz: dz.sum(0), [(N,)])
# puzzle 6: repeat and scale
check("repeat_scale", lambda x: (torch.arange(M, dtype=x.dtype)[:, None] / M) * x[None, :],
      lambda x, dz: (torch.arange(M, dtype=x.dtype)[:, None] / M * dz).sum(0), [(N,)])
# puzzle 7: sum of rows
check("sum_rows", lambda x: x.sum(1), lambda x, dz: dz[:, None].expand(x.shape), [(M, N)])
# puzzle 8: elementwise mul, both sides
check("mul", lambda x, y: x * y, lambda x, y, dz: y * dz, [(N,), (N,)], dy=lambda x, y, dz: x * dz)
# puzzle 9: 1-D convolution (valid, kernel y)
conv1 = lambda x, y: F.conv1d(x[None, None], y[None, None])[0, 0]  # noqa: E731
check("conv1d", conv1,
      lambda x, y, dz: F.conv_transpose1d(dz[None, None], y[None, None])[0, 0], [(8,), (3,)],
      dy=lambda x, y, dz: F.conv1d(x[None, None], dz[None, None])[0, 0])
# puzzle 10: 2-D convolution
conv2 = lambda x, y: F.conv2d(x[None, None], y[None, None])[0, 0]  # noqa: E731
check("conv2d", conv2,
      lambda x, y, dz: F.conv_transpose2d(dz[None, None], y[None, None])[0, 0], [(6, 5), (3, 2)],
      dy=lambda x, y, dz: F.conv2d(x[None, None], dz[None, None])[0, 0])
# puzzle 11: cumsum
check("cumsum", lambda x: x.cumsum(0), lambda x, dz: dz.flip(0).cumsum(0).flip(0), [(N,)])
# puzzle 12: running mean over windows of 2 (by unfold)
check("running_mean", lambda x: x.unfold(0, 2, 1).mean(-1),
      lambda x, dz: F.pad(dz, (1, 0)) / 2 + F.pad(dz, (0, 1)) / 2, [(N,)])
# puzzle 13: sigmoid
check("sigmoid", torch.sigmoid, lambda x, dz: torch.sigmoid(x) * (1 - torch.sigmoid(x)) * dz, [(N,)])
# puzzle 14: softmax
sm = lambda x: x.softmax(0)  # noqa: E731
check("softmax", sm, lambda x, dz: sm(x) * (dz - (dz * sm(x)).sum()), [(N,)])
# puzzle 15: outer product
check("outer", lambda x, y: torch.outer(x, y), lambda x, y, dz: dz @ y, [(N,), (M,)],
      dy=lambda x, y, dz: dz.T @ x)
# puzzle 16: matmul
check("matmul", lambda x, y: x @ y, lambda x, y, dz: dz @ y.T, [(3, N), (N, M)],
      dy=lambda x, y, dz: x.T @ dz)
# puzzle 17: max (the gradient goes to the arg max)
check("max", lambda x: x.max(0, keepdim=True).values,
      lambda x, dz: (torch.arange(x.shape[0]) == x.argmax()).to(x.dtype) * dz, [(N,)])
# puzzle 18: sort (the gradient is scattered back through the permutation)
check("sort", lambda x: x.sort().values,
      lambda x, dz: torch.zeros_like(x).scatter(0, x.sort().indices, dz), [(N,)])
# puzzle 19: pad and flip
check("pad_flip", lambda x: F.pad(x, (2, 1)).flip(0), lambda x, dz: dz.flip(0)[2:-1], [(N,)])
# puzzle 20: where(x > 0, x, 0.1 x)
check("leaky_where", lambda x: torch.where(x > 0, x, 0.1 * x), lambda x, dz: torch.where(x > 0, dz, 0.1 * dz),
      [(N,)])
# puzzle 21: a stride trick (as_strided windows of 3, step 1) summed
check("as_strided", lambda x: x.as_strided((N - 2, 3), (1, 1)).sum(1),
      lambda x, dz: F.conv_transpose1d(dz[None, None], torch.ones(1, 1, 3, dtype=x.dtype))[0, 0], [(N,)])
print("all ok", all(results), len(results))

# the whole Jacobians, three ways
x = torch.randn(N, dtype=torch.float64)
J1 = jacobian(lambda v: v.cumsum(0), x)
J2 = jacrev(lambda v: v.cumsum(0))(x)
print(J1)
print(torch.equal(J1, J2), torch.equal(J1, torch.ones(N, N, dtype=torch.float64).tril()))
J = jacobian(lambda v: v.softmax(0), x)
print(J)
print("rows sum to zero", torch.allclose(J.sum(0), torch.zeros(N, dtype=torch.float64)))
out, g = vjp(lambda v: v.unfold(0, 2, 1).mean(-1), x, torch.ones(N - 1, dtype=torch.float64))
print(out, g)
# the VJP against every basis vector at once gives the Jacobian back
basis = torch.eye(N - 1, dtype=torch.float64)
f = lambda v: v.unfold(0, 2, 1).mean(-1)  # noqa: E731
rows = vmap(lambda e: torch.func.vjp(f, x)[1](e)[0])(basis)
print(rows)
print(torch.allclose(rows, jacobian(f, x)))
# the float32 versions the notebook uses
x32 = torch.randn(2, 3, requires_grad=True)
y32 = torch.randn(3, 2, requires_grad=True)
z32 = (x32 @ y32).relu().sum()
gx, gy = torch.autograd.grad(z32, [x32, y32])
print(gx, gy)
print(jacobian(lambda a, b: a @ b, (x32.detach(), y32.detach()))[0].shape)
