"""torch.utils.data plumbing as course notebooks and library code use it: an IterableDataset that
shards by get_worker_info (None in the main process) and yields dicts, ChainDataset, ConcatDataset of
map-style datasets with cumulative_sizes, Subset of a Subset, random_split by fractions with a
generator, StackDataset of named columns, BatchSampler over a custom Sampler, WeightedRandomSampler
with a generator, a collate_fn that pads and sorts by length, default_collate of nested dicts /
namedtuples / numpy arrays / strings, default_convert, and DataLoader(batch_size=None)."""

from collections import namedtuple

import numpy as np
import torch
from torch.utils.data import (BatchSampler, ChainDataset, ConcatDataset, DataLoader, Dataset, IterableDataset,
                              RandomSampler, Sampler, SequentialSampler, StackDataset, Subset, TensorDataset,
                              WeightedRandomSampler, default_collate, get_worker_info, random_split)
from torch.utils.data.dataloader import default_convert

torch.manual_seed(0)


class Stream(IterableDataset):
    def __init__(self, start, end):
        super().__init__()
        self.start, self.end = start, end

    def __iter__(self):
        info = get_worker_info()
        lo, hi = self.start, self.end
        if info is not None:  # split the range between workers
            per = int(np.ceil((hi - lo) / info.num_workers))
            lo, hi = lo + info.id * per, min(lo + (info.id + 1) * per, hi)
        for i in range(lo, hi):
            yield {"x": torch.tensor([float(i), i ** 0.5]), "y": i % 3}


stream = Stream(3, 10)
print("worker info in main", get_worker_info())
for batch in DataLoader(stream, batch_size=3):
    print("stream batch", batch["x"].tolist(), batch["y"].tolist())
print("unbatched", [b["y"] for b in DataLoader(stream, batch_size=None)])
chain = ChainDataset([Stream(0, 2), Stream(5, 7)])
print("chain", [d["x"][0].item() for d in chain])
print("drop_last", len(list(DataLoader(stream, batch_size=3, drop_last=True))))

a = TensorDataset(torch.arange(5.), torch.arange(5) * 10)
b = TensorDataset(torch.arange(100., 103.), torch.arange(3))
cat = ConcatDataset([a, b])
print("concat", len(cat), cat.cumulative_sizes, cat[6], cat[-1])
sub = Subset(Subset(cat, [0, 2, 4, 5, 7]), [1, 3])
print("subset of subset", [sub[i][0].item() for i in range(len(sub))], sub.indices, sub.dataset.indices)
parts = random_split(cat, [0.5, 0.25, 0.25], generator=torch.Generator().manual_seed(42))
print("fraction split", [len(p) for p in parts], [sorted(p.indices) for p in parts])
parts2 = random_split(range(7), [3, 4], generator=torch.Generator().manual_seed(1))
print("int split", [list(p) for p in parts2])

cols = StackDataset(image=torch.arange(12.).view(4, 3), label=torch.tensor([1, 0, 1, 1]))
print("stack item", cols[2])
print("stack batch", next(iter(DataLoader(cols, batch_size=3))))


class EvenFirst(Sampler):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter([i for i in range(self.n) if i % 2 == 0] + [i for i in range(self.n) if i % 2])

    def __len__(self):
        return self.n


bs = BatchSampler(EvenFirst(7), batch_size=3, drop_last=False)
print("batch sampler", list(bs), len(bs))
print("over a dataset", [x.tolist() for x, _ in DataLoader(a, batch_sampler=BatchSampler(EvenFirst(5), 2, True))])
w = WeightedRandomSampler([0.1, 0.1, 5.0, 0.1], num_samples=8, replacement=True, generator=torch.Generator().manual_seed(3))
print("weighted", list(w))
print("random sampler gen", list(RandomSampler(range(6), generator=torch.Generator().manual_seed(4))))
print("sequential", list(SequentialSampler(range(4))))


class Sentences(Dataset):
    def __init__(self):
        self.data = [[5, 2, 9], [4], [7, 7, 7, 7], [1, 2]]

    def __len__(self):
        return len(self.data)

    def __getitem__(self, i):
        return torch.tensor(self.data[i]), len(self.data[i])


def pad_collate(batch):
    batch = sorted(batch, key=lambda s: s[1], reverse=True)
    seqs, lens = zip(*batch)
    out = torch.zeros(len(seqs), max(lens), dtype=torch.long)
    for i, s in enumerate(seqs):
        out[i, : len(s)] = s
    return out, torch.tensor(lens)


for padded, lens in DataLoader(Sentences(), batch_size=3, collate_fn=pad_collate):
    print("padded", padded.tolist(), "lens", lens.tolist())

Sample = namedtuple("Sample", "features meta")
batch = default_collate([Sample(np.array([1.0, 2.0]), {"id": 1, "tag": "a", "w": torch.tensor(0.5)}),
                         Sample(np.array([3.0, 4.0]), {"id": 2, "tag": "b", "w": torch.tensor(1.5)})])
print("namedtuple", type(batch).__name__, batch.features, batch.meta["id"], batch.meta["tag"], batch.meta["w"])
print("tuples", default_collate([(1, 2.5, True), (3, 4.5, False)]))
print("nested lists", default_collate([[torch.ones(2), 1], [torch.zeros(2), 2]]))
print("convert", default_convert({"a": np.arange(3), "b": [np.float32(1.5)]}))
print("numpy scalars", default_collate([np.float64(1.5), np.float64(2.5)]), default_collate([np.int32(1), np.int32(2)]))
loader = DataLoader(a, batch_size=2, shuffle=True, generator=torch.Generator().manual_seed(7))
print("len", len(loader), "epochs", [[x.tolist() for x, _ in loader] for _ in range(2)])
