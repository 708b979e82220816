"""What the tutorial-style compat programs (tests/compat/programs: autoencoder_early_stop, profiler_inference,
extending_autograd, forward_mode_ad, model_surgery, ...) needed: each fix checked against torch on its own."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()
torch.set_num_threads(1)


@pytest.mark.parametrize(("n", "batch", "num_samples"),
                         [(48, 8, None), (50, 8, None), (20, 4, 40), (20, 4, 7)])
def test_loader_advances_its_generator_as_torch(n: int, batch: int, num_samples: int | None) -> None:
    # autoencoder_early_stop: a loader's own generator must be where PyTorch's is after each epoch, which
    # includes the empty last permutation PyTorch's RandomSampler draws when the passes come out even
    def epochs(lib: Any) -> list[list[int]]:
        gen = lib.Generator().manual_seed(7)
        ds = lib.utils.data.TensorDataset(lib.arange(n))
        sampler = lib.utils.data.RandomSampler(ds, num_samples=num_samples, generator=gen)
        loader = lib.utils.data.DataLoader(ds, batch_size=batch, sampler=sampler)
        out = [[int(i) for b in loader for i in b[0].tolist()] for _ in range(3)]
        out.append([int(v) for v in lib.randperm(5, generator=gen).tolist()])
        return out

    assert epochs(mg) == epochs(torch)


def test_random_sampler_iterated_directly_advances_its_generator_as_torch() -> None:
    def orders(lib: Any) -> list[list[int]]:
        gen = lib.Generator().manual_seed(3)
        sampler = lib.utils.data.RandomSampler(range(12), generator=gen)
        return [list(sampler) for _ in range(3)]

    assert orders(mg) == orders(torch)
    np.testing.assert_array_equal(sorted(orders(mg)[0]), np.arange(12))


def test_number_minus_tensor_is_named_rsub_as_torch() -> None:
    # d2l_scratch prints `true_b - b`, whose repr shows the grad_fn
    def names(lib: Any) -> list[str]:
        b = lib.ones(2, requires_grad=True)
        return [type(t.grad_fn).__name__ if lib is torch else t.grad_fn.name()
                for t in (1 - b, 4.2 - b, b - 1, lib.tensor(1.0) - b)]

    assert names(mg) == names(torch)
    b = mg.tensor([1.0, 2.0], requires_grad=True)
    (3.0 - b * b).sum().backward()
    assert b.grad is not None and b.grad.tolist() == [-2.0, -4.0]
    assert repr(4.2 - mg.tensor([1.0], requires_grad=True)) == repr(
        4.2 - torch.tensor([1.0], requires_grad=True))
