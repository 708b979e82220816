"""A torch.utils.data-heavy script, as the data loading tutorial writes one: a
map-style Dataset returning dicts with a transform, the default collate of
dicts / tuples / numpy arrays / strings, a custom collate_fn that pads,
Subset, ConcatDataset, random_split by counts and by fractions with a seeded
generator, samplers (Sequential, Random, SubsetRandom, Weighted, BatchSampler)
passed as sampler= and batch_sampler=, drop_last, an IterableDataset split by
get_worker_info, ChainDataset and StackDataset; then a short training run.
Where PyTorch draws random indices only invariants are printed (the random
streams differ); everything else agrees exactly."""

import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import (BatchSampler, ChainDataset, ConcatDataset, DataLoader, Dataset, IterableDataset,
                              RandomSampler, SequentialSampler, StackDataset, Subset, SubsetRandomSampler,
                              TensorDataset, WeightedRandomSampler, default_collate, get_worker_info, random_split)

from _data import digits

torch.set_num_threads(1)


class DigitsDataset(Dataset):
    """Digits as dicts {'image', 'label', 'name'}, with an optional transform (as the FaceLandmarks tutorial)."""

    def __init__(self, pixels, labels, transform=None):
        self.pixels, self.labels, self.transform = pixels, labels, transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        if torch.is_tensor(idx):
            idx = idx.tolist()
        sample = {'image': self.pixels[idx].reshape(8, 8).astype(np.float32) / 16.0,
                  'label': int(self.labels[idx]), 'name': f"digit_{idx}"}
        if self.transform:
            sample = self.transform(sample)
        return sample


class ToTensor(object):
    """Convert ndarrays in sample to Tensors."""

    def __call__(self, sample):
        image = sample['image'][None]
        return {'image': torch.from_numpy(image), 'label': sample['label'], 'name': sample['name']}


class Shift(object):
    def __init__(self, pixels):
        self.pixels = pixels

    def __call__(self, sample):
        sample['image'] = torch.roll(sample['image'], self.pixels, dims=2)
        return sample


class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, sample):
        for t in self.transforms:
            sample = t(sample)
        return sample


pixels, labels = digits()
raw = DigitsDataset(pixels[:600], labels[:600])
ds = DigitsDataset(pixels[:600], labels[:600], transform=Compose([ToTensor(), Shift(1)]))
print("len", len(ds), "raw image", type(raw[0]['image']).__name__, raw[0]['image'].shape,
      "tensor idx", ds[torch.tensor(3)]['name'])

# default collate: numpy arrays, ints, strings and nested containers
batch = default_collate([raw[i] for i in range(4)])
print("collated", sorted(batch), tuple(batch['image'].shape), batch['image'].dtype == torch.float32,
      batch['label'].tolist(), batch['label'].dtype == torch.int64, batch['name'])
nested = default_collate([(1.5, (np.int64(2), [3, 4]), {"w": torch.ones(2)}) for _ in range(3)])
print("nested", nested[0].dtype == torch.float64, nested[0].tolist(), nested[1][0].tolist(),
      [t.tolist() for t in nested[1][1]], tuple(nested[2]["w"].shape))

loader = DataLoader(ds, batch_size=64, shuffle=False, num_workers=0)
first = next(iter(loader))
print("loader", len(loader), tuple(first['image'].shape), first['label'][:8].tolist(), first['name'][:2])
print("drop_last", len(DataLoader(ds, batch_size=64, drop_last=True)),
      "last batch", len(list(DataLoader(ds, batch_size=64))[-1]['label']))


def pad_collate(batch):
    """Variable-length rows of nonzero pixels, padded, with their lengths."""
    seqs = [s['image'].flatten()[s['image'].flatten() > 0] for s in batch]
    lengths = torch.tensor([len(s) for s in seqs])
    padded = nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=-1.0)
    return padded, lengths, torch.tensor([s['label'] for s in batch])


padded, lengths, ys = next(iter(DataLoader(ds, batch_size=5, collate_fn=pad_collate)))
print("pad_collate", tuple(padded.shape), lengths.tolist(), ys.tolist(), padded[lengths.argmin(), -1].item())

# subsets and concatenation
evens = Subset(ds, list(range(0, 600, 2)))
both = ConcatDataset([evens, Subset(ds, [1, 3, 5])])
print("subset", len(evens), evens[2]['name'], "concat", len(both), both[300]['name'], both.cumulative_sizes)

# random_split: sizes and disjointness are exact; which items land where depends on the stream
g = torch.Generator().manual_seed(42)
train_set, val_set, test_set = random_split(ds, [400, 100, 100], generator=g)
frac = random_split(range(10), [0.5, 0.3, 0.2], generator=torch.Generator().manual_seed(0))
idx = set(train_set.indices) | set(val_set.indices) | set(test_set.indices)
print("split", len(train_set), len(val_set), len(test_set), "disjoint cover", len(idx) == 600,
      "fractions", [len(s) for s in frac], type(train_set).__name__)
odd_frac = random_split(range(7), [0.5, 0.5])
print("fraction remainder", [len(s) for s in odd_frac])

# samplers
seq = list(SequentialSampler(range(5)))
rand = list(RandomSampler(range(10), generator=torch.Generator().manual_seed(1)))
repl = list(RandomSampler(range(10), replacement=True, num_samples=25))
sub = list(SubsetRandomSampler([3, 5, 7, 9]))
w = WeightedRandomSampler([0.0, 0.0, 1.0, 3.0], num_samples=200, replacement=True)
counts = np.bincount(list(w), minlength=4)
print("sequential", seq, "random is permutation", sorted(rand) == list(range(10)), "replacement", len(repl),
      all(0 <= i < 10 for i in repl), "subset", sorted(sub))
print("weighted zeros never drawn", counts[:2].tolist(), "share of 3 above 0.6", counts[3] / 200 > 0.6)
print("batch sampler", list(BatchSampler(SequentialSampler(range(10)), batch_size=4, drop_last=False)),
      list(BatchSampler(range(10), 4, True)))
bs_loader = DataLoader(ds, batch_sampler=BatchSampler(SequentialSampler(range(20)), batch_size=8, drop_last=False))
print("batch_sampler loader", [len(b['label']) for b in bs_loader], len(bs_loader))
sampler_loader = DataLoader(ds, batch_size=10, sampler=SubsetRandomSampler(list(range(30))))
seen = sorted(i for b in sampler_loader for i in b['label'].tolist())
print("sampler loader batches", len(sampler_loader), "labels", seen == sorted(labels[:30].tolist()))
try:
    DataLoader(ds, batch_size=4, shuffle=True, sampler=SequentialSampler(ds))
except ValueError as e:
    print("sampler and shuffle: ValueError", isinstance(e, ValueError))


class Stream(IterableDataset):
    """Yields start..end-1; under several workers each takes its own slice (get_worker_info)."""

    def __init__(self, start, end):
        super(Stream).__init__()
        self.start, self.end = start, end

    def __iter__(self):
        worker_info = get_worker_info()
        if worker_info is None:
            iter_start, iter_end = self.start, self.end
        else:
            per_worker = int(math.ceil((self.end - self.start) / float(worker_info.num_workers)))
            iter_start = self.start + worker_info.id * per_worker
            iter_end = min(iter_start + per_worker, self.end)
        return iter(range(iter_start, iter_end))


print("iterable", [b.tolist() for b in DataLoader(Stream(3, 10), batch_size=3)],
      "worker info", get_worker_info())
print("chain", list(ChainDataset([Stream(0, 3), Stream(10, 12)])))
stack = StackDataset(TensorDataset(torch.arange(4.0)), torch.arange(4) * 10)
print("stack", len(stack), stack[2][0][0].item(), stack[2][1].item())
stack_named = StackDataset(x=torch.arange(3), y=torch.arange(3) * 2)
print("stack named", stack_named[1], default_collate([stack_named[0], stack_named[2]]))

# a short training run through the pipeline
model = nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        fan_in = p.shape[-1] if p.dim() > 1 else p.numel()
        p.copy_(torch.cos(torch.arange(p.numel(), dtype=torch.float32) * 0.61 + i).reshape(p.shape) / fan_in ** 0.5)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
train_loader = DataLoader(Subset(ds, range(500)), batch_size=50)
val_loader = DataLoader(Subset(ds, range(500, 600)), batch_size=100)
for epoch in range(4):
    total = 0.0
    for b in train_loader:
        loss = F.cross_entropy(model(b['image']), b['label'])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(b['label'])
    with torch.no_grad():
        vb = next(iter(val_loader))
        acc = (model(vb['image']).argmax(1) == vb['label']).float().mean().item()
    print(f"epoch {epoch} | train loss {total / len(train_loader.dataset):.6f} | val acc {acc:.4f}")
