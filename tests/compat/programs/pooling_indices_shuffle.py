"""Pooling with indices and its inverses, and the channel/pixel rearrangements of efficient
CNNs: max_pool1d/2d(return_indices) + max_unpool1d/2d (with output_size), adaptive_max_pool1d/2d
indices, lp_pool1d/2d, fractional_max_pool2d with fixed samples, avg_pool1d/2d ceil_mode,
channel_shuffle / ChannelShuffle, pixel_shuffle/pixel_unshuffle round trips, and gradients."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.set_printoptions(precision=4)

sig = torch.tensor([[[0.1, 0.9, 0.3, 0.3, -1.0, 2.0, 0.5, 0.4, 0.8]]])
v, i = F.max_pool1d(sig, 3, stride=2, padding=1, return_indices=True)
print("max_pool1d", v, i)
print("unpool1d", F.max_unpool1d(v, i, 3, stride=2, padding=1, output_size=[9]))
v2, i2 = F.max_pool1d_with_indices(sig, 2, dilation=2, ceil_mode=True)
print("dilated ceil", v2, i2)
print("adaptive_max_pool1d", F.adaptive_max_pool1d(sig, 4, return_indices=True))
print("adaptive_avg_pool1d", F.adaptive_avg_pool1d(sig, 4))
print("lp_pool1d", F.lp_pool1d(sig.abs(), 2, 3, stride=3), F.lp_pool1d(sig.abs(), 1.5, 2))
print("avg_pool1d", F.avg_pool1d(sig, 4, stride=3, ceil_mode=True), F.avg_pool1d(sig, 3, padding=1, count_include_pad=False))

img = torch.tensor([[[[1.0, 5.0, 2.0, 0.0, 3.0],
                      [4.0, -1.0, 7.0, 8.0, 1.0],
                      [0.5, 2.5, 6.0, 6.0, -2.0],
                      [9.0, 0.0, 1.0, 3.0, 4.0]]]])
pool = nn.MaxPool2d(2, stride=2, return_indices=True, ceil_mode=True)
print(pool)
pv, pi = pool(img)
print("maxpool2d", pv, pi)
unpool = nn.MaxUnpool2d(2, stride=2)
print(unpool)
print("unpool2d", unpool(pv[..., :2], pi[..., :2]))
print("unpool2d output_size", unpool(pv, pi, output_size=img.size()).shape)
am, ai = F.adaptive_max_pool2d(img, (2, 3), return_indices=True)
print("adaptive_max_pool2d", am, ai)
print(nn.AdaptiveMaxPool2d((3, None), return_indices=False)(img))
print("lp_pool2d", F.lp_pool2d(img.abs(), 2.0, (2, 2), stride=(1, 2)))
print(nn.LPPool2d(3, 2), nn.LPPool1d(2, 3, stride=1))
samples = torch.tensor([[[0.3, 0.7]]])
fv, fi = F.fractional_max_pool2d(img, 2, output_size=(3, 3), return_indices=True, _random_samples=samples)
print("fractional", fv, fi)
print("fractional ratio", F.fractional_max_pool2d(img, (2, 2), output_ratio=(0.5, 0.5), _random_samples=samples).shape)
print("avg_pool2d", F.avg_pool2d(img, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=True))
print("avg_pool2d divisor", F.avg_pool2d(img, 2, divisor_override=1))

ch = torch.arange(2 * 6 * 2 * 2, dtype=torch.float32).reshape(2, 6, 2, 2)
shuffled = F.channel_shuffle(ch, 3)
print("channel_shuffle order", shuffled[0, :, 0, 0].tolist())
cs = nn.ChannelShuffle(2)
print(cs, cs(ch)[1, :, 1, 1].tolist())
print("native", torch.native_channel_shuffle(ch, 2).equal(cs(ch)))
ps = nn.PixelShuffle(2)
pu = nn.PixelUnshuffle(2)
print(ps, pu)
up = ps(torch.arange(16.0).reshape(1, 4, 2, 2))
print("pixel_shuffle", up)
print("pixel_unshuffle", pu(up)[0, :, 0, 0].tolist(), torch.equal(pu(up), torch.arange(16.0).reshape(1, 4, 2, 2)))
print("unshuffle 3", F.pixel_unshuffle(torch.arange(36.0).reshape(1, 1, 6, 6), 3).shape,
      F.pixel_shuffle(torch.arange(18.0).reshape(2, 9, 1, 1), 3).squeeze().tolist())

x = img.clone().requires_grad_(True)
pv, pi = F.max_pool2d(x, 2, return_indices=True)
(F.max_unpool2d(pv * 2, pi, 2, output_size=(4, 5)).sum() + F.lp_pool2d(x.abs() + 0.1, 2, 2).sum()
 + F.adaptive_max_pool2d(x, 2).sum() + F.fractional_max_pool2d(x, 2, output_size=(2, 2), _random_samples=samples).sum()
 + F.pixel_unshuffle(x[..., :4], 2).pow(2).mean() + F.channel_shuffle(x.expand(1, 4, 4, 5), 2)[:, 1].sum()).backward()
print("grad", x.grad)
s1 = sig.clone().requires_grad_(True)
o, ix = F.max_pool1d(s1, 3, stride=2, padding=1, return_indices=True)
(F.max_unpool1d(o, ix, 3, stride=2, padding=1).sum() + F.lp_pool1d(s1.abs() + 0.1, 3, 3).sum()).backward()
print("grad 1d", s1.grad)
