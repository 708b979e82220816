"""A numerical-methods script in float64: torch.linalg's solvers and
factorizations on a fixed well-conditioned system (solve batched and with
left=False, lstsq with the gelsd driver's residuals / rank / singular values,
qr in its three modes, eigh with UPLO, svd / svdvals, cholesky (upper) and
cholesky_ex's info and partial factor on a non-PD matrix (jitter added until
it factors), inv / inv_ex and solve_ex (info on a singular matrix, a pinv fallback), det / slogdet, lu_factor / lu_solve, solve_triangular,
multi_dot, pinv, matrix_rank, cond, vector_norm / matrix_norm / norm with
every ord), gradients through det, inv, solve, eigvalsh, svdvals and
cholesky checked by gradcheck; Newton's method on a 3-variable system with
torch.autograd.functional.jacobian and on a convex function with
.hessian; and LBFGS(line_search_fn='strong_wolfe') on the Rosenbrock
function from (-1.2, 1). Fixed data: the numbers agree to ~1e-10."""

import torch
from torch.autograd.functional import hessian, jacobian

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)


def fixed(*shape, phase=0.3):
    n = 1
    for s in shape:
        n *= s
    return (torch.arange(n, dtype=torch.float64).reshape(shape) ** 1.5 * 0.61 + phase).sin()


def show(name, t, digits=8):
    flat = t.flatten().tolist() if isinstance(t, torch.Tensor) else [t]
    print(name, [f"{v:.{digits}f}" for v in flat])


A = fixed(4, 4) + 4 * torch.eye(4)
b = fixed(4, 2, phase=1.0)
S = A @ A.T + torch.eye(4)  # symmetric positive definite

x = torch.linalg.solve(A, b)
show("solve", x)
print("residual small", bool(torch.linalg.norm(A @ x - b) < 1e-12))
show("solve right", torch.linalg.solve(A, fixed(2, 4, phase=0.2), left=False))
batched = torch.linalg.solve(torch.stack([A, S]), fixed(2, 4, phase=0.5))
show("batched solve", batched)

tall = fixed(6, 3, phase=0.7)
rhs = fixed(6, 1, phase=2.0)
ls = torch.linalg.lstsq(tall, rhs, driver="gelsd")
show("lstsq solution", ls.solution)
show("lstsq residuals", ls.residuals)
print("lstsq rank", ls.rank.item())
show("lstsq singular values", ls.singular_values)
show("lstsq default", torch.linalg.lstsq(tall, rhs).solution)

for mode in ("reduced", "complete", "r"):
    Q, R = torch.linalg.qr(tall, mode=mode)
    print(f"qr {mode}", tuple(Q.shape), tuple(R.shape))
Q, R = torch.linalg.qr(tall)
show("|diag R|", R.diagonal().abs())
print("QR == A", torch.allclose(Q @ R, tall))

evals, evecs = torch.linalg.eigh(S)
show("eigh values", evals)
signs = torch.sign(evecs[0:1, :])
show("eigh vectors (sign fixed) col 0", (evecs * signs)[:, 0])
print("eigh lower == upper", bool((torch.linalg.eigvalsh(torch.triu(S), UPLO="U") - torch.linalg.eigvalsh(S)).abs().max() < 1e-12))

U, Sv, Vh = torch.linalg.svd(tall, full_matrices=False)
show("svd values", Sv)
print("svd shapes", tuple(U.shape), tuple(Vh.shape), "full", tuple(torch.linalg.svd(tall)[0].shape))
show("svdvals", torch.linalg.svdvals(A))

L = torch.linalg.cholesky(S)
Uc = torch.linalg.cholesky(S, upper=True)
show("cholesky diag", L.diagonal())
print("upper is L^T", torch.allclose(Uc, L.T))
_, info = torch.linalg.cholesky_ex(S)
print("cholesky_ex info on PD", info.item())
L_bad, info = torch.linalg.cholesky_ex(A - 6 * torch.eye(4))
print("cholesky_ex info on non-PD", info.item(), "partial factor", [f"{v:.6f}" for v in L_bad[:, 0].tolist()])
jitter = 1e-6
K = torch.outer(fixed(4), fixed(4))  # rank one: add jitter until it factors, as GP code does
while True:
    Lk, info = torch.linalg.cholesky_ex(K + jitter * torch.eye(4))
    if info.item() == 0:
        break
    jitter *= 10
print("jitter needed", jitter, "batched info", torch.linalg.cholesky_ex(torch.stack([S, -S])).info.tolist())
try:
    torch.linalg.cholesky(A - 6 * torch.eye(4))
except RuntimeError as e:
    print("cholesky error:", isinstance(e, torch.linalg.LinAlgError), "positive" in str(e))

show("inv row 0", torch.linalg.inv(A)[0])
inv, info = torch.linalg.inv_ex(A)
print("inv_ex info", info.item(), torch.allclose(inv @ A, torch.eye(4)))
singular = torch.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
inv_s, info = torch.linalg.inv_ex(singular)
print("inv_ex singular info", info.item(), "finite", bool(torch.isfinite(inv_s).all()))
x_s, info = torch.linalg.solve_ex(torch.stack([A[:3, :3], singular]), torch.ones(2, 3))
print("solve_ex batch info", info.tolist(), [f"{v:.8f}" for v in x_s[0].tolist()])
fallback = torch.linalg.pinv(singular) if info[1] else inv_s  # what scripts do when info says singular
show("pinv fallback row 0", fallback[0])
M = fixed(3, 3, phase=-1.0)
print(f"det {torch.linalg.det(M).item():.10f}")
print(torch.linalg.slogdet(M))  # a notebook's print of a result: torch.return_types.linalg_slogdet(...)
print(torch.linalg.cholesky_ex(S[:2, :2]))  # (not eigh: its eigenvectors' signs are LAPACK's choice)
sign, logabs = torch.linalg.slogdet(M)
print(f"slogdet sign {sign.item():.1f} logabsdet {logabs.item():.10f}")

LU, piv = torch.linalg.lu_factor(A)
print("pivots", piv.tolist())
show("lu_solve", torch.linalg.lu_solve(LU, piv, b))
P, Ll, Uu = torch.linalg.lu(A)
print("P L U == A", torch.allclose(P @ Ll @ Uu, A))
show("solve_triangular upper", torch.linalg.solve_triangular(torch.triu(A), b, upper=True))
show("solve_triangular unitriangular left=False",
     torch.linalg.solve_triangular(torch.tril(A), fixed(2, 4), upper=False, left=False, unitriangular=True))
show("multi_dot", torch.linalg.multi_dot([fixed(2, 3), fixed(3, 4), fixed(4, 1)]))
show("pinv", torch.linalg.pinv(tall)[0])
print("matrix_rank", torch.linalg.matrix_rank(tall).item(),
      torch.linalg.matrix_rank(torch.outer(fixed(4), fixed(3))).item())
print(f"cond {torch.linalg.cond(A).item():.10f} cond fro {torch.linalg.cond(A, 'fro').item():.10f}")

v = fixed(5, phase=0.1)
for ord in (2, 1, float("inf"), -float("inf"), 0, 3):
    print(f"vector_norm ord {ord} {torch.linalg.vector_norm(v, ord=ord).item():.10f}")
for ord in ("fro", "nuc", 2, -2, 1, -1, float("inf"), -float("inf")):
    print(f"matrix_norm ord {ord} {torch.linalg.matrix_norm(M, ord=ord).item():.10f}")
print(f"norm default {torch.linalg.norm(M).item():.10f} dim=1 {torch.linalg.norm(M, dim=1).tolist()}")

# gradients through the factorizations
checks = {
    "det": lambda m: torch.linalg.det(m),
    "inv": lambda m: torch.linalg.inv(m),
    "solve": lambda m: torch.linalg.solve(m, b[:3]),
    "eigvalsh": lambda m: torch.linalg.eigvalsh(m + m.T),
    "svdvals": lambda m: torch.linalg.svdvals(m),
    "cholesky": lambda m: torch.linalg.cholesky(m @ m.T + torch.eye(3)),
    "slogdet": lambda m: torch.linalg.slogdet(m)[1],
}
Mg = M.clone().requires_grad_()
for name, fn in checks.items():
    print("gradcheck", name, torch.autograd.gradcheck(fn, (Mg,)))
torch.linalg.det(Mg).backward()
show("det grad", Mg.grad)


# Newton's method for a nonlinear system
def F(z):
    x, y, w = z
    return torch.stack([x ** 2 + y ** 2 + w ** 2 - 3.0, x * y - w - 0.5, torch.exp(x) - y - 1.2])


z = torch.tensor([1.0, 1.0, 1.0])
for it in range(8):
    J = jacobian(F, z)
    step = torch.linalg.solve(J, -F(z))
    z = z + step
    res = torch.linalg.norm(F(z)).item()
    print(f"newton {it} | z {[f'{v:.10f}' for v in z.tolist()]} | |F| {f'{res:.3e}' if res > 1e-10 else 'converged'}")


# Newton minimization with the Hessian
def f(w):
    return torch.log(torch.exp(w).sum()) + 0.5 * (w ** 2).sum() - w[0] * 0.7 + (w[1] - w[2]) ** 4


w = torch.tensor([1.0, -0.5, 0.25])
for it in range(6):
    g = torch.autograd.functional.jacobian(f, w)
    H = hessian(f, w)
    w = w - torch.linalg.solve(H, g)
    print(f"newton-min {it} | f {f(w).item():.12f} | |g| {torch.linalg.norm(g).item():.3e}")


# LBFGS with strong Wolfe on Rosenbrock
def rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


p = torch.tensor([-1.2, 1.0], requires_grad=True)
opt = torch.optim.LBFGS([p], lr=1, max_iter=100, history_size=10, tolerance_grad=1e-10,
                        tolerance_change=1e-14, line_search_fn="strong_wolfe")
evals = []


def closure():
    opt.zero_grad()
    loss = rosenbrock(p)
    loss.backward()
    evals.append(loss.item())
    return loss


for outer in range(3):
    loss = opt.step(closure)
    state = opt.state[p]
    print(f"lbfgs call {outer} | start loss {loss.item():.10f} | p {[f'{v:.8f}' for v in p.tolist()]} "
          f"| n_iter {state['n_iter']} | func_evals {state['func_evals']}")
print("evaluations", len(evals), "first", [f"{v:.8f}" for v in evals[:5]])
