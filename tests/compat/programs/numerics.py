"""Numerical methods with autograd, as in scientific-computing notebooks:
Newton's method for a root and for a 2-D system (torch.autograd.functional.jacobian),
minimising the Rosenbrock function with Newton steps from the Hessian
(torch.autograd.functional.hessian, torch.linalg.norm), hvp/vjp/jvp, an RK4
integrator for a damped oscillator whose damping is fitted by gradient
descent through the unrolled solver, and LBFGS with strong Wolfe line search
on a least-squares fit. All in float64 with fixed data: the numbers agree."""

import math

import torch
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vjp

torch.set_default_dtype(torch.float64)


def f(x):
    return x ** 3 - 2 * x - 5


x = torch.tensor(2.0, requires_grad=True)
for i in range(6):
    y = f(x)
    (dy,) = torch.autograd.grad(y, x)
    with torch.no_grad():
        x -= y / dy
    print(f"newton 1d iter {i}: x = {x.item():.15f} f(x) = {f(x).item():.3e}")


def system(v):
    x, y = v[0], v[1]
    return torch.stack([x ** 2 + y ** 2 - 4, torch.exp(x) + y - 1])


v = torch.tensor([1.0, -1.0])
for i in range(8):
    J = jacobian(system, v)
    F = system(v)
    a, b, c, d = J[0, 0], J[0, 1], J[1, 0], J[1, 1]
    det = a * d - b * c
    step = torch.stack([(-d * F[0] + b * F[1]) / det, (c * F[0] - a * F[1]) / det])
    v = v + step
    if torch.linalg.norm(step) < 1e-12:
        break
print(f"newton 2d: iters {i + 1} root {[f'{t:.12f}' for t in v.tolist()]} residual {torch.linalg.norm(system(v)).item():.2e}")
print("jacobian at root", [[round(e, 10) for e in row] for row in jacobian(system, v).tolist()])


def rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


p = torch.tensor([-1.2, 1.0])
for i in range(30):
    g = jacobian(rosenbrock, p)
    H = hessian(rosenbrock, p)
    a, b, c, d = H[0, 0], H[0, 1], H[1, 0], H[1, 1]
    det = a * d - b * c
    step = -torch.stack([(d * g[0] - b * g[1]) / det, (-c * g[0] + a * g[1]) / det])
    t = 1.0
    while rosenbrock(p + t * step) > rosenbrock(p) + 1e-4 * t * torch.dot(g, step):
        t *= 0.5
    p = p + t * step
    if i % 5 == 0 or torch.linalg.norm(g) < 1e-10:
        print(f"rosenbrock iter {i:2d} f {rosenbrock(p).item():.6e} |g| {torch.linalg.norm(g).item():.4e} step {t}")
    if torch.linalg.norm(g) < 1e-10:
        break
print("hessian at start", hessian(rosenbrock, torch.tensor([-1.2, 1.0])).tolist())
w = torch.tensor([1.0, -0.5])
_, hv = hvp(rosenbrock, torch.tensor([0.3, 0.7]), w)
_, jv = jvp(system, torch.tensor([0.3, 0.7]), w)
_, vj = vjp(system, torch.tensor([0.3, 0.7]), w)
print(f"hvp {hv.tolist()} jvp {[round(e, 12) for e in jv.tolist()]} vjp {[round(e, 12) for e in vj.tolist()]}")
M = torch.arange(1.0, 7.0).view(2, 3)
print(f"norms fro {torch.linalg.norm(M):.10f} inf {torch.linalg.vector_norm(M, ord=float('inf')):.1f} "
      f"l1 {torch.linalg.vector_norm(M, ord=1):.1f} rows {torch.linalg.norm(M, dim=1).tolist()}")


def rk4(fun, y0, t0, t1, n, theta):
    h = (t1 - t0) / n
    y = y0
    ys = [y0]
    for k in range(n):
        t = t0 + k * h
        k1 = fun(t, y, theta)
        k2 = fun(t + h / 2, y + h / 2 * k1, theta)
        k3 = fun(t + h / 2, y + h / 2 * k2, theta)
        k4 = fun(t + h, y + h * k3, theta)
        y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        ys.append(y)
    return torch.stack(ys)


def oscillator(t, y, theta):
    omega, zeta = 2.0, theta
    return torch.stack([y[1], -2 * zeta * omega * y[1] - omega ** 2 * y[0]])


y0 = torch.tensor([1.0, 0.0])
true_zeta = torch.tensor(0.15)
with torch.no_grad():
    observed = rk4(oscillator, y0, 0.0, 5.0, 50, true_zeta)[:, 0]
zeta = torch.tensor(0.5, requires_grad=True)
opt = torch.optim.Adam([zeta], lr=0.05)
for it in range(40):
    opt.zero_grad()
    traj = rk4(oscillator, y0, 0.0, 5.0, 50, zeta)[:, 0]
    loss = torch.mean((traj - observed) ** 2)
    loss.backward()
    opt.step()
    if it % 10 == 0 or it == 39:
        print(f"ode fit iter {it:2d} loss {loss.item():.8e} zeta {zeta.item():.8f} grad {zeta.grad.item():.6e}")
exact = math.exp(-0.15 * 2.0 * 5.0) * math.cos(2.0 * math.sqrt(1 - 0.15 ** 2) * 5.0)
print(f"rk4 vs closed form at t=5 (underdamped, approx) {observed[-1].item():.8f} {exact:.8f}")

xs = torch.linspace(0, 1, 30)
ys = 0.5 * torch.exp(1.3 * xs) + 0.1 * torch.sin(7 * xs)
params = torch.tensor([1.0, 0.0], requires_grad=True)
lbfgs = torch.optim.LBFGS([params], lr=1, max_iter=50, line_search_fn="strong_wolfe")


def closure():
    lbfgs.zero_grad()
    loss = ((params[0] * torch.exp(params[1] * xs) - ys) ** 2).mean()
    loss.backward()
    return loss


final = lbfgs.step(closure)
print(f"lbfgs start loss {final.item():.8f} fitted a {params[0].item():.8f} b {params[1].item():.8f} "
      f"loss {closure().item():.10e} evals {lbfgs.state[params]['func_evals']}")
