"""The BLAS-style products as layer code and papers' reference implementations call them:
addmm / addmv / addr / baddbmm / addbmm with alpha and beta (beta=0 ignoring NaN in input, integer
tensors, broadcasting input), their in-place and out= forms, bmm / matmul broadcasting with 1-d
operands, tensordot with int and paired dims, einsum with ellipsis, repeated indices (trace,
diagonal), implicit output and the sublist form, linalg.multi_dot, chain of grads through each (printed),
and a low-rank layer written with addmm trained a few steps."""

import torch
import torch.nn as nn

torch.manual_seed(0)
torch.set_num_threads(1)


def r(t, n=4):
    return [round(v, n) for v in t.flatten().tolist()]


M = torch.randn(2, 3)
A = torch.randn(2, 4)
B = torch.randn(4, 3)
print("addmm", r(torch.addmm(M, A, B)))
print("addmm a/b", r(torch.addmm(M, A, B, beta=0.5, alpha=2.0)))
nanM = torch.full((2, 3), float("nan"))
print("addmm beta=0 nan", r(torch.addmm(nanM, A, B, beta=0)))
print("addmm broadcast bias", r(torch.addmm(torch.ones(3), A, B, alpha=-1)))
Mi = torch.arange(6).view(2, 3)
Ai, Bi = torch.arange(8).view(2, 4), torch.arange(12).view(4, 3)
print("addmm int", torch.addmm(Mi, Ai, Bi, beta=2, alpha=3).tolist())
out = torch.empty(2, 3)
torch.addmm(M, A, B, out=out)
print("addmm out", r(out))
M2 = M.clone()
M2.addmm_(A, B, beta=0.0, alpha=0.5)
print("addmm_", r(M2))
v = torch.randn(4)
print("addmv", r(torch.addmv(torch.zeros(2), A, v, alpha=2)))
print("mv", r(A.mv(v)), "matmul 2d@1d", r(A @ v), "1d@2d", r(v @ B))
print("addr", r(torch.addr(torch.eye(2), torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]), beta=2, alpha=0.5)))
x = torch.randn(5, 2, 4)
y = torch.randn(5, 4, 3)
inp = torch.randn(5, 2, 3)
print("baddbmm", r(torch.baddbmm(inp, x, y, beta=0.1, alpha=0.2)[0]))
print("baddbmm broadcast", tuple(torch.baddbmm(torch.zeros(2, 3), x, y).shape))
print("addbmm", r(torch.addbmm(torch.zeros(2, 3), x, y, alpha=0.5)))
print("bmm vs einsum", bool(torch.allclose(torch.bmm(x, y), torch.einsum("bij,bjk->bik", x, y), atol=1e-6)))
print("matmul batch broadcast", tuple(torch.matmul(torch.randn(3, 1, 2, 4), torch.randn(5, 4, 6)).shape))
print("matmul 1d@3d", tuple(torch.matmul(torch.randn(4), torch.randn(5, 4, 3)).shape),
      "3d@1d", tuple(torch.matmul(torch.randn(5, 2, 4), torch.randn(4)).shape))
print("dot/vdot/inner", round(torch.dot(v, v).item(), 4), round(torch.vdot(v, v).item(), 4),
      r(torch.inner(A, torch.randn(3, 4))))
print("outer", r(torch.outer(torch.tensor([1.0, 2.0]), torch.tensor([1.0, -1.0, 0.5]))))
T1 = torch.randn(2, 3, 4)
T2 = torch.randn(4, 3, 5)
print("tensordot dims=1", tuple(torch.tensordot(T1, T2, dims=1).shape))
print("tensordot paired", r(torch.tensordot(T1, T2, dims=([1, 2], [1, 0]))))
print("tensordot dims=0", tuple(torch.tensordot(torch.ones(2), torch.ones(3), dims=0).shape))
S = torch.arange(9.0).view(3, 3)
print("einsum trace", torch.einsum("ii", S).item(), "diag", torch.einsum("ii->i", S).tolist())
print("einsum implicit", torch.einsum("ij,jk", S, S).tolist()[0], "transpose", torch.einsum("ij->ji", S).tolist()[0])
print("einsum ellipsis", tuple(torch.einsum("...ij,...jk->...ik", x, y).shape),
      tuple(torch.einsum("b...d,d->b...", torch.randn(2, 3, 4, 5), torch.randn(5)).shape))
print("einsum sublist", r(torch.einsum(S, [0, 1], S, [1, 2], [0, 2])))
print("einsum bilinear", r(torch.einsum("bn,anm,bm->ba", torch.ones(2, 3), torch.ones(4, 3, 2), torch.ones(2, 2))))
print("einsum outer sum", torch.einsum("i,j->", torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])).item())
mats = [torch.randn(3, 4), torch.randn(4, 5), torch.randn(5, 2), torch.randn(2, 6)]
md = torch.linalg.multi_dot(mats)
print("multi_dot", tuple(md.shape), bool(torch.allclose(md, mats[0] @ mats[1] @ mats[2] @ mats[3], atol=1e-5)))

# gradients through each product
a = torch.randn(2, 4, requires_grad=True)
b = torch.randn(4, 3, requires_grad=True)
m = torch.randn(2, 3, requires_grad=True)
torch.addmm(m, a, b, beta=0.5, alpha=2.0).square().sum().backward()
print("addmm grads", r(a.grad), r(b.grad), r(m.grad))
print("grad_fn", torch.addmm(m, a, b).grad_fn.name(), torch.baddbmm(m.unsqueeze(0), a.unsqueeze(0), b.unsqueeze(0)).grad_fn.name())
p = torch.randn(3, 2, 4, requires_grad=True)
q = torch.randn(3, 4, 2, requires_grad=True)
torch.baddbmm(torch.ones(3, 2, 2), p, q, beta=0.0, alpha=3.0).sum().backward()
print("baddbmm grads", r(p.grad[0]), r(q.grad[2]))
s = torch.randn(3, 3, requires_grad=True)
torch.einsum("ii->", s).backward()
print("einsum trace grad", s.grad.tolist())
t = torch.randn(2, 3, 4, requires_grad=True)
torch.tensordot(t, torch.arange(12.0).view(3, 4), dims=2).sum().backward()
print("tensordot grad", r(t.grad[1]))


class LowRank(nn.Module):
    def __init__(self, n_in, n_out, rank):
        super().__init__()
        self.U = nn.Parameter(torch.randn(n_in, rank) / n_in ** 0.5)
        self.V = nn.Parameter(torch.randn(rank, n_out) / rank ** 0.5)
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        return torch.addmm(self.bias, x @ self.U, self.V)


X = torch.randn(64, 8)
W = torch.randn(8, 2) @ torch.randn(2, 6)
Y = X @ W + 0.01 * torch.randn(64, 6)
layer = LowRank(8, 6, 2)
opt = torch.optim.Adam(layer.parameters(), lr=0.05)
for step in range(60):
    loss = (layer(X) - Y).pow(2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 15 == 0 or step == 59:
        print(f"lowrank step {step} loss {loss.item():.5f}")
print("recovered rank", torch.linalg.matrix_rank(layer.U.detach() @ layer.V.detach()).item())
