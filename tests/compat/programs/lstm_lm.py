"""A word-level LSTM language model in the shape of PyTorch's
word_language_model example: batchify, BPTT windows, repackage_hidden,
clip_grad_norm_ and a hand-written SGD step with p.data.add_."""

import math
import time

import torch
import torch.nn as nn

from _data import text


class RNNModel(nn.Module):
    def __init__(self, ntoken, ninp, nhid, nlayers, dropout=0.2):
        super().__init__()
        self.ntoken = ntoken
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, nhid, nlayers, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        self.nhid = nhid
        self.nlayers = nlayers
        initrange = 0.1
        nn.init.uniform_(self.encoder.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output).view(-1, self.ntoken)
        return nn.functional.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        return (weight.new_zeros(self.nlayers, bsz, self.nhid), weight.new_zeros(self.nlayers, bsz, self.nhid))


def repackage_hidden(h):
    if isinstance(h, torch.Tensor):
        return h.detach()
    return tuple(repackage_hidden(v) for v in h)


def batchify(data, bsz):
    nbatch = data.size(0) // bsz
    data = data.narrow(0, 0, nbatch * bsz)
    return data.view(bsz, -1).t().contiguous()


def get_batch(source, i, bptt):
    seq_len = min(bptt, len(source) - 1 - i)
    return source[i : i + seq_len], source[i + 1 : i + 1 + seq_len].view(-1)


torch.manual_seed(1111)
words = text(120_000).lower().split()
vocab = {}
for w in words:
    vocab.setdefault(w, len(vocab))
ids = torch.tensor([vocab[w] for w in words], dtype=torch.int64)
n = len(ids)
train_data = batchify(ids[: int(0.9 * n)], 20)
val_data = batchify(ids[int(0.9 * n) :], 10)
ntokens = len(vocab)
print(f"{ntokens} words in the vocabulary, train {tuple(train_data.shape)}")

model = RNNModel(ntokens, 64, 64, 2, 0.2)
criterion = nn.NLLLoss()
lr, bptt, clip = 20.0, 35, 0.25


def evaluate(data_source):
    model.eval()
    total_loss = 0.0
    hidden = model.init_hidden(10)
    with torch.no_grad():
        for i in range(0, data_source.size(0) - 1, bptt):
            data, targets = get_batch(data_source, i, bptt)
            output, hidden = model(data, hidden)
            hidden = repackage_hidden(hidden)
            total_loss += len(data) * criterion(output, targets).item()
    return total_loss / (len(data_source) - 1)


for epoch in range(1, 3):
    model.train()
    start = time.time()
    hidden = model.init_hidden(20)
    total = 0.0
    for batch, i in enumerate(range(0, min(train_data.size(0) - 1, 40 * bptt), bptt)):
        data, targets = get_batch(train_data, i, bptt)
        model.zero_grad()
        hidden = repackage_hidden(hidden)
        output, hidden = model(data, hidden)
        loss = criterion(output, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        for p in model.parameters():
            p.data.add_(p.grad, alpha=-lr)
        total += loss.item()
        if batch % 20 == 19:
            print(f"| epoch {epoch:3d} | batch {batch + 1:4d} | loss {total / 20:5.2f} | ppl {math.exp(total / 20):8.2f}")
            total = 0.0
    val_loss = evaluate(val_data)
    print(f"| end of epoch {epoch:3d} | time: {time.time() - start:5.2f}s | valid loss {val_loss:5.2f}")
    lr /= 1.5
print(f"final valid loss {val_loss:.4f}")
