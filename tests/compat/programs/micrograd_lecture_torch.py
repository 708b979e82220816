"""Karpathy's micrograd lecture and its tests as written: a scalar Value engine (+, *, **, relu, tanh,
exp, /, -) checked against PyTorch on float64 tensors built the lecture's way (torch.Tensor([2.0]).double(),
requires_grad set by attribute), printing .data.item() and .grad.item(); torch.Tensor's dtypes and
types; the neuron example; micrograd's test_sanity_check / test_more_ops; and a tiny MLP trained on
four points both ways, the printed data and grads compared every step."""

import math
import random

import torch

torch.manual_seed(0)
random.seed(0)
torch.set_num_threads(1)


class Value:
    """ stores a single scalar value and its gradient """

    def __init__(self, data, _children=(), _op=''):
        self.data = data
        self.grad = 0
        # internal variables used for autograd graph construction
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op  # the op that produced this node, for graphviz / debugging / etc

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), '+')

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward

        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), '*')

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward

        return out

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only supporting int/float powers for now"
        out = Value(self.data**other, (self,), f'**{other}')

        def _backward():
            self.grad += (other * self.data**(other - 1)) * out.grad
        out._backward = _backward

        return out

    def relu(self):
        out = Value(0 if self.data < 0 else self.data, (self,), 'ReLU')

        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward

        return out

    def tanh(self):
        x = self.data
        t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
        out = Value(t, (self, ), 'tanh')

        def _backward():
            self.grad += (1 - t**2) * out.grad
        out._backward = _backward

        return out

    def exp(self):
        x = self.data
        out = Value(math.exp(x), (self, ), 'exp')

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward

        return out

    def backward(self):

        # topological order all of the children in the graph
        topo = []
        visited = set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
        build_topo(self)

        # go one variable at a time and apply the chain rule to get its gradient
        self.grad = 1
        for v in reversed(topo):
            v._backward()

    def __neg__(self):  # -self
        return self * -1

    def __radd__(self, other):  # other + self
        return self + other

    def __sub__(self, other):  # self - other
        return self + (-other)

    def __rsub__(self, other):  # other - self
        return other + (-self)

    def __rmul__(self, other):  # other * self
        return self * other

    def __truediv__(self, other):  # self / other
        return self * other**-1

    def __rtruediv__(self, other):  # other / self
        return other * self**-1

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"


# the lecture's "doing the same thing in PyTorch" cell
print(torch.Tensor([2.0]).dtype, torch.Tensor([2.0]).double().dtype, type(torch.Tensor([2.0])))
print(torch.Tensor([[1, 2, 3], [4, 5, 6]]), torch.Tensor([[1, 2, 3], [4, 5, 6]]).shape)
print(torch.Tensor([[1, 2, 3], [4, 5, 6]]).dtype, torch.tensor([[1, 2, 3], [4, 5, 6]]).dtype)

x1 = torch.Tensor([2.0]).double()
x1.requires_grad = True
x2 = torch.Tensor([0.0]).double()
x2.requires_grad = True
w1 = torch.Tensor([-3.0]).double()
w1.requires_grad = True
w2 = torch.Tensor([1.0]).double()
w2.requires_grad = True
b = torch.Tensor([6.8813735870195432]).double()
b.requires_grad = True
n = x1 * w1 + x2 * w2 + b
o = torch.tanh(n)

print(o.data.item())
o.backward()

print('---')
print('x2', x2.grad.item())
print('w2', w2.grad.item())
print('x1', x1.grad.item())
print('w1', w1.grad.item())
print(o)
print(o.item(), o.dtype, o.grad_fn.name(), x1.grad.dtype, type(o.data.item()))

# the same neuron in Value
x1 = Value(2.0)
x2 = Value(0.0)
w1 = Value(-3.0)
w2 = Value(1.0)
b = Value(6.8813735870195432)
x1w1 = x1 * w1
x2w2 = x2 * w2
x1w1x2w2 = x1w1 + x2w2
n = x1w1x2w2 + b
e = (2 * n).exp()
o = (e - 1) / (e + 1)
o.backward()
print(o.data)
print('x2', x2.grad, 'w2', w2.grad, 'x1', x1.grad, 'w1', w1.grad)


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

    # forward pass went well
    assert ymg.data == ypt.data.item()
    # backward pass went well
    assert xmg.grad == xpt.grad.item()
    print("sanity", ymg.data, ypt.data.item(), xmg.grad, xpt.grad.item())


def test_more_ops():

    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    amg, bmg, gmg = a, b, g

    a = torch.Tensor([-4.0]).double()
    b = torch.Tensor([2.0]).double()
    a.requires_grad = True
    b.requires_grad = True
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    apt, bpt, gpt = a, b, g

    tol = 1e-6
    # forward pass went well
    assert abs(gmg.data - gpt.data.item()) < tol
    # backward pass went well
    assert abs(amg.grad - apt.grad.item()) < tol
    assert abs(bmg.grad - bpt.grad.item()) < tol
    print("more ops g", f"{gmg.data:.6f}", f"{gpt.data.item():.6f}", gpt.data.item() == gmg.data)
    print("more ops a.grad", f"{amg.grad:.6f}", f"{apt.grad.item():.6f}")
    print("more ops b.grad", f"{bmg.grad:.6f}", f"{bpt.grad.item():.6f}")
    print(g.grad_fn.name(), [fn.name() for fn, _ in g.grad_fn.next_functions])
    print(f.grad_fn.name(), e.grad_fn.name(), d.grad_fn.name(), c.grad_fn.name())


test_sanity_check()
test_more_ops()


class Neuron:

    def __init__(self, nin):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1))

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.tanh()

    def parameters(self):
        return self.w + [self.b]


class Layer:

    def __init__(self, nin, nout):
        self.neurons = [Neuron(nin) for _ in range(nout)]

    def __call__(self, x):
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs

    def parameters(self):
        return [p for neuron in self.neurons for p in neuron.parameters()]


class MLP:

    def __init__(self, nin, nouts):
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i + 1]) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


n = MLP(3, [4, 4, 1])
print(len(n.parameters()))
xs = [
    [2.0, 3.0, -1.0],
    [3.0, -1.0, 0.5],
    [0.5, 1.0, 1.0],
    [1.0, 1.0, -1.0],
]
ys = [1.0, -1.0, -1.0, 1.0]  # desired targets

# the same network in torch, float64 weights copied from the Value MLP
Ws = [torch.tensor([[p.data for p in neuron.w] for neuron in layer.neurons], dtype=torch.float64, requires_grad=True)
      for layer in n.layers]
Bs = [torch.tensor([neuron.b.data for neuron in layer.neurons], dtype=torch.float64, requires_grad=True)
      for layer in n.layers]
X = torch.tensor(xs).double()
Y = torch.tensor(ys, dtype=torch.float64)
print(X.dtype, Y.dtype, [w.shape for w in Ws], [b_.dtype for b_ in Bs])


def torch_forward(X):
    h = X
    for W, B in zip(Ws, Bs):
        h = torch.tanh(h @ W.T + B)
    return h.squeeze(-1)


for k in range(20):

    # forward pass
    ypred = [n(x) for x in xs]
    loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))

    # backward pass
    for p in n.parameters():
        p.grad = 0.0
    loss.backward()

    tpred = torch_forward(X)
    tloss = ((tpred - Y) ** 2).sum()
    for t in Ws + Bs:
        t.grad = None
    tloss.backward()
    grad_gap = max(abs(p.grad - g) for p, g in zip(n.parameters(),
                   [g for W, B in zip(Ws, Bs) for row, bg in zip(W.grad.tolist(), B.grad.tolist()) for g in row + [bg]]))

    # update
    for p in n.parameters():
        p.data += -0.1 * p.grad
    with torch.no_grad():
        for t in Ws + Bs:
            t -= 0.1 * t.grad

    print(k, f"{loss.data:.10f}", f"{tloss.item():.10f}", grad_gap < 1e-12, tloss.dtype)

print([f"{v.data:.6f}" for v in ypred])
print(torch_forward(X))
print(Ws[0].grad.dtype, Ws[0].requires_grad, Ws[0].is_leaf, Bs[-1])
