"""yunjey/pytorch-tutorial's intermediate chapters on the bundled 8x8 digits:
an LSTM classifier reading image rows (h0/c0 zeros with x.size(0), out[:, -1, :]),
a bidirectional GRU (hidden_size*2 into the head), and the deep residual
network (conv3x3 helper, ResidualBlock with an nn.Sequential downsample,
make_layer, BatchNorm2d, AvgPool2d) trained with update_lr decay, evaluated
under model.eval() / torch.no_grad(); the convolutional net with
nn.Sequential layers and out.reshape(out.size(0), -1). Fixed weights and
batch order: every number agrees to float32 rounding."""

import numpy as np
import torch
import torch.nn as nn

from _data import digits

torch.manual_seed(0)
device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
print("device", device)

pixels, labels = digits()
X = torch.tensor(pixels[:480] / 16.0, dtype=torch.float32).reshape(-1, 1, 8, 8)
Y = torch.tensor(labels[:480])
Xt = torch.tensor(pixels[1500:1620] / 16.0, dtype=torch.float32).reshape(-1, 1, 8, 8)
Yt = torch.tensor(labels[1500:1620])
rng = np.random.default_rng(0)
orders = [rng.permutation(480) for _ in range(4)]


def batches(epoch, bs=40):
    order = torch.from_numpy(orders[epoch])
    for i in range(0, 480, bs):
        idx = order[i:i + bs]
        yield X[idx], Y[idx]


def fix(model):
    """Deterministic weights, independent of each framework's init."""
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            n = p.numel()
            p.copy_((torch.arange(n, dtype=torch.float32).reshape(p.shape) * 0.7 + i).sin() * 0.3)
    return model


def evaluate(model, shape):
    model.eval()
    with torch.no_grad():
        correct = 0
        total = 0
        for images, labels_ in [(Xt[:60], Yt[:60]), (Xt[60:], Yt[60:])]:
            images = images.reshape(shape).to(device)
            labels_ = labels_.to(device)
            outputs = model(images)
            _, predicted = torch.max(outputs.data, 1)
            total += labels_.size(0)
            correct += (predicted == labels_).sum().item()
    model.train()
    return 100 * correct / total


# ---------------------------------------------------------------- recurrent
class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_classes):
        super(RNN, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).to(device)
        c0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).to(device)
        out, _ = self.lstm(x, (h0, c0))
        out = self.fc(out[:, -1, :])
        return out


class BiRNN(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_classes):
        super(BiRNN, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.gru = nn.GRU(input_size, hidden_size, num_layers, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(hidden_size * 2, num_classes)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers * 2, x.size(0), self.hidden_size).to(device)
        out, hn = self.gru(x, h0)
        out = self.fc(out[:, -1, :])
        return out


for name, cls in [("lstm", RNN), ("bigru", BiRNN)]:
    model = fix(cls(8, 16, 2, 10)).to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for epoch in range(2):
        for i, (images, labels_) in enumerate(batches(epoch)):
            images = images.reshape(-1, 8, 8).to(device)
            outputs = model(images)
            loss = criterion(outputs, labels_)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if (i + 1) % 6 == 0:
                print('{} Epoch [{}/{}], Step [{}/{}], Loss: {:.6f}'.format(name, epoch + 1, 2, i + 1, 12,
                                                                           loss.item()))
    print(name, 'test accuracy {:.4f} %'.format(evaluate(model, (-1, 8, 8))))
    print(name, "params", sum(p.numel() for p in model.parameters()))


# ---------------------------------------------------------------- convolutional
class ConvNet(nn.Module):
    def __init__(self, num_classes=10):
        super(ConvNet, self).__init__()
        self.layer1 = nn.Sequential(
            nn.Conv2d(1, 8, kernel_size=5, stride=1, padding=2),
            nn.BatchNorm2d(8),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2))
        self.layer2 = nn.Sequential(
            nn.Conv2d(8, 16, kernel_size=5, stride=1, padding=2),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2))
        self.fc = nn.Linear(2 * 2 * 16, num_classes)

    def forward(self, x):
        out = self.layer1(x)
        out = self.layer2(out)
        out = out.reshape(out.size(0), -1)
        out = self.fc(out)
        return out


model = fix(ConvNet(10))
optimizer = torch.optim.Adam(model.parameters(), lr=0.005)
criterion = nn.CrossEntropyLoss()
for epoch in range(2):
    for i, (images, labels_) in enumerate(batches(epoch)):
        loss = criterion(model(images), labels_)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if (i + 1) % 4 == 0:
            print('convnet Epoch [{}/{}], Step [{}/{}], Loss: {:.6f}'.format(epoch + 1, 2, i + 1, 12, loss.item()))
print('convnet test accuracy {} %'.format(evaluate(model, (-1, 1, 8, 8))))
# (not running_mean: the conv bias before a BatchNorm gets a gradient of rounding noise only, which Adam
# turns into +-lr steps, so the batch means differ by those while everything after the norm agrees)
print("bn running_var", [round(v, 5) for v in model.layer1[1].running_var[:4].tolist()],
      "tracked", model.layer1[1].num_batches_tracked.item())


# ---------------------------------------------------------------- residual network
def conv3x3(in_channels, out_channels, stride=1):
    return nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False)


class ResidualBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1, downsample=None):
        super(ResidualBlock, self).__init__()
        self.conv1 = conv3x3(in_channels, out_channels, stride)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(out_channels, out_channels)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.downsample = downsample

    def forward(self, x):
        residual = x
        out = self.conv1(x)
        out = self.bn1(out)
        out = self.relu(out)
        out = self.conv2(out)
        out = self.bn2(out)
        if self.downsample:
            residual = self.downsample(x)
        out += residual
        out = self.relu(out)
        return out


class ResNet(nn.Module):
    def __init__(self, block, layers, num_classes=10):
        super(ResNet, self).__init__()
        self.in_channels = 8
        self.conv = conv3x3(1, 8)
        self.bn = nn.BatchNorm2d(8)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = self.make_layer(block, 8, layers[0])
        self.layer2 = self.make_layer(block, 16, layers[1], 2)
        self.layer3 = self.make_layer(block, 32, layers[2], 2)
        self.avg_pool = nn.AvgPool2d(2)
        self.fc = nn.Linear(32, num_classes)

    def make_layer(self, block, out_channels, blocks, stride=1):
        downsample = None
        if (stride != 1) or (self.in_channels != out_channels):
            downsample = nn.Sequential(
                conv3x3(self.in_channels, out_channels, stride=stride),
                nn.BatchNorm2d(out_channels))
        layers = []
        layers.append(block(self.in_channels, out_channels, stride, downsample))
        self.in_channels = out_channels
        for i in range(1, blocks):
            layers.append(block(out_channels, out_channels))
        return nn.Sequential(*layers)

    def forward(self, x):
        out = self.conv(x)
        out = self.bn(out)
        out = self.relu(out)
        out = self.layer1(out)
        out = self.layer2(out)
        out = self.layer3(out)
        out = self.avg_pool(out)
        out = out.view(out.size(0), -1)
        out = self.fc(out)
        return out


model = fix(ResNet(ResidualBlock, [1, 1, 1])).to(device)
print("resnet modules", len(list(model.modules())), "params", sum(p.numel() for p in model.parameters()))
print("downsample", [type(m).__name__ for m in model.layer2[0].downsample], model.layer2[0].downsample[0])
criterion = nn.CrossEntropyLoss()
learning_rate = 0.003
optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)


def update_lr(optimizer, lr):
    for param_group in optimizer.param_groups:
        param_group['lr'] = lr


curr_lr = learning_rate
for epoch in range(3):
    for i, (images, labels_) in enumerate(batches(epoch)):
        outputs = model(images)
        loss = criterion(outputs, labels_)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if (i + 1) % 4 == 0:
            print("resnet Epoch [{}/{}], Step [{}/{}] Loss: {:.6f}".format(epoch + 1, 3, i + 1, 12, loss.item()))
    if (epoch + 1) % 2 == 0:
        curr_lr /= 3
        update_lr(optimizer, curr_lr)
print('resnet accuracy: {} %'.format(evaluate(model, (-1, 1, 8, 8))))
sd = model.state_dict()
print("state keys", len(sd), [k for k in sd if "layer2.0.downsample" in k])
print("final lr", optimizer.param_groups[0]["lr"])
