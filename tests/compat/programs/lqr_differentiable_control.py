"""Optimal control in torch, as the differentiable-MPC and control tutorials write it: zero-order-hold
discretisation of a double integrator with torch.linalg.matrix_exp on a block matrix, the finite-horizon
LQR by the backward Riccati recursion (torch.linalg.solve), checked against a batched least-squares solve of
the whole trajectory, gradients of the closed-loop cost with respect to the cost weights through the
recursion (imitation learning of Q from expert trajectories), and iLQR on a pendulum whose dynamics are
linearised with torch.autograd.functional.jacobian, with a backtracking line search."""

import math

import torch
from torch.autograd.functional import jacobian

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)
torch.manual_seed(0)

dt = 0.1
Ac = torch.tensor([[0.0, 1.0], [0.0, 0.0]])
Bc = torch.tensor([[0.0], [1.0]])
M = torch.zeros(3, 3)
M[:2, :2], M[:2, 2:] = Ac, Bc
E = torch.linalg.matrix_exp(M * dt)
A, B = E[:2, :2], E[:2, 2:]
print("A", [[round(v, 6) for v in r] for r in A.tolist()], "B", [round(v, 6) for v in B.flatten().tolist()])


def lqr(A, B, Q, R, Qf, T):
    P = Qf
    gains = []
    for _ in range(T):
        K = torch.linalg.solve(R + B.T @ P @ B, B.T @ P @ A)
        P = Q + A.T @ P @ (A - B @ K)
        P = 0.5 * (P + P.T)
        gains.append(K)
    return gains[::-1], P


def rollout(A, B, gains, x0):
    xs, us = [x0], []
    for K in gains:
        u = -K @ xs[-1]
        us.append(u)
        xs.append(A @ xs[-1] + B @ u)
    return torch.stack(xs), torch.stack(us)


def cost(xs, us, Q, R, Qf):
    c = sum(x @ Q @ x for x in xs[:-1]) + sum(u @ R @ u for u in us)
    return c + xs[-1] @ Qf @ xs[-1]


T = 15
Q, R, Qf = torch.diag(torch.tensor([1.0, 0.1])), torch.tensor([[0.5]]), torch.eye(2) * 10
x0 = torch.tensor([1.0, 0.0])
gains, P0 = lqr(A, B, Q, R, Qf, T)
xs, us = rollout(A, B, gains, x0)
print(f"lqr cost {cost(xs, us, Q, R, Qf).item():.8f} value x0'P0x0 {(x0 @ P0 @ x0).item():.8f}")
print("first gain", [round(v, 6) for v in gains[0].flatten().tolist()], "final state",
      [round(v, 6) for v in xs[-1].tolist()])

# the same problem as one least-squares solve over u: x = Sx x0 + Su u
Sx = torch.stack([torch.linalg.matrix_power(A, t) for t in range(T + 1)])
Su = torch.zeros(T + 1, 2, T)
for t in range(1, T + 1):
    for k in range(t):
        Su[t, :, k] = (torch.linalg.matrix_power(A, t - 1 - k) @ B).squeeze(1)
Qs = torch.block_diag(*([Q] * T + [Qf]))
Sx_f, Su_f = Sx.reshape(-1, 2), Su.reshape(-1, T)
H = Su_f.T @ Qs @ Su_f + R.item() * torch.eye(T)
g = Su_f.T @ Qs @ Sx_f @ x0
u_star = -torch.linalg.solve(H, g)
print("batch solve agrees", torch.allclose(u_star, us.squeeze(1), atol=1e-8),
      f"max diff < 1e-8 {((u_star - us.squeeze(1)).abs().max() < 1e-8).item()}")
print("block_diag shape", tuple(Qs.shape), "matrix_power(A, 3)", [round(v, 4) for v in
                                                                    torch.linalg.matrix_power(A, 3).flatten().tolist()])

# learn the cost weights from an expert's trajectories (imitation through the Riccati recursion)
q_true = torch.tensor([2.0, 0.5])
starts = torch.randn(3, 2)
with torch.no_grad():
    eg, _ = lqr(A, B, torch.diag(q_true), R, Qf, T)
    expert = [rollout(A, B, eg, s)[0] for s in starts]
log_q = torch.zeros(2, requires_grad=True)
opt = torch.optim.Adam([log_q], lr=0.1)
for it in range(15):
    gl, _ = lqr(A, B, torch.diag(log_q.exp()), R, Qf, T)
    loss = sum(((rollout(A, B, gl, s)[0] - e) ** 2).sum() for s, e in zip(starts, expert)) / len(starts)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it % 5 == 0 or it == 14:
        print(f"imitation it {it:2d} | loss {loss.item():.8f} | q {[round(v, 4) for v in log_q.exp().tolist()]}")


# iLQR on a pendulum: swing from hanging to upright
def f(x, u):
    th, om = x[0], x[1]
    om_new = om + dt * (-9.81 * torch.sin(th) - 0.1 * om + u[0])
    return torch.stack([th + dt * om_new, om_new])


Tp = 15
goal = torch.tensor([math.pi, 0.0])
Qp, Rp, Qpf = torch.diag(torch.tensor([0.1, 0.01])), torch.tensor([[0.01]]), torch.diag(torch.tensor([100.0, 10.0]))


def traj_cost(xs, us):
    d = xs - goal
    return (torch.einsum("ti,ij,tj->", d[:-1], Qp, d[:-1]) + torch.einsum("ti,ij,tj->", us, Rp, us)
            + d[-1] @ Qpf @ d[-1])


def roll(x0, us):
    xs = [x0]
    for u in us:
        xs.append(f(xs[-1], u))
    return torch.stack(xs)


x0p = torch.tensor([0.0, 0.0])
us = torch.zeros(Tp, 1)
xs = roll(x0p, us)
J = traj_cost(xs, us).item()
print(f"ilqr start cost {J:.6f}")
for it in range(5):
    Vx, Vxx = Qpf @ (xs[-1] - goal) * 2, 2 * Qpf
    ks, Ks = [], []
    for t in reversed(range(Tp)):
        fx, fu = jacobian(f, (xs[t], us[t]))
        Qx = 2 * Qp @ (xs[t] - goal) + fx.T @ Vx
        Qu = 2 * Rp @ us[t] + fu.T @ Vx
        Qxx = 2 * Qp + fx.T @ Vxx @ fx
        Quu = 2 * Rp + fu.T @ Vxx @ fu + 1e-6 * torch.eye(1)
        Qux = fu.T @ Vxx @ fx
        k = -torch.linalg.solve(Quu, Qu)
        K = -torch.linalg.solve(Quu, Qux)
        Vx = Qx + K.T @ Quu @ k + K.T @ Qu + Qux.T @ k
        Vxx = Qxx + K.T @ Quu @ K + K.T @ Qux + Qux.T @ K
        Vxx = 0.5 * (Vxx + Vxx.T)
        ks.append(k)
        Ks.append(K)
    ks, Ks = ks[::-1], Ks[::-1]
    alpha, accepted = 1.0, False
    while alpha > 1e-3:
        xn, un = [x0p], []
        for t in range(Tp):
            u = us[t] + alpha * ks[t] + Ks[t] @ (xn[-1] - xs[t])
            un.append(u)
            xn.append(f(xn[-1], u))
        xn, un = torch.stack(xn), torch.stack(un)
        Jn = traj_cost(xn, un).item()
        if Jn < J:
            xs, us, J, accepted = xn, un, Jn, True
            break
        alpha *= 0.5
    print(f"ilqr it {it} | cost {J:.6f} | alpha {alpha} | final angle {xs[-1, 0].item():.5f}")
    if not accepted:
        break
print(f"max |u| {us.abs().max().item():.5f} dtype {us.dtype}")
