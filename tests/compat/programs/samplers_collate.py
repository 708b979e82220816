"""torch.utils.data's samplers and collation as a text-classification script
uses them: a Dataset of variable-length token sequences, a collate_fn that
pads with nn.utils.rnn.pad_sequence (batch_first, padding_value) and returns
lengths, random_split with a seeded generator, WeightedRandomSampler (with
and without replacement) for class balance, SubsetRandomSampler,
RandomSampler(replacement=True, num_samples), BatchSampler over each, a
custom length-bucketing batch sampler, DistributedSampler with set_epoch,
default_collate of namedtuples and dicts, DataLoader(generator=g) giving the
same order twice, and a masked mean-pooling classifier trained on the padded
batches. Seeded: every index and number agrees."""

from collections import Counter, namedtuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import (BatchSampler, DataLoader, Dataset, DistributedSampler, RandomSampler, Sampler,
                              SequentialSampler, Subset, SubsetRandomSampler, WeightedRandomSampler,
                              default_collate, random_split)

torch.manual_seed(0)
torch.set_num_threads(1)

VOCAB, PAD = 20, 0


class ToySeqs(Dataset):
    def __init__(self, n):
        g = torch.Generator().manual_seed(11)
        self.lengths = torch.randint(2, 9, (n,), generator=g).tolist()
        self.seqs = [torch.randint(1, VOCAB, (length,), generator=g) for length in self.lengths]
        # label: is the first token greater than the last (imbalanced on purpose)
        self.labels = [int(s[0] > s[-1] + 4) for s in self.seqs]

    def __len__(self):
        return len(self.seqs)

    def __getitem__(self, idx):
        return self.seqs[idx], self.labels[idx]


def collate_batch(batch):
    seqs, labels = zip(*batch)
    lengths = torch.tensor([len(s) for s in seqs])
    padded = pad_sequence(seqs, batch_first=True, padding_value=PAD)
    return padded, lengths, torch.tensor(labels)


ds = ToySeqs(60)
print("lengths", ds.lengths[:12], "label counts", sorted(Counter(ds.labels).items()))
padded, lengths, labels = collate_batch([ds[i] for i in range(3)])
print("padded batch\n", padded, "\nlengths", lengths.tolist(), "labels", labels.tolist())
print("time-major", tuple(pad_sequence([ds[i][0] for i in range(3)]).shape))

train_ds, val_ds = random_split(ds, [48, 12], generator=torch.Generator().manual_seed(42))
print("split", len(train_ds), len(val_ds), "val indices", val_ds.indices)
parts = random_split(range(10), [0.5, 0.3, 0.2], generator=torch.Generator().manual_seed(1))
print("fraction split", [list(p) for p in parts])

# class-balanced sampling
train_labels = torch.tensor([ds.labels[i] for i in train_ds.indices])
class_count = torch.bincount(train_labels)
weights = 1.0 / class_count[train_labels].float()
print("class counts", class_count.tolist(), "weights", [f"{w:.4f}" for w in weights[:6].tolist()])
sampler = WeightedRandomSampler(weights, num_samples=len(weights), replacement=True,
                                generator=torch.Generator().manual_seed(3))
drawn = list(sampler)
print("weighted draws", drawn[:16], "balance", f"{train_labels[drawn].float().mean().item():.4f}")
no_repl = list(WeightedRandomSampler(weights, num_samples=10, replacement=False,
                                     generator=torch.Generator().manual_seed(4)))
print("without replacement", no_repl, "unique", len(set(no_repl)))

g = torch.Generator().manual_seed(5)
print("subset random", list(SubsetRandomSampler(list(range(100, 110)), generator=g)))
print("random with replacement", list(RandomSampler(range(10), replacement=True, num_samples=6,
                                                    generator=torch.Generator().manual_seed(6))))
print("batch sampler", list(BatchSampler(SequentialSampler(range(10)), batch_size=4, drop_last=False)))
print("batch sampler drop_last", list(BatchSampler(RandomSampler(range(10), generator=torch.Generator()
                                                                   .manual_seed(7)), 3, True)))


class BucketBatchSampler(Sampler):
    """Batches of similar lengths: sort a shuffled chunk by length, cut it into batches, shuffle them."""

    def __init__(self, lengths, batch_size, generator):
        self.lengths, self.batch_size, self.generator = lengths, batch_size, generator

    def __iter__(self):
        order = torch.randperm(len(self.lengths), generator=self.generator).tolist()
        order.sort(key=lambda i: self.lengths[i])
        batches = [order[i:i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        for j in torch.randperm(len(batches), generator=self.generator).tolist():
            yield batches[j]

    def __len__(self):
        return (len(self.lengths) + self.batch_size - 1) // self.batch_size


train_lengths = [ds.lengths[i] for i in train_ds.indices]
bucket = BucketBatchSampler(train_lengths, 8, torch.Generator().manual_seed(8))
loader = DataLoader(train_ds, batch_sampler=bucket, collate_fn=collate_batch)
print("bucketed batches", len(loader))
for padded, lengths, labels in loader:
    print("  bucket shape", tuple(padded.shape), "lengths", lengths.tolist())
    break

# DistributedSampler: each rank's share, reshuffled per epoch
for epoch in range(2):
    shares = []
    for rank in range(3):
        ds_sampler = DistributedSampler(range(10), num_replicas=3, rank=rank, shuffle=True, seed=9)
        ds_sampler.set_epoch(epoch)
        shares.append(list(ds_sampler))
    print("distributed epoch", epoch, shares)
print("distributed no shuffle drop_last", list(DistributedSampler(range(10), num_replicas=3, rank=1,
                                                                    shuffle=False, drop_last=True)))

# default_collate of structured samples
Point = namedtuple("Point", ["x", "y"])
batch = default_collate([Point(torch.tensor([1.0, 2.0]), 3), Point(torch.tensor([4.0, 5.0]), 6)])
print("namedtuple collate", type(batch).__name__, batch.x.tolist(), batch.y.tolist())
batch = default_collate([{"ids": torch.tensor([1, 2]), "name": "a", "w": 0.5},
                         {"ids": torch.tensor([3, 4]), "name": "b", "w": 1.5}])
print("dict collate", batch["ids"].tolist(), batch["name"], batch["w"].tolist(), batch["w"].dtype == torch.float64)

# reproducible shuffling with a generator
def order(seed):
    dl = DataLoader(Subset(ds, list(range(20))), batch_size=5, shuffle=True, collate_fn=collate_batch,
                    generator=torch.Generator().manual_seed(seed))
    return [lab.tolist() for _, _, lab in dl]


print("same order twice", order(12) == order(12), "different seed differs", order(12) != order(13))
dl = DataLoader(range(8), batch_size=3, shuffle=True, generator=torch.Generator().manual_seed(12))
print("epoch 1", [b.tolist() for b in dl])
print("epoch 2", [b.tolist() for b in dl])


# a masked mean-pooling classifier on the balanced, padded batches
class BagClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 8, padding_idx=PAD)
        self.out = nn.Linear(8, 2)

    def forward(self, tokens, lengths):
        mask = (torch.arange(tokens.size(1))[None, :] < lengths[:, None]).unsqueeze(-1)
        summed = (self.emb(tokens) * mask).sum(1)
        return self.out(summed / lengths[:, None])


torch.manual_seed(13)
clf = BagClassifier()
opt = torch.optim.Adam(clf.parameters(), lr=0.05)
train_loader = DataLoader(train_ds, batch_size=8, sampler=WeightedRandomSampler(
    weights, len(weights), generator=torch.Generator().manual_seed(14)), collate_fn=collate_batch)
val_loader = DataLoader(val_ds, batch_size=12, collate_fn=collate_batch)
for epoch in range(4):
    total = 0.0
    for tokens, lengths, labels in train_loader:
        opt.zero_grad()
        loss = F.cross_entropy(clf(tokens, lengths), labels)
        loss.backward()
        opt.step()
        total += loss.item()
    with torch.no_grad():
        tokens, lengths, labels = next(iter(val_loader))
        acc = (clf(tokens, lengths).argmax(1) == labels).float().mean().item()
    print(f"epoch {epoch} | train loss {total / len(train_loader):.5f} | val acc {acc:.4f}")
print("padding row stays zero", clf.emb.weight[PAD].abs().sum().item())
