"""A streaming data pipeline for a small character-level model: an IterableDataset that shards
by torch.utils.data.get_worker_info() and tokenises lines on the fly, a buffered shuffle with
its own torch.Generator, ChainDataset of two sources, DataLoader with batch_size=None and with
a collate_fn that pads into a namedtuple, default_collate on nested dicts/tuples/strings/numpy,
the DataLoader's argument errors, samplers (RandomSampler with replacement, SubsetRandomSampler,
BatchSampler), and a GRU trained on the stream with a fixed number of steps per epoch."""

import collections
import itertools

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import (BatchSampler, ChainDataset, DataLoader, IterableDataset, RandomSampler,
                              SequentialSampler, SubsetRandomSampler, default_collate, get_worker_info)

from _data import text

torch.manual_seed(7)
torch.set_num_threads(1)

lines = [ln.strip().lower() for ln in text(6000).splitlines() if len(ln.strip()) > 8][:80]
chars = sorted(set("".join(lines)))
stoi = {c: i + 1 for i, c in enumerate(chars)}  # 0 is padding
print("lines", len(lines), "vocab", len(chars) + 1, repr("".join(chars[:12])))


class LineStream(IterableDataset):
    def __init__(self, lines, max_len=24):
        self.lines = lines
        self.max_len = max_len

    def __iter__(self):
        info = get_worker_info()
        wid, nw = (0, 1) if info is None else (info.id, info.num_workers)
        for i, line in enumerate(self.lines):
            if i % nw != wid:
                continue
            ids = [stoi[c] for c in line[: self.max_len]]
            yield torch.tensor(ids, dtype=torch.long)


class ShuffleBuffer(IterableDataset):
    def __init__(self, source, size, seed):
        self.source, self.size, self.seed = source, size, seed
        self.epoch = 0

    def __iter__(self):
        g = torch.Generator().manual_seed(self.seed + self.epoch)
        buf = []
        for item in self.source:
            if len(buf) < self.size:
                buf.append(item)
                continue
            j = torch.randint(len(buf), (1,), generator=g).item()
            yield buf[j]
            buf[j] = item
        order = torch.randperm(len(buf), generator=g).tolist()
        for j in order:
            yield buf[j]


print("worker info in main", get_worker_info())
stream = LineStream(lines)
print("first", next(iter(stream))[:8])
print("not sized", hasattr(stream, "__len__"))

Batch = collections.namedtuple("Batch", ["inputs", "targets", "lengths"])


def pad_collate(seqs):
    lengths = torch.tensor([len(s) - 1 for s in seqs])
    padded = nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=0)
    return Batch(padded[:, :-1], padded[:, 1:], lengths)


shuffled = ShuffleBuffer(stream, size=16, seed=3)
loader = DataLoader(shuffled, batch_size=8, collate_fn=pad_collate, drop_last=True)
b = next(iter(loader))
print(type(b).__name__, b.inputs.shape, b.targets.shape, b.lengths.tolist())
try:
    len(loader)
except TypeError as e:
    print("len error:", e)

unbatched = DataLoader(LineStream(lines[:3]), batch_size=None)
print("batch_size=None", [t.shape for t in unbatched])
chained = ChainDataset([LineStream(lines[:2]), LineStream(lines[-2:])])
print("chain", [len(t) for t in chained])

# default_collate on nested structures
samples = [{"x": np.array([1.0, 2.0]), "meta": ("a", i), "y": i * 0.5, "n": i} for i in range(3)]
c = default_collate(samples)
print("collate", c["x"], c["x"].dtype, c["meta"], c["y"], c["y"].dtype, c["n"])
print(default_collate([(torch.ones(2), 1), (torch.zeros(2), 2)]))
try:
    default_collate([object(), object()])
except TypeError as e:
    print("collate error:", str(e)[:60])

# DataLoader's argument errors
ds = torch.utils.data.TensorDataset(torch.arange(10.0))
for kwargs in [dict(batch_size=2, batch_sampler=BatchSampler(SequentialSampler(ds), 2, False)),
               dict(shuffle=True, sampler=SequentialSampler(ds)),
               dict(num_workers=0, persistent_workers=True),
               dict(num_workers=0, prefetch_factor=2),
               dict(num_workers=-1)]:
    try:
        DataLoader(ds, **kwargs)
        print("accepted", sorted(kwargs))
    except ValueError as e:
        print("ValueError:", str(e)[:70])
try:
    DataLoader(shuffled, shuffle=True)
except ValueError as e:
    print("ValueError:", str(e)[:70])

# samplers
g = torch.Generator().manual_seed(0)
print("replacement", list(RandomSampler(ds, replacement=True, num_samples=12, generator=g)))
print("subset", list(SubsetRandomSampler([1, 3, 5, 7], generator=g)))
print("batches", list(BatchSampler(RandomSampler(ds, generator=g), batch_size=4, drop_last=False)))
print("len", len(RandomSampler(ds, num_samples=5)), len(BatchSampler(SequentialSampler(ds), 3, True)))
dl = DataLoader(ds, batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(1))
print("epochs", [[b[0].tolist() for b in dl] for _ in range(2)])


# train a GRU on the stream
class CharGRU(nn.Module):
    def __init__(self, vocab, d=32):
        super().__init__()
        self.emb = nn.Embedding(vocab, d, padding_idx=0)
        self.gru = nn.GRU(d, d, batch_first=True)
        self.out = nn.Linear(d, vocab)

    def forward(self, x, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.emb(x), lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.gru(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
        return self.out(out)


model = CharGRU(len(chars) + 1)
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
steps_per_epoch = 6
for epoch in range(3):
    shuffled.epoch = epoch
    total, count = 0.0, 0
    for step, batch in enumerate(itertools.islice(loader, steps_per_epoch)):
        logits = model(batch.inputs, batch.lengths)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch.targets.reshape(-1), ignore_index=0)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        total += loss.item() * batch.lengths.sum().item()
        count += batch.lengths.sum().item()
    print(f"epoch {epoch} tokens {count} loss {total / count:.4f}")

model.eval()
with torch.no_grad():
    seq = [stoi["t"]]
    h = None
    for _ in range(15):
        x = torch.tensor([[seq[-1]]])
        out, h = model.gru(model.emb(x), h)
        seq.append(model.out(out[0, -1]).argmax().item())
itos = {i: c for c, i in stoi.items()}
print("greedy", repr("".join(itos.get(i, "_") for i in seq)))
