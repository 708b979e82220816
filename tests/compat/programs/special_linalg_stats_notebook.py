"""A statistics-with-tensors notebook: torch.special (erfcx, log_ndtr, ndtri, i0e/i1e, xlog1py, entr,
zeta, multigammaln, polygamma, digamma, sinc, logit with eps, softmax/log_softmax with dtype,
logsumexp) used for a probit model's log-likelihood and a Student-t density by hand, then linalg
with its options - svd full_matrices, eigh UPLO, lstsq with a 3-D batch, solve left=False, cholesky
upper, cholesky_ex info, qr modes, lu_factor/lu_solve adjoint, solve_triangular upper/left/
unitriangular, matrix_norm orders, cond, matrix_rank with atol/rtol/hermitian, pinv hermitian,
slogdet of a negative determinant, matrix_power negative, householder_product, vander, multi_dot
- ending in ridge regression three ways (normal equations, lstsq, SVD) that must agree."""

import math

import torch

torch.set_num_threads(1)
torch.manual_seed(0)
torch.set_printoptions(precision=6)

x = torch.linspace(-4, 4, 9, dtype=torch.float64)
print("erfcx", torch.special.erfcx(x))
print("log_ndtr", torch.special.log_ndtr(x))
print("ndtri", torch.special.ndtri(torch.tensor([0.001, 0.1, 0.5, 0.975], dtype=torch.float64)))
print("i0e i1e", torch.special.i0e(x[:4]), torch.special.i1e(x[:4]))
print("xlog1py", torch.special.xlog1py(torch.tensor([0.0, 1.0, 2.0]), torch.tensor([-1.0, 0.5, 3.0])))
print("entr", torch.special.entr(torch.tensor([0.0, 0.25, 1.0, -1.0])))
print("zeta", torch.special.zeta(torch.tensor([2.0, 3.0, 4.0]), torch.tensor([1.0, 2.0, 0.5])))
print("multigammaln", torch.special.multigammaln(torch.tensor([2.5, 4.0], dtype=torch.float64), 3))
print("polygamma", torch.special.polygamma(1, torch.tensor([0.5, 1.0, 3.0])), torch.polygamma(2, torch.tensor([1.5])))
print("digamma", torch.special.digamma(torch.tensor([0.5, 1.0, 10.0])))
print("sinc", torch.special.sinc(torch.tensor([0.0, 0.5, 1.0, 2.5])))
print("logit eps", torch.special.logit(torch.tensor([0.0, 0.3, 1.0]), eps=1e-4))
print("softmax dtype", torch.special.softmax(torch.tensor([1.0, 2.0, 3.0]), 0, dtype=torch.float64))
print("log_softmax", torch.special.log_softmax(torch.tensor([[1.0, 2.0], [0.0, 0.0]]), dim=1))
print("logsumexp", torch.special.logsumexp(torch.tensor([[1000.0, 1000.0], [-1000.0, 0.0]]), dim=1))
print("gammaln gammainc", torch.special.gammaln(torch.tensor([0.5, 5.0])), torch.special.gammainc(torch.tensor([2.0]), torch.tensor([1.5])),
      torch.special.gammaincc(torch.tensor([2.0]), torch.tensor([1.5])))
print("expit exp2 expm1", torch.special.expit(torch.tensor([0.0, 2.0])), torch.special.exp2(torch.tensor([3.0])),
      torch.special.expm1(torch.tensor([1e-8])))

# probit log-likelihood with log_ndtr, and its gradient
torch.manual_seed(1)
X = torch.randn(50, 3, dtype=torch.float64)
true_w = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
y = (X @ true_w + 0.3 * torch.randn(50, dtype=torch.float64) > 0).double()
w = torch.zeros(3, dtype=torch.float64, requires_grad=True)
opt = torch.optim.LBFGS([w], lr=1, max_iter=30, line_search_fn="strong_wolfe")


def closure():
    opt.zero_grad()
    z = X @ w
    nll = -(y * torch.special.log_ndtr(z) + (1 - y) * torch.special.log_ndtr(-z)).sum()
    nll.backward()
    return nll


loss = opt.step(closure)
print("probit fit", w.detach(), "nll", f"{closure().item():.8f}")
nu = 3.0
t = torch.tensor([-2.0, 0.0, 1.5], dtype=torch.float64)
logpdf = (torch.special.gammaln(torch.tensor((nu + 1) / 2)) - torch.special.gammaln(torch.tensor(nu / 2))
          - 0.5 * math.log(nu * math.pi) - (nu + 1) / 2 * torch.log1p(t ** 2 / nu))
print("student-t by hand", logpdf, torch.distributions.StudentT(nu).log_prob(t))

A = torch.tensor([[4.0, 1.0, 2.0], [1.0, 3.0, 0.5], [2.0, 0.5, 5.0]], dtype=torch.float64)
B = torch.tensor([[1.0, 2.0], [0.0, 1.0], [3.0, -1.0]], dtype=torch.float64)
U, S, Vh = torch.linalg.svd(B, full_matrices=True)
print("svd full", tuple(U.shape), S, tuple(Vh.shape), torch.allclose(U[:, :2] * S @ Vh, B))
print("svd reduced", [tuple(t.shape) for t in torch.linalg.svd(B, full_matrices=False)])
L, Q = torch.linalg.eigh(A, UPLO="U")
print("eigh U", L, torch.allclose(Q @ torch.diag(L) @ Q.T, A))
batchA = torch.randn(2, 5, 3, dtype=torch.float64)
batchB = torch.randn(2, 5, 1, dtype=torch.float64)
sol = torch.linalg.lstsq(batchA, batchB)
print("lstsq batch", tuple(sol.solution.shape), sol.solution.flatten())
print("solve left=False", torch.linalg.solve(A, B.T, left=False))
print("cholesky upper", torch.linalg.cholesky(A, upper=True))
print("cholesky_ex info", torch.linalg.cholesky_ex(torch.tensor([[1.0, 2.0], [2.0, 1.0]])).info,
      torch.linalg.cholesky_ex(A).info)
for mode in ["reduced", "complete", "r"]:
    q, r = torch.linalg.qr(B, mode=mode)
    print("qr", mode, tuple(q.shape), tuple(r.shape), r.abs().sum().item())
LU, piv = torch.linalg.lu_factor(A)
print("lu_factor", piv, torch.linalg.lu_solve(LU, piv, B, adjoint=True))
T_ = torch.tensor([[2.0, 1.0, 0.5], [0.0, 4.0, 1.0], [0.0, 0.0, 3.0]], dtype=torch.float64)
print("solve_triangular", torch.linalg.solve_triangular(T_, B, upper=True),
      torch.linalg.solve_triangular(T_, B.T, upper=True, left=False, unitriangular=True))
for ord_ in ["fro", "nuc", 1, -1, 2, -2, float("inf")]:
    print("matrix_norm", ord_, f"{torch.linalg.matrix_norm(A, ord=ord_).item():.8f}", f"cond {torch.linalg.cond(A, p=ord_).item():.8f}")
near = torch.tensor([[1.0, 2.0], [2.0, 4.0001]], dtype=torch.float64)
print("matrix_rank", torch.linalg.matrix_rank(near), torch.linalg.matrix_rank(near, atol=0.01, rtol=0.0),
      torch.linalg.matrix_rank(near, hermitian=True, rtol=1e-3))
print("pinv hermitian", torch.linalg.pinv(A, hermitian=True).round(decimals=10) + 0.0)
print("slogdet negative", torch.linalg.slogdet(torch.tensor([[0.0, 2.0], [3.0, 1.0]])), torch.det(torch.tensor([[0.0, 2.0], [3.0, 1.0]])))
print("matrix_power -2", torch.linalg.matrix_power(A, -2))
print("householder", torch.linalg.householder_product(torch.tensor([[1.0, 0.0], [0.5, 1.0], [0.2, 0.3]]), torch.tensor([1.2, 0.4])))
print("vander", torch.linalg.vander(torch.tensor([1.0, 2.0, 3.0]), N=4))
print("multi_dot", torch.linalg.multi_dot([B.T, A, B]))

# ridge regression three ways
torch.manual_seed(2)
Xr = torch.randn(40, 4, dtype=torch.float64)
yr = Xr @ torch.tensor([1.0, 0.0, -1.0, 2.0], dtype=torch.float64) + 0.1 * torch.randn(40, dtype=torch.float64)
lam = 0.5
w_ne = torch.linalg.solve(Xr.T @ Xr + lam * torch.eye(4, dtype=torch.float64), Xr.T @ yr)
aug_X = torch.cat([Xr, math.sqrt(lam) * torch.eye(4, dtype=torch.float64)])
aug_y = torch.cat([yr, torch.zeros(4, dtype=torch.float64)])
w_ls = torch.linalg.lstsq(aug_X, aug_y.unsqueeze(1)).solution.squeeze(1)
Ur, Sr, Vhr = torch.linalg.svd(Xr, full_matrices=False)
w_svd = Vhr.T @ ((Sr / (Sr ** 2 + lam)) * (Ur.T @ yr))
print("ridge", w_ne, torch.allclose(w_ne, w_ls), torch.allclose(w_ne, w_svd))
