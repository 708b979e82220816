"""Quasi-Monte Carlo with torch.quasirandom.SobolEngine as BoTorch's tutorials and QMC blog posts use it
without the libraries: draw_sobol_samples-style initial designs scaled into bounds, scrambled Sobol
points turned into normal draws by the inverse CDF (erfinv), QMC versus plain Monte Carlo integration
errors over repeated seeds, draw_base2 and its power-of-two rule, fast_forward/reset, a Gaussian-process
Bayesian-optimization loop (float64 GP with Cholesky solves, expected improvement from Normal cdf/pdf,
candidates from a scrambled Sobol set, the best one refined by a few Adam steps on EI), and the points
printed as PyTorch does."""

import math

import torch
from torch.distributions import Normal
from torch.quasirandom import SobolEngine

torch.set_num_threads(1)
torch.manual_seed(0)

engine = SobolEngine(dimension=3)
print(engine)
print(engine.draw(5))
print(engine.draw(3, dtype=torch.float64))
print("generated", engine.num_generated)
engine.reset()
print("after reset", engine.draw(2))
engine.fast_forward(10)
print("after fast_forward", engine.draw(1), engine.num_generated)
print(SobolEngine(2).draw_base2(3))
try:
    SobolEngine(2).fast_forward(3).draw_base2(2)
except ValueError as e:
    print("draw_base2:", str(e).split(".")[0])


def draw_sobol_samples(bounds, n, q, seed=None):
    lower, upper = bounds
    d = lower.shape[-1]
    engine = SobolEngine(q * d, scramble=True, seed=seed)
    samples_raw = engine.draw(n, dtype=lower.dtype).view(n, q, d)
    return lower + (upper - lower) * samples_raw


bounds = torch.tensor([[-1.0, 0.0], [2.0, 5.0]], dtype=torch.float64)
X0 = draw_sobol_samples(bounds, n=4, q=2, seed=1234)
print("initial design", X0.shape, X0[0])


def normal_qmc(n, d, seed):
    u = SobolEngine(d, scramble=True, seed=seed).draw(n)
    u = u.clamp(1e-6, 1 - 1e-6)
    return math.sqrt(2) * torch.erfinv(2 * u - 1)


z = normal_qmc(256, 4, seed=3)
print("qmc normals mean", z.mean(0), "std", z.std(0))


def integrand(u):
    return torch.exp(-(u ** 2).sum(-1)) * torch.cos(3 * u[..., 0])


truth = None
errs_qmc, errs_mc = [], []
g = torch.Generator().manual_seed(5)
big = SobolEngine(3, scramble=True, seed=99).draw(2 ** 14)
truth = integrand(big).mean().item()
for s in range(8):
    qmc = integrand(SobolEngine(3, scramble=True, seed=s).draw(512)).mean().item()
    mc = integrand(torch.rand(512, 3, generator=g)).mean().item()
    errs_qmc.append(abs(qmc - truth))
    errs_mc.append(abs(mc - truth))
print(f"reference {truth:.6f} mean |err| qmc {sum(errs_qmc) / 8:.3e} mc {sum(errs_mc) / 8:.3e}")
print("qmc beats mc", sum(errs_qmc) < sum(errs_mc))


def branin(x):
    x1, x2 = x[..., 0], x[..., 1]
    a, b, c, r, s, t = 1, 5.1 / (4 * math.pi ** 2), 5 / math.pi, 6, 10, 1 / (8 * math.pi)
    return a * (x2 - b * x1 ** 2 + c * x1 - r) ** 2 + s * (1 - t) * torch.cos(x1) + s


lo = torch.tensor([-5.0, 0.0], dtype=torch.float64)
hi = torch.tensor([10.0, 15.0], dtype=torch.float64)


def to_unit(x):
    return (x - lo) / (hi - lo)


def from_unit(u):
    return lo + (hi - lo) * u


def gp_posterior(Xtr, ytr, Xte, lengthscale=0.2, noise=1e-4):
    def k(a, b):
        return torch.exp(-0.5 * torch.cdist(a, b) ** 2 / lengthscale ** 2)

    mean, std = ytr.mean(), ytr.std()
    y = (ytr - mean) / std
    K = k(Xtr, Xtr) + noise * torch.eye(len(Xtr), dtype=Xtr.dtype)
    L = torch.linalg.cholesky(K)
    alpha = torch.cholesky_solve(y.unsqueeze(-1), L)
    Ks = k(Xte, Xtr)
    mu = (Ks @ alpha).squeeze(-1)
    v = torch.linalg.solve_triangular(L, Ks.T, upper=False)
    var = (1 - (v ** 2).sum(0)).clamp_min(1e-12)
    return mu * std + mean, var.sqrt() * std


def expected_improvement(mu, sigma, best):
    z = (best - mu) / sigma
    normal = Normal(torch.zeros_like(z), torch.ones_like(z))
    return sigma * (z * normal.cdf(z) + normal.log_prob(z).exp())


U = SobolEngine(2, scramble=True, seed=0).draw(6, dtype=torch.float64)
Y = branin(from_unit(U))
print("initial best", Y.min().item())
cand_engine = SobolEngine(2, scramble=True, seed=42)
for it in range(8):
    cands = cand_engine.draw(256, dtype=torch.float64)
    mu, sigma = gp_posterior(U, Y, cands)
    ei = expected_improvement(mu, sigma, Y.min())
    x = cands[ei.argmax()].clone().requires_grad_(True)
    opt = torch.optim.Adam([x], lr=0.01)
    for _ in range(10):
        m, s = gp_posterior(U, Y, x.unsqueeze(0))
        loss = -expected_improvement(m, s, Y.min()).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            x.clamp_(0, 1)
    x = x.detach()
    y = branin(from_unit(x))
    U = torch.cat([U, x.unsqueeze(0)])
    Y = torch.cat([Y, y.unsqueeze(0)])
    print(f"iter {it} ei {ei.max().item():.5f} x {from_unit(x).tolist()} y {y.item():.5f} best {Y.min().item():.5f}")
