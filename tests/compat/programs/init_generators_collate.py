"""Reproducibility recipes from 2024-2026 posts: a dedicated torch.Generator passed to nn.init (normal_,
kaiming_uniform_ with a=sqrt(5), xavier_normal_ with calculate_gain, trunc_normal_, orthogonal_,
uniform_), to randn/rand/randint/randperm/normal/bernoulli/multinomial and the in-place samplers
(exponential_, random_, geometric_, log_normal_, cauchy_), to random_split with fractions,
WeightedRandomSampler and a shuffling DataLoader; default_collate on namedtuples, dicts of numpy arrays
and strings, tuples and numpy scalars; BatchSampler/SequentialSampler, batch_size=None loading,
a seed_worker function, and a model initialised from its own generator trained two steps.
Seeded: every number agrees."""

import collections
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import (BatchSampler, DataLoader, SequentialSampler, Subset, TensorDataset,
                              WeightedRandomSampler, default_collate, random_split)

torch.set_num_threads(1)
g = torch.Generator().manual_seed(42)
w = torch.empty(3, 4)
nn.init.normal_(w, generator=g)
print(w)
nn.init.kaiming_uniform_(w, a=5 ** 0.5, generator=g)
print(w)
nn.init.xavier_normal_(w, gain=nn.init.calculate_gain("tanh"), generator=g)
print(w)
nn.init.trunc_normal_(w, std=0.02, generator=g)
print(w)
nn.init.orthogonal_(w, generator=g)
print(w, (w @ w.T).diagonal())
nn.init.uniform_(w, -1, 1, generator=g)
print(w)
print(nn.init.calculate_gain("leaky_relu", 0.2), nn.init.calculate_gain("selu"), nn.init.calculate_gain("conv2d"))
print(torch.randn(2, generator=g), torch.rand(2, generator=g), torch.randint(0, 5, (3,), generator=g),
      torch.randperm(4, generator=g))
print(torch.normal(0.0, 1.0, (2,), generator=g), torch.empty(3).uniform_(0, 1, generator=g),
      torch.empty(3).normal_(generator=g))
print(torch.bernoulli(torch.full((4,), 0.5), generator=g),
      torch.multinomial(torch.tensor([0.1, 0.9]), 4, replacement=True, generator=g))
print(torch.empty(3).exponential_(generator=g), torch.empty(3).random_(0, 10, generator=g),
      torch.empty(2).bernoulli_(0.3, generator=g))
print(torch.empty(3).geometric_(0.5, generator=g), torch.empty(3).log_normal_(generator=g),
      torch.empty(3).cauchy_(generator=g))
state = g.get_state()
a = torch.randn(3, generator=g)
g.set_state(state)
print(torch.equal(a, torch.randn(3, generator=g)), g.initial_seed())

Point = collections.namedtuple("Point", ["x", "y"])
print(default_collate([Point(1, 2.0), Point(3, 4.0)]))
print(default_collate([{"a": np.array([1, 2]), "b": "x"}, {"a": np.array([3, 4]), "b": "y"}]))
print(default_collate([(torch.ones(2), 1), (torch.zeros(2), 0)]))
print(default_collate([np.float32(1.5), np.float32(2)]), default_collate([True, False]), default_collate([1.5, 2]))

ds = TensorDataset(torch.arange(10.), torch.arange(10))
a, b = random_split(ds, [0.7, 0.3], generator=torch.Generator().manual_seed(1))
print(len(a), len(b), a.indices, type(a).__name__)
print(list(BatchSampler(SequentialSampler(range(7)), 3, drop_last=False)))
s = WeightedRandomSampler([0.1, 0.2, 0.7], 6, generator=torch.Generator().manual_seed(0))
print(list(s))


def seed_worker(worker_id):
    worker_seed = torch.initial_seed() % 2**32
    np.random.seed(worker_seed)  # noqa: NPY002 - PyTorch's reproducibility recipe, as written
    random.seed(worker_seed)


dl = DataLoader(ds, batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(3), drop_last=True,
                worker_init_fn=seed_worker)
print(len(dl), [batch[1].tolist() for batch in dl])
print(ds[3], ds[1:3])
print(Subset(ds, [0, 5])[1])
print(list(DataLoader(range(5), batch_size=None)))
dl3 = DataLoader(ds, batch_sampler=BatchSampler(SequentialSampler(ds), 4, False))
print(len(dl3), next(iter(dl3)))

init_gen = torch.Generator().manual_seed(7)
model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
for layer in model:
    if isinstance(layer, nn.Linear):
        nn.init.xavier_uniform_(layer.weight, generator=init_gen)
        nn.init.zeros_(layer.bias)
data_gen = torch.Generator().manual_seed(11)
X = torch.randn(16, 4, generator=data_gen)
Y = X.sum(1, keepdim=True)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(2):
    loss = nn.functional.mse_loss(model(X), Y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"step {step} loss {loss.item():.6f}")
print(model[0].weight[0])
