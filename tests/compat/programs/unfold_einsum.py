"""Convolution and attention written by hand with unfold and einsum, as blog
posts explain them: conv2d as F.unfold + matmul (with stride, padding and
dilation) checked against F.conv2d, F.fold as its adjoint (overlap counts),
Tensor.unfold sliding windows for a 1-d moving average and local attention,
as_strided windows, einsum in its many spellings (batched matmul, ellipsis,
bilinear forms, traces, outer products, the sublist form), multi-head
self-attention from einsum with a causal mask against
F.scaled_dot_product_attention, and a patch-embedding layer trained a few
steps. Fixed inputs and weights: every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def fixed(*shape, phase=0.7, dtype=torch.float32):
    n = 1
    for s in shape:
        n *= s
    return torch.sin(torch.arange(n, dtype=dtype) * phase + 0.3).reshape(shape)


def conv2d_unfold(x, weight, bias=None, stride=1, padding=0, dilation=1):
    n, c, h, w = x.shape
    oc, _, kh, kw = weight.shape
    cols = F.unfold(x, (kh, kw), dilation=dilation, padding=padding, stride=stride)  # (n, c*kh*kw, L)
    out = weight.view(oc, -1) @ cols
    oh = (h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1
    ow = (w + 2 * padding - dilation * (kw - 1) - 1) // stride + 1
    out = out.view(n, oc, oh, ow)
    if bias is not None:
        out = out + bias.view(1, -1, 1, 1)
    return out


x = fixed(2, 3, 9, 9)
weight = fixed(4, 3, 3, 3, phase=1.1)
bias = fixed(4, phase=0.2)
for stride, padding, dilation in [(1, 0, 1), (2, 1, 1), (1, 2, 2)]:
    ours = conv2d_unfold(x, weight, bias, stride, padding, dilation)
    ref = F.conv2d(x, weight, bias, stride=stride, padding=padding, dilation=dilation)
    print(f"conv s{stride} p{padding} d{dilation}", tuple(ours.shape), torch.allclose(ours, ref, atol=1e-5),
          round(ours.sum().item(), 4))

cols = F.unfold(x, kernel_size=3, stride=2)
print("unfold", tuple(cols.shape))
counts = F.fold(F.unfold(torch.ones(1, 1, 6, 6), 3, stride=1), (6, 6), 3, stride=1)
print("fold overlap counts", counts[0, 0, 0].tolist(), counts[0, 0, 2].tolist())
patches = F.unfold(x, kernel_size=3, stride=3)
print("fold non-overlapping roundtrip", torch.equal(F.fold(patches, (9, 9), 3, stride=3), x))

series = torch.arange(10, dtype=torch.float32) ** 1.5
windows = series.unfold(0, 4, 2)
print("windows", tuple(windows.shape), [round(v, 4) for v in windows.mean(-1).tolist()])
img = fixed(1, 1, 6, 6)
tiles = img.unfold(2, 3, 3).unfold(3, 3, 3)
print("tiles", tuple(tiles.shape), round(tiles.sum(dim=(-1, -2)).sum().item(), 5))
strided = series.as_strided((4, 3), (2, 1))
print("as_strided", strided.tolist())

A = fixed(2, 3, 4)
B = fixed(2, 4, 5, phase=0.4)
print("bmm einsum", torch.allclose(torch.einsum("bij,bjk->bik", A, B), A @ B))
print("ellipsis", tuple(torch.einsum("...ij,...jk", A, B).shape), torch.allclose(torch.einsum("...ij,...jk", A, B), A @ B))
M = fixed(4, 4, phase=0.9)
print("trace", round(torch.einsum("ii", M).item(), 5), "diag", [round(v, 5) for v in torch.einsum("ii->i", M).tolist()])
u, v = fixed(3), fixed(4, phase=1.9)
print("outer", torch.equal(torch.einsum("i,j->ij", u, v), torch.outer(u, v)))
W = fixed(5, 3, 4, phase=0.33)
bil = torch.einsum("bi,kij,bj->bk", fixed(2, 3), W, fixed(2, 4, phase=0.8))
ref = F.bilinear(fixed(2, 3), fixed(2, 4, phase=0.8), W)
print("bilinear", torch.allclose(bil, ref, atol=1e-6), [round(t, 5) for t in bil[0].tolist()])
print("sublist", torch.allclose(torch.einsum(A, [0, 1, 2], B, [0, 2, 3], [0, 1, 3]), A @ B))
print("transpose sum", tuple(torch.einsum("bij->ji", A).shape), round(torch.einsum("bij->", A).item(), 5))


class EinsumAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3, bias=False)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, causal=True):
        b, t, d = x.shape
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        q, k, v = (z.reshape(b, t, self.heads, d // self.heads) for z in (q, k, v))
        scores = torch.einsum("bqhd,bkhd->bhqk", q, k) / (d // self.heads) ** 0.5
        if causal:
            mask = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)
            scores = scores.masked_fill(mask, float("-inf"))
        att = scores.softmax(dim=-1)
        out = torch.einsum("bhqk,bkhd->bqhd", att, v).reshape(b, t, d)
        return self.proj(out), att


torch.manual_seed(0)
attn = EinsumAttention(8, 2)
seq = fixed(2, 5, 8, phase=0.21)
out, att = attn(seq)
q, k, v = attn.qkv(seq).chunk(3, dim=-1)
split = lambda z: z.view(2, 5, 2, 4).transpose(1, 2)  # noqa: E731
ref = F.scaled_dot_product_attention(split(q), split(k), split(v), is_causal=True).transpose(1, 2).reshape(2, 5, 8)
print("einsum attention == sdpa", torch.allclose(out, attn.proj(ref), atol=1e-6), round(out.sum().item(), 5))
print("row sums", [round(r, 5) for r in att[0, 0].sum(-1).tolist()], "upper zero", att[0, 0].triu(1).abs().sum().item())


class PatchEmbed(nn.Module):
    def __init__(self, patch=3, chans=3, dim=8):
        super().__init__()
        self.patch = patch
        self.proj = nn.Linear(chans * patch * patch, dim)

    def forward(self, x):
        p = F.unfold(x, self.patch, stride=self.patch).transpose(1, 2)
        return self.proj(p)


model = nn.Sequential(PatchEmbed(), nn.GELU(), nn.Flatten(), nn.Linear(9 * 8, 2))
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
target = torch.tensor([0, 1])
for step in range(5):
    loss = F.cross_entropy(model(x), target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"patch step {step} | loss {loss.item():.6f} | grad {model[0].proj.weight.grad.norm().item():.6f}")
xg = x.clone().requires_grad_()
conv2d_unfold(xg, weight, stride=2, padding=1).square().sum().backward()
xr = x.clone().requires_grad_()
F.conv2d(xr, weight, stride=2, padding=1).square().sum().backward()
print("unfold grad == conv grad", torch.allclose(xg.grad, xr.grad, atol=1e-4), round(xg.grad.abs().sum().item(), 4))
