"""MobileNetV2 / MobileNetV3 / EfficientNet building blocks as torchvision and
timm write them, at toy size: _make_divisible channel rounding, ConvBNActivation
(groups=channels for depthwise), InvertedResidual with expand ratio and a linear
bottleneck, squeeze-excitation by F.adaptive_avg_pool2d with Hardsigmoid or
sigmoid gates, SiLU and Hardswish activations (inplace), MBConv with stochastic
depth, kaiming_normal_(mode='fan_out') init, freezing BatchNorm statistics by
switching the BN modules (found by isinstance of nn.modules.batchnorm._BatchNorm)
to eval inside a training model, fusing Conv+BN for
inference, converting the model's BatchNorms with
SyncBatchNorm.convert_sync_batchnorm (timm's --sync-bn, a no-op in one process),
and a few SGD steps with label smoothing. Weights and data are seeded,
so every number agrees with PyTorch."""

from functools import partial

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


def _make_divisible(v, divisor, min_value=None):
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    # Make sure that round down does not go down by more than 10%.
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


print("make_divisible", [_make_divisible(c * 0.75, 8) for c in (16, 24, 32, 96, 160, 320)])


class ConvBNActivation(nn.Sequential):
    def __init__(self, in_planes, out_planes, kernel_size=3, stride=1, groups=1, norm_layer=None,
                 activation_layer=None):
        padding = (kernel_size - 1) // 2
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        if activation_layer is None:
            activation_layer = nn.ReLU6
        super().__init__(
            nn.Conv2d(in_planes, out_planes, kernel_size, stride, padding, groups=groups, bias=False),
            norm_layer(out_planes),
            activation_layer(inplace=True),
        )
        self.out_channels = out_planes


class SqueezeExcitation(nn.Module):
    def __init__(self, input_channels, squeeze_factor=4, scale_activation=nn.Hardsigmoid):
        super().__init__()
        squeeze_channels = _make_divisible(input_channels // squeeze_factor, 8)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.relu = nn.ReLU(inplace=True)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.scale_activation = scale_activation()

    def _scale(self, input):
        scale = F.adaptive_avg_pool2d(input, 1)
        scale = self.fc1(scale)
        scale = self.relu(scale)
        scale = self.fc2(scale)
        return self.scale_activation(scale)

    def forward(self, input):
        scale = self._scale(input)
        return scale * input


class InvertedResidual(nn.Module):
    def __init__(self, inp, oup, stride, expand_ratio, use_se=False, activation=nn.ReLU6):
        super().__init__()
        self.stride = stride
        assert stride in [1, 2]
        hidden_dim = int(round(inp * expand_ratio))
        self.use_res_connect = self.stride == 1 and inp == oup
        layers = []
        if expand_ratio != 1:
            layers.append(ConvBNActivation(inp, hidden_dim, kernel_size=1, activation_layer=activation))
        layers.append(ConvBNActivation(hidden_dim, hidden_dim, stride=stride, groups=hidden_dim,
                                       activation_layer=activation))
        if use_se:
            layers.append(SqueezeExcitation(hidden_dim))
        layers.extend([nn.Conv2d(hidden_dim, oup, 1, 1, 0, bias=False), nn.BatchNorm2d(oup)])
        self.conv = nn.Sequential(*layers)
        self.out_channels = oup

    def forward(self, x):
        if self.use_res_connect:
            return x + self.conv(x)
        return self.conv(x)


class StochasticDepth(nn.Module):
    def __init__(self, p, mode="row"):
        super().__init__()
        self.p, self.mode = p, mode

    def forward(self, input):
        if not self.training or self.p == 0.0:
            return input
        survival_rate = 1.0 - self.p
        size = [input.shape[0]] + [1] * (input.ndim - 1) if self.mode == "row" else [1] * input.ndim
        noise = torch.empty(size, dtype=input.dtype, device=input.device)
        noise = noise.bernoulli_(survival_rate)
        if survival_rate > 0.0:
            noise.div_(survival_rate)
        return input * noise


class MBConv(nn.Module):
    """EfficientNet's block: expand (SiLU), depthwise, SE with a sigmoid gate on SiLU, project."""

    def __init__(self, inp, oup, expand_ratio, kernel, stride, sd_prob):
        super().__init__()
        self.use_res_connect = stride == 1 and inp == oup
        expanded = _make_divisible(inp * expand_ratio, 8)
        act = partial(nn.SiLU, inplace=True)
        self.block = nn.Sequential(
            ConvBNActivation(inp, expanded, 1, activation_layer=act),
            ConvBNActivation(expanded, expanded, kernel, stride, groups=expanded, activation_layer=act),
            SqueezeExcitation(expanded, squeeze_factor=4, scale_activation=nn.Sigmoid),
            nn.Conv2d(expanded, oup, 1, bias=False),
            nn.BatchNorm2d(oup, eps=1e-3, momentum=0.01),
        )
        self.stochastic_depth = StochasticDepth(sd_prob, "row")

    def forward(self, input):
        result = self.block(input)
        if self.use_res_connect:
            result = self.stochastic_depth(result)
            result += input
        return result


class TinyNet(nn.Module):
    def __init__(self, num_classes=4):
        super().__init__()
        self.features = nn.Sequential(
            ConvBNActivation(3, 8, stride=2, activation_layer=nn.Hardswish),
            InvertedResidual(8, 8, 1, expand_ratio=1),
            InvertedResidual(8, 12, 2, expand_ratio=4, use_se=True, activation=nn.Hardswish),
            InvertedResidual(12, 12, 1, expand_ratio=3),
            MBConv(12, 12, 4, 5, 1, sd_prob=0.2),
            MBConv(12, 16, 4, 3, 2, sd_prob=0.0),
        )
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Linear(16, 24), nn.Hardswish(inplace=True),
                                        nn.Dropout(p=0.2, inplace=True), nn.Linear(24, num_classes))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01 * 10)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


# activations against their formulas
t = torch.linspace(-4, 4, 9)
print("hardswish", [round(v, 5) for v in F.hardswish(t).tolist()])
print("hardsigmoid", [round(v, 5) for v in F.hardsigmoid(t).tolist()])
print("silu == x*sigmoid", torch.allclose(F.silu(t), t * torch.sigmoid(t)))
print("relu6", F.relu6(t * 2).tolist())

model = TinyNet()
# timm's train.py with --sync-bn: a no-op in one process, but every BatchNorm becomes a SyncBatchNorm
model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
print("sync bn layers", sum(isinstance(m, nn.SyncBatchNorm) for m in model.modules()),
      "BatchNorm2d left", sum(isinstance(m, nn.BatchNorm2d) for m in model.modules()))
print("params", sum(p.numel() for p in model.parameters()),
      "depthwise convs", sum(1 for m in model.modules() if isinstance(m, nn.Conv2d) and m.groups > 1
                             and m.groups == m.in_channels))
x = torch.randn(16, 3, 24, 24)
y = torch.arange(16) % 4
x = x + y.float()[:, None, None, None] * 0.5 * torch.linspace(-1, 1, 24)
feats = model.features(x)
print("features", tuple(feats.shape), f"{feats.std().item():.5f}")
se = model.features[2].conv[2]
with torch.no_grad():
    s = se._scale(torch.randn(2, 32, 6, 6))
print("se scale", tuple(s.shape), f"{s.mean().item():.5f} in [0,1]", bool(((s >= 0) & (s <= 1)).all()))

optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=4e-5, nesterov=True)
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
for step in range(6):
    model.train()
    if step >= 3:
        # freeze BatchNorm statistics for fine-tuning: BN layers in eval, the rest training
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.eval()
    idx = torch.randperm(16)[:8]
    out = model(x[idx])
    loss = criterion(out, y[idx])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    bn = model.features[0][1]
    print(f"step {step} loss {loss.item():.5f} bn0 mean {[round(v, 6) for v in bn.running_mean[:3].tolist()]} "
          f"tracked {bn.num_batches_tracked.item()}")

model.eval()
with torch.no_grad():
    logits = model(x)
print("eval logits", [round(v, 4) for v in logits[0].tolist()], "acc", (logits.argmax(1) == y).float().mean().item())


def fuse_conv_bn(conv, bn):
    fused = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding,
                      groups=conv.groups, bias=True)
    w = conv.weight.clone().view(conv.out_channels, -1)
    scale = bn.weight / torch.sqrt(bn.eps + bn.running_var)
    fused.weight.data.copy_(torch.mm(torch.diag(scale), w).view(fused.weight.size()))
    b_conv = conv.bias if conv.bias is not None else torch.zeros(conv.weight.size(0))
    fused.bias.data.copy_((b_conv - bn.running_mean) * scale + bn.bias)
    return fused


block = model.features[1].conv[0]
print(block[1])
fused = fuse_conv_bn(block[0], block[1])
with torch.no_grad():
    inp = model.features[0](x[:2])
    ref = block[1](block[0](inp))
    got = fused(inp)
print("fused conv-bn close", torch.allclose(ref, got, atol=1e-5), "groups", fused.groups)

# the library's fusion (torchvision's quantization prep), a ConvTranspose, and a Linear + BatchNorm1d
fused_lib = torch.nn.utils.fuse_conv_bn_eval(block[0], block[1])
with torch.no_grad():
    print("fuse_conv_bn_eval close", torch.allclose(fused_lib(inp), ref, atol=1e-5),
          "weight", [round(v, 5) for v in fused_lib.weight.flatten()[:3].tolist()],
          "bias", [round(v, 5) for v in fused_lib.bias[:3].tolist()])
    deconv, bn_t = nn.ConvTranspose2d(8, 4, 2, stride=2).eval(), nn.BatchNorm2d(4).eval()
    bn_t.running_mean.uniform_(-0.5, 0.5)
    bn_t.running_var.uniform_(0.5, 2.0)
    fused_t = torch.nn.utils.fuse_conv_bn_eval(deconv, bn_t, transpose=True)
    print("transpose fusion close", torch.allclose(fused_t(inp), bn_t(deconv(inp)), atol=1e-5))
    lin, bn_l = nn.Linear(16, 6).eval(), nn.BatchNorm1d(6).eval()
    bn_l.running_var.fill_(4.0)
    fused_l = torch.nn.utils.fuse_linear_bn_eval(lin, bn_l)
    z = torch.randn(3, 16)
    print("linear fusion close", torch.allclose(fused_l(z), bn_l(lin(z)), atol=1e-5))
    w, b = torch.nn.utils.fuse_conv_bn_weights(block[0].weight, None, block[1].running_mean, block[1].running_var,
                                               block[1].eps, block[1].weight, block[1].bias)
    print("fuse_conv_bn_weights", type(w).__name__, tuple(w.shape), f"{b.sum().item():.5f}")
try:
    torch.nn.utils.fuse_conv_bn_eval(block[0].train(), block[1])
except AssertionError as e:
    print("training mode refused:", e)
model = torch.nn.utils.convert_conv2d_weight_memory_format(model, torch.channels_last)
w = model.features[0][0].weight
print("channels_last weights", w.is_contiguous(memory_format=torch.channels_last), w.stride())
with torch.no_grad():
    print("same logits", torch.allclose(model(x), logits, atol=1e-6))
