"""A seq2seq tutorial's shape on a toy task (reverse a digit string): an
embedding + bidirectional GRU encoder over pack_padded_sequence /
pad_packed_sequence, a GRU decoder with Bahdanau (additive) attention and
teacher forcing chosen by Python's random, CrossEntropyLoss(ignore_index=PAD),
gradient clipping, and greedy decoding under torch.no_grad. Weights are fixed
and the data comes from numpy, so the losses can be compared closely."""

import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

torch.manual_seed(0)
PAD, SOS, EOS = 0, 1, 2
VOCAB = 13  # PAD, SOS, EOS and the digits 0-9 as 3..12
rng = np.random.RandomState(7)


def make_pair():
    n = rng.randint(3, 9)
    src = (rng.randint(0, 10, size=n) + 3).tolist()
    return src + [EOS], src[::-1] + [EOS]


pairs = [make_pair() for _ in range(160)]
test_pairs = [make_pair() for _ in range(40)]


def batchify(batch):
    srcs = [torch.tensor(s, dtype=torch.long) for s, _ in batch]
    tgts = [torch.tensor(t, dtype=torch.long) for _, t in batch]
    lengths = torch.tensor([len(s) for s in srcs])
    return pad_sequence(srcs, batch_first=True, padding_value=PAD), lengths, pad_sequence(tgts, batch_first=True)


class Encoder(nn.Module):
    def __init__(self, vocab, emb, hidden, dec_hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb, padding_idx=PAD)
        self.rnn = nn.GRU(emb, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, dec_hidden)

    def forward(self, src, lengths):
        embedded = self.embedding(src)
        packed = pack_padded_sequence(embedded, lengths.cpu(), batch_first=True, enforce_sorted=False)
        packed_out, hidden = self.rnn(packed)
        outputs, out_lengths = pad_packed_sequence(packed_out, batch_first=True, total_length=src.size(1))
        hidden = torch.tanh(self.fc(torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1)))
        return outputs, hidden, out_lengths


class BahdanauAttention(nn.Module):
    def __init__(self, enc_dim, dec_dim, attn_dim):
        super().__init__()
        self.W_enc = nn.Linear(enc_dim, attn_dim, bias=False)
        self.W_dec = nn.Linear(dec_dim, attn_dim)
        self.v = nn.Linear(attn_dim, 1, bias=False)

    def forward(self, dec_hidden, enc_outputs, mask):
        # dec_hidden: (B, H), enc_outputs: (B, S, 2H), mask: (B, S) True where real tokens
        energy = torch.tanh(self.W_enc(enc_outputs) + self.W_dec(dec_hidden).unsqueeze(1))
        scores = self.v(energy).squeeze(2)
        scores = scores.masked_fill(mask == 0, -1e10)
        weights = F.softmax(scores, dim=1)
        context = torch.bmm(weights.unsqueeze(1), enc_outputs).squeeze(1)
        return context, weights


class Decoder(nn.Module):
    def __init__(self, vocab, emb, enc_hidden, dec_hidden):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb)
        self.attention = BahdanauAttention(2 * enc_hidden, dec_hidden, dec_hidden)
        self.rnn = nn.GRU(emb + 2 * enc_hidden, dec_hidden, batch_first=True)
        self.out = nn.Linear(dec_hidden + 2 * enc_hidden + emb, vocab)

    def forward(self, token, hidden, enc_outputs, mask):
        embedded = self.embedding(token.unsqueeze(1))  # (B, 1, E)
        context, weights = self.attention(hidden, enc_outputs, mask)
        rnn_input = torch.cat((embedded, context.unsqueeze(1)), dim=2)
        output, hidden = self.rnn(rnn_input, hidden.unsqueeze(0))
        logits = self.out(torch.cat((output.squeeze(1), context, embedded.squeeze(1)), dim=1))
        return logits, hidden.squeeze(0), weights


class Seq2Seq(nn.Module):
    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, src, lengths, trg, teacher_forcing_ratio=0.5):
        B, T = trg.shape
        outputs = torch.zeros(B, T, VOCAB)
        enc_outputs, hidden, _ = self.encoder(src, lengths)
        mask = src != PAD
        token = torch.full((B,), SOS, dtype=torch.long)
        for t in range(T):
            logits, hidden, _ = self.decoder(token, hidden, enc_outputs, mask)
            outputs[:, t] = logits
            teacher_force = random.random() < teacher_forcing_ratio
            token = trg[:, t] if teacher_force else logits.argmax(1)
        return outputs


def fix_weights(model):
    with torch.no_grad():
        for i, (name, p) in enumerate(model.named_parameters()):
            vals = torch.sin(torch.arange(p.numel(), dtype=torch.float32) * 1.3 + 0.5 * i)
            p.copy_((0.3 * vals).view_as(p))
    model.encoder.embedding.weight.data[PAD].zero_()


enc = Encoder(VOCAB, 16, 24, 32)
dec = Decoder(VOCAB, 16, 24, 32)
model = Seq2Seq(enc, dec)
fix_weights(model)
print(f"The model has {sum(p.numel() for p in model.parameters() if p.requires_grad):,} trainable parameters")

optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
criterion = nn.CrossEntropyLoss(ignore_index=PAD)
random.seed(1234)
BATCH = 32

src0, len0, trg0 = batchify(pairs[:4])
print("padded batch shape", tuple(src0.shape), "lengths", len0.tolist())
packed = pack_padded_sequence(enc.embedding(src0), len0, batch_first=True, enforce_sorted=False)
print("batch_sizes", packed.batch_sizes.tolist(), "sorted_indices", packed.sorted_indices.tolist())

for epoch in range(6):
    model.train()
    epoch_loss = 0.0
    for i in range(0, len(pairs), BATCH):
        src, lengths, trg = batchify(pairs[i:i + BATCH])
        optimizer.zero_grad()
        output = model(src, lengths, trg, teacher_forcing_ratio=0.5)
        loss = criterion(output.view(-1, VOCAB), trg.view(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        epoch_loss += loss.item()
    print(f"Epoch: {epoch + 1:02} | Train Loss: {epoch_loss / (len(pairs) // BATCH):.5f}")


def translate(src_tokens):
    model.eval()
    with torch.no_grad():
        src = torch.tensor(src_tokens).unsqueeze(0)
        enc_outputs, hidden, _ = model.encoder(src, torch.tensor([len(src_tokens)]))
        mask = src != PAD
        token = torch.tensor([SOS])
        out, attn = [], []
        for _ in range(12):
            logits, hidden, weights = model.decoder(token, hidden, enc_outputs, mask)
            token = logits.argmax(1)
            attn.append(weights)
            if token.item() == EOS:
                break
            out.append(token.item())
    return out, torch.cat(attn, dim=0)


with torch.no_grad():
    model.eval()
    src, lengths, trg = batchify(test_pairs)
    output = model(src, lengths, trg, teacher_forcing_ratio=1.0)
    test_loss = criterion(output.view(-1, VOCAB), trg.view(-1))
    print(f"Test Loss: {test_loss.item():.5f} | Test PPL: {test_loss.exp().item():7.3f}")

pred, attn = translate(test_pairs[0][0])
print("source", [t - 3 for t in test_pairs[0][0][:-1]], "prediction", [t - 3 for t in pred])
print("attention shape", tuple(attn.shape), "row sums", [round(x, 4) for x in attn.sum(1).tolist()])
