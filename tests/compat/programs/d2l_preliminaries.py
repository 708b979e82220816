"""d2l.ai's "Preliminaries" chapter as its notebooks run it, each cell's value printed as Jupyter shows
it (tuples of tensors, type(), dtypes): data manipulation (arange/reshape/cat/broadcasting, the id()
memory checks, numpy conversion, a.item()/float(a)/int(a)), data preprocessing (a CSV read and
imputed by hand, as pandas does it, into float64 tensors), linear algebra (axis=/keepdims= sums,
cumsum, dot/mv/mm, norms), automatic differentiation (detach, control flow), and probability
(Multinomial coin tosses)."""

import csv
import os
import random
import tempfile

import numpy as np
import torch
from torch.distributions.multinomial import Multinomial

torch.manual_seed(0)
random.seed(0)
torch.set_num_threads(1)

# 2.1 data manipulation
x = torch.arange(12, dtype=torch.float32)
print(x)
print(x.numel())
print(x.shape)
X = x.reshape(3, 4)
print(X)
print(x.reshape(-1, 4).shape, x.reshape(3, -1).shape)
print(torch.zeros((2, 3, 4)))
print(torch.ones((2, 3, 4)))
print(torch.randn(3, 4))
print(torch.tensor([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]]))
print((X[-1], X[1:3]))
X[1, 2] = 17
print(X)
X[:2, :] = 12
print(X)
print(torch.exp(x))
x = torch.tensor([1.0, 2, 4, 8])
y = torch.tensor([2, 2, 2, 2])
print((x + y, x - y, x * y, x / y, x ** y))
print(x.dtype, y.dtype, (x + y).dtype, (y / y).dtype, (y ** y).dtype, (y // 3).dtype)
X = torch.arange(12, dtype=torch.float32).reshape((3, 4))
Y = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
print((torch.cat((X, Y), dim=0), torch.cat((X, Y), dim=1)))
print(X == Y)
print(X.sum())
a = torch.arange(3).reshape((3, 1))
b = torch.arange(2).reshape((1, 2))
print((a, b))
print(a + b)
before = id(Y)
Y = Y + X
print(id(Y) == before)
Z = torch.zeros_like(Y)
z_id = id(Z)
Z[:] = X + Y
print('id(Z) unchanged:', id(Z) == z_id)
before = id(X)
X += Y
print(id(X) == before)
A = X.numpy()
B = torch.from_numpy(A)
print((type(A), type(B)))
print(A.dtype, B.dtype, type(A[0, 0]), type(B[0, 0]))
a = torch.tensor([3.5])
print((a, a.item(), float(a), int(a)))
print(type(a.item()), type(float(a)), type(int(a)), type(torch.tensor([3]).item()), type(torch.tensor([True]).item()))

# 2.2 data preprocessing (pandas' read_csv / fillna(mean) / get_dummies(dummy_na=True), written out)
data_file = os.path.join(tempfile.mkdtemp(), 'house_tiny.csv')
with open(data_file, 'w') as f:
    f.write('''NumRooms,RoofType,Price
NA,NA,127500
2,NA,106000
4,Slate,178100
NA,NA,140000''')
with open(data_file) as f:
    rows = list(csv.DictReader(f))
rooms = [float('nan') if r['NumRooms'] == 'NA' else float(r['NumRooms']) for r in rows]
mean_rooms = np.nanmean(rooms)
rooms = [mean_rooms if np.isnan(v) else v for v in rooms]
roof_slate = [r['RoofType'] == 'Slate' for r in rows]
roof_nan = [r['RoofType'] == 'NA' for r in rows]
inputs = np.array([rooms, roof_slate, roof_nan], dtype=float).T
targets = np.array([float(r['Price']) for r in rows])
X = torch.tensor(inputs)
y = torch.tensor(targets)
print((X, y))
print(X.dtype, y.dtype, X.shape, y.shape, X.device)
X32, y32 = torch.tensor(inputs, dtype=torch.float32), torch.as_tensor(targets).float()
print(X32.dtype, y32.dtype, X32.to(torch.float64).dtype, torch.from_numpy(inputs.astype(np.float32)).dtype)

# 2.3 linear algebra
x = torch.tensor(3.0)
y = torch.tensor(2.0)
print((x + y, x * y, x / y, x ** y))
x = torch.arange(3)
print(x)
print(x[2])
print(len(x))
print(x.shape)
A = torch.arange(6).reshape(3, 2)
print(A)
print(A.T)
A = torch.tensor([[1, 2, 3], [2, 0, 4], [3, 4, 5]])
print(A == A.T)
print(torch.arange(24).reshape(2, 3, 4))
A = torch.arange(6, dtype=torch.float32).reshape(2, 3)
B = A.clone()  # Assign a copy of A to B by allocating new memory
print((A, A + B))
print(A * B)
a = 2
X = torch.arange(24).reshape(2, 3, 4)
print((a + X, (a * X).shape))
x = torch.arange(3, dtype=torch.float32)
print((x, x.sum()))
print((A.shape, A.sum()))
print((A.shape, A.sum(axis=0).shape))
print((A.shape, A.sum(axis=1).shape))
print(A.sum(axis=[0, 1]) == A.sum())  # Same as A.sum()
print((A.mean(), A.sum() / A.numel()))
print((A.mean(axis=0), A.sum(axis=0) / A.shape[0]))
sum_A = A.sum(axis=1, keepdims=True)
print((sum_A, sum_A.shape))
print(A / sum_A)
print(A.cumsum(axis=0))
y = torch.ones(3, dtype=torch.float32)
print((x, y, torch.dot(x, y)))
print(torch.sum(x * y))
print((A.shape, x.shape, torch.mv(A, x), A @ x))
B = torch.ones(3, 4)
print((torch.mm(A, B), A @ B))
u = torch.tensor([3.0, -4.0])
print(torch.norm(u))
print(torch.abs(u).sum())
print(torch.norm(torch.ones((4, 9))))
print(torch.linalg.norm(A), torch.linalg.vector_norm(u, ord=1), torch.linalg.matrix_norm(A, ord='fro'))
print(A.sum(0, keepdim=True).dtype, torch.arange(6).sum().dtype, torch.arange(6).float().mean().dtype)

# 2.5 automatic differentiation
x = torch.arange(4.0)
print(x)
x.requires_grad_(True)
print(x.grad)
y = 2 * torch.dot(x, x)
print(y)
y.backward()
print(x.grad)
print(x.grad == 4 * x)
x.grad.zero_()  # Reset the gradient
y = x.sum()
y.backward()
print(x.grad)
x.grad.zero_()
y = x * x
y.backward(gradient=torch.ones(len(y)))  # Faster: y.sum().backward()
print(x.grad)
x.grad.zero_()
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
print(x.grad == u)
x.grad.zero_()
y.sum().backward()
print(x.grad == 2 * x)


def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


a = torch.randn(size=(), requires_grad=True)
d = f(a)
d.backward()
print(a.grad == d / a)
print(a.shape, d.shape, a.grad.shape, d.grad_fn.name())

# 2.6 probability and statistics
num_tosses = 100
heads = sum([random.random() > 0.5 for _ in range(num_tosses)])
tails = num_tosses - heads
print("heads, tails: ", [heads, tails])
fair_probs = torch.tensor([0.5, 0.5])
print(Multinomial(100, fair_probs).sample())
print(Multinomial(100, fair_probs).sample() / 100)
counts = Multinomial(10000, fair_probs).sample()
print(counts / 10000)
counts = Multinomial(1, fair_probs).sample((10000,))
cum_counts = counts.cumsum(dim=0)
estimates = cum_counts / cum_counts.sum(dim=1, keepdims=True)
estimates = estimates.numpy()
print(estimates[[0, 9, 99, 999, 9999]])
print(counts.dtype, counts.shape, type(estimates))
