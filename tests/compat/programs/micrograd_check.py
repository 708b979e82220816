"""Karpathy's micrograd and its tests, the way the lecture writes them: a
scalar Value class with +, *, **, relu, tanh, exp, topological-sort
backward, checked against PyTorch on the same expressions (test_sanity_check
and test_more_ops, in double precision), then micrograd's Neuron/Layer/MLP
trained with a max-margin loss plus L2 on a two-moons-like dataset, and the
same network written in torch (weights copied from the Value objects) to
check that both give the same loss and gradients step by step; the
lecture's torch one-liners (x.grad.item(), .data.item(), double()). Every
number agrees."""

import math
import random

import torch

torch.set_num_threads(1)


class Value:
    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, other):
        out = Value(self.data ** other, (self,), f"**{other}")

        def _backward():
            self.grad += (other * self.data ** (other - 1)) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(0 if self.data < 0 else self.data, (self,), "ReLU")

        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t ** 2) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo, visited = [], set()

        def build(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)
        build(self)
        self.grad = 1
        for v in reversed(topo):
            v._backward()

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other ** -1

    def __rtruediv__(self, other):
        return other * self ** -1


def test_sanity_check():
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xmg, ymg = x, y

    x = torch.Tensor([-4.0]).double()
    x.requires_grad = True
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xpt, ypt = x, y
    print("sanity forward", ymg.data, ypt.data.item(), "backward", xmg.grad, xpt.grad.item())
    assert ymg.data == ypt.data.item()
    assert xmg.grad == xpt.grad.item()


def test_more_ops():
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b ** 3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e ** 2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    amg, bmg, gmg = a, b, g

    a = torch.Tensor([-4.0]).double()
    b = torch.Tensor([2.0]).double()
    a.requires_grad = True
    b.requires_grad = True
    c = a + b
    d = a * b + b ** 3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e ** 2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    apt, bpt, gpt = a, b, g
    tol = 1e-6
    print("more ops forward", round(gmg.data, 8), round(gpt.data.item(), 8))
    print("more ops grads", round(amg.grad, 8), round(apt.grad.item(), 8), round(bmg.grad, 8), round(bpt.grad.item(), 8))
    assert abs(gmg.data - gpt.data.item()) < tol
    assert abs(amg.grad - apt.grad.item()) < tol
    assert abs(bmg.grad - bpt.grad.item()) < tol


test_sanity_check()
test_more_ops()

# tanh/exp neuron from the lecture, both ways
x1, x2, w1, w2, bb = Value(2.0), Value(0.0), Value(-3.0), Value(1.0), Value(6.8813735870195432)
n = x1 * w1 + x2 * w2 + bb
e = (2 * n).exp()
o = (e - 1) / (e + 1)
o.backward()
tx = [torch.Tensor([v]).double().requires_grad_() for v in (2.0, 0.0, -3.0, 1.0, 6.8813735870195432)]
to = torch.tanh(tx[0] * tx[2] + tx[1] * tx[3] + tx[4])
to.backward()
print("neuron", round(o.data, 10), round(to.data.item(), 10))
print("neuron grads", [round(v.grad, 10) for v in (x1, x2, w1, w2)], [round(t.grad.item(), 10) for t in tx[:4]])


class Module:
    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0


class Neuron(Module):
    def __init__(self, nin, nonlin=True):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0)
        self.nonlin = nonlin

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]


class Layer(Module):
    def __init__(self, nin, nout, **kw):
        self.neurons = [Neuron(nin, **kw) for _ in range(nout)]

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class MLP(Module):
    def __init__(self, nin, nouts):
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i + 1], nonlin=i != len(nouts) - 1) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


random.seed(1337)
pts, ys = [], []
for i in range(40):
    t = math.pi * random.random()
    if i % 2:
        pts.append([math.cos(t) + random.gauss(0, 0.1), math.sin(t) + random.gauss(0, 0.1)])
        ys.append(1.0)
    else:
        pts.append([1 - math.cos(t) + random.gauss(0, 0.1), 0.5 - math.sin(t) + random.gauss(0, 0.1)])
        ys.append(-1.0)
model = MLP(2, [8, 8, 1])
print("number of parameters", len(model.parameters()))

# the same network in torch, float64, weights copied
W = [torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64, requires_grad=True)
     for layer in model.layers]
B = [torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64, requires_grad=True) for layer in model.layers]
Xt = torch.tensor(pts, dtype=torch.float64)
Yt = torch.tensor(ys, dtype=torch.float64)


def torch_forward(x):
    for i, (w, b) in enumerate(zip(W, B)):
        x = x @ w.T + b
        if i < len(W) - 1:
            x = x.relu()
    return x.squeeze(1)


def loss_mg():
    scores = [model(list(map(Value, p))) for p in pts]
    losses = [(1 + -yi * s).relu() for yi, s in zip(ys, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum((p * p for p in model.parameters()))
    acc = sum((yi > 0) == (s.data > 0) for yi, s in zip(ys, scores)) / len(ys)
    return data_loss + reg_loss, acc


def loss_pt():
    s = torch_forward(Xt)
    data_loss = (1 - Yt * s).relu().mean()
    reg = 1e-4 * sum((w * w).sum() + (b * b).sum() for w, b in zip(W, B))
    return data_loss + reg, ((Yt > 0) == (s > 0)).double().mean()


for k in range(15):
    total, acc = loss_mg()
    model.zero_grad()
    total.backward()
    lp, accp = loss_pt()
    for t in W + B:
        t.grad = None
    lp.backward()
    gmax = max(abs(n.w[j].grad - W[li].grad[ni, j].item()) for li, layer in enumerate(model.layers)
               for ni, n in enumerate(layer.neurons) for j in range(len(n.w)))
    lr = 1.0 - 0.9 * k / 100
    for p in model.parameters():
        p.data -= lr * p.grad
    with torch.no_grad():
        for t in W + B:
            t -= lr * t.grad
    if k % 3 == 0 or k == 14:
        print(f"step {k:2d} loss {total.data:.10f} torch {lp.item():.10f} accuracy {acc * 100:.1f}% "
              f"torch {accp.item() * 100:.1f}% grad diff small {gmax < 1e-12}")
