"""nn.MultiheadAttention and nn.Transformer the ways library code calls them: 3-d per-head float
attn_mask (N*num_heads, L, S), bool masks combined with key_padding_mask, a float key_padding_mask,
need_weights=False, average_attn_weights=False, is_causal with a mask, unbatched (L, E) inputs, kdim/vdim,
the in_proj weights split by hand and checked against F.multi_head_attention_forward, a full
nn.Transformer with every mask trained a few steps, and Transformer.generate_square_subsequent_mask."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_printoptions(precision=5)

E, NH, L, S, N = 8, 2, 3, 4, 2
mha = nn.MultiheadAttention(E, NH, batch_first=True)
q = torch.randn(N, L, E, requires_grad=True)
kv = torch.randn(N, S, E)

out, w = mha(q, kv, kv)
print("default weights", w.shape, w.sum(-1))
out, w = mha(q, kv, kv, average_attn_weights=False)
print("per head", w.shape, w[0, 1])
out2, none_w = mha(q, kv, kv, need_weights=False)
print("need_weights=False", none_w, torch.allclose(out, out2, atol=1e-6))

mask3 = torch.randn(N * NH, L, S)
out, w = mha(q, kv, kv, attn_mask=mask3, average_attn_weights=False)
print("3-d float mask", w[1, 0])
bool_mask = torch.tensor([[False, True, False, False]] * L)
kpm = torch.tensor([[False, False, False, True], [False, False, True, True]])
out, w = mha(q, kv, kv, attn_mask=bool_mask, key_padding_mask=kpm)
print("bool + padding", w)
fkpm = torch.zeros(N, S).masked_fill(kpm, float("-inf"))
out_f, w_f = mha(q, kv, kv, attn_mask=bool_mask.float().masked_fill(bool_mask, float("-inf")),
                 key_padding_mask=fkpm)
print("float versions agree", torch.allclose(w, w_f), torch.allclose(out, out_f, atol=1e-6))
out.sum().backward()
print("q grad", q.grad[0])

causal = nn.Transformer.generate_square_subsequent_mask(L)
print("causal", causal)
selfattn = nn.MultiheadAttention(E, NH, batch_first=True, bias=False)
x = torch.randn(N, L, E)
o1, w1 = selfattn(x, x, x, attn_mask=causal, is_causal=True)
print("causal weights", w1[0])

un = nn.MultiheadAttention(E, NH)
xu = torch.randn(L, E)
ou, wu = un(xu, xu, xu)
print("unbatched", ou.shape, wu.shape, wu)

kv_mha = nn.MultiheadAttention(E, NH, kdim=5, vdim=3)
k5, v3 = torch.randn(S, N, 5), torch.randn(S, N, 3)
o, w = kv_mha(q.detach().transpose(0, 1), k5, v3)
print("kdim/vdim", o.shape, o[0, 0])

# split in_proj by hand and call the functional form
Wq, Wk, Wv = mha.in_proj_weight.chunk(3)
bq, bk, bv = mha.in_proj_bias.chunk(3)
qq = F.linear(q.detach(), Wq, bq).view(N, L, NH, E // NH).transpose(1, 2)
kk = F.linear(kv, Wk, bk).view(N, S, NH, E // NH).transpose(1, 2)
vv = F.linear(kv, Wv, bv).view(N, S, NH, E // NH).transpose(1, 2)
att = F.scaled_dot_product_attention(qq, kk, vv)
manual = mha.out_proj(att.transpose(1, 2).reshape(N, L, E))
ref, _ = mha(q.detach(), kv, kv)
print("manual matches", torch.allclose(manual, ref, atol=1e-6))
fo, fw = F.multi_head_attention_forward(q.detach().transpose(0, 1), kv.transpose(0, 1), kv.transpose(0, 1), E, NH,
                                        mha.in_proj_weight, mha.in_proj_bias, None, None, False, 0.0,
                                        mha.out_proj.weight, mha.out_proj.bias, training=False)
print("functional matches", torch.allclose(fo.transpose(0, 1), ref, atol=1e-6), fw.shape)

# a full encoder-decoder Transformer with every mask
torch.manual_seed(1)
model = nn.Transformer(d_model=E, nhead=NH, num_encoder_layers=2, num_decoder_layers=2, dim_feedforward=16,
                       dropout=0.0, batch_first=True)
emb = nn.Embedding(10, E, padding_idx=0)
head = nn.Linear(E, 10)
params = list(model.parameters()) + list(emb.parameters()) + list(head.parameters())
opt = torch.optim.AdamW(params, lr=0.01, weight_decay=0.01)
src = torch.tensor([[3, 4, 5, 6, 0], [7, 8, 9, 0, 0]])
tgt = torch.tensor([[1, 6, 5, 4, 3], [1, 9, 8, 7, 0]])
tgt_in, tgt_out = tgt[:, :-1], tgt[:, 1:]
src_pad, tgt_pad = src == 0, tgt_in == 0
tgt_mask = model.generate_square_subsequent_mask(tgt_in.size(1))
for step in range(5):
    hs = model(emb(src), emb(tgt_in), tgt_mask=tgt_mask, src_key_padding_mask=src_pad,
               tgt_key_padding_mask=tgt_pad, memory_key_padding_mask=src_pad, tgt_is_causal=True)
    logits = head(hs)
    loss = F.cross_entropy(logits.reshape(-1, 10), tgt_out.reshape(-1), ignore_index=0)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"transformer step {step} loss {loss.item():.5f}")
model.eval()
with torch.no_grad():
    memory = model.encoder(emb(src), src_key_padding_mask=src_pad)
    print("memory at pads", memory[1, 3:].abs().sum().item(), "memory", memory[0, 0])
    ys = torch.ones(2, 1, dtype=torch.long)
    for i in range(4):
        m = nn.Transformer.generate_square_subsequent_mask(ys.size(1))
        out = model.decoder(emb(ys), memory, tgt_mask=m, memory_key_padding_mask=src_pad)
        nxt = head(out[:, -1]).argmax(-1, keepdim=True)
        ys = torch.cat([ys, nxt], 1)
    print("decoded", ys.tolist())
