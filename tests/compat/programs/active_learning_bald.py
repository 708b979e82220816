"""Pool-based active learning on the bundled digits: a small dropout MLP retrained from scratch each
round (reset_parameters over modules()), MC-dropout predictions (T stochastic passes under no_grad
with the model in train mode), acquisition by random choice, max entropy, margin, variation ratios
and BALD (mutual information), top-k selection with topk, the labelled/pool split kept as boolean
masks moved with index_fill_/nonzero, a SubsetRandomSampler over the labelled indices with a seeded
generator, and a learning curve per strategy."""

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, SubsetRandomSampler, TensorDataset

from _data import digits

torch.manual_seed(0)
torch.set_num_threads(1)

pixels, labels = digits()
X = torch.from_numpy(pixels).float() / 16.0
y = torch.from_numpy(labels)
perm = torch.randperm(len(X), generator=torch.Generator().manual_seed(1))
test_idx, pool_idx = perm[:300], perm[300:700]
X_test, y_test = X[test_idx], y[test_idx]
X_pool, y_pool = X[pool_idx], y[pool_idx]
print("pool", tuple(X_pool.shape), "test", tuple(X_test.shape), X_pool.dtype, y_pool.dtype)

# an initial labelled set: the first two of each class (stable sort keeps pool order within a class)
order = torch.sort(y_pool, stable=True).indices
first = torch.cat([order[y_pool[order] == c][:2] for c in range(10)])
print("initial", first.tolist()[:6], torch.bincount(y_pool[first]).tolist())


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, 64), nn.ReLU(),
                                 nn.Dropout(0.3), nn.Linear(64, 10))

    def forward(self, x):
        return self.net(x)


model = MLP()
ds = TensorDataset(X_pool, y_pool)


def retrain(labelled_mask, seed, epochs=8):
    torch.manual_seed(seed)
    for m in model.modules():
        if hasattr(m, "reset_parameters"):
            m.reset_parameters()
    idx = labelled_mask.nonzero().squeeze(1).tolist()
    loader = DataLoader(ds, batch_size=16, sampler=SubsetRandomSampler(idx, generator=torch.Generator().manual_seed(seed)))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-4)
    model.train()
    for _ in range(epochs):
        total = 0.0
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
    return total / len(idx)


def mc_probs(x, T=8):
    model.train()  # dropout on
    with torch.no_grad():
        return torch.stack([F.softmax(model(x), -1) for _ in range(T)])  # (T, N, C)


def entropy(p):
    return -(p * torch.log(p.clamp_min(1e-12))).sum(-1)


def scores(strategy, probs, g):
    mean = probs.mean(0)
    if strategy == "random":
        return torch.rand(mean.shape[0], generator=g)
    if strategy == "entropy":
        return entropy(mean)
    if strategy == "margin":
        top2 = mean.topk(2, dim=-1).values
        return -(top2[:, 0] - top2[:, 1])
    if strategy == "varratio":
        votes = probs.argmax(-1)  # (T, N)
        counts = F.one_hot(votes, 10).sum(0)
        return 1 - counts.max(-1).values.float() / probs.shape[0]
    if strategy == "bald":
        return entropy(mean) - entropy(probs).mean(0)
    raise ValueError(strategy)


def evaluate():
    model.eval()
    with torch.no_grad():
        logits = model(X_test)
        return (logits.argmax(1) == y_test).float().mean().item(), F.cross_entropy(logits, y_test).item()


rounds, k = 3, 20
curves = {}
for strategy in ["random", "entropy", "margin", "varratio", "bald"]:
    labelled = torch.zeros(len(X_pool), dtype=torch.bool)
    labelled.index_fill_(0, first, True)
    g = torch.Generator().manual_seed(42)
    curve = []
    for r in range(rounds):
        last = retrain(labelled, seed=100 + r)
        acc, nll = evaluate()
        curve.append(round(acc, 4))
        unl = (~labelled).nonzero().squeeze(1)
        torch.manual_seed(7 + r)
        probs = mc_probs(X_pool[unl])
        s = scores(strategy, probs, g)
        pick = unl[s.topk(k).indices]
        labelled[pick] = True
        if strategy in ("bald", "entropy") and r == 0:
            print(f"{strategy} round 0 top scores {s.topk(3).values} picked classes "
                  f"{torch.bincount(y_pool[pick], minlength=10).tolist()}")
    acc, nll = evaluate()
    print(f"{strategy:9s} curve {curve} labelled {int(labelled.sum())} last epoch loss {last:.4f} test nll {nll:.4f}")
    curves[strategy] = curve

area = {s: torch.trapezoid(torch.tensor(c)).item() for s, c in curves.items()}
print("area under curve", {s: round(a, 4) for s, a in area.items()})
print("best strategy", max(area, key=area.get))
