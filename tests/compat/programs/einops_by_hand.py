"""einops-style rearranges written by hand, as ViT / Swin / PixelShuffle code does without the einops
package: patchify (b c (h p1) (w p2) -> b (h w) (p1 p2 c)) with view/permute and with unfold, the inverse,
window partition and reverse, head split/merge for attention, space-to-depth and pixel_(un)shuffle,
einsum in many spellings (ellipsis, batch matmul, bilinear, trace, outer, diagonal), movedim, flatten /
unflatten, tensor_split, stack/unbind round trips; every rearrangement checked against another route and
a gradient pushed through."""

import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_printoptions(precision=4)

B, C, H, W, P = 2, 3, 8, 8, 4
img = torch.randn(B, C, H, W, requires_grad=True)


def patchify(x, p):
    b, c, h, w = x.shape
    x = x.view(b, c, h // p, p, w // p, p)
    x = x.permute(0, 2, 4, 3, 5, 1)  # b h w p1 p2 c
    return x.reshape(b, (h // p) * (w // p), p * p * c)


def unpatchify(t, p, c, h, w):
    b = t.shape[0]
    t = t.view(b, h // p, w // p, p, p, c).permute(0, 5, 1, 3, 2, 4)
    return t.reshape(b, c, h, w)


patches = patchify(img, P)
print("patches", tuple(patches.shape), patches[0, 1, :5])
via_unfold = F.unfold(img, kernel_size=P, stride=P)  # b (c p1 p2) L
via_unfold = via_unfold.view(B, C, P, P, -1).permute(0, 4, 2, 3, 1).reshape(B, -1, P * P * C)
print("unfold route agrees", torch.equal(patches, via_unfold))
print("round trip", torch.equal(unpatchify(patches, P, C, H, W), img))
(patches * torch.arange(patches.shape[-1]).float()).sum().backward()
print("grad of patchify", img.grad[0, :, 0, :4])


def window_partition(x, ws):  # x: b h w c
    b, h, w, c = x.shape
    x = x.view(b, h // ws, ws, w // ws, ws, c).permute(0, 1, 3, 2, 4, 5).contiguous()
    return x.view(-1, ws, ws, c)


def window_reverse(win, ws, h, w):
    b = win.shape[0] // ((h // ws) * (w // ws))
    x = win.view(b, h // ws, w // ws, ws, ws, -1).permute(0, 1, 3, 2, 4, 5).contiguous()
    return x.view(b, h, w, -1)


xhw = img.detach().permute(0, 2, 3, 1)
wins = window_partition(xhw, 4)
print("windows", tuple(wins.shape), "reverse ok", torch.equal(window_reverse(wins, 4, H, W), xhw))
shifted = torch.roll(xhw, shifts=(-2, -2), dims=(1, 2))
print("shifted window corner", window_partition(shifted, 4)[0, 0, 0])

# heads: b n (h d) -> b h n d and back
N, D, NH = 5, 12, 3
tok = torch.randn(B, N, D)
heads = tok.view(B, N, NH, D // NH).transpose(1, 2)
print("heads", tuple(heads.shape), heads.is_contiguous())
merged = heads.transpose(1, 2).reshape(B, N, D)
print("merge ok", torch.equal(merged, tok))
q = k = heads
att = torch.einsum("bhnd,bhmd->bhnm", q, k) / (D // NH) ** 0.5
print("einsum attention matches matmul", torch.allclose(att, q @ k.transpose(-2, -1) / (D // NH) ** 0.5, atol=1e-6))
print("att row", att[0, 1, 2])

# space to depth and pixel (un)shuffle
s2d = img.detach().view(B, C, H // 2, 2, W // 2, 2).permute(0, 3, 5, 1, 2, 4).reshape(B, 4 * C, H // 2, W // 2)
pu = F.pixel_unshuffle(img.detach(), 2)
print("pixel_unshuffle channels", tuple(pu.shape), "same set per pixel", torch.allclose(s2d.sort(1).values, pu.sort(1).values))
print("shuffle inverts", torch.equal(F.pixel_shuffle(pu, 2), img.detach()))

# einsum spellings
a, b_ = torch.randn(3, 4), torch.randn(4, 5)
print("matmul", torch.allclose(torch.einsum("ij,jk->ik", a, b_), a @ b_, atol=1e-6))
print("ellipsis", torch.einsum("...ij,...jk", torch.randn(2, 3, 4), torch.randn(2, 4, 2)).shape)
sq = torch.randn(4, 4)
print("trace", abs(torch.einsum("ii", sq).item() - sq.trace().item()) < 1e-5, "diag", torch.equal(torch.einsum("ii->i", sq), sq.diagonal()))
print("outer", torch.einsum("i,j->ij", torch.arange(3.), torch.arange(2.)))
bil = torch.einsum("bn,anm,bm->ba", torch.randn(2, 3), torch.randn(4, 3, 5), torch.randn(2, 5))
print("bilinear", bil)
print("sublist form", torch.einsum(a, [0, 1], b_, [1, 2], [0, 2]).shape)
print("sum over", torch.einsum("bij->j", torch.ones(2, 3, 4)))

# movedim / flatten / unflatten / tensor_split / unbind
v = torch.arange(24).view(2, 3, 4)
print("movedim", torch.movedim(v, (0, 2), (2, 0)).shape, v.moveaxis(-1, 0).shape)
print("flatten", v.flatten(1).shape, v.flatten(0, 1).shape, "unflatten", v.flatten(1).unflatten(1, (3, 4)).equal(v))
print("tensor_split", [t.tolist() for t in torch.arange(7).tensor_split(3)], [t.shape for t in v.tensor_split([1, 3], dim=2)])
print("unbind/stack", torch.equal(torch.stack(v.unbind(1), dim=1), v), "chunk", [c.shape for c in v.chunk(2, dim=2)])
print("swapaxes", v.swapaxes(0, 2).shape, v.mT.shape, "view_as", torch.zeros(6, 4).view_as(v).shape)
