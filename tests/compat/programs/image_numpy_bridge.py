"""Getting images and labels from numpy into tensors as Kaggle notebooks and torchvision-free
tutorials do: torch.tensor of a uint8 HWC image (PIL's np.array(img)), uint8 arithmetic that wraps,
.float() / 255, permute to CHW, per-channel normalization, back to uint8 with clamp / round / byte(),
torch.tensor of int32 label arrays, float16 arrays, numpy scalars, torch.from_numpy sharing memory,
numpy ufuncs applied to tensors, a Dataset returning numpy arrays collated by the
DataLoader, and a small CNN trained on the result."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(0)
torch.set_num_threads(1)


def name(dtype):
    return str(dtype).replace("torch.", "")  # torch.uint8 prints as uint8
rng = np.random.RandomState(1)

img = rng.randint(0, 256, size=(6, 5, 3)).astype(np.uint8)   # what np.array(PIL.Image) gives
t = torch.tensor(img)
print("image", name(t.dtype), tuple(t.shape), t.min().item(), t.max().item())
print("corner", t[:2, :2, 0])
print("brightened (wraps)", (t[0, :3, 0] + 100))
print("saturating", torch.clamp(t[0, :3, 0].int() + 100, 0, 255).to(torch.uint8))
print("sum dtype", name(t.sum().dtype), t.sum().item(), "mean", t.float().mean().item())
chw = t.permute(2, 0, 1).float().div(255)
print("chw", tuple(chw.shape), name(chw.dtype), chw[0, 0])
mean, std = chw.mean(dim=(1, 2)), chw.std(dim=(1, 2))
norm = (chw - mean[:, None, None]) / std[:, None, None]
print("channel mean", mean, "std", std)
print("normalized stats", norm.mean().item() < 1e-6, norm.std(dim=(1, 2)))
back = (norm * std[:, None, None] + mean[:, None, None]).mul(255).round().clamp(0, 255).byte()
print("round trip exact", torch.equal(back.permute(1, 2, 0), t), name(back.dtype))
gray = (t.float() @ torch.tensor([0.299, 0.587, 0.114])).to(torch.uint8)
print("gray", gray[0])
print("histogram", torch.histc(t.float(), bins=4, min=0, max=255))
print("bincount of high bits", torch.bincount((t >> 6).flatten().long(), minlength=4))

labels_np = np.array([2, 0, 1, 1, 0], dtype=np.int32)
labels = torch.tensor(labels_np)
print("labels", labels, name(labels.long().dtype))
half = torch.tensor(np.array([0.1, 1000.5, 65504.0], dtype=np.float16))
print("half", half, half.float())
print("numpy scalars", torch.tensor(np.float32(2.5)), torch.tensor(np.int16(7)), torch.tensor([np.uint8(3), np.uint8(250)]))
shared = np.zeros(3, dtype=np.int32)
view = torch.from_numpy(shared)
view += 5
print("shared", shared, name(view.dtype))
print("numpy ufuncs on tensors", np.sqrt(chw[0, 0]), np.log1p(t[0, :3, 0]), np.greater(chw[1, 0], 0.5))
mask_np = np.array([[True, False], [False, True]])
print("bool mask", torch.tensor(mask_np), torch.tensor(mask_np).sum())
print("as_tensor float64", torch.as_tensor(np.linspace(0, 1, 3)), torch.tensor(np.linspace(0, 1, 3)).float())


class NumpyImages(Dataset):
    def __init__(self, n):
        self.images = rng.randint(0, 256, size=(n, 8, 8, 1)).astype(np.uint8)
        self.images[: n // 2, 2:6, 2:6] = 255  # a bright square for class 1
        self.labels = np.array([1] * (n // 2) + [0] * (n - n // 2), dtype=np.int64)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.images[i], self.labels[i]


ds = NumpyImages(32)
xb, yb = next(iter(DataLoader(ds, batch_size=4)))
print("collated", name(xb.dtype), tuple(xb.shape), name(yb.dtype), yb.tolist())


def to_input(x):
    return x.permute(0, 3, 1, 2).float() / 255.0


net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(16, 2))
opt = torch.optim.SGD(net.parameters(), lr=0.5, momentum=0.9)
loader = DataLoader(ds, batch_size=8, shuffle=True, generator=torch.Generator().manual_seed(2))
for epoch in range(4):
    tot = 0.0
    for xb, yb in loader:
        loss = F.cross_entropy(net(to_input(xb)), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item()
    print(f"epoch {epoch} loss {tot / len(loader):.5f}")
with torch.no_grad():
    all_x = torch.tensor(ds.images)
    acc = (net(to_input(all_x)).argmax(1) == torch.tensor(ds.labels)).float().mean()
print("input dtype", name(all_x.dtype), "accuracy", f"{acc.item():.4f}")
