"""Image-model building blocks as segmentation / GAN / super-resolution notebooks use them, on fixed
inputs: ConvTranspose2d (stride, output_padding, groups, dilation, output_size=), Upsample /
F.interpolate (nearest, nearest-exact, bilinear and bicubic with and without align_corners,
scale_factor with recompute_scale_factor, antialias downscaling, area), PixelShuffle / PixelUnshuffle,
MaxPool2d(return_indices) with MaxUnpool2d, AvgPool2d (divisor_override, ceil_mode), FractionalMaxPool
left out (random); AdaptiveAvgPool2d / AdaptiveMaxPool2d to odd sizes and None, LPPool2d, Fold / Unfold,
GroupNorm / InstanceNorm2d / LocalResponseNorm, the padding modules, Conv2d with padding='same' and
dilation, grouped and depthwise conv, Dropout2d in eval, ChannelShuffle; then a tiny U-Net trained for a
few steps on a fixed segmentation target with BCEWithLogitsLoss and a Dice score."""

import torch
import torch.nn as nn
import torch.nn.functional as F


def fixed_(module, scale=0.25):
    """Overwrite every parameter with a deterministic pattern so both frameworks start alike."""
    with torch.no_grad():
        for i, p in enumerate(module.parameters()):
            p.copy_((torch.sin(torch.arange(p.numel(), dtype=torch.float32) * 0.53 + i) * scale).reshape(p.shape))
    return module


def show(name, t):
    print(f"{name:30s} {tuple(t.shape)} sq {t.pow(2).sum().item():.6f} abs {t.abs().sum().item():.6f}")


x = torch.sin(torch.arange(2 * 4 * 6 * 6, dtype=torch.float32).reshape(2, 4, 6, 6) * 0.37)
show("convT s2", fixed_(nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1))(x))
show("convT output_padding", fixed_(nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1))(x))
show("convT groups dilation", fixed_(nn.ConvTranspose2d(4, 2, (2, 3), stride=(1, 2), groups=2, dilation=2))(x))
show("convT output_size", fixed_(nn.ConvTranspose2d(4, 2, 4, stride=2, padding=1))(x, output_size=(13, 13)))
show("conv same dilated", fixed_(nn.Conv2d(4, 2, 3, padding="same", dilation=2))(x))
show("conv grouped", fixed_(nn.Conv2d(4, 6, 3, groups=2, stride=2, padding=1))(x))
show("conv depthwise", fixed_(nn.Conv2d(4, 8, 3, groups=4, bias=False))(x))
show("conv reflect", fixed_(nn.Conv2d(4, 2, 3, padding=1, padding_mode="reflect"))(x))
for mode, kw in [("nearest", {}), ("nearest-exact", {}), ("bilinear", {"align_corners": False}),
                 ("bilinear", {"align_corners": True}), ("bicubic", {"align_corners": False}),
                 ("bicubic", {"align_corners": True})]:
    show(f"up {mode} {kw.get('align_corners', '')}", F.interpolate(x, scale_factor=2, mode=mode, **kw))
    show(f"size {mode} {kw.get('align_corners', '')}", F.interpolate(x, size=(9, 4), mode=mode, **kw))
show("scale 1.7 recompute", F.interpolate(x, scale_factor=1.7, mode="bilinear", recompute_scale_factor=True))
show("scale 1.7 no recompute", F.interpolate(x, scale_factor=1.7, mode="bilinear"))
show("antialias bilinear", F.interpolate(x, size=(3, 4), mode="bilinear", antialias=True))
show("antialias bicubic", F.interpolate(x, scale_factor=0.4, mode="bicubic", antialias=True))
show("antialias lanczos", F.interpolate(x, size=(4, 3), mode="lanczos", antialias=True))
show("area", F.interpolate(x, size=(4, 5), mode="area"))
show("Upsample module", nn.Upsample(scale_factor=(2, 1), mode="nearest")(x))
show("UpsamplingBilinear2d", nn.UpsamplingBilinear2d(scale_factor=2)(x))
show("UpsamplingNearest2d", nn.UpsamplingNearest2d(size=(7, 7))(x))
ps = nn.PixelShuffle(2)(x)
show("pixel shuffle", ps)
print("unshuffle inverts", torch.equal(nn.PixelUnshuffle(2)(ps), x))
pooled, idx = nn.MaxPool2d(2, return_indices=True)(x)
print("maxpool idx", idx[0, 0].tolist())
show("maxunpool", nn.MaxUnpool2d(2)(pooled, idx))
show("maxunpool output_size", nn.MaxUnpool2d(2, stride=2)(pooled, idx, output_size=(7, 7)))
show("maxpool ceil pad", nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)(x))
show("avgpool divisor", nn.AvgPool2d(2, divisor_override=3)(x))
show("avgpool ceil", nn.AvgPool2d(4, stride=3, ceil_mode=True, count_include_pad=False, padding=1)(x))
show("adaptive avg 4x5", nn.AdaptiveAvgPool2d((4, 5))(x))
show("adaptive avg None", nn.AdaptiveAvgPool2d((None, 3))(x))
show("adaptive max 4", nn.AdaptiveMaxPool2d(4)(x))
show("lppool", nn.LPPool2d(1.5, 2)(x.abs() + 0.1))
cols = F.unfold(x, kernel_size=3, padding=1, stride=2)
show("unfold", cols)
show("fold back", F.fold(cols, (6, 6), kernel_size=3, padding=1, stride=2))
show("groupnorm", fixed_(nn.GroupNorm(2, 4))(x))
show("instancenorm2d", nn.InstanceNorm2d(4, affine=False)(x))
show("local response norm", nn.LocalResponseNorm(3, alpha=1e-2, beta=0.75, k=2.0)(x))
show("zeropad", nn.ZeroPad2d((1, 2, 0, 1))(x))
show("reflect pad", nn.ReflectionPad2d(2)(x))
show("replicate pad", nn.ReplicationPad2d((0, 1, 2, 3))(x))
show("circular pad", nn.CircularPad2d(1)(x))
show("constant pad", nn.ConstantPad2d((1, 0, 1, 0), 0.5)(x))
d2 = nn.Dropout2d(0.5).eval()
print("dropout2d eval", torch.equal(d2(x), x))
show("channel shuffle", nn.ChannelShuffle(2)(x))


class TinyUNet(nn.Module):
    """One down step and one up step with a skip connection, as the U-Net paper draws it."""

    def __init__(self, c=4):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(1, c, 3, padding=1), nn.GroupNorm(2, c), nn.ReLU())
        self.down = nn.Sequential(nn.MaxPool2d(2), nn.Conv2d(c, 2 * c, 3, padding=1), nn.ReLU())
        self.up = nn.ConvTranspose2d(2 * c, c, 2, stride=2)
        self.dec = nn.Sequential(nn.Conv2d(2 * c, c, 3, padding=1), nn.ReLU(), nn.Conv2d(c, 1, 1))

    def forward(self, x):
        e = self.enc(x)
        d = self.up(self.down(e))
        return self.dec(torch.cat([e, d], dim=1))


def dice(logits, target, eps=1e-6):
    pred = (torch.sigmoid(logits) > 0.5).float()
    inter = (pred * target).sum(dim=(1, 2, 3))
    return ((2 * inter + eps) / (pred.sum(dim=(1, 2, 3)) + target.sum(dim=(1, 2, 3)) + eps)).mean()


yy, xx = torch.meshgrid(torch.arange(8.0), torch.arange(8.0), indexing="ij")
images, masks = [], []
for k in range(4):
    cy, cx, r = 2 + k % 3, 3 + k % 2, 1.5 + 0.5 * k
    mask = (((yy - cy) ** 2 + (xx - cx) ** 2) <= r * r).float()
    images.append(mask * 0.8 + 0.1 * torch.cos(xx * (k + 1)))
    masks.append(mask)
imgs, tgts = torch.stack(images).unsqueeze(1), torch.stack(masks).unsqueeze(1)
net = fixed_(TinyUNet())
opt = torch.optim.Adam(net.parameters(), lr=0.05)
crit = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0]))
for step in range(15):
    opt.zero_grad()
    out = net(imgs)
    loss = crit(out, tgts)
    loss.backward()
    opt.step()
    if step % 3 == 0 or step == 14:
        print(f"unet step {step} | loss {loss.item():.6f} | dice {dice(out, tgts).item():.6f}")
