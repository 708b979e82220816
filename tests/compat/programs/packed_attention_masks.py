"""Variable-length sequences and attention masks as NLP scripts combine them: pack_sequence with
enforce_sorted=False (batch_sizes, sorted/unsorted indices, the PackedSequence printed),
pad_packed_sequence with padding_value, unpack_sequence / unpad_sequence, left padding, a packed
input through a 2-layer bidirectional GRU and an LSTM with proj_size, then nn.MultiheadAttention with
key_padding_mask + attn_mask (bool, float and 3-d per-head), average_attn_weights=False,
need_weights=False, kdim/vdim with add_bias_kv/add_zero_attn, and F.scaled_dot_product_attention with
is_causal, scale, a bool mask and enable_gqa; finally a packed-GRU + attention-pooling classifier of
sequence sums trained a few steps."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import (pack_padded_sequence, pack_sequence, pad_packed_sequence, pad_sequence,
                                unpack_sequence, unpad_sequence)
torch.manual_seed(0)
seqs = [torch.randn(n, 2) for n in (2, 5, 3)]
p = pack_sequence(seqs, enforce_sorted=False)
print(p.batch_sizes, p.sorted_indices, p.unsorted_indices, p.data.shape)
print(p)
padded, lens = pad_packed_sequence(p, batch_first=True, padding_value=-1.0)
print(padded[:, :, 0], lens)
print([t.shape for t in unpack_sequence(p)], [t.shape for t in unpad_sequence(padded, lens, batch_first=True)])
print(pad_sequence(seqs, padding_side="left", batch_first=True)[:, :, 0])
p2 = pack_padded_sequence(padded, lens, batch_first=True, enforce_sorted=False)
print(torch.equal(p2.data, p.data), p2.is_cuda, p2.to(torch.float64).data.dtype == torch.float64)
gru = nn.GRU(2, 3, num_layers=2, bidirectional=True)
out, h = gru(p)
print(type(out).__name__, out.data.shape, h.shape)
lstm = nn.LSTM(2, 4, proj_size=2, batch_first=True)
o, (hh, cc) = lstm(pack_padded_sequence(padded, lens, batch_first=True, enforce_sorted=False))
print(o.data.shape, hh.shape, cc.shape, hh[0, :, 0])
mha = nn.MultiheadAttention(4, 2, batch_first=True, dropout=0.0)
q = torch.randn(2, 3, 4)
k = torch.randn(2, 5, 4)
kpm = torch.tensor([[False] * 5, [False, False, True, True, True]])
am = torch.zeros(3, 5)
am[0, 1] = float("-inf")
o1, w1 = mha(q, k, k, key_padding_mask=kpm, attn_mask=am)
print(w1[1].round(decimals=4))
o2, w2 = mha(q, k, k, key_padding_mask=kpm, average_attn_weights=False)
print(w2.shape, w2[1, 1].round(decimals=4))
o3, w3 = mha(q, k, k, need_weights=False)
print(w3, o3.shape)
am3 = torch.zeros(2 * 2, 3, 5, dtype=torch.bool)
am3[:, :, 4] = True
o4, w4 = mha(q, k, k, attn_mask=am3)
print(w4[0].round(decimals=4))
fm = torch.zeros(2, 5)
fm[1, 0] = -1e9
o5, w5 = mha(q, k, k, key_padding_mask=fm)
print(w5[1, 0].round(decimals=4))
cm = nn.Transformer.generate_square_subsequent_mask(3)
o6, w6 = mha(q, q, q, attn_mask=cm, is_causal=True)
print(w6[0].round(decimals=4))
mha2 = nn.MultiheadAttention(4, 2, kdim=3, vdim=6, add_bias_kv=True, add_zero_attn=True)
o8, w8 = mha2(torch.randn(3, 2, 4), torch.randn(5, 2, 3), torch.randn(5, 2, 6))
print(o8.shape, w8.shape, w8[0, 0].round(decimals=4))
print(F.scaled_dot_product_attention(q, k, k, is_causal=True).shape, F.scaled_dot_product_attention(q, k, k, scale=0.1)[0, 0])
print(F.scaled_dot_product_attention(q.view(2, 1, 3, 4), k.view(2, 1, 5, 4), k.view(2, 1, 5, 4), attn_mask=torch.ones(3, 5, dtype=torch.bool).tril())[0, 0, 0])
print(F.scaled_dot_product_attention(torch.randn(1, 4, 3, 2), torch.randn(1, 2, 5, 2), torch.randn(1, 2, 5, 2), enable_gqa=True).shape)


class AttnPoolGRU(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(1, 16, batch_first=True, bidirectional=True)
        self.query = nn.Parameter(torch.randn(1, 1, 32) * 0.1)
        self.attn = nn.MultiheadAttention(32, 4, batch_first=True)
        self.out = nn.Linear(32, 1)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        h, _ = self.gru(packed)
        h, _ = pad_packed_sequence(h, batch_first=True, total_length=x.size(1))
        pad = torch.arange(x.size(1)).unsqueeze(0) >= lengths.unsqueeze(1)
        pooled, w = self.attn(self.query.expand(x.size(0), -1, -1), h, h, key_padding_mask=pad)
        return self.out(pooled.squeeze(1)).squeeze(1), w


torch.manual_seed(3)
net = AttnPoolGRU()
opt = torch.optim.Adam(net.parameters(), lr=0.01)
for step in range(40):
    lengths = torch.randint(1, 9, (16,))
    x = torch.rand(16, 8, 1) * (torch.arange(8).view(1, 8, 1) < lengths.view(16, 1, 1))
    target = x.sum((1, 2))
    pred, w = net(x, lengths)
    loss = F.mse_loss(pred, target)
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(net.parameters(), 1.0)
    opt.step()
    if step % 10 == 9:
        print(f"step {step + 1} loss {loss.item():.5f} weight on padding {w[:, 0][torch.arange(8) >= lengths.unsqueeze(1)].sum().item():.1f}")
