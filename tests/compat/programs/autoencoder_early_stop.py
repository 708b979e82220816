"""A denoising autoencoder on the bundled digits with the training loop blog
posts write: a Dataset wrapping numpy arrays, DataLoader with a seeded
generator, Gaussian input noise from torch.randn_like, Adam with weight decay,
clip_grad_value_, an evaluate() under @torch.no_grad(), early stopping with
patience that keeps the best weights by torch.save(state_dict) to a BytesIO and
copy.deepcopy, ReduceLROnPlateau, a final reload with torch.load(weights_only=True),
and the encoder's codes under @torch.inference_mode(). Seeded: every number agrees."""

import copy
import io

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

from _data import digits

torch.manual_seed(42)
pixels, labels = digits()
pixels = (pixels[:600] / 16.0).astype(np.float32)
labels = labels[:600]


class Digits(Dataset):
    def __init__(self, x, y):
        self.x = torch.from_numpy(x)
        self.y = torch.from_numpy(y)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


train_ds, val_ds = Digits(pixels[:480], labels[:480]), Digits(pixels[480:], labels[480:])
g = torch.Generator().manual_seed(7)
train_loader = DataLoader(train_ds, batch_size=32, shuffle=True, generator=g)
val_loader = DataLoader(val_ds, batch_size=60)


class AutoEncoder(nn.Module):
    def __init__(self, code=6):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, code))
        self.decoder = nn.Sequential(nn.Linear(code, 32), nn.ReLU(), nn.Linear(32, 64), nn.Sigmoid())

    def forward(self, x):
        return self.decoder(self.encoder(x))


model = AutoEncoder()
opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-5)
sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1)
criterion = nn.MSELoss(reduction="sum")


@torch.no_grad()
def evaluate(m, loader):
    m.eval()
    total, n = 0.0, 0
    for x, _ in loader:
        total += criterion(m(x), x).item()
        n += x.size(0)
    m.train()
    return total / n


best_loss, best_state, best_epoch, bad_epochs, patience = float("inf"), None, -1, 0, 3
buffer = io.BytesIO()
for epoch in range(12):
    running = 0.0
    for x, _ in train_loader:
        noisy = (x + 0.2 * torch.randn_like(x)).clamp(0.0, 1.0)
        loss = criterion(model(noisy), x) / x.size(0)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_value_(model.parameters(), 1.0)
        opt.step()
        running += loss.item() * x.size(0)
    val = evaluate(model, val_loader)
    sched.step(val)
    print(f"epoch {epoch:2d} | train {running / len(train_ds):.5f} | val {val:.5f} | lr {opt.param_groups[0]['lr']:.5f}")
    if val < best_loss - 1e-3:
        best_loss, best_epoch, bad_epochs = val, epoch, 0
        best_state = copy.deepcopy(model.state_dict())
        buffer.seek(0)
        buffer.truncate()
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "epoch": epoch}, buffer)
    else:
        bad_epochs += 1
        if bad_epochs >= patience:
            print(f"early stop at epoch {epoch}, best epoch {best_epoch}")
            break

buffer.seek(0)
ckpt = torch.load(buffer, weights_only=True)
restored = AutoEncoder()
restored.load_state_dict(ckpt["model"])
print("checkpoint epoch", ckpt["epoch"], "opt steps", ckpt["opt"]["state"][0]["step"].item())
print("restored val", round(evaluate(restored, val_loader), 5), "best", round(best_loss, 5))
print("deepcopy same", all(torch.equal(best_state[k], v) for k, v in restored.state_dict().items()))


@torch.inference_mode()
def codes(m, x):
    return m.encoder(x)


z = codes(restored, val_ds.x)
print("codes", tuple(z.shape), z.requires_grad, round(z.mean().item(), 5), round(z.std().item(), 5))
centroids = torch.stack([z[val_ds.y == c].mean(0) for c in range(10)])
pred = torch.cdist(z, centroids).argmin(1)
print("nearest-centroid accuracy", round((pred == val_ds.y).float().mean().item(), 4))
recon = restored(val_ds.x[:4]).detach()
print("recon error per image", [round(v, 4) for v in F.mse_loss(recon, val_ds.x[:4], reduction="none").mean(1).tolist()])
