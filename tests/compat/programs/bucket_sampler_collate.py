"""Variable-length batching as NLP training scripts write it: a Dataset of token lists with a vocab
built by Counter, a bucketing BatchSampler (sort within chunks by length, shuffled buckets through a
seeded Generator) passed as batch_sampler=, a collate_fn padding with pad_sequence (batch_first,
padding_value, padding_side='left' for a decoder) and returning lengths, masks and a namedtuple,
pack_padded_sequence(enforce_sorted=False) into a GRU whose final hidden state is gathered per
sequence, an IterableDataset sharded by get_worker_info (None in the main process) with a
chain of datasets, Subset/ConcatDataset, default_collate on dicts and namedtuples, and a few epochs of
training a length-aware classifier. Seeded: every printed number agrees."""

import random
from collections import Counter, namedtuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence
from torch.utils.data import (BatchSampler, ChainDataset, ConcatDataset, DataLoader, Dataset, IterableDataset,
                              Sampler, SequentialSampler, Subset, default_collate, get_worker_info)

torch.set_num_threads(1)
torch.manual_seed(0)
random.seed(0)

WORDS = "the a cat dog sat ran on under mat log big small red fast slow very".split()


def make_sentence(label):
    n = random.randint(3, 11)
    body = [random.choice(WORDS) for _ in range(n)]
    body.insert(random.randint(0, n), "cat" if label else "dog")
    return body


samples = [(make_sentence(i % 2), i % 2) for i in range(120)]
counter = Counter(w for s, _ in samples for w in s)
itos = ["<pad>", "<unk>"] + [w for w, _ in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]
stoi = {w: i for i, w in enumerate(itos)}
print("vocab", len(itos), itos[:6], counter.most_common(3))


class TextDataset(Dataset):
    def __init__(self, samples):
        self.samples = samples

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        words, label = self.samples[idx]
        return torch.tensor([stoi.get(w, 1) for w in words]), label


class BucketBatchSampler(Sampler):
    def __init__(self, lengths, batch_size, bucket_size, generator):
        self.lengths, self.batch_size, self.bucket_size, self.generator = lengths, batch_size, bucket_size, generator

    def __iter__(self):
        order = torch.randperm(len(self.lengths), generator=self.generator).tolist()
        batches = []
        for i in range(0, len(order), self.bucket_size):
            chunk = sorted(order[i:i + self.bucket_size], key=lambda j: self.lengths[j], reverse=True)
            batches += [chunk[k:k + self.batch_size] for k in range(0, len(chunk), self.batch_size)]
        for b in torch.randperm(len(batches), generator=self.generator).tolist():
            yield batches[b]

    def __len__(self):
        return sum((min(self.bucket_size, len(self.lengths) - i) + self.batch_size - 1) // self.batch_size
                   for i in range(0, len(self.lengths), self.bucket_size))


Batch = namedtuple("Batch", ["tokens", "lengths", "mask", "labels"])


def collate(batch):
    seqs, labels = zip(*batch)
    lengths = torch.tensor([len(s) for s in seqs])
    tokens = pad_sequence(seqs, batch_first=True, padding_value=0)
    mask = tokens != 0
    return Batch(tokens, lengths, mask, torch.tensor(labels))


dataset = TextDataset(samples)
train_set, valid_set = Subset(dataset, range(0, 96)), Subset(dataset, range(96, 120))
lengths = [len(dataset[i][0]) for i in train_set.indices]
sampler = BucketBatchSampler(lengths, batch_size=8, bucket_size=32, generator=torch.Generator().manual_seed(5))
loader = DataLoader(train_set, batch_sampler=sampler, collate_fn=collate)
print("batches per epoch", len(sampler), len(loader))
first = next(iter(loader))
print("first batch", tuple(first.tokens.shape), first.lengths.tolist(), first.mask.sum(1).tolist())
print("padding in bucket", (first.tokens == 0).sum().item(), type(first).__name__)

left = pad_sequence([torch.tensor([1, 2, 3]), torch.tensor([4])], batch_first=True, padding_value=-1,
                    padding_side="left")
print("left padded", left.tolist())
time_major = pad_sequence([torch.ones(2, 3), torch.ones(4, 3) * 2])
print("time-major", tuple(time_major.shape), time_major[:, 0, 0].tolist())

batch_sampler = BatchSampler(SequentialSampler(range(10)), batch_size=4, drop_last=False)
print("batch sampler", list(batch_sampler), len(batch_sampler))
print("drop_last", list(BatchSampler(range(10), 4, True)))


class GRUClassifier(nn.Module):
    def __init__(self, vocab, emb=12, hidden=16):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb, padding_idx=0)
        self.rnn = nn.GRU(emb, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(4 * hidden, 2)

    def forward(self, tokens, lengths, mask):
        x = self.emb(tokens)
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, h = self.rnn(packed)
        out, out_lengths = pad_packed_sequence(out, batch_first=True, total_length=tokens.shape[1])
        summed = (out * mask.unsqueeze(-1)).sum(1) / lengths.unsqueeze(1)
        last = torch.cat([h[-2], h[-1]], dim=1)
        return self.out(torch.cat([summed, last], dim=1)), out_lengths


model = GRUClassifier(len(itos))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2, eps=1e-3)
valid_loader = DataLoader(valid_set, batch_size=12, collate_fn=collate)
for epoch in range(4):
    model.train()
    total, count = 0.0, 0
    for batch in loader:
        logits, _ = model(batch.tokens, batch.lengths, batch.mask)
        loss = F.cross_entropy(logits, batch.labels)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        total += loss.item() * len(batch.labels)
        count += len(batch.labels)
    model.eval()
    correct = 0
    with torch.no_grad():
        for batch in valid_loader:
            logits, out_lengths = model(batch.tokens, batch.lengths, batch.mask)
            correct += (logits.argmax(1) == batch.labels).sum().item()
    print(f"epoch {epoch} loss {total / count:.5f} valid acc {correct}/{len(valid_set)}",
          "lengths kept", torch.equal(out_lengths, batch.lengths))
print("padding row stays zero", model.emb.weight[0].abs().sum().item())

# unsorted packing keeps the original order
seqs = [torch.randn(n, 3) for n in (2, 5, 3)]
padded = pad_sequence(seqs, batch_first=True)
packed = pack_padded_sequence(padded, torch.tensor([2, 5, 3]), batch_first=True, enforce_sorted=False)
print("sorted_indices", packed.sorted_indices.tolist(), "unsorted", packed.unsorted_indices.tolist(),
      "batch_sizes", packed.batch_sizes.tolist())
unpacked, lens = pad_packed_sequence(packed, batch_first=True)
print("round trip", torch.equal(unpacked, padded), lens.tolist())


class ShardedStream(IterableDataset):
    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            lo, hi = self.start, self.end
        else:
            per = (self.end - self.start + info.num_workers - 1) // info.num_workers
            lo = self.start + info.id * per
            hi = min(lo + per, self.end)
        for i in range(lo, hi):
            yield {"x": torch.tensor([float(i), float(i) ** 0.5]), "y": i % 3}


stream = ChainDataset([ShardedStream(0, 5), ShardedStream(10, 13)])
print("chain", [int(d["x"][0]) for d in stream])
stream_loader = DataLoader(ShardedStream(0, 7), batch_size=3)
for b in stream_loader:
    print("stream batch", sorted(b), tuple(b["x"].shape), b["y"].tolist(), [f"{v:.4f}" for v in b["x"][:, 1].tolist()])

concat = ConcatDataset([Subset(dataset, [0, 1]), Subset(dataset, [5])])
print("concat", len(concat), concat.cumulative_sizes, concat[2][1])
Point = namedtuple("Point", ["x", "y"])
collated = default_collate([Point(torch.tensor([1.0, 2.0]), 3), Point(torch.tensor([3.0, 4.0]), 5)])
print("namedtuple collate", type(collated).__name__, collated.x.tolist(), collated.y.tolist(), collated.y.dtype)
nested = default_collate([{"a": 1.5, "b": [1, 2], "c": "s"}, {"a": 2.5, "b": [3, 4], "c": "t"}])
print("dict collate", nested["a"].dtype, nested["a"].tolist(), [t.tolist() for t in nested["b"]], nested["c"])
