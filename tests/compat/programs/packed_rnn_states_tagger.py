"""Variable-length batches through recurrent layers the way 2024-2026 tutorials write them: a
collate_fn that pads with pad_sequence (right and padding_side="left"), returns lengths as a CPU int64
tensor, packs with enforce_sorted=False, runs an LSTM/GRU/RNN and prints the final states (the
states come back in the caller's batch order, printed with their grad_fn), checks h_n against the
last valid step of pad_packed_sequence's output, unpacks with total_length, unpad_sequence round
trips, an initial state given in batch order, and a small bidirectional GRU tagger trained for a
few steps with a length mask. Seeded: every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import (pack_padded_sequence, pack_sequence, pad_packed_sequence, pad_sequence,
                                unpack_sequence, unpad_sequence)
from torch.utils.data import DataLoader

torch.set_num_threads(1)
torch.manual_seed(0)

vocab, n_tags = 12, 3
lengths = [5, 2, 4, 3, 6, 1]
sentences = [torch.randint(1, vocab, (n,)) for n in lengths]
tags = [s % n_tags for s in sentences]


def collate(batch):
    xs, ys = zip(*batch)
    lens = torch.tensor([len(x) for x in xs])
    return pad_sequence(xs, batch_first=True), pad_sequence(ys, batch_first=True, padding_value=-100), lens


loader = DataLoader(list(zip(sentences, tags)), batch_size=3, collate_fn=collate)
for xb, yb, lens in loader:
    print(xb, yb[0], lens, lens.dtype)

left = pad_sequence(sentences[:3], batch_first=True, padding_side="left")
print(left)
print(pad_sequence(sentences[:3], padding_value=-1).shape)

emb = nn.Embedding(vocab, 4, padding_idx=0)
xb, yb, lens = next(iter(loader))
packed = pack_padded_sequence(emb(xb), lens, batch_first=True, enforce_sorted=False)
print(packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices, packed.data.shape)

lstm = nn.LSTM(4, 3, batch_first=True)
out, (h, c) = lstm(packed)
print(h)
print(c.grad_fn.name(), h.shape, c.shape)
padded, out_lens = pad_packed_sequence(out, batch_first=True, total_length=7)
print(padded.shape, out_lens)
last = padded[torch.arange(len(out_lens)), out_lens - 1]
print(torch.allclose(last, h[0]), padded[1, 2:].abs().sum().item())

h0 = torch.zeros(1, 3, 3)
h0[0, 1] = 1.0
c0 = torch.zeros(1, 3, 3)
_, (h1, _) = lstm(packed, (h0, c0))
single = lstm(pack_sequence([emb(xb[1, :lens[1]])]), (h0[:, 1:2], c0[:, 1:2]))[1][0]
print(torch.allclose(h1[:, 1], single[:, 0], atol=1e-6), h1[0, 1])

gru = nn.GRU(4, 2, num_layers=2, bidirectional=True, batch_first=True)
out, hn = gru(packed)
print(hn.shape, hn.grad_fn.name())
print(hn[-1])
rnn = nn.RNN(4, 2, nonlinearity="relu", batch_first=True)
print(rnn(packed)[1])

seqs = [emb(s).detach() for s in sentences[:4]]
ps = pack_sequence(seqs, enforce_sorted=False)
print([tuple(t.shape) for t in unpack_sequence(ps)], all(torch.equal(a, b) for a, b in zip(unpack_sequence(ps), seqs)))
padded = pad_sequence(seqs, batch_first=True)
back = unpad_sequence(padded, torch.tensor([len(s) for s in seqs]), batch_first=True)
print([tuple(t.shape) for t in back], all(torch.equal(a, b) for a, b in zip(back, seqs)))


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(vocab, 6, padding_idx=0)
        self.rnn = nn.GRU(6, 5, batch_first=True, bidirectional=True)
        self.out = nn.Linear(10, n_tags)

    def forward(self, x, lens):
        packed = pack_padded_sequence(self.emb(x), lens, batch_first=True, enforce_sorted=False)
        out, h = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
        return self.out(out), h


torch.manual_seed(1)
model = Tagger()
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for epoch in range(4):
    total = 0.0
    for xb, yb, lens in loader:
        logits, h = model(xb, lens)
        loss = F.cross_entropy(logits.reshape(-1, n_tags), yb.reshape(-1), ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    print(f"epoch {epoch} loss {total:.5f}")
with torch.no_grad():
    xb, yb, lens = next(iter(loader))
    logits, h = model(xb, lens)
    mask = yb != -100
    print((logits.argmax(-1)[mask] == yb[mask]).float().mean(), h.shape)
    print(logits.argmax(-1) * mask)
