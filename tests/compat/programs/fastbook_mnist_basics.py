"""fast.ai's fastbook chapter 4 ("Under the Hood: Training a Digit Classifier") and lesson 3's "How does a
neural net really work?" notebook, in plain PyTorch on generated 3s and 7s: stacking images into rank-3
tensors, the pixel-similarity baseline (mean 3 and mean 7, mnist_distance with broadcasting, is_3), the
quadratic fit by mae with params.requires_grad_() and manual steps, the seven-step SGD loop on a speed
curve, init_params, linear1 with xb@weights + bias, mnist_loss through sigmoid and torch.where,
calc_grad/train_epoch/batch_accuracy/validate_epoch, the BasicOptim class, nn.Linear with it and with
SGD, and simple_net as nn.Sequential; rectified linear sums at the end."""

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn, tensor
from torch.utils.data import DataLoader

torch.set_num_threads(1)
torch.set_printoptions(precision=4, sci_mode=False, linewidth=120)
rng = np.random.RandomState(4)


def draw(digit, n):
    """n noisy 12x12 images of a crude 3 or 7 (floats in [0, 1], as the book's /255)."""
    base = np.zeros((12, 12))
    if digit == 3:
        base[2, 3:9] = base[6, 4:9] = base[10, 3:9] = 1
        base[2:11, 8] = 1
    else:
        base[2, 2:10] = 1
        for r in range(3, 11):
            base[r, 9 - (r - 3) // 2 - 1] = 1
    out = []
    for _ in range(n):
        img = np.roll(base, (rng.randint(-1, 2), rng.randint(-1, 2)), (0, 1)) * rng.uniform(0.7, 1.0)
        out.append(np.clip(img + rng.rand(12, 12) * 0.3, 0, 1))
    return [tensor((o * 255).astype(np.uint8)) for o in out]


three_tensors, seven_tensors = draw(3, 60), draw(7, 60)
print(len(three_tensors), len(seven_tensors), three_tensors[1].dtype, three_tensors[1].shape)
stacked_sevens = torch.stack(seven_tensors).float() / 255
stacked_threes = torch.stack(three_tensors).float() / 255
print(stacked_threes.shape, len(stacked_threes.shape), stacked_threes.ndim)
mean3 = stacked_threes.mean(0)
mean7 = stacked_sevens.mean(0)
print(mean3[2, 2:10])
a_3 = stacked_threes[1]
dist_3_abs = (a_3 - mean3).abs().mean()
dist_3_sqr = ((a_3 - mean3) ** 2).mean().sqrt()
print(dist_3_abs, dist_3_sqr)
dist_7_abs = (a_3 - mean7).abs().mean()
dist_7_sqr = ((a_3 - mean7) ** 2).mean().sqrt()
print(dist_7_abs, dist_7_sqr)
print(F.l1_loss(a_3.float(), mean7), F.mse_loss(a_3, mean7).sqrt())

valid_3_tens = torch.stack(draw(3, 20)).float() / 255
valid_7_tens = torch.stack(draw(7, 20)).float() / 255
print(valid_3_tens.shape, valid_7_tens.shape)


def mnist_distance(a, b):
    return (a - b).abs().mean((-1, -2))


print(mnist_distance(a_3, mean3))
valid_3_dist = mnist_distance(valid_3_tens, mean3)
print(valid_3_dist[:5], valid_3_dist.shape)
print(tensor([1, 2, 3]) + tensor(1))
print((valid_3_tens - mean3).shape)


def is_3(x):
    return mnist_distance(x, mean3) < mnist_distance(x, mean7)


print(is_3(a_3), is_3(a_3).float())
print(is_3(valid_3_tens)[:8])
accuracy_3s = is_3(valid_3_tens).float().mean()
accuracy_7s = (1 - is_3(valid_7_tens).float()).mean()
print(accuracy_3s, accuracy_7s, (accuracy_3s + accuracy_7s) / 2)


# lesson 3: fitting a quadratic by hand
def f(x):
    return 3 * x ** 2 + 2 * x + 1


def quad(a, b, c, x):
    return a * x ** 2 + b * x + c


def mk_quad(a, b, c):
    return lambda x: quad(a, b, c, x)


def noise(x, scale):
    return np.random.normal(scale=scale, size=x.shape)  # noqa: NPY002 (the notebook's own)


def add_noise(x, mult, add):
    return x * (1 + noise(x, mult)) + noise(x, add)


np.random.seed(42)  # noqa: NPY002
x = torch.linspace(-2, 2, steps=20)[:, None]
y = add_noise(f(x), 0.15, 1.5)
print(x[:5], y[:5], y.dtype)


def mae(preds, acts):
    return (torch.abs(preds - acts)).mean()


def quad_mae(params):
    f = mk_quad(*params)
    return mae(f(x), y)


print(quad_mae([1.1, 1.1, 1.1]))
abc = torch.tensor([1.1, 1.1, 1.1])
abc.requires_grad_()
loss = quad_mae(abc)
print(loss)
loss.backward()
print(abc.grad)
with torch.no_grad():
    abc -= abc.grad * 0.01
    loss = quad_mae(abc)
print(f"loss={loss:.2f}")
for i in range(10):
    loss = quad_mae(abc)
    loss.backward()
    with torch.no_grad():
        abc -= abc.grad * 0.01
    print(f"step={i}; loss={loss:.2f}")
print(abc)


def rectified_linear(m, b, x):
    y = m * x + b
    return torch.clip(y, 0.)


def rectified_linear2(m1, b1, m2, b2, x):
    return rectified_linear(m1, b1, x) + rectified_linear(m2, b2, x)


print(rectified_linear2(1.5, -0.5, -1.0, 0.2, torch.linspace(-2, 2, 9)))

# the seven steps on the roller-coaster speed example
time = torch.arange(0, 20).float()
torch.manual_seed(42)
speed = torch.randn(20) * 3 + 0.75 * (time - 9.5) ** 2 + 1
print(speed[:6])


def f2(t, params):
    a, b, c = params
    return a * (t ** 2) + (b * t) + c


def mse(preds, targets):
    return ((preds - targets) ** 2).mean()


params = torch.randn(3).requires_grad_()
orig_params = params.clone()
lr = 1e-5


def apply_step(params, prn=True):
    preds = f2(time, params)
    loss = mse(preds, speed)
    loss.backward()
    params.data -= lr * params.grad.data
    params.grad = None
    if prn:
        print(loss.item())
    return preds


for i in range(6):
    apply_step(params)
print(params, orig_params)

# chapter 4: a linear model on the pixels
train_x = torch.cat([stacked_threes, stacked_sevens]).view(-1, 12 * 12)
train_y = tensor([1] * len(three_tensors) + [0] * len(seven_tensors)).unsqueeze(1)
print(train_x.shape, train_y.shape)
dset = list(zip(train_x, train_y))
x0, y0 = dset[0]
print(x0.shape, y0)
valid_x = torch.cat([valid_3_tens, valid_7_tens]).view(-1, 12 * 12)
valid_y = tensor([1] * len(valid_3_tens) + [0] * len(valid_7_tens)).unsqueeze(1)
valid_dset = list(zip(valid_x, valid_y))


def init_params(size, std=1.0):
    return (torch.randn(size) * std).requires_grad_()


torch.manual_seed(0)
weights = init_params((12 * 12, 1))
bias = init_params(1)
print((train_x[0] * weights.T).sum() + bias)


def linear1(xb):
    return xb @ weights + bias


preds = linear1(train_x)
print(preds[:4])
corrects = (preds > 0.0).float() == train_y
print(corrects.float().mean().item())
with torch.no_grad():
    weights[0] *= 1.0001
preds = linear1(train_x)
print(((preds > 0.0).float() == train_y).float().mean().item())

trgts = tensor([1, 0, 1])
prds = tensor([0.9, 0.4, 0.2])


def mnist_loss(predictions, targets):
    predictions = predictions.sigmoid()
    return torch.where(targets == 1, 1 - predictions, predictions).mean()


print(torch.where(trgts == 1, 1 - prds, prds))
print(mnist_loss(prds, trgts), mnist_loss(tensor([0.9, 0.4, 0.8]), trgts))

coll = range(15)
torch.manual_seed(1)
dl = DataLoader(coll, batch_size=5, shuffle=True)
print(list(dl))
ds = list(zip(range(1, 27), "abcdefghijklmnopqrstuvwxyz"))
dl = DataLoader(ds, batch_size=6, shuffle=True)
print(list(dl)[0])

torch.manual_seed(2)
weights = init_params((12 * 12, 1))
bias = init_params(1)
dl = DataLoader(dset, batch_size=32, shuffle=True)
xb, yb = first = next(iter(dl))
print(xb.shape, yb.shape)
valid_dl = DataLoader(valid_dset, batch_size=16)
batch = train_x[:4]
preds = linear1(batch)
print(preds)
loss = mnist_loss(preds, train_y[:4])
print(loss)
loss.backward()
print(weights.grad.shape, weights.grad.mean(), bias.grad)


def calc_grad(xb, yb, model):
    preds = model(xb)
    loss = mnist_loss(preds, yb)
    loss.backward()


calc_grad(batch, train_y[:4], linear1)
print(weights.grad.mean(), bias.grad)
calc_grad(batch, train_y[:4], linear1)
print(weights.grad.mean(), bias.grad)
weights.grad.zero_()
bias.grad.zero_()


def train_epoch(model, lr, params):
    for xb, yb in dl:
        calc_grad(xb, yb, model)
        for p in params:
            p.data -= p.grad * lr
            p.grad.zero_()


def batch_accuracy(xb, yb):
    preds = xb.sigmoid()
    correct = (preds > 0.5) == yb
    return correct.float().mean()


print(batch_accuracy(linear1(batch), train_y[:4]))


def validate_epoch(model):
    accs = [batch_accuracy(model(xb), yb) for xb, yb in valid_dl]
    return round(torch.stack(accs).mean().item(), 4)


print(validate_epoch(linear1))
lr = 1.0
params = weights, bias
train_epoch(linear1, lr, params)
print(validate_epoch(linear1))
for i in range(8):
    train_epoch(linear1, lr, params)
    print(validate_epoch(linear1), end=" ")
print()

# creating an optimizer
torch.manual_seed(3)
linear_model = nn.Linear(12 * 12, 1)
w, b = linear_model.parameters()
print(w.shape, b.shape)


class BasicOptim:
    def __init__(self, params, lr):
        self.params, self.lr = list(params), lr

    def step(self, *args, **kwargs):
        for p in self.params:
            p.data -= p.grad.data * self.lr

    def zero_grad(self, *args, **kwargs):
        for p in self.params:
            p.grad = None


opt = BasicOptim(linear_model.parameters(), lr)


def train_epoch(model):
    for xb, yb in dl:
        calc_grad(xb, yb, model)
        opt.step()
        opt.zero_grad()


print(validate_epoch(linear_model))


def train_model(model, epochs):
    for i in range(epochs):
        train_epoch(model)
        print(validate_epoch(model), end=" ")
    print()


train_model(linear_model, 8)
torch.manual_seed(3)
linear_model = nn.Linear(12 * 12, 1)
opt = torch.optim.SGD(linear_model.parameters(), lr)
train_model(linear_model, 8)
print(linear_model.bias, linear_model.weight.grad)

# adding a nonlinearity
torch.manual_seed(4)
w1 = init_params((12 * 12, 30))
b1 = init_params(30)
w2 = init_params((30, 1))
b2 = init_params(1)


def simple_net(xb):
    res = xb @ w1 + b1
    res = res.max(tensor(0.0))
    res = res @ w2 + b2
    return res


print(simple_net(train_x[:3]))
torch.manual_seed(5)
simple_net = nn.Sequential(nn.Linear(12 * 12, 30), nn.ReLU(), nn.Linear(30, 1))
opt = torch.optim.SGD(simple_net.parameters(), 1.0)
train_model(simple_net, 10)
print(simple_net)
m = simple_net[0]
print(m, m.weight.shape, m.bias.shape)
print(round(F.binary_cross_entropy_with_logits(simple_net(valid_x), valid_y.float()).item(), 5))
