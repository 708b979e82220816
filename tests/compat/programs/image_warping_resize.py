"""Image warping and resizing as an augmentation / registration notebook does it: grid_sample
with every mode x padding_mode x align_corners, affine_grid in 2-d and 3-d, gradients with respect
to the grid (registration by gradient descent on an affine theta), F.interpolate in every mode
(antialias, recompute_scale_factor, non-integer scales), and Upsample modules."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.set_printoptions(precision=4, sci_mode=False)

img = (torch.arange(2 * 5 * 6, dtype=torch.float32).reshape(1, 2, 5, 6) / 10).sin()
theta = torch.tensor([[[0.9, -0.2, 0.15], [0.3, 1.1, -0.1]]])
for align in [False, True]:
    grid = F.affine_grid(theta, (1, 2, 4, 5), align_corners=align)
    print("grid", align, grid[0, 0, :3].flatten().tolist() and [round(v, 5) for v in grid[0, 0, :3].flatten().tolist()])
    for mode in ["bilinear", "nearest", "bicubic"]:
        for pad in ["zeros", "border", "reflection"]:
            out = F.grid_sample(img, grid * 1.4, mode=mode, padding_mode=pad, align_corners=align)
            print(f"{mode:8s} {pad:10s} align={align!s:5s} sum {out.sum().item():.5f} corner {out[0, 1, -1, -1].item():.5f}")

vol = torch.linspace(-1, 1, 2 * 3 * 4 * 5).reshape(1, 2, 3, 4, 5)
theta3 = torch.tensor([[[1.0, 0.1, 0.0, 0.05], [0.0, 0.9, 0.2, 0.0], [0.1, 0.0, 1.1, -0.1]]])
g3 = F.affine_grid(theta3, (1, 2, 3, 3, 4), align_corners=False)
print("3d grid", tuple(g3.shape), [round(v, 5) for v in g3[0, 1, 2, 3].tolist()])
for mode in ["bilinear", "nearest"]:
    for pad in ["zeros", "border", "reflection"]:
        o3 = F.grid_sample(vol, g3 * 1.2, mode=mode, padding_mode=pad, align_corners=False)
        print(f"3d {mode} {pad} {o3.sum().item():.5f}")

target = F.grid_sample(img, F.affine_grid(torch.tensor([[[1.0, 0.0, 0.2], [0.0, 1.0, -0.1]]]), img.shape,
                                          align_corners=False), padding_mode="border", align_corners=False)
th = torch.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]], requires_grad=True)
opt = torch.optim.Adam([th], lr=0.02)
for step in range(30):
    opt.zero_grad()
    warped = F.grid_sample(img, F.affine_grid(th, img.shape, align_corners=False), padding_mode="border",
                           align_corners=False)
    loss = F.mse_loss(warped, target)
    loss.backward()
    opt.step()
    if step % 10 == 9:
        print(f"registration step {step + 1} | loss {loss.item():.6f} | tx {th[0, 0, 2].item():.5f} ty {th[0, 1, 2].item():.5f}")

src = img.clone().requires_grad_(True)
grid = (F.affine_grid(theta, (1, 2, 4, 5), align_corners=True) * 1.3).requires_grad_(True)
for mode in ["bilinear", "bicubic", "nearest"]:
    src.grad = None
    grid.grad = None
    F.grid_sample(src, grid, mode=mode, padding_mode="reflection", align_corners=True).pow(2).sum().backward()
    gg = grid.grad.abs().sum().item() if grid.grad is not None else 0.0
    print(f"grads {mode} input {src.grad.abs().sum().item():.5f} grid {gg:.5f}")

small = torch.arange(16.0).reshape(1, 1, 4, 4)
for mode, kw in [("nearest", {}), ("nearest-exact", {}), ("bilinear", {"align_corners": False}),
                 ("bilinear", {"align_corners": True}), ("bicubic", {"align_corners": False}),
                 ("bicubic", {"align_corners": True}), ("area", {})]:
    up = F.interpolate(small, scale_factor=1.75, mode=mode, **kw)
    down = F.interpolate(small, size=(3, 2), mode=mode, **kw)
    print(f"{mode:13s} {kw} up {tuple(up.shape)} {up[0, 0, 1].tolist()[:4]} down {down.flatten().tolist()}")
big = (torch.arange(12 * 12, dtype=torch.float32).reshape(1, 1, 12, 12) / 7).cos()
for mode in ["bilinear", "bicubic"]:
    aa = F.interpolate(big, size=(5, 4), mode=mode, antialias=True, align_corners=False)
    plain = F.interpolate(big, size=(5, 4), mode=mode, antialias=False, align_corners=False)
    print(f"antialias {mode}", [round(v, 5) for v in aa[0, 0, 2].tolist()], [round(v, 5) for v in plain[0, 0, 2].tolist()])
rec = F.interpolate(small, scale_factor=1.3, mode="bilinear", recompute_scale_factor=True)
norec = F.interpolate(small, scale_factor=1.3, mode="bilinear")
print("recompute", tuple(rec.shape), rec[0, 0, 2].tolist()[:3], norec[0, 0, 2].tolist()[:3])
seq = torch.arange(10.0).reshape(1, 1, 10)
print("1d linear", F.interpolate(seq, size=4, mode="linear").flatten().tolist(),
      F.interpolate(seq, scale_factor=0.35, mode="nearest").flatten().tolist())
print("1d area", F.interpolate(seq, size=3, mode="area").flatten().tolist())
print(nn.Upsample(scale_factor=(2, 1.5), mode="bicubic", align_corners=True)(small).shape,
      nn.Upsample(size=7, mode="nearest-exact")(small)[0, 0, 3].tolist())
s2 = small.clone().requires_grad_(True)
(F.interpolate(s2, scale_factor=1.5, mode="bicubic", align_corners=False).sum()
 + F.interpolate(s2, size=(3, 3), mode="area").pow(2).sum()
 + F.interpolate(s2, size=(2, 3), mode="bilinear", antialias=True).pow(2).sum()).backward()
print("interp grads", s2.grad)
angle = math.radians(30)
rot = torch.tensor([[[math.cos(angle), -math.sin(angle), 0.0], [math.sin(angle), math.cos(angle), 0.0]]])
rotated = F.grid_sample(small, F.affine_grid(rot, small.shape, align_corners=False), align_corners=False)
print("rotated", rotated)
