"""Optimal transport in plain torch, as the POT/geomloss-style notebooks and
"differentiable sorting" blog posts write it: the entropic Sinkhorn algorithm
in the kernel form (K = exp(-C / eps), u/v scalings) and in the log domain
(torch.logsumexp updates), the transport plan's marginals, the OT cost and its
gradient w.r.t. the point positions (moving a cloud onto another by descent),
a Wasserstein-1 distance of 1-d histograms by cumsum, the exact 1-d W2 by
sorting, sliced Wasserstein with random projections, Sinkhorn divergence
debiasing, soft ranks by regularized OT onto a grid, and sparsemax by
sort/cumsum beside softmax. Everything seeded; every number agrees."""

import torch

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)


def cost_matrix(x, y, p=2):
    return torch.cdist(x, y, p=2) ** p


def sinkhorn_kernel(a, b, C, eps, iters=200):
    K = torch.exp(-C / eps)
    u = torch.ones_like(a)
    for _ in range(iters):
        v = b / (K.T @ u)
        u = a / (K @ v)
    return u[:, None] * K * v[None, :]


def sinkhorn_log(a, b, C, eps, iters=200):
    f = torch.zeros_like(a)
    g = torch.zeros_like(b)
    loga, logb = a.log(), b.log()
    for _ in range(iters):
        f = -eps * torch.logsumexp((g[None, :] - C) / eps + logb[None, :], dim=1)
        g = -eps * torch.logsumexp((f[:, None] - C) / eps + loga[:, None], dim=0)
    P = torch.exp((f[:, None] + g[None, :] - C) / eps + loga[:, None] + logb[None, :])
    return P, f, g


n, m = 12, 9
x = torch.randn(n, 2)
y = torch.randn(m, 2) + torch.tensor([2.0, 0.5])
a = torch.full((n,), 1.0 / n)
b = torch.rand(m) + 0.5
b = b / b.sum()
C = cost_matrix(x, y)
P1 = sinkhorn_kernel(a, b, C, eps=1.0)
P2, f, g = sinkhorn_log(a, b, C, eps=1.0)
print("kernel vs log plans max diff small", bool((P1 - P2).abs().max() < 1e-8))
print("row marginal err", round((P2.sum(1) - a).abs().max().item(), 10))
print("col marginal err", round((P2.sum(0) - b).abs().max().item(), 10))
print("ot cost", round((P2 * C).sum().item(), 6), "dual", round((f @ a + g @ b).item(), 6))
print("plan argmax per row", P2.argmax(1).tolist())
for eps in [2.0, 0.5, 0.1]:
    P, _, _ = sinkhorn_log(a, b, C, eps, iters=400)
    ent = -(P * P.clamp_min(1e-300).log()).sum()
    print(f"eps {eps}: cost {(P * C).sum().item():.6f} entropy {ent.item():.6f}")

# gradient flow: move x towards y by descending the Sinkhorn cost
xs = x.clone().requires_grad_(True)
opt = torch.optim.SGD([xs], lr=2.0)
for step in range(30):
    P, _, _ = sinkhorn_log(a, b, cost_matrix(xs, y), eps=0.5, iters=50)
    loss = (P.detach() * cost_matrix(xs, y)).sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0 or step == 29:
        print(f"flow step {step:2d} | cost {loss.item():.6f} | grad norm {xs.grad.norm().item():.6f}")
print("moved centroid", [round(v, 5) for v in xs.mean(0).tolist()])

# gradient through the whole Sinkhorn loop (unrolled autograd)
xs2 = x.clone().requires_grad_(True)
P, _, _ = sinkhorn_log(a, b, cost_matrix(xs2, y), eps=0.5, iters=30)
(P * cost_matrix(xs2, y)).sum().backward()
print("unrolled grad[0]", [round(v, 6) for v in xs2.grad[0].tolist()])


# 1-d Wasserstein: histograms by cumsum, samples by sorting
bins = torch.linspace(-3, 5, 41)
h1 = torch.histc(torch.randn(500), bins=40, min=-3, max=5)
h2 = torch.histc(torch.randn(500) * 1.5 + 1.0, bins=40, min=-3, max=5)
h1, h2 = h1 / h1.sum(), h2 / h2.sum()
w1 = (torch.cumsum(h1, 0) - torch.cumsum(h2, 0)).abs().sum() * (bins[1] - bins[0])
print("hist W1", round(w1.item(), 6))
s1, s2 = torch.randn(300).sort().values, (torch.randn(300) * 1.5 + 1.0).sort().values
print("sorted W2^2", round(((s1 - s2) ** 2).mean().item(), 6))


def sliced_w2(X, Y, n_proj=50):
    theta = torch.randn(n_proj, X.shape[1])
    theta = theta / theta.norm(dim=1, keepdim=True)
    px, _ = torch.sort(X @ theta.T, dim=0)
    py, _ = torch.sort(Y @ theta.T, dim=0)
    return ((px - py) ** 2).mean()


X = torch.randn(200, 3)
Y = torch.randn(200, 3) @ torch.diag(torch.tensor([2.0, 1.0, 0.5])) + 1.0
print("sliced W2", round(sliced_w2(X, Y).item(), 6))


def sinkhorn_div(x, y, eps):
    ax = torch.full((len(x),), 1.0 / len(x))
    ay = torch.full((len(y),), 1.0 / len(y))
    def ot(p, q, ap, aq):
        P, _, _ = sinkhorn_log(ap, aq, cost_matrix(p, q), eps, iters=100)
        return (P * cost_matrix(p, q)).sum()
    return ot(x, y, ax, ay) - 0.5 * ot(x, x, ax, ax) - 0.5 * ot(y, y, ay, ay)


print("sinkhorn divergence", round(sinkhorn_div(x, y, 0.5).item(), 6),
      "self", round(sinkhorn_div(x, x, 0.5).item(), 8))


# soft ranks: transport the values onto a sorted grid of ranks
def soft_rank(v, eps):
    k = len(v)
    grid = torch.arange(k, dtype=v.dtype) / (k - 1)
    vn = (v - v.min()) / (v.max() - v.min())
    w = torch.full((k,), 1.0 / k)
    P, _, _ = sinkhorn_log(w, w, (vn[:, None] - grid[None, :]) ** 2, eps, iters=300)
    return (P * k) @ torch.arange(1, k + 1, dtype=v.dtype)


v = torch.tensor([0.3, -1.2, 2.5, 0.9, 0.0, 1.7])
print("hard ranks", (v.argsort().argsort() + 1).tolist())
for eps in [0.1, 0.01, 0.001]:
    print(f"soft ranks eps {eps}", [round(r, 4) for r in soft_rank(v, eps).tolist()])


def sparsemax(z, dim=-1):
    zs, _ = torch.sort(z, dim=dim, descending=True)
    k = torch.arange(1, z.size(dim) + 1, dtype=z.dtype)
    cs = zs.cumsum(dim)
    support = (1 + k * zs) > cs
    kz = support.sum(dim=dim, keepdim=True)
    tau = (cs.gather(dim, kz - 1) - 1) / kz.to(z.dtype)
    return torch.clamp(z - tau, min=0)


z = torch.randn(4, 6) * 2
sp = sparsemax(z)
print("sparsemax rows sum", [round(s, 8) for s in sp.sum(1).tolist()])
print("sparsemax zeros per row", (sp == 0).sum(1).tolist())
print("sparsemax row0", [round(s, 6) for s in sp[0].tolist()])
print("softmax row0", [round(s, 6) for s in torch.softmax(z[0], 0).tolist()])
zg = z.clone().requires_grad_(True)
(sparsemax(zg) * torch.arange(6.0)).sum().backward()
print("sparsemax grad row0", [round(s, 6) for s in zg.grad[0].tolist()])
