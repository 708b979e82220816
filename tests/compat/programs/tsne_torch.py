"""t-SNE written in torch the way the "t-SNE from scratch" posts and
van der Maaten's tsne.py port do: squared distances by the ||x||^2 trick,
a per-point binary search on beta for the target perplexity (entropy by
log of the conditional probabilities), symmetrised joint P with early
exaggeration, the Student-t Q, the KL objective with its gradient from
autograd checked against the closed form 4 Σ (p - q)(y_i - y_j)/(1+d²),
gradient descent with momentum and gains (the classic update, by torch.where),
PCA initialisation by torch.pca_lowrank-free SVD, and a trustworthiness-style
neighbour preservation score by topk. On digits; seeded; every number agrees."""

import numpy as np
import torch

from _data import digits

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

pix, lab = digits()
X = torch.tensor(pix[:150], dtype=torch.float64) / 16.0
y = torch.tensor(lab[:150])
n = X.shape[0]


def sq_dists(X):
    s = (X ** 2).sum(1)
    D = s[:, None] - 2 * X @ X.T + s[None, :]
    return D.clamp_min(0).fill_diagonal_(0)


def h_beta(d, beta):
    P = torch.exp(-d * beta)
    sP = P.sum()
    H = torch.log(sP) + beta * (d * P).sum() / sP
    return H, P / sP


def x2p(X, tol=1e-5, perplexity=20.0):
    D = sq_dists(X)
    P = torch.zeros(n, n)
    beta = torch.ones(n)
    logU = torch.log(torch.tensor(perplexity))
    steps = []
    for i in range(n):
        betamin, betamax = None, None
        mask = torch.arange(n) != i
        Di = D[i, mask]
        H, thisP = h_beta(Di, beta[i])
        Hdiff = H - logU
        tries = 0
        while Hdiff.abs() > tol and tries < 50:
            if Hdiff > 0:
                betamin = beta[i].clone()
                beta[i] = beta[i] * 2 if betamax is None else (beta[i] + betamax) / 2
            else:
                betamax = beta[i].clone()
                beta[i] = beta[i] / 2 if betamin is None else (beta[i] + betamin) / 2
            H, thisP = h_beta(Di, beta[i])
            Hdiff = H - logU
            tries += 1
        steps.append(tries)
        P[i, mask] = thisP
    return P, beta, steps


P, beta, steps = x2p(X)
print("mean sigma", round(torch.sqrt(1 / beta).mean().item(), 6), "binary search steps", sum(steps))
print("perplexity row 0", round(torch.exp(-(P[0][P[0] > 0] * P[0][P[0] > 0].log()).sum()).item(), 4))
P = (P + P.T)
P = P / P.sum()
P = P.clamp_min(1e-12)

Xc = X - X.mean(0)
U, S, Vh = torch.linalg.svd(Xc, full_matrices=False)
Y0 = Xc @ Vh[:2].T
Y0 = Y0 / Y0[:, 0].std() * 1e-4 * 100
print("pca init std", [round(v, 6) for v in Y0.std(0).tolist()])


def kl_and_q(Y, P):
    num = 1.0 / (1.0 + sq_dists(Y))
    num = num.fill_diagonal_(0)
    Q = (num / num.sum()).clamp_min(1e-12)
    return (P * torch.log(P / Q)).sum(), Q, num


Y = Y0.clone().requires_grad_(True)
kl, Q, num = kl_and_q(Y, P)
kl.backward()
PQ = (P - Q.detach()) * num.detach()
g_closed = 4 * (PQ.sum(1, keepdim=True) * Y.detach() - PQ @ Y.detach())
print("autograd vs closed-form grad", bool((Y.grad - g_closed).abs().max() < 1e-10))

Y = Y0.clone()
iY = torch.zeros_like(Y)
gains = torch.ones_like(Y)
eta, min_gain = 100.0, 0.01
for it in range(150):
    exag = 4.0 if it < 50 else 1.0
    Yg = Y.clone().requires_grad_(True)
    kl, _, _ = kl_and_q(Yg, P * exag)
    kl.backward()
    dY = Yg.grad
    momentum = 0.5 if it < 20 else 0.8
    gains = torch.where((dY > 0) != (iY > 0), gains + 0.2, gains * 0.8).clamp_min(min_gain)
    iY = momentum * iY - eta * gains * dY
    Y = Y + iY
    Y = Y - Y.mean(0)
    if it % 30 == 0 or it == 149:
        with torch.no_grad():
            true_kl = kl_and_q(Y, P)[0]
        print(f"iter {it:3d} | KL {true_kl.item():.6f} | spread {Y.norm(dim=1).max().item():.4f}")


def knn_sets(Z, k):
    D = sq_dists(Z) + torch.eye(len(Z)) * 1e12
    return D.topk(k, largest=False).indices


k = 7
hi, lo = knn_sets(X, k), knn_sets(Y, k)
overlap = np.mean([len(set(a.tolist()) & set(b.tolist())) / k for a, b in zip(hi, lo)])
print("knn preservation", round(float(overlap), 6))
lab_knn = (y[lo] == y[:, None]).float().mean()
print("embedding knn label agreement", round(lab_knn.item(), 6))
cent = torch.stack([Y[y == c].mean(0) for c in range(10)])
print("class centroid spread", round(torch.cdist(cent, cent).mean().item(), 4))
