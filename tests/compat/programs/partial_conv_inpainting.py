"""Image inpainting with partial convolutions (Liu et al.), as NVIDIA's PartialConv2d layer writes it: a
subclass of nn.Conv2d annotated with torch.nn.common_types, the mask convolved with a ones kernel under
the grad_mode no_grad context, the renormalisation ratio slide_winsize / (mask_sum + eps) clamped by the
updated mask, the bias added back outside the ratio, a small encoder-decoder that carries the masks down
and up (nearest upsampling of the mask), the valid / hole L1 losses and a total-variation term, against
a plain-convolution network on the same holes."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd.grad_mode import no_grad
from torch.nn.common_types import _size_2_t
from torch.nn.modules.utils import _pair

torch.manual_seed(0)
torch.set_num_threads(1)


class PartialConv2d(nn.Conv2d):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: _size_2_t, stride: _size_2_t = 1,
                 padding: _size_2_t = 0, bias: bool = True):
        super().__init__(in_channels, out_channels, kernel_size, stride=stride, padding=padding, bias=bias)
        kh, kw = _pair(kernel_size)
        self.register_buffer("weight_maskUpdater", torch.ones(1, 1, kh, kw), persistent=False)
        self.slide_winsize = float(kh * kw)

    def forward(self, x, mask):
        with no_grad():
            update_mask = F.conv2d(mask, self.weight_maskUpdater, stride=self.stride, padding=self.padding)
            mask_ratio = self.slide_winsize / (update_mask + 1e-8)
            update_mask = torch.clamp(update_mask, 0, 1)
            mask_ratio = torch.mul(mask_ratio, update_mask)
        raw = super().forward(torch.mul(x, mask))
        if self.bias is not None:
            bias_view = self.bias.view(1, self.out_channels, 1, 1)
            out = torch.mul(raw - bias_view, mask_ratio) + bias_view
            out = torch.mul(out, update_mask)
        else:
            out = torch.mul(raw, mask_ratio)
        return out, update_mask


class PConvNet(nn.Module):
    def __init__(self, partial=True):
        super().__init__()
        self.partial = partial
        conv = PartialConv2d if partial else nn.Conv2d
        self.enc1 = conv(1, 8, 5, stride=2, padding=2)
        self.enc2 = conv(8, 16, 3, stride=2, padding=1)
        self.dec2 = conv(16 + 8, 8, 3, padding=1)
        self.dec1 = conv(8 + 1, 1, 3, padding=1)

    def run(self, layer, x, m):
        if self.partial:
            return layer(x, m)
        out = layer(x)
        return out, F.interpolate(m, size=out.shape[-2:], mode="nearest")

    def forward(self, x, m):
        h1, m1 = self.run(self.enc1, x, m)
        h1 = F.relu(h1)
        h2, m2 = self.run(self.enc2, h1, m1)
        h2 = F.relu(h2)
        up = F.interpolate(h2, scale_factor=2, mode="nearest")
        up_m = F.interpolate(m2, scale_factor=2, mode="nearest")
        d2, dm2 = self.run(self.dec2, torch.cat([up, h1], 1), torch.cat([up_m, m1], 1)[:, :1])
        d2 = F.leaky_relu(d2, 0.2)
        up = F.interpolate(d2, scale_factor=2, mode="nearest")
        up_m = F.interpolate(dm2, scale_factor=2, mode="nearest")
        out, _ = self.run(self.dec1, torch.cat([up, x], 1), torch.cat([up_m, m], 1)[:, :1])
        return out


def total_variation(img, hole):
    dil = F.max_pool2d(hole, 3, stride=1, padding=1)
    tv_h = ((img[:, :, 1:] - img[:, :, :-1]).abs() * dil[:, :, 1:]).mean()
    tv_w = ((img[:, :, :, 1:] - img[:, :, :, :-1]).abs() * dil[:, :, :, 1:]).mean()
    return tv_h + tv_w


gen = torch.Generator().manual_seed(0)
ys, xs = torch.meshgrid(torch.linspace(-1, 1, 16), torch.linspace(-1, 1, 16), indexing="ij")
freqs = torch.rand(24, 2, generator=gen) * 3 + 1
images = torch.stack([torch.sin(f[0] * xs) * torch.cos(f[1] * ys) for f in freqs]).unsqueeze(1)


def random_masks(n):
    m = torch.ones(n, 1, 16, 16)
    corners = torch.randint(2, 10, (n, 2), generator=gen)
    for i, (r, c) in enumerate(corners.tolist()):
        m[i, :, r: r + 5, c: c + 5] = 0
    return m


layer = PartialConv2d(1, 2, 3, padding=1)
m = random_masks(1)
out, new_mask = layer(images[:1], m)
print("layer", layer, "buffers in state_dict", [k for k in layer.state_dict()])
print("holes before", int((m == 0).sum()), "after one pconv", int((new_mask == 0).sum()),
      "out zero in holes", bool((out * (1 - new_mask)).abs().max() == 0), "mask grad", new_mask.requires_grad)

test_masks = random_masks(24)
for partial in (True, False):
    torch.manual_seed(1)
    model = PConvNet(partial)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(30):
        masks = random_masks(24)
        pred = model(images * masks, masks)
        hole = 1 - masks
        comp = masks * images + hole * pred
        loss_valid = F.l1_loss(masks * pred, masks * images)
        loss_hole = F.l1_loss(hole * pred, hole * images)
        loss = loss_valid + 6 * loss_hole + 0.1 * total_variation(comp, hole)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if epoch % 10 == 9:
            print(f"{'pconv' if partial else 'conv '} epoch {epoch + 1} | valid {loss_valid.item():.5f} | "
                  f"hole {loss_hole.item():.5f}")
    with torch.no_grad():
        pred = model(images * test_masks, test_masks)
        hole = 1 - test_masks
        err = ((pred - images).abs() * hole).sum() / hole.sum()
        print(f"{'pconv' if partial else 'conv '} test hole l1 {err.item():.5f}")
