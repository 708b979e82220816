"""A Kaggle-style tabular model as competition notebooks write it: a pandas-free
synthetic table with categorical columns label-encoded by np.unique
(return_inverse), continuous columns standardized with train-split statistics,
the fastai-style embedding sizes min(50, (n + 1) // 2), nn.ModuleList of
nn.Embedding concatenated with the continuous features after BatchNorm1d,
Linear-ReLU-BatchNorm1d-Dropout blocks (the order the widely copied course
notebook uses; with BatchNorm right after a Linear, that Linear's bias has a
zero gradient up to rounding, which Adam's normalization turns into full-size
steps that no two libraries take alike), a custom Dataset returning
(x_cat, x_cont, y) tuples, BCEWithLogitsLoss with pos_weight, AdamW with
OneCycleLR stepped per batch, early stopping on validation AUC with the best
state_dict kept by deepcopy, seed_everything, and accuracy / ROC AUC /
log loss computed by hand (the AUC through argsort ranks, ties averaged), then
a K-fold loop averaging out-of-fold predictions. Seeded, so every number agrees
with PyTorch."""

import copy
import os
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


def seed_everything(seed=42):
    random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    np.random.seed(seed)  # noqa: NPY002
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    torch.backends.cudnn.deterministic = True


seed_everything(42)
torch.set_num_threads(1)

# the table: 3 categorical and 4 continuous columns, a binary target
rng = np.random.default_rng(7)
n_rows = 400
cities = np.array(["paris", "rome", "oslo", "lima", "kyiv", "doha"])
cat_raw = {
    "city": rng.choice(cities, n_rows),
    "plan": rng.choice(["basic", "pro", "team"], n_rows, p=[0.6, 0.3, 0.1]),
    "channel": rng.choice(["web", "app", "store", "phone"], n_rows),
}
cont = rng.normal(size=(n_rows, 4)) * np.array([1.0, 10.0, 0.5, 3.0]) + np.array([0.0, 50.0, 1.0, -2.0])
logit = (0.8 * (cat_raw["plan"] == "pro") + 1.2 * (cat_raw["plan"] == "team") - 0.7 * (cat_raw["city"] == "oslo")
         + 0.9 * cont[:, 0] + 0.05 * (cont[:, 1] - 50) - 1.0 + 0.5 * rng.normal(size=n_rows))
target = (logit > 0).astype(np.float32)
print(f"rows {n_rows} positive rate {target.mean():.4f}")

cat_cols = list(cat_raw)
codes, cardinalities = [], []
for col in cat_cols:
    uniques, inverse = np.unique(cat_raw[col], return_inverse=True)
    codes.append(inverse)
    cardinalities.append(len(uniques))
x_cat_all = np.stack(codes, 1).astype(np.int64)
emb_szs = [(c, min(50, (c + 1) // 2)) for c in cardinalities]
print("embedding sizes", emb_szs)

idx = rng.permutation(n_rows)
train_idx, valid_idx, test_idx = idx[:240], idx[240:320], idx[320:]
mean, std = cont[train_idx].mean(0), cont[train_idx].std(0)
x_cont_all = ((cont - mean) / std).astype(np.float32)
print("standardized train mean", np.round(x_cont_all[train_idx].mean(0), 6).tolist())


class TabularDataset(Dataset):
    def __init__(self, rows):
        self.x_cat = torch.from_numpy(x_cat_all[rows])
        self.x_cont = torch.from_numpy(x_cont_all[rows])
        self.y = torch.from_numpy(target[rows]).unsqueeze(1)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.x_cat[i], self.x_cont[i], self.y[i]


class TabularModel(nn.Module):
    def __init__(self, emb_szs, n_cont, out_sz, layers, ps=0.2, emb_drop=0.1):
        super().__init__()
        self.embeds = nn.ModuleList([nn.Embedding(ni, nf) for ni, nf in emb_szs])
        self.emb_drop = nn.Dropout(emb_drop)
        self.bn_cont = nn.BatchNorm1d(n_cont)
        layerlist = []
        n_emb = sum(nf for ni, nf in emb_szs)
        n_in = n_emb + n_cont
        for i in layers:
            layerlist.append(nn.Linear(n_in, i))
            layerlist.append(nn.ReLU(inplace=True))
            layerlist.append(nn.BatchNorm1d(i))
            layerlist.append(nn.Dropout(ps))
            n_in = i
        layerlist.append(nn.Linear(layers[-1], out_sz))
        self.layers = nn.Sequential(*layerlist)

    def forward(self, x_cat, x_cont):
        embeddings = []
        for i, e in enumerate(self.embeds):
            embeddings.append(e(x_cat[:, i]))
        x = torch.cat(embeddings, 1)
        x = self.emb_drop(x)
        x_cont = self.bn_cont(x_cont)
        x = torch.cat([x, x_cont], 1)
        return self.layers(x)


def roc_auc(y_true, y_score):
    # Mann-Whitney U through ranks; tied scores get their average rank
    y_true = torch.as_tensor(y_true).float()
    y_score = torch.as_tensor(y_score).float()
    order = torch.argsort(y_score)
    sorted_scores = y_score[order]
    ranks = torch.empty_like(y_score)
    ranks[order] = torch.arange(1, len(y_score) + 1, dtype=torch.float)
    uniq, inverse, counts = torch.unique(sorted_scores, return_inverse=True, return_counts=True)
    if len(uniq) < len(sorted_scores):
        sums = torch.zeros(len(uniq)).index_add_(0, inverse, ranks[order])
        ranks[order] = (sums / counts)[inverse]
    n_pos = y_true.sum()
    n_neg = len(y_true) - n_pos
    return ((ranks[y_true == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)).item()


def log_loss(y_true, p, eps=1e-7):
    p = p.clamp(eps, 1 - eps)
    return -(y_true * torch.log(p) + (1 - y_true) * torch.log(1 - p)).mean().item()


print("auc perfect", roc_auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]), "ties", roc_auc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]),
      "reversed", roc_auc([1, 0], [0.1, 0.9]))


def predict(model, loader):
    model.eval()
    preds, ys = [], []
    with torch.no_grad():
        for x_cat, x_cont, y in loader:
            preds.append(torch.sigmoid(model(x_cat, x_cont)))
            ys.append(y)
    return torch.cat(preds).squeeze(1), torch.cat(ys).squeeze(1)


def fit(train_rows, valid_rows, epochs=12, patience=3, verbose=True):
    train_loader = DataLoader(TabularDataset(train_rows), batch_size=32, shuffle=True, drop_last=True)
    valid_loader = DataLoader(TabularDataset(valid_rows), batch_size=64, shuffle=False)
    model = TabularModel(emb_szs, 4, 1, [32, 16], ps=0.2, emb_drop=0.1)
    pos = target[train_rows].sum()
    criterion = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([(len(train_rows) - pos) / pos]))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=1e-2, epochs=epochs,
                                                    steps_per_epoch=len(train_loader))
    best_auc, best_state, wait = -1.0, None, 0
    for epoch in range(epochs):
        model.train()
        total = 0.0
        for x_cat, x_cont, y in train_loader:
            optimizer.zero_grad()
            loss = criterion(model(x_cat, x_cont), y)
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += loss.item() * len(y)
        p, yv = predict(model, valid_loader)
        auc = roc_auc(yv, p)
        if verbose:
            acc = ((p > 0.5).float() == yv).float().mean().item()
            print(f"epoch {epoch:2d} train loss {total / (len(train_loader) * 32):.5f} valid auc {auc:.5f} "
                  f"acc {acc:.4f} logloss {log_loss(yv, p):.5f} lr {scheduler.get_last_lr()[0]:.6f}")
        if auc > best_auc:
            best_auc, best_state, wait = auc, copy.deepcopy(model.state_dict()), 0
        else:
            wait += 1
            if wait >= patience:
                if verbose:
                    print(f"early stopping at epoch {epoch}, best auc {best_auc:.5f}")
                break
    model.load_state_dict(best_state)
    return model, best_auc


model, best = fit(train_idx, valid_idx)
print("embedding weights", [tuple(e.weight.shape) for e in model.embeds],
      "bn running_mean", [round(v, 5) for v in model.bn_cont.running_mean.tolist()])
test_loader = DataLoader(TabularDataset(test_idx), batch_size=64)
p, yt = predict(model, test_loader)
print(f"test auc {roc_auc(yt, p):.5f} acc {((p > 0.5).float() == yt).float().mean().item():.4f} "
      f"logloss {log_loss(yt, p):.5f}")

# 3-fold cross validation on train+valid, out-of-fold AUC and the averaged test prediction
seed_everything(0)
pool = np.concatenate([train_idx, valid_idx])
folds = np.array_split(np.random.permutation(len(pool)), 3)  # noqa: NPY002
oof = torch.zeros(len(pool))
test_pred = torch.zeros(len(test_idx))
for k, fold in enumerate(folds):
    tr = np.setdiff1d(np.arange(len(pool)), fold)
    m, fold_auc = fit(pool[tr], pool[fold], epochs=4, verbose=False)
    oof[torch.from_numpy(fold)] = predict(m, DataLoader(TabularDataset(pool[fold]), batch_size=64))[0]
    test_pred += predict(m, test_loader)[0] / len(folds)
    print(f"fold {k} best auc {fold_auc:.5f}")
print(f"oof auc {roc_auc(torch.from_numpy(target[pool]), oof):.5f} "
      f"test auc (fold mean) {roc_auc(yt, test_pred):.5f}")
