"""The "output shape calculator" cells of a CNN course, run on every conv/pool option and checked
against the formula: ceil_mode with padding and dilation (and the last window that must start inside
the input), count_include_pad and divisor_override, return_indices fed to MaxUnpool with
output_size, AdaptiveAvg/MaxPool with None sizes and return_indices, LPPool with ceil_mode and
p=inf-like large p, FractionalMaxPool with fixed _random_samples, Conv with padding='same' and
dilation, every padding_mode on Conv1d/2d, ConvTranspose with output_padding, groups, dilation and
output_size, pixel (un)shuffle and channel shuffle, and a small CNN built from these trained for a
few steps."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


def pool_out(n, k, s, p, d, ceil):
    num = n + 2 * p - d * (k - 1) - 1
    out = (math.ceil(num / s) if ceil else num // s) + 1
    if ceil and (out - 1) * s >= n + p:
        out -= 1
    return out


x = torch.randn(2, 3, 9, 10)
for k, s, p, d in [(3, 2, 1, 1), (2, 2, 0, 1), (3, 3, 1, 2), (4, 3, 2, 1), (2, 3, 1, 1)]:
    for ceil in [False, True]:
        out, idx = F.max_pool2d(x, k, s, p, dilation=d, ceil_mode=ceil, return_indices=True)
        expect = (pool_out(9, k, s, p, d, ceil), pool_out(10, k, s, p, d, ceil))
        print(f"maxpool k{k} s{s} p{p} d{d} ceil={ceil}", tuple(out.shape[2:]), expect == tuple(out.shape[2:]),
              f"{out.sum().item():.5f}", int(idx.max()))
for cip in [True, False]:
    for ceil in [False, True]:
        a = F.avg_pool2d(x, 3, 2, 1, ceil_mode=ceil, count_include_pad=cip)
        print(f"avgpool cip={cip} ceil={ceil}", tuple(a.shape), f"{a.sum().item():.5f}", f"{a[0, 0, -1, -1].item():.5f}")
print("divisor_override", f"{F.avg_pool2d(x, 2, divisor_override=3).sum().item():.5f}")
print("avgpool1d ceil", F.avg_pool1d(torch.arange(7.0).view(1, 1, 7), 3, 2, padding=1, ceil_mode=True))
print("avgpool3d ceil no-pad-count", F.avg_pool3d(torch.arange(27.0).view(1, 1, 3, 3, 3), 2, 2, ceil_mode=True,
                                                  count_include_pad=False).flatten())
pooled, idx = nn.MaxPool2d(2, stride=2, return_indices=True)(torch.arange(25.0).view(1, 1, 5, 5))
print("unpool output_size", nn.MaxUnpool2d(2, stride=2)(pooled, idx, output_size=(5, 5))[0, 0])
p1, i1 = F.max_pool1d(torch.tensor([[[1.0, 5.0, 3.0, 2.0, 4.0, 0.0, 7.0]]]), 2, return_indices=True)
print("unpool1d", F.max_unpool1d(p1, i1, 2, output_size=[7]))
print("adaptive None", F.adaptive_avg_pool2d(torch.arange(20.0).view(1, 1, 4, 5), (None, 2)))
print("adaptive max idx", F.adaptive_max_pool1d(torch.tensor([[[1.0, 5.0, 3.0, 2.0, 4.0]]]), 3, return_indices=True))
print("adaptive 3d", F.adaptive_avg_pool3d(torch.arange(60.0).view(1, 1, 3, 4, 5), (2, None, 1)).flatten())
print("lppool ceil", F.lp_pool1d(torch.arange(7.0).view(1, 1, 7), 2, 3, 2, ceil_mode=True))
print("lppool p=3 2d", F.lp_pool2d(torch.arange(16.0).view(1, 1, 4, 4), 3, 2))
samples = torch.tensor([[[0.3, 0.7], [0.1, 0.9]]])
fm, fi = F.fractional_max_pool2d(torch.arange(49.0).view(1, 2, 5, 5) if False else torch.arange(50.0).view(1, 2, 5, 5),
                                 2, output_size=(3, 3), return_indices=True, _random_samples=samples)
print("fractional", fm[0, 1], fi[0, 0])

sig = torch.arange(12.0).view(1, 1, 12)
for mode in ["zeros", "reflect", "replicate", "circular"]:
    conv = nn.Conv1d(1, 1, 3, padding=2, dilation=2, padding_mode=mode, bias=False)
    nn.init.ones_(conv.weight)
    print(f"conv1d {mode}", conv(sig).flatten().tolist())
    conv2 = nn.Conv2d(1, 1, (3, 2), padding="same", padding_mode=mode, bias=False)
    nn.init.constant_(conv2.weight, 0.5)
    print(f"conv2d same {mode}", conv2(torch.arange(20.0).view(1, 1, 4, 5))[0, 0, 0].tolist())
print("same dilated", F.conv1d(torch.arange(6.0).view(1, 1, 6), torch.ones(1, 1, 2), padding="same", dilation=3))
up = nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1, groups=2, dilation=1)
print("convT", tuple(up(torch.randn(1, 4, 5, 5)).shape), tuple(up(torch.randn(1, 4, 5, 5), output_size=[9, 9]).shape))
print("convT1d dil", F.conv_transpose1d(torch.ones(1, 2, 3), torch.ones(2, 1, 2), stride=2, padding=1, output_padding=1,
                                        groups=2, dilation=2))
print("pixel shuffle", F.pixel_shuffle(torch.arange(16.0).view(1, 4, 2, 2), 2)[0, 0])
print("pixel unshuffle", F.pixel_unshuffle(torch.arange(16.0).view(1, 1, 4, 4), 2)[0, :, 0, 0])
print("channel shuffle", nn.ChannelShuffle(3)(torch.arange(6.0).view(1, 6, 1, 1)).flatten())


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 4, 3, padding="same", padding_mode="reflect")
        self.p1 = nn.MaxPool2d(2, ceil_mode=True)
        self.c2 = nn.Conv2d(4, 8, 3, padding=1, dilation=1, groups=2, padding_mode="circular")
        self.p2 = nn.AvgPool2d(2, ceil_mode=True, count_include_pad=False)
        self.head = nn.Sequential(nn.AdaptiveMaxPool2d((1, None)), nn.Flatten(), nn.LazyLinear(3))

    def forward(self, t):
        return self.head(self.p2(F.relu(self.c2(self.p1(F.relu(self.c1(t)))))))


torch.manual_seed(1)
imgs = torch.randn(12, 1, 7, 7)
labels = torch.randint(0, 3, (12,))
net = Net()
net(imgs[:1])
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
for step in range(6):
    opt.zero_grad()
    loss = F.cross_entropy(net(imgs), labels)
    loss.backward()
    opt.step()
    print(f"cnn step {step} loss {loss.item():.6f}")
print("head in_features", net.head[2].in_features)
