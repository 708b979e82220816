"""Idioms of the older PyTorch teaching material (hunkim/PyTorchZeroToAll, Atcold/NYU-DLSP20,
GunhoChoi/PyTorch-FastCampus, ShusenTang/Dive-into-DL-PyTorch), seeded: torch.Tensor(t) and t.new(t) as
aliases of t (resize_ of the alias, then zero_, shows t zeroed), Variable(volatile=True), linear and
softmax regression from scratch (w.requires_grad_(requires_grad=True), an index_select data iterator,
hand SGD through param.data and grad.data.zero_()), a character RNN cell trained with Adam, the errors
these scripts run into (a 0-d class target, a float32 matrix times a float64 vector, .cuda(0) on a
CPU-only build) and the DataLoader iterator of num_workers=2."""

import random
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import Variable
from torch.utils.data import DataLoader, TensorDataset

from _show import RUNTIME_FIRST, show

warnings.simplefilter("ignore")  # (the volatile, DataLoader worker and deprecation notes: stderr)
torch.manual_seed(0)
random.seed(0)

# ---------------------------------------------------------------- tensors (NYU-DLSP20 01, FastCampus 01)
t = torch.arange(24.0).view(2, 3, 4)
r = torch.Tensor(t)
print("alias:", r is t, r.data_ptr() == t.data_ptr(), r.dtype)
r.resize_(3, 8)
r.zero_()
print("t after r.zero_():", t.sum().item(), t.shape, r.shape)
v = torch.arange(24.0)[5:9]
v.resize_(2, 3)
print("resize_ within the memory:", v.tolist(), v.storage_offset())
n = torch.ones(3)
m = n.new(n)
m.mul_(4)
print("new(t) alias:", n.tolist(), torch.Tensor(torch.arange(3)).dtype)
x = Variable(torch.ones(2), volatile=True)
print("volatile:", x.volatile, x.requires_grad)
show("matrix @ float64 vector", lambda: torch.ones(2, 3) @ torch.ones(3, dtype=torch.float64), RUNTIME_FIRST)
show("batched float64 products", lambda: torch.ones(2, 2, 3, dtype=torch.float64) @ torch.ones(2, 3, 2),
     RUNTIME_FIRST)
show("0-d class target", lambda: F.cross_entropy(torch.randn(1, 5), torch.tensor(2)))
show("x.cuda(0)", lambda: torch.ones(2).cuda(0), (RuntimeError,))
print("nn.ReLU().cuda() is itself:", nn.ReLU().cuda() is not None, nn.CrossEntropyLoss().to("cuda") is not None)

# ---------------------------------------------------------------- linear regression from scratch (d2l 3.2)
num_inputs, num_examples = 2, 200
true_w, true_b = [2, -3.4], 4.2
features = torch.randn(num_examples, num_inputs, dtype=torch.float32)
labels = true_w[0] * features[:, 0] + true_w[1] * features[:, 1] + true_b
labels += torch.tensor(np.random.default_rng(0).normal(0, 0.01, size=labels.size()), dtype=torch.float32)


def data_iter(batch_size, features, labels):
    indices = list(range(len(features)))
    random.shuffle(indices)
    for i in range(0, len(features), batch_size):
        j = torch.LongTensor(indices[i: min(i + batch_size, len(features))])
        yield features.index_select(0, j), labels.index_select(0, j)


w = torch.tensor(np.random.default_rng(1).normal(0, 0.01, (num_inputs, 1)), dtype=torch.float32)
b = torch.zeros(1, dtype=torch.float32)
w.requires_grad_(requires_grad=True)
b.requires_grad_(requires_grad=True)


def sgd(params, lr, batch_size):
    for param in params:
        param.data -= lr * param.grad / batch_size


for epoch in range(3):
    for X, y in data_iter(10, features, labels):
        loss = ((X.mm(w) + b - y.view(-1, 1)) ** 2 / 2).sum()
        loss.backward()
        sgd([w, b], 0.03, 10)
        w.grad.data.zero_()
        b.grad.data.zero_()
    train_l = ((features.mm(w) + b - labels.view(-1, 1)) ** 2 / 2).mean()
    print("epoch %d, loss %f" % (epoch + 1, train_l.item()))
print("w", w.view(-1).tolist(), "b", b.item())

# ---------------------------------------------------------------- softmax regression from scratch (d2l 3.6)
Xs = torch.randn(96, 12)
ys = (Xs[:, :3].argmax(dim=1) + (Xs[:, 3] > 1).long()) % 3
W = torch.tensor(np.random.default_rng(2).normal(0, 0.01, (12, 3)), dtype=torch.float)
bb = torch.zeros(3, dtype=torch.float)
W.requires_grad_(requires_grad=True)
bb.requires_grad_(requires_grad=True)


def softmax(X):
    X_exp = X.exp()
    return X_exp / X_exp.sum(dim=1, keepdim=True)


loader = DataLoader(TensorDataset(Xs, ys), batch_size=16, shuffle=True, num_workers=2)
it = iter(loader)
print("iterator:", type(it).__name__, len(it))
for epoch in range(4):
    total, correct = 0.0, 0
    for X, y in loader:
        y_hat = softmax(X.mm(W) + bb)
        loss = -torch.log(y_hat.gather(1, y.view(-1, 1))).sum()
        loss.backward()
        sgd([W, bb], 0.1, 16)
        W.grad.data.zero_()
        bb.grad.data.zero_()
        total += loss.item()
        correct += (y_hat.argmax(dim=1) == y).float().sum().item()
    print("epoch %d, loss %.4f, train acc %.3f" % (epoch + 1, total / len(ys), correct / len(ys)))

# ---------------------------------------------------------------- a character RNN cell (FastCampus 05)
chars = "abcdefghijklmnopqrstuvwxyz ?!.,:;01"
string = "hello pytorch. how long can a rnn cell remember?"
onehot = torch.zeros(len(string) + 2, len(chars))
onehot[0, -2] = 1
onehot[-1, -1] = 1
for i, c in enumerate(string):
    onehot[i + 1, chars.index(c)] = 1


class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(RNN, self).__init__()
        self.hidden_size = hidden_size
        self.i2h = nn.Linear(input_size, hidden_size)
        self.h2h = nn.Linear(hidden_size, hidden_size)
        self.i2o = nn.Linear(hidden_size, output_size)
        self.act_fn = nn.Tanh()

    def forward(self, input, hidden):
        hidden = self.act_fn(self.i2h(input) + self.h2h(hidden))
        return self.i2o(hidden), hidden

    def init_hidden(self):
        return Variable(torch.zeros(1, self.hidden_size))


rnn = RNN(len(chars), 24, len(chars))
optimizer = torch.optim.Adam(rnn.parameters(), lr=0.01)
loss_func = nn.MSELoss()
for i in range(30):
    rnn.zero_grad()
    total_loss = 0
    hidden = rnn.init_hidden()
    for j in range(onehot.size()[0] - 1):
        output, hidden = rnn.forward(Variable(onehot[j:j + 1, :]), hidden)
        total_loss += loss_func(output.view(-1), Variable(onehot[j + 1]).view(-1))
    total_loss.backward()
    optimizer.step()
    if i % 10 == 0:
        print(total_loss)
hidden = rnn.init_hidden()
inp = Variable(onehot[0:1, :])
out = []
for i in range(len(string)):
    output, hidden = rnn.forward(inp, hidden)
    out.append(chars[torch.Tensor.numpy(output.data).argmax()])
    inp = output
print("".join(out))
