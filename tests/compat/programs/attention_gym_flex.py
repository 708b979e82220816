"""The FlexAttention blog post ("FlexAttention: The Flexibility of PyTorch with the Performance of
FlashAttention") and pytorch-labs/attention-gym's examples on the CPU: score_mods (relative position,
ALiBi slopes per head, tanh soft-capping as in Gemma 2, a learned-free bias table indexed by [h, q, kv]),
mask_mods (causal, sliding window, prefix LM with a per-batch prefix length, document masking from
sequence ids, and_masks/or_masks compositions), create_block_mask with its printed picture, sparsity and
block counts, create_mask checked against F.scaled_dot_product_attention, GQA with enable_gqa, the
log-sum-exp via AuxRequest, a query with no allowed key, and a tiny causal transformer decoding with
flex_attention under torch.no_grad (its inputs must not require grad on the CPU)."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.attention.flex_attention import (AuxRequest, and_masks, create_block_mask, create_mask,
                                               flex_attention, noop_mask, or_masks)

torch.set_num_threads(1)
torch.manual_seed(0)

B, H, S, D = 2, 4, 32, 16
query, key, value = (torch.randn(B, H, S, D) for _ in range(3))


def noop(score, b, h, q_idx, kv_idx):
    return score


def relative_positional(score, b, h, q_idx, kv_idx):
    return score + (q_idx - kv_idx)


def generate_alibi_bias(num_heads):
    alibi_bias = [math.exp2(-((i + 1) * 8.0) / num_heads) for i in range(num_heads)]
    alibi_bias = torch.tensor(alibi_bias)

    def alibi_mod(score, b, h, q_idx, kv_idx):
        scale = alibi_bias[h]
        bias = (kv_idx - q_idx) * scale
        return score + bias

    return alibi_mod


def generate_tanh_softcap(soft_cap):
    def tanh_softcap(score, b, h, q_idx, kv_idx):
        return soft_cap * torch.tanh(score / soft_cap)

    return tanh_softcap


def causal_mask(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


def generate_sliding_window(window_size):
    def sliding_window(b, h, q_idx, kv_idx):
        return q_idx - kv_idx <= window_size

    return sliding_window


def generate_prefix_lm_mask(prefix_lengths):
    def prefix_mask(b, h, q_idx, kv_idx):
        return kv_idx < prefix_lengths[b]

    return or_masks(prefix_mask, causal_mask)


def generate_doc_mask_mod(document_id):
    def doc_mask_mod(b, h, q_idx, kv_idx):
        return (document_id[q_idx] == document_id[kv_idx]) & (q_idx >= kv_idx)

    return doc_mask_mod


print("noop equals sdpa", torch.allclose(flex_attention(query, key, value, score_mod=noop),
                                         F.scaled_dot_product_attention(query, key, value), atol=1e-6))
out = flex_attention(query, key, value, score_mod=relative_positional)
print("relative positional", out[0, 0, 3, :4])
out = flex_attention(query, key, value, score_mod=generate_alibi_bias(H))
print("alibi", out[1, 3, 10, :4])
out = flex_attention(query * 4, key, value, score_mod=generate_tanh_softcap(2.0))
print("softcap", out[0, 2, 7, :4])
bias_table = torch.randn(H, S, S) * 0.5
out = flex_attention(query, key, value, score_mod=lambda score, b, h, q, kv: score + bias_table[h, q, kv])
print("bias table", out[1, 1, 0, :4])

block_mask = create_block_mask(causal_mask, B=None, H=None, Q_LEN=S, KV_LEN=S, BLOCK_SIZE=8)
print(block_mask)
print("causal kv_num_blocks", block_mask.kv_num_blocks.tolist(), "full", block_mask.full_kv_num_blocks.tolist())
causal_out = flex_attention(query, key, value, block_mask=block_mask)
sdpa_causal = F.scaled_dot_product_attention(query, key, value, is_causal=True)
print("causal matches sdpa", torch.allclose(causal_out, sdpa_causal, atol=1e-6), causal_out[0, 1, 5, :3])

sliding = and_masks(causal_mask, generate_sliding_window(6))
sw_mask = create_block_mask(sliding, None, None, S, S, BLOCK_SIZE=4)
print(sw_mask)
print(repr(sw_mask))
dense = create_mask(sliding, 1, 1, S, S)
print("sliding window mask rows", dense[0, 0, 8].int().tolist())
sw_out = flex_attention(query, key, value, block_mask=sw_mask)
print("sliding matches sdpa", torch.allclose(sw_out, F.scaled_dot_product_attention(query, key, value, attn_mask=dense),
                                             atol=1e-6))

prefix_lengths = torch.tensor([5, 12])
prefix = generate_prefix_lm_mask(prefix_lengths)
pl_mask = create_block_mask(prefix, B, None, S, S, BLOCK_SIZE=8)
print(pl_mask)
print("prefix lm", flex_attention(query, key, value, block_mask=pl_mask)[1, 0, 2, :4])

document_id = torch.zeros(S, dtype=torch.int)
document_id[10:18] = 1
document_id[18:] = 2
doc_mask = create_block_mask(generate_doc_mask_mod(document_id), None, None, S, S, BLOCK_SIZE=4)
print(doc_mask)
print("sparsity", round(doc_mask.sparsity(), 4), "shape", doc_mask.shape, "dense blocks", doc_mask.to_dense().sum().item())
doc_out, aux = flex_attention(query, key, value, block_mask=doc_mask, return_aux=AuxRequest(lse=True))
print("document masking", doc_out[0, 0, 12, :4], "lse", aux.lse[0, 0, :4], aux.max_scores)

gqa_k, gqa_v = key[:, :2], value[:, :2]
print("gqa", flex_attention(query, gqa_k, gqa_v, enable_gqa=True, scale=0.2)[0, 3, 1, :4])
nothing_first = create_block_mask(lambda b, h, q, kv: q > 0, None, None, S, S, BLOCK_SIZE=16)
o = flex_attention(query, key, value, block_mask=nothing_first, return_aux=AuxRequest(lse=True))
print("query with no key", o[0][0, 0, 0], o[1].lse[0, 0, :2])
print("noop_mask", noop_mask(torch.tensor(0), torch.tensor(0), torch.tensor(1), torch.tensor(2)))
try:
    flex_attention(query.clone().requires_grad_(), key, value)
except NotImplementedError as e:
    print("cpu backward:", e)
try:
    flex_attention(query, key[:, :3], value[:, :3])
except ValueError as e:
    print("heads:", e)


class FlexBlock(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.ln1, self.ln2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x, block_mask, score_mod=None):
        b, t, c = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(c, dim=2)
        q, k, v = (z.view(b, t, self.heads, c // self.heads).transpose(1, 2) for z in (q, k, v))
        y = flex_attention(q, k, v, score_mod=score_mod, block_mask=block_mask)
        x = x + self.proj(y.transpose(1, 2).reshape(b, t, c))
        return x + self.mlp(self.ln2(x))


torch.manual_seed(1)
emb = nn.Embedding(20, 32)
blocks = nn.ModuleList([FlexBlock(32, 4) for _ in range(2)])
head = nn.Linear(32, 20)
tokens = torch.tensor([[1, 5, 7]])
with torch.no_grad():
    for step in range(6):
        T = tokens.shape[1]
        bm = create_block_mask(causal_mask, None, None, T, T, BLOCK_SIZE=4)
        x = emb(tokens)
        for blk in blocks:
            x = blk(x, bm, score_mod=generate_alibi_bias(4))
        nxt = head(x[:, -1]).argmax(-1, keepdim=True)
        tokens = torch.cat([tokens, nxt], dim=1)
print("greedy decode", tokens.tolist())
