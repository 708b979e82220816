"""Gradient clipping and early stopping as training tutorials write them: an MLP
on noisy data with a train/validation split, clip_grad_norm_ returning the total
norm (printed before/after), clip_grad_value_, an EarlyStopping class keeping
copy.deepcopy(model.state_dict()) of the best epoch, restoring it, and checking
the restored validation loss."""

import copy

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.set_num_threads(1)
torch.manual_seed(8)

X = torch.randn(200, 5)
y = (X[:, :1] * 1.5 - X[:, 1:2] ** 2 + 0.5 * torch.randn(200, 1))
dataset = TensorDataset(X, y)
train_ds, val_ds = random_split(dataset, [160, 40], generator=torch.Generator().manual_seed(42))
print(len(train_ds), len(val_ds), train_ds.indices[:8])
train_loader = DataLoader(train_ds, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(1))
val_loader = DataLoader(val_ds, batch_size=40)

model = nn.Sequential(nn.Linear(5, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
criterion = nn.MSELoss()


class EarlyStopping:
    def __init__(self, patience=3, min_delta=0.0):
        self.patience = patience
        self.min_delta = min_delta
        self.counter = 0
        self.best_loss = np.inf
        self.best_state = None
        self.best_epoch = -1
        self.early_stop = False

    def __call__(self, val_loss, model, epoch):
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss = val_loss
            self.best_state = copy.deepcopy(model.state_dict())
            self.best_epoch = epoch
            self.counter = 0
        else:
            self.counter += 1
            print(f"EarlyStopping counter: {self.counter} out of {self.patience}")
            if self.counter >= self.patience:
                self.early_stop = True


def evaluate():
    model.eval()
    total = 0.0
    with torch.no_grad():
        for xb, yb in val_loader:
            total += criterion(model(xb), yb).item() * len(xb)
    return total / len(val_loader.dataset)


stopper = EarlyStopping(patience=3, min_delta=1e-3)
for epoch in range(40):
    model.train()
    norms = []
    running = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        total_norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        norms.append(total_norm.item())
        running += loss.item() * len(xb)
        optimizer.step()
    val_loss = evaluate()
    print(f"epoch {epoch:2d} train {running / len(train_ds):.4f} val {val_loss:.4f} "
          f"max grad norm {max(norms):.4f} clipped {sum(n > 1.0 for n in norms)}/{len(norms)}")
    stopper(val_loss, model, epoch)
    if stopper.early_stop:
        print("Early stopping at epoch", epoch)
        break

print("best epoch", stopper.best_epoch, f"best val {stopper.best_loss:.4f}")
print("current val", f"{evaluate():.4f}")
model.load_state_dict(stopper.best_state)
print("restored val", f"{evaluate():.4f}", evaluate() == stopper.best_loss)
print(list(stopper.best_state.keys()))
print(stopper.best_state["4.bias"])

xb, yb = next(iter(train_loader))
optimizer.zero_grad()
(criterion(model(xb), yb) * 100).backward()
before = torch.norm(torch.stack([p.grad.norm(2) for p in model.parameters()]), 2)
ret = nn.utils.clip_grad_norm_(model.parameters(), 0.5)
after = torch.norm(torch.stack([p.grad.norm(2) for p in model.parameters()]), 2)
print(f"total norm before {before.item():.4f} returned {ret.item():.4f} after {after.item():.4f}")
inf_norm = nn.utils.clip_grad_norm_(model.parameters(), 0.1, norm_type=float("inf"))
print(f"inf norm {inf_norm.item():.6f} max abs now {max(p.grad.abs().max().item() for p in model.parameters()):.6f}")
nn.utils.clip_grad_value_(model.parameters(), clip_value=0.01)
print("max after clip_value", max(p.grad.abs().max().item() for p in model.parameters()))
print(model[4].bias.grad)
print(nn.utils.get_total_norm([p.grad for p in model.parameters()]))
vec = nn.utils.parameters_to_vector(model.parameters())
print(vec.shape, f"{vec.norm().item():.5f}")
