"""Learning to sort with relaxed permutations, as the Gumbel-Sinkhorn and NeuralSort papers' code writes
it: log-space Sinkhorn normalisation as a @torch.jit.script helper (logsumexp over alternating dims),
Gumbel noise from a seeded generator, the matching recovered by a greedy argmax on the doubly stochastic
matrix, NeuralSort's unimodal row-stochastic relaxation P = softmax(((n + 1 - 2i) s - A 1) / tau) with
A = |s_i - s_j| (from torch.cdist), a straight-through hard permutation, a soft ranking loss, and a network
trained to output sorting scores, evaluated by Kendall's tau and exact-sort accuracy."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


@torch.jit.script
def log_sinkhorn(log_alpha: torch.Tensor, n_iters: int = 20) -> torch.Tensor:
    for _ in range(n_iters):
        log_alpha = log_alpha - torch.logsumexp(log_alpha, dim=-1, keepdim=True)
        log_alpha = log_alpha - torch.logsumexp(log_alpha, dim=-2, keepdim=True)
    return log_alpha


def gumbel_sinkhorn(log_alpha, tau, gen, noise=True):
    if noise:
        u = torch.rand(log_alpha.shape, generator=gen)
        log_alpha = log_alpha - torch.log(-torch.log(u + 1e-20) + 1e-20)
    return log_sinkhorn(log_alpha / tau).exp()


def greedy_matching(P):
    # repeatedly take the largest entry and strike out its row and column
    P = P.clone()
    n = P.shape[-1]
    perm = torch.full((n,), -1, dtype=torch.long)
    for _ in range(n):
        flat = torch.argmax(P)
        i, j = divmod(flat.item(), n)
        perm[i] = j
        P[i, :] = -1
        P[:, j] = -1
    return perm


def neural_sort(s, tau):
    # s: (B, n) scores; returns (B, n, n), row i a distribution over which element has rank i (descending)
    n = s.shape[1]
    A = torch.cdist(s.unsqueeze(-1), s.unsqueeze(-1), p=1)
    B = A.sum(-1, keepdim=True).transpose(1, 2)  # (B, 1, n)
    scaling = (n + 1 - 2 * (torch.arange(n, dtype=s.dtype) + 1)).unsqueeze(1)  # (n, 1)
    C = s.unsqueeze(1) * scaling  # (B, n, n)
    return F.softmax((C - B) / tau, dim=-1)


def straight_through(P_soft):
    hard = F.one_hot(P_soft.argmax(-1), P_soft.shape[-1]).to(P_soft.dtype)
    return hard - P_soft.detach() + P_soft


def kendall_tau(a, b):
    n = a.shape[-1]
    da = torch.sign(a.unsqueeze(-1) - a.unsqueeze(-2))
    db = torch.sign(b.unsqueeze(-1) - b.unsqueeze(-2))
    return (da * db).sum((-1, -2)) / (n * (n - 1))


gen = torch.Generator().manual_seed(0)
print("scripted helper:", callable(log_sinkhorn))
la = torch.randn(5, 5, generator=gen)
P = log_sinkhorn(la, 50).exp()
print(f"sinkhorn row sums {P.sum(1).min().item():.6f} col sums {P.sum(0).max().item():.6f}")
print("greedy matching", greedy_matching(P).tolist(), "argmax rows", P.argmax(1).tolist())
Pg = gumbel_sinkhorn(la, 0.1, gen)
print("low-temperature gumbel-sinkhorn matching", greedy_matching(Pg).tolist(),
      f"max entry {Pg.max().item():.5f}")

s = torch.tensor([[0.3, -1.2, 2.0, 0.7]])
for tau in (1.0, 0.1, 0.01):
    Ps = neural_sort(s, tau)
    print(f"neuralsort tau {tau}: row argmax {Ps.argmax(-1).tolist()[0]} sorted approx "
          f"{[round(v, 4) for v in (Ps @ s.unsqueeze(-1)).flatten().tolist()]}")
print("true descending order", s.argsort(descending=True).tolist()[0])
ps = straight_through(neural_sort(s.requires_grad_(), 1.0))
(ps @ torch.arange(4.0)).sum().backward()
print("straight-through forward is a permutation", bool((ps.sum(-1) == 1).all()),
      "grad", [round(v, 5) for v in s.grad.flatten().tolist()])

# learn to sort sets of 6 numbers: a network scores each element from the whole set
n, dim = 6, 32


class Scorer(nn.Module):
    def __init__(self):
        super().__init__()
        self.phi = nn.Sequential(nn.Linear(1, dim), nn.ReLU(), nn.Linear(dim, dim))
        self.rho = nn.Sequential(nn.Linear(2 * dim, dim), nn.ReLU(), nn.Linear(dim, 1))

    def forward(self, x):  # (B, n)
        h = self.phi(x.unsqueeze(-1))
        ctx = h.mean(1, keepdim=True).expand_as(h)
        return self.rho(torch.cat([h, ctx], -1)).squeeze(-1)


model = Scorer()
# (SGD: the relaxation is shift invariant, so some gradients are zero up to rounding, which Adam's first
# steps would blow up to full-size updates of either sign)
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
for step in range(60):
    x = torch.rand(32, n, generator=gen)
    target = F.one_hot(x.argsort(dim=1, descending=True), n).float()  # row i: which element is i-th largest
    P_hat = neural_sort(model(x), tau=0.5)
    loss = -(target * torch.log(P_hat + 1e-9)).sum((-1, -2)).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 20 == 19:
        print(f"neuralsort train step {step + 1} | loss {loss.item():.5f}")

with torch.no_grad():
    x = torch.rand(200, n, generator=gen)
    scores = model(x)
    tau_k = kendall_tau(scores, x).mean().item()
    exact = (scores.argsort(1) == x.argsort(1)).all(1).float().mean().item()
    print(f"kendall tau {tau_k:.5f} exact sort accuracy {exact:.4f}")

# Gumbel-Sinkhorn on the same task: a network emits the log-assignment matrix to sorted positions
net = nn.Sequential(nn.Linear(n, 64), nn.ReLU(), nn.Linear(64, n * n))
opt = torch.optim.Adam(net.parameters(), lr=5e-3)
positions = torch.linspace(0, 1, n)
for step in range(60):
    x = torch.rand(32, n, generator=gen)
    sorted_x, _ = x.sort(dim=1)
    P_soft = gumbel_sinkhorn(net(x).view(-1, n, n), 1.0, gen)
    loss = F.mse_loss(P_soft.transpose(1, 2) @ x.unsqueeze(-1), sorted_x.unsqueeze(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 20 == 19:
        print(f"gumbel-sinkhorn step {step + 1} | mse {loss.item():.6f}")
with torch.no_grad():
    x = torch.rand(1, n, generator=gen)
    P_soft = gumbel_sinkhorn(net(x).view(-1, n, n), 1.0, gen, noise=False)[0]
    perm = greedy_matching(P_soft)
    print("recovered order", perm.argsort().tolist(), "true order", x.argsort(1).tolist()[0], f"{positions.sum().item():.1f}")
