"""Associative memories as the "Hopfield Networks is All You Need" blog and
classic course notebooks write them: binary patterns stored by the Hebbian
rule (outer products, zeroed diagonal via fill_diagonal_), asynchronous and
synchronous updates with torch.sign (ties broken to +1 by torch.where), the
energy -1/2 s^T W s checked to never increase, retrieval from corrupted
cues versus the number of stored patterns (capacity near 0.138 N), the
pseudo-inverse (projection) rule by torch.linalg.pinv, a dense associative
memory with polynomial and exponential interaction functions (logsumexp),
the modern continuous Hopfield update xi <- X softmax(beta X^T xi) for
several beta (one step convergence, metastable averages for small beta),
and a Hopfield layer as attention: nn.MultiheadAttention with the stored
patterns as keys and values, trained to retrieve. Seeded; every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

N = 64


def sgn(x):
    return torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x))


def hebbian(P):
    W = P.T @ P / P.shape[1]
    return W.fill_diagonal_(0)


def energy(W, s):
    return -0.5 * s @ W @ s


def corrupt(p, k, g):
    flip = torch.randperm(len(p), generator=g)[:k]
    q = p.clone()
    q[flip] *= -1
    return q


def retrieve_async(W, s, sweeps=5, g=None):
    s = s.clone()
    energies = [energy(W, s).item()]
    for _ in range(sweeps):
        for i in torch.randperm(len(s), generator=g).tolist():
            s[i] = sgn(W[i] @ s)
        energies.append(energy(W, s).item())
    return s, energies


g = torch.Generator().manual_seed(1)
P = sgn(torch.randn(5, N, generator=g))
W = hebbian(P)
cue = corrupt(P[0], 12, g)
s, E = retrieve_async(W, cue, g=g)
print("overlap cue", round((cue @ P[0] / N).item(), 4), "-> retrieved", round((s @ P[0] / N).item(), 4))
print("energies", [round(e, 4) for e in E], "monotone", all(b <= a + 1e-6 for a, b in zip(E, E[1:])))
print("fixed points", [bool(torch.equal(sgn(W @ p), p)) for p in P])

# synchronous updates can cycle
s_sync = cue.clone()
for t in range(6):
    s_sync = sgn(W @ s_sync)
print("sync overlap", round((s_sync @ P[0] / N).item(), 4))

# capacity: retrieval success versus load
for n_pat in [6, 12]:
    P = sgn(torch.randn(n_pat, N, generator=g))
    W_h = hebbian(P)
    W_p = P.T @ torch.linalg.pinv(P @ P.T) @ P
    W_p.fill_diagonal_(0)
    ok_h = ok_p = 0
    for p in P:
        q = corrupt(p, 6, g)
        ok_h += int(torch.equal(retrieve_async(W_h, q, sweeps=2, g=g)[0], p))
        ok_p += int(torch.equal(retrieve_async(W_p, q, sweeps=2, g=g)[0], p))
    print(f"load {n_pat / N:.4f}: hebbian {ok_h}/{n_pat} projection {ok_p}/{n_pat}")


# dense associative memory (Krotov & Hopfield), update of one unit at a time
def dam_update(P, s, F_, sweeps=1):
    s = s.clone()
    for _ in range(sweeps):
        for i in range(len(s)):
            sp, sm = s.clone(), s.clone()
            sp[i], sm[i] = 1.0, -1.0
            s[i] = sgn(F_(P @ sp).sum() - F_(P @ sm).sum())
    return s


P = sgn(torch.randn(20, N, generator=g))
for name, F_ in [("poly n=3", lambda x: x ** 3), ("exp", lambda x: torch.exp(x / 8))]:
    hits = sum(int(torch.equal(dam_update(P, corrupt(p, 10, g), F_), p)) for p in P[:4])
    print(f"dense memory {name}: {hits}/4 retrieved at load {20 / N:.4f}")
lse_energy = -torch.logsumexp(P @ P[0] / 8, 0)
print("lse energy at a stored pattern", round(lse_energy.item(), 6))

# modern continuous Hopfield: xi <- X softmax(beta X^T xi)
X = F.normalize(torch.randn(N, 10, generator=g), dim=0) * 4
xi = X[:, 3] + 0.8 * torch.randn(N, generator=g)
for beta in [0.05, 0.5, 2.0, 8.0]:
    z = xi.clone()
    for step in range(3):
        p = torch.softmax(beta * X.T @ z, 0)
        z = X @ p
    print(f"beta {beta:4.2f}: max p {p.max().item():.6f} argmax {int(p.argmax())} |z - x3| {(z - X[:, 3]).norm().item():.6f}")

# a Hopfield layer as attention: retrieve the stored label patterns
torch.manual_seed(2)
stored = torch.randn(16, 32)
values = torch.eye(16)
queries_idx = torch.randint(0, 16, (128,))
queries = stored[queries_idx] + 0.7 * torch.randn(128, 32)
layer = nn.MultiheadAttention(32, 4, batch_first=True, vdim=16, kdim=32)
readout = nn.Linear(32, 16)
opt = torch.optim.Adam(list(layer.parameters()) + list(readout.parameters()), lr=5e-3)
for step in range(60):
    out, w = layer(queries[:, None], stored[None].expand(128, -1, -1), values[None].expand(128, -1, -1))
    loss = F.cross_entropy(readout(out[:, 0]), queries_idx)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 20 == 0 or step == 59:
        acc = (readout(out[:, 0]).argmax(1) == queries_idx).float().mean()
        print(f"hopfield layer step {step:2d} | loss {loss.item():.6f} | acc {acc.item():.4f} | "
              f"attn on true pattern {w[torch.arange(128), 0, queries_idx].mean().item():.5f}")
