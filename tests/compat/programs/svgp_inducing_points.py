"""A sparse variational Gaussian process (Hensman et al.) written from scratch, as GP tutorials do
before reaching for GPyTorch: an RBF kernel with softplus-constrained hyperparameters, inducing points
Z, a whitened variational posterior q(u) = N(m, L L^T) with a lower-triangular L built by tril + softplus
diagonal, the ELBO (expected log-likelihood in closed form for a Gaussian likelihood, KL via
torch.distributions.MultivariateNormal), cholesky with jitter, solve_triangular, predictive mean and
variance, compared against the exact GP's marginal likelihood and predictions."""

import math

import torch
import torch.distributions as D
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)


def rbf(x1, x2, lengthscale, variance):
    d2 = torch.cdist(x1 / lengthscale, x2 / lengthscale).pow(2)
    return variance * torch.exp(-0.5 * d2)


class SVGP(nn.Module):
    def __init__(self, Z):
        super().__init__()
        M = Z.shape[0]
        self.Z = nn.Parameter(Z.clone())
        self.raw_ls = nn.Parameter(torch.tensor(0.0))
        self.raw_var = nn.Parameter(torch.tensor(0.0))
        self.raw_noise = nn.Parameter(torch.tensor(-2.0))
        self.q_mu = nn.Parameter(torch.zeros(M))
        self.q_sqrt_raw = nn.Parameter(torch.zeros(M, M))

    @property
    def hypers(self):
        return F.softplus(self.raw_ls), F.softplus(self.raw_var), F.softplus(self.raw_noise) + 1e-4

    def q_sqrt(self):
        L = torch.tril(self.q_sqrt_raw, diagonal=-1)
        return L + torch.diag_embed(F.softplus(torch.diagonal(self.q_sqrt_raw)) + 1e-5)

    def predict_f(self, X):
        ls, var, _ = self.hypers
        M = self.Z.shape[0]
        Kmm = rbf(self.Z, self.Z, ls, var) + 1e-6 * torch.eye(M)
        Kmn = rbf(self.Z, X, ls, var)
        Lm = torch.linalg.cholesky(Kmm)
        A = torch.linalg.solve_triangular(Lm, Kmn, upper=False)  # whitened projection
        mean = A.t() @ self.q_mu
        S = self.q_sqrt()
        SA = S.t() @ A
        var_f = var - (A ** 2).sum(0) + (SA ** 2).sum(0)
        return mean, var_f

    def elbo(self, X, y):
        _, _, noise = self.hypers
        mean, var_f = self.predict_f(X)
        ell = -0.5 * math.log(2 * math.pi) - 0.5 * noise.log() - 0.5 * ((y - mean) ** 2 + var_f) / noise
        M = self.q_mu.shape[0]
        q = D.MultivariateNormal(self.q_mu, scale_tril=self.q_sqrt())
        p = D.MultivariateNormal(torch.zeros(M), scale_tril=torch.eye(M))
        return ell.sum() - D.kl_divergence(q, p)


g = torch.Generator().manual_seed(1)
X = torch.sort(torch.rand(200, generator=g) * 10).values.unsqueeze(1)
y = torch.sin(X[:, 0]) + 0.3 * torch.cos(3 * X[:, 0]) + 0.1 * torch.randn(200, generator=g)
Xs = torch.linspace(-1, 11, 7).unsqueeze(1)
print("data", tuple(X.shape), X.dtype, f"y std {y.std().item():.4f}")

# exact GP with fixed hyperparameters, for reference
ls, var, noise = torch.tensor(1.0), torch.tensor(1.0), torch.tensor(0.01)
K = rbf(X, X, ls, var) + noise * torch.eye(200)
L = torch.linalg.cholesky(K)
alpha = torch.cholesky_solve(y.unsqueeze(1), L)
exact_mll = -0.5 * (y @ alpha[:, 0]) - torch.log(torch.diagonal(L)).sum() - 100 * math.log(2 * math.pi)
mvn_mll = D.MultivariateNormal(torch.zeros(200), covariance_matrix=K).log_prob(y)
print(f"exact mll {exact_mll.item():.4f} via MultivariateNormal {mvn_mll.item():.4f}")
Ks = rbf(Xs, X, ls, var)
exact_mean = (Ks @ alpha)[:, 0]
v = torch.linalg.solve_triangular(L, Ks.t(), upper=False)
exact_var = var - (v ** 2).sum(0)
print("exact mean", [f"{m:.4f}" for m in exact_mean.tolist()])

Z = torch.linspace(0, 10, 12).unsqueeze(1)
model = SVGP(Z)
print("q_sqrt init diag", [f"{d:.4f}" for d in torch.diagonal(model.q_sqrt())[:3].tolist()], "is lower:", torch.equal(model.q_sqrt(), torch.tril(model.q_sqrt())))
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for it in range(150):
    loss = -model.elbo(X, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it % 30 == 0 or it == 149:
        ls_, var_, noise_ = model.hypers
        print(f"iter {it:3d} -elbo {loss.item():.4f} ls {ls_.item():.4f} var {var_.item():.4f} noise {noise_.item():.5f}")
with torch.no_grad():
    m, vf = model.predict_f(Xs)
print("svgp mean ", [f"{v:.4f}" for v in m.tolist()])
print("svgp std  ", [f"{v:.4f}" for v in vf.clamp_min(0).sqrt().tolist()])
print("exact std ", [f"{v:.4f}" for v in exact_var.clamp_min(0).sqrt().tolist()])
print("inducing points moved", f"{(model.Z - Z).abs().max().item():.4f}", "sorted:", bool((model.Z[1:] > model.Z[:-1]).all()))
try:
    torch.linalg.cholesky(torch.tensor([[1.0, 2.0], [2.0, 1.0]]))
except torch.linalg.LinAlgError as e:
    print("LinAlgError:", e)
L2, info = torch.linalg.cholesky_ex(torch.tensor([[1.0, 2.0], [2.0, 1.0]]))
print("cholesky_ex info", info)
