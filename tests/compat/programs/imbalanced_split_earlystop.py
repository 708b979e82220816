"""An imbalanced three-class problem handled the way a tutorial does: random_split by fractions with a
seeded generator, Subset views whose labels are read through .indices, a WeightedRandomSampler from
inverse class frequencies, a no_grad evaluation loop that prints per-class accuracy and a confusion
matrix by bincount, and early stopping that keeps copy.deepcopy(model.state_dict()) of the best epoch."""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Subset, TensorDataset, WeightedRandomSampler, random_split

torch.manual_seed(4)
torch.set_num_threads(1)

n_per = [150, 40, 10]
centers = torch.tensor([[0.0, 0.0], [2.0, 1.0], [-1.0, 2.0]])
X = torch.cat([centers[c] + 0.9 * torch.randn(n, 2) for c, n in enumerate(n_per)])
y = torch.cat([torch.full((n,), c) for c, n in enumerate(n_per)])
full = TensorDataset(X, y)
gen = torch.Generator().manual_seed(42)
train_set, val_set, test_set = random_split(full, [0.6, 0.2, 0.2], generator=gen)
print("sizes", len(train_set), len(val_set), len(test_set), type(train_set).__name__)
print("first train indices", train_set.indices[:8])
train_labels = y[train_set.indices]
counts = torch.bincount(train_labels, minlength=3)
print("train counts", counts.tolist(), "val counts", torch.bincount(y[val_set.indices], minlength=3).tolist())
class_w = 1.0 / counts.float()
sample_w = class_w[train_labels]
print("class weights", [round(w, 6) for w in class_w.tolist()], "sum of sample weights", round(sample_w.sum().item(), 6))
sampler = WeightedRandomSampler(sample_w, num_samples=len(train_set), replacement=True,
                                generator=torch.Generator().manual_seed(7))
drawn = torch.tensor(list(sampler))
print("sampler len", len(sampler), "drawn class counts", torch.bincount(train_labels[drawn], minlength=3).tolist())
loader = DataLoader(train_set, batch_size=20, sampler=sampler)
val_loader = DataLoader(val_set, batch_size=16)
sub = Subset(train_set, [0, 1, 2])
print("nested subset item", [round(v, 4) for v in sub[1][0].tolist()], sub[1][1].item(), len(sub))


@torch.no_grad()
def evaluate(model, loader, n_classes=3):
    model.eval()
    preds, labels, total_loss = [], [], 0.0
    for xb, yb in loader:
        out = model(xb)
        total_loss += F.cross_entropy(out, yb, reduction="sum").item()
        preds.append(out.argmax(dim=1))
        labels.append(yb)
    p, t = torch.cat(preds), torch.cat(labels)
    conf = torch.bincount(t * n_classes + p, minlength=n_classes * n_classes).reshape(n_classes, n_classes)
    per_class = conf.diag().float() / conf.sum(1).clamp(min=1).float()
    return total_loss / len(t), per_class, conf


torch.manual_seed(5)
model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
opt = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.5)
best_loss, best_state, best_epoch, patience, bad = float("inf"), None, -1, 3, 0
for epoch in range(30):
    model.train()
    for xb, yb in loader:
        loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    val_loss, per_class, conf = evaluate(model, val_loader)
    print(f"epoch {epoch:2d} train {loss.item():.5f} val {val_loss:.5f} per-class "
          f"{[round(a, 4) for a in per_class.tolist()]} mean {per_class.mean().item():.4f}")
    if val_loss < best_loss - 1e-4:
        best_loss, best_epoch, bad = val_loss, epoch, 0
        best_state = copy.deepcopy(model.state_dict())
    else:
        bad += 1
        if bad >= patience:
            print(f"early stop at epoch {epoch}, best epoch {best_epoch} val {best_loss:.5f}")
            break

print("best state is a copy", best_state["0.weight"].data_ptr() != model[0].weight.data_ptr(),
      "differs", not torch.equal(best_state["0.weight"], model[0].weight))
model.load_state_dict(best_state)
val_loss, _, _ = evaluate(model, val_loader)
print(f"restored val {val_loss:.5f} equal best {abs(val_loss - best_loss) < 1e-6}")
test_loss, per_class, conf = evaluate(model, DataLoader(test_set, batch_size=64))
print(f"test loss {test_loss:.5f}")
print("confusion\n", conf)
print("per-class accuracy", per_class)
recall = conf.diag() / conf.sum(dim=1)
precision = conf.diag() / conf.sum(dim=0)
print("recall", recall, "precision", precision)
print("weighted acc", torch.bincount(conf.argmax(1), weights=conf.diag().float(), minlength=3))
