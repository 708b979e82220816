"""A sequence-model training script: a 2-layer bidirectional GRU encoder
with inter-layer dropout over pack_padded_sequence(enforce_sorted=False)
batches, pad_packed_sequence back to padded outputs (total_length), a
per-token tagger whose loss skips padding through ignore_index, final
hidden states of both directions concatenated, an LSTM decoder trained with
teacher forcing decided by torch.rand draws, pack_sequence of a list,
gradient clipping, and greedy decoding in eval mode. Seeded weights, data,
dropout masks and teacher-forcing draws: the numbers agree to float32
rounding."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pack_sequence, pad_packed_sequence, pad_sequence

torch.manual_seed(0)
torch.set_num_threads(1)

VOCAB, TAGS, PAD, IGNORE = 12, 4, 0, -100
N = 24
lengths = torch.randint(3, 9, (N,))
seqs = [torch.randint(1, VOCAB, (int(n),)) for n in lengths]
# tag of a token: its value mod 4 shifted by whether the previous token was larger (needs context)
tags = [torch.cat([s[:1] % TAGS, (s[1:] + (s[:-1] > s[1:]).long()) % TAGS]) for s in seqs]
tokens = pad_sequence(seqs, batch_first=True, padding_value=PAD)
targets = pad_sequence(tags, batch_first=True, padding_value=IGNORE)
print("lengths", lengths.tolist())
print("padded", tuple(tokens.shape), "ignored targets", int((targets == IGNORE).sum()))

packed = pack_sequence(seqs[:4], enforce_sorted=False)
print("pack_sequence batch_sizes", packed.batch_sizes.tolist(), "sorted_indices", packed.sorted_indices.tolist())


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 8, padding_idx=PAD)
        self.rnn = nn.GRU(8, 10, num_layers=2, bidirectional=True, dropout=0.3, batch_first=True)
        self.out = nn.Linear(20, TAGS)

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.emb(tokens), lengths, batch_first=True, enforce_sorted=False)
        out, h = self.rnn(packed)
        padded, out_lengths = pad_packed_sequence(out, batch_first=True, total_length=tokens.size(1))
        summary = torch.cat([h[-2], h[-1]], dim=1)  # last layer, forward and backward directions
        return self.out(padded), summary, out_lengths


torch.manual_seed(1)
tagger = Tagger()
opt = torch.optim.Adam(tagger.parameters(), lr=0.02)
for epoch in range(6):
    tagger.train()
    total, count = 0.0, 0
    for i in range(0, N, 8):
        logits, summary, out_lengths = tagger(tokens[i:i + 8], lengths[i:i + 8])
        loss = F.cross_entropy(logits.reshape(-1, TAGS), targets[i:i + 8].reshape(-1), ignore_index=IGNORE)
        opt.zero_grad()
        loss.backward()
        norm = nn.utils.clip_grad_norm_(tagger.parameters(), 1.0)
        opt.step()
        total += loss.item()
        count += 1
    tagger.eval()
    with torch.no_grad():
        logits, summary, out_lengths = tagger(tokens, lengths)
        mask = targets != IGNORE
        acc = (logits.argmax(-1)[mask] == targets[mask]).float().mean().item()
    print(f"tagger epoch {epoch} | loss {total / count:.6f} | norm {norm.item():.6f} | token acc {acc:.4f}")
print("out lengths equal", torch.equal(out_lengths, lengths), "summary", tuple(summary.shape),
      f"{summary.abs().mean().item():.6f}")
print("padding outputs are zero", bool((logits[~mask] == tagger.out.bias).all()))

# reduction='sum' / mean over non-ignored tokens by hand
with torch.no_grad():
    flat_logits, flat_targets = logits.reshape(-1, TAGS), targets.reshape(-1)
    summed = F.cross_entropy(flat_logits, flat_targets, ignore_index=IGNORE, reduction="sum")
    mean = F.cross_entropy(flat_logits, flat_targets, ignore_index=IGNORE)
    by_hand = F.cross_entropy(flat_logits[flat_targets != IGNORE], flat_targets[flat_targets != IGNORE])
print(f"sum {summed.item():.5f} mean {mean.item():.6f} by hand {by_hand.item():.6f}")
print(f"label smoothing {F.cross_entropy(flat_logits, flat_targets, ignore_index=IGNORE, label_smoothing=0.1).item():.6f}")


# a seq2seq: reverse each sequence, LSTM decoder with teacher forcing
class Seq2Seq(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(VOCAB + 1, 8, padding_idx=PAD)  # VOCAB is the start token
        self.enc = nn.LSTM(8, 12, num_layers=2, dropout=0.2, bidirectional=True)
        self.bridge_h = nn.Linear(24, 12)
        self.bridge_c = nn.Linear(24, 12)
        self.dec = nn.LSTM(8, 12)
        self.out = nn.Linear(12, VOCAB)

    def encode(self, src, src_lengths):
        packed = pack_padded_sequence(self.emb(src), src_lengths, enforce_sorted=False)
        _, (h, c) = self.enc(packed)
        h0 = torch.tanh(self.bridge_h(torch.cat([h[-2], h[-1]], 1))).unsqueeze(0)
        c0 = self.bridge_c(torch.cat([c[-2], c[-1]], 1)).unsqueeze(0)
        return h0, c0

    def forward(self, src, src_lengths, trg, teacher_forcing_ratio=0.5):
        state = self.encode(src, src_lengths)
        inp = torch.full((1, src.size(1)), VOCAB, dtype=torch.long)
        outputs = []
        for t in range(trg.size(0)):
            out, state = self.dec(self.emb(inp), state)
            logits = self.out(out)
            outputs.append(logits)
            teacher_force = torch.rand(1).item() < teacher_forcing_ratio
            top1 = logits.argmax(-1)
            inp = trg[t:t + 1] if teacher_force else top1
            inp = inp.masked_fill(inp == IGNORE, PAD)
        return torch.cat(outputs)


src = tokens.T  # time-major
trg = pad_sequence([s.flip(0) for s in seqs], padding_value=IGNORE)
torch.manual_seed(2)
model = Seq2Seq()
opt = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(5):
    model.train()
    total = 0.0
    for i in range(0, N, 12):
        logits = model(src[:, i:i + 12], lengths[i:i + 12], trg[:, i:i + 12])
        loss = F.cross_entropy(logits.reshape(-1, VOCAB), trg[:, i:i + 12].reshape(-1), ignore_index=IGNORE)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        total += loss.item()
    print(f"seq2seq epoch {epoch} | loss {total / 2:.6f}")
model.eval()
with torch.no_grad():
    logits = model(src[:, :4], lengths[:4], trg[:, :4], teacher_forcing_ratio=0.0)
pred = logits.argmax(-1).T
for k in range(2):
    n = int(lengths[k])
    print("source", seqs[k].tolist(), "target", seqs[k].flip(0).tolist(), "greedy", pred[k, :n].tolist())
print(f"rand after training {torch.rand(1).item():.6f}")
