"""A tiny energy-based model and a planar normalizing flow on 2-D data, both using
torch.autograd.grad: denoising score matching and a gradient-norm penalty (create_graph=True), Langevin
sampling with autograd.grad on inputs, the flow's log-det by hand checked against
torch.autograd.functional.jacobian, and a Hutchinson trace estimate with a seeded Rademacher probe."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


def two_moons(n, g):
    t = torch.rand(n, generator=g) * math.pi
    up = torch.rand(n, generator=g) < 0.5
    x = torch.where(up, torch.cos(t), 1 - torch.cos(t))
    y = torch.where(up, torch.sin(t), 0.5 - torch.sin(t))
    return torch.stack([x, y], 1) + 0.05 * torch.randn(n, 2, generator=g)


g = torch.Generator().manual_seed(0)
data = two_moons(256, g)
print("data", [round(v, 4) for v in data.mean(0).tolist()], [round(v, 4) for v in data.std(0).tolist()])

energy = nn.Sequential(nn.Linear(2, 32), nn.SiLU(), nn.Linear(32, 32), nn.Softplus(beta=2.0), nn.Linear(32, 1))
opt = torch.optim.Adam(energy.parameters(), lr=5e-3, eps=1e-6)
sigma = 0.1
for step in range(60):
    x = data[torch.randint(0, 256, (64,))]
    noise = torch.randn_like(x) * sigma
    xn = (x + noise).requires_grad_(True)
    e = energy(xn).sum()
    score = -torch.autograd.grad(e, xn, create_graph=True)[0]
    dsm = 0.5 * ((score + noise / sigma ** 2) ** 2).sum(1).mean() * sigma ** 2
    gp = score.norm(2, dim=1).sub(1).clamp(min=0).pow(2).mean()
    loss = dsm + 0.01 * gp
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 15 == 0 or step == 59:
        print(f"ebm step {step} dsm {dsm.item():.5f} gp {gp.item():.5f}")

x = torch.randn(128, 2)
for i in range(20):
    x = x.detach().requires_grad_()
    (gx,) = torch.autograd.grad(energy(x).sum(), x)
    x = x - 0.01 * gx + math.sqrt(2 * 0.01) * 0.1 * torch.randn_like(x)
print("langevin mean", [round(v, 4) for v in x.detach().mean(0).tolist()], x.requires_grad, x.grad_fn is not None)
print("energy data vs noise", round(energy(data).mean().item(), 4), round(energy(torch.randn(256, 2) * 2).mean().item(), 4))


class Planar(nn.Module):
    def __init__(self):
        super().__init__()
        self.u = nn.Parameter(torch.randn(2) * 0.1)
        self.w = nn.Parameter(torch.randn(2) * 0.1)
        self.b = nn.Parameter(torch.zeros(1))

    def forward(self, z):
        wu = self.w @ self.u
        u_hat = self.u + (F.softplus(wu) - 1 - wu) * self.w / (self.w @ self.w)
        a = z @ self.w + self.b
        f = z + u_hat * torch.tanh(a).unsqueeze(-1)
        psi = (1 - torch.tanh(a) ** 2).unsqueeze(-1) * self.w
        logdet = torch.log((1 + psi @ u_hat).abs() + 1e-8)
        return f, logdet


flows = nn.ModuleList([Planar() for _ in range(4)])
z0 = torch.randn(3, 2)
z, ld = z0, torch.zeros(3)
for fl in flows:
    z, l = fl(z)
    ld = ld + l


def whole(v):
    for fl in flows:
        v, _ = fl(v)
    return v


J = torch.stack([torch.autograd.functional.jacobian(whole, z0[i:i + 1]).squeeze(0).squeeze(1) for i in range(3)])
print("logdet by hand", [round(v, 5) for v in ld.tolist()])
print("logdet jacobian", [round(v, 5) for v in torch.logdet(J).tolist()], [round(v, 5) for v in torch.linalg.slogdet(J)[1].tolist()])

base = torch.distributions.MultivariateNormal(torch.zeros(2), torch.eye(2))
fopt = torch.optim.Adam(flows.parameters(), lr=2e-2)
for step in range(80):
    z = base.sample((128,))
    logq = base.log_prob(z)
    for fl in flows:
        z, l = fl(z)
        logq = logq - l
    target_logp = -0.5 * ((z.norm(dim=1) - 2) / 0.4) ** 2
    loss = (logq - target_logp).mean()
    fopt.zero_grad()
    loss.backward()
    fopt.step()
    if step % 20 == 0 or step == 79:
        print(f"flow step {step} kl {loss.item():.4f}")

xh = data[:16].clone().requires_grad_(True)
out = energy[:3](xh)
probe = torch.randint(0, 2, out.shape, generator=torch.Generator().manual_seed(5)).float() * 2 - 1
(vjp,) = torch.autograd.grad(out, xh, grad_outputs=probe, retain_graph=True)
print("vjp norm", round(vjp.norm().item(), 5), "probe sum", probe.sum().item())
(g1,) = torch.autograd.grad(energy(xh).sum(), xh, create_graph=True)
lap = sum(torch.autograd.grad(g1[:, i].sum(), xh, retain_graph=True)[0][:, i] for i in range(2))
print("laplacian", [round(v, 5) for v in lap[:4].tolist()], lap.shape)
v = torch.randint(0, 2, (16, 2), generator=torch.Generator().manual_seed(9)).float() * 2 - 1
(hv,) = torch.autograd.grad(g1, xh, grad_outputs=v)
print("hutchinson", [round(t, 5) for t in (hv * v).sum(1)[:4].tolist()])
