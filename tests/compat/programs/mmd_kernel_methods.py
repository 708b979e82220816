"""Kernel methods in plain torch, as the two-sample-testing and kernel-approximation notebooks write them:
the unbiased MMD^2 estimator with a Gaussian kernel whose bandwidth is the median heuristic (torch.pdist,
torch.median), a permutation test (torch.randperm with a seeded generator), random Fourier features
approximating the kernel, kernel ridge regression by torch.cholesky_solve and by torch.linalg.solve, the
Nystrom approximation through torch.linalg.pinv(hermitian=True), and a generator trained by minimising a
multi-bandwidth MMD (a generative moment-matching network) with Adam."""

import math

import torch
import torch.nn as nn

torch.manual_seed(0)
torch.set_num_threads(1)
gen = torch.Generator().manual_seed(0)


def gaussian_kernel(x, y, sigma):
    return torch.exp(-torch.cdist(x, y).pow(2) / (2 * sigma ** 2))


def mmd2_unbiased(x, y, sigma):
    m, n = len(x), len(y)
    kxx, kyy, kxy = gaussian_kernel(x, x, sigma), gaussian_kernel(y, y, sigma), gaussian_kernel(x, y, sigma)
    sxx = (kxx.sum() - kxx.diagonal().sum()) / (m * (m - 1))
    syy = (kyy.sum() - kyy.diagonal().sum()) / (n * (n - 1))
    return sxx + syy - 2 * kxy.mean()


def median_heuristic(z):
    return torch.median(torch.pdist(z)).item()


x = torch.randn(40, 2, generator=gen, dtype=torch.float64)
y_same = torch.randn(40, 2, generator=gen, dtype=torch.float64)
y_shift = torch.randn(40, 2, generator=gen, dtype=torch.float64) * torch.tensor([1.0, 1.6], dtype=torch.float64) + 0.4
for name, y in [("same", y_same), ("shifted", y_shift)]:
    z = torch.cat([x, y])
    sigma = median_heuristic(z)
    stat = mmd2_unbiased(x, y, sigma)
    null = []
    for _ in range(60):
        p = torch.randperm(len(z), generator=gen)
        null.append(mmd2_unbiased(z[p[:40]], z[p[40:]], sigma))
    null = torch.stack(null)
    pval = ((null >= stat).sum() + 1).item() / (len(null) + 1)
    print(f"{name}: sigma {sigma:.5f} mmd2 {stat.item():.6f} null q95 {torch.quantile(null, 0.95).item():.6f} "
          f"p {pval:.4f}")

# random Fourier features
sigma = 1.0
D = 400
W = torch.randn(2, D, generator=gen, dtype=torch.float64) / sigma
b = torch.rand(D, generator=gen, dtype=torch.float64) * 2 * math.pi


def rff(z):
    return math.sqrt(2.0 / D) * torch.cos(z @ W + b)


K = gaussian_kernel(x[:10], x[:10], sigma)
K_rff = rff(x[:10]) @ rff(x[:10]).T
print(f"rff max abs error {(K - K_rff).abs().max().item():.5f} mean {(K - K_rff).abs().mean().item():.5f}")

# kernel ridge regression on a 1-D function, three ways
xt = torch.linspace(-3, 3, 30, dtype=torch.float64).unsqueeze(1)
yt = torch.sin(2 * xt).squeeze(1) + 0.1 * torch.randn(30, generator=gen, dtype=torch.float64)
xq = torch.tensor([[-2.5], [0.1], [1.7]], dtype=torch.float64)
lam = 1e-2
Kt = gaussian_kernel(xt, xt, 0.7)
L = torch.linalg.cholesky(Kt + lam * torch.eye(30, dtype=torch.float64))
alpha_chol = torch.cholesky_solve(yt.unsqueeze(1), L).squeeze(1)
alpha_solve = torch.linalg.solve(Kt + lam * torch.eye(30, dtype=torch.float64), yt)
pred = gaussian_kernel(xq, xt, 0.7) @ alpha_chol
print("krr agree", torch.allclose(alpha_chol, alpha_solve), "pred", [round(v, 5) for v in pred.tolist()])
print("krr truth", [round(v, 5) for v in torch.sin(2 * xq).squeeze(1).tolist()])
# Nystrom with 8 landmarks
idx = torch.arange(0, 30, 4)
Knm = gaussian_kernel(xt, xt[idx], 0.7)
Kmm = gaussian_kernel(xt[idx], xt[idx], 0.7)
K_ny = Knm @ torch.linalg.pinv(Kmm, hermitian=True) @ Knm.T
print(f"nystrom rel error {(torch.linalg.matrix_norm(Kt - K_ny) / torch.linalg.matrix_norm(Kt)).item():.6f}")
eig = torch.linalg.eigvalsh(Kt)
print("kernel eigen top3", [round(v, 4) for v in eig.flip(0)[:3].tolist()], "min >= -1e-10", bool(eig.min() > -1e-10))

# a generative moment-matching network
torch.manual_seed(1)
target = torch.cat([torch.randn(64, 2) * 0.3 + torch.tensor([1.5, 0.0]),
                    torch.randn(64, 2) * 0.3 + torch.tensor([-1.5, 0.0])])
G = nn.Sequential(nn.Linear(3, 32), nn.ELU(), nn.Linear(32, 2))
opt = torch.optim.Adam(G.parameters(), lr=1e-2)
sigmas = [0.25, 0.5, 1.0, 2.0]
for step in range(40):
    fake = G(torch.randn(96, 3))
    loss = sum(mmd2_unbiased(fake, target, s) for s in sigmas)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0 or step == 39:
        print(f"gmmn step {step:2d} | mmd {loss.item():.6f}")
with torch.no_grad():
    s = G(torch.randn(500, 3))
    print(f"sample left share {(s[:, 0] < 0).float().mean().item():.3f} x-abs mean {s[:, 0].abs().mean().item():.4f}")
