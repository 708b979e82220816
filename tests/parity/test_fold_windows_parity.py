"""fold, and unfold's gradient (col2im), against PyTorch over random window settings: windows that
overlap (added up), and windows that do not (stride >= the dilated kernel, as pooling and patch
embeddings have: written, not added, and zeros only where no window reaches)."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch


def _settings(seed: int) -> list[tuple[tuple[int, ...], ...]]:
    rng = np.random.default_rng(seed)
    found = []
    while len(found) < 30:
        k, d, s = (tuple(int(v) for v in rng.integers(1, hi, 2)) for hi in (4, 3, 6))
        p, size = tuple(int(v) for v in rng.integers(0, 2, 2)), tuple(int(v) for v in rng.integers(3, 12, 2))
        if all(n + 2 * pp >= dd * (kk - 1) + 1 for n, pp, kk, dd in zip(size, p, k, d)):
            found.append((k, d, s, p, size))
    found.append(((2, 2), (1, 1), (2, 2), (0, 0), (10, 10)))  # tiles exactly: max_pool2d(2)'s windows
    return found


@pytest.mark.parametrize("seed", [0, 1])
def test_fold_and_unfold_gradient_match_pytorch(seed: int) -> None:
    torch = require_torch()
    rng = np.random.default_rng(seed + 10)
    disjoint = 0
    for k, d, s, p, size in _settings(seed):
        disjoint += all(ss >= dd * (kk - 1) + 1 for kk, dd, ss in zip(k, d, s))
        x = rng.standard_normal((2, 3, *size)).astype(np.float32)
        ours = mg.tensor(x, requires_grad=True)
        theirs = torch.tensor(x, requires_grad=True)
        y = mg.nn.functional.unfold(ours, k, dilation=d, padding=p, stride=s)
        yt = torch.nn.functional.unfold(theirs, k, dilation=d, padding=p, stride=s)
        g = rng.standard_normal(tuple(yt.shape)).astype(np.float32)
        y.backward(mg.tensor(g))
        yt.backward(torch.tensor(g))
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-6, atol=1e-6)
        folded = mg.nn.functional.fold(mg.tensor(g), size, k, dilation=d, padding=p, stride=s)
        folded_t = torch.nn.functional.fold(torch.tensor(g), size, k, dilation=d, padding=p, stride=s)
        np.testing.assert_allclose(folded.numpy(), folded_t.numpy(), rtol=1e-6, atol=1e-6)
    assert disjoint >= 5  # both kinds of settings were drawn
