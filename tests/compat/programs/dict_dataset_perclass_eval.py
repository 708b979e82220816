"""A custom Dataset returning dicts (image, label, index) split by random_split with integer lengths and
a seeded generator, a class-balancing WeightedRandomSampler built from the Subset's labels (read through
subset.dataset and subset.indices), the default collate of dict samples, and a no_grad evaluation loop
with per-class accuracy, top-2 accuracy and a confusion matrix, all from bincount and topk."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, WeightedRandomSampler, random_split

torch.manual_seed(14)
torch.set_num_threads(1)


class Blobs(Dataset):
    """4 classes of 6x6 images: a bright 3x3 patch in one quadrant, unequal class sizes."""

    def __init__(self, sizes):
        self.labels = torch.cat([torch.full((n,), c, dtype=torch.long) for c, n in enumerate(sizes)])
        self.images = 0.6 * torch.randn(len(self.labels), 1, 6, 6)
        for i, c in enumerate(self.labels.tolist()):
            r, col = divmod(c, 2)
            self.images[i, 0, 3 * r:3 * r + 3, 3 * col:3 * col + 3] += 0.35

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return {"image": self.images[i], "label": self.labels[i], "index": i}


data = Blobs([60, 30, 15, 8])
train_set, test_set = random_split(data, [80, len(data) - 80], generator=torch.Generator().manual_seed(0))
labels = train_set.dataset.labels[train_set.indices]
freq = torch.bincount(labels, minlength=4)
print("train class counts", freq.tolist(), "test", torch.bincount(data.labels[test_set.indices], minlength=4).tolist())
weights = (1.0 / freq.double())[labels]
sampler = WeightedRandomSampler(weights, num_samples=80, generator=torch.Generator().manual_seed(1))
loader = DataLoader(train_set, batch_size=16, sampler=sampler)
batch = next(iter(loader))
print("batch keys", list(batch), batch["image"].shape, batch["label"].dtype, batch["index"][:5])
print("sampled class counts", torch.bincount(torch.cat([b["label"] for b in loader]), minlength=4).tolist())

model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(16, 4))
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.8)


@torch.no_grad()
def evaluate(loader):
    model.eval()
    conf = torch.zeros(4, 4, dtype=torch.long)
    top2 = 0
    for b in loader:
        logits = model(b["image"])
        pred = logits.argmax(1)
        conf += torch.bincount(b["label"] * 4 + pred, minlength=16).view(4, 4)
        top2 += (logits.topk(2, dim=1).indices == b["label"][:, None]).any(1).sum().item()
    return conf, top2


test_loader = DataLoader(test_set, batch_size=10)
for epoch in range(5):
    model.train()
    for b in loader:
        loss = F.cross_entropy(model(b["image"]), b["label"])
        opt.zero_grad()
        loss.backward()
        opt.step()
    conf, top2 = evaluate(test_loader)
    n = conf.sum().item()
    per_class = conf.diag().double() / conf.sum(1).double()
    print(f"epoch {epoch} loss {loss.item():.5f} acc {conf.diag().sum().item() / n:.4f} top2 {top2 / n:.4f} "
          f"per-class {[round(a, 3) for a in per_class.tolist()]}")
print(conf)
balanced = per_class.nanmean().item()
print(f"balanced accuracy {balanced:.5f}")
wrong = [i for b in test_loader for i, l, p in zip(b["index"].tolist(), b["label"].tolist(),
                                                    model(b["image"]).argmax(1).tolist()) if l != p]
print("misclassified indices", sorted(wrong))
