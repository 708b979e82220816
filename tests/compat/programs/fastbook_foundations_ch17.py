"""fastbook chapter 17 ("A Neural Net from the Foundations"): matmul with three loops, then elementwise,
then broadcast, then einsum, checked against @; broadcasting rules (expand_as, unsqueeze/None, the stride 0
of an expanded tensor); init scaling by 1/sqrt(n) and Kaiming's sqrt(2/n) through 50 layers (std printed);
the forward and backward pass by hand with gradients stored on the tensors as .g (lin_grad, relu_grad,
mse_grad), checked against autograd; the refactor into Relu/Lin/Mse classes with __call__ and backward, the
LayerFunction base class, the torch.autograd.Function MyRelu, nn.Module with register_parameter-free
Parameters and a hand optimizer (SGD with zero_grad), and the final Model class trained a few steps."""

import math

import torch
from torch import nn, tensor

torch.set_num_threads(1)
torch.manual_seed(42)
torch.set_printoptions(precision=4, sci_mode=False)

# matrix multiplication from scratch
m1 = torch.randn(5, 28 * 28)
m2 = torch.randn(784, 10)


def matmul(a, b):
    ar, ac = a.shape  # n_rows * n_cols
    br, bc = b.shape
    assert ac == br
    c = torch.zeros(ar, bc)
    for i in range(ar):
        for j in range(bc):
            for k in range(ac):
                c[i, j] += a[i, k] * b[k, j]
    return c


small_a, small_b = m1[:2, :6], m2[:6, :3]
print(matmul(small_a, small_b))
print(torch.allclose(matmul(small_a, small_b), small_a @ small_b, atol=1e-6))


def matmul_elem(a, b):
    ar, ac = a.shape
    br, bc = b.shape
    assert ac == br
    c = torch.zeros(ar, bc)
    for i in range(ar):
        for j in range(bc):
            c[i, j] = (a[i] * b[:, j]).sum()
    return c


def matmul_bcast(a, b):
    ar, ac = a.shape
    br, bc = b.shape
    assert ac == br
    c = torch.zeros(ar, bc)
    for i in range(ar):
        c[i] = (a[i].unsqueeze(-1) * b).sum(dim=0)
    return c


def matmul_einsum(a, b):
    return torch.einsum("ik,kj->ij", a, b)


ref = m1 @ m2
for fn in (matmul_elem, matmul_bcast, matmul_einsum):
    print(fn.__name__, torch.allclose(fn(m1, m2), ref, atol=1e-4))

# broadcasting
a = tensor([10.0, 6, -4])
print(a > 0, a + 1)
m = tensor([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]])
print(2 * m)
c = tensor([10.0, 20, 30])
print(m + c)
t = c.expand_as(m)
print(t, t.stride(), t.shape)
print(c.unsqueeze(0).shape, c.unsqueeze(1).shape, c[None].shape, c[:, None].shape, c[..., None].shape)
print(c[:, None].expand_as(m))
print(m + c[:, None])
print(c[None, :] * c[:, None])

# init
x = torch.randn(200, 100)
for i in range(50):
    x = x @ torch.randn(100, 100)
print("no scaling", x[0:2, :5])
x = torch.randn(200, 100)
for i in range(50):
    x = x @ (torch.randn(100, 100) * 0.01)
print("0.01 scaling", x[0:2, :5])
x = torch.randn(200, 100)
for i in range(50):
    x = x @ (torch.randn(100, 100) * 0.1)
print("0.1 scaling std {:.4f}".format(x.std().item()))
x = torch.randn(200, 100)
y = torch.randn(200)
w1 = torch.randn(100, 50) / math.sqrt(100)
b1 = torch.zeros(50)
w2 = torch.randn(50, 1) / math.sqrt(50)
b2 = torch.zeros(1)


def lin(x, w, b):
    return x @ w + b


l1 = lin(x, w1, b1)
print(l1.shape, "mean {:.4f} std {:.4f}".format(l1.mean(), l1.std()))


def relu(x):
    return x.clamp_min(0.0)


l2 = relu(l1)
print("relu mean {:.4f} std {:.4f}".format(l2.mean(), l2.std()))
x = torch.randn(200, 100)
for i in range(50):
    x = relu(x @ (torch.randn(100, 100) * math.sqrt(2 / 100)))
print("kaiming std {:.4f}".format(x.std().item()))
w1 = torch.randn(100, 50) * math.sqrt(2 / 100)
w2 = torch.randn(50, 1) * math.sqrt(2 / 50)


def model(x):
    l1 = lin(x, w1, b1)
    l2 = relu(l1)
    l3 = lin(l2, w2, b2)
    return l3


out = model(x)
print(out.shape)


def mse(output, targ):
    return (output.squeeze(-1) - targ).pow(2).mean()


loss = mse(out, y)
print("loss {:.4f}".format(loss.item()))


# gradients and the backward pass by hand
def mse_grad(inp, targ):
    # grad of loss with respect to output of previous layer
    inp.g = 2.0 * (inp.squeeze() - targ).unsqueeze(-1) / inp.shape[0]


def relu_grad(inp, out):
    # grad of relu with respect to input activations
    inp.g = (inp > 0).float() * out.g


def lin_grad(inp, out, w, b):
    # grad of matmul with respect to input
    inp.g = out.g @ w.t()
    w.g = inp.t() @ out.g
    b.g = out.g.sum(0)


def forward_and_backward(inp, targ):
    # forward pass:
    l1 = inp @ w1 + b1
    l2 = relu(l1)
    out = l2 @ w2 + b2
    # we don't actually need the loss in backward!
    loss = mse(out, targ)
    # backward pass:
    mse_grad(out, targ)
    lin_grad(l2, out, w2, b2)
    relu_grad(l1, l2)
    lin_grad(inp, l1, w1, b1)
    return loss


x = torch.randn(200, 100)
loss = forward_and_backward(x, y)
print("hand loss {:.4f}".format(loss.item()), w1.g.shape, b1.g.shape, x.g.shape, hasattr(w2, "g"))
hand = [w1.g.clone(), b1.g.clone(), w2.g.clone(), b2.g.clone(), x.g.clone()]
xt, w1t, b1t, w2t, b2t = [t.clone().requires_grad_() for t in (x, w1, b1, w2, b2)]
l1 = xt @ w1t + b1t
loss_t = mse(relu(l1) @ w2t + b2t, y)
loss_t.backward()
for name, h, t in zip(["w1", "b1", "w2", "b2", "x"], hand, [w1t, b1t, w2t, b2t, xt]):
    print(name, "matches autograd", torch.allclose(h, t.grad, rtol=1e-4, atol=1e-6))


# refactoring the model
class Relu:
    def __call__(self, inp):
        self.inp = inp
        self.out = inp.clamp_min(0.0)
        return self.out

    def backward(self):
        self.inp.g = (self.inp > 0).float() * self.out.g


class Lin:
    def __init__(self, w, b):
        self.w, self.b = w, b

    def __call__(self, inp):
        self.inp = inp
        self.out = inp @ self.w + self.b
        return self.out

    def backward(self):
        self.inp.g = self.out.g @ self.w.t()
        self.w.g = self.inp.t() @ self.out.g
        self.b.g = self.out.g.sum(0)


class Mse:
    def __call__(self, inp, targ):
        self.inp = inp
        self.targ = targ
        self.out = (inp.squeeze() - targ).pow(2).mean()
        return self.out

    def backward(self):
        x = (self.inp.squeeze() - self.targ).unsqueeze(-1)
        self.inp.g = 2.0 * x / self.targ.shape[0]


class Model:
    def __init__(self, w1, b1, w2, b2):
        self.layers = [Lin(w1, b1), Relu(), Lin(w2, b2)]
        self.loss = Mse()

    def __call__(self, x, targ):
        for l in self.layers:
            x = l(x)
        return self.loss(x, targ)

    def backward(self):
        self.loss.backward()
        for l in reversed(self.layers):
            l.backward()


model = Model(w1, b1, w2, b2)
loss = model(x, y)
model.backward()
print("class model loss {:.4f}".format(loss.item()), torch.allclose(w1.g, hand[0]), torch.equal(x.g, hand[4]))


class LayerFunction:
    def __call__(self, *args):
        self.args = args
        self.out = self.forward(*args)
        return self.out

    def forward(self):
        raise Exception("not implemented")

    def bwd(self):
        raise Exception("not implemented")

    def backward(self):
        self.bwd(self.out, *self.args)


class Relu2(LayerFunction):
    def forward(self, inp):
        return inp.clamp_min(0.0)

    def bwd(self, out, inp):
        inp.g = (inp > 0).float() * out.g


r = Relu2()
z = torch.randn(4)
o = r(z)
o.g = torch.ones(4)
r.backward()
print("Relu2", z.g)
try:
    LayerFunction()(z)
except Exception as e:
    print("base class:", e)


# going to PyTorch
class MyRelu(torch.autograd.Function):
    @staticmethod
    def forward(ctx, i):
        result = i.clamp_min(0.0)
        ctx.save_for_backward(i)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        i, = ctx.saved_tensors
        return grad_output * (i > 0).float()


zt = z.clone().requires_grad_()
MyRelu.apply(zt).sum().backward()
print("MyRelu", zt.grad, torch.equal(zt.grad, z.g))


class LinearLayer(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(n_out, n_in) * math.sqrt(2 / n_in))
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        return x @ self.weight.t() + self.bias


lin_layer = LinearLayer(10, 2)
p1, p2 = lin_layer.parameters()
print(p1.shape, p2.shape, [n for n, _ in lin_layer.named_parameters()])


class TorchModel(nn.Module):
    def __init__(self, n_in, nh, n_out):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(n_in, nh), nn.ReLU(), nn.Linear(nh, n_out))
        self.loss = mse

    def forward(self, x, targ):
        return self.loss(self.layers(x), targ.squeeze())


torch.manual_seed(7)
tm = TorchModel(100, 50, 1)
lr = 0.05
for step in range(8):
    loss = tm(x, y)
    loss.backward()
    with torch.no_grad():
        for p in tm.parameters():
            p -= lr * p.grad
        tm.zero_grad()
    print("step", step, "loss {:.5f}".format(loss.item()))
print([p.grad for p in tm.parameters()][:1])
