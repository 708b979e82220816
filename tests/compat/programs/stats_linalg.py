"""Statistics and linear algebra as data-science notebooks use them on a small fixed dataset:
standardization with mean/std (unbiased and correction=0), std_mean / var_mean, quantile (interpolation
modes) / nanquantile / median / mode, histc and histogram, cov (correction, fweights, aweights) and
corrcoef, a closed-form ridge regression (linalg.solve, lstsq, inv, pinv, cholesky), PCA through
linalg.svd (sign-invariant prints), eigh of the covariance, matrix_rank, det / slogdet, matrix_power,
matrix_exp, linalg.norm orders, qr's R diagonal magnitudes, triangular solves; torch.trapezoid,
cumulative_trapezoid, logsumexp, softmax temperature, torch.diff, and k-means with cdist/argmin."""

import torch

torch.manual_seed(0)
t = torch.linspace(0, 1, 40, dtype=torch.float64)
X = torch.stack([torch.sin(6 * t), torch.cos(3 * t), t ** 2, torch.sin(6 * t) + 0.1 * torch.cos(17 * t)], dim=1)
y = 1.5 * X[:, 0] - 2.0 * X[:, 2] + 0.3 + 0.05 * torch.sin(40 * t)


def p(name, v):
    if isinstance(v, torch.Tensor):
        v = [round(x, 8) for x in v.flatten().tolist()][:8]
    print(name, v)


p("mean", X.mean(0))
p("std", X.std(0))
p("std correction 0", X.std(0, correction=0))
s, m = torch.std_mean(X, dim=0)
p("std_mean", torch.cat([s, m]))
v, m2 = torch.var_mean(X, dim=0, unbiased=False)
p("var_mean biased", v)
Z = (X - X.mean(0)) / X.std(0)
p("standardized std", Z.std(0))
for mode in ("linear", "lower", "higher", "midpoint", "nearest"):
    p(f"quantile {mode}", torch.quantile(X[:, 0], torch.tensor([0.1, 0.5, 0.93], dtype=torch.float64),
                                         interpolation=mode))
with_nan = X[:6, 1].clone()
with_nan[2] = float("nan")
p("nanquantile", torch.nanquantile(with_nan, 0.5))
p("median", X.median(dim=0).values)
p("mode", torch.tensor([1, 3, 3, 2, 2, 2, 5]).mode())
p("histc", torch.histc(X[:, 1], bins=5))
hist = torch.histogram(X[:, 1], bins=4)
p("histogram", hist.hist)
p("histogram edges", hist.bin_edges)
C = torch.cov(X.T)
p("cov", C)
p("cov correction 0", torch.cov(X.T, correction=0))
p("cov fweights", torch.cov(X.T[:2], fweights=torch.arange(1, 41)))
p("cov aweights", torch.cov(X.T[:2], aweights=torch.linspace(0.1, 1.0, 40, dtype=torch.float64)))
p("corrcoef", torch.corrcoef(X.T))

A = torch.cat([X, torch.ones(40, 1, dtype=torch.float64)], dim=1)
lam = 1e-3
w_solve = torch.linalg.solve(A.T @ A + lam * torch.eye(5, dtype=torch.float64), A.T @ y)
p("ridge solve", w_solve)
p("ridge inv", torch.linalg.inv(A.T @ A + lam * torch.eye(5, dtype=torch.float64)) @ A.T @ y)
p("lstsq", torch.linalg.lstsq(A, y.unsqueeze(1)).solution.squeeze(1))
p("pinv", torch.linalg.pinv(A) @ y)
L = torch.linalg.cholesky(A.T @ A + lam * torch.eye(5, dtype=torch.float64))
z = torch.linalg.solve_triangular(L, (A.T @ y).unsqueeze(1), upper=False)
p("cholesky solve", torch.linalg.solve_triangular(L.T, z, upper=True).squeeze(1))
p("cholesky_solve", torch.cholesky_solve((A.T @ y).unsqueeze(1), L).squeeze(1))
print("rank", torch.linalg.matrix_rank(X).item(), torch.linalg.matrix_rank(X[:, :3]).item())

Xc = X - X.mean(0)
U, S, Vh = torch.linalg.svd(Xc, full_matrices=False)
p("singular values", S)
p("explained variance ratio", S ** 2 / (S ** 2).sum())
p("svdvals", torch.linalg.svdvals(Xc))
proj = Xc @ Vh[:2].T
p("pc abs mean", proj.abs().mean(0))
print("reconstruction ok", torch.allclose(U @ torch.diag(S) @ Vh, Xc, atol=1e-10))
evals, evecs = torch.linalg.eigh(torch.cov(Xc.T))
p("eigh values", evals)
p("eigh vs svd", (S ** 2 / 39).flip(0))
print("eigvec orthonormal", torch.allclose(evecs.T @ evecs, torch.eye(4, dtype=torch.float64), atol=1e-10))
M = torch.tensor([[2.0, 1.0], [1.0, 3.0]], dtype=torch.float64)
p("det", torch.linalg.det(M))
p("slogdet", torch.stack(list(torch.linalg.slogdet(-M))))
p("matrix_power", torch.linalg.matrix_power(M, 3))
p("matrix_power -1", torch.linalg.matrix_power(M, -1))
p("matrix_exp", torch.linalg.matrix_exp(M / 4))
for order in ("fro", "nuc", 1, -1, 2, -2, float("inf")):
    p(f"norm {order}", torch.linalg.norm(M, ord=order))
p("vector norms", torch.stack([torch.linalg.vector_norm(X[:, 0], ord=o) for o in (0, 1, 2, 3.5, float("inf"))]))
Q, R = torch.linalg.qr(X)
p("qr |diag R|", R.diagonal().abs())
print("qr orthonormal", torch.allclose(Q.T @ Q, torch.eye(4, dtype=torch.float64), atol=1e-10))
p("eigvals real", torch.linalg.eigvalsh(M))
p("trapezoid", torch.trapezoid(y, t))
p("trapezoid dx", torch.trapezoid(y[:5], dx=0.5))
p("cumulative_trapezoid", torch.cumulative_trapezoid(y[:6], t[:6]))
p("logsumexp", torch.logsumexp(X, dim=0))
p("softmax T=0.5", torch.softmax(X[0] / 0.5, dim=0))

centers = X[[0, 13, 26]].clone()
for it in range(5):
    assign = torch.cdist(X, centers).argmin(dim=1)
    new = torch.stack([X[assign == k].mean(0) for k in range(3)])
    shift = (new - centers).norm().item()
    centers = new
    print(f"kmeans iter {it} | sizes {torch.bincount(assign, minlength=3).tolist()} | shift {shift:.8f}")
inertia = ((X - centers[assign]) ** 2).sum().item()
print(f"inertia {inertia:.8f}")
