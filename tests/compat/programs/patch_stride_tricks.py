"""Sliding windows and patches the way blog posts on "stride tricks" write them: Tensor.unfold with
step < size, = size and > size, nested unfolds for 2-D patches, as_strided windows and a Toeplitz
matrix, stride()/storage_offset()/is_contiguous() of each view, F.unfold/F.fold with dilation, padding
and stride for im2col convolution (checked against conv2d), fold of overlapping patches divided by
the fold of ones (patch averaging), a 1-D moving average and median filter by unfold, max-pool by
unfold, and gradients flowing back through unfold and as_strided."""

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)

s = torch.arange(10.0)
for size, step in [(3, 1), (3, 3), (2, 4), (10, 1), (4, 2)]:
    w = s.unfold(0, size, step)
    print(f"unfold({size},{step})", tuple(w.shape), w.stride(), w.is_contiguous(), w[-1].tolist())
img = torch.arange(36.0).view(6, 6)
patches = img.unfold(0, 3, 2).unfold(1, 3, 2)
print("2-D patches", tuple(patches.shape), patches.stride(), patches[1, 1])
print("patch sums", patches.sum(dim=(-1, -2)))
x3 = torch.arange(24.0).view(2, 3, 4)
print("unfold last dim", x3.unfold(-1, 2, 1).shape, x3.unfold(1, 2, 1).stride(), x3.unfold(1, 2, 1)[1, 0])
print("unfold 0-d", torch.tensor(5.0).unfold(0, 1, 1))

win = s.as_strided((4, 3), (2, 1), 1)
print("as_strided", win, tuple(win.shape))
c = torch.tensor([1.0, 2.0, 3.0, 4.0])
pad = torch.cat([torch.zeros(3), c])
toeplitz = pad.flip(0).as_strided((4, 4), (1, 1)).flip(1)
print("toeplitz-ish", toeplitz)
print("as_strided of a view", x3[1].as_strided((2, 2), (4, 1), 2), x3.t().is_contiguous() if x3.dim() == 2 else x3.transpose(0, 2).is_contiguous())
print("view strides", x3.transpose(1, 2).stride(), x3[:, ::2].stride(), x3[..., 1:].storage_offset(),
      x3.permute(2, 0, 1).contiguous().stride())
print("expand stride", torch.ones(3, 1).expand(3, 4).stride(), torch.ones(3).expand(2, 3).stride())

# im2col convolution against conv2d
torch.manual_seed(1)
inp = torch.randn(2, 3, 7, 7)
weight = torch.randn(4, 3, 3, 3)
for kw in [dict(stride=1, padding=0, dilation=1), dict(stride=2, padding=1, dilation=1),
           dict(stride=1, padding=2, dilation=2), dict(stride=(2, 1), padding=(1, 0), dilation=(1, 2))]:
    cols = F.unfold(inp, 3, **kw)
    out_h = (7 + 2 * torch.tensor(kw["padding"]).expand(2) - torch.tensor(kw["dilation"]).expand(2) * 2 - 1) \
        // torch.tensor(kw["stride"]).expand(2) + 1
    out = (weight.view(4, -1) @ cols).view(2, 4, *out_h.tolist())
    ref = F.conv2d(inp, weight, **kw)
    print("im2col", kw, tuple(cols.shape), tuple(out.shape), f"{(out - ref).abs().max().item():.2e}" if (out - ref).abs().max() > 1e-5 else "match")

# patch averaging with fold (denoising by overlapping patches)
noisy = torch.arange(1.0, 26.0).view(1, 1, 5, 5)
cols = F.unfold(noisy, kernel_size=3, padding=1)
recon = F.fold(cols, output_size=(5, 5), kernel_size=3, padding=1)
counts = F.fold(torch.ones_like(cols), output_size=(5, 5), kernel_size=3, padding=1)
print("fold counts", counts[0, 0])
print("averaged == input", torch.allclose(recon / counts, noisy))
cols2 = F.unfold(noisy, kernel_size=2, dilation=2, stride=1)
print("dilated cols", tuple(cols2.shape), cols2[0, :, 0])
print("fold dilated", F.fold(cols2, (5, 5), kernel_size=2, dilation=2)[0, 0])
print("unfold 3-D input", F.unfold(torch.arange(16.0).view(1, 4, 4), 2, stride=2).shape)
print("fold 2-D input", F.fold(torch.ones(4, 4), (4, 4), 2, stride=2).shape)

# filters by unfold
sig = torch.tensor([1.0, 5.0, 2.0, 8.0, 3.0, 3.0, 9.0, 0.0])
print("moving average", sig.unfold(0, 3, 1).mean(-1))
print("median filter", F.pad(sig.view(1, 1, -1), (1, 1), mode="replicate").view(-1).unfold(0, 3, 1).median(-1).values)
mp = img.view(1, 1, 6, 6)
mine = mp.unfold(2, 2, 2).unfold(3, 2, 2).amax(dim=(-1, -2))
print("maxpool by unfold", torch.equal(mine, F.max_pool2d(mp, 2)), mine[0, 0])

# gradients through the views
a = torch.arange(6.0, requires_grad=True)
a.unfold(0, 3, 1).pow(2).sum().backward()
print("unfold grad", a.grad)
b = torch.arange(6.0, requires_grad=True)
(b.as_strided((3, 2), (1, 2)) * torch.tensor([[1.0, 10.0], [100.0, 1000.0], [1e4, 1e5]])).sum().backward()
print("as_strided grad", b.grad)
cimg = torch.randn(1, 2, 4, 4, requires_grad=True)
F.fold(F.unfold(cimg, 2, stride=1), (4, 4), 2, stride=1).sum().backward()
print("fold(unfold) grad", cimg.grad[0, 0])
