"""Deep Embedded Clustering (Xie et al.), as the DEC / IDEC PyTorch ports write it: an autoencoder
pretrained on reconstruction, k-means on the embeddings (k-means++ seeding by torch.multinomial on
squared distances from torch.cdist, Lloyd steps with index_add_ / bincount), cluster centres as an
nn.Parameter, Student's t soft assignments, the sharpened target distribution refreshed every few
steps, nn.KLDivLoss(reduction='batchmean') on log q, the label-change stopping rule, and the clustering
accuracy under the best label permutation."""

import itertools

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
gen = torch.Generator().manual_seed(0)

K, D_IN, D_Z = 4, 10, 3
means = torch.randn(K, D_IN, generator=gen) * 2.5
y_true = torch.arange(K).repeat_interleave(50)
x = means[y_true] + torch.randn(200, D_IN, generator=gen)
x = (x - x.mean(0)) / x.std(0)


class AutoEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(D_IN, 32), nn.ReLU(), nn.Linear(32, D_Z))
        self.decoder = nn.Sequential(nn.Linear(D_Z, 32), nn.ReLU(), nn.Linear(32, D_IN))

    def forward(self, x):
        z = self.encoder(x)
        return z, self.decoder(z)


class DEC(nn.Module):
    def __init__(self, ae, centres, alpha=1.0):
        super().__init__()
        self.ae, self.alpha = ae, alpha
        self.cluster_centers = nn.Parameter(centres.clone())

    def soft_assign(self, z):
        dist2 = torch.sum((z.unsqueeze(1) - self.cluster_centers) ** 2, dim=2)
        q = 1.0 / (1.0 + dist2 / self.alpha)
        q = q.pow((self.alpha + 1.0) / 2.0)
        return (q.t() / torch.sum(q, 1)).t()

    def forward(self, x):
        z, recon = self.ae(x)
        return self.soft_assign(z), recon


def target_distribution(q):
    weight = q ** 2 / q.sum(0)
    return (weight.t() / weight.sum(1)).t()


def kmeans(z, k, iters=20):
    first = torch.randint(0, z.shape[0], (1,), generator=gen)
    centres = z[first]
    for _ in range(1, k):
        d2 = torch.cdist(z, centres).min(1).values ** 2
        centres = torch.cat([centres, z[torch.multinomial(d2 / d2.sum(), 1, generator=gen)]])
    for it in range(iters):
        assign = torch.cdist(z, centres).argmin(1)
        sums = torch.zeros_like(centres).index_add_(0, assign, z)
        counts = torch.bincount(assign, minlength=k).clamp_min(1).unsqueeze(1)
        new = sums / counts
        if torch.allclose(new, centres):
            break
        centres = new
    return centres, assign, it


def cluster_acc(y, pred):
    best = max(itertools.permutations(range(K)), key=lambda p: int((torch.tensor(p)[pred] == y).sum()))
    return (torch.tensor(best)[pred] == y).float().mean().item()


ae = AutoEncoder()
opt = torch.optim.Adam(ae.parameters(), lr=1e-2)
for epoch in range(40):
    perm = torch.randperm(200, generator=gen)
    for k in range(0, 200, 50):
        _, recon = ae(x[perm[k: k + 50]])
        loss = F.mse_loss(recon, x[perm[k: k + 50]])
        opt.zero_grad()
        loss.backward()
        opt.step()
    if epoch % 20 == 19:
        print(f"pretrain epoch {epoch + 1} | recon {loss.item():.5f}")

with torch.no_grad():
    z, _ = ae(x)
centres, assign, iters = kmeans(z, K)
print("kmeans iterations", iters + 1, "sizes", torch.bincount(assign, minlength=K).tolist(),
      "acc", round(cluster_acc(y_true, assign), 4))

dec = DEC(ae, centres)
opt = torch.optim.SGD(dec.parameters(), lr=0.05, momentum=0.9)
kl = nn.KLDivLoss(reduction="batchmean")
y_pred_last = assign
for step in range(60):
    if step % 10 == 0:
        with torch.no_grad():
            q_all, _ = dec(x)
            p_all = target_distribution(q_all)
            y_pred = q_all.argmax(1)
            delta = (y_pred != y_pred_last).float().mean().item()
            y_pred_last = y_pred
            print(f"step {step} | label change {delta:.4f} | acc {cluster_acc(y_true, y_pred):.4f}")
            if step > 0 and delta < 0.001:
                print("converged")
                break
    idx = torch.randint(0, 200, (64,), generator=gen)
    q, recon = dec(x[idx])
    loss = kl(q.log(), p_all[idx]) + 0.1 * F.mse_loss(recon, x[idx])
    opt.zero_grad()
    loss.backward()
    opt.step()

with torch.no_grad():
    q, _ = dec(x)
    print("final acc", round(cluster_acc(y_true, q.argmax(1)), 4), "mean max q", round(q.max(1).values.mean().item(), 5))
    print("kl(p||q) full batch", round(kl(q.log(), target_distribution(q)).item(), 6),
          "functional", round(F.kl_div(q.log(), target_distribution(q), reduction="batchmean").item(), 6))
    print("centres moved", round((dec.cluster_centers - centres).norm().item(), 5))
