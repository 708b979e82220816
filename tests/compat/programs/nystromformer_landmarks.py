"""Nystromformer attention as its reference implementation writes it: landmarks as segment means of
queries and keys, the iterative Moore-Penrose pseudo-inverse (checked against torch.linalg.pinv), a
depthwise Conv2d residual over values, padding to a multiple of the landmark count; compared with full
softmax attention, then used in a tiny sequence classifier trained a few steps."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


def iterative_inv(mat, n_iter=6):
    I = torch.eye(mat.size(-1), device=mat.device)
    K = mat
    V = 1 / (torch.max(torch.sum(torch.abs(K), dim=-2)) * torch.max(torch.sum(torch.abs(K), dim=-1))) * K.transpose(-1, -2)
    for _ in range(n_iter):
        KV = torch.matmul(K, V)
        V = torch.matmul(0.25 * V, 13 * I - torch.matmul(KV, 15 * I - torch.matmul(KV, 7 * I - KV)))
    return V


class NystromAttention(nn.Module):
    def __init__(self, dim, heads=2, num_landmarks=4, pinv_iterations=6, residual=True, kernel=5):
        super().__init__()
        self.heads, self.m, self.iters = heads, num_landmarks, pinv_iterations
        self.dim_head = dim // heads
        self.scale = self.dim_head ** -0.5
        self.to_qkv = nn.Linear(dim, dim * 3, bias=False)
        self.to_out = nn.Linear(dim, dim)
        self.res_conv = nn.Conv2d(heads, heads, (kernel, 1), padding=(kernel // 2, 0), groups=heads, bias=False) if residual else None

    def forward(self, x, mask=None, return_attn=False):
        b, n, _ = x.shape
        h, m = self.heads, self.m
        remainder = n % m
        if remainder > 0:
            padding = m - remainder
            x = F.pad(x, (0, 0, padding, 0), value=0)
            if mask is not None:
                mask = F.pad(mask, (padding, 0), value=False)
        q, k, v = self.to_qkv(x).chunk(3, dim=-1)
        q, k, v = (t.reshape(b, -1, h, self.dim_head).transpose(1, 2) for t in (q, k, v))
        if mask is not None:
            q, k, v = (t.masked_fill(~mask[:, None, :, None], 0.0) for t in (q, k, v))
        q = q * self.scale
        l = math.ceil(x.shape[1] / m)
        q_land = q.reshape(b, h, m, l, self.dim_head).sum(dim=-2)
        k_land = k.reshape(b, h, m, l, self.dim_head).sum(dim=-2)
        divisor = l
        if mask is not None:
            divisor = mask.reshape(b, 1, m, l).sum(dim=-1)[..., None] + 1e-8
        q_land, k_land = q_land / divisor, k_land / divisor
        sim1 = q @ k_land.transpose(-1, -2)
        sim2 = q_land @ k_land.transpose(-1, -2)
        sim3 = q_land @ k.transpose(-1, -2)
        if mask is not None:
            mask_value = -torch.finfo(q.dtype).max
            sim3.masked_fill_(~mask[:, None, None, :], mask_value)
        attn1, attn2, attn3 = (t.softmax(dim=-1) for t in (sim1, sim2, sim3))
        attn2_inv = iterative_inv(attn2, self.iters)
        out = (attn1 @ attn2_inv) @ (attn3 @ v)
        if self.res_conv is not None:
            out = out + self.res_conv(v)
        out = out.transpose(1, 2).reshape(b, -1, h * self.dim_head)
        out = self.to_out(out)[:, -n:]
        if return_attn:
            return out, attn1 @ attn2_inv @ attn3
        return out


# the pseudo-inverse iteration against the SVD-based one
A = torch.softmax(torch.randn(2, 4, 4), -1)
it = iterative_inv(A, 6)
pinv = torch.linalg.pinv(A)
print("pinv err", f"{(it - pinv).abs().max().item():.6f}", "I err", f"{(A @ it - torch.eye(4)).abs().max().item():.6f}")
for n_iter in (1, 3, 6, 10):
    print(f"  iters {n_iter:2d} residual {torch.linalg.matrix_norm(A @ iterative_inv(A, n_iter) - torch.eye(4)).max().item():.6f}")

attn = NystromAttention(16, heads=2, num_landmarks=4, residual=False)
x = torch.randn(2, 16, 16)
out, approx = attn(x, return_attn=True)
q, k, v = attn.to_qkv(x).chunk(3, dim=-1)
q, k = (t.reshape(2, 16, 2, 8).transpose(1, 2) for t in (q, k))
full = (q @ k.transpose(-1, -2) * attn.scale).softmax(-1)
print("out", tuple(out.shape), "approx", tuple(approx.shape), f"approx err {(approx - full).abs().mean().item():.5f}")
print("approx rows sum", [round(s, 3) for s in approx.sum(-1)[0, 0, :4].tolist()])

# landmarks equal to tokens (m == n): Nystrom is exact up to the inverse
exact = NystromAttention(16, heads=2, num_landmarks=16, pinv_iterations=20, residual=False)
exact.to_qkv = attn.to_qkv
_, approx16 = exact(x, return_attn=True)
print("m=n close", (approx16 - full).abs().max().item() < 1e-3)


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(12, 16, padding_idx=0)
        self.attn = NystromAttention(16, heads=2, num_landmarks=4, kernel=3)
        self.norm = nn.LayerNorm(16)
        self.out = nn.Linear(16, 2)

    def forward(self, tokens):
        mask = tokens != 0
        h = self.emb(tokens)
        h = h + self.attn(self.norm(h), mask=mask)
        h = (h * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        return self.out(h)


lengths = torch.randint(5, 15, (64,))
tokens = torch.randint(1, 12, (64, 14))
tokens[torch.arange(14)[None] >= lengths[:, None]] = 0
target = ((tokens == 3).sum(1) > (tokens == 7).sum(1)).long()
model = Classifier()
print("res_conv", model.attn.res_conv, tuple(model.attn.res_conv.weight.shape))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
for step in range(30):
    logits = model(tokens)
    loss = F.cross_entropy(logits, target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 6 == 0 or step == 29:
        print(f"step {step:2d} loss {loss.item():.4f} acc {(logits.argmax(1) == target).float().mean().item():.3f}")
