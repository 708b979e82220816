"""Fixes found by running PyTorch's test/test_dataloader.py (single-process parts) against minigrad.

Each test runs the same calls through torch.utils.data and minigrad.utils.data and
compares what comes out: batches, how iteration goes on after an error, error classes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.utils.data as mud
from tests.helpers import require_torch

torch = require_torch()
tud = torch.utils.data


def _flaky_dataset(lib: Any) -> Any:
    """Items 0..9; every index divisible by 3 raises NotImplementedError."""

    class Flaky(lib.utils.data.Dataset):
        def __len__(self) -> int:
            return 10

        def __getitem__(self, i: int) -> Any:
            if i % 3 == 0:
                raise NotImplementedError(f"item {i}")
            return lib.tensor([float(i)])

    return Flaky()


def _outcomes(lib: Any, **kw: Any) -> list[Any]:
    """What each next() gives until StopIteration: the batch's values, or the error class's name."""
    gen = lib.Generator().manual_seed(3)
    it = iter(lib.utils.data.DataLoader(_flaky_dataset(lib), generator=gen, **kw))
    out: list[Any] = []
    while True:
        try:
            out.append(next(it).tolist())
        except StopIteration:
            return out
        except NotImplementedError:
            out.append("NotImplementedError")


@pytest.mark.parametrize("kw", [{"batch_size": 2, "shuffle": True}, {"batch_size": 3}, {"batch_size": None},
                                {"batch_size": 2, "drop_last": True, "shuffle": True}])
def test_iteration_goes_on_after_a_failing_batch_as_pytorch(kw: dict[str, Any]) -> None:
    assert _outcomes(mg, **kw) == _outcomes(torch, **kw)


def test_loader_iterator_len_is_the_loaders() -> None:
    data = list(range(7))
    assert len(iter(mud.DataLoader(data, batch_size=2))) == len(iter(tud.DataLoader(data, batch_size=2))) == 4


class _Stream(tud.IterableDataset):  # type: ignore[misc]
    def __iter__(self) -> Any:
        return iter(range(3))


class _MgStream(mud.IterableDataset[int]):
    def __iter__(self) -> Any:
        return iter(range(3))


def _raised(fn: Any) -> type[BaseException]:
    try:
        fn()
    except Exception as e:  # the class is what is compared
        return type(e)
    raise AssertionError("no error")


@pytest.mark.parametrize("case", ["concat_iterable", "concat_empty", "chain_map_style", "tensors_mismatch"])
def test_dataset_errors_are_instances_of_pytorchs_assertion_error(case: str) -> None:
    def make(lib: Any, stream: Any) -> Any:
        data = lib.utils.data
        if case == "concat_iterable":
            return lambda: data.ConcatDataset([data.TensorDataset(lib.zeros(2)), stream])
        if case == "concat_empty":
            return lambda: data.ConcatDataset([])
        if case == "chain_map_style":
            return lambda: list(data.ChainDataset([stream, data.TensorDataset(lib.zeros(2))]))
        return lambda: data.TensorDataset(lib.zeros(3), lib.zeros(4))

    expected = _raised(make(torch, _Stream()))
    assert issubclass(_raised(make(mg, _MgStream())), expected)


@pytest.mark.parametrize("name", ["IntTensor", "FloatTensor", "LongTensor"])
def test_legacy_constructor_takes_a_range(name: str) -> None:
    got, want = getattr(mg, name)(range(5)), getattr(torch, name)(range(5))
    assert str(got.dtype) == str(want.dtype).replace("torch.", "")
    assert got.tolist() == want.tolist()


@pytest.mark.parametrize("dt", [np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64,
                                np.uint8, np.bool_])
def test_numpy_scalars_and_arrays_keep_their_dtype_in_collate_and_convert(dt: Any) -> None:
    def run(lib: Any) -> list[str]:
        data = lib.utils.data
        outs = [data.default_collate([dt(1), dt(0)]), data.default_collate([np.ones(2, dt), np.zeros(2, dt)]),
                data.default_convert(dt(1)), data.default_convert(np.ones(3, dt)),
                next(iter(data.DataLoader([dt(1)] * 4, batch_size=2)))]
        return [str(o.dtype).replace("torch.", "") for o in outs]

    assert run(mg) == run(torch)


def _error(lib: Any, make: Any) -> tuple[type[BaseException], str]:
    try:
        make(lib)
    except Exception as e:  # the class and words are what is compared
        return type(e), str(e)
    raise AssertionError("no error")


# calls whose error PyTorch's test_dataloader.py (or scripts) match on; minigrad's words begin with PyTorch's
ERROR_CASES: dict[str, Any] = {
    "random_num_samples_0": lambda lib: lib.utils.data.RandomSampler(range(3), num_samples=0),
    "random_num_samples_float": lambda lib: lib.utils.data.RandomSampler(range(3), num_samples=2.5),
    "weighted_num_samples_0": lambda lib: lib.utils.data.WeightedRandomSampler([1.0], 0),
    "weighted_replacement": lambda lib: lib.utils.data.WeightedRandomSampler([1.0], 2, replacement=0),
    "weighted_negative": lambda lib: list(lib.utils.data.WeightedRandomSampler([1.0, -1.0], 2)),
    "weighted_nan": lambda lib: list(lib.utils.data.WeightedRandomSampler([1.0, float("nan")], 2)),
    "weighted_zero_sum": lambda lib: list(lib.utils.data.WeightedRandomSampler([0.0, 0.0], 2)),
    "batch_size_0": lambda lib: lib.utils.data.BatchSampler(range(3), 0, False),
    "batch_drop_last_int": lambda lib: lib.utils.data.BatchSampler(range(3), 2, 1),
    "loader_batch_size_0": lambda lib: lib.utils.data.DataLoader(range(3), batch_size=0),
    "loader_num_workers": lambda lib: lib.utils.data.DataLoader(range(3), num_workers=-1),
    "loader_generator": lambda lib: list(lib.utils.data.DataLoader(range(3), shuffle=True, generator=3)),
    "collate_shapes": lambda lib: lib.utils.data.default_collate([lib.zeros(2), lib.zeros(3)]),
    "stack_mixed": lambda lib: lib.utils.data.StackDataset(lib.utils.data.TensorDataset(lib.zeros(2)),
                                                           a=lib.utils.data.TensorDataset(lib.zeros(2))),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_error_class_and_words_begin_as_pytorchs(case: str) -> None:
    want_cls, want_msg = _error(torch, ERROR_CASES[case])
    got_cls, got_msg = _error(mg, ERROR_CASES[case])
    assert issubclass(got_cls, want_cls)
    if case != "loader_generator":  # PyTorch's words there come from its random_() overloads
        key = want_msg.split("\n")[0].split("(")[0].replace("`", "").strip().rstrip(".")
        assert key in got_msg


def test_collated_batches_are_not_shared_as_in_pytorch_main_process() -> None:
    want = [torch.zeros(1).is_shared(), tud.default_collate([torch.zeros(1)]).is_shared(),
            tud.default_collate([np.zeros(1)]).is_shared()]
    got = [mg.zeros(1).is_shared(), mud.default_collate([mg.zeros(1)]).is_shared(),
           mud.default_collate([np.zeros(1)]).is_shared()]
    assert got == want


def _stream_outcomes(lib: Any, batch_size: int | None) -> list[Any]:
    """An IterableDataset of 0..4 whose collate_fn fails on the batch starting at 2."""

    class Stream(lib.utils.data.IterableDataset):
        def __iter__(self) -> Any:
            return iter(range(5))

    def collate(b: Any) -> Any:
        first = b if batch_size is None else b[0]
        if first == 2:
            raise ValueError("collate")
        return b

    it = iter(lib.utils.data.DataLoader(Stream(), batch_size=batch_size, collate_fn=collate))
    out: list[Any] = []
    while True:
        try:
            out.append(next(it))
        except StopIteration:
            return out
        except ValueError:
            out.append("ValueError")


@pytest.mark.parametrize("batch_size", [None, 1, 2])
def test_iterable_stream_goes_on_after_a_failing_collate_as_pytorch(batch_size: int | None) -> None:
    assert _stream_outcomes(mg, batch_size) == _stream_outcomes(torch, batch_size)


@pytest.mark.parametrize("batch_size", [None, 3])
def test_iterable_loader_samplers_are_pytorchs_placeholders(batch_size: int | None) -> None:
    def describe(lib: Any, stream: Any) -> list[Any]:
        dl = lib.utils.data.DataLoader(stream, batch_size=batch_size)
        bs = dl.batch_sampler
        first = next(iter(dl.sampler))
        return [type(dl.sampler).__name__, first, type(bs).__name__, getattr(bs, "batch_size", None),
                len(list(dl)), len(dl) if hasattr(stream, "__len__") else None]

    assert describe(mg, _MgStream()) == describe(torch, _Stream())
