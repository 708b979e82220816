"""nn.MultiheadAttention and the Transformer decoder with every kind of mask, as tutorials and forum
answers use them: sequence-first and batch_first, kdim/vdim, add_bias_kv and add_zero_attn, bool and
float key_padding_mask, 2-D and 3-D (N*num_heads) attn_mask, need_weights with average_attn_weights
False, is_causal; F.scaled_dot_product_attention with a bool mask and scale=; TransformerDecoderLayer
(norm_first, gelu) in a TransformerDecoder with tgt_mask from generate_square_subsequent_mask,
memory_mask and both padding masks; a greedy decoding loop under torch.no_grad in eval mode; and a few
steps of training a copy task with Adam."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def fixed_(module, scale=0.2):
    """Overwrite every parameter with a deterministic pattern so both frameworks start alike."""
    with torch.no_grad():
        for i, (name, p) in enumerate(module.named_parameters()):
            if "norm" in name and name.endswith("weight"):
                p.fill_(1.0)
            else:
                p.copy_((torch.sin(torch.arange(p.numel(), dtype=torch.float32) * 0.73 + i) * scale)
                        .reshape(p.shape))
    return module


def show(name, t):
    print(f"{name:30s} {tuple(t.shape)} sq {t.pow(2).sum().item():.6f} abs {t.abs().sum().item():.6f}")


L, S, N, E, H = 4, 5, 2, 8, 2
q = torch.cos(torch.arange(L * N * E, dtype=torch.float32).reshape(L, N, E) * 0.3)
kv = torch.sin(torch.arange(S * N * E, dtype=torch.float32).reshape(S, N, E) * 0.17)
mha = fixed_(nn.MultiheadAttention(E, H))
out, w = mha(q, kv, kv)
show("seq-first out", out)
show("seq-first weights avg", w)
out, w = mha(q, kv, kv, need_weights=False)
print("need_weights False", w)
kpm = torch.tensor([[False, False, False, True, True], [False, False, False, False, False]])
out, w = mha(q, kv, kv, key_padding_mask=kpm, average_attn_weights=False)
show("key padding per-head", w)
print("padded keys get zero", w[0, :, :, 3:].abs().sum().item())
float_kpm = torch.zeros(N, S).masked_fill(kpm, float("-inf"))
out2, _ = mha(q, kv, kv, key_padding_mask=float_kpm)
print("float kpm same", torch.allclose(out, out2, atol=1e-6))
attn2d = torch.triu(torch.ones(L, S, dtype=torch.bool), diagonal=2)
out, w = mha(q, kv, kv, attn_mask=attn2d)
show("bool attn_mask 2d", out)
attn3d = torch.zeros(N * H, L, S)
attn3d[1, :, 0] = -1e9
attn3d[2] = torch.linspace(-1, 1, S)
out, w = mha(q, kv, kv, attn_mask=attn3d, average_attn_weights=False)
show("float attn_mask 3d", w)
both_out, _ = mha(q, kv, kv, attn_mask=attn2d, key_padding_mask=kpm)
show("attn + padding", both_out)

bf = fixed_(nn.MultiheadAttention(E, H, batch_first=True, kdim=6, vdim=3, dropout=0.0))
k6 = torch.linspace(-1, 1, N * S * 6).reshape(N, S, 6)
v3 = torch.linspace(1, -1, N * S * 3).reshape(N, S, 3)
out, w = bf(q.transpose(0, 1), k6, v3)
show("kdim/vdim batch_first", out)
print("separate proj", [n for n, _ in bf.named_parameters()])
bkv = fixed_(nn.MultiheadAttention(E, H, add_bias_kv=True, add_zero_attn=True))
out, w = bkv(q, kv, kv, key_padding_mask=kpm)
show("bias_kv zero_attn", out)
show("bias_kv zero_attn weights", w)
self_out, self_w = mha(q, q, q, attn_mask=nn.Transformer.generate_square_subsequent_mask(L), is_causal=True)
show("is_causal self", self_out)
print("causal upper zero", self_w.triu(1).abs().sum().item())
unbatched, uw = mha(q[:, 0], kv[:, 0], kv[:, 0])
print("unbatched", tuple(unbatched.shape), tuple(uw.shape), torch.allclose(unbatched, mha(q, kv, kv)[0][:, 0],
                                                                             atol=1e-6))

qb, kb = q.transpose(0, 1).reshape(N, L, H, E // H).transpose(1, 2), kv.transpose(0, 1).reshape(
    N, S, H, E // H).transpose(1, 2)
sd_mask = ~attn2d
show("sdpa bool mask", F.scaled_dot_product_attention(qb, kb, kb, attn_mask=sd_mask))
show("sdpa scale", F.scaled_dot_product_attention(qb, kb, kb, scale=0.5))
show("sdpa causal", F.scaled_dot_product_attention(qb, qb, qb, is_causal=True))
manual = torch.softmax(qb @ kb.transpose(-2, -1) / math.sqrt(E // H) + torch.zeros(L, S).masked_fill(attn2d,
                                                                                                    float("-inf")),
                       dim=-1) @ kb
print("sdpa == manual", torch.allclose(manual, F.scaled_dot_product_attention(qb, kb, kb, attn_mask=sd_mask),
                                       atol=1e-6))

print(nn.Transformer.generate_square_subsequent_mask(3))
layer = nn.TransformerDecoderLayer(E, H, dim_feedforward=16, dropout=0.0, activation="gelu", norm_first=True,
                                   batch_first=True)
dec = fixed_(nn.TransformerDecoder(layer, num_layers=2, norm=nn.LayerNorm(E)))
tgt = q.transpose(0, 1)
mem = kv.transpose(0, 1)
tgt_mask = nn.Transformer.generate_square_subsequent_mask(L)
tgt_kpm = torch.tensor([[False, False, False, True], [False, False, False, False]])
mem_mask = torch.zeros(L, S)
mem_mask[:, -1] = float("-inf")
y = dec(tgt, mem, tgt_mask=tgt_mask, memory_mask=mem_mask, tgt_key_padding_mask=tgt_kpm,
        memory_key_padding_mask=kpm)
show("decoder", y)
y2 = dec(tgt, mem, tgt_mask=tgt_mask, tgt_is_causal=True)
show("decoder causal flag", y2)
print("decoder layers", len(dec.layers), type(dec.layers[0].multihead_attn).__name__)


class Copier(nn.Module):
    """A tiny encoder-decoder Transformer that learns to copy a token sequence."""

    def __init__(self, vocab, d):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.zeros(1, 8, d))
        self.tf = nn.Transformer(d, 2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16,
                                 dropout=0.0, batch_first=True)
        self.out = nn.Linear(d, vocab)

    def forward(self, src, tgt):
        mask = self.tf.generate_square_subsequent_mask(tgt.size(1))
        h = self.tf(self.emb(src) + self.pos[:, :src.size(1)], self.emb(tgt) + self.pos[:, :tgt.size(1)],
                    tgt_mask=mask, src_key_padding_mask=src == 0, tgt_key_padding_mask=tgt == 0,
                    memory_key_padding_mask=src == 0)
        return self.out(h)


model = fixed_(Copier(6, E), scale=0.3)
src = torch.tensor([[2, 3, 4, 5, 0], [5, 4, 3, 0, 0], [3, 3, 2, 2, 4]])
bos = torch.ones(3, 1, dtype=torch.long)
tgt_in = torch.cat([bos, src[:, :-1]], 1)
opt = torch.optim.Adam(model.parameters(), lr=0.01)
for step in range(5):
    opt.zero_grad()
    logits = model(src, tgt_in)
    loss = F.cross_entropy(logits.reshape(-1, 6), src.reshape(-1), ignore_index=0)
    loss.backward()
    opt.step()
    print(f"step {step} | loss {loss.item():.6f}")
model.eval()
with torch.no_grad():
    ys = bos
    for _ in range(5):
        nxt = model(src, ys)[:, -1].argmax(-1, keepdim=True)
        ys = torch.cat([ys, nxt], 1)
print("greedy", ys.tolist())
