"""Stratified k-fold cross-validation written by hand: per-class index lists, folds built with
torch.utils.data.Subset (and Subset of ConcatDataset), a fresh model per fold via
reset_parameters() through model.apply, copy.deepcopy of the best fold, load_state_dict(strict=False)
reports, parameters_to_vector, per-fold metrics aggregated with std_mean / quantile, and the
printed optimizer / scheduler / state_dict reprs a student looks at."""

import copy

import torch
from torch import nn
from torch.utils.data import ConcatDataset, DataLoader, Subset, TensorDataset

torch.set_num_threads(1)
torch.manual_seed(2)

n = 150
X = torch.randn(n, 5)
y = (X[:, 0] * 1.5 + X[:, 1] ** 2 - 1 > 0).long() + (X[:, 2] > 1.2).long()
vals, counts = y.unique(return_counts=True)
print("classes", vals.tolist(), counts.tolist(), torch.histc(X[:, 0], bins=5, min=-2, max=2))
full = ConcatDataset([TensorDataset(X[:100], y[:100]), TensorDataset(X[100:], y[100:])])
print(len(full), full.cumulative_sizes, full[120][1])

K = 4
g = torch.Generator().manual_seed(0)
folds = [[] for _ in range(K)]
for c in vals.tolist():
    idx = (y == c).nonzero(as_tuple=True)[0]
    idx = idx[torch.randperm(len(idx), generator=g)]
    for i, chunk in enumerate(idx.chunk(K)):
        folds[i].extend(chunk.tolist())
print([len(f) for f in folds], sorted(folds[0])[:5])


def make_model():
    return nn.Sequential(nn.Linear(5, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.0), nn.Linear(16, 3))


def reset_weights(m):
    if hasattr(m, "reset_parameters"):
        m.reset_parameters()


model = make_model()
print(model)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4)
print(opt)
sched = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=1e-3)
init_sd = copy.deepcopy(model.state_dict())
init_opt = copy.deepcopy(opt.state_dict())
print(init_opt["param_groups"][0]["initial_lr"], sorted(init_opt["param_groups"][0].keys())[:6])
crit = nn.CrossEntropyLoss(weight=(counts.sum() / counts.float()) / 3)
results, best_acc, best_model = {}, -1.0, None
for fold in range(K):
    torch.manual_seed(fold)
    model.apply(reset_weights)
    opt.load_state_dict(init_opt)
    sched = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=1e-3)
    train_idx = [i for j, f in enumerate(folds) if j != fold for i in f]
    train_dl = DataLoader(Subset(full, train_idx), batch_size=16, shuffle=True)
    val_sub = Subset(full, folds[fold])
    val_dl = DataLoader(val_sub, batch_size=64)
    for epoch in range(9):
        model.train()
        for i, (xb, yb) in enumerate(train_dl):
            loss = crit(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step(epoch + i / len(train_dl))
    model.eval()
    correct = total = 0
    cm = torch.zeros(3, 3, dtype=torch.int64)
    with torch.no_grad():
        for xb, yb in val_dl:
            pred = model(xb).argmax(-1)
            correct += (pred == yb).sum().item()
            total += yb.numel()
            for t, p in zip(yb.tolist(), pred.tolist()):
                cm[t, p] += 1
    acc = 100.0 * correct / total
    results[fold] = acc
    print(f"fold {fold} acc {acc:.2f}% lr {sched.get_last_lr()[0]:.5f} T_i {sched.T_i} T_cur {sched.T_cur:.4f}")
    print(cm)
    if acc > best_acc:
        best_acc, best_model = acc, copy.deepcopy(model)

accs = torch.tensor(list(results.values()))
std, mean = torch.std_mean(accs)
print(f"K-FOLD: mean {mean:.3f} std {std:.3f} median {accs.median():.3f} q {torch.quantile(accs, torch.tensor([0.25, 0.75]))}")
print("best", best_acc, best_model is not model, best_model[1].num_batches_tracked)
vec = nn.utils.parameters_to_vector(best_model.parameters())
print("vector", vec.shape, round(vec.norm().item(), 4))
fresh = make_model()
nn.utils.vector_to_parameters(vec, fresh.parameters())
print(torch.equal(fresh[0].weight, best_model[0].weight), fresh[1].running_mean.sum())
r = fresh.load_state_dict(best_model.state_dict())
print(r)
sd = best_model.state_dict()
sd.pop("4.bias")
sd["extra.weight"] = torch.zeros(1)
r = fresh.load_state_dict(sd, strict=False)
print(r.missing_keys, r.unexpected_keys)
print(list(init_sd.keys()))
print({k: tuple(v.shape) for k, v in fresh.state_dict().items() if v.dim() > 0})
try:
    fresh.load_state_dict(sd)
except RuntimeError as e:
    print(str(e).splitlines()[0])
try:
    Subset(full, [0, 999])[1]
except IndexError:
    print("IndexError")
