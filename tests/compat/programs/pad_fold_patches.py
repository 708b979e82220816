"""Padding and patch extraction as image and sequence code writes it: F.pad in constant / reflect /
replicate / circular modes on 1-d, 2-d and 3-d inputs (asymmetric and negative pads, a value for
constant), nn.ZeroPad2d / ReflectionPad1d / ReplicationPad3d / CircularPad2d modules, their gradients,
F.unfold / F.fold with kernel, dilation, padding and stride (fold(unfold(x)) divided by the overlap
count), Tensor.unfold sliding windows for framing a signal, and a patch-based denoiser trained on
unfolded patches and folded back. Seeded."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

x1 = torch.arange(1.0, 6.0).view(1, 1, 5)
for mode in ("constant", "reflect", "replicate", "circular"):
    print(f"1d {mode:9s}", F.pad(x1, (2, 3), mode=mode).view(-1).tolist())
print("1d value", F.pad(x1, (1, 1), value=-1.0).view(-1).tolist())
print("1d negative", F.pad(x1, (-1, 2)).view(-1).tolist(), F.pad(x1, (1, -2), mode="replicate").view(-1).tolist())
x2 = torch.arange(12.0).view(1, 1, 3, 4)
for mode in ("constant", "reflect", "replicate", "circular"):
    print(f"2d {mode}\n", F.pad(x2, (1, 2, 2, 1), mode=mode)[0, 0])
print("2d unbatched", tuple(F.pad(torch.ones(2, 3, 4), (1, 1, 1, 1), mode="reflect").shape))
x3 = torch.arange(8.0).view(1, 1, 2, 2, 2)
for mode in ("replicate", "circular", "reflect"):
    print(f"3d {mode}", F.pad(x3, (1, 1, 1, 0, 0, 1), mode=mode).flatten()[:16].tolist())
print("constant any dims", tuple(F.pad(torch.ones(2, 3), (1, 2, 3, 4)).shape), F.pad(torch.ones(3), (0, 2), value=7).tolist())
mods = [nn.ZeroPad2d((1, 0, 2, 0)), nn.ReflectionPad1d(2), nn.ReplicationPad3d(1), nn.CircularPad2d(1),
        nn.ConstantPad1d((0, 3), 2.5), nn.ReflectionPad2d((1, 1, 0, 2)), nn.ZeroPad1d(1)]
for m in mods:
    inp = torch.randn(1, 2, 3, 3, 3) if "3d" in type(m).__name__ else torch.randn(1, 2, 4, 4) if "2d" in type(m).__name__ else torch.randn(1, 2, 4)
    print(m, tuple(m(inp).shape))

for mode in ("reflect", "replicate", "circular"):
    g = torch.arange(1.0, 6.0).view(1, 1, 5).requires_grad_()
    F.pad(g, (2, 3), mode=mode).mul(torch.arange(10.0)).sum().backward()
    print(f"grad {mode}", g.grad.view(-1).tolist())
g2 = torch.randn(1, 1, 3, 3, requires_grad=True)
F.pad(g2, (2, 2, 1, 1), mode="reflect").pow(2).sum().backward()
print("grad 2d reflect", [[round(v, 4) for v in r] for r in g2.grad[0, 0].tolist()])

img = torch.arange(32.0).view(1, 2, 4, 4)
cols = F.unfold(img, kernel_size=2, stride=2)
print("unfold k2 s2", tuple(cols.shape), cols[0, :, 0].tolist())
cols = F.unfold(img, kernel_size=(2, 3), dilation=(1, 1), padding=1, stride=(1, 2))
print("unfold k2x3 p1 s(1,2)", tuple(cols.shape), cols[0, :6, 1].tolist())
cols = F.unfold(img, kernel_size=2, dilation=2)
print("unfold dilation 2", tuple(cols.shape), cols[0, :4].tolist())
cols = F.unfold(img, kernel_size=3, padding=1)
back = F.fold(cols, output_size=(4, 4), kernel_size=3, padding=1)
count = F.fold(F.unfold(torch.ones_like(img), 3, padding=1), (4, 4), 3, padding=1)
print("fold counts", count[0, 0].tolist())
print("fold/unfold identity", torch.allclose(back / count, img))
print("fold stride", F.fold(torch.arange(8.0).view(1, 4, 2), (2, 4), kernel_size=2, stride=2)[0, 0].tolist())
uf = nn.Unfold(kernel_size=2, stride=1)
fo = nn.Fold(output_size=(3, 3), kernel_size=2)
print(uf, fo, tuple(fo(uf(torch.ones(1, 1, 3, 3))).shape), fo(uf(torch.ones(1, 1, 3, 3)))[0, 0].tolist())
sig = torch.arange(10.0)
frames = sig.unfold(0, 4, 3)
print("frames", frames.tolist(), frames.stride() if False else "")
print("2d windows", tuple(img.unfold(2, 2, 1).unfold(3, 2, 2).shape))
gi = torch.randn(1, 1, 4, 4, requires_grad=True)
F.unfold(gi, 2, stride=1).sum().backward()
print("unfold grad (overlap counts)", gi.grad[0, 0].tolist())

# patch denoiser: an MLP on 3x3 patches, folded back with overlap averaging
clean = torch.sin(torch.linspace(0, 3, 12)).view(1, 1, 1, 12) * torch.cos(torch.linspace(0, 2, 12)).view(1, 1, 12, 1)
noisy = clean + 0.2 * torch.randn(8, 1, 12, 12)
target = clean.expand(8, 1, 12, 12)
net = nn.Sequential(nn.Linear(9, 16), nn.Tanh(), nn.Linear(16, 9))
opt = torch.optim.Adam(net.parameters(), lr=0.01)
ones = F.fold(F.unfold(torch.ones(1, 1, 12, 12), 3, padding=1), (12, 12), 3, padding=1)
for step in range(40):
    patches = F.unfold(F.pad(noisy, (1, 1, 1, 1), mode="reflect"), 3).transpose(1, 2)
    out = net(patches).transpose(1, 2)
    rec = F.fold(out, (14, 14), 3)[..., 1:-1, 1:-1] / ones
    loss = F.mse_loss(rec, target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 9:
        print(f"denoise step {step + 1} mse {loss.item():.6f} noisy mse {F.mse_loss(noisy, target).item():.6f}")
