"""The Python-side idioms training scripts lean on, printed one per line and compared line by line:
tensors in f-strings and %-formatting (0-d, one-element and multi-element, int and bool), round/int/
math.floor/math.exp of tensors, bool() of empty and multi-element tensors, len/iter of a 0-d tensor,
sorted/max/sum over lists of 0-d tensors, torch.tensor of lists of tensors, tensors as list indices and
range bounds, divmod/pow/abs/hex; then default_collate of namedtuples, strings, numpy scalars and
arrays, nested dicts, ragged lists, default_convert, DataLoader lengths with drop_last and samplers,
batch_size=None, batch_sampler, random_split by fractions, ConcatDataset, nested Subset, TensorDataset,
the samplers' draws from seeded generators, and the mistakes' error classes and PyTorch's words (the
first 48 characters of each message, the part both libraries share)."""

import collections
import math

import numpy as np
import torch
from torch.utils.data import (BatchSampler, ConcatDataset, DataLoader, Dataset, RandomSampler, SequentialSampler,
                              Subset, SubsetRandomSampler, TensorDataset, WeightedRandomSampler, default_collate,
                              random_split)
from torch.utils.data.dataloader import default_convert


EXPECT = {
    'fmt1': TypeError,
    'fmt11': TypeError,
    'fmtv': TypeError,
    'round': TypeError,
    'round0': TypeError,
    'round1': TypeError,
    'trunc': TypeError,
    'bool multi': RuntimeError,
    'len 0d': TypeError,
    'iter 0d': TypeError,
    'tensor of vec': ValueError,
    'item multi': RuntimeError,
    'divmod': TypeError,
    'operator.index float': TypeError,
    'bool of empty': RuntimeError,
    'float of empty': ValueError,
    'round grad': TypeError,
    'none': TypeError,
    'np str arr': TypeError,
    'list ragged': RuntimeError,
    'tensor ragged': RuntimeError,
    'set': TypeError,
    'batch_sampler + bs': ValueError,
    'shuffle + sampler': ValueError,
    'random_split bad': ValueError,
    'tensords mismatch': AssertionError,
    'no len ds': TypeError,
}


def tryit(name, f):
    try:
        r = f()
        print(name, "->", repr(r)[:300])
    except Exception as e:
        print(name, "!!", EXPECT.get(name, Exception).__name__, isinstance(e, EXPECT.get(name, ())),
              str(e).split(":")[0].split(" (")[0][:48])


t0, t1, t11, tv = torch.tensor(2.71828), torch.tensor([3.14159]), torch.tensor([[1.5]]), torch.tensor([1.0, 2.0])
ti, tb = torch.tensor(7), torch.tensor(True)
tryit("fmt0", lambda: f"{t0:.3f}")
tryit("fmt1", lambda: f"{t1:.3f}")
tryit("fmt11", lambda: f"{t11:.2e}")
tryit("fmtv", lambda: f"{tv:.3f}")
tryit("fmt int", lambda: f"{ti:05d}")
tryit("fmt int as f", lambda: f"{ti:.2f}")
tryit("fmt bool", lambda: f"{tb}")
tryit("fmt empty", lambda: f"{t0}")
tryit("round", lambda: round(t0, 2))
tryit("round0", lambda: round(t0))
tryit("round1", lambda: round(t1, 1))
tryit("int", lambda: int(t11))
tryit("floor", lambda: math.floor(t0))
tryit("ceil", lambda: math.ceil(t1))
tryit("trunc", lambda: math.trunc(-t0))
tryit("math.exp", lambda: math.exp(t0))
tryit("math.isnan", lambda: math.isnan(t1))
tryit("bool multi", lambda: bool(tv))
tryit("bool one", lambda: bool(t11))
tryit("len 0d", lambda: len(t0))
tryit("iter 0d", lambda: list(t0))
tryit("in", lambda: 2.0 in tv)
tryit("in 0d", lambda: t0 in [1, 2])
tryit("list", lambda: list(tv))
tryit("sorted", lambda: sorted([torch.tensor(3.0), torch.tensor(1.0)]))
tryit("max", lambda: max([torch.tensor(3.0), torch.tensor(1.0)]))
tryit("sum", lambda: sum([torch.tensor(3.0), torch.tensor(1.0)]))
tryit("tensor of 0d", lambda: torch.tensor([torch.tensor(1.0), torch.tensor(2)]))
tryit("tensor of 1el", lambda: torch.tensor([t1, t1]))
tryit("tensor of vec", lambda: torch.tensor([tv, tv]))
tryit("item multi", lambda: tv.item())
tryit("index by 0d", lambda: [10, 20, 30][ti - 6])
tryit("range", lambda: list(range(ti)))
tryit("slice", lambda: [1, 2, 3, 4][:torch.tensor(2)])
tryit("np float", lambda: np.float32(t0) + 1)
tryit("complex", lambda: complex(t0))
tryit("divmod", lambda: divmod(ti, 3))
tryit("pow", lambda: 2 ** ti)
tryit("rpow float", lambda: 2.0 ** t1)
tryit("abs", lambda: abs(torch.tensor(-3)))
tryit("operator.index float", lambda: [1, 2][torch.tensor(1.0)])
tryit("hex", lambda: hex(ti))
tryit("str 0d", lambda: str(t0))
tryit("repr int", lambda: repr(ti))
tryit("format no spec vec", lambda: "{}".format(tv))
tryit("percent", lambda: "%.2f" % t0)
tryit("percent vec", lambda: "%.2f" % t1)
tryit("percent d", lambda: "%d" % ti)
tryit("np.round", lambda: np.round(t0.numpy(), 2))
tryit("eq list", lambda: tv == [1.0, 2.0])
tryit("tensor == None", lambda: tv == None)  # noqa: E711 - the comparison itself is the case
tryit("bool of empty", lambda: bool(torch.tensor([])))
tryit("float of empty", lambda: float(torch.tensor([])))
tryit("tolist 0d", lambda: t0.tolist())
tryit("dict key", lambda: {t0: 1}[t0])
tryit("fmt grad", lambda: f"{torch.tensor(1.0, requires_grad=True) * 2:.3f}")
tryit("round grad", lambda: round(torch.tensor(1.23456, requires_grad=True) * 2, 3))
P = collections.namedtuple("P", "x y")
tryit("nt", lambda: default_collate([P(1, 2.0), P(3, 4.0)]))
tryit("strs", lambda: default_collate(["a", "b"]))
tryit("bytes", lambda: default_collate([b"a", b"b"]))
tryit("none", lambda: default_collate([None, None]))
tryit("np scalars", lambda: default_collate([np.float32(1), np.float32(2)]))
tryit("np int64", lambda: default_collate([np.int64(1), np.int64(2)]))
tryit("np arrays", lambda: default_collate([np.ones(2, dtype=np.int32), np.zeros(2, dtype=np.int32)]))
tryit("np str arr", lambda: default_collate([np.array(["a"]), np.array(["b"])]))
tryit("bools", lambda: default_collate([True, False]))
tryit("mixed int float", lambda: default_collate([1, 2.5]))
tryit("dict nested", lambda: default_collate([{"a": {"b": 1}, "c": [1, 2]}, {"a": {"b": 2}, "c": [3, 4]}]))
tryit("list ragged", lambda: default_collate([[1, 2], [3]]))
tryit("tensor ragged", lambda: default_collate([torch.ones(2), torch.ones(3)]))
tryit("tuple of tensors", lambda: default_collate([(torch.ones(2), 1), (torch.zeros(2), 0)]))
tryit("set", lambda: default_collate([{1}, {2}]))
tryit("convert", lambda: default_convert([np.ones(2), (np.float64(3.0), "s")]))
tryit("convert np str", lambda: default_convert(np.array(["a"])))
tryit("ds len batches", lambda: len(DataLoader(range(10), batch_size=3)))
tryit("drop last", lambda: len(DataLoader(range(10), batch_size=3, drop_last=True)))
tryit("iterate range", lambda: [b.tolist() for b in DataLoader(range(7), batch_size=3)])
tryit("bs None", lambda: list(DataLoader(range(3), batch_size=None)))
tryit("bs None np", lambda: list(DataLoader([np.ones(2)], batch_size=None)))
tryit("batch_sampler", lambda: [b.tolist() for b in DataLoader(range(10), batch_sampler=BatchSampler(SequentialSampler(range(10)), 4, False))])
tryit("batch_sampler + bs", lambda: DataLoader(range(10), batch_size=2, batch_sampler=BatchSampler(SequentialSampler(range(10)), 4, False)))
tryit("shuffle + sampler", lambda: DataLoader(range(10), shuffle=True, sampler=SequentialSampler(range(10))))
tryit("random_split fracs", lambda: [len(s) for s in random_split(range(10), [0.33, 0.33, 0.34], generator=torch.Generator().manual_seed(0))])
tryit("random_split idx", lambda: [list(s) for s in random_split(range(10), [0.5, 0.5], generator=torch.Generator().manual_seed(1))])
tryit("random_split bad", lambda: random_split(range(10), [3, 3]))
tryit("concat idx", lambda: ConcatDataset([range(3), range(10, 12)])[-1])
tryit("concat cum", lambda: ConcatDataset([range(3), range(10, 12)]).cumulative_sizes)
tryit("subset of subset", lambda: list(Subset(Subset(range(10), [1, 3, 5, 7]), [0, 2])))
tryit("tensords mismatch", lambda: TensorDataset(torch.ones(3), torch.ones(4)))
tryit("tensords getitem", lambda: TensorDataset(torch.arange(3), torch.arange(3) * 2)[1])
tryit("subsetrandom", lambda: list(SubsetRandomSampler([5, 6, 7], generator=torch.Generator().manual_seed(0))))
tryit("weighted", lambda: list(WeightedRandomSampler([0.1, 0.9, 0.5], 5, generator=torch.Generator().manual_seed(0))))
tryit("randsampler replacement", lambda: list(RandomSampler(range(5), replacement=True, num_samples=7, generator=torch.Generator().manual_seed(0))))
tryit("randsampler num_samples", lambda: list(RandomSampler(range(5), num_samples=8, generator=torch.Generator().manual_seed(0))))
tryit("dl len sampler", lambda: len(DataLoader(range(5), sampler=RandomSampler(range(5), num_samples=8), batch_size=3)))
g = torch.Generator().manual_seed(3)
tryit("dl shuffle gen", lambda: [b.tolist() for b in DataLoader(range(8), batch_size=3, shuffle=True, generator=g)])
torch.manual_seed(5)
tryit("dl shuffle global", lambda: [b.tolist() for b in DataLoader(range(8), batch_size=3, shuffle=True)])
tryit("dl shuffle global 2", lambda: [b.tolist() for b in DataLoader(range(8), batch_size=3, shuffle=True)])
tryit("after dl rand", lambda: torch.rand(1).item())
class DS(Dataset):
    def __getitem__(self, i):
        if i >= 4:
            raise IndexError
        return {"x": torch.tensor([i, i]), "y": i % 2}


tryit("no len ds", lambda: [b for b in DataLoader(DS(), batch_size=2)])
tryit("dataset add", lambda: len(TensorDataset(torch.ones(2)) + TensorDataset(torch.ones(3))))
tryit("dl dataset attr", lambda: (DataLoader(range(3)).batch_size, DataLoader(range(3)).drop_last, type(DataLoader(range(3)).sampler).__name__, type(DataLoader(range(3), shuffle=True).sampler).__name__))
tryit("collate np float64", lambda: default_collate([np.float64(1.5)]).dtype)
tryit("collate float", lambda: default_collate([1.5]).dtype)
tryit("collate int", lambda: default_collate([1]).dtype)
