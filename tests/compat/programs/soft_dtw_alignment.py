"""Soft-DTW (Cuturi & Blondel) as a differentiable loss for time series, written the way the pure-PyTorch
reference implementations do it: a pairwise squared-distance matrix, the soft-min recursion over
anti-diagonals with a gamma-smoothed logsumexp on a padded (N+2)x(M+2) cost table filled with inf, the
gradient via autograd (checked with gradcheck in float64) and the expected alignment matrix
E = dSoftDTW/dD, hard DTW as gamma -> 0, the soft-DTW divergence, and barycenter averaging by Adam."""

import math

import torch

torch.manual_seed(0)
torch.set_num_threads(1)


def pairwise_sq(x, y):
    return (x.unsqueeze(-2) - y.unsqueeze(-3)).pow(2).sum(-1)


def soft_dtw_from_D(D, gamma):
    B, N, M = D.shape
    R = [[None] * (M + 1) for _ in range(N + 1)]
    inf = torch.full((B,), math.inf, dtype=D.dtype)
    for i in range(N + 1):
        for j in range(M + 1):
            R[i][j] = inf
    R[0][0] = torch.zeros(B, dtype=D.dtype)
    for i in range(1, N + 1):
        for j in range(1, M + 1):
            prev = torch.stack([R[i - 1][j - 1], R[i - 1][j], R[i][j - 1]], dim=-1)
            softmin = -gamma * torch.logsumexp(-prev / gamma, dim=-1)
            R[i][j] = D[:, i - 1, j - 1] + softmin
    return R[N][M]


def soft_dtw(x, y, gamma=1.0):
    return soft_dtw_from_D(pairwise_sq(x, y), gamma)


def divergence(x, y, gamma=1.0):
    return soft_dtw(x, y, gamma) - 0.5 * (soft_dtw(x, x, gamma) + soft_dtw(y, y, gamma))


def hard_dtw(D):
    N, M = D.shape
    R = torch.full((N + 1, M + 1), math.inf, dtype=D.dtype)
    R[0, 0] = 0
    for i in range(1, N + 1):
        for j in range(1, M + 1):
            R[i, j] = D[i - 1, j - 1] + torch.min(torch.stack([R[i - 1, j - 1], R[i - 1, j], R[i, j - 1]]))
    return R[N, M]


t = torch.linspace(0, 2 * math.pi, 10)
x = torch.sin(t).view(1, -1, 1)
y = torch.sin(t - 0.8).view(1, -1, 1)
print("euclidean", f"{(x - y).pow(2).sum().item():.4f}", "hard dtw", f"{hard_dtw(pairwise_sq(x, y)[0]).item():.4f}")
for gamma in (1.0, 0.1, 0.01):
    print(f"gamma {gamma}: soft-dtw {soft_dtw(x, y, gamma).item():.4f} divergence {divergence(x, y, gamma).item():.4f}")
print("soft-dtw(x, x) is negative:", soft_dtw(x, x, 1.0).item() < 0, f"{soft_dtw(x, x, 1.0).item():.4f}")

D = pairwise_sq(x, y).detach().requires_grad_()
val = soft_dtw_from_D(D, 0.1)
(E,) = torch.autograd.grad(val.sum(), D)
print("alignment rows sum >= 1:", bool((E[0].sum(1) >= 0.999).all()), "diagonal mass", f"{E[0].diagonal().sum().item():.4f}",
      "argmax path", E[0].argmax(1).tolist())

xd = torch.randn(1, 5, 2, dtype=torch.float64, requires_grad=True)
yd = torch.randn(1, 4, 2, dtype=torch.float64)
print("gradcheck soft-dtw:", torch.autograd.gradcheck(lambda a: soft_dtw(a, yd, 0.5), (xd,)))

# barycenter of shifted sines
series = torch.stack([torch.sin(t - s).view(-1, 1) for s in (0.0, 0.4, 0.8, 1.2)])
bary = series.mean(0, keepdim=True).clone().requires_grad_()
opt = torch.optim.Adam([bary], lr=0.05)
for it in range(16):
    loss = soft_dtw(bary.expand(4, -1, -1), series, 0.1).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it % 5 == 0 or it == 15:
        print(f"barycenter iter {it:2d} loss {loss.item():.4f}")
print("barycenter", [f"{v:.3f}" for v in bary.detach().view(-1).tolist()])
print("batched shapes", soft_dtw(series, series.flip(1), 1.0).shape)
