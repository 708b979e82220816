"""d2l.ai's "Modern Convolutional Neural Networks" chapter at toy sizes: the
layer-by-layer shape walk (for layer in net: X = layer(X); print(name,
'output shape:\\t', X.shape)) through VGG blocks, NiN blocks with
AdaptiveAvgPool2d((1, 1)) and nn.Flatten, GoogLeNet's Inception block
(four paths joined by torch.cat on channels), batch norm in LeNet, the
ResNet Residual block with use_1x1conv, DenseNet's conv_block / DenseBlock
/ transition_block; xavier_uniform_ init through net.apply, then a few SGD
steps of each on fixed 16x16 digit images. Fixed data: every number agrees."""

import torch
from torch import nn
from torch.nn import functional as F

from _data import digits

torch.manual_seed(0)
pixels, labels = digits()
X_all = F.interpolate(torch.tensor(pixels[:64] / 16.0, dtype=torch.float32).reshape(-1, 1, 8, 8), scale_factor=2,
                      mode="nearest")
y_all = torch.tensor(labels[:64])


def vgg_block(num_convs, in_channels, out_channels):
    layers = []
    for _ in range(num_convs):
        layers.append(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1))
        layers.append(nn.ReLU())
        in_channels = out_channels
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


def vgg(conv_arch):
    conv_blks = []
    in_channels = 1
    for (num_convs, out_channels) in conv_arch:
        conv_blks.append(vgg_block(num_convs, in_channels, out_channels))
        in_channels = out_channels
    return nn.Sequential(
        *conv_blks, nn.Flatten(),
        nn.Linear(out_channels * 4 * 4, 32), nn.ReLU(), nn.Dropout(0.0),
        nn.Linear(32, 32), nn.ReLU(), nn.Dropout(0.0),
        nn.Linear(32, 10))


def nin_block(in_channels, out_channels, kernel_size, strides, padding):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding),
        nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU())


nin = nn.Sequential(
    nin_block(1, 8, kernel_size=3, strides=1, padding=1),
    nn.MaxPool2d(3, stride=2),
    nin_block(8, 16, kernel_size=3, strides=1, padding=1),
    nn.MaxPool2d(3, stride=2),
    nn.Dropout(0.0),
    nin_block(16, 10, kernel_size=3, strides=1, padding=1),
    nn.AdaptiveAvgPool2d((1, 1)),
    nn.Flatten())


class Inception(nn.Module):
    def __init__(self, in_channels, c1, c2, c3, c4, **kwargs):
        super(Inception, self).__init__(**kwargs)
        self.p1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)
        self.p2_1 = nn.Conv2d(in_channels, c2[0], kernel_size=1)
        self.p2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)
        self.p3_1 = nn.Conv2d(in_channels, c3[0], kernel_size=1)
        self.p3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)
        self.p4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.p4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)

    def forward(self, x):
        p1 = F.relu(self.p1_1(x))
        p2 = F.relu(self.p2_2(F.relu(self.p2_1(x))))
        p3 = F.relu(self.p3_2(F.relu(self.p3_1(x))))
        p4 = F.relu(self.p4_2(self.p4_1(x)))
        return torch.cat((p1, p2, p3, p4), dim=1)


b1 = nn.Sequential(nn.Conv2d(1, 8, kernel_size=3, stride=1, padding=1), nn.ReLU(),
                   nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
b2 = nn.Sequential(Inception(8, 4, (4, 8), (2, 2), 2), Inception(16, 8, (8, 8), (2, 4), 4),
                   nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
googlenet = nn.Sequential(b1, b2, nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(24, 10))


class Residual(nn.Module):
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)
        if use_1x1conv:
            self.conv3 = nn.Conv2d(input_channels, num_channels, kernel_size=1, stride=strides)
        else:
            self.conv3 = None
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.bn2 = nn.BatchNorm2d(num_channels)

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        Y += X
        return F.relu(Y)


blk = Residual(3, 3)
X = torch.rand(4, 3, 6, 6)
print("residual", blk(X).shape)
blk = Residual(3, 6, use_1x1conv=True, strides=2)
print("residual 1x1", blk(X).shape)


def resnet_block(input_channels, num_channels, num_residuals, first_block=False):
    blk = []
    for i in range(num_residuals):
        if i == 0 and not first_block:
            blk.append(Residual(input_channels, num_channels, use_1x1conv=True, strides=2))
        else:
            blk.append(Residual(num_channels, num_channels))
    return blk


rb1 = nn.Sequential(nn.Conv2d(1, 8, kernel_size=3, stride=1, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                    nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
resnet = nn.Sequential(rb1, nn.Sequential(*resnet_block(8, 8, 1, first_block=True)),
                       nn.Sequential(*resnet_block(8, 16, 1)),
                       nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(16, 10))


def conv_block(input_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(input_channels), nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1))


class DenseBlock(nn.Module):
    def __init__(self, num_convs, input_channels, num_channels):
        super(DenseBlock, self).__init__()
        layer = []
        for i in range(num_convs):
            layer.append(conv_block(num_channels * i + input_channels, num_channels))
        self.net = nn.Sequential(*layer)

    def forward(self, X):
        for blk in self.net:
            Y = blk(X)
            X = torch.cat((X, Y), dim=1)
        return X


blk = DenseBlock(2, 3, 10)
Y = blk(torch.rand(4, 3, 8, 8))
print("dense block", Y.shape)


def transition_block(input_channels, num_channels):
    return nn.Sequential(
        nn.BatchNorm2d(input_channels), nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=1),
        nn.AvgPool2d(kernel_size=2, stride=2))


print("transition", transition_block(23, 10)(Y).shape)
densenet = nn.Sequential(
    nn.Sequential(nn.Conv2d(1, 8, kernel_size=3, padding=1), nn.BatchNorm2d(8), nn.ReLU()),
    DenseBlock(2, 8, 4), transition_block(16, 8), DenseBlock(2, 8, 4),
    nn.BatchNorm2d(16), nn.ReLU(), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(16, 10))

lenet_bn = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.BatchNorm2d(6), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Conv2d(6, 8, kernel_size=3), nn.BatchNorm2d(8), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
    nn.Linear(8 * 3 * 3, 30), nn.BatchNorm1d(30), nn.Sigmoid(),
    nn.Linear(30, 10))


def init_weights(m):
    if type(m) in (nn.Linear, nn.Conv2d):
        nn.init.xavier_uniform_(m.weight)


for name, net in [("vgg", vgg(((1, 4), (1, 8)))), ("nin", nin), ("googlenet", googlenet), ("resnet", resnet),
                  ("densenet", densenet), ("lenet_bn", lenet_bn)]:
    X = torch.rand(size=(1, 1, 16, 16), dtype=torch.float32)
    for layer in net:
        X = layer(X) if not isinstance(layer, nn.BatchNorm1d) else layer.eval()(X)
        print(name, layer.__class__.__name__, 'output shape:\t', X.shape)
    net.train()
    torch.manual_seed(1)
    net.apply(init_weights)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.05)
    loss = nn.CrossEntropyLoss()
    for step in range(4):
        optimizer.zero_grad()
        l = loss(net(X_all), y_all)
        l.backward()
        optimizer.step()
        print(f"{name} step {step} loss {l.item():.6f}")
    net.eval()
    with torch.no_grad():
        acc = (net(X_all).argmax(dim=1) == y_all).float().mean().item()
    print(f"{name} params {sum(p.numel() for p in net.parameters())} acc {acc:.4f}")
