"""TensorDataset and DataLoader: batching, shuffling determinism, drop_last, len, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.data import DataLoader, Dataset, TensorDataset, default_collate


def _data(n: int = 10) -> tuple[mg.Tensor, mg.Tensor]:
    x = mg.Tensor(np.arange(n * 3, dtype=np.float32).reshape(n, 3))
    y = mg.Tensor(np.arange(n) % 3)
    return x, y


def test_tensor_dataset_indexing_and_len() -> None:
    x, y = _data()
    ds = TensorDataset(x, y)
    assert len(ds) == 10
    xi, yi = ds[4]
    np.testing.assert_array_equal(xi.numpy(), [12.0, 13.0, 14.0])
    assert yi.item() == 1 and yi.dtype == np.int64
    np.testing.assert_array_equal(ds[-1][0].numpy(), x.numpy()[9])


def test_tensor_dataset_errors() -> None:
    with pytest.raises(mg.ShapeError, match=r"tensor 0 has 10 samples.*tensor 1 has 9"):
        TensorDataset(mg.zeros(10, 2), mg.zeros(9))
    with pytest.raises(mg.ShapeError, match="0-d"):
        TensorDataset(mg.tensor(1.0))
    with pytest.raises(mg.InvalidParameterError, match="at least one tensor"):
        TensorDataset()
    with pytest.raises(TypeError, match="list"):
        TensorDataset([1, 2, 3])  # type: ignore[arg-type]
    with pytest.raises(IndexError, match="out of range"):
        TensorDataset(mg.zeros(3))[3]


@pytest.mark.parametrize(("n", "bs", "drop_last", "sizes"), [
    (10, 3, False, [3, 3, 3, 1]),
    (10, 3, True, [3, 3, 3]),
    (9, 3, True, [3, 3, 3]),
    (10, 10, False, [10]),
    (10, 32, False, [10]),
    (10, 32, True, []),
    (0, 4, False, []),
])
def test_batches_in_order_with_len(n: int, bs: int, drop_last: bool, sizes: list[int]) -> None:
    x, y = _data(n)
    loader = DataLoader(TensorDataset(x, y), batch_size=bs, drop_last=drop_last)
    batches = list(loader)
    assert len(loader) == len(sizes) == len(batches)
    assert [b[0].shape[0] for b in batches] == sizes
    if sizes:
        got = np.concatenate([b[0].numpy() for b in batches])
        np.testing.assert_array_equal(got, x.numpy()[: sum(sizes)])
        for bx, by in batches:
            assert isinstance(bx, mg.Tensor) and bx.dtype == np.float32 and bx.shape[1:] == (3,)
            assert by.dtype == np.int64 and not bx.requires_grad


def test_batches_are_copies_not_views_of_the_dataset() -> None:
    x, y = _data()
    (bx, _), *_ = DataLoader(TensorDataset(x, y), batch_size=4)
    bx.numpy()[...] = -1.0
    assert (x.numpy() >= 0).all()


def test_shuffle_is_a_permutation_and_deterministic_under_manual_seed() -> None:
    x, y = _data(25)
    loader = DataLoader(TensorDataset(x, y), batch_size=4, shuffle=True)
    mg.manual_seed(123)
    first = [b[1].numpy().copy() for b in loader]
    second = [b[1].numpy().copy() for b in loader]
    mg.manual_seed(123)
    again = [b[1].numpy().copy() for b in loader]
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    seen = np.concatenate([b[0].numpy()[:, 0] for b in DataLoader(TensorDataset(x, y), 4, shuffle=True)])
    np.testing.assert_array_equal(np.sort(seen), x.numpy()[:, 0])
    assert not all(np.array_equal(a, b) for a, b in zip(first, second, strict=True)), "epochs reshuffle"
    assert not np.array_equal(np.concatenate(first), y.numpy()), "shuffled"


def test_shuffle_rows_stay_aligned_across_tensors() -> None:
    x, y = _data(20)
    for bx, by in DataLoader(TensorDataset(x, mg.Tensor(np.arange(20))), batch_size=6, shuffle=True):
        np.testing.assert_array_equal(bx.numpy()[:, 0], by.numpy() * 3)
    del y


def test_own_generator_is_independent_of_the_global_stream() -> None:
    x, y = _data(30)
    ds = TensorDataset(x, y)

    def order(seed: int, global_seed: int) -> np.ndarray:
        mg.manual_seed(global_seed)
        loader = DataLoader(ds, batch_size=7, shuffle=True, generator=mg.Generator(seed))
        return np.concatenate([b[0].numpy()[:, 0] for b in loader])

    np.testing.assert_array_equal(order(5, 0), order(5, 99))
    assert not np.array_equal(order(5, 0), order(6, 0))
    mg.manual_seed(1)
    before = mg.rand(3).numpy()
    mg.manual_seed(1)
    list(DataLoader(ds, batch_size=7, shuffle=True, generator=mg.Generator(5)))
    np.testing.assert_array_equal(mg.rand(3).numpy(), before)  # the global stream was not touched
    # without a generator, each pass draws its (worker) base seed from the global stream, as PyTorch's
    mg.manual_seed(1)
    list(DataLoader(ds, batch_size=7, shuffle=False))
    assert not np.array_equal(mg.rand(3).numpy(), before)


def test_drop_last_with_shuffle() -> None:
    x, y = _data(10)
    loader = DataLoader(TensorDataset(x, y), batch_size=4, shuffle=True, drop_last=True)
    mg.manual_seed(0)
    batches = list(loader)
    assert len(loader) == 2 and [b[0].shape[0] for b in batches] == [4, 4]
    rows = np.concatenate([b[0].numpy()[:, 0] for b in batches])
    assert len(np.unique(rows)) == 8 and set(rows) <= set(x.numpy()[:, 0])


class _Squares(Dataset[tuple[np.ndarray, int]]):
    def __len__(self) -> int:
        return 7

    def __getitem__(self, i: int) -> tuple[np.ndarray, int]:
        return np.full(2, float(i)), i * i


def test_generic_dataset_is_collated_sample_by_sample() -> None:
    batches = list(DataLoader(_Squares(), batch_size=3))
    assert len(batches) == 3
    x, y = batches[0]
    np.testing.assert_array_equal(x.numpy(), [[0, 0], [1, 1], [2, 2]])
    assert x.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(y.numpy(), [0, 1, 4])
    np.testing.assert_array_equal(batches[2][1].numpy(), [36])


def test_default_collate_structures() -> None:
    out = default_collate([{"a": mg.tensor([1.0, 2.0]), "b": 1.5, "c": "x"},
                           {"a": mg.tensor([3.0, 4.0]), "b": 2.5, "c": "y"}])
    np.testing.assert_array_equal(out["a"].numpy(), [[1, 2], [3, 4]])
    assert out["b"].dtype == np.float64 and out["c"] == ["x", "y"]
    with pytest.raises(mg.ShapeError, match="equal shapes"):
        default_collate([mg.zeros(2), mg.zeros(3)])
    with pytest.raises(TypeError, match="object"):
        default_collate([object(), object()])


def test_collate_fn_and_grad_preserving_batches() -> None:
    x = mg.Tensor(np.ones((4, 2)), requires_grad=True)
    (bx,), _ = DataLoader(TensorDataset(x), batch_size=2)
    bx.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1, 1], [1, 1], [0, 0], [0, 0]])
    loader = DataLoader(TensorDataset(mg.zeros(5)), batch_size=2, collate_fn=len)
    assert list(loader) == [2, 2, 1]


@pytest.mark.parametrize(("kw", "match"), [
    ({"batch_size": 0}, "batch_size=0"),
    ({"batch_size": -3}, "batch_size=-3"),
    ({"batch_size": 2.0}, "batch_size=2.0"),
    ({"batch_size": True}, "batch_size=True"),
    ({"shuffle": "yes"}, "shuffle='yes'"),
    ({"drop_last": 1}, "drop_last=1"),
    ({"generator": np.random.default_rng(0)}, "generator"),
])
def test_invalid_loader_arguments(kw: dict[str, Any], match: str) -> None:
    with pytest.raises(mg.InvalidParameterError, match=match):
        DataLoader(TensorDataset(mg.zeros(3)), **kw)


def test_batch_size_none_yields_single_samples_as_pytorch() -> None:
    """batch_size=None turns automatic batching off (PyTorch): each sample, converted, not stacked."""
    x, y = _data(3)
    loader = DataLoader(TensorDataset(x, y), batch_size=None)
    samples = list(loader)
    assert len(loader) == 3 and len(samples) == 3
    np.testing.assert_array_equal(samples[1][0].numpy(), [3.0, 4.0, 5.0])
    assert samples[1][0].shape == (3,) and samples[1][1].shape == ()
    with pytest.raises(mg.InvalidParameterError, match="drop_last"):
        DataLoader(TensorDataset(x), batch_size=None, drop_last=True)


def test_dataset_without_len_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="__len__"):
        DataLoader(iter([1, 2, 3]))  # type: ignore[arg-type]


def test_tensor_dataset_batching_is_fast() -> None:
    """One fancy index per batch: 60k samples load in well under a second."""
    import time

    x = mg.Tensor(np.zeros((60_000, 64), dtype=np.float32))
    y = mg.Tensor(np.zeros(60_000, dtype=np.int64))
    loader = DataLoader(TensorDataset(x, y), batch_size=64, shuffle=True, generator=mg.Generator(0))
    t0 = time.perf_counter()
    n = sum(b[0].shape[0] for b in loader)
    elapsed = time.perf_counter() - t0
    assert n == 60_000
    assert elapsed < 1.0, f"an epoch of 60k samples took {elapsed:.2f}s"
