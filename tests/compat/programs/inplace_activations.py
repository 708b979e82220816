"""In-place activations as PyTorch users write them: a small CNN and an MLP with nn.ReLU(inplace=True),
nn.LeakyReLU/ELU/Hardtanh/SiLU(inplace=True) and F.relu_(...) trained a few SGD steps in float64 with fixed
weights, printing the losses, whether each activation returned its own input (y is x), the version counts
and the grad_fn names; then the errors PyTorch raises (an in-place op on a leaf that requires grad, an
in-place leaky_relu with a negative slope at backward, requires_grad set on a non-leaf)."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def fixed_(model):
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            fan_in = p[0].numel() if p.dim() > 1 else p.numel()
            p.copy_(torch.sin(torch.arange(p.numel(), dtype=torch.float64) * 0.7 + i).reshape(p.shape) / fan_in**0.5)


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.act1 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(4, 6, 3, padding=1)
        self.act2 = nn.LeakyReLU(0.1, inplace=True)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(6 * 3 * 3, 5)
        self.seen = []

    def forward(self, x):
        h = self.conv1(x)
        out = self.act1(h)
        self.seen.append((out is h, h._version, out.grad_fn.name()))
        h = self.conv2(out)
        out = self.act2(h)
        self.seen.append((out is h, h._version, out.grad_fn.name()))
        return self.fc(torch.flatten(self.pool(out), 1))


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(8, 16), nn.ReLU(inplace=True),
            nn.Linear(16, 16), nn.ELU(inplace=True),
            nn.Linear(16, 16), nn.Hardtanh(-2.0, 2.0, inplace=True),
            nn.Linear(16, 12), nn.SiLU(inplace=True),
            nn.Linear(12, 3),
        )

    def forward(self, x):
        return F.relu_(self.body(x)) + 0.1 * x[:, :3]


images = torch.cos(torch.arange(16 * 36, dtype=torch.float64) * 0.37).reshape(16, 1, 6, 6)
classes = torch.arange(16) % 5
cnn = SmallCNN()
fixed_(cnn)
opt = torch.optim.SGD(cnn.parameters(), lr=0.1, momentum=0.9)
for step in range(6):
    cnn.seen.clear()
    opt.zero_grad()
    loss = F.cross_entropy(cnn(images), classes)
    loss.backward()
    opt.step()
    print(f"cnn step {step} | loss {loss.item():.10f} | grad {cnn.conv1.weight.grad.norm().item():.10f}")
print("cnn in place:", cnn.seen)

inputs = torch.sin(torch.arange(32 * 8, dtype=torch.float64) * 0.11).reshape(32, 8)
targets = torch.cos(torch.arange(32 * 3, dtype=torch.float64) * 0.23).reshape(32, 3)
mlp = MLP()
fixed_(mlp)
opt = torch.optim.SGD(mlp.parameters(), lr=0.05)
for step in range(8):
    opt.zero_grad()
    loss = F.mse_loss(mlp(inputs), targets)
    loss.backward()
    opt.step()
    print(f"mlp step {step} | loss {loss.item():.10f}")

# the activations of a non-leaf, one by one: same object, one version step, PyTorch's node
for name, act in [("ReLU", nn.ReLU(inplace=True)), ("LeakyReLU", nn.LeakyReLU(0.2, True)),
                  ("ELU", nn.ELU(inplace=True)), ("CELU", nn.CELU(2.0, inplace=True)), ("SELU", nn.SELU(True)),
                  ("Hardtanh", nn.Hardtanh(inplace=True)), ("ReLU6", nn.ReLU6(inplace=True)),
                  ("Hardswish", nn.Hardswish(inplace=True)), ("Hardsigmoid", nn.Hardsigmoid(inplace=True)),
                  ("SiLU", nn.SiLU(inplace=True)), ("Mish", nn.Mish(inplace=True)),
                  ("Threshold", nn.Threshold(0.1, -1.0, inplace=True)), ("RReLU", nn.RReLU(inplace=True).eval()),
                  ("Dropout(eval)", nn.Dropout(inplace=True).eval())]:
    a = torch.linspace(-4.0, 4.0, 9, requires_grad=True)
    x = a * 1.5
    y = act(x)
    y.pow(2).sum().backward()
    print(f"{name}: y is x {y is x} | version {x._version} | {y.grad_fn.name()} | "
          f"sum {y.sum().item():.8f} | grad {a.grad.sum().item():.8f}")

plain = torch.tensor([-1.0, 0.5, 2.0])
print("F.leaky_relu_ on plain data:", F.leaky_relu_(plain, 0.5) is plain, plain.tolist(), plain._version)
leaf = torch.ones(3, requires_grad=True)
try:
    nn.ReLU(inplace=True)(leaf)
except RuntimeError as e:
    print("leaf error:", str(e).split(".")[0])
with torch.no_grad():
    print("under no_grad:", nn.ReLU(inplace=True)(leaf) is leaf, leaf.requires_grad)
x = torch.ones(3, requires_grad=True) * -1.0
y = F.leaky_relu(x, -0.5, inplace=True)
try:
    y.sum().backward()
except RuntimeError as e:
    print("negative slope error:", str(e).split(".")[0])
try:
    (torch.ones(2, requires_grad=True) * 2).requires_grad = False
except RuntimeError as e:
    print("non-leaf flag error:", str(e).split(".")[0])
try:
    torch.tensor([1, 2]).requires_grad = True
except RuntimeError as e:
    print("integer flag error:", e)
