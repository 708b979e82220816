"""A Perceiver-style model (Jaegle et al.) built on F.scaled_dot_product_attention, as recent minimal
code writes attention: a learned latent array cross-attending to a long input with a key padding mask
passed as a boolean attn_mask broadcast over heads, latent self-attention with is_causal=False and a
custom scale, grouped-query attention via enable_gqa, dropout_p only in training, the math checked
against an explicit softmax(QK^T/sqrt(d))V, and the causal flag's top-left alignment for L != S."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

# reference checks
q = torch.randn(2, 4, 3, 8)
k = torch.randn(2, 4, 5, 8)
v = torch.randn(2, 4, 5, 8)
ref = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(8), -1) @ v
out = F.scaled_dot_product_attention(q, k, v)
print("sdpa == explicit:", torch.allclose(out, ref, atol=1e-5), tuple(out.shape))
out_s = F.scaled_dot_product_attention(q, k, v, scale=0.1)
ref_s = torch.softmax(q @ k.transpose(-1, -2) * 0.1, -1) @ v
print("custom scale:", torch.allclose(out_s, ref_s, atol=1e-5))
causal = F.scaled_dot_product_attention(q, k, v, is_causal=True)
mask = torch.ones(3, 5, dtype=torch.bool).tril(diagonal=0)
ref_c = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
print("is_causal with L=3, S=5 is top-left tril:", torch.allclose(causal, ref_c, atol=1e-6))
bias = torch.zeros(3, 5).masked_fill(~mask, float("-inf"))
print("float mask == bool mask:", torch.allclose(F.scaled_dot_product_attention(q, k, v, attn_mask=bias), ref_c, atol=1e-6))
kv_heads = torch.randn(2, 2, 5, 8)
gqa = F.scaled_dot_product_attention(q, kv_heads, kv_heads, enable_gqa=True)
rep = F.scaled_dot_product_attention(q, kv_heads.repeat_interleave(2, dim=1), kv_heads.repeat_interleave(2, dim=1))
print("enable_gqa == repeat_interleave:", torch.allclose(gqa, rep, atol=1e-6))
try:
    F.scaled_dot_product_attention(q, kv_heads, kv_heads)
except RuntimeError:
    print("RuntimeError without enable_gqa")
fully_masked = F.scaled_dot_product_attention(q, k, v, attn_mask=torch.zeros(3, 5, dtype=torch.bool))
print("fully masked rows:", fully_masked.isnan().all().item(), "or zeros:", (fully_masked == 0).all().item())


class Attention(nn.Module):
    def __init__(self, dq, dkv, heads, dim_head, kv_heads=None):
        super().__init__()
        self.h, self.kvh, self.dh = heads, kv_heads or heads, dim_head
        self.to_q = nn.Linear(dq, heads * dim_head, bias=False)
        self.to_kv = nn.Linear(dkv, 2 * self.kvh * dim_head, bias=False)
        self.to_out = nn.Linear(heads * dim_head, dq)
        self.drop = 0.1

    def forward(self, x, ctx, mask=None):
        B, L, _ = x.shape
        S = ctx.shape[1]
        q = self.to_q(x).view(B, L, self.h, self.dh).transpose(1, 2)
        k, v = self.to_kv(ctx).view(B, S, 2, self.kvh, self.dh).permute(2, 0, 3, 1, 4)
        attn_mask = None if mask is None else mask[:, None, None, :]
        o = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask, dropout_p=self.drop if self.training else 0.0,
                                           enable_gqa=self.kvh != self.h)
        return self.to_out(o.transpose(1, 2).reshape(B, L, -1))


class Perceiver(nn.Module):
    def __init__(self, d_in=4, n_latents=8, d=32, n_cls=3):
        super().__init__()
        self.latents = nn.Parameter(torch.randn(n_latents, d) * 0.02)
        self.in_proj = nn.Linear(d_in, d)
        self.cross = Attention(d, d, heads=1, dim_head=32)
        self.self_attn = Attention(d, d, heads=4, dim_head=8, kv_heads=2)
        self.ln1, self.ln2, self.ln3 = nn.LayerNorm(d), nn.LayerNorm(d), nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(), nn.Linear(2 * d, d))
        self.head = nn.Linear(d, n_cls)

    def forward(self, x, mask):
        ctx = self.in_proj(x)
        lat = self.latents.expand(x.shape[0], -1, -1)
        lat = lat + self.cross(self.ln1(lat), ctx, mask)
        h = self.ln2(lat)
        lat = lat + self.self_attn(h, h)
        lat = lat + self.ff(self.ln3(lat))
        return self.head(lat.mean(1))


def make_batch(n, gen):
    lengths = torch.randint(10, 41, (n,), generator=gen)
    x = torch.randn(n, 40, 4, generator=gen)
    mask = torch.arange(40)[None] < lengths[:, None]
    x = x * mask[..., None]
    cls = torch.randint(0, 3, (n,), generator=gen)
    x[:, :, 0] += (cls[:, None].float() - 1) * mask
    return x, mask, cls


gen = torch.Generator().manual_seed(1)
model = Perceiver()
opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
torch.manual_seed(2)
for step in range(40):
    x, mask, cls = make_batch(32, gen)
    loss = F.cross_entropy(model(x, mask), cls)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0 or step == 39:
        print(f"step {step:2d} loss {loss.item():.4f}")
model.eval()
x, mask, cls = make_batch(200, torch.Generator().manual_seed(9))
with torch.no_grad():
    acc = (model(x, mask).argmax(1) == cls).float().mean()
    x2 = x.clone()
    x2[~mask] = 99.0
    same = torch.allclose(model(x, mask), model(x2, mask), atol=1e-5)
print(f"eval acc {acc.item():.4f} padding ignored: {same}")
