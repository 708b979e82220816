"""Transformer-XL style relative attention, the way the reference code writes it: sinusoidal relative
position embeddings in descending order, the u/v (r_w_bias, r_r_bias) global biases, the _rel_shift trick
(pad a zero column, view as (klen+1, qlen), drop the first row, view back), segment-level recurrence with
detached memories concatenated to the keys, and a causal mask with the memory offset (triu with
diagonal=1+mlen); checked against an explicit gather-based relative score, then trained on a copy task."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


def rel_shift(x):
    # x: [qlen, klen, bsz, n_head]
    zero_pad = torch.zeros((x.size(0), 1, *x.size()[2:]), device=x.device, dtype=x.dtype)
    x_padded = torch.cat([zero_pad, x], dim=1)
    x_padded = x_padded.view(x.size(1) + 1, x.size(0), *x.size()[2:])
    return x_padded[1:].view_as(x)


class PositionalEmbedding(nn.Module):
    def __init__(self, demb):
        super().__init__()
        inv_freq = 1 / (10000 ** (torch.arange(0.0, demb, 2.0) / demb))
        self.register_buffer("inv_freq", inv_freq)

    def forward(self, pos_seq):
        sinusoid_inp = torch.ger(pos_seq, self.inv_freq)
        return torch.cat([sinusoid_inp.sin(), sinusoid_inp.cos()], dim=-1)[:, None, :]


class RelMultiHeadAttn(nn.Module):
    def __init__(self, n_head, d_model, d_head):
        super().__init__()
        self.n_head, self.d_head = n_head, d_head
        self.qkv_net = nn.Linear(d_model, 3 * n_head * d_head, bias=False)
        self.r_net = nn.Linear(d_model, n_head * d_head, bias=False)
        self.o_net = nn.Linear(n_head * d_head, d_model, bias=False)
        self.layer_norm = nn.LayerNorm(d_model)
        self.scale = 1 / (d_head ** 0.5)

    def forward(self, w, r, r_w_bias, r_r_bias, attn_mask, mems=None):
        qlen, rlen, bsz = w.size(0), r.size(0), w.size(1)
        cat = torch.cat([mems, w], 0) if mems is not None else w
        w_heads = self.qkv_net(cat)
        r_head_k = self.r_net(r)
        w_head_q, w_head_k, w_head_v = torch.chunk(w_heads, 3, dim=-1)
        w_head_q = w_head_q[-qlen:]
        klen = w_head_k.size(0)
        w_head_q = w_head_q.view(qlen, bsz, self.n_head, self.d_head)
        w_head_k = w_head_k.view(klen, bsz, self.n_head, self.d_head)
        w_head_v = w_head_v.view(klen, bsz, self.n_head, self.d_head)
        r_head_k = r_head_k.view(rlen, self.n_head, self.d_head)
        AC = torch.einsum("ibnd,jbnd->ijbn", (w_head_q + r_w_bias, w_head_k))
        BD = rel_shift(torch.einsum("ibnd,jnd->ijbn", (w_head_q + r_r_bias, r_head_k)))
        attn_score = (AC + BD) * self.scale
        attn_score = attn_score.float().masked_fill(attn_mask[:, :, None, None], -float("inf"))
        attn_prob = F.softmax(attn_score, dim=1)
        attn_vec = torch.einsum("ijbn,jbnd->ibnd", (attn_prob, w_head_v))
        attn_vec = attn_vec.contiguous().view(qlen, bsz, self.n_head * self.d_head)
        return self.layer_norm(w + self.o_net(attn_vec)), attn_prob


# the shift puts score(i, j) at relative distance i - j + mlen (positions klen-1 ... 0)
q, k, b, n = 4, 6, 1, 1
raw = torch.arange(q * k, dtype=torch.float32).view(q, k, b, n)
shifted = rel_shift(raw)
print("raw\n", raw[..., 0, 0])
print("shifted\n", shifted[..., 0, 0])
mlen = k - q
ok = all(shifted[i, j, 0, 0] == raw[i, j + q - 1 - i, 0, 0] for i in range(q) for j in range(i + mlen + 1))
print("shift picks relative columns:", ok)

d_model, n_head, d_head, tgt_len, mem_len = 32, 2, 16, 8, 8
pos_emb = PositionalEmbedding(d_model)
attn = RelMultiHeadAttn(n_head, d_model, d_head)
r_w_bias = nn.Parameter(torch.zeros(n_head, d_head))
r_r_bias = nn.Parameter(torch.zeros(n_head, d_head))
emb = nn.Embedding(10, d_model)
out_layer = nn.Linear(d_model, 10)
params = list(attn.parameters()) + [r_w_bias, r_r_bias] + list(emb.parameters()) + list(out_layer.parameters())
print("pos_emb", tuple(pos_emb(torch.arange(5.0, -1, -1.0)).shape), "inv_freq[:3]", [f"{v:.5f}" for v in pos_emb.inv_freq[:3].tolist()])


def run_segment(x, mems):
    mlen = mems.size(0) if mems is not None else 0
    klen = mlen + x.size(0)
    w = emb(x) * math.sqrt(d_model)
    pos_seq = torch.arange(klen - 1, -1, -1.0)
    r = pos_emb(pos_seq)
    mask = torch.triu(torch.ones(x.size(0), klen, dtype=torch.bool), diagonal=1 + mlen)
    h, prob = attn(w, r, r_w_bias, r_r_bias, mask, mems)
    new_mems = torch.cat([mems, h], 0)[-mem_len:].detach() if mems is not None else h.detach()
    return out_layer(h), new_mems, prob


opt = torch.optim.Adam(params, lr=1e-3)
gen = torch.Generator().manual_seed(2)
for step in range(40):
    # a stream where token t+1 = token at t-3 (needs attention across segment boundaries)
    seq = torch.randint(0, 10, (3 * tgt_len + 3, 4), generator=gen)
    for t in range(3, seq.size(0)):
        seq[t] = seq[t - 3]
    mems, total = None, 0.0
    for s in range(3):
        x = seq[s * tgt_len: (s + 1) * tgt_len]
        y = seq[s * tgt_len + 1: (s + 1) * tgt_len + 1]
        logits, mems, prob = run_segment(x, mems)
        loss = F.cross_entropy(logits.view(-1, 10), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    if step % 10 == 0 or step == 39:
        print(f"step {step:2d} loss {total / 3:.4f} mems {tuple(mems.shape)} requires_grad {mems.requires_grad}")
print("attn prob", tuple(prob.shape), "masked future zero:", prob[0, mem_len + 1:].abs().max().item() == 0.0,
      "rows sum", f"{prob.sum(1).mean().item():.4f}")
