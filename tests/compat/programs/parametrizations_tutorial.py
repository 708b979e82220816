"""The "Parametrizations Tutorial" end to end: Symmetric and Skew modules
registered with torch.nn.utils.parametrize.register_parametrization (with
unsafe and with a right_inverse), MatrixExponential via torch.matrix_exp,
chained parametrizations (parametrizations.weight.original, the module's
class renamed Parametrized*), parametrize.cached(), assignments going through
right_inverse, is_parametrized, remove_parametrizations with
leave_parametrized True and False, state_dict keys; and the built-in
orthogonal / weight_norm / spectral_norm as a short fit. Fixed weights:
every number agrees."""

import torch
import torch.nn as nn
import torch.nn.utils.parametrize as P
from torch.nn.utils import parametrizations

torch.manual_seed(0)


def fixed(*shape, scale=0.3, phase=0.0):
    n = 1
    for s in shape:
        n *= s
    return (torch.sin(torch.arange(n, dtype=torch.float32) * 0.9 + phase) * scale).reshape(shape)


def rows(t, nd=4):
    return [[round(v, nd) for v in r] for r in t.tolist()]


def symmetric(X):
    return X.triu() + X.triu(1).transpose(-1, -2)


X = fixed(3, 3)
A = symmetric(X)
assert torch.allclose(A, A.T)
print("symmetric", rows(A))


class LinearSymmetric(nn.Module):
    def __init__(self, n_features):
        super().__init__()
        self.weight = nn.Parameter(fixed(n_features, n_features))

    def forward(self, x):
        A = symmetric(self.weight)
        return x @ A


layer = LinearSymmetric(3)
out = layer(torch.ones(8, 3))
print("manual symmetric out", [round(v, 4) for v in out[0].tolist()])


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)


layer = nn.Linear(3, 3)
with torch.no_grad():
    layer.weight.copy_(fixed(3, 3))
    layer.bias.copy_(fixed(3, phase=1.0))
P.register_parametrization(layer, "weight", Symmetric())
A = layer.weight
assert torch.allclose(A, A.T)
print("registered", rows(A))
print("class name", type(layer).__name__, "is_parametrized", P.is_parametrized(layer),
      P.is_parametrized(layer, "weight"), P.is_parametrized(layer, "bias"))
print(layer)


class Skew(nn.Module):
    def forward(self, X):
        A = X.triu(1)
        return A - A.transpose(-1, -2)


cnn = nn.Conv2d(in_channels=5, out_channels=8, kernel_size=3)
with torch.no_grad():
    cnn.weight.copy_(fixed(8, 5, 3, 3, scale=0.2))
P.register_parametrization(cnn, "weight", Skew())
print("skew kernel", rows(cnn.weight[0, 1]))
print("skew is antisymmetric", torch.allclose(cnn.weight, -cnn.weight.transpose(-1, -2)))
print("original shape", tuple(cnn.parametrizations.weight.original.shape))

layer = nn.Linear(3, 3)
with torch.no_grad():
    layer.weight.copy_(fixed(3, 3, phase=2.0))
print(f"Unparametrized:\n{rows(layer.weight)}")
P.register_parametrization(layer, "weight", Symmetric())
print(f"Parametrized:\n{rows(layer.weight)}")
print(layer.parametrizations)
print(layer.parametrizations.weight)
print(layer.parametrizations.weight[0])
print(dict(layer.named_parameters()).keys())
print(layer.parametrizations.weight.original is layer.parametrizations["weight"].original)
print(rows(symmetric(layer.parametrizations.weight.original)))


class NoisyParametrization(nn.Module):
    def forward(self, X):
        print("Computing the Parametrization")
        return X


layer = nn.Linear(4, 4)
P.register_parametrization(layer, "weight", NoisyParametrization())
print("Here, layer.weight is recomputed every time we call it")
foo = layer.weight + layer.weight.T
bar = layer.weight.sum()
with P.cached():
    print("Here, it is computed just the first time layer.weight is called")
    foo = layer.weight + layer.weight.T
    bar = layer.weight.sum()


class MatrixExponential(nn.Module):
    def forward(self, X):
        return torch.matrix_exp(X)


layer_orthogonal = nn.Linear(3, 3)
with torch.no_grad():
    layer_orthogonal.weight.copy_(fixed(3, 3, phase=0.5))
P.register_parametrization(layer_orthogonal, "weight", Skew())
P.register_parametrization(layer_orthogonal, "weight", MatrixExponential())
X = layer_orthogonal.weight
print("orthogonal", rows(X, 5))
print(torch.dist(X.T @ X, torch.eye(3)) < 1e-5)
print("chained", [type(m).__name__ for m in layer_orthogonal.parametrizations.weight])

layer_spd = nn.Linear(3, 3)
with torch.no_grad():
    layer_spd.weight.copy_(fixed(3, 3, phase=1.5))
P.register_parametrization(layer_spd, "weight", Symmetric())
P.register_parametrization(layer_spd, "weight", MatrixExponential())
X = layer_spd.weight
print("spd eigvals", [round(v, 4) for v in torch.linalg.eigvalsh(X).tolist()])
print(torch.dist(X, X.T) < 1e-5, (torch.linalg.eigvalsh(X) > 0.).all())


class Symmetric2(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)

    def right_inverse(self, A):
        return A.triu()


layer = nn.Linear(3, 3)
with torch.no_grad():
    layer.weight.copy_(fixed(3, 3, phase=3.0))
P.register_parametrization(layer, "weight", Symmetric2())
X = symmetric(fixed(3, 3, phase=4.0))
print(not torch.allclose(X, layer.weight))
layer.weight = X
print(torch.allclose(X, layer.weight))
print("original after assignment", rows(layer.parametrizations.weight.original))


class NoisyParametrization2(nn.Module):
    def forward(self, X):
        return X

    def right_inverse(self, A):
        print("right_inverse called")
        return A


layer = nn.Linear(2, 2)
P.register_parametrization(layer, "weight", NoisyParametrization2())
print("state keys", sorted(layer.state_dict().keys()))

layer = nn.Linear(3, 3)
with torch.no_grad():
    layer.weight.copy_(fixed(3, 3, phase=5.0))
print("Before:")
print(layer)
print(rows(layer.weight))
P.register_parametrization(layer, "weight", Symmetric())
print("\nParametrized:")
print(rows(layer.weight))
P.remove_parametrizations(layer, "weight")
print("\nAfter. Weight has the parametrized value:")
print(layer)
print(rows(layer.weight), type(layer.weight).__name__, layer.weight.requires_grad)

layer = nn.Linear(3, 3)
with torch.no_grad():
    layer.weight.copy_(fixed(3, 3, phase=6.0))
P.register_parametrization(layer, "weight", Symmetric())
print("Parametrized:", rows(layer.weight))
P.remove_parametrizations(layer, "weight", leave_parametrized=False)
print("After. Same as Before:", rows(layer.weight))

# ---------------------------------------------------------------- a short fit through the parametrization
torch.manual_seed(0)
target = symmetric(fixed(4, 4, scale=0.5, phase=7.0))
model = nn.Linear(4, 4, bias=False)
with torch.no_grad():
    model.weight.copy_(fixed(4, 4, phase=8.0))
P.register_parametrization(model, "weight", Symmetric())
opt = torch.optim.Adam(model.parameters(), lr=0.05)
inputs = fixed(16, 4, scale=1.0, phase=9.0)
for step in range(30):
    opt.zero_grad()
    loss = ((model(inputs) - inputs @ target.T) ** 2).mean()
    loss.backward()
    opt.step()
    if step % 10 == 9:
        print(f"sym fit step {step + 1} loss {loss.item():.6f}")
print("grad lower triangle zero", bool((model.parametrizations.weight.original.grad.tril(-1) == 0).all()))

rot = nn.Linear(3, 3, bias=False)
with torch.no_grad():
    rot.weight.copy_(fixed(3, 3, phase=10.0))
parametrizations.orthogonal(rot)
Q = rot.weight
print("orthogonal Q^T Q", torch.allclose(Q.T @ Q, torch.eye(3), atol=1e-5), "det sign", round(torch.linalg.det(Q).item(), 4))
lin = nn.Linear(3, 2)
with torch.no_grad():
    lin.weight.copy_(fixed(2, 3, phase=11.0))
parametrizations.weight_norm(lin)
print("weight_norm g", rows(lin.parametrizations.weight.original0), "v", rows(lin.parametrizations.weight.original1))
print("weight_norm reconstructs", torch.allclose(lin.weight, fixed(2, 3, phase=11.0), atol=1e-6))
