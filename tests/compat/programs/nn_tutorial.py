"""The "What is torch.nn really?" tutorial's path, on the bundled 8x8 digits:
hand-written logistic regression with in-place updates under no_grad, then
nn.Module, TensorDataset/DataLoader, get_data/fit with model.train()/eval(),
a Lambda module, WrappedDataLoader with a preprocess function, and a CNN with
nn.AdaptiveAvgPool2d. The first part starts from fixed weights (exact); the
fit() parts shuffle with the seed (loose: this small CNN's result varies a lot
with the batch order, so its check only tells learning from not learning)."""

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

from _data import digits

pixels, labels = digits()
x_train, y_train, x_valid, y_valid = map(
    torch.tensor, (pixels[:1400] / 16.0, labels[:1400], pixels[1400:] / 16.0, labels[1400:])
)
x_train, x_valid = x_train.float(), x_valid.float()
n, c = x_train.shape
print(x_train.shape, y_train.min().item(), y_train.max().item())

# --- neural net from scratch
weights = (torch.cos(torch.arange(64 * 10, dtype=torch.float32)).view(64, 10) / math.sqrt(64))
weights.requires_grad_()
bias = torch.zeros(10, requires_grad=True)


def log_softmax(x):
    return x - x.exp().sum(-1).log().unsqueeze(-1)


def model(xb):
    return log_softmax(xb @ weights + bias)


def nll(input, target):
    return -input[range(target.shape[0]), target].mean()


def accuracy(out, yb):
    preds = torch.argmax(out, dim=1)
    return (preds == yb).float().mean()


loss_func = nll
bs, lr, epochs = 64, 0.5, 2
for epoch in range(epochs):
    for i in range((n - 1) // bs + 1):
        start_i = i * bs
        end_i = start_i + bs
        xb = x_train[start_i:end_i]
        yb = y_train[start_i:end_i]
        pred = model(xb)
        loss = loss_func(pred, yb)
        loss.backward()
        with torch.no_grad():
            weights -= weights.grad * lr
            bias -= bias.grad * lr
            weights.grad.zero_()
            bias.grad.zero_()
print(f"scratch loss {loss_func(model(xb), yb).item():.6f} accuracy {accuracy(model(xb), yb).item():.6f}")

# --- the same with nn.Module, F.cross_entropy and optim
torch.manual_seed(0)
loss_func = F.cross_entropy


class Mnist_Logistic(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(64, 10)

    def forward(self, xb):
        return self.lin(xb)


def get_data(train_ds, valid_ds, bs):
    return (
        DataLoader(train_ds, batch_size=bs, shuffle=True),
        DataLoader(valid_ds, batch_size=bs * 2),
    )


def loss_batch(model, loss_func, xb, yb, opt=None):
    loss = loss_func(model(xb), yb)
    if opt is not None:
        loss.backward()
        opt.step()
        opt.zero_grad()
    return loss.item(), len(xb)


def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss_batch(model, loss_func, xb, yb, opt)
        model.eval()
        with torch.no_grad():
            losses, nums = zip(*[loss_batch(model, loss_func, xb, yb) for xb, yb in valid_dl])
        val_loss = np.sum(np.multiply(losses, nums)) / np.sum(nums)
        print(epoch, f"{val_loss:.4f}")
    return val_loss


train_ds = TensorDataset(x_train, y_train)
valid_ds = TensorDataset(x_valid, y_valid)
train_dl, valid_dl = get_data(train_ds, valid_ds, bs)
model = Mnist_Logistic()
opt = optim.SGD(model.parameters(), lr=lr)
print(f"logistic valid loss {fit(3, model, loss_func, opt, train_dl, valid_dl):.4f}")


# --- a CNN with a Lambda layer, WrappedDataLoader and AdaptiveAvgPool2d
class Lambda(nn.Module):
    def __init__(self, func):
        super().__init__()
        self.func = func

    def forward(self, x):
        return self.func(x)


def preprocess(x, y):
    return x.view(-1, 1, 8, 8), y


class WrappedDataLoader:
    def __init__(self, dl, func):
        self.dl = dl
        self.func = func

    def __len__(self):
        return len(self.dl)

    def __iter__(self):
        for b in self.dl:
            yield (self.func(*b))


train_dl, valid_dl = get_data(train_ds, valid_ds, bs)
train_dl = WrappedDataLoader(train_dl, preprocess)
valid_dl = WrappedDataLoader(valid_dl, preprocess)
model = nn.Sequential(
    nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1),
    nn.ReLU(),
    nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1),
    nn.ReLU(),
    nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1),
    nn.ReLU(),
    nn.AdaptiveAvgPool2d(1),
    Lambda(lambda x: x.view(x.size(0), -1)),
)
with torch.no_grad():  # fixed starting weights: only the shuffling differs between runs
    for i, p in enumerate(model.parameters()):
        fan_in = p[0].numel() if p.dim() > 1 else 16
        p.copy_(torch.cos(torch.arange(p.numel(), dtype=torch.float32) * 1.7 + i).view_as(p) / fan_in**0.5)
opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
val_loss = fit(8, model, loss_func, opt, train_dl, valid_dl)
model.eval()
with torch.no_grad():
    acc = sum(accuracy(model(xb), yb).item() * len(xb) for xb, yb in valid_dl) / len(valid_ds)
print(f"cnn valid loss {val_loss:.4f} accuracy {acc:.4f}")
