"""d2l.ai's from-scratch chapters in one script: linear regression with
synthetic_data (torch.normal), a data_iter generator over random.shuffle'd
indices and minibatch sgd under torch.no_grad; softmax regression from scratch
on the bundled digits with an Accumulator; an MLP with dropout_layer written by
hand ((torch.rand(X.shape) > dropout).float()); batch_norm from scratch with
moving averages and torch.is_grad_enabled(); weight decay by an l2_penalty;
then the concise versions (nn.init.normal_ via net.apply, weight_decay in a
parameter group). Seeded: every number agrees."""

import random

import torch
from torch import nn
from torch.utils import data

from _data import digits

torch.manual_seed(0)
random.seed(0)


def synthetic_data(w, b, num_examples):
    """Generate y = Xw + b + noise."""
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


true_w = torch.tensor([2, -3.4])
true_b = 4.2
features, labels = synthetic_data(true_w, true_b, 1000)
print("features:", features[0], "\nlabel:", labels[0])


def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(indices[i: min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
b = torch.zeros(1, requires_grad=True)


def linreg(X, w, b):
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


lr, num_epochs, batch_size = 0.03, 3, 10
for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels):
        l = squared_loss(linreg(X, w, b), y)
        l.sum().backward()
        sgd([w, b], lr, batch_size)
    with torch.no_grad():
        train_l = squared_loss(linreg(features, w, b), labels)
        print(f"epoch {epoch + 1}, loss {float(train_l.mean()):f}")
print(f"error in estimating w: {true_w - w.reshape(true_w.shape)}")
print(f"error in estimating b: {true_b - b}")


class Accumulator:
    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def __getitem__(self, idx):
        return self.data[idx]


pixels, digit_labels = digits()
X_all = torch.tensor(pixels[:800], dtype=torch.float32) / 16
y_all = torch.tensor(digit_labels[:800])
train_iter = data.DataLoader(data.TensorDataset(X_all[:600], y_all[:600]), batch_size=50, shuffle=True)
test_iter = data.DataLoader(data.TensorDataset(X_all[600:], y_all[600:]), batch_size=100)

num_inputs, num_outputs = 64, 10
W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)
b = torch.zeros(num_outputs, requires_grad=True)


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition


def net(X):
    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)


def cross_entropy(y_hat, y):
    return -torch.log(y_hat[range(len(y_hat)), y])


def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


def evaluate_accuracy(net, data_iter):
    if isinstance(net, torch.nn.Module):
        net.eval()
    metric = Accumulator(2)
    with torch.no_grad():
        for X, y in data_iter:
            metric.add(accuracy(net(X), y), y.numel())
    return metric[0] / metric[1]


def train_epoch_ch3(net, train_iter, loss, updater):
    if isinstance(net, torch.nn.Module):
        net.train()
    metric = Accumulator(3)
    for X, y in train_iter:
        y_hat = net(X)
        l = loss(y_hat, y)
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        else:
            l.sum().backward()
            updater(X.shape[0])
        metric.add(float(l.sum()), accuracy(y_hat, y), y.numel())
    return metric[0] / metric[2], metric[1] / metric[2]


def updater(batch_size):
    return sgd([W, b], 0.5, batch_size)


for epoch in range(3):
    train_metrics = train_epoch_ch3(net, train_iter, cross_entropy, updater)
    print(f"softmax epoch {epoch + 1} | loss {train_metrics[0]:.5f} | train acc {train_metrics[1]:.4f} | "
          f"test acc {evaluate_accuracy(net, test_iter):.4f}")


def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1:
        return torch.zeros_like(X)
    mask = (torch.rand(X.shape) > dropout).float()
    return mask * X / (1.0 - dropout)


X = torch.arange(16, dtype=torch.float32).reshape((2, 8))
print("dropout 0.5", dropout_layer(X, 0.5))


def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    if not torch.is_grad_enabled():
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
    else:
        assert len(X.shape) in (2, 4)
        if len(X.shape) == 2:
            mean = X.mean(dim=0)
            var = ((X - mean) ** 2).mean(dim=0)
        else:
            mean = X.mean(dim=(0, 2, 3), keepdim=True)
            var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
        X_hat = (X - mean) / torch.sqrt(var + eps)
        moving_mean = (1.0 - momentum) * moving_mean + momentum * mean
        moving_var = (1.0 - momentum) * moving_var + momentum * var
    Y = gamma * X_hat + beta
    return Y, moving_mean.data, moving_var.data


class BatchNorm(nn.Module):
    def __init__(self, num_features, num_dims):
        super().__init__()
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        self.moving_mean = torch.zeros(shape)
        self.moving_var = torch.ones(shape)

    def forward(self, X):
        if self.moving_mean.device != X.device:
            self.moving_mean = self.moving_mean.to(X.device)
            self.moving_var = self.moving_var.to(X.device)
        Y, self.moving_mean, self.moving_var = batch_norm(
            X, self.gamma, self.beta, self.moving_mean,
            self.moving_var, eps=1e-5, momentum=0.1)
        return Y


class DropoutMLP(nn.Module):
    def __init__(self, num_inputs, num_outputs, num_hiddens1, num_hiddens2, is_training=True):
        super().__init__()
        self.num_inputs = num_inputs
        self.training = is_training
        self.lin1 = nn.Linear(num_inputs, num_hiddens1)
        self.bn = BatchNorm(num_hiddens1, num_dims=2)
        self.lin2 = nn.Linear(num_hiddens1, num_hiddens2)
        self.lin3 = nn.Linear(num_hiddens2, num_outputs)
        self.relu = nn.ReLU()

    def forward(self, X):
        H1 = self.relu(self.bn(self.lin1(X.reshape((-1, self.num_inputs)))))
        if self.training:
            H1 = dropout_layer(H1, 0.2)
        H2 = self.relu(self.lin2(H1))
        if self.training:
            H2 = dropout_layer(H2, 0.5)
        return self.lin3(H2)


def l2_penalty(w):
    return torch.sum(w.pow(2)) / 2


mlp = DropoutMLP(64, 10, 64, 32)
loss = nn.CrossEntropyLoss(reduction="none")
trainer = torch.optim.SGD(mlp.parameters(), lr=0.1)
for epoch in range(3):
    mlp.training = True
    metric = Accumulator(3)
    for Xb, yb in train_iter:
        l = loss(mlp(Xb), yb) + 1e-3 * l2_penalty(mlp.lin1.weight)
        trainer.zero_grad()
        l.mean().backward()
        trainer.step()
        metric.add(float(l.sum()), 0, yb.numel())
    mlp.training = False
    print(f"mlp epoch {epoch + 1} | loss {metric[0] / metric[2]:.5f} | test acc {evaluate_accuracy(mlp, test_iter):.4f}")
print("moving mean", [round(v, 5) for v in mlp.bn.moving_mean[0, :4].tolist()])

concise = nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.BatchNorm1d(32), nn.ReLU(),
                        nn.Linear(32, 10))


def init_weights(m):
    if type(m) == nn.Linear:  # noqa: E721 - as d2l writes it
        nn.init.normal_(m.weight, std=0.01)
        nn.init.zeros_(m.bias)


concise.apply(init_weights)
trainer = torch.optim.SGD([{"params": concise[1].weight, "weight_decay": 1e-3},
                           {"params": [p for n, p in concise.named_parameters() if n != "1.weight"]}], lr=0.5)
for epoch in range(3):
    train_metrics = train_epoch_ch3(concise, train_iter, loss, trainer)
    print(f"concise epoch {epoch + 1} | loss {train_metrics[0]:.5f} | acc {train_metrics[1]:.4f} | "
          f"test acc {evaluate_accuracy(concise, test_iter):.4f}")
