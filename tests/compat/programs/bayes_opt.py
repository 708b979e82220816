"""Bayesian optimisation from scratch, as the BoTorch-free tutorials write it:
a GP with a Matern-5/2 kernel (torch.cdist), hyperparameters (log length
scale, log output scale, log noise) fitted by the exact marginal likelihood
through torch.linalg.cholesky / cholesky_solve with Adam, the posterior mean
and variance, expected improvement and upper confidence bound from
torch.distributions.Normal's cdf and log_prob, acquisition maximised over a
Sobol-free random candidate set and then refined by projected gradient ascent
(clamp_ into the box), the Branin function in two dimensions, simple regret
per iteration, and a Thompson-sampling step from the joint posterior on a
grid (MultivariateNormal with a jittered covariance, rsample). Float64,
seeded; every number agrees."""

import math

import torch
from torch.distributions import MultivariateNormal, Normal

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

lo, hi = torch.tensor([-5.0, 0.0]), torch.tensor([10.0, 15.0])


def branin(x):
    x1, x2 = x[..., 0], x[..., 1]
    a, b, c, r, s, t = 1.0, 5.1 / (4 * math.pi ** 2), 5 / math.pi, 6.0, 10.0, 1 / (8 * math.pi)
    return a * (x2 - b * x1 ** 2 + c * x1 - r) ** 2 + s * (1 - t) * torch.cos(x1) + s


f_min = 0.397887


def to_unit(x):
    return (x - lo) / (hi - lo)


def matern52(A, B, ls, os):
    d = torch.cdist(A / ls, B / ls)
    s5 = math.sqrt(5) * d
    return os * (1 + s5 + s5 ** 2 / 3) * torch.exp(-s5)


class GP:
    def __init__(self):
        self.log_ls = torch.log(torch.tensor([0.3, 0.3])).requires_grad_(True)
        self.log_os = torch.tensor(0.0, requires_grad=True)
        self.log_noise = torch.tensor(-4.0, requires_grad=True)

    def params(self):
        return [self.log_ls, self.log_os, self.log_noise]

    def nll(self, X, y):
        K = matern52(X, X, self.log_ls.exp(), self.log_os.exp()) + (self.log_noise.exp() + 1e-6) * torch.eye(len(X))
        L = torch.linalg.cholesky(K)
        alpha = torch.cholesky_solve(y[:, None], L)
        return (0.5 * y @ alpha[:, 0] + L.diagonal().log().sum() + 0.5 * len(X) * math.log(2 * math.pi)) / len(X)

    def fit(self, X, y, steps=60):
        opt = torch.optim.Adam(self.params(), lr=0.05)
        for _ in range(steps):
            loss = self.nll(X, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        self.X, self.y = X, y
        with torch.no_grad():
            K = matern52(X, X, self.log_ls.exp(), self.log_os.exp()) + (self.log_noise.exp() + 1e-6) * torch.eye(len(X))
            self.L = torch.linalg.cholesky(K)
            self.alpha = torch.cholesky_solve(y[:, None], self.L)
        return loss.item()

    def posterior(self, Xs, full=False):
        ls, os = self.log_ls.detach().exp(), self.log_os.detach().exp()
        Ks = matern52(Xs, self.X, ls, os)
        mu = (Ks @ self.alpha)[:, 0]
        v = torch.linalg.solve_triangular(self.L, Ks.T, upper=False)
        if full:
            return mu, matern52(Xs, Xs, ls, os) - v.T @ v
        return mu, (os - (v ** 2).sum(0)).clamp_min(1e-12)


def expected_improvement(mu, var, best):
    sd = var.sqrt()
    z = (best - mu) / sd
    n = Normal(0.0, 1.0)
    return sd * (z * n.cdf(z) + n.log_prob(z).exp())


X = torch.rand(6, 2)
Y = branin(lo + X * (hi - lo))
ymean, ystd = Y.mean(), Y.std()
print("initial best", round(Y.min().item(), 6))
for it in range(10):
    ymean, ystd = Y.mean(), Y.std()
    gp = GP()
    nll = gp.fit(X, (Y - ymean) / ystd)
    best = ((Y.min() - ymean) / ystd)
    cand = torch.rand(512, 2)
    mu, var = gp.posterior(cand)
    ei = expected_improvement(mu, var, best)
    x = cand[ei.argmax()].clone().requires_grad_(True)
    for _ in range(20):  # refine by gradient ascent on EI
        m, v = gp.posterior(x[None])
        a = expected_improvement(m, v, best)[0]
        g, = torch.autograd.grad(a, x)
        with torch.no_grad():
            x += 0.05 * g / (g.norm() + 1e-12)
            x.clamp_(0.0, 1.0)
    x = x.detach()
    y_new = branin(lo + x * (hi - lo))
    X, Y = torch.cat([X, x[None]]), torch.cat([Y, y_new[None]])
    print(f"iter {it} | nll {nll:.6f} | ls {[round(v, 4) for v in gp.log_ls.exp().tolist()]} | max EI {ei.max().item():.6f}"
          f" | y {y_new.item():.6f} | regret {Y.min().item() - f_min:.6f}")

ucb_mu, ucb_var = gp.posterior(cand)
ucb = -(ucb_mu - 2.0 * ucb_var.sqrt())
print("ucb pick", [round(v, 5) for v in (lo + cand[ucb.argmax()] * (hi - lo)).tolist()])
g1 = torch.linspace(0, 1, 12)
grid = torch.stack(torch.meshgrid(g1, g1, indexing="ij"), -1).reshape(-1, 2)
mu_g, cov_g = gp.posterior(grid, full=True)
mvn = MultivariateNormal(mu_g, cov_g + 1e-6 * torch.eye(len(grid)))
draws = mvn.rsample((4,))
print("thompson picks", [[round(v, 4) for v in (lo + grid[i] * (hi - lo)).tolist()] for i in draws.argmin(1).tolist()])
print("posterior at best point mean", round((gp.posterior(X[Y.argmin()][None])[0] * ystd + ymean).item(), 5))
