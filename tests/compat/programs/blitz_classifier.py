"""The 60-minute blitz's "Neural Networks" and "Training a Classifier" parts on
synthetic CIFAR-sized images: the LeNet-style Net (conv1/conv2 5x5,
F.max_pool2d with (2, 2) and with 2, torch.flatten(x, 1)), params =
list(net.parameters()) and params[0].size(), net.zero_grad() then
out.backward(torch.randn(1, 10)), nn.MSELoss on a target.view(1, -1),
following loss.grad_fn.next_functions[0][0] back through the graph,
conv1.bias.grad before and after backward, the manual update
f.data.sub_(f.grad.data * learning_rate), optim.SGD with momentum over a
DataLoader of fixed images, running_loss every few mini-batches, and the
per-class accuracy loop with classes / correct_pred dicts and zip.
Seeded: every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)


class Net(nn.Module):

    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, input):
        c1 = F.relu(self.conv1(input))
        s2 = F.max_pool2d(c1, (2, 2))
        c3 = F.relu(self.conv2(s2))
        s4 = F.max_pool2d(c3, 2)
        s4 = torch.flatten(s4, 1)
        f5 = F.relu(self.fc1(s4))
        f6 = F.relu(self.fc2(f5))
        output = self.fc3(f6)
        return output


net = Net()
print(net)
params = list(net.parameters())
print(len(params))
print(params[0].size())
input = torch.randn(1, 1, 32, 32)
out = net(input)
print(out)
net.zero_grad()
out.backward(torch.randn(1, 10))

output = net(input)
target = torch.randn(10)
target = target.view(1, -1)
criterion = nn.MSELoss()
loss = criterion(output, target)
print(loss)
print(loss.grad_fn.name())
print(loss.grad_fn.next_functions[0][0].name())  # MSELoss -> Linear
print(loss.grad_fn.next_functions[0][0].next_functions[0][0].name())  # -> AccumulateGrad

net.zero_grad()
print('conv1.bias.grad before backward')
print(net.conv1.bias.grad)
loss.backward()
print('conv1.bias.grad after backward')
print(net.conv1.bias.grad)

learning_rate = 0.01
for f in net.parameters():
    f.data.sub_(f.grad.data * learning_rate)
print("after manual step", criterion(net(input), target).item())

optimizer = optim.SGD(net.parameters(), lr=0.01)
optimizer.zero_grad()
output = net(input)
loss = criterion(output, target)
loss.backward()
optimizer.step()
print("after optim step", criterion(net(input), target).item())


# ---------------------------------------------------------------- training a classifier
classes = ('plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck')


class CifarNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


# class-dependent colour blobs: a learnable toy in place of the CIFAR download
n = 160
labels = torch.arange(n) % 10
yy, xx = torch.meshgrid(torch.arange(32.0), torch.arange(32.0), indexing="ij")
centers = torch.stack([labels * 2.5 + 4, (labels * 7) % 24 + 4], 1).float()
blob = torch.exp(-((yy - centers[:, 0, None, None]) ** 2 + (xx - centers[:, 1, None, None]) ** 2) / 30)
colour = torch.stack([torch.cos(labels * 0.6), torch.sin(labels * 0.9), torch.cos(labels * 1.3 + 1)], 1)
images = blob[:, None] * colour[:, :, None, None] + torch.randn(n, 3, 32, 32) * 0.1
images = (images - 0.5) / 0.5
trainset = TensorDataset(images[:120], labels[:120])
testset = TensorDataset(images[120:], labels[120:])
batch_size = 4
trainloader = DataLoader(trainset, batch_size=batch_size, shuffle=True, num_workers=0)
testloader = DataLoader(testset, batch_size=batch_size, shuffle=False, num_workers=0)
dataiter = iter(trainloader)
images_b, labels_b = next(dataiter)
print(' '.join(f'{classes[labels_b[j]]:5s}' for j in range(batch_size)))

net = CifarNet()
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
for epoch in range(2):
    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        inputs, labels_b = data
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs, labels_b)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
        if i % 10 == 9:
            print(f'[{epoch + 1}, {i + 1:5d}] loss: {running_loss / 10:.6f}')
            running_loss = 0.0
print('Finished Training')

dataiter = iter(testloader)
images_b, labels_b = next(dataiter)
print('GroundTruth: ', ' '.join(f'{classes[labels_b[j]]:5s}' for j in range(4)))
outputs = net(images_b)
_, predicted = torch.max(outputs, 1)
print('Predicted: ', ' '.join(f'{classes[predicted[j]]:5s}' for j in range(4)))

correct = 0
total = 0
with torch.no_grad():
    for data in testloader:
        images_b, labels_b = data
        outputs = net(images_b)
        _, predicted = torch.max(outputs.data, 1)
        total += labels_b.size(0)
        correct += (predicted == labels_b).sum().item()
print(f'Accuracy of the network on the {total} test images: {100 * correct // total} %')

correct_pred = {classname: 0 for classname in classes}
total_pred = {classname: 0 for classname in classes}
with torch.no_grad():
    for data in testloader:
        images_b, labels_b = data
        outputs = net(images_b)
        _, predictions = torch.max(outputs, 1)
        for label, prediction in zip(labels_b, predictions):
            if label == prediction:
                correct_pred[classes[label]] += 1
            total_pred[classes[label]] += 1
for classname, correct_count in correct_pred.items():
    accuracy = 100 * float(correct_count) / total_pred[classname]
    print(f'Accuracy for class: {classname:5s} is {accuracy:.1f} %')
