"""Jeremy Howard's "Linear model and neural net from scratch" (Practical Deep Learning lesson 5) on a
generated Titanic-like table (numpy stands in for pandas): mode-filled missing values, log1p fares,
dummy columns, tensor(..., dtype=torch.float), columns scaled by t_indep.max(dim=0), coeffs from
torch.rand(n)-0.5, the mean-absolute loss, update by coeffs.sub_(coeffs.grad*lr) and grad.zero_() under
no_grad, a fixed 80/20 split, show_coeffs via dict(zip(...)), accuracy at 0.5, sigmoid, the matrix
product with coeffs[:, None], the one-hidden-layer net (layer1/layer2/const) and the deep version with
lists of layers and constants."""

import numpy as np
import torch
import torch.nn.functional as F
from torch import tensor

torch.set_num_threads(1)
np.set_printoptions(linewidth=140)
torch.set_printoptions(linewidth=140, sci_mode=False, edgeitems=7)

rng = np.random.RandomState(42)
n = 400
sex = rng.choice(["male", "female"], n, p=[0.64, 0.36])
pclass = rng.choice([1, 2, 3], n, p=[0.24, 0.21, 0.55])
embarked = rng.choice(["S", "C", "Q", "?"], n, p=[0.7, 0.18, 0.1, 0.02])
age = np.where(rng.rand(n) < 0.2, np.nan, np.round(rng.gamma(4.0, 7.5, n), 0))
sibsp = rng.poisson(0.5, n)
parch = rng.poisson(0.4, n)
fare = np.round(np.exp(rng.normal(2.6, 0.9, n)) * (4 - pclass) / 2, 2)
logit = 1.8 * (sex == "female") - 0.9 * (pclass - 2) - 0.02 * (np.nan_to_num(age, nan=28) - 28) - 0.5
survived = (rng.rand(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
print("rows", n, "survived", survived.sum(), "missing ages", np.isnan(age).sum(),
      "missing embarked", (embarked == "?").sum())

# fill missing values with the mode, as df.fillna(modes, inplace=True)
vals, counts = np.unique(age[~np.isnan(age)], return_counts=True)
age = np.where(np.isnan(age), vals[counts.argmax()], age)
emb_vals, emb_counts = np.unique(embarked[embarked != "?"], return_counts=True)
embarked = np.where(embarked == "?", emb_vals[emb_counts.argmax()], embarked)
print("age mode", vals[counts.argmax()], "embarked mode", emb_vals[emb_counts.argmax()])
log_fare = np.log1p(fare)

# pd.get_dummies(df, columns=["Sex","Pclass","Embarked"])
added_cols = ["Sex_male", "Sex_female", "Pclass_1", "Pclass_2", "Pclass_3", "Embarked_C", "Embarked_Q",
              "Embarked_S"]
dummies = np.stack([sex == "male", sex == "female", pclass == 1, pclass == 2, pclass == 3,
                    embarked == "C", embarked == "Q", embarked == "S"], 1)
indep_cols = ["Age", "SibSp", "Parch", "LogFare"] + added_cols

t_dep = tensor(survived)
t_indep = tensor(np.column_stack([age, sibsp, parch, log_fare, dummies]), dtype=torch.float)
print(t_indep[:3])
print(t_indep.shape, t_dep.shape, t_indep.dtype, t_dep.dtype)

torch.manual_seed(442)
n_coeff = t_indep.shape[1]
coeffs = torch.rand(n_coeff) - 0.5
print(coeffs)
print(t_indep * coeffs)
vals, indices = t_indep.max(dim=0)
t_indep = t_indep / vals
print(vals, indices)
print(t_indep * coeffs)
preds = (t_indep * coeffs).sum(axis=1)
print(preds[:10])
loss = torch.abs(preds - t_dep).mean()
print(loss)


def calc_preds(coeffs, indeps):
    return (indeps * coeffs).sum(axis=1)


def calc_loss(coeffs, indeps, deps):
    return torch.abs(calc_preds(coeffs, indeps) - deps).mean()


coeffs.requires_grad_()
loss = calc_loss(coeffs, t_indep, t_dep)
print(loss)
loss.backward()
print(coeffs.grad)
loss = calc_loss(coeffs, t_indep, t_dep)
loss.backward()
print(coeffs.grad)
loss = calc_loss(coeffs, t_indep, t_dep)
loss.backward()
with torch.no_grad():
    coeffs.sub_(coeffs.grad * 0.1)
    coeffs.grad.zero_()
    print(calc_loss(coeffs, t_indep, t_dep))

# RandomSplitter(seed=42)(df): a fixed permutation, 20% validation
perm = np.random.RandomState(42).permutation(n)
trn_split, val_split = perm[: int(n * 0.8)], perm[int(n * 0.8):]
trn_indep, val_indep = t_indep[trn_split], t_indep[val_split]
trn_dep, val_dep = t_dep[trn_split], t_dep[val_split]
print(len(trn_indep), len(val_indep))


def update_coeffs(coeffs, lr):
    coeffs.sub_(coeffs.grad * lr)
    coeffs.grad.zero_()


def one_epoch(coeffs, lr):
    loss = calc_loss(coeffs, trn_indep, trn_dep)
    loss.backward()
    with torch.no_grad():
        update_coeffs(coeffs, lr)
    print(f"{loss:.3f}", end="; ")


def init_coeffs():
    return (torch.rand(n_coeff) - 0.5).requires_grad_()


def train_model(epochs=30, lr=0.01):
    torch.manual_seed(442)
    coeffs = init_coeffs()
    for i in range(epochs):
        one_epoch(coeffs, lr=lr)
    print()
    return coeffs


coeffs = train_model(18, lr=0.2)


def show_coeffs():
    return dict(zip(indep_cols, coeffs.requires_grad_(False)))


print({k: round(v.item(), 4) for k, v in show_coeffs().items()})
preds = calc_preds(coeffs, val_indep)
results = val_dep.bool() == (preds > 0.5)
print(results[:16])
print(results.float().mean())


def acc(coeffs):
    return (val_dep.bool() == (calc_preds(coeffs, val_indep) > 0.5)).float().mean()


print(acc(coeffs))
print(torch.sigmoid(torch.linspace(-4, 4, 9)))


def calc_preds(coeffs, indeps):  # noqa: F811 (the notebook redefines it)
    return torch.sigmoid((indeps * coeffs).sum(axis=1))


coeffs = train_model(lr=100)
print(acc(coeffs))
print({k: round(v.item(), 3) for k, v in show_coeffs().items()})

# matrix product
print((val_indep * coeffs).sum(axis=1)[:4])
print((val_indep @ coeffs)[:4])


def calc_preds(coeffs, indeps):  # noqa: F811 (the notebook redefines it)
    return torch.sigmoid(indeps @ coeffs)


def init_coeffs():  # noqa: F811 (the notebook redefines it)
    return (torch.rand(n_coeff, 1) * 0.1).requires_grad_()


trn_dep = trn_dep[:, None]
val_dep = val_dep[:, None]
print(trn_dep.shape, val_dep.shape)
coeffs = train_model(lr=100)
print(acc(coeffs))


# a neural network
def init_coeffs(n_hidden=20):  # noqa: F811 (the notebook redefines it)
    layer1 = (torch.rand(n_coeff, n_hidden) - 0.5) / n_hidden
    layer2 = torch.rand(n_hidden, 1) - 0.3
    const = torch.rand(1)[0]
    return layer1.requires_grad_(), layer2.requires_grad_(), const.requires_grad_()


def calc_preds(coeffs, indeps):  # noqa: F811 (the notebook redefines it)
    l1, l2, const = coeffs
    res = F.relu(indeps @ l1)
    res = res @ l2 + const
    return torch.sigmoid(res)


def update_coeffs(coeffs, lr):  # noqa: F811 (the notebook redefines it)
    for layer in coeffs:
        layer.sub_(layer.grad * lr)
        layer.grad.zero_()


coeffs = train_model(lr=1.4)
print(acc(coeffs))
coeffs = train_model(lr=20)
print(acc(coeffs))
print(coeffs[2], coeffs[2].shape, coeffs[2].grad)


# deep learning
def init_coeffs():  # noqa: F811 (the notebook redefines it)
    hiddens = [10, 10]  # <-- set this to the size of each hidden layer you want
    sizes = [n_coeff] + hiddens + [1]
    n = len(sizes)
    layers = [(torch.rand(sizes[i], sizes[i + 1]) - 0.3) / sizes[i + 1] * 4 for i in range(n - 1)]
    consts = [(torch.rand(1)[0] - 0.5) * 0.1 for i in range(n - 1)]
    for l in layers + consts:
        l.requires_grad_()
    return layers, consts


def calc_preds(coeffs, indeps):  # noqa: F811 (the notebook redefines it)
    layers, consts = coeffs
    n = len(layers)
    res = indeps
    for i, l in enumerate(layers):
        res = res @ l + consts[i]
        if i != n - 1:
            res = F.relu(res)
    return torch.sigmoid(res)


def update_coeffs(coeffs, lr):  # noqa: F811 (the notebook redefines it)
    layers, consts = coeffs
    for layer in layers + consts:
        layer.sub_(layer.grad * lr)
        layer.grad.zero_()


coeffs = train_model(lr=4)
print(acc(coeffs))
print([tuple(l.shape) for l in coeffs[0]], [round(c.item(), 4) for c in coeffs[1]])
