"""Self-supervised objectives as their reference repositories write them: Barlow Twins (the
cross-correlation of batch-normalised embeddings, off_diagonal via flatten()[:-1].view(n-1, n+1),
on-diagonal (c - 1)^2 plus lambda times the off-diagonal squares), VICReg (invariance mse, the
variance hinge relu(1 - sqrt(var + 1e-4)), the covariance penalty divided by the dimension), MoCo v2
(a momentum key encoder updated by param_k.data.mul_(m).add_(param_q.data, alpha=1 - m), a queue of
keys in a registered buffer with a ptr, logits from einsum('nc,nc->n') and einsum('nc,ck->nk'),
labels all zero), the InfoNCE/NT-Xent loss with a masked_fill(-inf) self-similarity, and a linear probe
on frozen features; all on two augmented views (noise, masking, flips) of the bundled digits.
Seeded: every printed number agrees."""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.set_num_threads(1)
torch.manual_seed(0)

pixels, labels = digits()
X = torch.tensor(pixels[:320], dtype=torch.float32) / 16.0
Y = torch.tensor(labels[:320])


def augment(x):
    x = x.reshape(-1, 8, 8)
    flip = torch.rand(x.shape[0], 1, 1) < 0.5
    x = torch.where(flip, x.flip(-1), x)
    x = x * (torch.rand_like(x) > 0.15).float()
    return (x + 0.1 * torch.randn_like(x)).reshape(-1, 64)


def off_diagonal(x):
    n, m = x.shape
    assert n == m
    return x.flatten()[:-1].view(n - 1, n + 1)[:, 1:].flatten()


print(off_diagonal(torch.arange(16.).reshape(4, 4)))


class Projector(nn.Module):
    def __init__(self, dims=(64, 48, 32)):
        super().__init__()
        layers = []
        for i in range(len(dims) - 2):
            layers += [nn.Linear(dims[i], dims[i + 1], bias=False), nn.BatchNorm1d(dims[i + 1]), nn.ReLU(True)]
        layers.append(nn.Linear(dims[-2], dims[-1], bias=False))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


class BarlowTwins(nn.Module):
    def __init__(self, lambd=0.0051, dim=32):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(64, 64), nn.ReLU())
        self.projector = Projector((64, 48, dim))
        self.bn = nn.BatchNorm1d(dim, affine=False)
        self.lambd = lambd

    def forward(self, y1, y2):
        z1 = self.projector(self.backbone(y1))
        z2 = self.projector(self.backbone(y2))
        c = self.bn(z1).T @ self.bn(z2)
        c.div_(y1.shape[0])
        on_diag = torch.diagonal(c).add_(-1).pow_(2).sum()
        off_diag = off_diagonal(c).pow_(2).sum()
        return on_diag + self.lambd * off_diag, on_diag, off_diag


def vicreg_loss(x, y, sim_coeff=25.0, std_coeff=25.0, cov_coeff=1.0):
    repr_loss = F.mse_loss(x, y)
    x = x - x.mean(dim=0)
    y = y - y.mean(dim=0)
    std_x = torch.sqrt(x.var(dim=0) + 0.0001)
    std_y = torch.sqrt(y.var(dim=0) + 0.0001)
    std_loss = torch.mean(F.relu(1 - std_x)) / 2 + torch.mean(F.relu(1 - std_y)) / 2
    cov_x = (x.T @ x) / (x.shape[0] - 1)
    cov_y = (y.T @ y) / (y.shape[0] - 1)
    num_features = x.shape[1]
    cov_loss = off_diagonal(cov_x).pow_(2).sum().div(num_features) + off_diagonal(cov_y).pow_(2).sum().div(
        num_features)
    loss = sim_coeff * repr_loss + std_coeff * std_loss + cov_coeff * cov_loss
    return loss, repr_loss, std_loss, cov_loss


model = BarlowTwins()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
for step in range(6):
    idx = torch.randperm(320)[:64]
    x1, x2 = augment(X[idx]), augment(X[idx])
    loss, on, off = model(x1, x2)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"barlow step {step} loss {loss.item():.4f} on {on.item():.4f} off {off.item():.4f}")

vic_backbone = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), Projector((64, 48, 32)))
opt = torch.optim.SGD(vic_backbone.parameters(), lr=0.01, momentum=0.9)
for step in range(6):
    idx = torch.randperm(320)[:64]
    x1, x2 = augment(X[idx]), augment(X[idx])
    loss, r, s, c = vicreg_loss(vic_backbone(x1), vic_backbone(x2))
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"vicreg step {step} loss {loss.item():.4f} inv {r.item():.4f} var {s.item():.4f} cov {c.item():.4f}")


class MoCo(nn.Module):
    def __init__(self, dim=16, K=128, m=0.99, T=0.2):
        super().__init__()
        self.K, self.m, self.T = K, m, T
        self.encoder_q = nn.Sequential(nn.Linear(64, 48), nn.ReLU(), nn.Linear(48, dim))
        self.encoder_k = copy.deepcopy(self.encoder_q)
        for param_k in self.encoder_k.parameters():
            param_k.requires_grad = False
        self.register_buffer("queue", F.normalize(torch.randn(dim, K), dim=0))
        self.register_buffer("queue_ptr", torch.zeros(1, dtype=torch.long))

    @torch.no_grad()
    def _momentum_update_key_encoder(self):
        for param_q, param_k in zip(self.encoder_q.parameters(), self.encoder_k.parameters()):
            param_k.data.mul_(self.m).add_(param_q.data, alpha=1.0 - self.m)

    @torch.no_grad()
    def _dequeue_and_enqueue(self, keys):
        batch_size = keys.shape[0]
        ptr = int(self.queue_ptr)
        assert self.K % batch_size == 0
        self.queue[:, ptr:ptr + batch_size] = keys.T
        ptr = (ptr + batch_size) % self.K
        self.queue_ptr[0] = ptr

    def forward(self, im_q, im_k):
        q = F.normalize(self.encoder_q(im_q), dim=1)
        with torch.no_grad():
            self._momentum_update_key_encoder()
            k = F.normalize(self.encoder_k(im_k), dim=1)
        l_pos = torch.einsum("nc,nc->n", [q, k]).unsqueeze(-1)
        l_neg = torch.einsum("nc,ck->nk", [q, self.queue.clone().detach()])
        logits = torch.cat([l_pos, l_neg], dim=1) / self.T
        labels = torch.zeros(logits.shape[0], dtype=torch.long)
        self._dequeue_and_enqueue(k)
        return logits, labels


moco = MoCo()
opt = torch.optim.SGD(moco.encoder_q.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
for step in range(6):
    idx = torch.randperm(320)[:32]
    logits, lab = moco(augment(X[idx]), augment(X[idx]))
    loss = F.cross_entropy(logits, lab)
    opt.zero_grad()
    loss.backward()
    opt.step()
    acc = (logits.argmax(1) == 0).float().mean()
    print(f"moco step {step} loss {loss.item():.4f} top1 {acc.item():.4f} ptr {moco.queue_ptr.item()}")
print(logits.shape, [n for n, _ in moco.named_buffers()], moco.queue.norm(dim=0)[:3])
drift = sum((pq - pk).abs().sum() for pq, pk in zip(moco.encoder_q.parameters(), moco.encoder_k.parameters()))
print(f"key encoder drift {drift.item():.5f}", moco.encoder_k[0].weight.requires_grad)


def info_nce(z1, z2, temperature=0.5):
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    sim = z @ z.T / temperature
    n = z1.shape[0]
    sim = sim.masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return F.cross_entropy(sim, targets), sim


z1, z2 = moco.encoder_q(X[:8]), moco.encoder_q(augment(X[:8]))
loss, sim = info_nce(z1, z2)
print(f"info_nce {loss.item():.5f}", sim[0, :4], torch.isinf(sim).sum().item())

# linear probe on the frozen Barlow backbone
with torch.no_grad():
    feats = model.backbone(X)
probe = nn.Linear(64, 10)
opt = torch.optim.LBFGS(probe.parameters(), lr=0.5, max_iter=40)


def closure():
    opt.zero_grad()
    l = F.cross_entropy(probe(feats[:256]), Y[:256])
    l.backward()
    return l


opt.step(closure)
with torch.no_grad():
    print(f"probe train acc {(probe(feats[:256]).argmax(1) == Y[:256]).float().mean():.4f}",
          f"test acc {(probe(feats[256:]).argmax(1) == Y[256:]).float().mean():.4f}")
