"""Temporal point processes, as the Hawkes-process and neural-TPP tutorials write them: simulating a
univariate Hawkes process with exponential kernel by Ogata's thinning (torch.distributions.Exponential and
Uniform draws from the seeded global generator), its exact log-likelihood with the O(n) recursion,
maximum-likelihood fitting of (mu, alpha, beta) through softplus-constrained parameters with Adam, the
time-rescaling goodness-of-fit check (compensator increments should be Exp(1)), and an RMTPP-style neural
point process (a GRU over inter-event times with an exponential intensity in closed form) trained on padded
batches with a mask."""

import math

import torch
import torch.distributions as D
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


def simulate_hawkes(mu, alpha, beta, T):
    events, t = [], 0.0
    while True:
        # intensity just after t bounds the intensity until the next event
        lam_bar = mu + alpha * sum(math.exp(-beta * (t - s)) for s in events)
        t += D.Exponential(torch.tensor(lam_bar)).sample().item()
        if t > T:
            return torch.tensor(events)
        lam_t = mu + alpha * sum(math.exp(-beta * (t - s)) for s in events)
        if D.Uniform(0.0, 1.0).sample().item() * lam_bar <= lam_t:
            events.append(t)


def hawkes_loglik(times, mu, alpha, beta, T):
    # the O(n^2) form: the excitation of event i sums over every earlier event j (a strictly lower mask)
    lags = times.unsqueeze(1) - times.unsqueeze(0)
    earlier = torch.ones(len(times), len(times), dtype=torch.bool).tril(-1)
    excite = torch.where(earlier, torch.exp(-beta * lags.clamp(min=0)), torch.zeros_like(lags)).sum(1)
    compensator = mu * T + (alpha / beta) * (1 - torch.exp(-beta * (T - times))).sum()
    return torch.log(mu + alpha * excite).sum() - compensator


def hawkes_loglik_recursive(times, mu, alpha, beta, T):
    A = torch.zeros((), dtype=times.dtype)
    log_terms = [torch.log(mu)]
    for i in range(1, len(times)):
        A = torch.exp(-beta * (times[i] - times[i - 1])) * (1 + A)
        log_terms.append(torch.log(mu + alpha * A))
    compensator = mu * T + (alpha / beta) * (1 - torch.exp(-beta * (T - times))).sum()
    return torch.stack(log_terms).sum() - compensator


true = dict(mu=0.6, alpha=0.8, beta=1.5)
T = 25.0
seqs = [simulate_hawkes(true["mu"], true["alpha"], true["beta"], T).double() for _ in range(3)]
print("events per sequence", [len(s) for s in seqs])
print("first events", [round(v, 4) for v in seqs[0][:5].tolist()])
args = (torch.tensor(0.5, dtype=torch.float64), torch.tensor(0.7, dtype=torch.float64),
        torch.tensor(1.2, dtype=torch.float64), T)
print(f"loglik matrix {hawkes_loglik(seqs[0], *args).item():.8f} "
      f"recursive {hawkes_loglik_recursive(seqs[0], *args).item():.8f}")
print("branching ratio", true["alpha"] / true["beta"], "stationary rate",
      round(true["mu"] / (1 - true["alpha"] / true["beta"]), 4))

raw = nn.Parameter(torch.tensor([0.0, 0.0, 0.5], dtype=torch.float64))
opt = torch.optim.Adam([raw], lr=0.05)
for it in range(40):
    mu, alpha, beta = F.softplus(raw).unbind()
    nll = -sum(hawkes_loglik(s, mu, alpha, beta, T) for s in seqs) / len(seqs)
    opt.zero_grad()
    nll.backward()
    opt.step()
    if it % 10 == 0 or it == 39:
        print(f"mle it {it:2d} | nll {nll.item():.6f} | mu {mu.item():.4f} alpha {alpha.item():.4f} "
              f"beta {beta.item():.4f}")

# time rescaling: the compensator between events should be Exp(1)
with torch.no_grad():
    mu, alpha, beta = F.softplus(raw).unbind()
    s = seqs[0]
    taus = []
    for i in range(1, len(s)):
        past = s[:i]
        inc = mu * (s[i] - s[i - 1]) + (alpha / beta) * (
            torch.exp(-beta * (s[i - 1] - past)) - torch.exp(-beta * (s[i] - past))).sum()
        taus.append(inc)
    taus = torch.stack(taus)
    u = 1 - torch.exp(-taus)
    ks = (torch.sort(u).values - torch.arange(1, len(u) + 1, dtype=u.dtype) / len(u)).abs().max()
    print(f"rescaled mean {taus.mean().item():.4f} var {taus.var().item():.4f} ks {ks.item():.4f}")


class RMTPP(nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.gru = nn.GRU(1, hidden, batch_first=True)
        self.v = nn.Linear(hidden, 1)
        self.w = nn.Parameter(torch.tensor(0.1))  # (float64 with the rest: the integral divides by w, which crosses zero)

    def forward(self, dt, mask):
        # h_j summarises the history up to event j; the next gap's intensity is exp(v.h + w t)
        h, _ = self.gru(torch.log1p(dt).unsqueeze(-1))
        h = torch.cat([torch.zeros_like(h[:, :1]), h[:, :-1]], 1)
        past = self.v(h).squeeze(-1)
        w = self.w
        log_lam = past + w * dt
        integral = (torch.exp(past + w * dt) - torch.exp(past)) / w
        ll = (log_lam - integral) * mask
        return -ll.sum() / mask.sum()


gaps = [torch.diff(s, prepend=torch.zeros(1, dtype=s.dtype)) for s in seqs]
dt = nn.utils.rnn.pad_sequence(gaps, batch_first=True)
mask = nn.utils.rnn.pad_sequence([torch.ones(len(g), dtype=torch.float64) for g in gaps], batch_first=True)
print("padded", tuple(dt.shape), "mask sum", int(mask.sum().item()))
torch.manual_seed(1)
model = RMTPP().double()
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
poisson_nll = -(torch.log(torch.tensor(sum(len(g) for g in gaps) / (3 * T))) * 1.0 - sum(len(g) for g in gaps) / (3 * T) * dt.sum() / mask.sum())
for it in range(15):
    loss = model(dt, mask)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if it % 5 == 0 or it == 14:
        print(f"rmtpp it {it:2d} | nll per event {loss.item():.5f} | w {model.w.item():.5f}")
print(f"homogeneous poisson nll per event {poisson_nll.item():.5f}")
