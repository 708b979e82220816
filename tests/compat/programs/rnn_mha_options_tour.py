"""Recurrent and attention layers with their less common options, as a sequence-modelling course's
"know your layers" notebook runs them, seeded: a 2-layer bidirectional batch_first GRU with h0, a
bidirectional LSTM with proj_size on packed sequences (enforce_sorted=False) and the unpacked
outputs, an RNN with relu and no bias, unbatched inputs to each, cells on unbatched inputs,
h_n/c_n shapes and their reverse-direction slices, pad_packed_sequence with total_length, and
MultiheadAttention with kdim/vdim, add_bias_kv, add_zero_attn, bool and float key_padding_mask,
3-D attn_mask, need_weights with average_attn_weights=False, batch_first and unbatched, plus a
Transformer with norm_first and a callable activation; every output summarized by its shape and sums."""

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pack_sequence

torch.set_num_threads(1)
torch.manual_seed(0)


def show(name, t):
    if isinstance(t, (tuple, list)):
        for i, u in enumerate(t):
            show(f"{name}[{i}]", u)
        return
    if t is None:
        print(name, None)
        return
    ramp = torch.linspace(-1.0, 2.0, t.numel())  # (a weighted sum: a LayerNorm output sums to zero)
    print(f"{name} {tuple(t.shape)} wsum {(t.flatten() * ramp).sum().item():.5f} abs {t.abs().sum().item():.5f}")


gru = nn.GRU(3, 4, num_layers=2, batch_first=True, bidirectional=True)
x = torch.randn(2, 5, 3)
h0 = torch.randn(4, 2, 4)
out, hn = gru(x, h0)
show("gru out", out)
show("gru hn", hn)
print("last fwd == out[:, -1, :4]", torch.allclose(hn[-2], out[:, -1, :4]), "first bwd == out[:, 0, 4:]",
      torch.allclose(hn[-1], out[:, 0, 4:]))
show("gru unbatched", gru(x[0]))
show("gru unbatched h0", gru(x[0], h0[:, 0]))

lstm = nn.LSTM(3, 6, num_layers=2, proj_size=2, bidirectional=True)
seqs = [torch.randn(n, 3) for n in (4, 2, 5)]
lengths = torch.tensor([4, 2, 5])
padded = nn.utils.rnn.pad_sequence(seqs)
packed = pack_padded_sequence(padded, lengths, enforce_sorted=False)
print("packed batch_sizes", packed.batch_sizes.tolist(), "sorted", packed.sorted_indices.tolist(),
      "unsorted", packed.unsorted_indices.tolist())
pout, (hn, cn) = lstm(packed)
show("lstm packed data", pout.data)
show("lstm hn", hn)
show("lstm cn", cn)
unpacked, lens = pad_packed_sequence(pout, total_length=7)
show("unpacked", unpacked)
print("lens", lens.tolist(), "padding zero", unpacked[2:, 1].abs().sum().item())
ref_out, (ref_h, _) = lstm(seqs[1].unsqueeze(1))
print("packed == alone", torch.allclose(ref_out[:, 0], unpacked[:2, 1], atol=1e-6), torch.allclose(ref_h[:, 0], hn[:, 1], atol=1e-6))
show("pack_sequence unsorted", lstm(pack_sequence(seqs, enforce_sorted=False))[1])
show("lstm unbatched", lstm(seqs[0]))

rnn = nn.RNN(3, 5, nonlinearity="relu", bias=False, num_layers=2)
show("relu rnn", rnn(torch.randn(6, 2, 3)))
print("relu rnn params", [n for n, _ in rnn.named_parameters()])
for cell in [nn.RNNCell(3, 4, nonlinearity="relu"), nn.GRUCell(3, 4), nn.LSTMCell(3, 4, bias=False)]:
    show(type(cell).__name__ + " batched", cell(torch.randn(2, 3)))
    show(type(cell).__name__ + " unbatched", cell(torch.randn(3)))

mha = nn.MultiheadAttention(6, 2, kdim=4, vdim=5, add_bias_kv=True, add_zero_attn=True, batch_first=True)
q, k, v = torch.randn(2, 3, 6), torch.randn(2, 4, 4), torch.randn(2, 4, 5)
kpm = torch.tensor([[False, False, True, True], [False, False, False, False]])
o, w = mha(q, k, v, key_padding_mask=kpm)
show("mha out", o)
print("mha weights", tuple(w.shape), w[0, 0])
o, w = mha(q, k, v, key_padding_mask=kpm, average_attn_weights=False)
print("per-head weights", tuple(w.shape), w[1, 1, 2])
am = torch.zeros(2 * 2, 3, 4, dtype=torch.bool)
am[:, 0, 0] = True
o, w = mha(q, k, v, attn_mask=am)
print("3-D mask weights", tuple(w.shape), w[0, 0])
float_kpm = torch.zeros(2, 4).masked_fill(kpm, float("-inf"))
o2, w2 = mha(q, k, v, key_padding_mask=float_kpm)
o1, w1 = mha(q, k, v, key_padding_mask=kpm)
print("float mask == bool mask", torch.allclose(o1, o2), torch.allclose(w1, w2))
print("no weights", mha(q, k, v, need_weights=False)[1])
show("unbatched mha", mha(q[0], k[0], v[0]))
plain = nn.MultiheadAttention(4, 2, bias=False, dropout=0.0)
x4 = torch.randn(5, 3, 4)
causal = nn.Transformer.generate_square_subsequent_mask(5)
o, w = plain(x4, x4, x4, attn_mask=causal, is_causal=True)
print("causal weights row 2", w[0, 2])
print("named params", [(n, tuple(p.shape)) for n, p in plain.named_parameters()])

enc_layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation=lambda t: t * torch.sigmoid(t),
                                       batch_first=True, norm_first=True)
enc = nn.TransformerEncoder(enc_layer, 2, norm=nn.LayerNorm(8), enable_nested_tensor=False)
src = torch.randn(2, 5, 8)
src_kpm = torch.tensor([[False] * 5, [False, False, False, True, True]])
show("encoder", enc(src, src_key_padding_mask=src_kpm))
show("encoder causal", enc(src, mask=nn.Transformer.generate_square_subsequent_mask(5), is_causal=True))
dec_layer = nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, activation="gelu", batch_first=True, norm_first=True)
dec = nn.TransformerDecoder(dec_layer, 1)
tgt = torch.randn(2, 3, 8)
show("decoder", dec(tgt, src, tgt_mask=nn.Transformer.generate_square_subsequent_mask(3), tgt_is_causal=True,
                    memory_key_padding_mask=src_kpm))
loss = dec(tgt, enc(src)).pow(2).mean()
loss.backward()
print("loss", f"{loss.item():.6f}", "grad", f"{enc.layers[0].self_attn.in_proj_weight.grad.norm().item():.6f}")
