"""Hamiltonian and Lagrangian neural networks and Hamiltonian Monte Carlo,
as the HNN paper's code (Greydanus et al.) and "HMC from scratch" posts write
them: a mass-spring system's trajectories by a leapfrog integrator, an MLP
H(q, p) whose symplectic gradient (torch.autograd.grad with create_graph, then
torch.cat([dHdp, -dHdq])) is fitted to the true time derivatives against a
baseline MLP, energy drift of rollouts with both, a Lagrangian network's
accelerations by torch.func-free Hessians (autograd.grad twice, torch.linalg
.pinv), and HMC on a banana-shaped density: leapfrog on -log p with
gradients from autograd, Metropolis accepts by torch.rand, the acceptance
rate and sample moments. Everything in float64 and seeded."""

import math

import torch
import torch.nn as nn

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)


def true_H(x):
    q, p = x[..., 0], x[..., 1]
    return 0.5 * q ** 2 + 0.5 * p ** 2


def true_dynamics(x):
    q, p = x[..., 0], x[..., 1]
    return torch.stack([p, -q], dim=-1)


def leapfrog(x, dt, steps, field):
    traj = [x]
    f = lambda s: field(s).detach()  # (a rollout needs no graph; the HNN's field builds one per call)
    for _ in range(steps):
        q, p = x[..., :1], x[..., 1:]
        p = p + 0.5 * dt * f(torch.cat([q, p], -1))[..., 1:]
        q = q + dt * f(torch.cat([q, p], -1))[..., :1]
        p = p + 0.5 * dt * f(torch.cat([q, p], -1))[..., 1:]
        x = torch.cat([q, p], -1)
        traj.append(x)
    return torch.stack(traj)


# dataset: noisy states on random energy shells
r = torch.rand(256) * 0.9 + 0.1
th = torch.rand(256) * 2 * math.pi
X = torch.stack([r * torch.cos(th), r * torch.sin(th)], 1)
dX = true_dynamics(X) + 0.05 * torch.randn(256, 2)
print("data energy mean", round(true_H(X).mean().item(), 6))


class MLP(nn.Module):
    def __init__(self, d_in, d_out, hidden=64):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d_in, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(),
                                 nn.Linear(hidden, d_out))
        for m in self.net:
            if isinstance(m, nn.Linear):
                nn.init.orthogonal_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.net(x)


class HNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.H = MLP(2, 1)

    def forward(self, x):
        with torch.enable_grad():
            x = x if x.requires_grad else x.detach().requires_grad_(True)
            H = self.H(x).sum()
            dH = torch.autograd.grad(H, x, create_graph=True)[0]
        return torch.cat([dH[:, 1:], -dH[:, :1]], 1)


hnn, base = HNN(), MLP(2, 2)
for name, model in [("baseline", base), ("hnn", hnn)]:
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
    for step in range(101):
        idx = torch.randperm(256)[:64]
        loss = (model(X[idx]) - dX[idx]).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0:
            print(f"{name} step {step:3d} | loss {loss.item():.6f}")
    test = (model(X) - true_dynamics(X)).pow(2).mean()
    print(f"{name} clean derivative error {test.item():.6f}")

x0 = torch.tensor([[1.0, 0.0]])
for name, model in [("true", true_dynamics), ("baseline", base), ("hnn", hnn)]:
    traj = leapfrog(x0, 0.1, 100, model).detach()
    e = true_H(traj[:, 0])
    print(f"{name:8s} rollout end {[round(v, 5) for v in traj[-1, 0].tolist()]} energy drift {(e[-1] - e[0]).item():.6f}")
hx = torch.linspace(-1, 1, 5)
grid = torch.stack(torch.meshgrid(hx, hx, indexing="ij"), -1).reshape(-1, 2)
Hg = hnn.H(grid).detach().squeeze(1)
print("learned H - H(0) on shell r=1 vs r=0.5",
      round((hnn.H(torch.tensor([[0.0, 1.0]])) - hnn.H(torch.zeros(1, 2))).item(), 5),
      round((hnn.H(torch.tensor([[0.0, 0.5]])) - hnn.H(torch.zeros(1, 2))).item(), 5))
print("corr(learned H, true H)", round(torch.corrcoef(torch.stack([Hg, true_H(grid)]))[0, 1].item(), 6))


# Lagrangian network: qdd = pinv(d2L/dqd2) (dL/dq - d2L/dqdqd qd)
class LNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.L = MLP(2, 1, hidden=32)

    def forward(self, state):
        out = []
        for s in state:
            s = s.detach().requires_grad_(True)
            # a kinetic prior keeps d2L/dqd2 away from zero (pinv of a near-singular 1x1 otherwise)
            L = 0.5 * s[1] ** 2 + 0.1 * self.L(s[None]).sum()
            g = torch.autograd.grad(L, s, create_graph=True)[0]
            rows = [torch.autograd.grad(g[i], s, create_graph=True)[0] for i in range(2)]
            Hs = torch.stack(rows)
            q_tt = torch.linalg.pinv(Hs[1:, 1:]) @ (g[:1] - Hs[1:, :1] @ s[1:])
            out.append(torch.cat([s[1:], q_tt]))
        return torch.stack(out)


lnn = LNN()
opt = torch.optim.Adam(lnn.parameters(), lr=3e-3)
for step in range(21):
    idx = torch.randperm(256)[:12]
    loss = (lnn(X[idx]) - true_dynamics(X[idx])).pow(2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 5 == 0:
        print(f"lnn step {step:2d} | loss {loss.item():.6f}")


# Hamiltonian Monte Carlo on a banana density
def log_p(z):
    return -0.5 * z[..., 0] ** 2 / 4.0 - 0.5 * (z[..., 1] - 0.25 * z[..., 0] ** 2) ** 2


def grad_log_p(z):
    z = z.detach().requires_grad_(True)
    return torch.autograd.grad(log_p(z).sum(), z)[0]


def hmc(z, n_samples, eps=0.25, L=10):
    samples, accepts = [], 0
    for _ in range(n_samples):
        p0 = torch.randn_like(z)
        zn, pn = z.clone(), p0.clone()
        pn = pn + 0.5 * eps * grad_log_p(zn)
        for i in range(L):
            zn = zn + eps * pn
            if i < L - 1:
                pn = pn + eps * grad_log_p(zn)
        pn = pn + 0.5 * eps * grad_log_p(zn)
        h0 = -log_p(z) + 0.5 * (p0 ** 2).sum()
        h1 = -log_p(zn) + 0.5 * (pn ** 2).sum()
        if torch.rand(()) < torch.exp(h0 - h1):
            z, accepts = zn, accepts + 1
        samples.append(z)
    return torch.stack(samples), accepts / n_samples


S, rate = hmc(torch.zeros(2), 200, L=8)
print("hmc acceptance", round(rate, 4))
print("hmc mean", [round(v, 5) for v in S[40:].mean(0).tolist()], "var", [round(v, 5) for v in S[40:].var(0).tolist()])
print("hmc E[z1 - z0^2/4]", round((S[50:, 1] - 0.25 * S[50:, 0] ** 2).mean().item(), 5))
