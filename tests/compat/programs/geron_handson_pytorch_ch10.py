"""Hands-On Machine Learning (PyTorch edition), the chapter on building neural networks with PyTorch, on
a generated housing table: tensor basics and the numpy bridge, gradient descent on x**2 by hand, linear
regression with explicit w and b, the same with nn.Linear / SGD / MSELoss, an MLP regressor trained by
mini-batches with a train() and an evaluate(metric_fn, aggregate_fn) helper, a Wide & Deep model, one with
two inputs (a Dataset yielding ({"X_wide": ..., "X_deep": ...}, y), called as model(**inputs)) and one
with an auxiliary output and weighted losses, then saving the state_dict, loading it with
weights_only=True into a new model, and predicting."""

import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset, TensorDataset

torch.set_num_threads(1)
torch.manual_seed(42)

# ---- tensors ----
X = torch.tensor([[1.0, 4.0, 7.0], [2.0, 3.0, 6.0]])
print(X)
print(X.shape, X.dtype, X[0, 1], X[:, 1])
print(10 * (X + 1.0))
print(X.exp())
print(X.mean(), X.max(dim=0))
print(X @ X.T)
print(torch.tensor(X.numpy() * 2), X.numpy().dtype)
X2 = torch.FloatTensor(np.array([[1, 4, 7], [2, 3, 6]]))
print(X2, X2.dtype)
X[:, 1] = -99
print(X)
X.relu_()
print(X)

# ---- autograd ----
x = torch.tensor(5.0, requires_grad=True)
f = x ** 2
print(f)
f.backward()
print(x.grad)
learning_rate = 0.1
for iteration in range(100):
    f = x ** 2
    f.backward()
    with torch.no_grad():
        x -= learning_rate * x.grad
    x.grad.zero_()
print(x)
x_detached = x.detach()
x_detached -= 1.0
print(x, x.requires_grad, x_detached.requires_grad)

# ---- a generated "California housing" table: 8 features, median house value target ----
rng = np.random.default_rng(42)
n = 1200
med_inc = rng.gamma(4.0, 1.0, n)
house_age = rng.uniform(1, 52, n)
ave_rooms = rng.normal(5.4, 1.0, n)
ave_bedrms = ave_rooms * 0.2 + rng.normal(0, 0.05, n)
population = rng.lognormal(7.0, 0.7, n)
ave_occup = rng.normal(3.0, 0.6, n)
latitude = rng.uniform(32.5, 42, n)
longitude = -124.3 + (42 - latitude) * 0.9 + rng.normal(0, 0.6, n)
data = np.stack([med_inc, house_age, ave_rooms, ave_bedrms, population, ave_occup, latitude, longitude], 1)
target = (0.45 * med_inc + 0.01 * house_age - 0.1 * (ave_occup - 3) ** 2 + 0.4 * np.sin(latitude - 35)
          + 0.15 * np.abs(longitude + 120) + rng.normal(0, 0.3, n))
idx = rng.permutation(n)
train_idx, valid_idx, test_idx = idx[:800], idx[800:1000], idx[1000:]
X_train, X_valid, X_test = (torch.FloatTensor(data[i]) for i in (train_idx, valid_idx, test_idx))
y_train, y_valid, y_test = (torch.FloatTensor(target[i]).view(-1, 1) for i in (train_idx, valid_idx, test_idx))
means = X_train.mean(dim=0, keepdims=True)
stds = X_train.std(dim=0, keepdims=True)
X_train = (X_train - means) / stds
X_valid = (X_valid - means) / stds
X_test = (X_test - means) / stds
print("standardized", X_train.mean(dim=0).abs().max() < 1e-5, X_train.std(dim=0)[:3])

# ---- linear regression by hand ----
torch.manual_seed(42)
n_features = X_train.shape[1]
w = torch.randn((n_features, 1), requires_grad=True)
b = torch.tensor(0., requires_grad=True)
learning_rate = 0.4
n_epochs = 20
for epoch in range(n_epochs):
    y_pred = X_train @ w + b
    loss = ((y_pred - y_train) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        b -= learning_rate * b.grad
        w -= learning_rate * w.grad
        b.grad.zero_()
        w.grad.zero_()
    if epoch % 5 == 4:
        print(f"Epoch {epoch + 1}/{n_epochs}, Loss: {loss.item():.4f}")
X_new = X_test[:3]
with torch.no_grad():
    y_pred = X_new @ w + b
print(y_pred)

# ---- the same with PyTorch's high-level API ----
torch.manual_seed(42)
model = nn.Linear(in_features=n_features, out_features=1)
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
mse = nn.MSELoss()


def train_bgd(model, optimizer, criterion, X_train, y_train, n_epochs):
    for epoch in range(n_epochs):
        y_pred = model(X_train)
        loss = criterion(y_pred, y_train)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if epoch % 5 == 4:
            print(f"Epoch {epoch + 1}/{n_epochs}, Loss: {loss.item():.4f}")


train_bgd(model, optimizer, mse, X_train, y_train, n_epochs)
print(model.bias.data.round(decimals=3), model.weight.data.round(decimals=3))
y_pred = model(X_new)
print(y_pred)

# ---- an MLP regressor with mini-batches ----
torch.manual_seed(42)
train_dataset = TensorDataset(X_train, y_train)
train_loader = DataLoader(train_dataset, batch_size=32, shuffle=True)
valid_loader = DataLoader(TensorDataset(X_valid, y_valid), batch_size=64)
test_loader = DataLoader(TensorDataset(X_test, y_test), batch_size=64)
model = nn.Sequential(
    nn.Linear(n_features, 50), nn.ReLU(),
    nn.Linear(50, 40), nn.ReLU(),
    nn.Linear(40, 1),
)


def train(model, optimizer, criterion, train_loader, n_epochs):
    model.train()
    for epoch in range(n_epochs):
        total_loss = 0.
        for X_batch, y_batch in train_loader:
            y_pred = model(X_batch)
            loss = criterion(y_pred, y_batch)
            total_loss += loss.item()
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        mean_loss = total_loss / len(train_loader)
        print(f"Epoch {epoch + 1}/{n_epochs}, Loss: {mean_loss:.4f}")


def evaluate(model, data_loader, metric_fn, aggregate_fn=torch.mean):
    model.eval()
    metrics = []
    with torch.no_grad():
        for X_batch, y_batch in data_loader:
            y_pred = model(X_batch)
            metric = metric_fn(y_pred, y_batch)
            metrics.append(metric)
    return aggregate_fn(torch.stack(metrics))


def rmse(y_pred, y_true):
    return ((y_pred - y_true) ** 2).mean().sqrt()


optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
train(model, optimizer, mse, train_loader, n_epochs=5)
valid_mse = evaluate(model, valid_loader, mse)
print(f"valid MSE {valid_mse:.5f} RMSE (batch mean) {evaluate(model, valid_loader, rmse):.5f}")
print(f"valid MSE per batch {evaluate(model, valid_loader, mse, aggregate_fn=lambda m: m)}")


# ---- Wide & Deep ----
class WideAndDeep(nn.Module):
    def __init__(self, n_features):
        super().__init__()
        self.deep_stack = nn.Sequential(
            nn.Linear(n_features, 50), nn.ReLU(),
            nn.Linear(50, 40), nn.ReLU(),
        )
        self.output_layer = nn.Linear(40 + n_features, 1)

    def forward(self, X):
        deep_output = self.deep_stack(X)
        wide_and_deep = torch.concat([X, deep_output], dim=1)
        return self.output_layer(wide_and_deep)


torch.manual_seed(42)
model = WideAndDeep(n_features)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
train(model, optimizer, mse, train_loader, n_epochs=4)
print(f"wide&deep valid RMSE {evaluate(model, valid_loader, mse).sqrt():.4f}")


class WideAndDeepV2(nn.Module):
    def __init__(self, n_features):
        super().__init__()
        self.deep_stack = nn.Sequential(
            nn.Linear(n_features - 2, 50), nn.ReLU(),
            nn.Linear(50, 40), nn.ReLU(),
        )
        self.output_layer = nn.Linear(40 + 5, 1)

    def forward(self, X_wide, X_deep):
        deep_output = self.deep_stack(X_deep)
        wide_and_deep = torch.concat([X_wide, deep_output], dim=1)
        return self.output_layer(wide_and_deep)


class WideAndDeepDataset(Dataset):
    def __init__(self, X_wide, X_deep, y):
        self.X_wide = X_wide
        self.X_deep = X_deep
        self.y = y

    def __len__(self):
        return len(self.y)

    def __getitem__(self, idx):
        input_dict = {"X_wide": self.X_wide[idx], "X_deep": self.X_deep[idx]}
        return input_dict, self.y[idx]


train_data_wd = WideAndDeepDataset(X_wide=X_train[:, :5], X_deep=X_train[:, 2:], y=y_train)
train_loader_wd = DataLoader(train_data_wd, batch_size=32, shuffle=True)
valid_loader_wd = DataLoader(WideAndDeepDataset(X_valid[:, :5], X_valid[:, 2:], y_valid), batch_size=64)
inputs, targets = next(iter(train_loader_wd))
print({k: tuple(v.shape) for k, v in inputs.items()}, tuple(targets.shape))

torch.manual_seed(42)
model = WideAndDeepV2(n_features)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
model.train()
for epoch in range(4):
    total = 0.
    for inputs, y_batch in train_loader_wd:
        y_pred = model(**inputs)
        loss = mse(y_pred, y_batch)
        total += loss.item()
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    print(f"two-input epoch {epoch + 1} loss {total / len(train_loader_wd):.4f}")
model.eval()
with torch.no_grad():
    errs = torch.cat([model(**inp) - yb for inp, yb in valid_loader_wd])
print(f"two-input valid RMSE {errs.pow(2).mean().sqrt():.4f}")


class WideAndDeepV3(WideAndDeepV2):
    def __init__(self, n_features):
        super().__init__(n_features)
        self.aux_output_layer = nn.Linear(40, 1)

    def forward(self, X_wide, X_deep):
        deep_output = self.deep_stack(X_deep)
        wide_and_deep = torch.concat([X_wide, deep_output], dim=1)
        main_output = self.output_layer(wide_and_deep)
        aux_output = self.aux_output_layer(deep_output)
        return main_output, aux_output


torch.manual_seed(42)
model = WideAndDeepV3(n_features)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
model.train()
for epoch in range(3):
    total_main = total_aux = 0.
    for inputs, y_batch in train_loader_wd:
        y_pred, y_pred_aux = model(**inputs)
        main_loss = mse(y_pred, y_batch)
        aux_loss = mse(y_pred_aux, y_batch)
        loss = 0.8 * main_loss + 0.2 * aux_loss
        total_main += main_loss.item()
        total_aux += aux_loss.item()
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    print(f"aux epoch {epoch + 1} main {total_main / len(train_loader_wd):.4f} aux {total_aux / len(train_loader_wd):.4f}")

# ---- saving and loading ----
tmp = tempfile.mkdtemp()
torch.save(model.state_dict(), os.path.join(tmp, "my_fancy_model_weights.pt"))
new_model = WideAndDeepV3(n_features)
loaded_weights = torch.load(os.path.join(tmp, "my_fancy_model_weights.pt"), weights_only=True)
print(new_model.load_state_dict(loaded_weights))
model.eval()
new_model.eval()
X_new_wide, X_new_deep = X_test[:3, :5], X_test[:3, 2:]
with torch.no_grad():
    y_pred_main, y_pred_aux = new_model(X_new_wide, X_new_deep)
    same = torch.equal(model(X_new_wide, X_new_deep)[0], y_pred_main)
print(type(new_model).__name__, y_pred_main.squeeze(), y_pred_aux.squeeze(), same)
print("targets", y_test[:3].squeeze())
print(sorted(os.listdir(tmp)), list(loaded_weights)[:3])
