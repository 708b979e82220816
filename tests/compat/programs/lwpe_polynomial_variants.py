""""Learning PyTorch with Examples" end to end, as the tutorial's readers run it: the same third-order
polynomial fit of sin(x) done with numpy, with raw tensors and hand gradients, with autograd, with a
custom autograd.Function (LegendrePolynomial3 and a clamp-style ReLU), with nn.Sequential and
Flatten(0, 1), with torch.optim.RMSprop, with a custom nn.Module (its string() method) and with the
DynamicNet whose depth is drawn by Python's random each step; a float64 device variant and the
tutorial's printouts of the learned coefficients. Seeded: every printed number agrees."""

import math
import random

import numpy as np
import torch

torch.set_num_threads(1)
random.seed(0)
rng = np.random.RandomState(0)

# numpy warm-up
x = np.linspace(-math.pi, math.pi, 2000)
y = np.sin(x)
a, b, c, d = rng.randn(), rng.randn(), rng.randn(), rng.randn()
learning_rate = 1e-6
for t in range(500):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = np.square(y_pred - y).sum()
    if t % 500 == 99:
        print("numpy", t, round(loss, 4))
    grad_y_pred = 2.0 * (y_pred - y)
    grad_a = grad_y_pred.sum()
    grad_b = (grad_y_pred * x).sum()
    grad_c = (grad_y_pred * x ** 2).sum()
    grad_d = (grad_y_pred * x ** 3).sum()
    a -= learning_rate * grad_a
    b -= learning_rate * grad_b
    c -= learning_rate * grad_c
    d -= learning_rate * grad_d
print(f"numpy Result: y = {a:.6f} + {b:.6f} x + {c:.6f} x^2 + {d:.6f} x^3")

# tensors with hand-written gradients
dtype = torch.float
device = torch.device("cpu")
torch.manual_seed(0)
x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
y = torch.sin(x)
a = torch.randn((), device=device, dtype=dtype)
b = torch.randn((), device=device, dtype=dtype)
c = torch.randn((), device=device, dtype=dtype)
d = torch.randn((), device=device, dtype=dtype)
for t in range(500):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum().item()
    if t % 250 == 99:
        print("tensors", t, f"{loss:.3f}")
    grad_y_pred = 2.0 * (y_pred - y)
    grad_a = grad_y_pred.sum()
    grad_b = (grad_y_pred * x).sum()
    grad_c = (grad_y_pred * x ** 2).sum()
    grad_d = (grad_y_pred * x ** 3).sum()
    a -= learning_rate * grad_a
    b -= learning_rate * grad_b
    c -= learning_rate * grad_c
    d -= learning_rate * grad_d
print(f"tensors Result: y = {a.item():.5f} + {b.item():.5f} x + {c.item():.5f} x^2 + {d.item():.5f} x^3")

# autograd
torch.manual_seed(0)
a = torch.randn((), dtype=dtype, requires_grad=True)
b = torch.randn((), dtype=dtype, requires_grad=True)
c = torch.randn((), dtype=dtype, requires_grad=True)
d = torch.randn((), dtype=dtype, requires_grad=True)
for t in range(500):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum()
    if t % 250 == 99:
        print("autograd", t, f"{loss.item():.3f}", loss.grad_fn.name())
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None
print(f"autograd Result: y = {a.item():.5f} + {b.item():.5f} x + {c.item():.5f} x^2 + {d.item():.5f} x^3")


class LegendrePolynomial3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


a = torch.full((), 0.0, dtype=dtype, requires_grad=True)
b = torch.full((), -1.0, dtype=dtype, requires_grad=True)
c = torch.full((), 0.0, dtype=dtype, requires_grad=True)
d = torch.full((), 0.3, dtype=dtype, requires_grad=True)
learning_rate = 5e-6
for t in range(500):
    P3 = LegendrePolynomial3.apply
    y_pred = a + b * P3(c + d * x)
    loss = (y_pred - y).pow(2).sum()
    if t % 250 == 99:
        print("legendre", t, f"{loss.item():.4f}", type(y_pred.grad_fn).__name__)
    loss.backward()
    with torch.no_grad():
        for p in (a, b, c, d):
            p -= learning_rate * p.grad
            p.grad = None
print(f"legendre Result: y = {a.item():.5f} + {b.item():.5f} * P3({c.item():.5f} + {d.item():.5f} x)")

torch.manual_seed(1)
w1 = torch.randn(1, 16, requires_grad=True)
w2 = torch.randn(16, 1, requires_grad=True)
xs = x[::40].unsqueeze(1)
ys = y[::40].unsqueeze(1)
for t in range(200):
    y_pred = MyReLU.apply(xs.mm(w1)).mm(w2)
    loss = (y_pred - ys).pow(2).sum()
    if t % 50 == 49:
        print("myrelu", t, f"{loss.item():.4f}")
    loss.backward()
    with torch.no_grad():
        w1 -= 1e-4 * w1.grad
        w2 -= 1e-4 * w2.grad
        w1.grad.zero_()
        w2.grad.zero_()

# nn
p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)
print("xx", tuple(xx.shape), xx.dtype, xx[0].tolist())
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
loss_fn = torch.nn.MSELoss(reduction="sum")
learning_rate = 1e-6
for t in range(500):
    y_pred = model(xx)
    loss = loss_fn(y_pred, y)
    if t % 250 == 99:
        print("nn", t, f"{loss.item():.3f}")
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad
linear_layer = model[0]
print(f"nn Result: y = {linear_layer.bias.item():.5f} + {linear_layer.weight[:, 0].item():.5f} x + "
      f"{linear_layer.weight[:, 1].item():.5f} x^2 + {linear_layer.weight[:, 2].item():.5f} x^3")
print(model)

# optim
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)
for t in range(400):
    y_pred = model(xx)
    loss = loss_fn(y_pred, y)
    if t % 150 == 99:
        print("optim", t, f"{loss.item():.4f}")
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
linear_layer = model[0]
print(f"optim Result: y = {linear_layer.bias.item():.4f} + {linear_layer.weight[:, 0].item():.4f} x + "
      f"{linear_layer.weight[:, 1].item():.4f} x^2 + {linear_layer.weight[:, 2].item():.4f} x^3")
print("rmsprop state", sorted(optimizer.state[linear_layer.weight].keys()),
      f"{optimizer.state[linear_layer.weight]['square_avg'].sum().item():.4f}")


class Polynomial3(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

    def string(self):
        return f"y = {self.a.item():.4f} + {self.b.item():.4f} x + {self.c.item():.4f} x^2 + {self.d.item():.4f} x^3"


torch.manual_seed(0)
model = Polynomial3()
criterion = torch.nn.MSELoss(reduction="sum")
optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
for t in range(500):
    y_pred = model(x)
    loss = criterion(y_pred, y)
    if t % 250 == 99:
        print("module", t, f"{loss.item():.3f}")
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f"module Result: {model.string()}")
print("named", [(n, tuple(p.shape)) for n, p in model.named_parameters()])


class DynamicNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))
        self.e = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
        for exp in range(4, random.randint(4, 6)):
            y = y + self.e * x ** exp
        return y

    def string(self):
        return (f"y = {self.a.item():.4f} + {self.b.item():.4f} x + {self.c.item():.4f} x^2 + "
                f"{self.d.item():.4f} x^3 + {self.e.item():.4f} x^4 ? + {self.e.item():.4f} x^5 ?")


torch.manual_seed(0)
model = DynamicNet()
optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
for t in range(400):
    y_pred = model(x)
    loss = criterion(y_pred, y)
    if t % 200 == 199:
        print("dynamic", t, f"{loss.item():.3f}")
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f"dynamic Result: {model.string()}")

# the same fit in float64, as readers switch dtype at the top of the script
dtype = torch.float64
x64 = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
y64 = torch.sin(x64)
torch.manual_seed(0)
coef = torch.randn(4, dtype=dtype, requires_grad=True)
powers = torch.stack([x64 ** k for k in range(4)], dim=1)
opt = torch.optim.Adam([coef], lr=0.05)
for t in range(300):
    loss = (powers @ coef - y64).pow(2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if t % 100 == 99:
        print("float64", t, f"{loss.item():.10f}", coef.dtype, coef.grad.dtype)
print("float64 coef", [f"{v:.8f}" for v in coef.tolist()])
lstsq = torch.linalg.lstsq(powers, y64.unsqueeze(1)).solution.squeeze(1)
print("lstsq odd coef", f"{lstsq[1].item():.8f}", f"{lstsq[3].item():.8f}", "even near zero",
      bool(lstsq[0].abs() < 1e-9 and lstsq[2].abs() < 1e-9))
