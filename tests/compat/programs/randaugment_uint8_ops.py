"""RandAugment / AutoAugment image operations written on uint8 tensors the way torchvision's
functional_tensor.py writes them (no torchvision): _blend with clamp(0, bound).to(uint8), brightness,
contrast by the grayscale mean (rgb_to_grayscale weights, mean over dims), saturation, sharpness by a 3x3
smoothing conv2d with the border kept, posterize by bitwise_and with a mask, solarize by torch.where,
autocontrast by per-channel amin/amax with an eq() fallback, equalize by torch.histc-style bincount,
cumsum, lookup via gather, invert by 255 - img, affine ops (rotate/shear/translate) by affine_grid and
grid_sample(mode='nearest') with a fill, uint8 arithmetic wrapping, true_divide/floor_divide/
remainder on integers, round-half-to-even; then RandAugment's op sampling with torch.randint and a
magnitude table from torch.linspace, TrivialAugment's random magnitude, and a tiny classifier trained
on digits augmented this way."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.set_num_threads(1)
torch.manual_seed(0)

X, y = digits()
imgs = torch.tensor(X * 15, dtype=torch.uint8).view(-1, 1, 8, 8).repeat(1, 3, 1, 1)
imgs[:, 1] = (imgs[:, 1].float() * 0.7).to(torch.uint8)
imgs[:, 2] = 255 - imgs[:, 2]
y = torch.tensor(y)
print("imgs", tuple(imgs.shape), imgs.dtype, "max", imgs.max().item(), "mean", f"{imgs.float().mean().item():.4f}")

a = torch.tensor([250, 3, 128], dtype=torch.uint8)
b = torch.tensor([10, 5, 128], dtype=torch.uint8)
print("uint8 wrap add", (a + b).tolist(), "sub", (b - a).tolist(), "mul", (a * 2).tolist())
print("uint8 + int", (a + 10).dtype, "uint8 * float", (a * 0.5).dtype, (a * 0.5).tolist())
print("true_divide", (a / b).tolist(), "floor_divide", (a // b).tolist(), "remainder", (a % b).tolist())
print("neg int floor_divide", (torch.tensor([-7, 7, -1]) // 2).tolist(), "remainder", (torch.tensor([-7, 7, -1]) % 3).tolist(),
      "fmod", torch.fmod(torch.tensor([-7, 7, -1]), 3).tolist())
print("round half even", torch.round(torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, 2.675])).tolist(),
      "decimals", torch.round(torch.tensor([2.675, 1.005]), decimals=2).tolist())
print("float->uint8 truncation", torch.tensor([1.9, 254.7, 0.2]).to(torch.uint8).tolist())
print("bitwise", torch.bitwise_and(a, 0xF0).tolist(), (a >> 2).tolist(), (b << 1).tolist(), (~a).tolist(), (a ^ b).tolist())


def _blend(img1, img2, ratio):
    ratio = float(ratio)
    bound = 255.0
    return (ratio * img1 + (1.0 - ratio) * img2).clamp(0, bound).to(img1.dtype)


def rgb_to_grayscale(img, num_output_channels=1):
    r, g, b = img.unbind(dim=-3)
    l_img = (0.2989 * r + 0.587 * g + 0.114 * b).to(img.dtype)
    l_img = l_img.unsqueeze(dim=-3)
    if num_output_channels == 3:
        return l_img.expand(img.shape)
    return l_img


def adjust_brightness(img, f):
    return _blend(img, torch.zeros_like(img), f)


def adjust_contrast(img, f):
    mean = torch.mean(rgb_to_grayscale(img).to(torch.float32), dim=(-3, -2, -1), keepdim=True)
    return _blend(img, mean, f)


def adjust_saturation(img, f):
    return _blend(img, rgb_to_grayscale(img), f)


def adjust_sharpness(img, f):
    kernel = torch.ones((3, 3), dtype=torch.float32)
    kernel[1, 1] = 5.0
    kernel /= kernel.sum()
    kernel = kernel.expand(img.shape[-3], 1, 3, 3)
    degenerate = F.conv2d(img.to(torch.float32), kernel, groups=img.shape[-3])
    degenerate = torch.round(degenerate).to(img.dtype)
    result = img.clone()
    result[..., 1:-1, 1:-1] = degenerate
    return _blend(img, result, f)


def posterize(img, bits):
    mask = -int(2 ** (8 - bits))
    return img & mask


def solarize(img, threshold):
    return torch.where(img >= threshold, 255 - img, img)


def autocontrast(img):
    bound = 255.0
    minimum = img.amin(dim=(-2, -1), keepdim=True).to(torch.float32)
    maximum = img.amax(dim=(-2, -1), keepdim=True).to(torch.float32)
    scale = bound / (maximum - minimum)
    eq_idxs = torch.isfinite(scale).logical_not()
    minimum[eq_idxs] = 0
    scale[eq_idxs] = 1
    return ((img - minimum) * scale).clamp(0, bound).to(img.dtype)


def _equalize_single_image(img_chan):
    hist = torch.bincount(img_chan.reshape(-1), minlength=256)
    nonzero_hist = hist[hist != 0]
    step = torch.div(nonzero_hist[:-1].sum(), 255, rounding_mode="floor")
    if step == 0:
        return img_chan
    lut = torch.div(torch.cumsum(hist, 0) + torch.div(step, 2, rounding_mode="floor"), step, rounding_mode="floor")
    lut = F.pad(lut, [1, 0])[:-1].clamp(0, 255)
    return lut[img_chan.to(torch.int64)].to(torch.uint8)


def equalize(img):
    return torch.stack([_equalize_single_image(img[c]) for c in range(img.size(0))])


def affine(img, angle=0.0, shear=0.0, translate=(0, 0), fill=0.0):
    rot = math.radians(angle)
    sx = math.radians(shear)
    theta = torch.tensor([[math.cos(rot), -math.sin(rot + sx), 2 * translate[0] / img.shape[-1]],
                          [math.sin(rot), math.cos(rot + sx), 2 * translate[1] / img.shape[-2]]], dtype=torch.float32)
    grid = F.affine_grid(theta[None], [1, *img.shape], align_corners=False)
    x = img[None].to(torch.float32)
    mask = torch.ones_like(x[:, :1])
    out = F.grid_sample(torch.cat([x, mask], 1), grid, mode="nearest", padding_mode="zeros", align_corners=False)
    out, m = out[:, :-1], out[:, -1:]
    out = out * m + (1.0 - m) * fill
    return out[0].round().to(img.dtype)


img = imgs[0]
for name, out in [("brightness", adjust_brightness(img, 1.8)), ("contrast", adjust_contrast(img, 0.3)),
                  ("saturation", adjust_saturation(img, 0.0)), ("sharpness", adjust_sharpness(img, 2.0)),
                  ("posterize", posterize(img, 3)), ("solarize", solarize(img, 128)),
                  ("autocontrast", autocontrast(img)), ("equalize", equalize(img)), ("invert", 255 - img),
                  ("rotate", affine(img, angle=30.0, fill=128.0)), ("shear", affine(img, shear=20.0)),
                  ("translate", affine(img, translate=(2, -1)))]:
    print(f"{name:12s} {out.dtype} sum {int(out.long().sum())} row3 {out[0, 3].tolist()} ch2 mean {out[2].float().mean().item():.4f}")
flat = torch.full((3, 8, 8), 7, dtype=torch.uint8)
print("autocontrast of a flat image", autocontrast(flat)[0, 0, :3].tolist(), "equalize", equalize(flat)[0, 0, :3].tolist())

NUM_BINS = 11
space = {
    "Identity": (torch.tensor(0.0), False),
    "Brightness": (torch.linspace(0.0, 0.9, NUM_BINS), True),
    "Contrast": (torch.linspace(0.0, 0.9, NUM_BINS), True),
    "Sharpness": (torch.linspace(0.0, 0.9, NUM_BINS), True),
    "Posterize": (8 - (torch.arange(NUM_BINS) / ((NUM_BINS - 1) / 4)).round().int(), False),
    "Solarize": (torch.linspace(255.0, 0.0, NUM_BINS), False),
    "AutoContrast": (torch.tensor(0.0), False),
    "Equalize": (torch.tensor(0.0), False),
    "Rotate": (torch.linspace(0.0, 30.0, NUM_BINS), True),
    "TranslateX": (torch.linspace(0.0, 2.0, NUM_BINS), True),
}
print("posterize bits", space["Posterize"][0].tolist(), space["Posterize"][0].dtype)


def apply_op(img, op_name, magnitude):
    if op_name == "Brightness":
        return adjust_brightness(img, 1.0 + magnitude)
    if op_name == "Contrast":
        return adjust_contrast(img, 1.0 + magnitude)
    if op_name == "Sharpness":
        return adjust_sharpness(img, 1.0 + magnitude)
    if op_name == "Posterize":
        return posterize(img, int(magnitude))
    if op_name == "Solarize":
        return solarize(img, magnitude)
    if op_name == "AutoContrast":
        return autocontrast(img)
    if op_name == "Equalize":
        return equalize(img)
    if op_name == "Rotate":
        return affine(img, angle=magnitude)
    if op_name == "TranslateX":
        return affine(img, translate=(int(round(magnitude)), 0))
    return img


def rand_augment(img, num_ops=2, magnitude=6):
    for _ in range(num_ops):
        op_index = int(torch.randint(len(space), (1,)).item())
        op_name = list(space.keys())[op_index]
        magnitudes, signed = space[op_name]
        mag = float(magnitudes[magnitude].item()) if magnitudes.ndim > 0 else 0.0
        if signed and torch.randint(2, (1,)):
            mag *= -1.0
        img = apply_op(img, op_name, mag)
    return img


def trivial_augment(img):
    op_index = int(torch.randint(len(space), (1,)).item())
    op_name = list(space.keys())[op_index]
    magnitudes, signed = space[op_name]
    mag = float(magnitudes[torch.randint(len(magnitudes), (1,), dtype=torch.long)].item()) if magnitudes.ndim > 0 else 0.0
    if signed and torch.randint(2, (1,)):
        mag *= -1.0
    return apply_op(img, op_name, mag), op_name


torch.manual_seed(1)
ops_seen = [trivial_augment(imgs[i])[1] for i in range(12)]
print("trivial ops", ops_seen)
model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 64, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
for epoch in range(2):
    for i in range(0, 400, 40):
        batch = torch.stack([rand_augment(im) for im in imgs[i:i + 40]])
        x = batch.float() / 255.0
        loss = F.cross_entropy(model(x), y[i:i + 40])
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"epoch {epoch} loss {loss.item():.5f} batch checksum {int(batch.long().sum())}")
with torch.no_grad():
    acc = (model(imgs[1400:].float() / 255.0).argmax(1) == y[1400:]).float().mean().item()
print(f"test accuracy {acc:.4f}")
