"""Sparse coding by ISTA and FISTA and its learned unrolling LISTA (Gregor & LeCun), as the
compressed-sensing notebooks write it: a column-normalised dictionary, the Lipschitz constant from
torch.linalg.matrix_norm(ord=2), soft thresholding by F.softshrink and by sign * relu, FISTA momentum,
LISTA layers with learned thresholds trained against the true codes, NMSE in dB per depth, support
recovery and a least-squares debias on the found support."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
gen = torch.Generator().manual_seed(0)

M, N, K = 12, 24, 3  # measurements, atoms, nonzeros
D = F.normalize(torch.randn(M, N, generator=gen), dim=0)


def sample(batch):
    z = torch.zeros(batch, N)
    idx = torch.stack([torch.randperm(N, generator=gen)[:K] for _ in range(batch)])
    z.scatter_(1, idx, torch.randn(batch, K, generator=gen).sign() * (0.5 + torch.rand(batch, K, generator=gen)))
    y = z @ D.T + 0.01 * torch.randn(batch, M, generator=gen)
    return y, z


def nmse_db(z_hat, z):
    return 10 * math.log10(((z_hat - z) ** 2).sum().item() / (z ** 2).sum().item())


L = torch.linalg.matrix_norm(D, ord=2) ** 2
lam = 0.05
print("lipschitz", round(L.item(), 5), "coherence", round((D.T @ D - torch.eye(N)).abs().max().item(), 5))


def ista(y, n_iter):
    z = torch.zeros(y.shape[0], N)
    for _ in range(n_iter):
        z = F.softshrink(z + (y - z @ D.T) @ D / L, lam / L.item())
    return z


def fista(y, n_iter):
    z = torch.zeros(y.shape[0], N)
    v, t = z.clone(), 1.0
    for _ in range(n_iter):
        z_new = F.softshrink(v + (y - v @ D.T) @ D / L, lam / L.item())
        t_new = (1 + math.sqrt(1 + 4 * t * t)) / 2
        v = z_new + ((t - 1) / t_new) * (z_new - z)
        z, t = z_new, t_new
    return z


def objective(y, z):
    return (0.5 * ((y - z @ D.T) ** 2).sum(1) + lam * z.abs().sum(1)).mean().item()


y_test, z_test = sample(64)
for n_iter in (4, 16, 64):
    zi, zf = ista(y_test, n_iter), fista(y_test, n_iter)
    print(f"iters {n_iter:2d} | ista obj {objective(y_test, zi):.5f} nmse {nmse_db(zi, z_test):.3f} dB | "
          f"fista obj {objective(y_test, zf):.5f} nmse {nmse_db(zf, z_test):.3f} dB")


class LISTA(nn.Module):
    def __init__(self, n_layers):
        super().__init__()
        self.We = nn.Parameter((D.T / L).clone())
        self.S = nn.Parameter(torch.eye(N) - D.T @ D / L)
        self.theta = nn.Parameter(torch.full((n_layers,), lam / L.item()))
        self.n_layers = n_layers

    def forward(self, y):
        b = y @ self.We.T
        z = torch.sign(b) * F.relu(b.abs() - self.theta[0])
        outs = [z]
        for k in range(1, self.n_layers):
            c = b + z @ self.S.T
            z = torch.sign(c) * F.relu(c.abs() - self.theta[k])
            outs.append(z)
        return outs


model = LISTA(4)
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
for step in range(150):
    y, z = sample(32)
    outs = model(y)
    loss = sum(F.mse_loss(o, z, reduction="sum") / 32 for o in outs[-2:])
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 50 == 49:
        print(f"lista step {step + 1} | loss {loss.item():.5f} | theta {[round(t, 4) for t in model.theta.tolist()]}")

with torch.no_grad():
    outs = model(y_test)
    print("lista nmse per layer", [round(nmse_db(o, z_test), 3) for o in outs])
    print("ista 4 iters nmse", round(nmse_db(ista(y_test, 4), z_test), 3))
    z_hat = outs[-1]
    found = z_hat.abs() > 1e-2
    true = z_test != 0
    print("support precision", round(((found & true).sum() / found.sum()).item(), 4),
          "recall", round(((found & true).sum() / true.sum()).item(), 4))
    supp = torch.topk(z_hat[0].abs(), K).indices.sort().values
    sol = torch.linalg.lstsq(D[:, supp], y_test[0].unsqueeze(1)).solution.squeeze(1)
    print("debiased support", supp.tolist(), "values", [round(v, 4) for v in sol.tolist()],
          "true", [round(v, 4) for v in z_test[0, supp].tolist()])
