"""Clustering and nearest neighbours in plain torch, as the "k-means in
PyTorch" gists and kNN baselines write them: k-means++ seeding
(torch.multinomial on squared distances), Lloyd iterations with
torch.cdist + argmin, centroids by index_add_ / scatter_add_ / bincount
(and the one-hot matmul form), empty-cluster handling, inertia and the
elbow over k, mini-batch k-means with per-centroid counts and learning
rates, soft k-means by softmax(-d / T), a kNN classifier with
topk(largest=False), distance-weighted votes by scatter_add_, the mode
(torch.mode) of neighbour labels, cosine kNN via F.normalize and mm, the
confusion matrix by bincount(y * C + pred), purity of the clusters against
labels, and torch.unique(return_counts=True) / return_inverse on
assignments. Seeded: every number agrees."""

import torch
import torch.nn.functional as F

from _data import digits

torch.manual_seed(0)
torch.set_num_threads(1)

pixels, labels = digits()
X = torch.tensor(pixels[:600], dtype=torch.float32) / 16.0
y = torch.tensor(labels[:600])
X_test, y_test = torch.tensor(pixels[1400:1600], dtype=torch.float32) / 16.0, torch.tensor(labels[1400:1600])
# project to 8 dimensions by PCA (torch.pca_lowrank's cousin: SVD of the centred data)
mean = X.mean(0, keepdim=True)
U, S, Vh = torch.linalg.svd(X - mean, full_matrices=False)
proj = Vh[:8].T
Z, Z_test = (X - mean) @ proj, (X_test - mean) @ proj
print("explained variance ratio", [round(v, 5) for v in (S[:8] ** 2 / (S ** 2).sum()).tolist()])


def kmeans_pp(x, k):
    centers = x[torch.randint(0, len(x), (1,))]
    for _ in range(1, k):
        d2 = torch.cdist(x, centers).min(dim=1).values ** 2
        idx = torch.multinomial(d2 / d2.sum(), 1)
        centers = torch.cat([centers, x[idx]], dim=0)
    return centers


def kmeans(x, k, iters=20, how="index_add"):
    centers = kmeans_pp(x, k)
    for it in range(iters):
        assign = torch.cdist(x, centers).argmin(dim=1)
        counts = torch.bincount(assign, minlength=k).float()
        if how == "index_add":
            sums = torch.zeros_like(centers).index_add_(0, assign, x)
        elif how == "scatter_add":
            sums = torch.zeros_like(centers).scatter_add_(0, assign[:, None].expand(-1, x.size(1)), x)
        else:
            sums = F.one_hot(assign, k).float().T @ x
        new = sums / counts.clamp(min=1)[:, None]
        empty = counts == 0
        new[empty] = centers[empty]  # keep empty clusters where they were
        shift = (new - centers).norm(dim=1).max()
        centers = new
        if shift < 1e-4:
            break
    assign = torch.cdist(x, centers).argmin(dim=1)
    inertia = ((x - centers[assign]) ** 2).sum()
    return centers, assign, inertia, it + 1


for how in ("index_add", "scatter_add", "onehot"):
    torch.manual_seed(1)
    c, a, inertia, n_it = kmeans(Z, 10, how=how)
    print(f"kmeans[{how}] iterations {n_it} inertia {inertia.item():.4f} sizes",
          torch.bincount(a, minlength=10).tolist())

torch.manual_seed(1)
centers, assign, inertia, _ = kmeans(Z, 10)
values, inverse, counts = torch.unique(assign, return_inverse=True, return_counts=True)
print("unique clusters", values.tolist(), "counts", counts.tolist(), "inverse matches", torch.equal(values[inverse], assign))
# purity: the majority label of each cluster
conf = torch.bincount(assign * 10 + y, minlength=100).view(10, 10)
purity = conf.max(dim=1).values.sum().item() / len(y)
print(f"purity {purity:.4f}", "cluster majority labels", conf.argmax(dim=1).tolist())

print("elbow", [round(kmeans(Z, k)[2].item(), 3) for k in (2, 4, 6, 8, 12)])

# mini-batch k-means (Sculley): per-center counts give per-center learning rates
torch.manual_seed(2)
mb_centers = kmeans_pp(Z, 10)
n_seen = torch.zeros(10)
for step in range(30):
    batch = Z[torch.randint(0, len(Z), (64,))]
    a = torch.cdist(batch, mb_centers).argmin(1)
    for j, xj in zip(a.tolist(), batch):
        n_seen[j] += 1
        eta = 1.0 / n_seen[j]
        mb_centers[j] = (1 - eta) * mb_centers[j] + eta * xj
mb_inertia = ((Z - mb_centers[torch.cdist(Z, mb_centers).argmin(1)]) ** 2).sum()
print(f"mini-batch inertia {mb_inertia.item():.4f} counts", n_seen.long().tolist())

# soft k-means responsibilities
d = torch.cdist(Z, centers) ** 2
resp = F.softmax(-d / 2.0, dim=1)
soft_centers = (resp.T @ Z) / resp.sum(0)[:, None]
print(f"soft k-means: mean max responsibility {resp.max(1).values.mean().item():.5f} "
      f"center shift {(soft_centers - centers).norm(dim=1).mean().item():.5f}")


# ---------------------------------------------------------------- kNN
def knn_predict(train_x, train_y, test_x, k=5, weighted=True, metric="euclidean"):
    if metric == "cosine":
        sim = F.normalize(test_x, dim=1) @ F.normalize(train_x, dim=1).T
        dist = 1 - sim
    else:
        dist = torch.cdist(test_x, train_x)
    d, idx = dist.topk(k, dim=1, largest=False)
    neigh = train_y[idx]
    if not weighted:
        return torch.mode(neigh, dim=1).values
    w = 1.0 / (d + 1e-8)
    votes = torch.zeros(len(test_x), 10).scatter_add_(1, neigh, w)
    return votes.argmax(1)


for k in (1, 3, 7):
    for weighted in (False, True):
        pred = knn_predict(Z, y, Z_test, k=k, weighted=weighted)
        print(f"knn k={k} weighted={weighted} acc {(pred == y_test).float().mean().item():.4f}")
pred = knn_predict(X, y, X_test, k=5, metric="cosine")
print(f"cosine knn on pixels acc {(pred == y_test).float().mean().item():.4f}")
cm = torch.bincount(y_test * 10 + pred, minlength=100).view(10, 10)
print("confusion diag", cm.diag().tolist(), "off-diagonal", int(cm.sum() - cm.trace()))
per_class = cm.diag().float() / cm.sum(1).clamp(min=1)
print("per-class recall", [round(v, 4) for v in per_class.tolist()])
