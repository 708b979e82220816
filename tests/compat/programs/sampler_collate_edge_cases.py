"""Data-loading edge cases a forum answer walks through, all seeded: default_collate of namedtuples,
nested dicts, numpy scalars and arrays, bools, strings and None; default_convert; DataLoader with
batch_size=None and a custom sampler, drop_last lengths, a generator-seeded shuffle, RandomSampler
with replacement and num_samples (and without, num_samples > len), WeightedRandomSampler without
replacement, SubsetRandomSampler, BatchSampler, random_split by fractions, ConcatDataset negative
indexing and cumulative_sizes, Subset.__getitems__, StackDataset, ChainDataset of IterableDatasets,
DistributedSampler shards with shuffle/seed/drop_last/set_epoch, and the ValueErrors a misconfigured
loader raises, then a bucketed epoch loop whose batches are printed."""

import collections

import numpy as np
import torch
from torch.utils.data import (BatchSampler, ChainDataset, ConcatDataset, DataLoader, IterableDataset,
                              RandomSampler, SequentialSampler, StackDataset, Subset, SubsetRandomSampler,
                              TensorDataset, WeightedRandomSampler, random_split)
from torch.utils.data.dataloader import default_collate
from torch.utils.data.distributed import DistributedSampler

torch.set_num_threads(1)
torch.manual_seed(0)

Point = collections.namedtuple("Point", "x y")
print("namedtuple", default_collate([Point(1, 2.0), Point(3, 4.0)]))
print("nested", default_collate([{"a": (1, "s"), "b": np.array([1.0, 2.0])}, {"a": (2, "t"), "b": np.array([3.0, 4.0])}]))
print("bools", default_collate([True, False]), "np scalars", default_collate([np.float32(1.5), np.float32(2)]))
print("np int dtype", default_collate([np.int64(1), np.int64(2)]).dtype, "ints", default_collate([1, 2]).dtype,
      "floats", default_collate([1.0, 2.0]).dtype)
print("strings", default_collate(["ab", "cd"]))
try:
    default_collate([None, None])
except TypeError as e:
    print("none:", e)
print("int8 tensors", default_collate([torch.ones(2, dtype=torch.int8), torch.zeros(2, dtype=torch.int8)]))
print("ordered dict type", type(default_collate([collections.OrderedDict(a=1, b=2)] * 2)).__name__)
print("convert", torch.utils.data.default_convert([np.array([1, 2]), (np.float64(3.0),)]))
for bad in ([torch.ones(2), torch.ones(3)], [[1, 2], [3]]):
    try:
        default_collate(bad)
    except RuntimeError as e:
        print("collate error:", str(e).split(" (")[0])

ds = TensorDataset(torch.arange(10), torch.arange(10) * 2)
print("batch_size=None", [tuple(t.tolist() for t in b) for b in DataLoader(ds, batch_size=None)][:3])
print("custom sampler", [b[0].item() for b in DataLoader(ds, batch_size=None, sampler=[3, 1, 7])])
print("drop_last lens", len(DataLoader(ds, batch_size=3, drop_last=True)), len(DataLoader(ds, batch_size=3)),
      len(DataLoader(ds, batch_size=3).batch_sampler))
print("seeded shuffle", [b[0].tolist() for b in DataLoader(ds, batch_size=4, shuffle=True,
                                                            generator=torch.Generator().manual_seed(3))])
print("replacement", list(RandomSampler(range(5), replacement=True, num_samples=8,
                                        generator=torch.Generator().manual_seed(1))))
print("num_samples > len", list(RandomSampler(range(5), num_samples=12, generator=torch.Generator().manual_seed(1))))
print("weighted no replacement", list(WeightedRandomSampler([0.1, 0.5, 0.2, 0.2], 3, replacement=False,
                                                            generator=torch.Generator().manual_seed(2))))
print("weighted", list(WeightedRandomSampler(torch.tensor([1.0, 0.0, 3.0]), 6, generator=torch.Generator().manual_seed(2))))
print("subset random", list(SubsetRandomSampler([5, 6, 7], generator=torch.Generator().manual_seed(0))))
print("batch sampler", list(BatchSampler(range(7), 3, drop_last=False)), list(BatchSampler(SequentialSampler(range(7)), 3, True)))
print("split fractions", [len(s) for s in random_split(range(10), [0.33, 0.33, 0.34], generator=torch.Generator().manual_seed(0))])
print("split indices", [s.indices for s in random_split(range(7), [0.5, 0.5], generator=torch.Generator().manual_seed(0))])
cat = ConcatDataset([ds, TensorDataset(torch.arange(100, 103), torch.zeros(3))])
print("concat", len(cat), cat.cumulative_sizes, cat[-1], cat[10])
sub = Subset(ds, [1, 3, 5])
print("subset", sub[1], sub.__getitems__([0, 2]))
print("stack", StackDataset(ds, torch.arange(10) * 10)[2], StackDataset(a=ds, b=torch.arange(10))[4])


class Count(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))


print("chain", list(ChainDataset([Count(3), Count(2)])), "iterable loader", [b.tolist() for b in DataLoader(Count(5), batch_size=2)])
for rank in range(3):
    s = DistributedSampler(range(10), num_replicas=3, rank=rank, shuffle=False)
    print("dist rank", rank, list(s), len(s))
s = DistributedSampler(range(10), num_replicas=3, rank=2, shuffle=True, seed=5, drop_last=True)
print("dist shuffle", list(s))
s.set_epoch(1)
print("dist epoch 1", list(s))
for kwargs in [dict(batch_size=2, batch_sampler=BatchSampler(SequentialSampler(ds), 3, False)),
               dict(shuffle=True, sampler=SequentialSampler(ds))]:
    try:
        DataLoader(ds, **kwargs)
    except ValueError as e:
        print("loader error:", e)
try:
    DataLoader(Count(3), shuffle=True)
except ValueError as e:
    print("iterable shuffle:", e)
for bad in [lambda: WeightedRandomSampler([0.1, 0.5], 0), lambda: BatchSampler(range(7), 0, False),
            lambda: random_split(range(10), [3, 3])]:
    try:
        bad()
    except ValueError as e:
        print("value error:", str(e).split(" (")[0])

# bucketed epoch: sort by length inside chunks, then batch
torch.manual_seed(5)
lengths = torch.randint(1, 9, (20,))
order = torch.randperm(20)
chunks = [order[i:i + 10] for i in range(0, 20, 10)]
batches = []
for c in chunks:
    c = c[torch.argsort(lengths[c], descending=True, stable=True)]
    batches += [c[i:i + 4] for i in range(0, len(c), 4)]
perm = torch.randperm(len(batches))
for i in perm.tolist():
    b = batches[i]
    seqs = [torch.full((int(lengths[j]),), int(j)) for j in b]
    padded = torch.nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=-1)
    print("batch", b.tolist(), tuple(padded.shape), int((padded == -1).sum()))
