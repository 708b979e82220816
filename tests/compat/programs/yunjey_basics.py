"""yunjey/pytorch-tutorial's basics chapters on the bundled digits and synthetic
data: linear regression on numpy arrays wrapped with torch.from_numpy and
converted back with .detach().numpy(), logistic regression with
nn.CrossEntropyLoss and the evaluation loop (torch.max(outputs.data, 1),
(predicted == labels).sum().item()), a feedforward net with update_lr over
optimizer.param_groups, and saving/loading state_dict to memory. Fixed
weights and order: every number agrees."""

import io

import numpy as np
import torch
import torch.nn as nn

from _data import digits

torch.manual_seed(0)

# ---------------------------------------------------------------- linear regression
x_train = np.array([[3.3], [4.4], [5.5], [6.71], [6.93], [4.168], [9.779], [6.182], [7.59], [2.167],
                    [7.042], [10.791], [5.313], [7.997], [3.1]], dtype=np.float32)
y_train = np.array([[1.7], [2.76], [2.09], [3.19], [1.694], [1.573], [3.366], [2.596], [2.53], [1.221],
                    [2.827], [3.465], [1.65], [2.904], [1.3]], dtype=np.float32)
model = nn.Linear(1, 1)
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.001)
for epoch in range(60):
    inputs = torch.from_numpy(x_train)
    targets = torch.from_numpy(y_train)
    outputs = model(inputs)
    loss = criterion(outputs, targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if (epoch + 1) % 10 == 0:
        print('Epoch [{}/{}], Loss: {:.4f}'.format(epoch + 1, 60, loss.item()))
predicted = model(torch.from_numpy(x_train)).detach().numpy()
print("predicted dtype", predicted.dtype, "shape", predicted.shape, "first", np.round(predicted[:3, 0], 5))
print("weight", round(model.weight.item(), 6), "bias", round(model.bias.item(), 6))

# ---------------------------------------------------------------- logistic regression on digits
pixels, labels = digits()
X = torch.from_numpy(pixels[:1200].astype(np.float32) / 16.0)
Y = torch.from_numpy(labels[:1200])
Xt = torch.from_numpy(pixels[1200:1500].astype(np.float32) / 16.0)
Yt = torch.from_numpy(labels[1200:1500])
print("types", X.dtype == torch.float32, Y.dtype == torch.long, tuple(X.shape))  # minigrad prints dtypes as numpy

train_dataset = torch.utils.data.TensorDataset(X, Y)
test_dataset = torch.utils.data.TensorDataset(Xt, Yt)
train_loader = torch.utils.data.DataLoader(dataset=train_dataset, batch_size=100, shuffle=True)
test_loader = torch.utils.data.DataLoader(dataset=test_dataset, batch_size=100, shuffle=False)

input_size, num_classes = 64, 10
model = nn.Linear(input_size, num_classes)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
total_step = len(train_loader)
for epoch in range(3):
    for i, (images, labels_) in enumerate(train_loader):
        images = images.reshape(-1, input_size)
        outputs = model(images)
        loss = criterion(outputs, labels_)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if (i + 1) % 4 == 0:
            print('Epoch [{}/{}], Step [{}/{}], Loss: {:.4f}'.format(epoch + 1, 3, i + 1, total_step, loss.item()))

with torch.no_grad():
    correct = 0
    total = 0
    for images, labels_ in test_loader:
        images = images.reshape(-1, input_size)
        outputs = model(images)
        _, predicted = torch.max(outputs.data, 1)
        total += labels_.size(0)
        correct += (predicted == labels_).sum()
    print('Accuracy of the model on the test images: {} %'.format(100 * correct / total))
    print("correct type", type(correct).__name__, correct.dtype == torch.int64, correct.item())

buf = io.BytesIO()
torch.save(model.state_dict(), buf)
print("saved keys", list(model.state_dict().keys()), buf.tell() > 0)


# ---------------------------------------------------------------- feedforward with update_lr
class NeuralNet(nn.Module):
    def __init__(self, input_size, hidden_size, num_classes):
        super(NeuralNet, self).__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        out = self.fc1(x)
        out = self.relu(out)
        out = self.fc2(out)
        return out


model = NeuralNet(input_size, 32, num_classes)
criterion = nn.CrossEntropyLoss()
learning_rate = 0.002
optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)


def update_lr(optimizer, lr):
    for param_group in optimizer.param_groups:
        param_group['lr'] = lr


curr_lr = learning_rate
for epoch in range(4):
    for i, (images, labels_) in enumerate(train_loader):
        outputs = model(images)
        loss = criterion(outputs, labels_)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if (i + 1) % 6 == 0:
            print("Epoch [{}/{}], Step [{}/{}] Loss: {:.4f}".format(epoch + 1, 4, i + 1, total_step, loss.item()))
    if (epoch + 1) % 2 == 0:
        curr_lr /= 3
        update_lr(optimizer, curr_lr)
        print("lr now", optimizer.param_groups[0]['lr'], optimizer.state_dict()['param_groups'][0]['lr'])

model.eval()
with torch.no_grad():
    correct = 0
    total = 0
    for images, labels_ in test_loader:
        outputs = model(images)
        _, predicted = torch.max(outputs.data, 1)
        total += labels_.size(0)
        correct += (predicted == labels_).sum().item()
    print('Accuracy of the network on the test images: {} %'.format(100 * correct / total))
    probs = torch.softmax(outputs, dim=1)
    print("max prob", probs.max().item(), "argmax row0", probs[0].argmax().item())

buf = io.BytesIO()
torch.save(model.state_dict(), buf)
buf.seek(0)
restored = NeuralNet(input_size, 32, num_classes)
print(restored.load_state_dict(torch.load(buf)))
print("restored equal", all(torch.equal(a, b) for a, b in zip(model.parameters(), restored.parameters())))
print("state shapes", {k: tuple(v.shape) for k, v in restored.state_dict().items()})
