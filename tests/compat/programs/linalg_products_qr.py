"""Matrix products and factorizations a numerical-methods notebook uses, in float64: addmv, addr,
addbmm, baddbmm, chain_matmul, mv, vdot, vecdot, geqrf + householder_product + ormqr, lu_factor_ex
+ lu_unpack + lu_solve, triangular_solve, tensorinv/tensorsolve, pinverse, diagflat, kron; then
least squares by QR and gradients through the products."""

import torch

torch.set_num_threads(1)
torch.set_printoptions(precision=6)

A = torch.tensor([[4.0, 1.0, 2.0], [1.0, 3.0, 0.5], [2.0, 0.5, 5.0], [1.0, -1.0, 1.0]], dtype=torch.float64)
v = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
w = torch.tensor([0.5, 1.0, -1.0, 2.0], dtype=torch.float64)
print("mv", torch.mv(A, v))
print("addmv", torch.addmv(w, A, v, beta=0.5, alpha=2.0))
print("addr", torch.addr(torch.zeros(4, 3, dtype=torch.float64), w, v, alpha=3))
B = torch.arange(24.0, dtype=torch.float64).reshape(2, 3, 4) / 10
C = torch.arange(16.0, dtype=torch.float64).reshape(2, 4, 2) / 7
print("addbmm", torch.addbmm(torch.ones(3, 2, dtype=torch.float64), B, C, beta=2, alpha=0.5))
print("baddbmm", torch.baddbmm(torch.ones(2, 3, 2, dtype=torch.float64), B, C, beta=0.0)[1])
print("chain_matmul", torch.chain_matmul(A.T, A, v.unsqueeze(1)).squeeze(1))
print("multi_dot", torch.linalg.multi_dot([A.T, A, v]))
print("vdot", torch.vdot(v, v), "dot", torch.dot(v, torch.ones(3, dtype=torch.float64)))
print("vecdot", torch.linalg.vecdot(A, torch.ones(4, 3, dtype=torch.float64), dim=1))
print("inner/outer", torch.inner(v, v), torch.outer(v[:2], v[1:]))

a, tau = torch.geqrf(A)
print("geqrf R diag", torch.diagonal(a).abs(), "tau", tau.abs())
Q = torch.linalg.householder_product(a, tau)
R = torch.triu(a[:3])
print("householder Q^T Q = I", torch.allclose(Q.T @ Q, torch.eye(3, dtype=torch.float64)),
      "QR = A", torch.allclose(Q @ R, A))
qr_q, qr_r = torch.linalg.qr(A)
print("qr |R|", qr_r.abs())
y = torch.tensor([[1.0], [2.0], [0.0], [1.0]], dtype=torch.float64)
qty = torch.ormqr(a, tau, y, left=True, transpose=True)
print("ormqr Q^T y", qty.squeeze(1).abs())
x_ls = torch.linalg.solve_triangular(R, qty[:3], upper=True)
print("least squares", x_ls.squeeze(1), torch.linalg.lstsq(A, y).solution.squeeze(1))

S = torch.tensor([[2.0, 1.0, 1.0], [4.0, -6.0, 0.0], [-2.0, 7.0, 2.0]], dtype=torch.float64)
LU, piv, info = torch.linalg.lu_factor_ex(S)
print("lu_factor_ex", piv, info)
P, L, U = torch.lu_unpack(LU, piv)
print("P", P)
print("L", L)
print("U", U)
print("PLU = S", torch.allclose(P @ L @ U, S))
rhs = torch.tensor([[5.0, 1.0], [-2.0, 0.0], [9.0, 1.0]], dtype=torch.float64)
print("lu_solve", torch.linalg.lu_solve(LU, piv, rhs))
sol, cloned = torch.triangular_solve(rhs, U, upper=True)
print("triangular_solve", sol, torch.equal(cloned, U))
print("lower unitriangular", torch.linalg.solve_triangular(L, rhs, upper=False, unitriangular=True))

T4 = torch.eye(6, dtype=torch.float64).reshape(6, 2, 3) * 2 + 0.1
Tinv = torch.linalg.tensorinv(T4, ind=1)
print("tensorinv", tuple(Tinv.shape), torch.allclose(torch.tensordot(T4, Tinv, dims=2), torch.eye(6, dtype=torch.float64)))
bvec = torch.arange(6.0, dtype=torch.float64)
print("tensorsolve", torch.linalg.tensorsolve(T4, bvec))
print("pinverse", torch.pinverse(A[:, :2]))
print("diagflat", torch.diagflat(torch.tensor([1.0, 2.0])), torch.diagflat(torch.tensor([[1, 2], [3, 4]]), offset=1))
print("kron", torch.kron(torch.tensor([[1, 2], [3, 4]]), torch.eye(2, dtype=torch.long)))
print("matrix_power", torch.linalg.matrix_power(S, 3), torch.linalg.matrix_power(S, -1))
print("det", f"{torch.det(S).item():.6f}", torch.logdet(S @ S.T), torch.slogdet(S))

M = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]], dtype=torch.float64, requires_grad=True)
u = torch.tensor([0.3, -0.2], dtype=torch.float64, requires_grad=True)
base = torch.tensor([1.0, 0.0, -1.0], dtype=torch.float64, requires_grad=True)
out = torch.addmv(base, M, u, alpha=2.0) + torch.addr(torch.zeros(3, 2, dtype=torch.float64), base, u).sum(1)
out = out + torch.mv(M, u) * torch.vdot(u, u)
out.pow(2).sum().backward()
print("grads M", M.grad)
print("grads u", u.grad, "base", base.grad)
G = torch.tensor([[3.0, 1.0], [1.0, 2.0]], dtype=torch.float64, requires_grad=True)
lu_sol = torch.linalg.lu_solve(*torch.linalg.lu_factor(G), torch.tensor([[1.0], [1.0]], dtype=torch.float64))
tri = torch.triangular_solve(torch.tensor([[1.0], [2.0]], dtype=torch.float64), G.triu(), upper=True).solution
(lu_sol.sum() + tri.sum() + torch.pinverse(G).sum()).backward()
print("solver grads", G.grad)
