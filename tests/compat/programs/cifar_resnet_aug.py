"""A CIFAR-style ResNet training loop (kuangliu/pytorch-cifar shape) on
synthetic 3x16x16 images, with the augmentation done by hand on tensors as
GPU-side training scripts do it: per-channel mean/std computed on the
training set and applied by broadcasting, random crop by F.pad (reflect)
plus per-sample offsets from torch.randint, horizontal flip of the samples
picked by a torch.rand mask via torch.flip and torch.where; a BasicBlock
ResNet with a 1x1-conv shortcut, label-smoothed CrossEntropyLoss, SGD with
Nesterov momentum and weight decay, MultiStepLR, and top-1/top-5 accuracy
by topk. Seeded: every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

n_classes, n_train, n_test = 10, 160, 80
protos = torch.randn(n_classes, 3, 4, 4)
labels = torch.randint(0, n_classes, (n_train + n_test,))
images = F.interpolate(protos[labels], size=16, mode="bilinear", align_corners=False)
images = images + 0.8 * torch.randn_like(images) + torch.tensor([0.5, 0.2, -0.3]).view(1, 3, 1, 1)
x_train, y_train = images[:n_train], labels[:n_train]
x_test, y_test = images[n_train:], labels[n_train:]

mean = x_train.mean(dim=(0, 2, 3), keepdim=True)
std = x_train.std(dim=(0, 2, 3), keepdim=True)
print("mean", " ".join("%.4f" % v for v in mean.flatten().tolist()), "std",
      " ".join("%.4f" % v for v in std.flatten().tolist()))


def normalize(x):
    return (x - mean) / std


def augment(x, pad=2):
    n, _, h, w = x.shape
    padded = F.pad(x, (pad, pad, pad, pad), mode="reflect")
    i = torch.randint(0, 2 * pad + 1, (n,))
    j = torch.randint(0, 2 * pad + 1, (n,))
    cropped = torch.stack([padded[k, :, i[k]:i[k] + h, j[k]:j[k] + w] for k in range(n)])
    flip = torch.rand(n) < 0.5
    out = torch.where(flip.view(n, 1, 1, 1), torch.flip(cropped, dims=[3]), cropped)
    return out, flip


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:
            self.shortcut = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet(nn.Module):
    def __init__(self, num_blocks=(1, 1, 1), num_classes=10):
        super().__init__()
        self.in_planes = 8
        self.conv1 = nn.Conv2d(3, 8, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.layer1 = self._make_layer(8, num_blocks[0], 1)
        self.layer2 = self._make_layer(16, num_blocks[1], 2)
        self.layer3 = self._make_layer(32, num_blocks[2], 2)
        self.linear = nn.Linear(32, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def _make_layer(self, planes, num_blocks, stride):
        layers = []
        for s in [stride] + [1] * (num_blocks - 1):
            layers.append(BasicBlock(self.in_planes, planes, s))
            self.in_planes = planes
        return nn.Sequential(*layers)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer3(self.layer2(self.layer1(out)))
        out = F.adaptive_avg_pool2d(out, 1).flatten(1)
        return self.linear(out)


def accuracy(output, target, topk=(1,)):
    maxk = max(topk)
    _, pred = output.topk(maxk, 1, True, True)
    pred = pred.t()
    correct = pred.eq(target.view(1, -1).expand_as(pred))
    return [correct[:k].reshape(-1).float().sum(0).mul_(100.0 / target.size(0)).item() for k in topk]


model = ResNet()
decay, no_decay = [], []
for name, p in model.named_parameters():
    (no_decay if p.ndim <= 1 else decay).append(p)
optimizer = torch.optim.SGD([{"params": decay, "weight_decay": 5e-4}, {"params": no_decay, "weight_decay": 0}],
                            lr=0.1, momentum=0.9, nesterov=True)
scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=[3, 5], gamma=0.1)
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
batch_size = 32
for epoch in range(6):
    model.train()
    perm = torch.randperm(n_train)
    train_loss, top1_sum, flips = 0.0, 0.0, 0
    for b in range(0, n_train, batch_size):
        idx = perm[b:b + batch_size]
        xb, flip = augment(x_train[idx])
        flips += int(flip.sum())
        out = model(normalize(xb))
        loss = criterion(out, y_train[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        train_loss += loss.item() * len(idx)
        top1_sum += accuracy(out, y_train[idx])[0] * len(idx)
    scheduler.step()
    model.eval()
    with torch.no_grad():
        out = model(normalize(x_test))
        test_loss = F.cross_entropy(out, y_test).item()
        top1, top5 = accuracy(out, y_test, topk=(1, 5))
    print("epoch %d | lr %.4f | train loss %.4f top1 %.2f | flips %d | test loss %.4f top1 %.2f top5 %.2f"
          % (epoch, scheduler.get_last_lr()[0], train_loss / n_train, top1_sum / n_train, flips, test_loss, top1, top5))
print("bn1 running_mean[:3]", " ".join("%.5f" % v for v in model.bn1.running_mean[:3].tolist()))
print("num_batches_tracked", int(model.bn1.num_batches_tracked))
