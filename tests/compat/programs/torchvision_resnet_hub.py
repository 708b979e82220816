"""A ResNet file copied from torchvision, as many repositories vendor it: conv3x3 / conv1x1 helpers,
BasicBlock with a downsample path, kaiming_normal_(mode='fan_out') and zero-initialised residual
BatchNorms, a `model_urls` table and `pretrained=True` through torch.hub.load_state_dict_from_url (here a
relative file: URL to weights this script trains and saves first, so nothing leaves the machine), a
module summary written with torch.nn.modules.module._addindent, then transfer learning: a new head, a
frozen backbone in eval mode, and only the head's parameters in the optimizer."""

import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.hub import load_state_dict_from_url
from torch.nn.modules.module import _addindent

torch.manual_seed(0)
torch.set_num_threads(1)
workdir = tempfile.TemporaryDirectory()  # (the weights and the hub cache live in a fresh directory)
start_dir = os.getcwd()
os.chdir(workdir.name)

model_urls = {"resnet8": "file:resnet8-synthetic.pth"}


def conv3x3(in_planes, out_planes, stride=1, groups=1, dilation=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=dilation, groups=groups,
                     bias=False, dilation=dilation)


def conv1x1(in_planes, out_planes, stride=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None, norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class ResNet(nn.Module):
    def __init__(self, block, layers, num_classes=10, zero_init_residual=False, norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        self._norm_layer = norm_layer
        self.inplanes = 8
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = norm_layer(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = self._make_layer(block, 8, layers[0])
        self.layer2 = self._make_layer(block, 16, layers[1], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(16 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, BasicBlock):
                    nn.init.constant_(m.bn2.weight, 0)

    def _make_layer(self, block, planes, blocks, stride=1):
        norm_layer = self._norm_layer
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                       norm_layer(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample, norm_layer)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes, norm_layer=norm_layer))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer2(self.layer1(x))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def _resnet(arch, block, layers, pretrained, progress, **kwargs):
    model = ResNet(block, layers, **kwargs)
    if pretrained:
        state_dict = load_state_dict_from_url(model_urls[arch], model_dir="hub_cache", progress=progress)
        model.load_state_dict(state_dict)
    return model


def resnet8(pretrained=False, progress=True, **kwargs):
    return _resnet("resnet8", BasicBlock, [1, 1], pretrained, progress, **kwargs)


def summary(module, depth=0):
    lines = []
    for name, child in module.named_children():
        n = sum(p.numel() for p in child.parameters())
        text = f"({name}): {type(child).__name__} [{n} params]"
        if depth < 1 and list(child.children()):
            text += "\n" + summary(child, depth + 1)
        lines.append(_addindent(text, 2))
    return "\n".join(lines)


gen = torch.Generator().manual_seed(0)
x = torch.randn(64, 3, 8, 8, generator=gen)
y = (x[:, 0].mean((1, 2)) > x[:, 1].mean((1, 2))).long() + 2 * (x[:, 2, :4].mean((1, 2)) > 0).long()
teacher = resnet8(zero_init_residual=True, num_classes=4)
print(summary(teacher))
opt = torch.optim.SGD(teacher.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
for step in range(20):
    idx = torch.randint(0, 64, (16,), generator=gen)
    loss = F.cross_entropy(teacher(x[idx]), y[idx])
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 9:
        print(f"step {step + 1} | loss {loss.item():.5f}")
torch.save(teacher.state_dict(), "resnet8-synthetic.pth")

model = resnet8(pretrained=True, progress=False, num_classes=4)
teacher.eval()
model.eval()
with torch.no_grad():
    same = torch.equal(model(x), teacher(x))
print("pretrained equals saved", same, "cached files", sorted(os.listdir("hub_cache")))
again = resnet8(pretrained=True, num_classes=4)  # (cached: nothing downloaded)
print("num_batches_tracked", int(again.bn1.num_batches_tracked))

model.fc = nn.Linear(model.fc.in_features, 2)
for name, p in model.named_parameters():
    p.requires_grad = name.startswith("fc.")
head_opt = torch.optim.Adam(filter(lambda p: p.requires_grad, model.parameters()), lr=1e-2)
y2 = (x[:, 0].mean((1, 2)) > 0).long()
for step in range(20):
    model.eval()  # (a frozen backbone keeps its running statistics)
    loss = F.cross_entropy(model(x), y2)
    head_opt.zero_grad()
    loss.backward()
    head_opt.step()
trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
with torch.no_grad():
    acc = (model(x).argmax(1) == y2).float().mean().item()
print(f"finetune loss {loss.item():.5f} | acc {acc:.4f} | trainable {trainable} | "
      f"conv1 grad {model.conv1.weight.grad}")
os.chdir(start_dir)
workdir.cleanup()
