"""Scientific-ML notebooks' operator and mechanics networks in float64: a DeepONet (branch net on sensor
values of random input functions, trunk net on query points, combined by torch.einsum('bp,np->bn')
plus a bias) learning the antiderivative operator, with inputs drawn from a Gaussian process by a
Cholesky factor (torch.linalg.cholesky of an RBF Gram matrix plus jitter) and targets by
torch.cumulative_trapezoid; then a Lagrangian neural network (Cranmer et al.) for a spring-pendulum:
accelerations from the Euler-Lagrange equation with torch.autograd.functional.hessian and jacobian
(create_graph=True), torch.linalg.pinv of the velocity Hessian, batched with torch.func.vmap over
jacrev/hessian of a scalar Lagrangian, trained on analytic accelerations; energy drift under an RK4
rollout and the torch.func results agreeing with torch.autograd.functional ones."""

import math

import torch
import torch.nn as nn
from torch.autograd.functional import hessian, jacobian
from torch.func import hessian as fhessian
from torch.func import jacrev, vmap

torch.set_num_threads(1)
torch.manual_seed(0)
torch.set_default_dtype(torch.float64)

# ---------------------------------------------------------------- DeepONet
M = 24
xs = torch.linspace(0, 1, M)
K = torch.exp(-0.5 * (xs[:, None] - xs[None, :]) ** 2 / 0.2 ** 2)
L = torch.linalg.cholesky(K + 1e-8 * torch.eye(M))
print("cholesky", tuple(L.shape), f"reconstruction {(L @ L.T - K).abs().max().item():.2e} < 1e-6",
      bool((L @ L.T - K).abs().max() < 1e-6))


def sample_functions(n, g):
    return (L @ torch.randn(M, n, generator=g)).T


g = torch.Generator().manual_seed(1)
u_train = sample_functions(200, g)
s_train = torch.cumulative_trapezoid(u_train, xs, dim=1)
s_train = torch.cat([torch.zeros(200, 1), s_train], dim=1)
u_test = sample_functions(50, g)
s_test = torch.cat([torch.zeros(50, 1), torch.cumulative_trapezoid(u_test, xs, dim=1)], dim=1)
print("targets", tuple(s_train.shape), f"check trapz {torch.trapezoid(u_train[0], xs).item():.6f} "
      f"vs last {s_train[0, -1].item():.6f}")


class DeepONet(nn.Module):
    def __init__(self, m, p=32):
        super().__init__()
        self.branch = nn.Sequential(nn.Linear(m, 64), nn.Tanh(), nn.Linear(64, p))
        self.trunk = nn.Sequential(nn.Linear(1, 64), nn.Tanh(), nn.Linear(64, p), nn.Tanh())
        self.b0 = nn.Parameter(torch.zeros(1))

    def forward(self, u, y):
        return torch.einsum("bp,np->bn", self.branch(u), self.trunk(y)) + self.b0


net = DeepONet(M)
opt = torch.optim.Adam(net.parameters(), lr=2e-3)
y_q = xs[:, None]
for it in range(301):
    pred = net(u_train, y_q)
    loss = ((pred - s_train) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it % 100 == 0:
        with torch.no_grad():
            rel = torch.linalg.norm(net(u_test, y_q) - s_test) / torch.linalg.norm(s_test)
        print(f"deeponet it {it} loss {loss.item():.6e} test rel l2 {rel.item():.6f}")
with torch.no_grad():
    u_lin = xs.clone()[None]  # u(x) = x -> s(x) = x^2 / 2
    s_lin = net(u_lin, torch.tensor([[0.5], [1.0]]))
print(f"G[x](0.5) {s_lin[0, 0].item():.5f} (exact 0.125)  G[x](1) {s_lin[0, 1].item():.5f} (exact 0.5)")

# ---------------------------------------------------------------- Lagrangian NN for a spring pendulum
k_spring, mass, g_acc = 10.0, 1.0, 9.8


def analytic_lagrangian(q, qd):
    r, th = q[..., 0], q[..., 1]
    rd, thd = qd[..., 0], qd[..., 1]
    T = 0.5 * mass * (rd ** 2 + (1 + r) ** 2 * thd ** 2)
    V = 0.5 * k_spring * r ** 2 - mass * g_acc * (1 + r) * torch.cos(th)
    return T - V


def accel_from_lagrangian(lag, q, qd, create_graph=False):
    n = q.shape[0]
    x = torch.cat([q, qd])
    H = hessian(lambda z: lag(z[:n], z[n:]), x, create_graph=create_graph)
    J = jacobian(lambda z: lag(z[:n], z[n:]), x, create_graph=create_graph)
    return torch.linalg.pinv(H[n:, n:]) @ (J[:n] - H[n:, :n] @ qd)


q0, qd0 = torch.tensor([0.2, 0.5]), torch.tensor([0.0, 0.3])
a = accel_from_lagrangian(analytic_lagrangian, q0, qd0)
r, th, rd, thd = 0.2, 0.5, 0.0, 0.3
exact = torch.tensor([(1 + r) * thd ** 2 - k_spring / mass * r + g_acc * math.cos(th),
                      -(g_acc * math.sin(th) + 2 * rd * thd) / (1 + r)])
print("euler-lagrange accel", [round(v, 8) for v in a.tolist()], "exact", [round(v, 8) for v in exact.tolist()])


def f_lag_scalar(x):
    return analytic_lagrangian(x[:2], x[2:])


def accel_func(lag_fn, x):
    Hm = fhessian(lag_fn)(x)
    J = jacrev(lag_fn)(x)
    return torch.linalg.pinv(Hm[2:, 2:]) @ (J[:2] - Hm[2:, :2] @ x[2:])


batch = torch.cat([torch.rand(64, 1) * 0.4 - 0.2, torch.rand(64, 1) * 2 - 1, torch.randn(64, 2) * 0.5], dim=1)
acc_batch = vmap(lambda x: accel_func(f_lag_scalar, x))(batch)
loop = torch.stack([accel_from_lagrangian(analytic_lagrangian, x[:2], x[2:]) for x in batch[:4]])
print("vmap accel", tuple(acc_batch.shape), "agrees with loop:", torch.allclose(acc_batch[:4], loop, atol=1e-10))


class LNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 48), nn.Softplus(), nn.Linear(48, 48), nn.Softplus(), nn.Linear(48, 1))

    def forward(self, x):
        return self.net(x).squeeze(-1)


torch.manual_seed(2)
lnn = LNN()
opt = torch.optim.Adam(lnn.parameters(), lr=3e-3)
train_x = batch[:48]
train_a = acc_batch[:48]
for it in range(24):
    pred = torch.stack([accel_from_lagrangian(lambda q, qd: lnn(torch.cat([q, qd])), x[:2], x[2:], create_graph=True)
                        for x in train_x[:8]])
    loss = ((pred - train_a[:8]) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(lnn.parameters(), 10.0)
    opt.step()
    if it % 6 == 0 or it == 23:
        print(f"lnn it {it} loss {loss.item():.6f}")


def rk4(f, x, dt):
    k1 = f(x)
    k2 = f(x + dt / 2 * k1)
    k3 = f(x + dt / 2 * k2)
    k4 = f(x + dt * k3)
    return x + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def energy(x):
    q, qd = x[:2], x[2:]
    r, th = q[0], q[1]
    return 0.5 * mass * (qd[0] ** 2 + (1 + r) ** 2 * qd[1] ** 2) + 0.5 * k_spring * r ** 2 - mass * g_acc * (1 + r) * torch.cos(th)


state = torch.cat([q0, qd0])
e0 = energy(state).item()
f_true = lambda x: torch.cat([x[2:], accel_from_lagrangian(analytic_lagrangian, x[:2], x[2:])])
for _ in range(50):
    state = rk4(f_true, state, 0.01)
print(f"true dynamics after 0.5s {[round(v, 6) for v in state.tolist()]} energy drift {abs(energy(state).item() - e0):.3e} < 1e-6",
      abs(energy(state).item() - e0) < 1e-6)
print("default dtype", torch.get_default_dtype(), "param dtype", next(lnn.parameters()).dtype)
