"""A hold-out split the way many tutorials build it: a boolean mask turned into index tensors, a
SubsetRandomSampler over each (so the dataset's __getitem__ sees 0-d tensors), a custom Sampler that
walks the data backwards, BatchSampler batches, dict and namedtuple collate_fns, samples whose labels
mix ints and floats (default_collate promotes as torch.stack does), an IterableDataset stream, and a
few epochs of a tiny regression trained on the loaders."""

import collections

import torch
import torch.nn as nn
from torch.utils.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    Sampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    random_split,
)
from torch.utils.data.dataloader import default_collate

torch.set_num_threads(1)
torch.manual_seed(0)

X = torch.linspace(-1, 1, 24).unsqueeze(1)
Y = 3 * X - 0.5 + 0.1 * torch.sin(7 * X)


class Points(Dataset):
    """Records the type of every key it is asked for."""

    def __init__(self):
        self.keys = []

    def __len__(self):
        return len(X)

    def __getitem__(self, i):
        self.keys.append(type(i).__name__)
        return X[i], Y[i]


ds = Points()
is_val = torch.arange(len(ds)) % 4 == 0
val_idx = torch.nonzero(is_val).squeeze(1)
train_idx = torch.where(~is_val)[0]
print("val idx", val_idx, "train count", len(train_idx))
g = torch.Generator().manual_seed(7)
train_sampler = SubsetRandomSampler(train_idx, generator=g)
print("first order", list(train_sampler)[:4])
print("second order", [int(i) for i in train_sampler][:4])
print("list sampler", list(SubsetRandomSampler([3, 1, 2], generator=torch.Generator().manual_seed(1))))


class Backwards(Sampler):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n - 1, -1, -1))

    def __len__(self):
        return self.n


model = nn.Linear(1, 1)
with torch.no_grad():
    model.weight.fill_(0.5)
    model.bias.zero_()
opt = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.5)
loss_fn = nn.MSELoss()
train_loader = DataLoader(ds, batch_size=5, sampler=train_sampler)
val_loader = DataLoader(ds, batch_size=4, sampler=Backwards(len(ds)))
for epoch in range(4):
    ds.keys.clear()
    total = 0.0
    for xb, yb in train_loader:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item() * len(xb)
    keys = collections.Counter(ds.keys)
    with torch.no_grad():
        val = sum(loss_fn(model(xb), yb).item() for xb, yb in val_loader) / len(val_loader)
    print(f"epoch {epoch} | train {total / len(train_idx):.6f} | val {val:.6f} | keys {dict(keys)}")
print("weight %.5f bias %.5f" % (model.weight.item(), model.bias.item()))

ds.keys.clear()
batches = list(DataLoader(ds, batch_sampler=BatchSampler(Backwards(7), 3, drop_last=False)))
print("batch sampler", [b[0].squeeze(1).tolist() for b in batches], set(ds.keys))

Pair = collections.namedtuple("Pair", "x y")


def as_dict(batch):
    xs, ys = zip(*batch)
    return {"x": torch.stack(xs), "y": torch.stack(ys), "n": len(batch)}


d = next(iter(DataLoader(TensorDataset(X, Y), batch_size=3, collate_fn=as_dict)))
print("dict batch", sorted(d), d["x"].shape, d["n"])
p = next(iter(DataLoader(TensorDataset(X, Y), batch_size=2, collate_fn=lambda b: Pair(*default_collate(b)))))
print("namedtuple batch", type(p).__name__, p.x.shape, p.y.dtype)


class Mixed(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        label = torch.tensor([i]) if i % 2 else torch.tensor([i + 0.5])
        return {"label": label, "flag": torch.tensor(i > 1), "id": i}


mixed = next(iter(DataLoader(Mixed(), batch_size=4)))
print("mixed labels", mixed["label"], mixed["label"].dtype)
print("flags", mixed["flag"], "ids", mixed["id"])
print("bool+int", default_collate([torch.tensor([True]), torch.tensor([3])]))


class Countdown(IterableDataset):
    def __init__(self, start):
        self.start = start

    def __iter__(self):
        for k in range(self.start, 0, -1):
            yield torch.tensor([k, k * k])


print("stream", [b.tolist() for b in DataLoader(Countdown(5), batch_size=2)])
print("stream drop_last", [b.tolist() for b in DataLoader(Countdown(5), batch_size=2, drop_last=True)])
try:
    len(DataLoader(Countdown(5), batch_size=2))
except TypeError as e:
    print("stream len:", e)
parts = random_split(TensorDataset(X, Y), [0.5, 0.25, 0.25], generator=torch.Generator().manual_seed(3))
print("split sizes", [len(s) for s in parts], "first indices", parts[1].indices[:3])
both = ConcatDataset([Subset(TensorDataset(X, Y), [0, 1]), parts[2]])
print("concat", len(both), both.cumulative_sizes, both[-1][0])
