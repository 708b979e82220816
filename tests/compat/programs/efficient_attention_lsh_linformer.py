"""Efficient-attention variants written the way the reformer-pytorch, linformer and longformer reference
notebooks write them, each checked against full attention and then trained on a copy task: LSH
bucketing by random rotations (einsum, cat of the rotation and its negation, argmax), a stable sort of
bucket*seqlen + position (sort/argsort, gather with an expanded index, scatter back by the inverse
permutation), chunked attention looking one chunk back (torch.cat with the rolled chunk), the shared-QK
self-mask with masked_fill_ of a large negative; Linformer's projection of keys/values along the
sequence (E, F as Parameters, einsum 'bhnd,nk->bhkd'); Longformer's sliding band built with
Tensor.unfold over padded keys and a band mask from torch.arange differences; a causal local mask via
torch.ones(...).triu(1).bool() and F.scaled_dot_product_attention with a boolean attn_mask."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


def full_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(mask, float("-inf"))
    return scores.softmax(-1) @ v


def lsh_buckets(x, n_buckets, rotations):
    rotated = torch.einsum("bnd,dr->bnr", x, rotations)
    rotated = torch.cat([rotated, -rotated], dim=-1)
    return rotated.argmax(dim=-1)


def lsh_attention(qk, v, n_buckets=4, chunk=8, seed=0):
    b, n, d = qk.shape
    g = torch.Generator().manual_seed(seed)
    rotations = torch.randn(d, n_buckets // 2, generator=g)
    buckets = lsh_buckets(F.normalize(qk, dim=-1), n_buckets, rotations)
    ticker = torch.arange(n).expand(b, n)
    keys = buckets * n + ticker
    sorted_keys, sticker = keys.sort(dim=-1)
    undo = sticker.argsort(dim=-1)
    sqk = qk.gather(1, sticker[..., None].expand(-1, -1, d))
    sv = v.gather(1, sticker[..., None].expand(-1, -1, v.shape[-1]))
    st = sticker
    cq = sqk.reshape(b, n // chunk, chunk, d)
    ck = F.normalize(cq, dim=-1)
    cv = sv.reshape(b, n // chunk, chunk, -1)
    ct = st.reshape(b, n // chunk, chunk)
    look_k = torch.cat([ck, ck.roll(1, dims=1)], dim=2)
    look_v = torch.cat([cv, cv.roll(1, dims=1)], dim=2)
    look_t = torch.cat([ct, ct.roll(1, dims=1)], dim=2)
    dots = torch.einsum("bcid,bcjd->bcij", cq, look_k) / math.sqrt(d)
    self_mask = ct[..., :, None] == look_t[..., None, :]
    dots.masked_fill_(self_mask, -5e4)
    out = dots.softmax(-1) @ look_v
    out = out.reshape(b, n, -1)
    unsorted = out.gather(1, undo[..., None].expand(-1, -1, out.shape[-1]))
    return unsorted, buckets, sorted_keys


b, n, d = 2, 32, 16
qk = torch.randn(b, n, d)
v = torch.randn(b, n, d)
out, buckets, sorted_keys = lsh_attention(qk, v)
print("buckets row0", buckets[0].tolist())
print("bucket counts", torch.bincount(buckets.flatten(), minlength=4).tolist())
print("sorted keys monotone", bool((sorted_keys[:, 1:] >= sorted_keys[:, :-1]).all()))
kn = F.normalize(qk, dim=-1)
ref = full_attention(qk, kn, v, mask=torch.eye(n, dtype=torch.bool))
print(f"lsh out {tuple(out.shape)} mean {out.mean().item():.6f} |lsh - full| {(out - ref).abs().mean().item():.6f}")


class LinformerSelfAttention(nn.Module):
    def __init__(self, dim, seq_len, k=8, heads=2):
        super().__init__()
        self.heads, self.dh = heads, dim // heads
        self.to_q = nn.Linear(dim, dim, bias=False)
        self.to_k = nn.Linear(dim, dim, bias=False)
        self.to_v = nn.Linear(dim, dim, bias=False)
        init = lambda: nn.Parameter(torch.zeros(seq_len, k).normal_(0, 1 / math.sqrt(k)))
        self.proj_k, self.proj_v = init(), init()
        self.to_out = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, _ = x.shape
        h = self.heads
        q = self.to_q(x).view(b, n, h, -1).transpose(1, 2)
        k = self.to_k(x).view(b, n, h, -1).transpose(1, 2)
        v = self.to_v(x).view(b, n, h, -1).transpose(1, 2)
        k = torch.einsum("bhnd,nk->bhkd", k, self.proj_k[:n])
        v = torch.einsum("bhnd,nk->bhkd", v, self.proj_v[:n])
        dots = torch.einsum("bhnd,bhkd->bhnk", q, k) * self.dh ** -0.5
        out = torch.einsum("bhnk,bhkd->bhnd", dots.softmax(-1), v)
        return self.to_out(out.transpose(1, 2).reshape(b, n, -1))


def sliding_window_attention(q, k, v, w):
    b, n, d = q.shape
    kp = F.pad(k, (0, 0, w, w))
    vp = F.pad(v, (0, 0, w, w))
    kw = kp.unfold(1, 2 * w + 1, 1).transpose(-1, -2)
    vw = vp.unfold(1, 2 * w + 1, 1).transpose(-1, -2)
    scores = torch.einsum("bnd,bnwd->bnw", q, kw) / math.sqrt(d)
    pos = torch.arange(n)[:, None] + torch.arange(-w, w + 1)[None]
    invalid = (pos < 0) | (pos >= n)
    scores = scores.masked_fill(invalid, float("-inf"))
    return torch.einsum("bnw,bnwd->bnd", scores.softmax(-1), vw), kw


q = torch.randn(b, n, d)
sw, kw = sliding_window_attention(q, qk, v, 3)
idx = torch.arange(n)
band = (idx[:, None] - idx[None, :]).abs() > 3
ref = full_attention(q, qk, v, mask=band)
print("unfold windows", tuple(kw.shape), "stride", kw.stride())
print(f"sliding window == banded full: {torch.allclose(sw, ref, atol=1e-6)} below 1e-6 {(sw - ref).abs().max().item() < 1e-6}")
causal = torch.ones(n, n).triu(1).bool()
local = causal | (idx[:, None] - idx[None, :] > 4)
sdpa = F.scaled_dot_product_attention(q, qk, v, attn_mask=~local)
print(f"sdpa local causal mean {sdpa.mean().item():.6f}", f"== manual {(sdpa - full_attention(q, qk, v, local)).abs().max().item() < 1e-6}")


class CopyModel(nn.Module):
    def __init__(self, kind, vocab=10, dim=32, n=16):
        super().__init__()
        self.kind = kind
        self.emb = nn.Embedding(vocab, dim)
        self.pos = nn.Parameter(torch.randn(n, dim) * 0.02)
        self.attn = LinformerSelfAttention(dim, n) if kind == "linformer" else nn.Linear(dim, 3 * dim)
        self.ln = nn.LayerNorm(dim)
        self.ff = nn.Sequential(nn.Linear(dim, 64), nn.GELU(), nn.Linear(64, dim))
        self.out = nn.Linear(dim, vocab)

    def forward(self, x):
        h = self.emb(x) + self.pos
        if self.kind == "linformer":
            a = self.attn(h)
        else:
            qq, kk, vv = self.attn(h).chunk(3, dim=-1)
            if self.kind == "lsh":
                a, _, _ = lsh_attention(qq, vv, chunk=4, seed=1)
            else:
                a, _ = sliding_window_attention(qq, kk, vv, 2)
        h = self.ln(h + a)
        return self.out(h + self.ff(h))


data_g = torch.Generator().manual_seed(3)
seqs = torch.randint(1, 10, (256, 16), generator=data_g)
targets = seqs.flip(-1)
for kind in ["linformer", "lsh", "sliding"]:
    torch.manual_seed(4)
    m = CopyModel(kind)
    opt = torch.optim.AdamW(m.parameters(), lr=3e-3, weight_decay=0.01)
    for step in range(60):
        i = (step * 32) % 256
        logits = m(seqs[i:i + 32])
        loss = F.cross_entropy(logits.reshape(-1, 10), targets[i:i + 32].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
        opt.step()
        if step % 20 == 0 or step == 59:
            print(f"{kind} step {step} loss {loss.item():.5f}")
    with torch.no_grad():
        acc = (m(seqs).argmax(-1) == targets).float().mean().item()
    print(f"{kind} reversal accuracy {acc:.4f} params {sum(p.numel() for p in m.parameters())}")
