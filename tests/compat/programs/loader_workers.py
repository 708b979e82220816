"""DataLoader settings scripts copy from templates, on a small in-memory dataset: num_workers=2 with
worker_init_fn seeding numpy from torch.initial_seed(), persistent_workers, prefetch_factor,
pin_memory, a seeded generator (the same batches as num_workers=0; from the second epoch
persistent workers draw no new worker seed), an IterableDataset sharded across workers, len() of loaders and samplers with and without
drop_last, batch_size=None (no batching), collate of namedtuples / dicts of tensors / nested lists,
default_convert, a sampler yielding lists (batch_sampler) and an infinite iterator with next(iter(...)),
and a timeout; the collate_fn_map extension point of torch.utils.data._utils.collate; then an epoch of training whose losses must not depend on the worker count."""

import collections
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, IterableDataset, SequentialSampler, get_worker_info
from torch.utils.data._utils.collate import collate, default_collate_fn_map, default_convert

Sample = collections.namedtuple("Sample", ["x", "y"])


class Squares(Dataset):
    """x = a small vector from the index, y = whether its sum is positive; records the worker that read it."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        info = get_worker_info()
        x = torch.tensor([math.sin(i), math.cos(2 * i), i / self.n])
        return Sample(x, int(x.sum() > 0.5)), (-1 if info is None else info.id)


def seed_worker(worker_id):
    worker_seed = torch.initial_seed() % 2 ** 32
    np.random.seed(worker_seed)  # noqa: NPY002 - the templates seed numpy's legacy global state


ds = Squares(22)
g0 = torch.Generator().manual_seed(5)
g1 = torch.Generator().manual_seed(5)
plain = DataLoader(ds, batch_size=5, shuffle=True, generator=g0)
workers = DataLoader(ds, batch_size=5, shuffle=True, generator=g1, num_workers=2, worker_init_fn=seed_worker,
                     persistent_workers=True, prefetch_factor=2, pin_memory=True, timeout=60)
print("len", len(plain), len(workers), len(DataLoader(ds, batch_size=5, drop_last=True)),
      len(DataLoader(ds, batch_size=None)))
for epoch in range(2):
    a = [b[0].y.tolist() for b in plain]
    batches = list(workers)
    b = [bt[0].y.tolist() for bt in batches]
    print(f"epoch {epoch} same order {a == b} | sizes {[len(x) for x in b]}")
first = next(iter(plain))
print("namedtuple collate", type(first[0]).__name__, tuple(first[0].x.shape), first[0].y.dtype == torch.int64)
single = next(iter(DataLoader(ds, batch_size=None)))
print("batch_size None", type(single[0]).__name__, tuple(single[0].x.shape), single[1])


class Shards(IterableDataset):
    """Numbers start..end, split between workers by get_worker_info (the docs' example)."""

    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            lo, hi = self.start, self.end
        else:
            per = int(math.ceil((self.end - self.start) / float(info.num_workers)))
            lo = self.start + info.id * per
            hi = min(lo + per, self.end)
        return iter(range(lo, hi))


print("iterable 0 workers", [t.tolist() for t in DataLoader(Shards(3, 10), batch_size=3)])
print("iterable 2 workers", sorted(v for t in DataLoader(Shards(3, 10), batch_size=3, num_workers=2)
                                   for v in t.tolist()))
dicts = [{"a": torch.tensor([i, i + 1]), "b": [i, float(i) / 2], "c": f"s{i}"} for i in range(3)]
coll = DataLoader(dicts, batch_size=3)
batch = next(iter(coll))
print("dict collate", batch["a"].tolist(), [t.tolist() for t in batch["b"]], batch["c"])
print("default_convert", type(default_convert(np.arange(3))).__name__, default_convert([np.float32(1.5)]))
bs = DataLoader(ds, batch_sampler=[[0, 1], [5, 6, 7], [21]])
print("batch_sampler lists", [tuple(b[0].x.shape) for b in bs], len(bs))
print("sequential", list(SequentialSampler(range(4))), len(SequentialSampler(range(4))))


def pad_tensors(batch, *, collate_fn_map=None):
    """Pad 1-D tensors of different lengths with zeros (the collate_fn_map extension point)."""
    n = max(t.numel() for t in batch)
    return torch.stack([torch.cat([t, t.new_zeros(n - t.numel())]) for t in batch])


ragged = [{"seq": torch.arange(1, k + 1), "label": k % 2} for k in (3, 1, 2)]
padded = collate(ragged, collate_fn_map={**default_collate_fn_map, torch.Tensor: pad_tensors})
print("collate_fn_map", padded["seq"].tolist(), padded["label"].tolist())


def forever(loader):
    while True:
        yield from loader


it = forever(DataLoader(ds, batch_size=8))
print("infinite", [len(next(it)[0].y) for _ in range(5)])

torch.manual_seed(0)
model = nn.Linear(3, 2)
init = {k: v.clone() for k, v in model.state_dict().items()}
results = []
for nw in (0, 2):
    model.load_state_dict(init)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    loader = DataLoader(ds, batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(1), num_workers=nw)
    losses = []
    for (sample, _) in loader:
        opt.zero_grad()
        loss = F.cross_entropy(model(sample.x), sample.y)
        loss.backward()
        opt.step()
        losses.append(round(loss.item(), 6))
    results.append(losses)
    print(f"workers {nw} | losses {losses}")
print("independent of workers", results[0] == results[1])
