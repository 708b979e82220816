"""The CS231n "PyTorch.ipynb" assignment on the bundled 8x8 digits tinted into 3-channel images: the
barebones part (flatten, two_layer_fc and three_layer_convnet on explicit weights through F.conv2d,
random_weight with Kaiming scaling, manual SGD under torch.no_grad with w.grad.zero_()), the nn.Module
part (TwoLayerFC / ThreeLayerConvNet with nn.init.kaiming_normal_, train_part34 / check_accuracy_part34),
and the nn.Sequential part (a Flatten module, SGD with Nesterov momentum), all fed by DataLoaders over
SubsetRandomSampler index ranges, as the notebook splits CIFAR-10 into train and val."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, Dataset, sampler

from _data import digits

torch.set_num_threads(1)
torch.manual_seed(231)

USE_GPU = True
dtype = torch.float32
device = torch.device("cuda") if USE_GPU and torch.cuda.is_available() else torch.device("cpu")
print("using device:", device)
print_every = 4


class TintedDigits(Dataset):
    """3x8x8 images (a digit times a per-class tint), normalised per channel as T.Normalize would."""

    def __init__(self, pixels, labels, train):
        self.train = train
        tints = torch.tensor([[1.0, 0.4, 0.2], [0.3, 1.0, 0.5], [0.6, 0.2, 1.0]])
        x = torch.tensor(pixels, dtype=torch.float32).view(-1, 1, 8, 8) / 16.0
        x = x * tints[torch.tensor(labels) % 3].view(-1, 3, 1, 1)
        mean = x.mean(dim=(0, 2, 3), keepdim=True)
        std = x.std(dim=(0, 2, 3), keepdim=True)
        self.x = (x - mean) / std
        self.y = torch.tensor(labels)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.x[i], int(self.y[i])


pixels, labels = digits()
NUM_TRAIN = 480
train_data = TintedDigits(pixels[:600], labels[:600], train=True)
test_data = TintedDigits(pixels[600:760], labels[600:760], train=False)
loader_train = DataLoader(train_data, batch_size=64, sampler=sampler.SubsetRandomSampler(range(NUM_TRAIN)))
loader_val = DataLoader(train_data, batch_size=64, sampler=sampler.SubsetRandomSampler(range(NUM_TRAIN, 600)))
loader_test = DataLoader(test_data, batch_size=64)


def flatten(x):
    N = x.shape[0]  # read in N, C, H, W
    return x.view(N, -1)  # "flatten" the C * H * W values into a single vector per image


def test_flatten():
    x = torch.arange(12).view(2, 1, 3, 2)
    print("Before flattening: ", x)
    print("After flattening: ", flatten(x))


test_flatten()


def two_layer_fc(x, params):
    x = flatten(x)
    w1, w2 = params
    x = F.relu(x.mm(w1))
    x = x.mm(w2)
    return x


def two_layer_fc_test():
    hidden_layer_size = 42
    x = torch.zeros((64, 50), dtype=dtype)
    w1 = torch.zeros((50, hidden_layer_size), dtype=dtype)
    w2 = torch.zeros((hidden_layer_size, 10), dtype=dtype)
    scores = two_layer_fc(x, [w1, w2])
    print(scores.size())


two_layer_fc_test()


def three_layer_convnet(x, params):
    conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b = params
    x = F.relu(F.conv2d(x, conv_w1, conv_b1, padding=2))
    x = F.relu(F.conv2d(x, conv_w2, conv_b2, padding=1))
    scores = flatten(x).mm(fc_w) + fc_b
    return scores


def three_layer_convnet_test():
    x = torch.zeros((64, 3, 32, 32), dtype=dtype)
    conv_w1 = torch.zeros((6, 3, 5, 5), dtype=dtype)
    conv_b1 = torch.zeros((6,))
    conv_w2 = torch.zeros((9, 6, 3, 3), dtype=dtype)
    conv_b2 = torch.zeros((9,))
    fc_w = torch.zeros((9 * 32 * 32, 10))
    fc_b = torch.zeros(10)
    scores = three_layer_convnet(x, [conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b])
    print(scores.size())


three_layer_convnet_test()


def random_weight(shape):
    if len(shape) == 2:  # FC weight
        fan_in = shape[0]
    else:
        fan_in = np.prod(shape[1:])  # conv weight [out_channel, in_channel, kH, kW]
    w = torch.randn(shape, device=device, dtype=dtype) * np.sqrt(2. / fan_in)
    w.requires_grad = True
    return w


def zero_weight(shape):
    return torch.zeros(shape, device=device, dtype=dtype, requires_grad=True)


w = random_weight((3, 5))
print(w.shape, w.requires_grad, w.is_leaf, type(np.sqrt(2. / np.prod((3, 5)[1:]))).__name__)


def check_accuracy_part2(loader, model_fn, params):
    split = "val" if loader.dataset.train else "test"
    print("Checking accuracy on the %s set" % split)
    num_correct, num_samples = 0, 0
    with torch.no_grad():
        for x, y in loader:
            x = x.to(device=device, dtype=dtype)
            y = y.to(device=device, dtype=torch.int64)
            scores = model_fn(x, params)
            _, preds = scores.max(1)
            num_correct += (preds == y).sum()
            num_samples += preds.size(0)
        acc = float(num_correct) / num_samples
        print("Got %d / %d correct (%.2f%%)" % (num_correct, num_samples, 100 * acc))
    return acc


def train_part2(model_fn, params, learning_rate, epochs=1):
    for e in range(epochs):
        for t, (x, y) in enumerate(loader_train):
            x = x.to(device=device, dtype=dtype)
            y = y.to(device=device, dtype=torch.long)
            scores = model_fn(x, params)
            loss = F.cross_entropy(scores, y)
            loss.backward()
            with torch.no_grad():
                for w in params:
                    w -= learning_rate * w.grad
                    w.grad.zero_()
            if t % print_every == 0:
                print("Iteration %d, loss = %.4f" % (t, loss.item()))
                check_accuracy_part2(loader_val, model_fn, params)
                print()


hidden_layer_size = 64
learning_rate = 5e-2
w1 = random_weight((3 * 8 * 8, hidden_layer_size))
w2 = random_weight((hidden_layer_size, 10))
train_part2(two_layer_fc, [w1, w2], learning_rate, epochs=2)

channel_1, channel_2 = 8, 6
conv_w1 = random_weight((channel_1, 3, 5, 5))
conv_b1 = zero_weight((channel_1,))
conv_w2 = random_weight((channel_2, channel_1, 3, 3))
conv_b2 = zero_weight((channel_2,))
fc_w = random_weight((channel_2 * 8 * 8, 10))
fc_b = zero_weight((10,))
params = [conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b]
train_part2(three_layer_convnet, params, 3e-2, epochs=2)
print("conv_b1 after training", conv_b1.detach().numpy().round(4))
print("grads zeroed", all(float(p.grad.abs().sum()) == 0.0 for p in params))


class TwoLayerFC(nn.Module):
    def __init__(self, input_size, hidden_size, num_classes):
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        nn.init.kaiming_normal_(self.fc1.weight)
        self.fc2 = nn.Linear(hidden_size, num_classes)
        nn.init.kaiming_normal_(self.fc2.weight)

    def forward(self, x):
        x = flatten(x)
        scores = self.fc2(F.relu(self.fc1(x)))
        return scores


class ThreeLayerConvNet(nn.Module):
    def __init__(self, in_channel, channel_1, channel_2, num_classes):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channel, channel_1, (5, 5), padding=2, bias=True)
        nn.init.kaiming_normal_(self.conv1.weight)
        nn.init.constant_(self.conv1.bias, 0)
        self.conv2 = nn.Conv2d(channel_1, channel_2, (3, 3), padding=1, bias=True)
        nn.init.kaiming_normal_(self.conv2.weight)
        nn.init.constant_(self.conv2.bias, 0)
        self.fc = nn.Linear(channel_2 * 8 * 8, num_classes)
        nn.init.kaiming_normal_(self.fc.weight)
        nn.init.constant_(self.fc.bias, 0)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        scores = self.fc(flatten(x))
        return scores


x = torch.zeros((64, 3, 8, 8), dtype=dtype)
print(TwoLayerFC(3 * 8 * 8, 42, 10)(x).size(), ThreeLayerConvNet(3, 12, 8, 10)(x).size())


def check_accuracy_part34(loader, model):
    if loader.dataset.train:
        print("Checking accuracy on validation set")
    else:
        print("Checking accuracy on test set")
    num_correct = 0
    num_samples = 0
    model.eval()  # set model to evaluation mode
    with torch.no_grad():
        for x, y in loader:
            x = x.to(device=device, dtype=dtype)
            y = y.to(device=device, dtype=torch.long)
            scores = model(x)
            _, preds = scores.max(1)
            num_correct += (preds == y).sum()
            num_samples += preds.size(0)
        acc = float(num_correct) / num_samples
        print("Got %d / %d correct (%.2f)" % (num_correct, num_samples, 100 * acc))
    return acc


def train_part34(model, optimizer, epochs=1):
    model = model.to(device=device)  # move the model parameters to CPU/GPU
    for e in range(epochs):
        for t, (x, y) in enumerate(loader_train):
            model.train()  # put model to training mode
            x = x.to(device=device, dtype=dtype)
            y = y.to(device=device, dtype=torch.long)
            scores = model(x)
            loss = F.cross_entropy(scores, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if t % print_every == 0:
                print("Epoch %d, Iteration %d, loss = %.4f" % (e, t, loss.item()))
                check_accuracy_part34(loader_val, model)
                print()


model = TwoLayerFC(3 * 8 * 8, 64, 10)
optimizer = optim.SGD(model.parameters(), lr=5e-2)
train_part34(model, optimizer, epochs=2)

model = ThreeLayerConvNet(in_channel=3, channel_1=8, channel_2=6, num_classes=10)
optimizer = optim.SGD(model.parameters(), lr=3e-2)
train_part34(model, optimizer, epochs=2)


class Flatten(nn.Module):
    def forward(self, x):
        return flatten(x)


model = nn.Sequential(
    nn.Conv2d(3, 8, 5, padding=2),
    nn.ReLU(),
    nn.Conv2d(8, 6, 3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    Flatten(),
    nn.Linear(6 * 4 * 4, 10),
)
print(model)
optimizer = optim.SGD(model.parameters(), lr=2e-2, momentum=0.9, nesterov=True)
train_part34(model, optimizer, epochs=3)
best_model = model
check_accuracy_part34(loader_test, best_model)
print("momentum buffer norms", [round(optimizer.state[p]["momentum_buffer"].norm().item(), 4)
                                for p in model.parameters()])
