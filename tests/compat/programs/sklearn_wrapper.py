"""scikit-learn-style estimators wrapped around torch modules, as skorch-like
helper code writes them: get_params/set_params from the __init__ signature,
clone by type(est)(**params), fit on numpy arrays (classes_ by torch.unique
with return_inverse, standardization by mean/std(unbiased=False), balanced
class weights from bincount, a validation split from torch.randperm with a
Generator, early stopping that keeps the best state_dict copy), predict /
predict_proba / score returning numpy, partial_fit, a binary mode with
BCEWithLogitsLoss(pos_weight), a regressor with target scaling and HuberLoss;
a tabular model with categorical embeddings (size rule min(50, (n+1)//2)),
BatchNorm1d on the continuous columns and embedding dropout; K-fold
cross-validation by chunking a permutation, a small grid search, and the
fitted estimator round-tripped through pickle and copy.deepcopy."""

import copy
import inspect
import itertools
import pickle

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


class BaseEstimator:
    @classmethod
    def _get_param_names(cls):
        init_signature = inspect.signature(cls.__init__)
        return sorted(p.name for p in init_signature.parameters.values() if p.name != "self")

    def get_params(self, deep=True):
        return {key: getattr(self, key) for key in self._get_param_names()}

    def set_params(self, **params):
        valid = self.get_params()
        for key, value in params.items():
            if key not in valid:
                raise ValueError(f"Invalid parameter {key!r} for estimator {type(self).__name__}")
            setattr(self, key, value)
        return self

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


def clone(estimator):
    return type(estimator)(**copy.deepcopy(estimator.get_params()))


class MLP(nn.Module):
    def __init__(self, n_in, n_out, hidden, dropout):
        super().__init__()
        layers, last = [], n_in
        for h in hidden:
            layers += [nn.Linear(last, h), nn.ReLU(), nn.Dropout(dropout)]
            last = h
        layers.append(nn.Linear(last, n_out))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


class TorchClassifier(BaseEstimator):
    def __init__(self, hidden=(32,), lr=1e-2, max_epochs=20, batch_size=32, dropout=0.0, weight_decay=0.0,
                 class_weight=None, validation_fraction=0.2, patience=4, random_state=0, verbose=0):
        self.hidden = hidden
        self.lr = lr
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.dropout = dropout
        self.weight_decay = weight_decay
        self.class_weight = class_weight
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.random_state = random_state
        self.verbose = verbose

    def _prepare(self, X):
        X = torch.as_tensor(np.asarray(X), dtype=torch.float32)
        return (X - self.mean_) / self.scale_

    def _initialize(self, X, y):
        Xt = torch.as_tensor(np.asarray(X), dtype=torch.float32)
        self.mean_ = Xt.mean(dim=0)
        self.scale_ = Xt.std(dim=0, unbiased=False).clamp_min(1e-8)
        classes, y_enc = torch.unique(torch.as_tensor(np.asarray(y)), sorted=True, return_inverse=True)
        self.classes_ = classes.numpy()
        self.n_features_in_ = Xt.shape[1]
        torch.manual_seed(self.random_state)
        self.binary_ = len(self.classes_) == 2
        self.module_ = MLP(self.n_features_in_, 1 if self.binary_ else len(self.classes_), self.hidden,
                           self.dropout)
        self.optimizer_ = torch.optim.Adam(self.module_.parameters(), lr=self.lr, weight_decay=self.weight_decay)
        counts = torch.bincount(y_enc, minlength=len(self.classes_)).float()
        if self.class_weight == "balanced":
            weight = counts.sum() / (len(self.classes_) * counts)
        else:
            weight = None
        if self.binary_:
            self.criterion_ = nn.BCEWithLogitsLoss(pos_weight=(counts[0] / counts[1]).reshape(1)
                                                   if weight is not None else None)
        else:
            self.criterion_ = nn.CrossEntropyLoss(weight=weight)
        self.history_ = []
        return y_enc

    def _loss(self, logits, y):
        if self.binary_:
            return self.criterion_(logits.squeeze(1), y.float())
        return self.criterion_(logits, y)

    def fit(self, X, y):
        y_enc = self._initialize(X, y)
        return self._fit_loop(self._prepare(X), y_enc, self.max_epochs)

    def partial_fit(self, X, y, epochs=1):
        if not hasattr(self, "module_"):
            return self.fit(X, y)
        _, y_enc = torch.unique(torch.as_tensor(np.asarray(y)), sorted=True, return_inverse=True)
        return self._fit_loop(self._prepare(X), y_enc, epochs)

    def _fit_loop(self, X, y, epochs):
        g = torch.Generator().manual_seed(self.random_state)
        perm = torch.randperm(len(X), generator=g)
        n_val = int(round(self.validation_fraction * len(X)))
        val_idx, train_idx = perm[:n_val], perm[n_val:]
        loader = DataLoader(TensorDataset(X[train_idx], y[train_idx]), batch_size=self.batch_size, shuffle=True,
                            generator=g)
        best_loss, best_state, bad_epochs = float("inf"), None, 0
        for epoch in range(epochs):
            self.module_.train()
            total = 0.0
            for xb, yb in loader:
                self.optimizer_.zero_grad()
                loss = self._loss(self.module_(xb), yb)
                loss.backward()
                self.optimizer_.step()
                total += loss.item() * len(xb)
            self.module_.eval()
            with torch.no_grad():
                val_loss = self._loss(self.module_(X[val_idx]), y[val_idx]).item() if n_val else total
            self.history_.append({"epoch": epoch, "train_loss": total / len(train_idx), "valid_loss": val_loss})
            if val_loss < best_loss - 1e-4:
                best_loss, bad_epochs = val_loss, 0
                best_state = copy.deepcopy(self.module_.state_dict())
            else:
                bad_epochs += 1
                if bad_epochs >= self.patience:
                    break
        if best_state is not None:
            self.module_.load_state_dict(best_state)
        self.best_valid_loss_ = best_loss
        self.n_epochs_ = len(self.history_)
        return self

    @torch.no_grad()
    def predict_proba(self, X):
        self.module_.eval()
        logits = self.module_(self._prepare(X))
        if self.binary_:
            p = torch.sigmoid(logits)
            return torch.cat([1 - p, p], dim=1).numpy()
        return F.softmax(logits, dim=-1).numpy()

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def score(self, X, y):
        return float(np.mean(self.predict(X) == np.asarray(y)))


class TorchRegressor(BaseEstimator):
    def __init__(self, hidden=(16,), lr=5e-3, epochs=30, delta=1.0, random_state=0):
        self.hidden = hidden
        self.lr = lr
        self.epochs = epochs
        self.delta = delta
        self.random_state = random_state

    def fit(self, X, y):
        X = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
        y = torch.from_numpy(np.asarray(y, dtype=np.float32)).view(-1, 1)
        self.x_mean_, self.x_std_ = X.mean(0, keepdim=True), X.std(0, keepdim=True)
        self.y_mean_, self.y_std_ = y.mean(), y.std()
        Xs = (X - self.x_mean_) / self.x_std_
        ys = (y - self.y_mean_) / self.y_std_
        torch.manual_seed(self.random_state)
        self.module_ = MLP(X.shape[1], 1, self.hidden, 0.0)
        opt = torch.optim.RMSprop(self.module_.parameters(), lr=self.lr, alpha=0.9)
        loss_fn = nn.HuberLoss(delta=self.delta)
        for _ in range(self.epochs):
            opt.zero_grad()
            loss = loss_fn(self.module_(Xs), ys)
            loss.backward()
            opt.step()
        self.loss_ = loss.item()
        return self

    @torch.no_grad()
    def predict(self, X):
        X = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
        out = self.module_((X - self.x_mean_) / self.x_std_) * self.y_std_ + self.y_mean_
        return out.squeeze(1).numpy()

    def score(self, X, y):
        pred = torch.from_numpy(self.predict(X)).double()
        y = torch.as_tensor(np.asarray(y), dtype=torch.float64)
        return (1 - ((y - pred) ** 2).sum() / ((y - y.mean()) ** 2).sum()).item()


def kfold_indices(n, n_splits, seed):
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    folds = list(perm.chunk(n_splits))
    for k in range(n_splits):
        test = folds[k]
        train = torch.cat([f for j, f in enumerate(folds) if j != k])
        yield train.numpy(), test.numpy()


def cross_val_score(estimator, X, y, cv=3, seed=0):
    scores = []
    for train, test in kfold_indices(len(X), cv, seed):
        est = clone(estimator)
        est.fit(X[train], y[train])
        scores.append(est.score(X[test], y[test]))
    return np.array(scores)


# ------------------------------------------------------------------ data (numpy, seeded)
rng = np.random.RandomState(0)
n = 300
centers = rng.randn(3, 5) * 2.0
labels = rng.choice(np.array([3, 7, 9]), size=n, p=[0.5, 0.3, 0.2])
X = centers[np.searchsorted([3, 7, 9], labels)] + rng.randn(n, 5) * 1.5
X[:, 4] = X[:, 4] * 100 + 50  # a badly scaled column
print("labels", np.unique(labels, return_counts=True)[1].tolist(), "X", X.shape, X.dtype)

clf = TorchClassifier(hidden=(32, 16), lr=5e-3, max_epochs=25, class_weight="balanced", dropout=0.1)
print(clf)
print("params", sorted(clf.get_params()))
try:
    clf.set_params(learning_rate=1)
except ValueError as e:
    print("set_params:", e)
clf.fit(X[:240], labels[:240])
print("classes_", clf.classes_.tolist(), "n_features_in_", clf.n_features_in_, "epochs run", clf.n_epochs_)
print("scale", [round(v, 4) for v in clf.scale_.tolist()])
print("class weights", [round(v, 5) for v in clf.criterion_.weight.tolist()])
for h in clf.history_[::5]:
    print(f"epoch {h['epoch']:2d} | train {h['train_loss']:.5f} | valid {h['valid_loss']:.5f}")
proba = clf.predict_proba(X[240:])
print("proba", proba.shape, proba.dtype, "rows sum to 1", np.allclose(proba.sum(1), 1, atol=1e-6))
print("proba[0]", np.round(proba[0], 5).tolist(), "predict", clf.predict(X[240:250]).tolist())
print(f"test accuracy {clf.score(X[240:], labels[240:]):.4f} best valid {clf.best_valid_loss_:.5f}")
clf.partial_fit(X[:240], labels[:240], epochs=2)
print(f"after partial_fit {clf.score(X[240:], labels[240:]):.4f} history {len(clf.history_)}")

blob = pickle.dumps(clf)
restored = pickle.loads(blob)
print("pickled predictions equal", np.array_equal(restored.predict_proba(X[240:]), clf.predict_proba(X[240:])))
twin = copy.deepcopy(clf)
twin.module_.net[0].weight.data.zero_()
print("deepcopy independent", not torch.equal(twin.module_.net[0].weight, clf.module_.net[0].weight))
cloned = clone(clf)
print("clone unfitted", not hasattr(cloned, "module_"), cloned.get_params() == clf.get_params())

# binary, imbalanced, with pos_weight
yb = (labels == 9).astype(np.int64)
bclf = TorchClassifier(hidden=(16,), lr=1e-2, max_epochs=15, class_weight="balanced", patience=3)
bclf.fit(X[:240], yb[:240])
print("pos_weight", [round(v, 5) for v in bclf.criterion_.pos_weight.tolist()],
      f"binary accuracy {bclf.score(X[240:], yb[240:]):.4f}", "positives predicted", int(bclf.predict(X[240:]).sum()))

# cross-validation and a grid search
scores = cross_val_score(TorchClassifier(hidden=(16,), max_epochs=10), X, labels, cv=3)
print("cv scores", np.round(scores, 4).tolist(), f"mean {scores.mean():.4f}")
grid = {"lr": [1e-3, 1e-2], "hidden": [(8,), (32,)]}
results = []
for values in itertools.product(*grid.values()):
    params = dict(zip(grid.keys(), values))
    est = TorchClassifier(max_epochs=8).set_params(**params)
    s = cross_val_score(est, X, labels, cv=2, seed=1).mean()
    results.append((s, params))
    print(f"grid {params} -> {s:.4f}")
best_score, best_params = max(results, key=lambda t: t[0])
print("best", best_params, f"{best_score:.4f}")

# regression
Xr = rng.rand(200, 3) * [1.0, 10.0, 100.0]
yr = 3 * Xr[:, 0] + 0.5 * Xr[:, 1] - 0.02 * Xr[:, 2] + rng.randn(200) * 0.3
yr[:5] += 20  # outliers: why Huber
reg = TorchRegressor(epochs=60).fit(Xr[:150], yr[:150])
print(f"huber loss {reg.loss_:.6f} r2 {reg.score(Xr[150:], yr[150:]):.6f}",
      "pred", np.round(reg.predict(Xr[150:153]), 4).tolist())


# ------------------------------------------------------------------ tabular embeddings
class TabularModel(nn.Module):
    def __init__(self, emb_szs, n_cont, out_sz, layers, ps=0.2, emb_drop=0.1):
        super().__init__()
        self.embeds = nn.ModuleList([nn.Embedding(ni, nf) for ni, nf in emb_szs])
        self.emb_drop = nn.Dropout(emb_drop)
        self.bn_cont = nn.BatchNorm1d(n_cont)
        n_emb = sum(e.embedding_dim for e in self.embeds)
        layerlist, n_in = [], n_emb + n_cont
        for i in layers:
            layerlist += [nn.Linear(n_in, i), nn.ReLU(inplace=True), nn.BatchNorm1d(i), nn.Dropout(ps)]
            n_in = i
        layerlist.append(nn.Linear(layers[-1], out_sz))
        self.layers = nn.Sequential(*layerlist)

    def forward(self, x_cat, x_cont):
        embeddings = [e(x_cat[:, i]) for i, e in enumerate(self.embeds)]
        x = self.emb_drop(torch.cat(embeddings, 1))
        x_cont = self.bn_cont(x_cont)
        return self.layers(torch.cat([x, x_cont], 1))


cat_cards = [4, 7, 12]
emb_szs = [(c, min(50, (c + 1) // 2)) for c in cat_cards]
print("emb_szs", emb_szs)
x_cat = torch.stack([torch.from_numpy(rng.randint(0, c, size=n)) for c in cat_cards], 1)
x_cont = torch.tensor(rng.randn(n, 2), dtype=torch.float)
y_tab = ((x_cat[:, 0] % 2 == 0) ^ (x_cont[:, 0] > 0)).long()
torch.manual_seed(33)
tab = TabularModel(emb_szs, 2, 2, [16, 8], ps=0.1)
print(tab)
opt = torch.optim.Adam(tab.parameters(), lr=0.01)
train_dl = DataLoader(TensorDataset(x_cat[:240], x_cont[:240], y_tab[:240]), batch_size=40, shuffle=True)
for epoch in range(6):
    tab.train()
    for cb, nb, yb_ in train_dl:
        opt.zero_grad()
        loss = F.cross_entropy(tab(cb, nb), yb_)
        loss.backward()
        opt.step()
    tab.eval()
    with torch.no_grad():
        acc = (tab(x_cat[240:], x_cont[240:]).argmax(1) == y_tab[240:]).float().mean()
    print(f"tab epoch {epoch} | loss {loss.item():.5f} | test acc {acc.item():.4f}")
print("bn_cont running", [round(v, 5) for v in tab.bn_cont.running_mean.tolist()],
      "tracked", tab.bn_cont.num_batches_tracked.item())
