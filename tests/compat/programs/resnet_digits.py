"""A small ResNet on the bundled 8x8 digits, the way CIFAR-10 ResNet scripts
are written: BasicBlock with BatchNorm2d and a 1x1 projection shortcut,
kaiming init through model.apply, nn.AdaptiveAvgPool2d, parameter groups
without weight decay for biases and norms, SGD with Nesterov momentum under
OneCycleLR, model.train()/model.eval(), and an accuracy loop under
torch.no_grad. The weights are then overwritten with fixed values and the batch
order comes from numpy, so the run is the same under any random stream."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

from _data import digits

torch.manual_seed(42)
pixels, labels = digits()
X = torch.tensor(pixels, dtype=torch.float32).view(-1, 1, 8, 8) / 16.0
mean, std = X.mean(), X.std()
X = (X - mean) / std
y = torch.tensor(labels)
Xtr, ytr, Xte, yte = X[:1200], y[:1200], X[1200:], y[1200:]
print(f"train {tuple(Xtr.shape)} test {tuple(Xte.shape)} mean {mean.item():.4f} std {std.item():.4f}")


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != self.expansion * planes:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_planes, self.expansion * planes, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(self.expansion * planes),
            )

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += self.shortcut(x)
        out = F.relu(out)
        return out


class ResNet(nn.Module):
    def __init__(self, block, num_blocks, num_classes=10):
        super().__init__()
        self.in_planes = 8
        self.conv1 = nn.Conv2d(1, 8, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.layer1 = self._make_layer(block, 8, num_blocks[0], stride=1)
        self.layer2 = self._make_layer(block, 16, num_blocks[1], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.linear = nn.Linear(16 * block.expansion, num_classes)

    def _make_layer(self, block, planes, num_blocks, stride):
        strides = [stride] + [1] * (num_blocks - 1)
        layers = []
        for stride in strides:
            layers.append(block(self.in_planes, planes, stride))
            self.in_planes = planes * block.expansion
        return nn.Sequential(*layers)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer1(out)
        out = self.layer2(out)
        out = self.avgpool(out)
        out = torch.flatten(out, 1)
        return self.linear(out)


def init_weights(m):
    if isinstance(m, nn.Conv2d):
        nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
    elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
        nn.init.constant_(m.weight, 1)
        nn.init.constant_(m.bias, 0)


model = ResNet(BasicBlock, [1, 1])
model.apply(init_weights)
with torch.no_grad():  # fixed values, so both frameworks start from the same weights
    for i, (name, p) in enumerate(model.named_parameters()):
        if "bn" in name or "shortcut.1" in name:
            continue
        fan_in = p[0].numel() if p.dim() > 1 else p.numel()
        k = torch.arange(p.numel(), dtype=torch.float32)
        p.copy_((torch.sin(k * 0.77 + i) * (2.0 / fan_in) ** 0.5).view_as(p))
print(model.layer2[0].shortcut)
n_params = sum(p.numel() for p in model.parameters())
print(f"params {n_params} buffers {sum(b.numel() for b in model.buffers())}")

decay, no_decay = [], []
for name, param in model.named_parameters():
    if param.ndim <= 1 or name.endswith(".bias"):
        no_decay.append(param)
    else:
        decay.append(param)
optimizer = torch.optim.SGD([{"params": decay, "weight_decay": 5e-4}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=0.05, momentum=0.9, nesterov=True)
epochs, batch_size = 3, 100
steps_per_epoch = len(Xtr) // batch_size
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.2, epochs=epochs, steps_per_epoch=steps_per_epoch)
criterion = nn.CrossEntropyLoss()
rng = np.random.RandomState(0)
test_loader = DataLoader(TensorDataset(Xte, yte), batch_size=128, shuffle=False)


def evaluate():
    model.eval()
    correct, total, loss_sum = 0, 0, 0.0
    with torch.no_grad():
        for inputs, targets in test_loader:
            outputs = model(inputs)
            loss_sum += criterion(outputs, targets).item() * targets.size(0)
            _, predicted = outputs.max(1)
            total += targets.size(0)
            correct += predicted.eq(targets).sum().item()
    return loss_sum / total, 100.0 * correct / total


for epoch in range(epochs):
    model.train()
    train_loss, correct, total = 0.0, 0, 0
    perm = torch.from_numpy(rng.permutation(len(Xtr)))
    for batch_idx in range(steps_per_epoch):
        idx = perm[batch_idx * batch_size:(batch_idx + 1) * batch_size]
        inputs, targets = Xtr[idx], ytr[idx]
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = criterion(outputs, targets)
        loss.backward()
        optimizer.step()
        scheduler.step()
        train_loss += loss.item()
        _, predicted = outputs.max(1)
        total += targets.size(0)
        correct += predicted.eq(targets).sum().item()
        if batch_idx % 4 == 0:
            print(f"epoch {epoch} batch {batch_idx:2d} | loss {loss.item():.5f} | lr {scheduler.get_last_lr()[0]:.6f}")
    test_loss, acc = evaluate()
    print(f"epoch {epoch} | train loss {train_loss / steps_per_epoch:.5f} acc {100.0 * correct / total:.2f}"
          f" | test loss {test_loss:.5f} acc {acc:.2f}")

print(f"bn1 running_mean[:3] {[round(v, 5) for v in model.bn1.running_mean[:3].tolist()]}")
print(f"bn1 num_batches_tracked {model.bn1.num_batches_tracked.item()}")
print(f"final momentum {optimizer.param_groups[0]['momentum']:.4f} lr {optimizer.param_groups[0]['lr']:.3e}")
