"""Udacity's deep-learning-v2-pytorch "Intro to PyTorch" parts 1 to 3 as written: a single neuron and a
two-layer network by hand (torch.manual_seed(7), randn_like, torch.sum vs torch.mm with view), the numpy
bridge sharing memory, a network from nn.Module and from nn.Sequential with an OrderedDict, the weights
reinitialised through .data.fill_ / .data.normal_, softmax by hand, then NLLLoss on LogSoftmax outputs,
autograd (grad_fn prints, x.grad against x/2), gradients before and after backward, one optimizer step
printed, and the training loop with running loss per epoch, on the bundled digits."""

from collections import OrderedDict

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

from _data import digits

torch.set_num_threads(1)


def activation(x):
    return 1 / (1 + torch.exp(-x))


torch.manual_seed(7)
features = torch.randn((1, 5))
weights = torch.randn_like(features)
bias = torch.randn((1, 1))
y = activation(torch.sum(features * weights) + bias)
print(y)
y = activation((features * weights).sum() + bias)
print(y)
print(activation(torch.mm(features, weights.view(5, 1)) + bias))
print(weights.shape, weights.reshape(5, 1).shape, weights.view(5, 1).is_contiguous())

torch.manual_seed(7)
features = torch.randn((1, 3))
n_input = features.shape[1]
n_hidden = 2
n_output = 1
W1 = torch.randn(n_input, n_hidden)
W2 = torch.randn(n_hidden, n_output)
B1 = torch.randn((1, n_hidden))
B2 = torch.randn((1, n_output))
h = activation(torch.mm(features, W1) + B1)
output = activation(torch.mm(h, W2) + B2)
print(output)

a = np.random.default_rng(0).random((4, 3))
print(a)
b = torch.from_numpy(a)
print(b)
print(b.numpy())
b.mul_(2)
print(a)

# ---- part 2: neural networks in PyTorch ----
pixels, labels = digits()
images_all = (torch.tensor(pixels[:512], dtype=torch.float32) / 16.0 - 0.5) / 0.5
labels_all = torch.tensor(labels[:512])
trainloader = DataLoader(TensorDataset(images_all.view(-1, 1, 8, 8), labels_all), batch_size=64, shuffle=True)
dataiter = iter(trainloader)
images, labels_b = next(dataiter)
print(type(images))
print(images.shape)
print(labels_b.shape)
inputs = images.view(images.shape[0], -1)


def softmax(x):
    return torch.exp(x) / torch.sum(torch.exp(x), dim=1).view(-1, 1)


torch.manual_seed(7)
w1 = torch.randn(64, 32)
b1 = torch.randn(32)
w2 = torch.randn(32, 10)
b2 = torch.randn(10)
h = activation(torch.mm(inputs, w1) + b1)
out = torch.mm(h, w2) + b2
probabilities = softmax(out)
print(probabilities.shape)
print(probabilities.sum(dim=1)[:6])


class Network(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(64, 32)
        self.output = nn.Linear(32, 10)
        self.sigmoid = nn.Sigmoid()
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        x = self.hidden(x)
        x = self.sigmoid(x)
        x = self.output(x)
        x = self.softmax(x)
        return x


torch.manual_seed(7)
model = Network()
print(model)


class Network2(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(64, 32)
        self.output = nn.Linear(32, 10)

    def forward(self, x):
        x = F.sigmoid(self.hidden(x))
        x = F.softmax(self.output(x), dim=1)
        return x


print(Network2()(inputs).shape)
print(model.hidden.weight.shape, model.hidden.bias[:4])
model.hidden.bias.data.fill_(0)
model.hidden.weight.data.normal_(std=0.01)
print(model.hidden.bias[:4], round(model.hidden.weight.std().item(), 5))
ps = model.forward(inputs[:1])
print(ps)

input_size = 64
hidden_sizes = [32, 16]
output_size = 10
model = nn.Sequential(OrderedDict([
    ("fc1", nn.Linear(input_size, hidden_sizes[0])),
    ("relu1", nn.ReLU()),
    ("fc2", nn.Linear(hidden_sizes[0], hidden_sizes[1])),
    ("relu2", nn.ReLU()),
    ("output", nn.Linear(hidden_sizes[1], output_size)),
    ("softmax", nn.Softmax(dim=1))]))
print(model)
print(model[0])
print(model.fc1)

# ---- part 3: training neural networks ----
torch.manual_seed(7)
model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 10))
criterion = nn.CrossEntropyLoss()
logits = model(inputs)
loss = criterion(logits, labels_b)
print(loss)
model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 10),
                      nn.LogSoftmax(dim=1))
criterion = nn.NLLLoss()
logps = model(inputs)
loss = criterion(logps, labels_b)
print(loss)

x = torch.randn(2, 2, requires_grad=True)
print(x)
y = x ** 2
print(y)
print(str(y.grad_fn).split(" at ")[0] + ">")  # (the notebook prints the node, whose address varies)
z = y.mean()
print(z)
print(x.grad)
z.backward()
print(x.grad)
print(x / 2)

print("Before backward pass: \n", model[0].weight.grad)
loss.backward()
print("After backward pass: \n", model[0].weight.grad[:2, :6])

optimizer = optim.SGD(model.parameters(), lr=0.01)
print("Initial weights - ", model[0].weight[:2, :4])
optimizer.zero_grad()
output = model(inputs)
loss = criterion(output, labels_b)
loss.backward()
print("Gradient -", model[0].weight.grad[:2, :4])
optimizer.step()
print("Updated weights - ", model[0].weight[:2, :4])

optimizer = optim.SGD(model.parameters(), lr=0.1)
epochs = 5
for e in range(epochs):
    running_loss = 0
    for images, labels_b in trainloader:
        images = images.view(images.shape[0], -1)
        optimizer.zero_grad()
        output = model(images)
        loss = criterion(output, labels_b)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    else:
        print(f"Training loss: {running_loss / len(trainloader)}")

img = images[0].view(1, 64)
with torch.no_grad():
    logps = model(img)
ps = torch.exp(logps)
print("class probabilities", ps.numpy().squeeze().round(3), "label", labels_b[0].item())
