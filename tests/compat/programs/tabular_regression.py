"""A tabular regression notebook: synthetic housing-like features, a randperm
train/test split, standardisation with mean/std (and std_mean, min-max,
quantiles), a DataLoader over a TensorDataset, an MLP with MSELoss and Adam
printing train/test RMSE and R^2 each few epochs, predictions un-scaled back,
and feature importance by permutation."""

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.set_num_threads(1)
torch.manual_seed(31)

n = 300
rooms = torch.randint(1, 8, (n,)).float()
area = 30 + 20 * rooms + 10 * torch.randn(n)
age = torch.rand(n) * 50
dist = torch.rand(n) * 20
price = 50 + 3.0 * area - 0.8 * age - 4.0 * dist + 15 * torch.randn(n)
X = torch.stack([rooms, area, age, dist], dim=1)
y = price.unsqueeze(1)
print(X[:3])
print(X.shape, y.shape, X.dtype == torch.float32)
print("mean", X.mean(0))
print("std", X.std(0))
print("min", X.min(0).values, "max", X.max(dim=0)[0])
print("quantiles", torch.quantile(X[:, 1], torch.tensor([0.25, 0.5, 0.75])))
print(torch.std_mean(y))
print(torch.corrcoef(torch.cat([X, y], 1).T)[-1])

perm = torch.randperm(n)
train_idx, test_idx = perm[:240], perm[240:]
X_train, X_test, y_train, y_test = X[train_idx], X[test_idx], y[train_idx], y[test_idx]
mu, sigma = X_train.mean(0, keepdim=True), X_train.std(0, keepdim=True)
y_mu, y_sigma = y_train.mean(), y_train.std()
X_train_s, X_test_s = (X_train - mu) / sigma, (X_test - mu) / sigma
y_train_s = (y_train - y_mu) / y_sigma
print("scaled mean ~0", X_train_s.mean(0).abs().max().item() < 1e-6, "scaled std", X_train_s.std(0).round(decimals=4))
mins, maxs = X_train.min(0).values, X_train.max(0).values
print("minmax", ((X_train - mins) / (maxs - mins))[:2])

loader = DataLoader(TensorDataset(X_train_s, y_train_s), batch_size=32, shuffle=True)
model = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 1))
opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=1e-4)
loss_fn = nn.MSELoss()


def evaluate(Xs, y_true):
    model.eval()
    with torch.no_grad():
        pred = model(Xs) * y_sigma + y_mu
    rmse = torch.sqrt(((pred - y_true) ** 2).mean())
    r2 = 1 - ((pred - y_true) ** 2).sum() / ((y_true - y_true.mean()) ** 2).sum()
    return pred, rmse.item(), r2.item()


for epoch in range(1, 31):
    model.train()
    total = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item() * xb.size(0)
    if epoch % 5 == 0:
        _, train_rmse, train_r2 = evaluate(X_train_s, y_train)
        _, test_rmse, test_r2 = evaluate(X_test_s, y_test)
        print(f"Epoch {epoch:02d} | loss {total / len(loader.dataset):.4f} | train RMSE {train_rmse:.2f} "
              f"R2 {train_r2:.3f} | test RMSE {test_rmse:.2f} R2 {test_r2:.3f}")

pred, rmse, r2 = evaluate(X_test_s, y_test)
print(torch.cat([pred[:5], y_test[:5]], dim=1))
print(f"final test RMSE {rmse:.3f}, R^2 {r2:.4f}")
names = ["rooms", "area", "age", "dist"]
g = torch.Generator().manual_seed(0)
for j, name in enumerate(names):
    Xp = X_test_s.clone()
    Xp[:, j] = Xp[torch.randperm(len(Xp), generator=g), j]
    _, prmse, _ = evaluate(Xp, y_test)
    print(f"{name:>6}: permutation RMSE increase {prmse - rmse:.3f}")

lin = nn.Linear(4, 1)
opt = torch.optim.SGD(lin.parameters(), lr=0.1)
for i in range(100):
    opt.zero_grad()
    l = loss_fn(lin(X_train_s), y_train_s)
    l.backward()
    opt.step()
coef = lin.weight.detach().view(-1) * y_sigma / sigma.view(-1)
print("linear coefficients", coef, "loss", round(l.item(), 6))
sol = torch.linalg.lstsq(torch.cat([X_train, torch.ones(240, 1)], 1), y_train).solution
print("least squares", sol.view(-1))
