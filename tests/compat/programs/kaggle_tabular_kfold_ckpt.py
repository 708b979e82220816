"""A Kaggle-style tabular notebook loop: a seeded synthetic table (numeric columns with missing values,
two categorical columns), median imputation and standardisation fitted per fold, stratified K-fold
splits by hand (per-class index lists, np.array_split), an MLP with categorical embeddings
(nn.Embedding per column, concatenated with the numeric block, BatchNorm1d, Dropout(0)), AdamW with
a OneCycleLR stepped per batch, early stopping on the validation AUC (computed by ranking, ties
averaged by unique/index_add_) with patience and a best-checkpoint kept as a deepcopy of state_dict and in a BytesIO
torch.save, out-of-fold predictions written by index, test predictions averaged over folds, and a
summary with per-fold best epochs. Seeded: every printed number agrees."""

import copy
import io

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.set_num_threads(1)
torch.manual_seed(42)
rng = np.random.default_rng(0)

N, N_TEST = 360, 80
num = rng.normal(size=(N + N_TEST, 4)).astype(np.float32)
cat1 = rng.integers(0, 5, size=N + N_TEST)
cat2 = rng.integers(0, 3, size=N + N_TEST)
logit = 1.2 * num[:, 0] - 0.8 * num[:, 1] * num[:, 2] + 0.6 * (cat1 == 2) - 0.5 * (cat2 == 0)
target = (logit + 0.5 * rng.normal(size=N + N_TEST) > 0).astype(np.float32)
mask = rng.random(num.shape) < 0.08
num[mask] = np.nan
print("missing per column", np.isnan(num).sum(0).tolist(), "positives", int(target[:N].sum()))

X_num, X_cat, y = num[:N], np.stack([cat1, cat2], 1)[:N], target[:N]
T_num, T_cat, T_y = num[N:], np.stack([cat1, cat2], 1)[N:], target[N:]


def stratified_kfold(y, k, seed):
    r = np.random.default_rng(seed)
    folds = [[] for _ in range(k)]
    for cls in np.unique(y):
        idx = np.flatnonzero(y == cls)
        r.shuffle(idx)
        for f, part in enumerate(np.array_split(idx, k)):
            folds[f].extend(part.tolist())
    return [np.sort(np.array(f)) for f in folds]


def auc_score(y_true, scores):
    y_true = torch.as_tensor(y_true)
    scores = torch.as_tensor(scores)
    order = torch.argsort(scores)
    ranks = torch.empty_like(scores)
    ranks[order] = torch.arange(1, len(scores) + 1, dtype=scores.dtype)
    _, inverse, counts = torch.unique(scores, return_inverse=True, return_counts=True)
    rank_sums = torch.zeros(len(counts), dtype=scores.dtype).index_add_(0, inverse, ranks)
    ranks = (rank_sums / counts)[inverse]  # ties share their average rank
    pos = y_true == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return ((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)).item()


print("auc checks", auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), auc_score([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]))


class TabularNet(nn.Module):
    def __init__(self, n_num, cardinalities, emb_dim=3, hidden=32):
        super().__init__()
        self.embs = nn.ModuleList([nn.Embedding(c, emb_dim) for c in cardinalities])
        self.bn_num = nn.BatchNorm1d(n_num)
        self.mlp = nn.Sequential(nn.Linear(n_num + emb_dim * len(cardinalities), hidden), nn.ReLU(),
                                 nn.BatchNorm1d(hidden), nn.Dropout(0.0), nn.Linear(hidden, 1))

    def forward(self, x_num, x_cat):
        e = [emb(x_cat[:, i]) for i, emb in enumerate(self.embs)]
        return self.mlp(torch.cat([self.bn_num(x_num), *e], dim=1)).squeeze(1)


def prepare(train_num, other_nums):
    med = np.nanmedian(train_num, axis=0)
    filled = np.where(np.isnan(train_num), med, train_num)
    mean, std = filled.mean(0), filled.std(0) + 1e-6
    out = [(filled - mean) / std]
    for o in other_nums:
        out.append((np.where(np.isnan(o), med, o) - mean) / std)
    return [torch.tensor(a, dtype=torch.float32) for a in out]


K, EPOCHS, PATIENCE = 4, 14, 3
folds = stratified_kfold(y, K, seed=1)
print("fold sizes", [len(f) for f in folds], "fold positives", [int(y[f].sum()) for f in folds])
oof = np.zeros(N, dtype=np.float32)
test_pred = torch.zeros(N_TEST)
summary = []
for k in range(K):
    val_idx = folds[k]
    tr_idx = np.setdiff1d(np.arange(N), val_idx)
    tr_num, va_num, te_num = prepare(X_num[tr_idx], [X_num[val_idx], T_num])
    tr_cat, va_cat = torch.tensor(X_cat[tr_idx]), torch.tensor(X_cat[val_idx])
    tr_y, va_y = torch.tensor(y[tr_idx]), torch.tensor(y[val_idx])
    loader = DataLoader(TensorDataset(tr_num, tr_cat, tr_y), batch_size=64, shuffle=True, drop_last=True,
                        generator=torch.Generator().manual_seed(k))
    torch.manual_seed(100 + k)
    model = TabularNet(4, [5, 3])
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-2, epochs=EPOCHS, steps_per_epoch=len(loader))
    best_auc, best_epoch, bad, best_state = -1.0, -1, 0, None
    buffer = io.BytesIO()
    for epoch in range(EPOCHS):
        model.train()
        tot = 0.0
        for xb_num, xb_cat, yb in loader:
            loss = F.binary_cross_entropy_with_logits(model(xb_num, xb_cat), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot += loss.item() * len(yb)
        model.eval()
        with torch.no_grad():
            va_logits = model(va_num, va_cat)
            va_loss = F.binary_cross_entropy_with_logits(va_logits, va_y).item()
        auc = auc_score(va_y, va_logits)
        if auc > best_auc + 1e-4:
            best_auc, best_epoch, bad = auc, epoch, 0
            best_state = copy.deepcopy(model.state_dict())
            buffer.seek(0)
            buffer.truncate()
            torch.save({"epoch": epoch, "model": model.state_dict(), "auc": auc}, buffer)
        else:
            bad += 1
        if epoch % 4 == 0 or bad > PATIENCE:
            print(f"fold {k} epoch {epoch:2d} train {tot / (len(loader) * 64):.4f} val {va_loss:.4f} auc {auc:.4f}"
                  f" lr {sched.get_last_lr()[0]:.6f}")
        if bad > PATIENCE:
            print(f"fold {k} early stop at epoch {epoch}")
            break
    buffer.seek(0)
    ckpt = torch.load(buffer)
    model.load_state_dict(ckpt["model"])
    same = all(torch.equal(best_state[n], t) for n, t in model.state_dict().items())
    model.eval()
    with torch.no_grad():
        oof[val_idx] = torch.sigmoid(model(va_num, va_cat)).numpy()
        test_pred += torch.sigmoid(model(te_num, torch.tensor(T_cat))) / K
    summary.append((k, ckpt["epoch"], round(ckpt["auc"], 4), same))

print("summary", summary)
print(f"OOF AUC {auc_score(y, oof):.4f} OOF logloss {F.binary_cross_entropy(torch.tensor(oof), torch.tensor(y)).item():.4f}")
print(f"test AUC {auc_score(T_y, test_pred):.4f} mean pred {test_pred.mean().item():.4f}")
print("oof head", [round(float(v), 4) for v in oof[:6]])
