"""NYU's Deep Learning course (Canziani and LeCun) practica as their notebooks run them, small: the
spiral data generated class by class (torch.linspace radius, angle with noise, torch.cat of sin/cos),
a linear model against a two-layer ReLU net (nn.Sequential, model[0].weight, the "[EPOCH]: %i, [LOSS]:
%.6f, [ACCURACY]: %.3f" line with acc as a tensor), the regression notebook's ensemble of ten nets with
ReLU or Tanh (mean and std of the predictions over the ensemble with torch.stack), the
space-stretching matrix demo (torch.svd of a random matrix, its singular values and the transformed
points' extents), the autograd notebook's x.grad / y.grad_fn.next_functions walk and the
requires_grad_() and detach() checks, and the sequence-classification practicum's
"echo / temporal order" toy task with nn.RNN and nn.LSTM on one-hot sequences trained with
Adam, printing accuracy per epoch. Seeded: every printed number agrees."""

import math

import torch
import torch.nn as nn

torch.set_num_threads(1)
seed = 12345
torch.manual_seed(seed)

# 04: spiral classification
N = 200
D = 2
C = 3
H = 100
X = torch.zeros(N * C, D)
y = torch.zeros(N * C, dtype=torch.long)
for c in range(C):
    index = 0
    t = torch.linspace(0, 1, N)
    inner_var = torch.linspace((2 * math.pi / C) * c, (2 * math.pi / C) * (2 + c), N) + torch.randn(N) * 0.2
    for ix in range(N * c, N * (c + 1)):
        X[ix] = t[index] * torch.FloatTensor((math.sin(inner_var[index]), math.cos(inner_var[index])))
        y[ix] = c
        index += 1
print("Shapes:")
print("X:", tuple(X.size()))
print("y:", tuple(y.size()))
print(X[::150], y[::150])

learning_rate = 1e-3
lambda_l2 = 1e-5
model = nn.Sequential(nn.Linear(D, H), nn.Linear(H, C))
criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate, weight_decay=lambda_l2)
for t in range(200):
    y_pred = model(X)
    loss = criterion(y_pred, y)
    score, predicted = torch.max(y_pred, 1)
    acc = (y == predicted).sum().float() / len(y)
    if t % 50 == 0:
        print("[EPOCH]: %i, [LOSS]: %.6f, [ACCURACY]: %.3f" % (t, loss.item(), acc))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(model)
print(model[0].weight.shape, model[-1].bias)

learning_rate = 1e-3
model = nn.Sequential(nn.Linear(D, H), nn.ReLU(), nn.Linear(H, C))
optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate, weight_decay=lambda_l2)
for t in range(300):
    y_pred = model(X)
    loss = criterion(y_pred, y)
    score, predicted = torch.max(y_pred, 1)
    acc = ((y == predicted).sum().float() / len(y))
    if t % 100 == 0:
        print("[EPOCH]: %i, [LOSS]: %.6f, [ACCURACY]: %.3f" % (t, loss.item(), acc))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
mesh = torch.arange(-1.1, 1.1, 0.5)
xx, yy = torch.meshgrid(mesh, mesh, indexing="ij")
with torch.no_grad():
    data = torch.cat((xx.reshape(-1, 1), yy.reshape(-1, 1)), dim=1)
    Z = model(data)
Z = Z.argmax(dim=1).reshape(xx.shape)
print(Z)

# 05: regression with ensembles
torch.manual_seed(seed)
N = 100
X = torch.rand(N, 1) * 2 - 1
y = X.pow(3) + 0.3 * torch.rand(N, 1)
print("X:", tuple(X.size()), "y:", tuple(y.size()))
n_networks = 10
models = []
y_pretrain = []
for mod in range(n_networks):
    model = nn.Sequential(nn.Linear(1, 100), nn.ReLU() if mod % 2 == 0 else nn.Tanh(), nn.Linear(100, 1))
    models.append(model)
    criterion = torch.nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate * 10, weight_decay=lambda_l2)
    y_pretrain.append(model(X).detach())
    for t in range(100):
        y_pred = model(X)
        loss = criterion(y_pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"[MODEL]: {mod + 1}, [LOSS]: {loss.item():.6f}")
xs = torch.linspace(-1, 1, 9).unsqueeze(1)
with torch.no_grad():
    preds = torch.stack([m(xs) for m in models], dim=0)
relu_preds, tanh_preds = preds[0::2], preds[1::2]
print("relu mean", relu_preds.mean(dim=0).view(-1))
print("relu std", relu_preds.std(dim=0).view(-1))
print("tanh mean", tanh_preds.mean(dim=0).view(-1))
print("tanh std", tanh_preds.std(dim=0).view(-1))
print("pretrain spread", torch.stack(y_pretrain).std(0).mean().item())

# 02: space stretching
torch.manual_seed(seed)
X = torch.randn(100, 2)
for i in range(3):
    W = torch.randn(2, 2)
    Y = X @ W.t()
    U, S, V = torch.svd(W)
    print("singular values", S, "det", torch.det(W).abs().item(), S.prod().item())
    print("extent", Y.min(0).values, Y.max(0).values)
model = nn.Sequential(nn.Linear(2, 5, bias=False), nn.ReLU(), nn.Linear(5, 2, bias=False))
with torch.no_grad():
    Y = model(X)
print("relu net extent", Y.abs().max().item(), (Y == 0).all(1).sum().item())

# 03: autograd
x = torch.tensor([[1, 2], [3, 4]], requires_grad=True, dtype=torch.float32)
print(x)
y = x - 2
print(y)
print(y.grad_fn.name())
print(x.grad_fn)
print(y.grad_fn.next_functions[0][0].name())
print(y.grad_fn.next_functions[0][0].variable)
z = y * y * 3
a = z.mean()
print(z)
print(a)
a.backward()
print(x.grad)
x = torch.randn(3, requires_grad=True)
y = x * 2
i = 0
while y.data.norm() < 1000:
    y = y * 2
    i += 1
print(i, y)
gradients = torch.FloatTensor([0.1, 1.0, 0.0001])
y.backward(gradients)
print(x.grad)
print(x.requires_grad)
print((x ** 2).requires_grad)
with torch.no_grad():
    print((x ** 2).requires_grad)
a = torch.randn(2, 2)
a = ((a * 3) / (a - 1))
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn.name())


# 08: sequence classification (temporal order problem), small
def make_batch(n, seq_len=8, n_symbols=4):
    seq = torch.randint(2, n_symbols, (n, seq_len))
    pos = torch.randint(0, seq_len // 2, (n, 2))
    pos[:, 1] += seq_len // 2
    first = torch.randint(0, 2, (n,))
    second = torch.randint(0, 2, (n,))
    seq[torch.arange(n), pos[:, 0]] = first
    seq[torch.arange(n), pos[:, 1]] = second
    label = first * 2 + second
    return nn.functional.one_hot(seq, n_symbols).float(), label


class SimpleRNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, kind):
        super().__init__()
        self.rnn = (nn.RNN if kind == "rnn" else nn.LSTM)(input_size, hidden_size, batch_first=True)
        self.linear = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        h = self.rnn(x)[0]
        x = self.linear(h)
        return x


torch.manual_seed(seed)
for kind in ("rnn", "lstm"):
    model = SimpleRNN(4, 12, 4, kind)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    criterion = nn.CrossEntropyLoss()
    for epoch in range(4):
        correct, total = 0, 0
        for _ in range(5):
            data, target = make_batch(32)
            output = model(data)[:, -1, :]
            loss = criterion(output, target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            y_pred = output.argmax(dim=1)
            correct += (y_pred == target).sum().item()
            total += target.shape[0]
        print(f"{kind} [Epoch {epoch + 1}] loss: {loss.item():.4f} accuracy: {100 * correct / total:.2f}%")
    with torch.no_grad():
        data, target = make_batch(64)
        acc = (model(data)[:, -1].argmax(1) == target).float().mean()
    print(kind, "test accuracy", acc, sum(p.numel() for p in model.parameters()))
