"""sort / argsort / topk orders against PyTorch: NaN, -0.0, infinities, ties and the extreme integers.

minigrad sorts float32 and integers of up to 32 bits by packing each value's rank bits over its
position into one uint64 (reductions._packed_order), 64-bit integers with a stable argsort of ~x.
"""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

SPECIAL32 = np.array([0.0, -0.0, 1.0, -1.0, np.nan, -np.nan, np.inf, -np.inf, 2.5, 1e-45, -1e-45, 3.4e38],
                     np.float32)


def _cases(rng: np.random.Generator) -> list[np.ndarray]:
    out = [rng.choice(SPECIAL32, (6, 17)), rng.standard_normal((5, 40)).astype(np.float32),
           rng.standard_normal((3, 4, 6)).astype(np.float64)]
    for dt in (np.int8, np.int16, np.int32, np.int64, np.uint8):
        info = np.iinfo(dt)
        picks = np.array([info.min, info.max, 0, 1, -1 if info.min < 0 else 2, info.min + 1], dtype=dt)
        out.append(rng.choice(picks, (4, 13)))
    out.append(rng.integers(0, 2, (3, 9)).astype(bool))
    return out


@pytest.mark.parametrize("descending", [False, True])
def test_sort_and_argsort_orders_match_pytorch(descending: bool) -> None:
    torch = require_torch()
    for a in _cases(np.random.default_rng(3)):
        for dim in range(a.ndim):
            for stable in (False, True):  # (ties: std::sort's order, or the stable one)
                ours = mg.sort(mg.tensor(a), dim=dim, descending=descending, stable=stable)
                theirs = torch.sort(torch.from_numpy(a), dim=dim, descending=descending, stable=stable)
                np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
                np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
                got = mg.argsort(mg.tensor(a), dim=dim, descending=descending, stable=stable).numpy()
                np.testing.assert_array_equal(got, theirs.indices.numpy())


def test_topk_matches_pytorch_along_each_dim() -> None:
    torch = require_torch()
    rng = np.random.default_rng(4)
    f32 = np.float32
    cases = [rng.standard_normal((7, 65)).astype(f32), rng.standard_normal((4, 9, 5)).astype(f32),
             rng.integers(-128, 128, (5, 30)).astype(np.int8)]
    for a in cases:
        for dim in range(a.ndim):
            for largest in (True, False):
                k = min(3, a.shape[dim])
                ours = mg.topk(mg.tensor(a), k, dim=dim, largest=largest)
                theirs = torch.topk(torch.from_numpy(a), k, dim=dim, largest=largest)
                np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
                np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())


def test_descending_sort_puts_the_most_negative_int_last() -> None:
    # (-x overflowed for the most negative value of each integer dtype: it sorted first)
    for dt in (mg.int8, mg.int16, mg.int32, mg.int64):
        low = int(np.iinfo(np.dtype(dt)).min)
        x = mg.tensor([low, 100, -121, 110], dtype=dt)
        assert mg.sort(x, descending=True).indices.tolist() == [3, 1, 2, 0]
