"""Rigid alignment with torch.linalg, as point-cloud registration and embedding-alignment code writes it:
the Kabsch algorithm by torch.linalg.svd with the determinant sign fix (a reflection case included),
iterative closest point with torch.cdist nearest neighbours and a convergence check, orthogonal Procrustes
mapping between two embedding spaces (MUSE-style refinement on mutual nearest neighbours), gradients
through the SVD (a differentiable Kabsch loss optimised with Adam), and rotations learned three ways:
matrix_exp of a skew-symmetric matrix, nn.utils.parametrizations.orthogonal, and a 6-D representation
orthonormalised by Gram-Schmidt."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)


def rot_z(a):
    c, s = math.cos(a), math.sin(a)
    return torch.tensor([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def rot_x(a):
    c, s = math.cos(a), math.sin(a)
    return torch.tensor([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def kabsch(P, Q, allow_reflection=False):
    p0, q0 = P.mean(0), Q.mean(0)
    H = (P - p0).T @ (Q - q0)
    U, S, Vh = torch.linalg.svd(H)
    d = torch.sign(torch.linalg.det(Vh.T @ U.T))
    D = torch.diag(torch.stack([torch.ones_like(d), torch.ones_like(d), d if not allow_reflection else torch.ones_like(d)]))
    R = Vh.T @ D @ U.T
    t = q0 - R @ p0
    return R, t


P = torch.randn(30, 3)
R_true = rot_z(0.7) @ rot_x(-0.3)
t_true = torch.tensor([0.5, -1.0, 2.0])
Q = P @ R_true.T + t_true
R, t = kabsch(P, Q)
print(f"kabsch rotation error < 1e-10: {bool((R - R_true).abs().max() < 1e-10)}")
print("translation", [round(v, 6) for v in t.tolist()], "det", round(torch.linalg.det(R).item(), 6))
Q_ref = P * torch.tensor([1.0, 1.0, -1.0])
R_fix, _ = kabsch(P, Q_ref)
R_refl, _ = kabsch(P, Q_ref, allow_reflection=True)
print("reflected target: det fixed", round(torch.linalg.det(R_fix).item(), 6), "det free",
      round(torch.linalg.det(R_refl).item(), 6))

# ICP on a shuffled, noisy copy with a moderate initial rotation
perm = torch.randperm(30)
target = (P @ rot_z(0.35).T + torch.tensor([0.2, 0.1, 0.0]))[perm] + 0.01 * torch.randn(30, 3)
src = P.clone()
prev = float("inf")
for it in range(30):
    nn_idx = torch.cdist(src, target).argmin(1)
    R_i, t_i = kabsch(src, target[nn_idx])
    src = src @ R_i.T + t_i
    err = (src - target[nn_idx]).norm(dim=1).mean().item()
    if abs(prev - err) < 1e-9:
        break
    prev = err
matched = torch.cdist(src, target).argmin(1)
print(f"icp iterations {it + 1} mean error {err:.6f} correspondences right {(matched == perm.argsort()).float().mean().item():.4f}")

# orthogonal Procrustes between embedding spaces with refinement on mutual nearest neighbours
X = F.normalize(torch.randn(50, 8), dim=1)
W_true, _ = torch.linalg.qr(torch.randn(8, 8))
Y = F.normalize(X @ W_true.T + 0.02 * torch.randn(50, 8), dim=1)
seed = torch.arange(10)
W = torch.eye(8)
for rnd in range(3):
    U, _, Vh = torch.linalg.svd(Y[seed].T @ X[seed])
    W = U @ Vh
    sims = (X @ W.T) @ Y.T
    fwd, bwd = sims.argmax(1), sims.argmax(0)
    mutual = torch.nonzero(bwd[fwd] == torch.arange(50)).squeeze(1)
    seed = mutual
    acc = (fwd == torch.arange(50)).float().mean().item()
    print(f"procrustes round {rnd} | pairs {len(seed)} | translation acc {acc:.4f} | orth err "
          f"{(W @ W.T - torch.eye(8)).abs().max().item() < 1e-12}")

# gradients through the SVD: learn a point set whose Kabsch alignment residual is small
A = torch.randn(12, 3, requires_grad=True)
B = torch.randn(12, 3) @ rot_z(1.0).T
opt = torch.optim.Adam([A], lr=0.05)
for step in range(25):
    R_k, t_k = kabsch(A, B)
    loss = ((A @ R_k.T + t_k - B) ** 2).sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 8 == 0 or step == 24:
        print(f"svd grad step {step:2d} | residual {loss.item():.6f} | grad norm {A.grad.norm().item():.6f}")

# three parametrisations of a learned rotation
target_R = rot_z(1.2) @ rot_x(0.4)
pts = torch.randn(20, 3)


class SkewExp(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(3))

    def forward(self):
        wx, wy, wz = self.w
        zero = torch.zeros(())
        K = torch.stack([torch.stack([zero, -wz, wy]), torch.stack([wz, zero, -wx]), torch.stack([-wy, wx, zero])])
        return torch.linalg.matrix_exp(K)


class SixD(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Parameter(torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))

    def forward(self):
        b1 = F.normalize(self.a[0], dim=0)
        b2 = F.normalize(self.a[1] - (b1 @ self.a[1]) * b1, dim=0)
        return torch.stack([b1, b2, torch.linalg.cross(b1, b2)], dim=1)


class Orth(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.utils.parametrizations.orthogonal(nn.Linear(3, 3, bias=False))

    def forward(self):
        return self.lin.weight


for name, mod in [("skew-exp", SkewExp()), ("6d", SixD()), ("orthogonal", Orth())]:
    opt = torch.optim.Adam(mod.parameters(), lr=0.1)
    for step in range(40):
        loss = ((pts @ mod().T - pts @ target_R.T) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    Rm = mod().detach()
    angle = torch.arccos(((Rm.T @ target_R).trace() - 1) / 2).clamp(-1, 1).item()
    print(f"{name}: loss {loss.item():.6f} det {torch.linalg.det(Rm).item():.6f} geodesic {angle:.5f}")
