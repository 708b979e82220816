"""Deep neural decision forests on a toy spiral, as the NDF re-implementations write them (Kontschieder et
al. 2015): each tree's decision nodes see a random feature subset (one-hot masks in a registered buffer),
the routing probability mu of every leaf is built level by level with view/repeat and products, leaf class
distributions pi are updated by the closed-form fixed point under torch.no_grad while the network is
trained by Adam on the forest's log-likelihood, and a soft decision tree distilled from the forest with
Frosst & Hinton's balanced-split penalty (inner probabilities from the same routing)."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


def spiral(n_per, classes=3, noise=0.15, gen=None):
    xs, ys = [], []
    for c in range(classes):
        r = torch.linspace(0.1, 1.0, n_per)
        t = torch.linspace(c * 4.0, (c + 1) * 4.0, n_per) + noise * torch.randn(n_per, generator=gen)
        xs.append(torch.stack([r * torch.sin(t), r * torch.cos(t)], 1))
        ys.append(torch.full((n_per,), c, dtype=torch.long))
    return torch.cat(xs), torch.cat(ys)


gen = torch.Generator().manual_seed(0)
X, y = spiral(40, gen=gen)
Xt, yt = spiral(20, gen=gen)
print("data", tuple(X.shape), "classes", torch.bincount(y).tolist())


class Tree(nn.Module):
    def __init__(self, depth, n_in, n_used, n_classes):
        super().__init__()
        self.depth = depth
        n_leaf, n_node = 2 ** depth, 2 ** depth - 1
        used = torch.randperm(n_in)[:n_used]
        self.register_buffer("feature_mask", F.one_hot(used, n_in).float().T)  # (n_in, n_used)
        self.decision = nn.Linear(n_used, n_node)
        self.register_buffer("pi", torch.full((n_leaf, n_classes), 1.0 / n_classes))

    def routing(self, feats):
        d = torch.sigmoid(self.decision(feats @ self.feature_mask))  # (B, n_node)
        B = feats.shape[0]
        mu = torch.ones(B, 1)
        begin = 0
        for level in range(self.depth):
            n = 2 ** level
            dl = d[:, begin:begin + n]
            mu = (mu.unsqueeze(2) * torch.stack([dl, 1 - dl], dim=2)).view(B, 2 * n)
            begin += n
        return mu  # (B, n_leaf)

    def forward(self, feats):
        return self.routing(feats) @ self.pi


class Forest(nn.Module):
    def __init__(self, n_trees=4, depth=3, n_classes=3):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 16), nn.Tanh())
        self.trees = nn.ModuleList([Tree(depth, 16, 8, n_classes) for _ in range(n_trees)])

    def forward(self, x):
        f = self.features(x)
        return torch.stack([t(f) for t in self.trees]).mean(0), f

    @torch.no_grad()
    def update_pi(self, x, y, iters=10):
        f = self.features(x)
        onehot = F.one_hot(y, self.trees[0].pi.shape[1]).float()
        for t in self.trees:
            mu = t.routing(f)
            for _ in range(iters):
                p = (mu @ t.pi).clamp_min(1e-12)  # (B, C)
                new = (onehot.unsqueeze(1) * t.pi.unsqueeze(0) * mu.unsqueeze(2) / p.unsqueeze(1)).sum(0)
                t.pi.copy_(new / new.sum(1, keepdim=True).clamp_min(1e-12))


forest = Forest()
print("buffers", [k for k, _ in forest.named_buffers()][:3], "mask row sums",
      forest.trees[0].feature_mask.sum(0).tolist())
with torch.no_grad():
    mu = forest.trees[0].routing(forest.features(X[:3]))
print("routing sums to one", torch.allclose(mu.sum(1), torch.ones(3)), "shape", tuple(mu.shape))

opt = torch.optim.Adam(forest.features.parameters(), lr=1e-2)
opt.add_param_group({"params": [p for t in forest.trees for p in t.decision.parameters()], "lr": 3e-2})
for epoch in range(8):
    forest.update_pi(X, y)
    for _ in range(5):
        probs, _ = forest(X)
        loss = F.nll_loss(torch.log(probs.clamp_min(1e-12)), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    if epoch % 4 == 3:
        with torch.no_grad():
            acc = (forest(Xt)[0].argmax(1) == yt).float().mean().item()
        print(f"forest epoch {epoch + 1:2d} | nll {loss.item():.5f} | test acc {acc:.4f} | "
              f"leaf entropy {-(forest.trees[0].pi * forest.trees[0].pi.clamp_min(1e-12).log()).sum(1).mean().item():.4f}")


# distil the forest into one soft decision tree with learned leaf logits
class SoftTree(nn.Module):
    def __init__(self, depth=3, n_classes=3):
        super().__init__()
        self.depth = depth
        self.inner = nn.Linear(2, 2 ** depth - 1)
        self.beta = nn.Parameter(torch.ones(1))
        self.leaves = nn.Parameter(torch.zeros(2 ** depth, n_classes))

    def forward(self, x):
        p = torch.sigmoid(self.beta * self.inner(x))
        B = x.shape[0]
        mu, begin, penalty = torch.ones(B, 1), 0, 0.0
        for level in range(self.depth):
            n = 2 ** level
            pl = p[:, begin:begin + n]
            alpha = (mu * pl).sum(0) / mu.sum(0).clamp_min(1e-12)
            penalty = penalty - (2.0 ** -level) * 0.5 * (torch.log(alpha) + torch.log(1 - alpha)).sum()
            mu = (mu.unsqueeze(2) * torch.stack([pl, 1 - pl], 2)).view(B, 2 * n)
            begin += n
        return mu @ F.softmax(self.leaves, 1), penalty


with torch.no_grad():
    soft_targets = forest(X)[0]
student = SoftTree()
opt = torch.optim.Adam(student.parameters(), lr=5e-2)
for step in range(40):
    out, penalty = student(X)
    kl = F.kl_div(torch.log(out.clamp_min(1e-12)), soft_targets, reduction="batchmean")
    loss = kl + 0.01 * penalty
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 20 == 19:
        with torch.no_grad():
            acc = (student(Xt)[0].argmax(1) == yt).float().mean().item()
        print(f"soft tree step {step + 1} | kl {kl.item():.5f} | penalty {penalty.item():.5f} | acc {acc:.4f} "
              f"| beta {student.beta.item():.4f}")
print("leaf argmax", F.softmax(student.leaves, 1).argmax(1).tolist(), "pi rows sum to 1",
      torch.allclose(forest.trees[1].pi.sum(1), torch.ones(8)), f"{math.log(3):.5f}")
