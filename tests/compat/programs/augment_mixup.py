"""Image-classification training tricks as blog posts write them, on the bundled
digits: transforms written as callable classes (Compose, RandomHorizontalFlip
with torch.rand(1) < p, RandomCrop after F.pad in reflect mode, random
rotation by affine_grid/grid_sample, Normalize), applied per sample in a
Dataset; mixup with lam from torch.distributions.Beta and a torch.randperm
partner, CutMix boxes from torch.randint, label-smoothed cross entropy, a
cosine schedule with linear warmup via LambdaLR, SGD with nesterov and
weight decay that skips biases and norms, and test-time augmentation by
flipping. Every draw is PyTorch's seeded stream: every number agrees."""

import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

from _data import digits

torch.manual_seed(0)


class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img


class RandomHorizontalFlip:
    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, img):
        if torch.rand(1) < self.p:
            return img.flip(-1)
        return img


class RandomCrop:
    def __init__(self, size, padding):
        self.size = size
        self.padding = padding

    def __call__(self, img):
        img = F.pad(img.unsqueeze(0), [self.padding] * 4, mode="reflect").squeeze(0)
        h, w = img.shape[-2:]
        i = torch.randint(0, h - self.size + 1, size=(1,)).item()
        j = torch.randint(0, w - self.size + 1, size=(1,)).item()
        return img[..., i:i + self.size, j:j + self.size]


class RandomRotation:
    def __init__(self, degrees, p=0.5):
        self.degrees = degrees
        self.p = p

    def __call__(self, img):
        if torch.rand(1) >= self.p:
            return img
        angle = math.radians(float(torch.empty(1).uniform_(-self.degrees, self.degrees).item()))
        theta = torch.tensor([[math.cos(angle), -math.sin(angle), 0.0],
                              [math.sin(angle), math.cos(angle), 0.0]], dtype=img.dtype)
        grid = F.affine_grid(theta.unsqueeze(0), [1, *img.shape], align_corners=False)
        return F.grid_sample(img.unsqueeze(0), grid, align_corners=False, padding_mode="zeros").squeeze(0)


class Normalize:
    def __init__(self, mean, std):
        self.mean = torch.tensor(mean).view(-1, 1, 1)
        self.std = torch.tensor(std).view(-1, 1, 1)

    def __call__(self, img):
        return (img - self.mean) / self.std


pixels, labels = digits()
images = torch.tensor(pixels[:400].reshape(-1, 1, 8, 8) / 16.0, dtype=torch.float32)
targets = torch.tensor(labels[:400])
mean, std = images[:320].mean().item(), images[:320].std().item()
print(f"mean {mean:.5f} std {std:.5f}")


class AugmentedDigits(Dataset):
    def __init__(self, x, y, transform=None):
        self.x, self.y, self.transform = x, y, transform

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        img = self.x[i]
        if self.transform is not None:
            img = self.transform(img)
        return img, self.y[i]


train_tf = Compose([RandomCrop(8, padding=1), RandomHorizontalFlip(0.3), RandomRotation(10),
                    Normalize([mean], [std])])
test_tf = Normalize([mean], [std])
train_ds = AugmentedDigits(images[:320], targets[:320], train_tf)
test_ds = AugmentedDigits(images[320:], targets[320:], test_tf)
sample, label = train_ds[0]
print("augmented sample", tuple(sample.shape), round(sample.sum().item(), 4), label.item())
train_loader = DataLoader(train_ds, batch_size=40, shuffle=True)
test_loader = DataLoader(test_ds, batch_size=80)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                                      nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),
                                      nn.Flatten())
        self.fc = nn.Linear(16 * 4 * 4, 10)

    def forward(self, x):
        return self.fc(self.features(x))


def mixup(x, y, alpha=0.4):
    lam = torch.distributions.Beta(alpha, alpha).sample().item()
    index = torch.randperm(x.size(0))
    return lam * x + (1 - lam) * x[index], y, y[index], lam


def rand_bbox(size, lam):
    W, H = size[2], size[3]
    cut_rat = math.sqrt(1.0 - lam)
    cut_w, cut_h = int(W * cut_rat), int(H * cut_rat)
    cx = torch.randint(W, (1,)).item()
    cy = torch.randint(H, (1,)).item()
    bbx1, bby1 = np.clip(cx - cut_w // 2, 0, W), np.clip(cy - cut_h // 2, 0, H)
    bbx2, bby2 = np.clip(cx + cut_w // 2, 0, W), np.clip(cy + cut_h // 2, 0, H)
    return bbx1, bby1, bbx2, bby2


def cutmix(x, y, alpha=1.0):
    lam = torch.distributions.Beta(torch.tensor([alpha]), torch.tensor([alpha])).sample().item()
    index = torch.randperm(x.size(0))
    bbx1, bby1, bbx2, bby2 = rand_bbox(x.size(), lam)
    x = x.clone()
    x[:, :, bbx1:bbx2, bby1:bby2] = x[index, :, bbx1:bbx2, bby1:bby2]
    lam = 1 - ((bbx2 - bbx1) * (bby2 - bby1) / (x.size()[-1] * x.size()[-2]))
    return x, y, y[index], lam


model = Net()
decay, no_decay = [], []
for name, p in model.named_parameters():
    (no_decay if p.ndim <= 1 else decay).append(p)
optimizer = torch.optim.SGD([{"params": decay, "weight_decay": 5e-4}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=0.05, momentum=0.9, nesterov=True)
epochs, warmup = 5, 8
total_steps = epochs * len(train_loader)


def lr_lambda(step):
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(1, total_steps - warmup)
    return 0.5 * (1 + math.cos(math.pi * progress))


scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
for epoch in range(epochs):
    model.train()
    running = 0.0
    for step, (x, y) in enumerate(train_loader):
        if step % 3 == 0:
            x, ya, yb, lam = mixup(x, y)
        elif step % 3 == 1:
            x, ya, yb, lam = cutmix(x, y)
        else:
            ya, yb, lam = y, y, 1.0
        out = model(x)
        loss = lam * criterion(out, ya) + (1 - lam) * criterion(out, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        running += loss.item()
    print(f"epoch {epoch} | loss {running / len(train_loader):.5f} | lr {scheduler.get_last_lr()[0]:.6f} | "
          f"last lam {lam:.5f}")


@torch.no_grad()
def evaluate(tta):
    model.eval()
    correct = 0
    for x, y in test_loader:
        logits = model(x)
        if tta:
            logits = (logits.softmax(1) + model(x.flip(-1)).softmax(1)) / 2
        correct += (logits.argmax(1) == y).sum().item()
    return correct / len(test_ds)


print(f"test accuracy {evaluate(False):.4f} | with flip TTA {evaluate(True):.4f}")
print("bn running var", [round(v, 4) for v in model.features[1].running_var[:4].tolist()])
