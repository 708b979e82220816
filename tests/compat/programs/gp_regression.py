"""Exact Gaussian-process regression written directly in PyTorch (no GPyTorch): an RBF + noise
kernel with softplus-constrained hyperparameters as nn.Parameters, the negative log marginal
likelihood through torch.linalg.cholesky, torch.cholesky_solve and the log-determinant from
the Cholesky diagonal (checked against MultivariateNormal(scale_tril=L).log_prob and
torch.logdet/slogdet), Adam on the hyperparameters, then the predictive mean and variance via
torch.linalg.solve_triangular, and a Bayesian linear-regression posterior with
torch.linalg.solve/inv. Float64 throughout, data fixed."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import MultivariateNormal

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

n = 40
X = torch.linspace(-3, 3, n).unsqueeze(-1)
y = torch.sin(2 * X).squeeze(-1) + 0.3 * X.squeeze(-1) + 0.1 * torch.cos(17.0 * torch.arange(n))


class ExactGP(nn.Module):
    def __init__(self):
        super().__init__()
        self.raw_lengthscale = nn.Parameter(torch.tensor(0.0))
        self.raw_outputscale = nn.Parameter(torch.tensor(0.0))
        self.raw_noise = nn.Parameter(torch.tensor(-1.0))
        self.mean_const = nn.Parameter(torch.zeros(1))

    @property
    def lengthscale(self):
        return F.softplus(self.raw_lengthscale)

    @property
    def outputscale(self):
        return F.softplus(self.raw_outputscale)

    @property
    def noise(self):
        return F.softplus(self.raw_noise) + 1e-4

    def kernel(self, a, b):
        sqdist = torch.cdist(a / self.lengthscale, b / self.lengthscale).pow(2)
        return self.outputscale * torch.exp(-0.5 * sqdist)

    def nll(self, x, y):
        K = self.kernel(x, x) + self.noise * torch.eye(len(x))
        L = torch.linalg.cholesky(K)
        r = (y - self.mean_const).unsqueeze(-1)
        alpha = torch.cholesky_solve(r, L)
        data_fit = 0.5 * (r * alpha).sum()
        complexity = torch.log(torch.diagonal(L)).sum()
        return (data_fit + complexity + 0.5 * len(x) * math.log(2 * math.pi)) / len(x), K, L

    def predict(self, x, y, x_star):
        K = self.kernel(x, x) + self.noise * torch.eye(len(x))
        L = torch.linalg.cholesky(K)
        K_s = self.kernel(x, x_star)
        v = torch.linalg.solve_triangular(L, K_s, upper=False)
        w = torch.linalg.solve_triangular(L, (y - self.mean_const).unsqueeze(-1), upper=False)
        mean = self.mean_const + (v.T @ w).squeeze(-1)
        var = self.outputscale - (v * v).sum(0)
        return mean, var


gp = ExactGP()
opt = torch.optim.Adam(gp.parameters(), lr=0.05)
for it in range(151):
    opt.zero_grad()
    loss, K, L = gp.nll(X, y)
    loss.backward()
    opt.step()
    if it % 30 == 0:
        print(f"iter {it:3d} | nll {loss.item():.8f} | lengthscale {gp.lengthscale.item():.6f} "
              f"| outputscale {gp.outputscale.item():.6f} | noise {gp.noise.item():.6f}")

with torch.no_grad():
    loss, K, L = gp.nll(X, y)
    mvn = MultivariateNormal(gp.mean_const.expand(n), scale_tril=L)
    print(f"mvn agrees {math.isclose(-mvn.log_prob(y).item() / n, loss.item(), rel_tol=1e-10)} "
          f"| logdet {torch.logdet(K).item():.8f} | slogdet {torch.linalg.slogdet(K).logabsdet.item():.8f} "
          f"| from L {2 * torch.log(torch.diagonal(L)).sum().item():.8f}")
    print(f"cholesky_inverse close {torch.allclose(torch.cholesky_inverse(L), torch.linalg.inv(K), atol=1e-8)} "
          f"| cond {torch.linalg.cond(K).item():.6e}")
    x_star = torch.linspace(-4, 4, 9).unsqueeze(-1)
    mean, var = gp.predict(X, y, x_star)
    print("pred mean", [round(v, 6) for v in mean.tolist()])
    print("pred std ", [round(v, 6) for v in var.clamp_min(0).sqrt().tolist()])
    lo, hi = mean - 1.96 * var.sqrt(), mean + 1.96 * var.sqrt()
    truth = torch.sin(2 * x_star).squeeze(-1) + 0.3 * x_star.squeeze(-1)
    print("covered", ((truth >= lo) & (truth <= hi)).sum().item(), "of", len(truth))

# gradient of the marginal likelihood by autograd vs the trace formula
gp.zero_grad()
loss, K, L = gp.nll(X, y)
loss.backward()
with torch.no_grad():
    Kinv = torch.cholesky_inverse(L)
    alpha = Kinv @ (y - gp.mean_const)
    dK_dnoise = torch.eye(n) * torch.sigmoid(gp.raw_noise)
    analytic = 0.5 * torch.trace((Kinv - torch.outer(alpha, alpha)) @ dK_dnoise) / n
print(f"d nll / d raw_noise autograd {gp.raw_noise.grad.item():.10f} analytic {analytic.item():.10f}")

# Bayesian linear regression on polynomial features: posterior by solve and by inv
Phi = torch.cat([X ** k for k in range(4)], dim=1)
alpha_prior, beta = 1.0, 1.0 / 0.01
A = alpha_prior * torch.eye(4) + beta * Phi.T @ Phi
m_solve = beta * torch.linalg.solve(A, Phi.T @ y)
m_inv = beta * torch.linalg.inv(A) @ Phi.T @ y
print("blr mean", [round(v, 6) for v in m_solve.tolist()], "same", torch.allclose(m_solve, m_inv))
print(f"blr evidence {(0.5 * 4 * math.log(alpha_prior) + 0.5 * n * math.log(beta) - 0.5 * torch.logdet(A)).item():.6f}"
      f" | eigvalsh max {torch.linalg.eigvalsh(Phi.T @ Phi).max().item():.6f}")
