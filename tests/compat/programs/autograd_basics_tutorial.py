"""PyTorch's "Learn the Basics: Automatic Differentiation" and the blitz's autograd page as written,
printing what they print (grad_fn by its class, since its repr holds an address): requires_grad
flags and dtypes, w.grad/b.grad, no_grad and detach, the Jacobian-vector product with
retain_graph, accumulation and zeroing; then the intro series' autograd walkthrough (sin over
linspace, next_functions chains by name, a tiny model's grads, autograd on/off in every form)."""

import math

import torch

torch.manual_seed(0)
torch.set_num_threads(1)

x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)

print(f"Gradient function for z = {z.grad_fn.name()}")  # (its repr holds an address)
print(f"Gradient function for loss = {loss.grad_fn.name()}")
print(repr(z.grad_fn).startswith("<AddBackward0 object at 0x"), str(loss.grad_fn).split()[0])
print(z)
print(loss)
print(w.requires_grad, b.requires_grad, x.requires_grad, z.requires_grad, loss.requires_grad)
print(w.is_leaf, z.is_leaf, w.grad_fn, w.dtype, z.dtype, loss.dtype, loss.shape)

loss.backward()
print(w.grad)
print(b.grad)
print(w.grad.dtype, w.grad.shape, w.grad.requires_grad, z.grad is None)

z = torch.matmul(x, w) + b
print(z.requires_grad)

with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)
print(z.grad_fn)

z = torch.matmul(x, w) + b
z_det = z.detach()
print(z_det.requires_grad)
print(z_det)
print(z_det.grad_fn, z_det.is_leaf, torch.equal(z_det, z))

inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")
print(out.grad_fn.name(), out.shape, inp.grad.dtype)

# --- the blitz: "A Gentle Introduction to torch.autograd"
a = torch.tensor([2., 3.], requires_grad=True)
b = torch.tensor([6., 4.], requires_grad=True)
Q = 3 * a ** 3 - b ** 2
external_grad = torch.tensor([1., 1.])
Q.backward(gradient=external_grad)
# check if collected gradients are correct
print(9 * a ** 2 == a.grad)
print(-2 * b == b.grad)
print(Q, Q.grad_fn.name())

x = torch.rand(5, 5)
y = torch.rand(5, 5)
z = torch.rand((5, 5), requires_grad=True)

a = x + y
print(f"Does `a` require gradients?: {a.requires_grad}")
b = x + z
print(f"Does `b` require gradients?: {b.requires_grad}")

model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
for param in model.parameters():
    param.requires_grad = False
model[2] = torch.nn.Linear(3, 2)
print(type(model[2]), type(model[0].weight), model[0].weight.requires_grad, model[2].weight.requires_grad)
optimizer = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
print(type(optimizer))
out = model(torch.randn(2, 4)).sum()
out.backward()
print(model[0].weight.grad, model[2].weight.grad)
print(model[2].bias.grad)

# --- the intro series: "The Fundamentals of Autograd"
a = torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
print(a)
b = torch.sin(a)
print(b)
c = 2 * b
print(c)
d = c + 1
print(d)
out = d.sum()
print(out)

print('d:')
print(d.grad_fn.name())
print([f.name() if f is not None else None for f, _ in d.grad_fn.next_functions])
print([f.name() if f is not None else None for f, _ in d.grad_fn.next_functions[0][0].next_functions])
print([f.name() for f, _ in d.grad_fn.next_functions[0][0].next_functions[0][0].next_functions])
print('\nc:')
print(c.grad_fn.name())
print('\nb:')
print(b.grad_fn.name())
print('\na:')
print(a.grad_fn)

out.backward()
print(a.grad)


class TinyModel(torch.nn.Module):

    def __init__(self):
        super(TinyModel, self).__init__()

        self.layer1 = torch.nn.Linear(20, 10)
        self.relu = torch.nn.ReLU()
        self.layer2 = torch.nn.Linear(10, 5)

    def forward(self, x):
        x = self.layer1(x)
        x = self.relu(x)
        x = self.layer2(x)
        return x


BATCH_SIZE = 4
DIM_IN = 20
HIDDEN_SIZE = 10
DIM_OUT = 5

some_input = torch.randn(BATCH_SIZE, DIM_IN, requires_grad=False)
ideal_output = torch.randn(BATCH_SIZE, DIM_OUT, requires_grad=False)

model = TinyModel()
print(type(model), type(model.layer2), type(model.relu))

print(model.layer2.weight[0][0:10])  # just a small slice
print(model.layer2.weight.grad)

optimizer = torch.optim.SGD(model.parameters(), lr=0.001)
prediction = model(some_input)

loss = (ideal_output - prediction).pow(2).sum()
print(loss)

loss.backward()
print(model.layer2.weight[0][0:10])
print(model.layer2.weight.grad[0][0:10])

optimizer.step()
print(model.layer2.weight[0][0:10])
print(model.layer2.weight.grad[0][0:10])

for i in range(0, 5):
    prediction = model(some_input)
    loss = (ideal_output - prediction).pow(2).sum()
    loss.backward()

print(model.layer2.weight.grad[0][0:10])

optimizer.zero_grad(set_to_none=False)

print(model.layer2.weight.grad[0][0:10])

a = torch.ones(2, 3, requires_grad=True)
print(a)

b1 = 2 * a
print(b1)

a.requires_grad = False
b2 = 2 * a
print(b2)

a = torch.ones(2, 3, requires_grad=True) * 2
b = torch.ones(2, 3, requires_grad=True) * 3

c1 = a + b
print(c1)

with torch.no_grad():
    c2 = a + b

print(c2)

c3 = a * b
print(c3)


def add_tensors1(x, y):
    return x + y


@torch.no_grad()
def add_tensors2(x, y):
    return x + y


a = torch.ones(2, 3, requires_grad=True) * 2
b = torch.ones(2, 3, requires_grad=True) * 3

c1 = add_tensors1(a, b)
print(c1)

c2 = add_tensors2(a, b)
print(c2)

x = torch.rand(5, requires_grad=True)
y = x.detach()

print(x)
print(y)

a = torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
torch.sin_(a.detach())
try:
    torch.sin_(a)
except RuntimeError as e:
    print("in-place on a leaf that requires grad raises RuntimeError:", isinstance(e, RuntimeError))

x = torch.randn(3, requires_grad=True)

y = x * 2
while y.data.norm() < 1000:
    y = y * 2

print(y)
v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(v)

print(x.grad)
print(x.requires_grad)
print((x ** 2).requires_grad)

with torch.no_grad():
    print((x ** 2).requires_grad)
print(x.requires_grad)
y = x.detach()
print(y.requires_grad)
print(x.eq(y).all())


def exp_adder(x, y):
    return 2 * x.exp() + 3 * y


inputs = (torch.rand(1), torch.rand(1))  # arguments for the function
print(inputs)
print(torch.autograd.functional.jacobian(exp_adder, inputs))

inputs = (torch.rand(3), torch.rand(3))  # arguments for the function
print(inputs)
print(torch.autograd.functional.jacobian(exp_adder, inputs))


def do_some_doubling(x):
    y = x * 2
    while y.data.norm() < 1000:
        y = y * 2
    return y


inputs = torch.randn(3)
my_gradients = torch.tensor([0.1, 1.0, 0.0001])
print(torch.autograd.functional.vjp(do_some_doubling, inputs, v=my_gradients))
