"""Looking inside weight matrices, as a model-analysis notebook does without no_grad: singular values
of layers (print shows grad_fn), effective rank, spectral and nuclear norms, an SVD low-rank
compression and its error, QR-based orthogonalisation and an orthogonality penalty trained by SGD,
eigendecomposition of a feature covariance (PCA) with whitening, log-determinant regularisers, and
LU / Cholesky solves used in a closed-form ridge readout."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)
torch.set_printoptions(precision=4)

net = nn.Sequential(nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 4))  # PyTorch's seeded default init
W = net[0].weight
S = torch.linalg.svdvals(W)
print("singular values", S)
U, S2, Vh = torch.linalg.svd(W, full_matrices=False)
print("U", U.shape, "S", S2, "Vh", Vh.shape)
p = S / S.sum()
print("effective rank", torch.exp(-(p * p.log()).sum()))
print("spectral", torch.linalg.matrix_norm(W, 2), "nuclear", torch.linalg.matrix_norm(W, "nuc"), "fro", torch.linalg.norm(W))
for k in [1, 2, 3]:
    approx = U[:, :k] @ torch.diag(S2[:k]) @ Vh[:k]
    print(f"rank {k} error {torch.linalg.norm(W - approx).item():.6f} params {k * (W.shape[0] + W.shape[1])}")
U_, S_, V_ = torch.svd(W)
print("torch.svd V", V_.shape, torch.allclose(V_.T, Vh, atol=1e-6))

Q, R = torch.linalg.qr(W.T)
print("qr", Q.shape, R.shape, "R diag", torch.diagonal(R))
print("orthonormal", torch.allclose(Q.T @ Q, torch.eye(5), atol=1e-5))
ortho = nn.Linear(6, 6, bias=False)
with torch.no_grad():
    ortho.weight.copy_(torch.eye(6) + 0.3 * torch.cos(torch.arange(36.0)).reshape(6, 6))
opt = torch.optim.SGD(ortho.parameters(), lr=0.05)
for step in range(6):
    Wt = ortho.weight
    penalty = torch.linalg.matrix_norm(Wt.T @ Wt - torch.eye(6)) ** 2
    opt.zero_grad()
    penalty.backward()
    opt.step()
    print(f"ortho step {step} | penalty {penalty.item():.6f} | cond {torch.linalg.cond(ortho.weight).item():.5f}")

feats = torch.tanh(torch.randn(12, 5) @ torch.randn(5, 5))
feats.requires_grad_(True)
centered = feats - feats.mean(0)
cov = centered.T @ centered / (feats.shape[0] - 1)
evals, evecs = torch.linalg.eigh(cov)
print("eigenvalues", evals)
print("explained", evals.flip(0).cumsum(0) / evals.sum())
white = centered @ evecs / (evals + 1e-3).sqrt()
print("whitened cov diag", (white.T @ white / 11).diagonal())
sign, logabsdet = torch.linalg.slogdet(cov + 1e-2 * torch.eye(5))
print("slogdet", sign, logabsdet)
reg = -torch.logdet(cov + 1e-2 * torch.eye(5)) + torch.linalg.eigvalsh(cov).max()
reg.backward()
print("regulariser", reg, "feature grad norm", feats.grad.norm())

X = torch.linspace(-1, 1, 40).reshape(10, 4)
y = torch.sin(X.sum(1, keepdim=True) * 2)
A = X.T @ X + 0.1 * torch.eye(4)
b = X.T @ y
LU, piv = torch.linalg.lu_factor(A)
w_lu = torch.linalg.lu_solve(LU, piv, b)
L = torch.linalg.cholesky(A)
w_ch = torch.cholesky_solve(b, L)
w_sv = torch.linalg.solve(A, b)
print("ridge lu", w_lu.squeeze(1), "agree", torch.allclose(w_lu, w_ch, atol=1e-5), torch.allclose(w_lu, w_sv, atol=1e-5))
P, Lf, Uf = torch.linalg.lu(A)
print("lu factors", torch.allclose(P @ Lf @ Uf, A, atol=1e-5), Uf.diagonal())
print("lstsq", torch.linalg.lstsq(X, y).solution.squeeze(1))
print("mse", F.mse_loss(X @ w_lu, y))
E = torch.linalg.matrix_exp(torch.tensor([[0.0, -0.5], [0.5, 0.0]]))
print("matrix_exp rotation", E, torch.det(E))
