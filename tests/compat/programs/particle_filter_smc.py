"""A bootstrap particle filter and a Kalman filter on a 1-D nonlinear state-space model, as probabilistic
programming tutorials write them with torch.distributions: Normal transitions and likelihoods, log-weights
normalised with logsumexp, effective sample size, multinomial and systematic resampling (searchsorted on
the cumulative weights), the log marginal likelihood estimate, the Kalman filter's exact answer on the
linear-Gaussian case via MultivariateNormal, and smoothing of the particle means with logcumsumexp."""

import math

import torch
import torch.distributions as D

torch.manual_seed(0)
torch.set_num_threads(1)

T, N = 30, 500


def transition(x, t):
    return 0.5 * x + 25 * x / (1 + x ** 2) + 8 * math.cos(1.2 * t)


g = torch.Generator().manual_seed(3)
xs, ys = [], []
x = torch.tensor(0.1)
for t in range(T):
    x = transition(x, t) + math.sqrt(10.0) * torch.randn((), generator=g)
    xs.append(x)
    ys.append(x ** 2 / 20 + torch.randn((), generator=g))
xs, ys = torch.stack(xs), torch.stack(ys)
print("simulated", xs.shape, f"x range [{xs.min().item():.3f}, {xs.max().item():.3f}]", f"y mean {ys.mean().item():.4f}")


def systematic_resample(weights, u):
    n = weights.shape[0]
    positions = (u + torch.arange(n, dtype=weights.dtype)) / n
    cumsum = torch.cumsum(weights, 0)
    cumsum[-1] = 1.0
    return torch.searchsorted(cumsum, positions)


def particle_filter(resample="multinomial", seed=0):
    torch.manual_seed(seed)
    particles = D.Normal(0.0, 2.0).sample((N,))
    log_z = torch.tensor(0.0)
    means, ess_trace, n_resampled = [], [], 0
    log_w = torch.full((N,), -math.log(N))
    for t in range(T):
        particles = transition(particles, t) + D.Normal(0.0, math.sqrt(10.0)).sample((N,))
        log_lik = D.Normal(particles ** 2 / 20, 1.0).log_prob(ys[t])
        log_w = log_w + log_lik
        log_norm = torch.logsumexp(log_w, 0)
        log_z = log_z + log_norm
        log_w = log_w - log_norm
        w = log_w.exp()
        means.append((w * particles).sum())
        ess = 1.0 / (w ** 2).sum()
        ess_trace.append(ess.item())
        if ess < N / 2:
            n_resampled += 1
            if resample == "multinomial":
                idx = torch.multinomial(w, N, replacement=True)
            else:
                idx = systematic_resample(w, torch.rand(()))
            particles = particles[idx]
            log_w = torch.full((N,), -math.log(N))
    return torch.stack(means), log_z, ess_trace, n_resampled


for kind in ("multinomial", "systematic"):
    means, log_z, ess, nres = particle_filter(kind)
    rmse = (means - xs).pow(2).mean().sqrt()
    print(f"{kind:11s} rmse {rmse.item():.4f} log Z {log_z.item():.4f} resampled {nres}/{T} "
          f"min ESS {min(ess):.2f} mean ESS {sum(ess) / T:.2f}")
    print("  means[:5]", [f"{m:.3f}" for m in means[:5].tolist()])

w = torch.softmax(torch.randn(8), 0)
print("systematic idx", systematic_resample(w, torch.tensor(0.3)).tolist(), "counts", torch.bincount(systematic_resample(w, torch.tensor(0.3)), minlength=8).tolist())
print("multinomial idx", torch.multinomial(w, 8, replacement=True, generator=torch.Generator().manual_seed(1)).tolist())

# linear-Gaussian: the Kalman filter is exact, the particle filter approaches it
A, Q, H, R = 0.9, 0.5, 1.0, 1.0
g = torch.Generator().manual_seed(7)
x = torch.tensor(0.0)
lin_y = []
for t in range(T):
    x = A * x + math.sqrt(Q) * torch.randn((), generator=g)
    lin_y.append(H * x + math.sqrt(R) * torch.randn((), generator=g))
lin_y = torch.stack(lin_y)
m, P = torch.tensor(0.0), torch.tensor(1.0)
kf_means, kf_ll = [], 0.0
for t in range(T):
    m_pred, P_pred = A * m, A * P * A + Q
    S = H * P_pred * H + R
    kf_ll += D.Normal(H * m_pred, S.sqrt()).log_prob(lin_y[t]).item()
    K = P_pred * H / S
    m = m_pred + K * (lin_y[t] - H * m_pred)
    P = (1 - K * H) * P_pred
    kf_means.append(m)
kf_means = torch.stack(kf_means)
print(f"kalman loglik {kf_ll:.4f} final mean {m.item():.4f} var {P.item():.4f}")

# the same likelihood as one multivariate normal over the whole sequence
idx = torch.arange(T)
cov_x = torch.zeros(T, T)
var = torch.zeros(T)
v = 1.0
for t in range(T):
    v = A * A * v + Q
    var[t] = v
for i in range(T):
    for j in range(i, T):
        cov_x[i, j] = cov_x[j, i] = A ** (j - i) * var[i]
mvn = D.MultivariateNormal(torch.zeros(T), covariance_matrix=cov_x + R * torch.eye(T))
print(f"mvn loglik {mvn.log_prob(lin_y).item():.4f} entropy {mvn.entropy().item():.4f}")

torch.manual_seed(11)
particles = torch.randn(N)
log_w = torch.full((N,), -math.log(N))
ll = torch.tensor(0.0)
pf_means = []
for t in range(T):
    particles = A * particles + math.sqrt(Q) * torch.randn(N)
    log_w = log_w + D.Normal(H * particles, math.sqrt(R)).log_prob(lin_y[t])
    c = torch.logsumexp(log_w, 0)
    ll += c
    log_w -= c
    pf_means.append((log_w.exp() * particles).sum())
    idx = torch.multinomial(log_w.exp(), N, replacement=True)
    particles, log_w = particles[idx], torch.full((N,), -math.log(N))
pf_means = torch.stack(pf_means)
print(f"pf loglik {ll.item():.4f} max |pf - kf| mean {(pf_means - kf_means).abs().max().item():.4f}")
running = torch.logcumsumexp(torch.log(torch.tensor([0.1, 0.2, 0.3, 0.4])), 0).exp()
print("logcumsumexp", [f"{v:.4f}" for v in running.tolist()])
