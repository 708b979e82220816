"""State-space models in torch, as the "Kalman filter from scratch" and
differentiable-filtering notebooks write them: a constant-velocity tracker
(F, H, Q, R as tensors), the predict/update loop with the Joseph-form
covariance update and torch.linalg.solve for the gain, the innovation
log-likelihood through torch.distributions.MultivariateNormal, the
Rauch-Tung-Striebel smoother run backwards, learning log noise scales by
maximum likelihood (backprop through the whole filter, Adam), a batched
filter over several tracks with torch.linalg.cholesky / cholesky_solve and
slogdet, an extended Kalman filter for a pendulum with its Jacobian from
torch.autograd.functional.jacobian, and a bootstrap particle filter with
systematic resampling by torch.searchsorted on the cumulative weights and
the effective sample size. In float64; seeded; every number agrees."""

import math

import torch
from torch.distributions import MultivariateNormal

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

dt = 0.1
F_ = torch.tensor([[1, 0, dt, 0], [0, 1, 0, dt], [0, 0, 1, 0], [0, 0, 0, 1]])
H = torch.tensor([[1.0, 0, 0, 0], [0, 1.0, 0, 0]])
q_true, r_true = 0.5, 0.3


def Q_of(q):
    G = torch.tensor([[dt ** 2 / 2, 0], [0, dt ** 2 / 2], [dt, 0], [0, dt]])
    return q ** 2 * G @ G.T


T = 60
x = torch.tensor([0.0, 0.0, 1.0, 0.5])
xs, zs = [], []
for t in range(T):
    x = F_ @ x + MultivariateNormal(torch.zeros(4), Q_of(torch.tensor(q_true)) + 1e-9 * torch.eye(4)).sample()
    xs.append(x)
    zs.append(H @ x + r_true * torch.randn(2))
xs, zs = torch.stack(xs), torch.stack(zs)
print("truth end", [round(v, 5) for v in xs[-1].tolist()])


def kalman(zs, q, r, smooth=False):
    Q, R = Q_of(q), r ** 2 * torch.eye(2)
    m, P = torch.tensor([0.0, 0.0, 0.0, 0.0]), torch.eye(4)
    ms, Ps, mps, Pps = [], [], [], []
    ll = 0.0
    for z in zs:
        mp, Pp = F_ @ m, F_ @ P @ F_.T + Q
        S = H @ Pp @ H.T + R
        K = torch.linalg.solve(S, H @ Pp).T
        v = z - H @ mp
        ll = ll + MultivariateNormal(torch.zeros(2), S).log_prob(v)
        m = mp + K @ v
        IKH = torch.eye(4) - K @ H
        P = IKH @ Pp @ IKH.T + K @ R @ K.T
        ms.append(m)
        Ps.append(P)
        mps.append(mp)
        Pps.append(Pp)
    if not smooth:
        return torch.stack(ms), torch.stack(Ps), ll
    msm, Psm = [ms[-1]], [Ps[-1]]
    for t in range(len(zs) - 2, -1, -1):
        C = Ps[t] @ F_.T @ torch.linalg.inv(Pps[t + 1])
        msm.insert(0, ms[t] + C @ (msm[0] - mps[t + 1]))
        Psm.insert(0, Ps[t] + C @ (Psm[0] - Pps[t + 1]) @ C.T)
    return torch.stack(msm), torch.stack(Psm), ll


mf, Pf, ll = kalman(zs, torch.tensor(q_true), torch.tensor(r_true))
ms_, Psm, _ = kalman(zs, torch.tensor(q_true), torch.tensor(r_true), smooth=True)
rmse = lambda a: ((a[:, :2] - xs[:, :2]) ** 2).sum(1).mean().sqrt().item()
print(f"loglik {ll.item():.6f} | rmse raw {((zs - xs[:, :2]) ** 2).sum(1).mean().sqrt().item():.6f}"
      f" filter {rmse(mf):.6f} smoother {rmse(ms_):.6f}")
print("final P diag", [round(v, 6) for v in Pf[-1].diagonal().tolist()])
print("smoothed P[0] diag", [round(v, 6) for v in Psm[0].diagonal().tolist()])
print("P symmetric", bool(torch.allclose(Pf[-1], Pf[-1].T)), "pos def", bool((torch.linalg.eigvalsh(Pf[-1]) > 0).all()))

log_q = torch.tensor(math.log(2.0), requires_grad=True)
log_r = torch.tensor(math.log(1.0), requires_grad=True)
opt = torch.optim.Adam([log_q, log_r], lr=0.1)
for step in range(25):
    _, _, ll = kalman(zs, log_q.exp(), log_r.exp())
    loss = -ll / T
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 8 == 0:
        print(f"mle step {step:2d} | nll/T {loss.item():.6f} | q {log_q.exp().item():.5f} | r {log_r.exp().item():.5f}"
              f" | grads {log_q.grad.item():.6f} {log_r.grad.item():.6f}")

# batched filter over tracks: cholesky solves and slogdet in the likelihood
B = 5
Z = zs[None] + 0.2 * torch.randn(B, T, 2)
m = torch.zeros(B, 4)
P = torch.eye(4).expand(B, 4, 4).clone()
Q, R = Q_of(torch.tensor(q_true)), (r_true ** 2 + 0.04) * torch.eye(2)
ll = torch.zeros(B)
for t in range(T):
    m = m @ F_.T
    P = F_ @ P @ F_.T + Q
    S = H @ P @ H.T + R
    L = torch.linalg.cholesky(S)
    v = Z[:, t] - m @ H.T
    Sinv_v = torch.cholesky_solve(v[..., None], L)[..., 0]
    ll = ll - 0.5 * ((v * Sinv_v).sum(-1) + torch.linalg.slogdet(S)[1] + 2 * math.log(2 * math.pi))
    K = torch.cholesky_solve(H @ P, L).transpose(-1, -2)
    m = m + (K @ v[..., None])[..., 0]
    P = (torch.eye(4) - K @ H) @ P
print("batched logliks", [round(v, 5) for v in ll.tolist()])

# extended Kalman filter on a pendulum
g_over_l, dtp = 9.81, 0.05


def f_pend(s):
    return torch.stack([s[0] + dtp * s[1], s[1] - dtp * g_over_l * torch.sin(s[0])])


def h_pend(s):
    return torch.sin(s[0])[None]


s = torch.tensor([1.2, 0.0])
truth, obs = [], []
for t in range(80):
    s = f_pend(s) + torch.tensor([0.0, 0.01]) * torch.randn(2)
    truth.append(s)
    obs.append(h_pend(s) + 0.1 * torch.randn(1))
truth, obs = torch.stack(truth), torch.stack(obs)
m, P = torch.tensor([0.8, 0.0]), torch.eye(2) * 0.5
Qp, Rp = torch.diag(torch.tensor([1e-6, 1e-4])), torch.tensor([[0.01]])
est = []
for z in obs:
    Fj = torch.autograd.functional.jacobian(f_pend, m)
    m = f_pend(m)
    P = Fj @ P @ Fj.T + Qp
    Hj = torch.autograd.functional.jacobian(h_pend, m)
    S = Hj @ P @ Hj.T + Rp
    K = P @ Hj.T @ torch.linalg.inv(S)
    m = m + K @ (z - h_pend(m))
    P = (torch.eye(2) - K @ Hj) @ P
    est.append(m)
est = torch.stack(est)
print("ekf angle rmse", round(((est[:, 0] - truth[:, 0]) ** 2).mean().sqrt().item(), 6),
      "last jacobian", [[round(v, 6) for v in row] for row in Fj.tolist()])


# bootstrap particle filter on the same pendulum, vectorised over particles
def f_batch(S):
    return torch.stack([S[:, 0] + dtp * S[:, 1], S[:, 1] - dtp * g_over_l * torch.sin(S[:, 0])], 1)


n_p = 500
parts = torch.stack([0.8 + 0.7 * torch.randn(n_p), 0.7 * torch.randn(n_p)], 1)
logw = torch.full((n_p,), -math.log(n_p))
pf_est, ess_log, resamples = [], [], 0
for z in obs:
    parts = f_batch(parts) + torch.tensor([0.005, 0.02]) * torch.randn(n_p, 2)
    logw = logw + torch.distributions.Normal(torch.sin(parts[:, 0]), 0.1).log_prob(z[0])
    logw = logw - torch.logsumexp(logw, 0)
    w = logw.exp()
    pf_est.append((w[:, None] * parts).sum(0))
    ess = 1.0 / (w ** 2).sum()
    ess_log.append(ess.item())
    if ess < n_p / 2:
        u = (torch.rand(1) + torch.arange(n_p)) / n_p
        idx = torch.searchsorted(torch.cumsum(w, 0), u).clamp_max(n_p - 1)
        parts = parts[idx]
        logw = torch.full((n_p,), -math.log(n_p))
        resamples += 1
pf_est = torch.stack(pf_est)
print("pf angle rmse", round(((pf_est[:, 0] - truth[:, 0]) ** 2).mean().sqrt().item(), 6), "resamples", resamples,
      "min ess", round(min(ess_log), 4))
