"""PyTorch's mnist_forward_forward example on the bundled digits: no backward
pass through the network; each layer is trained by its own goodness loss on
positive data (the true label overlaid on the image) and negative data (a wrong
label), with inputs normalized by their L2 norm and detached between layers.
Negative labels come from numpy and the weights are fixed, so every number agrees."""

import numpy as np
import torch
import torch.nn as nn
from torch.optim import Adam

from _data import digits

torch.set_num_threads(1)


def overlay_y_on_x(x, y):
    """Replace the first 10 pixels of data [x] with one-hot-encoded label [y]"""
    x_ = x.clone()
    x_[:, :10] *= 0.0
    x_[range(x.shape[0]), y] = x.max()
    return x_


class Net(torch.nn.Module):
    def __init__(self, dims):
        super().__init__()
        self.layers = []
        for d in range(len(dims) - 1):
            self.layers = self.layers + [Layer(dims[d], dims[d + 1], d)]

    def predict(self, x):
        goodness_per_label = []
        for label in range(10):
            h = overlay_y_on_x(x, label)
            goodness = []
            for layer in self.layers:
                h = layer(h)
                goodness = goodness + [h.pow(2).mean(1)]
            goodness_per_label += [sum(goodness).unsqueeze(1)]
        goodness_per_label = torch.cat(goodness_per_label, 1)
        return goodness_per_label.argmax(1)

    def train(self, x_pos, x_neg):
        h_pos, h_neg = x_pos, x_neg
        for i, layer in enumerate(self.layers):
            print("training layer", i, "...")
            h_pos, h_neg = layer.train(h_pos, h_neg)


class Layer(nn.Linear):
    def __init__(self, in_features, out_features, index, bias=True, device=None, dtype=None):
        super().__init__(in_features, out_features, bias, device, dtype)
        with torch.no_grad():
            self.weight.copy_(torch.cos(torch.arange(self.weight.numel(), dtype=torch.float32) * 0.9 + index)
                              .reshape(self.weight.shape) / in_features ** 0.5)
            self.bias.copy_(0.01 * torch.sin(torch.arange(out_features, dtype=torch.float32)))
        self.relu = torch.nn.ReLU()
        self.opt = Adam(self.parameters(), lr=0.03)
        self.threshold = 2.0
        self.num_epochs = 60

    def forward(self, x):
        x_direction = x / (x.norm(2, 1, keepdim=True) + 1e-4)
        return self.relu(torch.mm(x_direction, self.weight.T) + self.bias.unsqueeze(0))

    def train(self, x_pos, x_neg):
        for i in range(self.num_epochs):
            g_pos = self.forward(x_pos).pow(2).mean(1)
            g_neg = self.forward(x_neg).pow(2).mean(1)
            # The following loss pushes pos (neg) samples to values larger (smaller) than the self.threshold.
            loss = torch.log(1 + torch.exp(torch.cat([-g_pos + self.threshold, g_neg - self.threshold]))).mean()
            self.opt.zero_grad()
            # this backward just compute the derivative and hence is not considered backpropagation.
            loss.backward()
            self.opt.step()
            if i % 20 == 0 or i == self.num_epochs - 1:
                print(f"  epoch {i:3d} | loss {loss.item():.6f} | pos goodness {g_pos.mean().item():.5f}"
                      f" | neg goodness {g_neg.mean().item():.5f}")
        return self.forward(x_pos).detach(), self.forward(x_neg).detach()


pixels, labels = digits()
x_all = torch.tensor(pixels, dtype=torch.float32) / 16.0
x_all = (x_all - x_all.mean()) / x_all.std()
y_all = torch.tensor(labels)
x, y = x_all[:1000], y_all[:1000]
x_te, y_te = x_all[1000:1400], y_all[1000:1400]

net = Net([64, 100, 100])
x_pos = overlay_y_on_x(x, y)
rng = np.random.default_rng(0)
y_neg = torch.tensor((labels[:1000] + rng.integers(1, 10, 1000)) % 10)
x_neg = overlay_y_on_x(x, y_neg)
print("overlay", [round(v, 5) for v in x_pos[0, :10].tolist()], "no label clash", bool((y_neg != y).all()))

net.train(x_pos, x_neg)
print("train error:", round(1.0 - net.predict(x).eq(y).float().mean().item(), 4))
print("test error:", round(1.0 - net.predict(x_te).eq(y_te).float().mean().item(), 4))
print("layers registered as submodules:", len(list(net.parameters())))
g = net.layers[0](x_pos[:3])
print("first layer goodness", [round(v, 5) for v in g.pow(2).mean(1).tolist()], "requires_grad", g.requires_grad,
      "detached", net.layers[0].train.__name__)
