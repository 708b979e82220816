"""sentdex's "Deep Learning and Neural Networks with Python and Pytorch" series as its viewers type it:
part 2-4's fully connected Net (F.log_softmax, F.nll_loss, torch.argmax counting), part 5-6's convnet
whose flatten size is found by a dummy pass (self._to_linear from x[0].shape), one-hot targets and
MSELoss, training by slicing Python lists of numpy arrays into torch.Tensor batches, part 7's
fwd_pass(train=...) returning acc/loss, a test with a random slice, and part 8's log lines
(f"{MODEL_NAME},{round(time),3},...") written to an in-memory file and parsed back."""

# ruff: noqa: NPY002 - the tutorial's legacy numpy random calls
import io

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from _data import digits

torch.set_num_threads(1)
torch.manual_seed(0)
np.random.seed(0)

X_all, y_all = digits()
X_all = X_all.astype(np.float32) / 16.0

# part 2-4: the fully connected net, on flattened 8x8 digits
train = torch.utils.data.TensorDataset(torch.Tensor(X_all[:1200]), torch.LongTensor(y_all[:1200]))
test = torch.utils.data.TensorDataset(torch.Tensor(X_all[1200:]), torch.LongTensor(y_all[1200:]))
trainset = torch.utils.data.DataLoader(train, batch_size=10, shuffle=True)
testset = torch.utils.data.DataLoader(test, batch_size=10, shuffle=False)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8 * 8, 64)
        self.fc2 = nn.Linear(64, 64)
        self.fc3 = nn.Linear(64, 64)
        self.fc4 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = F.relu(self.fc3(x))
        x = self.fc4(x)
        return F.log_softmax(x, dim=1)


net = Net()
print(net)
X = torch.rand((8, 8))
X = X.view(-1, 8 * 8)
output = net(X)
print("dummy output", output.shape, output.exp().sum().item() > 0.999)

optimizer = optim.Adam(net.parameters(), lr=0.001)
for epoch in range(3):
    for data in trainset:
        X, y = data
        net.zero_grad()
        output = net(X.view(-1, 64))
        loss = F.nll_loss(output, y)
        loss.backward()
        optimizer.step()
    print("epoch", epoch, "loss", round(loss.item(), 4))

correct = 0
total = 0
with torch.no_grad():
    for data in testset:
        X, y = data
        output = net(X.view(-1, 64))
        for idx, i in enumerate(output):
            if torch.argmax(i) == y[idx]:
                correct += 1
            total += 1
print("Accuracy: ", round(correct / total, 3))
print("first prediction", torch.argmax(net(X.view(-1, 64))[0]), "label", y[0])

# part 5-6: the convnet, its training data as a list of [image, one-hot] pairs
training_data = []
eye = np.eye(10)
for img, label in zip(X_all, y_all):
    training_data.append([np.array(img.reshape(8, 8)), eye[label]])
np.random.shuffle(training_data)
print("samples", len(training_data), "first label", training_data[0][1])


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.conv3 = nn.Conv2d(16, 32, 2)

        x = torch.randn(8, 8).view(-1, 1, 8, 8)
        self._to_linear = None
        self.convs(x)

        self.fc1 = nn.Linear(self._to_linear, 64)
        self.fc2 = nn.Linear(64, 10)

    def convs(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), (2, 2))
        x = F.relu(self.conv3(x))
        if self._to_linear is None:
            self._to_linear = x[0].shape[0] * x[0].shape[1] * x[0].shape[2]
        return x

    def forward(self, x):
        x = self.convs(x)
        x = x.view(-1, self._to_linear)
        x = F.relu(self.fc1(x))
        x = self.fc2(x)
        return F.softmax(x, dim=1)


torch.manual_seed(1)
net = ConvNet()
print(net)
print("to_linear", net._to_linear)

optimizer = optim.Adam(net.parameters(), lr=0.003)
loss_function = nn.MSELoss()

X = torch.Tensor([i[0] for i in training_data]).view(-1, 8, 8)
y = torch.Tensor([i[1] for i in training_data])
print("X", X.dtype, tuple(X.shape), "y", y.dtype, tuple(y.shape))

VAL_PCT = 0.2
val_size = int(len(X) * VAL_PCT)
print("val_size", val_size)
train_X = X[:-val_size]
train_y = y[:-val_size]
test_X = X[-val_size:]
test_y = y[-val_size:]
print(len(train_X), len(test_X))


def fwd_pass(X, y, train=False):
    if train:
        net.zero_grad()
    outputs = net(X)
    matches = [torch.argmax(i) == torch.argmax(j) for i, j in zip(outputs, y)]
    acc = matches.count(True) / len(matches)
    loss = loss_function(outputs, y)
    if train:
        loss.backward()
        optimizer.step()
    return acc, loss


def test(size=32):
    random_start = np.random.randint(len(test_X) - size)
    X, y = test_X[random_start:random_start + size], test_y[random_start:random_start + size]
    with torch.no_grad():
        val_acc, val_loss = fwd_pass(X.view(-1, 1, 8, 8), y)
    return val_acc, val_loss


MODEL_NAME = "model-digits"
log = io.StringIO()
BATCH_SIZE = 50
EPOCHS = 4
step = 0
for epoch in range(EPOCHS):
    for i in range(0, len(train_X), BATCH_SIZE):
        batch_X = train_X[i:i + BATCH_SIZE].view(-1, 1, 8, 8)
        batch_y = train_y[i:i + BATCH_SIZE]
        acc, loss = fwd_pass(batch_X, batch_y, train=True)
        if i % 500 == 0:
            val_acc, val_loss = test(size=50)
            log.write(f"{MODEL_NAME},{step},{round(float(acc), 2)},{round(float(loss), 4)},"
                      f"{round(float(val_acc), 2)},{round(float(val_loss), 4)}\n")
        step += 1
    print(f"Epoch: {epoch}. Loss: {loss}")

lines = log.getvalue().strip().split("\n")
print("log lines", len(lines))
for line in lines[::3]:
    print(line)
accuracies = [float(c.split(",")[2]) for c in lines]
print("mean logged acc", round(sum(accuracies) / len(accuracies), 4))

correct = 0
total = 0
with torch.no_grad():
    for i in range(len(test_X)):
        real_class = torch.argmax(test_y[i])
        net_out = net(test_X[i].view(-1, 1, 8, 8))[0]
        predicted_class = torch.argmax(net_out)
        if predicted_class == real_class:
            correct += 1
        total += 1
print("Accuracy: ", round(correct / total, 3))
print("last out", net_out)
val_acc, val_loss = test(size=100)
print("val_acc", val_acc, "val_loss", val_loss)
