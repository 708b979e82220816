"""Aladdin Persson's "ResNet from scratch" (ResNet50/101/152 with bottleneck blocks, expansion 4, an
identity_downsample Sequential built in _make_layer), its parameter counts printed for the full
ImageNet shapes, a forward of the 50-layer net on one 64x64 image (output shape and logits), the
named_modules walk of one block, then a width-reduced variant trained a few steps with SGD + momentum
on the bundled 8x8 digits upsampled to 32x32 by F.interpolate (in float64: see there). Seeded: every
number agrees."""

import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.set_num_threads(1)
torch.manual_seed(0)


class block(nn.Module):
    def __init__(self, in_channels, intermediate_channels, identity_downsample=None, stride=1):
        super().__init__()
        self.expansion = 4
        self.conv1 = nn.Conv2d(in_channels, intermediate_channels, kernel_size=1, stride=1, padding=0,
                               bias=False)
        self.bn1 = nn.BatchNorm2d(intermediate_channels)
        self.conv2 = nn.Conv2d(intermediate_channels, intermediate_channels, kernel_size=3, stride=stride,
                               padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(intermediate_channels)
        self.conv3 = nn.Conv2d(intermediate_channels, intermediate_channels * self.expansion, kernel_size=1,
                               stride=1, padding=0, bias=False)
        self.bn3 = nn.BatchNorm2d(intermediate_channels * self.expansion)
        self.relu = nn.ReLU()
        self.identity_downsample = identity_downsample
        self.stride = stride

    def forward(self, x):
        identity = x.clone()
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.relu(self.bn2(self.conv2(x)))
        x = self.bn3(self.conv3(x))
        if self.identity_downsample is not None:
            identity = self.identity_downsample(identity)
        x += identity
        return self.relu(x)


class ResNet(nn.Module):
    def __init__(self, block, layers, image_channels, num_classes, width=64):
        super().__init__()
        self.in_channels = width
        self.conv1 = nn.Conv2d(image_channels, width, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, layers[0], intermediate_channels=width, stride=1)
        self.layer2 = self._make_layer(block, layers[1], intermediate_channels=width * 2, stride=2)
        self.layer3 = self._make_layer(block, layers[2], intermediate_channels=width * 4, stride=2)
        self.layer4 = self._make_layer(block, layers[3], intermediate_channels=width * 8, stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(width * 8 * 4, num_classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = self.avgpool(x)
        x = x.reshape(x.shape[0], -1)
        return self.fc(x)

    def _make_layer(self, block, num_residual_blocks, intermediate_channels, stride):
        identity_downsample = None
        layers = []
        if stride != 1 or self.in_channels != intermediate_channels * 4:
            identity_downsample = nn.Sequential(
                nn.Conv2d(self.in_channels, intermediate_channels * 4, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(intermediate_channels * 4))
        layers.append(block(self.in_channels, intermediate_channels, identity_downsample, stride))
        self.in_channels = intermediate_channels * 4
        for _ in range(num_residual_blocks - 1):
            layers.append(block(self.in_channels, intermediate_channels))
        return nn.Sequential(*layers)


def ResNet50(img_channel=3, num_classes=1000, width=64):
    return ResNet(block, [3, 4, 6, 3], img_channel, num_classes, width)


def ResNet101(img_channel=3, num_classes=1000, width=64):
    return ResNet(block, [3, 4, 23, 3], img_channel, num_classes, width)


def count(model):
    return sum(p.numel() for p in model.parameters()), sum(b.numel() for b in model.buffers())


net = ResNet50(img_channel=3, num_classes=1000)
print("ResNet50 params, buffer elements", count(net))
print("layers", [len(getattr(net, f"layer{i}")) for i in range(1, 5)])
print(net.layer2[0].identity_downsample)
print([name for name, _ in net.layer1[0].named_modules()])
net.eval()
with torch.no_grad():
    y = net(torch.randn(1, 3, 64, 64))
print(y.shape, y[0, :4], y.argmax().item())
small101 = ResNet101(img_channel=1, num_classes=10, width=4)
print("ResNet101 width 4", count(small101), len(list(small101.modules())))

X, labels = digits()
X = torch.tensor(X[:256], dtype=torch.float32).reshape(-1, 1, 8, 8) / 16.0
X = F.interpolate(X, size=(32, 32), mode="bilinear", align_corners=False)
y = torch.tensor(labels[:256])
print("data", X.shape, X.mean().item(), np.bincount(y.numpy()).tolist())
torch.manual_seed(1)
# float64: in float32 the 1x1 maps of layer4 put pre-ReLU values within rounding (1e-5) of zero, and
# which side of zero they land on (PyTorch's kernels' rounding or numpy's) switches gradients on and off
model = ResNet50(img_channel=1, num_classes=10, width=8).double()
X = X.double()
print("small ResNet50", count(model), model.fc.weight.dtype)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
criterion = nn.CrossEntropyLoss()
start = time.time()
for epoch in range(2):
    model.train()
    for i in range(0, 256, 64):
        scores = model(X[i:i + 64])
        loss = criterion(scores, y[i:i + 64])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        print(f"epoch {epoch} batch {i // 64} loss {loss.item():.4f}")
model.eval()
with torch.no_grad():
    acc = (model(X).argmax(1) == y).float().mean().item()
print(f"train accuracy {acc:.4f}", model.bn1.running_mean[:3], model.layer4[2].bn3.num_batches_tracked)
print("took under a minute", time.time() - start < 60)
