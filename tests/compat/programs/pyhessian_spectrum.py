"""Hessian spectrum of a small network's loss, as PyHessian-style scripts compute it: Hessian-vector
products by double backprop (autograd.grad with create_graph=True over the parameter list), the top
eigenvalue by power iteration with Rayleigh quotients, the trace by Hutchinson's estimator with Rademacher
probes, a Lanczos tridiagonalisation whose eigh gives Ritz values, all checked against the full Hessian
from torch.func.hessian over a flat parameter vector (functional_call on an unflattened dict)."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, hessian

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(0)

x = torch.randn(40, 3, generator=gen)
y = (x[:, 0] * x[:, 1] > 0).long()
model = nn.Sequential(nn.Linear(3, 6), nn.Tanh(), nn.Linear(6, 2))
opt = torch.optim.SGD(model.parameters(), lr=0.5)
for _ in range(30):
    opt.zero_grad()
    F.cross_entropy(model(x), y).backward()
    opt.step()
params = [p for p in model.parameters() if p.requires_grad]
n_params = sum(p.numel() for p in params)
print("params", n_params, "loss", round(F.cross_entropy(model(x), y).item(), 6))


def hvp(vs):
    loss = F.cross_entropy(model(x), y)
    grads = torch.autograd.grad(loss, params, create_graph=True)
    dot = sum((g * v).sum() for g, v in zip(grads, vs))
    return torch.autograd.grad(dot, params)


def normalize(vs):
    norm = torch.sqrt(sum((v * v).sum() for v in vs))
    return [v / norm for v in vs]


def inner(a, b):
    return sum((u * w).sum() for u, w in zip(a, b))


v = normalize([torch.randn(p.shape, generator=gen) for p in params])
eig = None
for it in range(100):
    hv = hvp(v)
    new_eig = inner(hv, v).item()
    v = normalize(hv)
    if eig is not None and abs(new_eig - eig) / (abs(eig) + 1e-6) < 1e-8:
        break
    eig = new_eig
print(f"power iteration top eigenvalue {new_eig:.6f} after {it + 1} iterations")

estimates = []
for k in range(200):
    z = [torch.randint(0, 2, p.shape, generator=gen).double() * 2 - 1 for p in params]
    estimates.append(inner(hvp(z), z).item())
trace = torch.tensor(estimates)
print(f"hutchinson trace {trace.mean().item():.5f} +- {trace.std().item() / 200 ** 0.5:.5f}")

m = 12
vs = [normalize([torch.randn(p.shape, generator=gen) for p in params])]
alphas, betas = [], []
w_prev = None
for j in range(m):
    w = hvp(vs[j])
    alpha = inner(w, vs[j])
    w = [a - alpha * b for a, b in zip(w, vs[j])]
    if j > 0:
        w = [a - betas[-1] * b for a, b in zip(w, vs[j - 1])]
    for q in vs:  # full re-orthogonalisation
        c = inner(w, q)
        w = [a - c * b for a, b in zip(w, q)]
    alphas.append(alpha)
    beta = torch.sqrt(inner(w, w))
    if j < m - 1:
        betas.append(beta)
        vs.append([a / beta for a in w])
T = torch.diag(torch.stack(alphas)) + torch.diag(torch.stack(betas), 1) + torch.diag(torch.stack(betas), -1)
ritz = torch.linalg.eigvalsh(T)
print("lanczos top ritz values", [round(r, 5) for r in ritz.flip(0)[:3].tolist()])

names = [n for n, p in model.named_parameters()]
shapes = [p.shape for p in params]
flat = torch.cat([p.detach().reshape(-1) for p in params])


def loss_of_flat(theta):
    chunks = torch.split(theta, [s.numel() for s in shapes])
    return F.cross_entropy(functional_call(model, {n: c.view(s) for n, c, s in zip(names, chunks, shapes)}, (x,)), y)


H = hessian(loss_of_flat)(flat)
evals = torch.linalg.eigvalsh(H)
print("hessian", tuple(H.shape), "symmetric", torch.allclose(H, H.T, atol=1e-10))
print(f"exact top {evals[-1].item():.6f} | exact trace {H.trace().item():.5f} | min {evals[0].item():.6f}")
print("negative eigenvalues", int((evals < -1e-8).sum()), "near zero", int((evals.abs() < 1e-8).sum()))
unit = torch.zeros(n_params)
unit[5] = 1.0
col = torch.cat([h.reshape(-1) for h in hvp([c.view(s) for c, s in zip(torch.split(unit, [s.numel() for s in shapes]), shapes)])])
print("hvp column matches", torch.allclose(col, H[:, 5], atol=1e-10))
