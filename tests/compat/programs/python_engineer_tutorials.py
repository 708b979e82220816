"""Patrick Loeber's (python-engineer) "PyTorch Tutorial" video series, lessons 2-12, on generated data:
tensor basics (torch.empty shapes, torch.rand/ones with dtype, add_ in place, slicing .item(), view(-1, 8),
numpy bridge sharing memory), autograd (requires_grad, z.mean().backward(), backward(v) with a vector,
requires_grad_(False), detach, with torch.no_grad, the weights.grad.zero_() training loop), gradient
descent by hand in numpy and then in torch, the training pipeline (nn.Linear, nn.MSELoss, SGD), linear
and logistic regression with a standard scaler written by hand, a custom Dataset with transforms
(ToTensor / MulTransform through a Compose of its own), softmax and cross-entropy in numpy against
torch.softmax and nn.CrossEntropyLoss, activations as modules and functions, and a feed-forward net on
the digits. Seeded: every printed number agrees."""

import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

from _data import digits

torch.set_num_threads(1)
torch.manual_seed(0)

# lesson 2: tensor basics
x = torch.empty(2, 2, 3)
print("empty", x.size(), x.dtype)
x = torch.rand(2, 2)
y = torch.rand(2, 2)
print(x)
z = x + y
y.add_(x)
print(z, y, torch.equal(z, y))
print(torch.sub(x, y), torch.mul(x, y), torch.div(x, y))
x = torch.ones(2, 2, dtype=torch.float16)
print(x, x.dtype, x.size())
x = torch.tensor([2.5, 0.1])
print(x)
x = torch.rand(5, 3)
print(x[:, 0], x[1, :], x[1, 1], x[1, 1].item())
x = torch.randn(4, 4)
y = x.view(16)
z = x.view(-1, 8)
print(x.size(), y.size(), z.size())
a = torch.ones(5)
b = a.numpy()
print(type(b).__name__, b)
a.add_(1)
print(a, b)
a = np.ones(5)
b = torch.from_numpy(a)
a += 1
print(a, b)
x = torch.ones(5, requires_grad=True)
print(x)

# lesson 3: autograd
x = torch.randn(3, requires_grad=True)
y = x + 2
print(y)
print(type(y.grad_fn).__name__)
z = y * y * 3
print(z)
z = z.mean()
print(z)
z.backward()
print(x.grad)
x = torch.randn(3, requires_grad=True)
y = x * 2
for _ in range(10):
    y = y * 2
print(y, y.shape)
v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float32)
y.backward(v)
print(x.grad)
a = torch.randn(2, 2)
print(a.requires_grad)
b = ((a * 3) / (a - 1))
print(b.grad_fn)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(type(b.grad_fn).__name__, b.grad_fn.name())
a = torch.randn(2, 2, requires_grad=True)
b = a.detach()
print(b.requires_grad)
with torch.no_grad():
    print((x ** 2).requires_grad)
weights = torch.ones(4, requires_grad=True)
for epoch in range(3):
    model_output = (weights * 3).sum()
    model_output.backward()
    print(weights.grad)
    with torch.no_grad():
        weights -= 0.1 * weights.grad
    weights.grad.zero_()
print(weights)
print(model_output)

# lesson 4: backpropagation on one sample
x = torch.tensor(1.0)
y = torch.tensor(2.0)
w = torch.tensor(1.0, requires_grad=True)
y_predicted = w * x
loss = (y_predicted - y) ** 2
print(loss)
loss.backward()
print(w.grad)

# lesson 5: gradient descent, numpy then torch
X = np.array([1, 2, 3, 4], dtype=np.float32)
Y = np.array([2, 4, 6, 8], dtype=np.float32)
w = 0.0


def forward(x):
    return w * x


def loss_np(y, y_pred):
    return ((y_pred - y) ** 2).mean()


def gradient(x, y, y_pred):
    return np.mean(2 * x * (y_pred - y))


print(f"Prediction before training: f(5) = {forward(5):.3f}")
for epoch in range(20):
    y_pred = forward(X)
    l = loss_np(Y, y_pred)
    dw = gradient(X, Y, y_pred)
    w -= 0.01 * dw
    if epoch % 4 == 0:
        print(f"epoch {epoch + 1}: w = {w:.3f}, loss = {l:.8f}")
print(f"Prediction after training: f(5) = {forward(5):.3f}")

X = torch.tensor([1, 2, 3, 4], dtype=torch.float32)
Y = torch.tensor([2, 4, 6, 8], dtype=torch.float32)
w = torch.tensor(0.0, dtype=torch.float32, requires_grad=True)
print(f"Prediction before training: f(5) = {forward(5).item():.3f}")
for epoch in range(40):
    y_pred = forward(X)
    l = ((y_pred - Y) ** 2).mean()
    l.backward()
    with torch.no_grad():
        w -= 0.01 * w.grad
    w.grad.zero_()
    if epoch % 10 == 0:
        print(f"epoch {epoch + 1}: w = {w.item():.3f}, loss = {l.item():.8f}")
print(f"Prediction after training: f(5) = {forward(5).item():.3f}")

# lesson 6: the training pipeline
X = torch.tensor([[1], [2], [3], [4]], dtype=torch.float32)
Y = torch.tensor([[2], [4], [6], [8]], dtype=torch.float32)
X_test = torch.tensor([5], dtype=torch.float32)
n_samples, n_features = X.shape
print(f"#samples: {n_samples}, #features: {n_features}")


class LinearRegression(nn.Module):
    def __init__(self, input_dim, output_dim):
        super(LinearRegression, self).__init__()
        self.lin = nn.Linear(input_dim, output_dim)

    def forward(self, x):
        return self.lin(x)


model = LinearRegression(n_features, n_features)
print(f"Prediction before training: f(5) = {model(X_test).item():.3f}")
loss = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for epoch in range(100):
    y_predicted = model(X)
    l = loss(Y, y_predicted)
    l.backward()
    optimizer.step()
    optimizer.zero_grad()
    if epoch % 20 == 0:
        [w, b] = model.parameters()
        print("epoch ", epoch + 1, ": w = ", w[0][0].item(), " loss = ", l)
print(f"Prediction after training: f(5) = {model(X_test).item():.3f}")

# lesson 7: linear regression on generated data
rng = np.random.RandomState(1)
X_numpy = rng.randn(100, 1)
y_numpy = 30 * X_numpy[:, 0] + 10 * rng.randn(100)
X = torch.from_numpy(X_numpy.astype(np.float32))
y = torch.from_numpy(y_numpy.astype(np.float32))
y = y.view(y.shape[0], 1)
n_samples, n_features = X.shape
model = nn.Linear(n_features, 1)
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for epoch in range(100):
    y_predicted = model(X)
    loss = criterion(y_predicted, y)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    if (epoch + 1) % 25 == 0:
        print(f"epoch: {epoch + 1}, loss = {loss.item():.4f}")
predicted = model(X).detach().numpy()
print(predicted[:3].round(4), predicted.dtype)

# lesson 8: logistic regression with a hand-written standard scaler
rng = np.random.RandomState(2)
X0 = rng.randn(60, 5) + 1.0
X1 = rng.randn(60, 5) - 1.0
X_np = np.vstack([X0, X1]) * np.array([1, 10, 100, 0.1, 3])
y_np = np.array([0] * 60 + [1] * 60)
perm = rng.permutation(120)
X_np, y_np = X_np[perm], y_np[perm]
X_train, X_test, y_train, y_test = X_np[:96], X_np[96:], y_np[:96], y_np[96:]
mean, std = X_train.mean(0), X_train.std(0)
X_train = (X_train - mean) / std
X_test = (X_test - mean) / std
X_train = torch.from_numpy(X_train.astype(np.float32))
X_test = torch.from_numpy(X_test.astype(np.float32))
y_train = torch.from_numpy(y_train.astype(np.float32))
y_test = torch.from_numpy(y_test.astype(np.float32))
y_train = y_train.view(y_train.shape[0], 1)
y_test = y_test.view(y_test.shape[0], 1)


class LogisticRegression(nn.Module):
    def __init__(self, n_input_features):
        super(LogisticRegression, self).__init__()
        self.linear = nn.Linear(n_input_features, 1)

    def forward(self, x):
        return torch.sigmoid(self.linear(x))


model = LogisticRegression(5)
criterion = nn.BCELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for epoch in range(100):
    y_pred = model(X_train)
    loss = criterion(y_pred, y_train)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    if (epoch + 1) % 20 == 0:
        print(f"epoch: {epoch + 1}, loss = {loss.item():.4f}")
with torch.no_grad():
    y_predicted = model(X_test)
    y_predicted_cls = y_predicted.round()
    acc = y_predicted_cls.eq(y_test).sum() / float(y_test.shape[0])
    print(f"accuracy: {acc.item():.4f}", acc)


# lessons 9-10: Dataset, DataLoader and transforms
class WineDataset(Dataset):
    def __init__(self, transform=None):
        rng = np.random.RandomState(3)
        xy = np.hstack([rng.randint(1, 4, size=(45, 1)), rng.rand(45, 13) * 10]).astype(np.float32)
        self.n_samples = xy.shape[0]
        self.x_data = xy[:, 1:]
        self.y_data = xy[:, [0]]
        self.transform = transform

    def __getitem__(self, index):
        sample = self.x_data[index], self.y_data[index]
        if self.transform:
            sample = self.transform(sample)
        return sample

    def __len__(self):
        return self.n_samples


class ToTensor:
    def __call__(self, sample):
        inputs, targets = sample
        return torch.from_numpy(inputs), torch.from_numpy(targets)


class MulTransform:
    def __init__(self, factor):
        self.factor = factor

    def __call__(self, sample):
        inputs, targets = sample
        inputs *= self.factor
        return inputs, targets


class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, sample):
        for t in self.transforms:
            sample = t(sample)
        return sample


dataset = WineDataset(transform=ToTensor())
first_data = dataset[0]
features, labels = first_data
print(type(features).__name__, features[:4], labels)
dataset = WineDataset(transform=Compose([ToTensor(), MulTransform(4)]))
features, labels = dataset[0]
print(features[:4], labels, features.dtype)
train_loader = DataLoader(dataset=dataset, batch_size=4, shuffle=True, num_workers=0)
dataiter = iter(train_loader)
features, labels = next(dataiter)
print(features.shape, labels.shape, labels.view(-1))
num_epochs = 2
total_samples = len(dataset)
n_iterations = math.ceil(total_samples / 4)
print(total_samples, n_iterations)
for epoch in range(num_epochs):
    for i, (inputs, labels) in enumerate(train_loader):
        if (i + 1) % 5 == 0:
            print(f"Epoch: {epoch + 1}/{num_epochs}, Step {i + 1}/{n_iterations}| Inputs {inputs.shape} "
                  f"| Labels {labels.shape} {labels[:, 0].tolist()}")


# lesson 11: softmax and cross-entropy
def softmax(x):
    return np.exp(x) / np.sum(np.exp(x), axis=0)


x = np.array([2.0, 1.0, 0.1])
outputs = softmax(x)
print("softmax numpy:", outputs)
x = torch.tensor([2.0, 1.0, 0.1])
outputs = torch.softmax(x, dim=0)
print("softmax torch:", outputs)


def cross_entropy(actual, predicted):
    EPS = 1e-15
    predicted = np.clip(predicted, EPS, 1 - EPS)
    loss = -np.sum(actual * np.log(predicted))
    return loss


Y = np.array([1, 0, 0])
Y_pred_good = np.array([0.7, 0.2, 0.1])
Y_pred_bad = np.array([0.1, 0.3, 0.6])
print(f"Loss1 numpy: {cross_entropy(Y, Y_pred_good):.4f}")
print(f"Loss2 numpy: {cross_entropy(Y, Y_pred_bad):.4f}")
loss = nn.CrossEntropyLoss()
Y = torch.tensor([2, 0, 1])
Y_pred_good = torch.tensor([[0.1, 0.2, 3.9], [1.2, 0.1, 0.3], [0.3, 2.2, 0.2]])
Y_pred_bad = torch.tensor([[0.9, 0.2, 0.1], [0.1, 0.3, 1.5], [1.2, 0.2, 0.5]])
l1 = loss(Y_pred_good, Y)
l2 = loss(Y_pred_bad, Y)
print(f"Batch Loss1:  {l1.item():.4f}")
print(f"Batch Loss2: {l2.item():.4f}")
_, predictions1 = torch.max(Y_pred_good, 1)
_, predictions2 = torch.max(Y_pred_bad, 1)
print(f"Actual class: {Y}, Y_pred1: {predictions1}, Y_pred2: {predictions2}")


class NeuralNet2(nn.Module):
    def __init__(self, input_size, hidden_size, num_classes):
        super(NeuralNet2, self).__init__()
        self.linear1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.linear2 = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        out = self.linear1(x)
        out = self.relu(out)
        out = self.linear2(out)
        return out


model = NeuralNet2(input_size=28 * 28, hidden_size=5, num_classes=3)
print(model)

# lesson 12: activation functions
x = torch.tensor([-1.0, 1.0, 2.0, 3.0])
print(torch.softmax(x, dim=0), nn.Softmax(dim=0)(x))
print(torch.sigmoid(x), nn.Sigmoid()(x))
print(torch.tanh(x), nn.Tanh()(x))
print(torch.relu(x), nn.ReLU()(x))
print(F.leaky_relu(x, negative_slope=0.1), nn.LeakyReLU(0.1)(x))

# lesson 13: a feed-forward net on the digits
pixels, targets = digits()
X_all = torch.tensor(pixels[:400] / 16.0, dtype=torch.float32)
y_all = torch.tensor(targets[:400])
train_ds = torch.utils.data.TensorDataset(X_all[:320], y_all[:320])
test_ds = torch.utils.data.TensorDataset(X_all[320:], y_all[320:])
train_loader = torch.utils.data.DataLoader(dataset=train_ds, batch_size=32, shuffle=True)
test_loader = torch.utils.data.DataLoader(dataset=test_ds, batch_size=32, shuffle=False)
examples = iter(test_loader)
example_data, example_targets = next(examples)
print(example_data.shape, example_targets.shape)


class NeuralNet(nn.Module):
    def __init__(self, input_size, hidden_size, num_classes):
        super(NeuralNet, self).__init__()
        self.input_size = input_size
        self.l1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.l2 = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        out = self.l1(x)
        out = self.relu(out)
        out = self.l2(out)
        return out


model = NeuralNet(64, 50, 10)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
n_total_steps = len(train_loader)
for epoch in range(3):
    for i, (images, labels) in enumerate(train_loader):
        images = images.reshape(-1, 64)
        outputs = model(images)
        loss = criterion(outputs, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if (i + 1) % 5 == 0:
            print(f"Epoch [{epoch + 1}/3], Step [{i + 1}/{n_total_steps}], Loss: {loss.item():.4f}")
with torch.no_grad():
    n_correct = 0
    n_samples = 0
    for images, labels in test_loader:
        images = images.reshape(-1, 64)
        outputs = model(images)
        _, predicted = torch.max(outputs.data, 1)
        n_samples += labels.size(0)
        n_correct += (predicted == labels).sum().item()
    acc = 100.0 * n_correct / n_samples
    print(f"Accuracy of the network on the {n_samples} test images: {acc} %")
