"""Classical unsupervised learning in torch, as the clustering notebooks write it: spectral clustering of
two moons (Gaussian affinities from torch.cdist, the symmetric normalised Laplacian, the smallest
eigenvectors by torch.linalg.eigh, row normalisation and k-means with k-means++ seeding from
torch.multinomial), the eigengap heuristic, mean-shift mode seeking with a Gaussian kernel, a
self-organising map with a shrinking neighbourhood (index_select of the best-matching units and
neighbourhood weights from grid distances), and the adjusted Rand index computed from a contingency
table built with index_put_(accumulate=True)."""

import math

import torch

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(0)


def two_moons(n, noise=0.06):
    t = torch.rand(n, generator=gen) * math.pi
    outer = torch.stack([torch.cos(t), torch.sin(t)], 1)
    inner = torch.stack([1 - torch.cos(t), 0.5 - torch.sin(t)], 1)
    X = torch.cat([outer, inner]) + noise * torch.randn(2 * n, 2, generator=gen)
    return X, torch.cat([torch.zeros(n, dtype=torch.long), torch.ones(n, dtype=torch.long)])


def kmeans(X, k, iters=20):
    centers = X[torch.randint(0, len(X), (1,), generator=gen)]
    for _ in range(1, k):  # k-means++ seeding
        d2 = torch.cdist(X, centers).min(1).values ** 2
        centers = torch.cat([centers, X[torch.multinomial(d2 / d2.sum(), 1, generator=gen)]])
    for _ in range(iters):
        labels = torch.cdist(X, centers).argmin(1)
        new = torch.zeros_like(centers).index_add_(0, labels, X)
        counts = torch.bincount(labels, minlength=k).unsqueeze(1).to(X.dtype)
        centers = torch.where(counts > 0, new / counts.clamp(min=1), centers)
    inertia = (torch.cdist(X, centers).min(1).values ** 2).sum()
    return labels, centers, inertia


def adjusted_rand(a, b):
    ka, kb = int(a.max()) + 1, int(b.max()) + 1
    table = torch.zeros(ka, kb).index_put_((a, b), torch.ones(len(a)), accumulate=True)
    comb = lambda x: x * (x - 1) / 2  # noqa: E731
    sum_ij = comb(table).sum()
    sum_a, sum_b = comb(table.sum(1)).sum(), comb(table.sum(0)).sum()
    expected = sum_a * sum_b / comb(torch.tensor(float(len(a))))
    return ((sum_ij - expected) / (0.5 * (sum_a + sum_b) - expected)).item()


X, y = two_moons(60)
labels_km, _, inertia = kmeans(X, 2)
print(f"k-means on moons: ari {adjusted_rand(labels_km, y):.4f} inertia {inertia.item():.5f}")

sigma = 0.2
Wm = torch.exp(-torch.cdist(X, X) ** 2 / (2 * sigma ** 2))
Wm.fill_diagonal_(0)
d_inv_sqrt = Wm.sum(1).rsqrt()
L = torch.eye(len(X)) - d_inv_sqrt.unsqueeze(1) * Wm * d_inv_sqrt.unsqueeze(0)
evals, evecs = torch.linalg.eigh(L)
print("smallest eigenvalues", [round(v, 6) for v in evals[:4].clamp(min=0).tolist()])
gaps = evals[1:6] - evals[:5]
print("eigengap suggests k =", int(gaps.argmax()) + 1)
U = torch.nn.functional.normalize(evecs[:, :2], dim=1)
labels_sc, _, _ = kmeans(U, 2)
print(f"spectral clustering ari {adjusted_rand(labels_sc, y):.4f} sizes {torch.bincount(labels_sc).tolist()}")

# mean shift on three blobs
blobs = torch.cat([torch.randn(30, 2, generator=gen) * 0.3 + c for c in
                   (torch.tensor([0.0, 0.0]), torch.tensor([3.0, 0.0]), torch.tensor([1.5, 2.5]))])
modes = blobs.clone()
bw = 0.6
for it in range(30):
    w = torch.exp(-torch.cdist(modes, blobs) ** 2 / (2 * bw ** 2))
    new = (w @ blobs) / w.sum(1, keepdim=True)
    shift = (new - modes).norm(dim=1).max()
    modes = new
    if shift < 1e-6:
        break
rounded = torch.round(modes * 10) / 10
uniq, assign = torch.unique(rounded, dim=0, return_inverse=True)
print(f"mean shift converged in {it + 1} iterations, modes {uniq.tolist()}")
truth = torch.arange(3).repeat_interleave(30)
print(f"mean shift ari {adjusted_rand(assign, truth):.4f}")

# a self-organising map on the blobs
rows, cols = 4, 4
grid = torch.stack(torch.meshgrid(torch.arange(rows), torch.arange(cols), indexing="ij"), -1).reshape(-1, 2).double()
weights = torch.rand(rows * cols, 2, generator=gen) * 3
n_epochs = 15
for epoch in range(n_epochs):
    frac = epoch / n_epochs
    radius, lr = 2.0 * (1 - frac) + 0.5, 0.5 * (1 - frac) + 0.01
    for i in torch.randperm(len(blobs), generator=gen).tolist():
        x = blobs[i]
        bmu = torch.argmin(((weights - x) ** 2).sum(1))
        dist2 = ((grid - grid.index_select(0, bmu.unsqueeze(0))) ** 2).sum(1)
        h = torch.exp(-dist2 / (2 * radius ** 2)).unsqueeze(1)
        weights += lr * h * (x - weights)
    if epoch % 5 == 4:
        qe = torch.cdist(blobs, weights).min(1).values.mean()
        print(f"som epoch {epoch + 1} | radius {radius:.3f} | quantisation error {qe.item():.6f}")
bmus = torch.cdist(blobs, weights).argmin(1)
hits = torch.bincount(bmus, minlength=rows * cols).view(rows, cols)
print("som hit map", hits.tolist())
second = torch.cdist(blobs, weights).topk(2, largest=False).indices
adjacent = (grid[second[:, 0]] - grid[second[:, 1]]).abs().sum(1) == 1
print(f"topographic error {1 - adjacent.double().mean().item():.4f}")
