"""A small 3-d CNN on synthetic volumes (video / medical-imaging style): Conv3d with stride,
dilation and groups, BatchNorm3d, MaxPool3d(return_indices) + MaxUnpool3d, AvgPool3d with
ceil_mode / count_include_pad, AdaptiveAvg/MaxPool3d, ConvTranspose3d with output_padding,
the 3-d pads, trilinear interpolation and a few SGD steps on fixed weights."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


def fixed_(module):
    for name, p in module.named_parameters():
        n = p.numel()
        with torch.no_grad():
            p.copy_(torch.linspace(-0.3, 0.3, n).reshape(p.shape) * (1 if "weight" in name else 0.5))


x = torch.sin(torch.arange(2 * 2 * 6 * 6 * 6, dtype=torch.float32) * 0.37).reshape(2, 2, 6, 6, 6)

conv = nn.Conv3d(2, 4, kernel_size=3, padding=1)
fixed_(conv)
print(conv)
y = conv(x)
print("conv3d", tuple(y.shape), f"{y.mean().item():.6f} {y.std().item():.6f}")

strided = nn.Conv3d(2, 4, kernel_size=(1, 3, 3), stride=(1, 2, 2), dilation=(1, 2, 1), groups=2, bias=False)
fixed_(strided)
print(strided)
ys = strided(x)
print("strided grouped", tuple(ys.shape), f"{ys.sum().item():.5f}")

bn = nn.BatchNorm3d(4)
print(bn)
yb = bn(y)
print("bn3d", f"{yb.mean().item():.6f} {yb.var(unbiased=False).item():.5f}")
print("running_mean", [round(v, 6) for v in bn.running_mean.tolist()])

pool = nn.MaxPool3d(2, return_indices=True)
pooled, idx = pool(yb)
print("maxpool3d", tuple(pooled.shape), idx.dtype == torch.int64, idx[0, 0, 0].tolist())
unpool = nn.MaxUnpool3d(2)
restored = unpool(pooled, idx)
print("unpool", tuple(restored.shape), int((restored != 0).sum()), f"{restored.sum().item():.5f}")
restored2 = F.max_unpool3d(pooled, idx, kernel_size=2, output_size=(7, 7, 7))
print("unpool output_size", tuple(restored2.shape))

avg = nn.AvgPool3d(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
print(avg)
ya = avg(x)
print("avgpool3d", tuple(ya.shape), [round(v, 5) for v in ya[0, 0, 0, 0].tolist()])
ya2 = F.avg_pool3d(x, 2, divisor_override=3)
print("divisor_override", f"{ya2.sum().item():.5f}")

print("adaptive avg", [round(v, 5) for v in F.adaptive_avg_pool3d(x, (1, 2, 3))[1, 1].flatten().tolist()])
am, ai = F.adaptive_max_pool3d(x, 2, return_indices=True)
print("adaptive max", [round(v, 5) for v in am[0, 0].flatten().tolist()], ai[0, 0].flatten().tolist())
print(nn.AdaptiveMaxPool3d((None, 2, 2)))

up = nn.ConvTranspose3d(4, 2, kernel_size=3, stride=2, padding=1, output_padding=1)
fixed_(up)
print(up)
yu = up(pooled)
print("convtranspose3d", tuple(yu.shape), f"{yu.abs().mean().item():.6f}")
print("output_size arg", tuple(up(pooled, output_size=(5, 5, 5)).shape))

for pad in [nn.ZeroPad3d(1), nn.ConstantPad3d((1, 0, 0, 1, 2, 0), -1.0), nn.ReplicationPad3d((0, 1, 1, 0, 0, 1)),
            nn.ReflectionPad3d(1), nn.CircularPad3d((1, 1, 0, 0, 1, 0))]:
    p = pad(x[:1])
    print(pad, tuple(p.shape), f"{p.sum().item():.4f}")

tri = F.interpolate(x, scale_factor=(1, 1.5, 2), mode="trilinear", align_corners=False)
tri_ac = F.interpolate(x, size=(4, 5, 7), mode="trilinear", align_corners=True)
near = F.interpolate(x, scale_factor=0.5, mode="nearest")
print("trilinear", tuple(tri.shape), f"{tri.mean().item():.6f}", tuple(tri_ac.shape), f"{tri_ac[0, 1, 2, 3, 4].item():.6f}")
print("nearest", tuple(near.shape), f"{near.sum().item():.5f}")
print(nn.Upsample(scale_factor=2, mode="trilinear"))

inorm = nn.InstanceNorm3d(2, affine=True)
print(inorm)
yi = inorm(x)
print("instancenorm3d", f"{yi[0, 0].mean().item():.6f} {yi[1, 1].std().item():.5f}")
d3 = nn.Dropout3d(0.5)
d3.eval()
print("dropout3d eval identity", torch.equal(d3(x), x))


class Net3d(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv3d(2, 4, 3, padding=1), nn.BatchNorm3d(4), nn.ReLU(),
            nn.MaxPool3d(2), nn.Conv3d(4, 6, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool3d(1))
        self.head = nn.Linear(6, 3)

    def forward(self, v):
        return self.head(torch.flatten(self.features(v), 1))


net = Net3d()
fixed_(net)
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
target = torch.tensor([0, 2])
for step in range(5):
    opt.zero_grad()
    loss = F.cross_entropy(net(x), target)
    loss.backward()
    opt.step()
    print(f"step {step} | loss {loss.item():.6f} | conv grad norm {net.features[0].weight.grad.norm():.6f}")
net.eval()
with torch.no_grad():
    print("eval logits", [[round(v, 5) for v in r] for r in net(x).tolist()])
print("bn buffers", net.features[1].num_batches_tracked.item(),
      [round(v, 5) for v in net.features[1].running_var.tolist()])
