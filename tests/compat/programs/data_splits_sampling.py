"""Dataset splitting and sampling as imbalanced-classification scripts do it: random_split by
fractions (with and without a generator; remainders dealt round-robin), Subset / ConcatDataset
indexing (negative indices, cumulative_sizes), WeightedRandomSampler with and without replacement,
BatchSampler over Sequential/Random samplers, RandomSampler with num_samples, SubsetRandomSampler,
DataLoader with a seeded generator, drop_last, batch_sampler=, batch_size=None and default_collate of
dicts / nested tuples, then a classifier on an imbalanced toy set trained with inverse-frequency
sampling versus plain shuffling (per-class recall printed)."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import (BatchSampler, ConcatDataset, DataLoader, RandomSampler, SequentialSampler, Subset,
                              SubsetRandomSampler, TensorDataset, WeightedRandomSampler, random_split)

torch.manual_seed(0)
torch.set_num_threads(1)
ds = TensorDataset(torch.arange(10.0).view(10, 1), torch.arange(10))
a, b, c = random_split(ds, [0.5, 0.3, 0.2], generator=torch.Generator().manual_seed(42))
print(len(a), len(b), len(c), a.indices, b.indices, c.indices, type(a).__name__)
a, b = random_split(range(7), [0.5, 0.5])
print(list(a), list(b))
a, b, c = random_split(range(10), [0.33, 0.33, 0.34])
print(len(a), len(b), len(c))
sub = Subset(ds, [1, 3, 5])
print(sub[0], len(sub), sub[[0, 2]] if False else "")
cat = ConcatDataset([sub, ds])
print(len(cat), cat[3], cat[-1], cat.cumulative_sizes)
w = WeightedRandomSampler([0.1, 0.9, 0.5, 0.5], num_samples=8, replacement=True)
print(list(w))
w2 = WeightedRandomSampler(torch.tensor([0.1, 0.9, 0.5, 0.5]), num_samples=3, replacement=False, generator=torch.Generator().manual_seed(1))
print(list(w2), list(w2))
print(list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=False)))
print(list(BatchSampler(RandomSampler(range(10)), batch_size=4, drop_last=True)))
print(list(RandomSampler(range(5), replacement=True, num_samples=7)))
print(list(SubsetRandomSampler([10, 20, 30, 40])))
dl = DataLoader(ds, batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(3), drop_last=True)
for xb, yb in dl:
    print(xb.view(-1).tolist(), yb.tolist())
print(len(dl))
dl = DataLoader(ds, batch_sampler=BatchSampler(RandomSampler(ds), 3, False))
print([yb.tolist() for _, yb in dl])
dl = DataLoader(ds, batch_size=4, sampler=w, collate_fn=lambda b: [y for _, y in b])
print(list(dl))
dl = DataLoader(range(5), batch_size=2)
print(list(dl))
dl = DataLoader([{"a": torch.ones(2), "b": 1, "c": "x"}] * 3, batch_size=2)
print(list(dl))
dl = DataLoader([(torch.ones(2), (1, 2.0))] * 3, batch_size=3)
print(list(dl))
print(next(iter(DataLoader(ds, batch_size=None))))
it = iter(DataLoader(ds, batch_size=4, shuffle=True))
print(next(it)[1].tolist(), next(it)[1].tolist())
torch.manual_seed(5)
print([y.tolist() for _, y in DataLoader(ds, batch_size=5, shuffle=True)])
print([y.tolist() for _, y in DataLoader(ds, batch_size=5, shuffle=True)])
print(torch.randn(2))

# imbalanced 3-class problem: inverse-frequency sampling vs plain shuffling
torch.manual_seed(0)
counts = [300, 60, 15]
X = torch.cat([torch.randn(n, 2) * 0.8 + torch.tensor(c) for n, c in zip(counts, ([0.0, 0.0], [2.0, 1.0], [0.5, 2.5]))])
Y = torch.cat([torch.full((n,), i) for i, n in enumerate(counts)])
data = TensorDataset(X, Y)
train_set, test_set = random_split(data, [0.8, 0.2], generator=torch.Generator().manual_seed(7))
train_labels = Y[torch.tensor(train_set.indices)]
print("train class counts", torch.bincount(train_labels).tolist(), "test", torch.bincount(Y[torch.tensor(test_set.indices)]).tolist())
class_weight = 1.0 / torch.bincount(train_labels).float()
sample_weight = class_weight[train_labels]


def train(loader, seed):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    for epoch in range(6):
        seen = torch.zeros(3, dtype=torch.long)
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            seen += torch.bincount(yb, minlength=3)
    with torch.no_grad():
        xt, yt = X[torch.tensor(test_set.indices)], Y[torch.tensor(test_set.indices)]
        pred = model(xt).argmax(1)
        recall = [((pred == c) & (yt == c)).sum().item() / max((yt == c).sum().item(), 1) for c in range(3)]
    return seen.tolist(), [round(r, 4) for r in recall], round(loss.item(), 4)


plain = DataLoader(train_set, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(1))
weighted = DataLoader(train_set, batch_size=32,
                      sampler=WeightedRandomSampler(sample_weight, num_samples=len(train_set), replacement=True,
                                                    generator=torch.Generator().manual_seed(1)))
print("plain shuffle: last-epoch class counts, recall, loss", train(plain, 0))
print("weighted sampler: last-epoch class counts, recall, loss", train(weighted, 0))
