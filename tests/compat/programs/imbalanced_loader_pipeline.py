"""An imbalanced-classification data pipeline as forum answers assemble it: a custom Dataset with a
transform callable, random_split into train/val/test with a seeded generator, class counts of a Subset
via its indices, per-sample weights for a WeightedRandomSampler, a SubsetRandomSampler hold-out on the
same dataset, a collate_fn returning a dict, device boilerplate with non_blocking copies, weighted
cross-entropy, early stopping on balanced accuracy with a deep-copied best state_dict."""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, SubsetRandomSampler, WeightedRandomSampler, random_split

torch.manual_seed(0)
torch.set_num_threads(1)
device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
use_pin = device.type == "cuda"
print("device", device, "pin", use_pin, "cudnn", torch.backends.cudnn.is_available() if hasattr(torch.backends, "cudnn") else None)


class Blobs(Dataset):
    def __init__(self, n_per_class, transform=None):
        g = torch.Generator().manual_seed(2)
        centers = torch.tensor([[0.0, 0.0], [2.0, 1.0], [-1.0, 2.0]])
        self.x = torch.cat([c + 0.8 * torch.randn(n, 2, generator=g) for c, n in zip(centers, n_per_class)])
        self.y = torch.cat([torch.full((n,), k, dtype=torch.long) for k, n in enumerate(n_per_class)])
        self.transform = transform

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        x = self.x[i]
        if self.transform is not None:
            x = self.transform(x)
        return x, self.y[i]


class Standardize:
    def __init__(self, mean, std):
        self.mean, self.std = mean, std

    def __call__(self, x):
        return (x - self.mean) / self.std


ds = Blobs([300, 60, 20])
ds.transform = Standardize(ds.x.mean(0), ds.x.std(0))
print("dataset", len(ds), "class counts", torch.bincount(ds.y).tolist(), ds[0][0].tolist() == ((ds.x[0] - ds.x.mean(0)) / ds.x.std(0)).tolist())
train, val, test = random_split(ds, [0.7, 0.15, 0.15], generator=torch.Generator().manual_seed(42))
print("split", len(train), len(val), len(test), train.indices[:5])
train_y = ds.y[torch.tensor(train.indices)]
counts = torch.bincount(train_y, minlength=3)
class_w = counts.sum() / (3 * counts.float())
sample_w = class_w[train_y]
print("train counts", counts.tolist(), "class weights", [round(v, 4) for v in class_w.tolist()])
sampler = WeightedRandomSampler(sample_w.double(), num_samples=len(train), replacement=True, generator=torch.Generator().manual_seed(7))
drawn = torch.bincount(train_y[torch.tensor(list(sampler))], minlength=3)
print("drawn per class", drawn.tolist(), "len", len(sampler))


def collate(batch):
    xs, ys = zip(*batch)
    return {"x": torch.stack(xs), "y": torch.stack(ys), "n": len(batch)}


train_loader = DataLoader(train, batch_size=32, sampler=sampler, collate_fn=collate, pin_memory=use_pin, drop_last=False)
val_loader = DataLoader(val, batch_size=64, shuffle=False, collate_fn=collate)
holdout_idx = list(range(0, len(ds), 10))
holdout = DataLoader(ds, batch_size=16, sampler=SubsetRandomSampler(holdout_idx, generator=torch.Generator().manual_seed(3)))
first = next(iter(holdout))
print("holdout batches", len(holdout), "first", tuple(first[0].shape), first[1].tolist())
b = next(iter(train_loader))
print("batch keys", sorted(b), b["x"].shape, b["y"].dtype, b["n"], len(train_loader))

model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 3)).to(device)
opt = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.8)
crit = nn.CrossEntropyLoss(weight=class_w.to(device))


def balanced_acc(loader):
    model.eval()
    cm = torch.zeros(3, 3)
    with torch.no_grad():
        for batch in loader:
            pred = model(batch["x"].to(device, non_blocking=True)).argmax(1).cpu()
            cm += torch.bincount(batch["y"] * 3 + pred, minlength=9).view(3, 3)
    return (cm.diag() / cm.sum(1).clamp(min=1)).mean().item(), cm


best, best_state, patience, bad = -1.0, None, 3, 0
for epoch in range(12):
    model.train()
    tot, n = 0.0, 0
    for batch in train_loader:
        x, y = batch["x"].to(device, non_blocking=True), batch["y"].to(device, non_blocking=True)
        loss = crit(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item() * batch["n"]
        n += batch["n"]
    bacc, _ = balanced_acc(val_loader)
    print(f"epoch {epoch} loss {tot / n:.4f} val balanced acc {bacc:.4f}")
    if bacc > best + 1e-4:
        best, best_state, bad = bacc, copy.deepcopy(model.state_dict()), 0
    else:
        bad += 1
        if bad >= patience:
            print("early stop at epoch", epoch)
            break
model.load_state_dict(best_state)
test_loader = DataLoader(test, batch_size=64, collate_fn=collate)
bacc, cm = balanced_acc(test_loader)
print(f"best val {best:.4f} test balanced acc {bacc:.4f}")
print(cm.long())
print("weighted loss", round(F.cross_entropy(model(ds.x[:5]), ds.y[:5], weight=class_w).item(), 5), best_state["0.weight"].data_ptr() != model[0].weight.data_ptr())
