"""Black-box optimisation of network weights without backprop, as the
OpenAI-ES and "CMA-ES in 50 lines" scripts write it: a policy MLP whose
parameters are flattened by nn.utils.parameters_to_vector and written back
by vector_to_parameters; OpenAI-ES with antithetic (mirrored) noise,
centred-rank fitness shaping (argsort of argsort), Adam on the ES gradient
estimate and weight decay; a simplified (mu, lambda)-CMA-ES on the Rosenbrock
function (weighted recombination, evolution paths, rank-one and rank-mu
covariance updates, step-size control, eigendecomposition by
torch.linalg.eigh for C^-1/2, Cholesky for sampling); the cross-entropy method with an elite
fraction; and ES gradient estimates compared with the true autograd gradient
by cosine similarity. All under torch.no_grad where the scripts put it.
Float64, seeded; every number agrees."""

import math

import torch
import torch.nn as nn
from torch.nn.utils import parameters_to_vector, vector_to_parameters

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

# a toy "environment": steer a point mass to a target; return = -distance - effort
targets = torch.tensor([[1.0, -0.5], [-0.8, 0.9], [0.3, 1.2]])


def rollout(policy, steps=15):
    pos, vel = torch.zeros(len(targets), 2), torch.zeros(len(targets), 2)
    effort = 0.0
    for _ in range(steps):  # all targets at once, as a batch
        act = policy(torch.cat([pos, vel, targets], 1))
        vel = 0.9 * vel + 0.1 * act
        pos = pos + 0.1 * vel
        effort = effort + 0.01 * (act ** 2).sum()
    return -(effort + (pos - targets).norm(dim=1).sum()) / len(targets)


policy = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 2), nn.Tanh())
theta = parameters_to_vector(policy.parameters()).detach().clone()
print("parameters", theta.numel(), "initial return", round(rollout(policy).item(), 6))


def evaluate(vec):
    vector_to_parameters(vec, policy.parameters())
    return rollout(policy)


def centered_ranks(x):
    ranks = x.argsort().argsort().to(x.dtype)
    return ranks / (len(x) - 1) - 0.5


npop, sigma = 16, 0.1
theta_p = nn.Parameter(theta.clone())
opt = torch.optim.Adam([theta_p], lr=0.03)
with torch.no_grad():
    for gen in range(20):
        eps = torch.randn(npop // 2, theta.numel())
        eps = torch.cat([eps, -eps])
        R = torch.stack([evaluate(theta_p + sigma * e) for e in eps])
        shaped = centered_ranks(R)
        grad = -(shaped @ eps) / (npop * sigma) + 0.005 * theta_p
        theta_p.grad = grad
        opt.step()
        if gen % 5 == 0 or gen == 19:
            print(f"es gen {gen:2d} | mean return {R.mean().item():.6f} | best {R.max().item():.6f} | "
                  f"center {evaluate(theta_p.detach()).item():.6f} | |grad| {grad.norm().item():.5f}")

# ES gradient vs autograd on a smooth function
w = torch.randn(30)
A = torch.randn(30, 30) / 30 ** 0.5
f = lambda v: -((v @ A.T - 1) ** 2).sum(-1)
wg = w.clone().requires_grad_(True)
true_g, = torch.autograd.grad(f(wg), wg)
for n in [10, 100, 1000]:
    eps = torch.randn(n, 30)
    est = ((f(w + 0.01 * eps) - f(w - 0.01 * eps))[:, None] * eps).sum(0) / (2 * 0.01 * n)
    print(f"es estimate n={n:4d} cosine to true gradient {torch.cosine_similarity(est, true_g, dim=0).item():.6f}")


# simplified CMA-ES on Rosenbrock
def rosen(x):
    return (100 * (x[..., 1:] - x[..., :-1] ** 2) ** 2 + (1 - x[..., :-1]) ** 2).sum(-1)


n = 4
lam = 4 + int(3 * math.log(n))
mu = lam // 2
weights = torch.log(torch.tensor(mu + 0.5)) - torch.log(torch.arange(1, mu + 1, dtype=torch.float64))
weights = weights / weights.sum()
mueff = 1 / (weights ** 2).sum()
cc, cs = (4 + mueff / n) / (n + 4 + 2 * mueff / n), (mueff + 2) / (n + mueff + 5)
c1 = 2 / ((n + 1.3) ** 2 + mueff)
cmu = min(1 - c1, 2 * (mueff - 2 + 1 / mueff) / ((n + 2) ** 2 + mueff))
damps = 1 + 2 * max(0, math.sqrt((mueff - 1) / (n + 1)) - 1) + cs
chiN = n ** 0.5 * (1 - 1 / (4 * n) + 1 / (21 * n ** 2))
mean, sig = torch.zeros(n), 0.5
C, pc, ps = torch.eye(n), torch.zeros(n), torch.zeros(n)
print("cma lambda", lam, "mu", mu, "mueff", round(mueff.item(), 6))
for gen in range(120):
    evals, B = torch.linalg.eigh(C)
    D = evals.clamp_min(1e-20).sqrt()
    z = torch.randn(lam, n)
    # samples by the Cholesky factor: (z * D) @ B.T would depend on the eigenvectors' signs, which LAPACK
    # builds choose differently (MKL's and OpenBLAS's disagree on about a third of them)
    y = z @ torch.linalg.cholesky(C).T
    x = mean + sig * y
    fit = rosen(x)
    idx = fit.argsort()[:mu]
    y_sel = y[idx]
    old = mean
    mean = mean + sig * (weights @ y_sel)
    invsqrtC = B @ torch.diag(1 / D) @ B.T
    ps = (1 - cs) * ps + math.sqrt(cs * (2 - cs) * mueff) * invsqrtC @ ((mean - old) / sig)
    hsig = float(ps.norm() / math.sqrt(1 - (1 - cs) ** (2 * (gen + 1))) / chiN < 1.4 + 2 / (n + 1))
    pc = (1 - cc) * pc + hsig * math.sqrt(cc * (2 - cc) * mueff) * (mean - old) / sig
    C = ((1 - c1 - cmu) * C + c1 * (torch.outer(pc, pc) + (1 - hsig) * cc * (2 - cc) * C)
         + cmu * (y_sel.T * weights) @ y_sel)
    sig = sig * math.exp((cs / damps) * (ps.norm().item() / chiN - 1))
    if gen % 30 == 0 or gen == 119:
        print(f"cma gen {gen:3d} | best f {fit.min().item():.6e} | sigma {sig:.6e} | cond(C) {torch.linalg.cond(C).item():.4f}")
print("cma mean", [round(v, 6) for v in mean.tolist()])

# cross-entropy method
mu_c, std_c = torch.zeros(n), torch.ones(n) * 2
for it in range(40):
    samples = mu_c + std_c * torch.randn(50, n)
    elite = samples[rosen(samples).argsort()[:10]]
    mu_c, std_c = 0.7 * mu_c + 0.3 * elite.mean(0), 0.7 * std_c + 0.3 * elite.std(0) + 1e-3
    if it % 10 == 0 or it == 39:
        print(f"cem iter {it:2d} | f(mean) {rosen(mu_c).item():.6f} | std {[round(v, 5) for v in std_c.tolist()]}")
