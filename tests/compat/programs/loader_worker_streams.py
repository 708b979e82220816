# ruff: noqa: NPY002  (numpy's legacy global generator: the one PyTorch's workers seed)
"""A dataset that augments with random draws, loaded by two workers as tutorials do: each sample draws
from torch, Python's random and numpy's global generator and reports its worker; worker_init_fn reseeds
numpy from the worker's torch seed (the recipe PyTorch's docs give), with and without persistent
workers, over two epochs, then the main process draws: its streams must not have moved."""

import random

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, get_worker_info


class Jittered(Dataset):
    def __len__(self):
        return 10

    def __getitem__(self, i):
        info = get_worker_info()
        noise = torch.randn(2) * 0.1
        shift = random.randint(-2, 2)
        scale = float(np.random.uniform(0.9, 1.1))
        return torch.tensor([i + shift, scale]) + noise, info.id


def reseed_numpy(worker_id):
    np.random.seed(torch.initial_seed() % 2**32)


torch.manual_seed(0)
random.seed(0)
np.random.seed(0)
for persistent in (False, True):
    loader = DataLoader(Jittered(), batch_size=4, shuffle=True, num_workers=2, worker_init_fn=reseed_numpy,
                        persistent_workers=persistent)
    for epoch in range(2):
        for x, who in loader:
            print(persistent, epoch, who.tolist(), [[round(v, 4) for v in row] for row in x.tolist()])
    print("main streams:", round(torch.rand(()).item(), 4), random.randint(0, 99), round(float(np.random.rand()), 4))
print("outside a worker:", get_worker_info())
