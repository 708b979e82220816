"""Image-tensor preparation from vision notebooks, on random uint8 "images":
ToTensor by hand (permute HWC -> CHW, / 255), per-channel mean/std over a
DataLoader (the running-sum recipe), Normalize and un-normalize, clamp and
back to uint8 for display (mul(255).byte(), permute to HWC), a make_grid-like
tiling with cat, histc of intensities, a random horizontal flip / crop with a
seeded generator, and one-hot masks for segmentation labels."""

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

torch.set_num_threads(1)
torch.manual_seed(123)
rng = np.random.default_rng(5)
raw = rng.integers(0, 256, size=(24, 6, 6, 3), dtype=np.uint8)  # N, H, W, C as PIL/numpy hold images
labels = rng.integers(0, 3, size=24)


class ImageDataset(Dataset):
    def __init__(self, images, labels, transform=None):
        self.images, self.labels, self.transform = images, labels, transform

    def __len__(self):
        return len(self.images)

    def __getitem__(self, idx):
        img = torch.from_numpy(self.images[idx]).permute(2, 0, 1).float().div(255)
        if self.transform:
            img = self.transform(img)
        return img, int(self.labels[idx])


ds = ImageDataset(raw, labels)
img, lab = ds[0]
print(img.shape, img.dtype == torch.float32, lab, img[0, 0])
print(torch.from_numpy(raw[0]).dtype == torch.uint8, torch.from_numpy(raw[0])[0, 0])

loader = DataLoader(ds, batch_size=8, shuffle=False)
channels_sum, channels_sq_sum, num_batches = 0, 0, 0
for data, _ in loader:
    channels_sum += torch.mean(data, dim=[0, 2, 3])
    channels_sq_sum += torch.mean(data ** 2, dim=[0, 2, 3])
    num_batches += 1
mean = channels_sum / num_batches
std = (channels_sq_sum / num_batches - mean ** 2) ** 0.5
print("mean", mean, "std", std)
all_imgs = torch.stack([ds[i][0] for i in range(len(ds))])
print("direct", all_imgs.mean(dim=(0, 2, 3)), all_imgs.std(dim=(0, 2, 3), unbiased=False))


def normalize(t):
    return (t - mean[:, None, None]) / std[:, None, None]


def unnormalize(t):
    return t * std.view(3, 1, 1) + mean.view(3, 1, 1)


norm_ds = ImageDataset(raw, labels, transform=normalize)
x0, _ = norm_ds[0]
print(x0[:, 0, :3])
back = unnormalize(x0)
print(torch.allclose(back, img, atol=1e-6), (back - img).abs().max() < 1e-5)
display = back.clamp(0, 1).mul(255).round().byte().permute(1, 2, 0)
print(display.shape, display.dtype == torch.uint8, display[0, :2])
print(torch.equal(display, torch.from_numpy(raw[0])))

batch, blabels = next(iter(DataLoader(norm_ds, batch_size=4)))
print(batch.shape, blabels)
row = torch.cat([F.pad(b, (1, 1, 1, 1), value=1.0) for b in batch], dim=2)
print("grid", row.shape, f"{row.mean().item():.6f}")
print(torch.histc(all_imgs[:, 0], bins=5, min=0, max=1))
print(torch.bucketize(torch.tensor([0.1, 0.5, 0.9]), torch.linspace(0, 1, 5)))

g = torch.Generator().manual_seed(7)
flips = torch.rand(4, generator=g) < 0.5
flipped = torch.where(flips[:, None, None, None], batch.flip(-1), batch)
print(flips, torch.equal(flipped[flips], batch[flips].flip(-1)))
i, j = torch.randint(0, 3, (2,), generator=g).tolist()
crop = batch[:, :, i:i + 4, j:j + 4]
print(i, j, crop.shape)
up = F.interpolate(crop, size=(8, 8), mode="bilinear", align_corners=False)
print(up.shape, f"{up.mean().item():.6f}")
gray = (0.299 * img[0] + 0.587 * img[1] + 0.114 * img[2])
print(gray[0])

mask = torch.from_numpy(rng.integers(0, 3, size=(2, 4, 4)))
onehot = F.one_hot(mask, num_classes=3).permute(0, 3, 1, 2).float()
print(onehot.shape, onehot.sum(1).unique(), onehot[0, :, 0, :2])
print(mask[0])
print(torch.bincount(mask.flatten(), minlength=3))
