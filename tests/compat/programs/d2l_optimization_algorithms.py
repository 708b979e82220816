"""Dive into Deep Learning's "Optimization Algorithms" chapter written by hand: gradient descent and
Newton's method in 1-d (the d2l f(x)=x*cosh(c x) example), the 2-d traces of gd/sgd on
f(x1, x2) = x1^2 + 2 x2^2 with noisy gradients, the ill-conditioned 0.1 x1^2 + 2 x2^2 with momentum,
the effective-sample-weight table, then minibatch training of a linear regression (the airfoil
stand-in: seeded features, normalised) with init_*_states/update functions for sgd, momentum, adagrad,
rmsprop, adadelta and adam (and yogi), each compared with torch.optim's version of the same rule;
learning-rate schedulers by hand (FactorScheduler, MultiFactor via lr_scheduler.MultiStepLR, a cosine
with warm-up) printed along the way. Seeded: every printed number agrees."""

import math

import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(0)


def f(x):
    return x ** 2


def f_grad(x):
    return 2 * x


def gd(eta, f_grad):
    x = 10.0
    results = [x]
    for _ in range(10):
        x -= eta * f_grad(x)
        results.append(float(x))
    print(f"epoch 10, x: {x:f}")
    return results


print([round(r, 4) for r in gd(0.2, f_grad)])
gd(0.05, f_grad)
gd(1.1, f_grad)

c = torch.tensor(0.15 * math.pi)


def f_nc(x):
    return x * torch.cos(c * x)


def f_nc_grad(x):
    return torch.cos(c * x) - c * x * torch.sin(c * x)


x = torch.tensor(10.0)
for _ in range(10):
    x = x - 2 * f_nc_grad(x)
print("nonconvex", x, f_nc(x))

c = torch.tensor(0.5)


def f_cosh(x):
    return torch.cosh(c * x)


def f_cosh_grad(x):
    return c * torch.sinh(c * x)


def f_cosh_hess(x):
    return c ** 2 * torch.cosh(c * x)


def newton(eta=1):
    x = 10.0
    results = [x]
    for _ in range(10):
        x -= eta * f_cosh_grad(x) / f_cosh_hess(x)
        results.append(float(x))
    print("newton epoch 10, x:", x)
    return results


newton()
x = torch.tensor(3.0, requires_grad=True)
for i in range(5):
    g, = torch.autograd.grad(f_nc(x), x, create_graph=True)
    h, = torch.autograd.grad(g, x)
    with torch.no_grad():
        x -= 0.5 * g / h.abs()
    print(f"autograd newton {i} x {x.item():.6f} f {f_nc(x).item():.6f}")


def train_2d(trainer, steps=20, f_grad=None):
    x1, x2, s1, s2 = -5, -2, 0, 0
    results = [(x1, x2)]
    for _ in range(steps):
        if f_grad:
            x1, x2, s1, s2 = trainer(x1, x2, s1, s2, f_grad)
        else:
            x1, x2, s1, s2 = trainer(x1, x2, s1, s2)
        results.append((x1, x2))
    print(f"epoch {steps}, x1: {float(x1):f}, x2: {float(x2):f}")
    return results


def f_2d(x1, x2):
    return x1 ** 2 + 2 * x2 ** 2


def f_2d_grad(x1, x2):
    return (2 * x1, 4 * x2)


def gd_2d(x1, x2, s1, s2, f_grad):
    g1, g2 = f_grad(x1, x2)
    return (x1 - eta * g1, x2 - eta * g2, 0, 0)


def sgd_2d(x1, x2, s1, s2, f_grad):
    g1, g2 = f_grad(x1, x2)
    g1 += torch.normal(0.0, 1, (1,)).item()
    g2 += torch.normal(0.0, 1, (1,)).item()
    eta_t = eta * lr()
    return (x1 - eta_t * g1, x2 - eta_t * g2, 0, 0)


def constant_lr():
    return 1


eta = 0.1
train_2d(gd_2d, f_grad=f_2d_grad)
lr = constant_lr
train_2d(sgd_2d, steps=50, f_grad=f_2d_grad)
t = 1


def exponential_lr():
    global t
    t += 1
    return math.exp(-0.1 * t)


def polynomial_lr():
    global t
    t += 1
    return (1 + 0.1 * t) ** (-0.5)


t = 1
lr = exponential_lr
train_2d(sgd_2d, steps=100, f_grad=f_2d_grad)
t = 1
lr = polynomial_lr
train_2d(sgd_2d, steps=50, f_grad=f_2d_grad)

eta, beta = 0.4, 0.5


def f_ill(x1, x2):
    return 0.1 * x1 ** 2 + 2 * x2 ** 2


def momentum_2d(x1, x2, v1, v2):
    v1 = beta * v1 + 0.2 * x1
    v2 = beta * v2 + 4 * x2
    return x1 - eta * v1, x2 - eta * v2, v1, v2


def gd_ill(x1, x2, s1, s2):
    return (x1 - eta * 0.2 * x1, x2 - eta * 4 * x2, 0, 0)


train_2d(gd_ill)
eta = 0.6
train_2d(gd_ill)
train_2d(momentum_2d)
eta, beta = 0.6, 0.25
train_2d(momentum_2d)
for b in [0.95, 0.9, 0.6, 0]:
    x = torch.arange(40).detach().numpy()
    print(f"beta = {b:.2f}", [round(float(v), 4) for v in (b ** x)[[0, 1, 10, 39]]])


def adagrad_2d(x1, x2, s1, s2):
    eps = 1e-6
    g1, g2 = 0.2 * x1, 4 * x2
    s1 += g1 ** 2
    s2 += g2 ** 2
    x1 -= eta / math.sqrt(s1 + eps) * g1
    x2 -= eta / math.sqrt(s2 + eps) * g2
    return x1, x2, s1, s2


eta = 0.4
train_2d(adagrad_2d)
eta = 2
train_2d(adagrad_2d)


def rmsprop_2d(x1, x2, s1, s2):
    g1, g2, eps = 0.2 * x1, 4 * x2, 1e-6
    s1 = gamma * s1 + (1 - gamma) * g1 ** 2
    s2 = gamma * s2 + (1 - gamma) * g2 ** 2
    x1 -= eta / math.sqrt(s1 + eps) * g1
    x2 -= eta / math.sqrt(s2 + eps) * g2
    return x1, x2, s1, s2


eta, gamma = 0.4, 0.9
train_2d(rmsprop_2d)

# ---- minibatch training on a seeded regression set (the airfoil stand-in) ----
n, d = 300, 5
features = torch.randn(n, d)
true_w = torch.tensor([[1.5], [-2.0], [0.7], [0.0], [3.0]])
labels = features @ true_w + 0.3 + 0.5 * torch.randn(n, 1)
features = (features - features.mean(dim=0)) / features.std(dim=0)
data = (features, labels)


def load_array(data_arrays, batch_size, is_train=True):
    dataset = torch.utils.data.TensorDataset(*data_arrays)
    return torch.utils.data.DataLoader(dataset, batch_size, shuffle=is_train)


def linreg(X, w, b):
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def evaluate_loss(net, data_iter, loss):
    total, count = 0.0, 0
    for X, y in data_iter:
        out = net(X)
        y = y.reshape(out.shape)
        ls = loss(out, y)
        total += ls.sum().item()
        count += ls.numel()
    return total / count


def train_ch11(trainer_fn, states, hyperparams, data, feature_dim, num_epochs=2, batch_size=10):
    torch.manual_seed(1)
    w = torch.normal(mean=0.0, std=0.01, size=(feature_dim, 1), requires_grad=True)
    b = torch.zeros((1), requires_grad=True)
    net, loss = lambda X: linreg(X, w, b), squared_loss
    data_iter = load_array(data, batch_size)
    n_iter, curve = 0, []
    for _ in range(num_epochs):
        for X, y in data_iter:
            l = loss(net(X), y).mean()
            l.backward()
            trainer_fn([w, b], states, hyperparams)
            n_iter += 1
            if n_iter % 10 == 0:
                curve.append(round(evaluate_loss(net, load_array(data, 100, False), loss), 5))
    print(f"loss: {curve[-1]:.5f}, {len(curve)} points, curve {curve[:4]}")
    return w, b


def train_concise_ch11(trainer_fn, hyperparams, data, num_epochs=2, batch_size=10):
    torch.manual_seed(1)
    net = nn.Sequential(nn.Linear(d, 1))

    def init_weights(module):
        if type(module) == nn.Linear:  # noqa: E721 - as the tutorial writes it
            torch.nn.init.normal_(module.weight, std=0.01)
            torch.nn.init.zeros_(module.bias)

    net.apply(init_weights)
    optimizer = trainer_fn(net.parameters(), **hyperparams)
    loss = nn.MSELoss(reduction="none")
    data_iter = load_array(data, batch_size)
    n_iter, curve = 0, []
    for _ in range(num_epochs):
        for X, y in data_iter:
            optimizer.zero_grad()
            out = net(X)
            y = y.reshape(out.shape)
            l = loss(out, y)
            l.mean().backward()
            optimizer.step()
            n_iter += 1
            if n_iter % 10 == 0:
                curve.append(round(evaluate_loss(net, load_array(data, 100, False), loss) / 2, 5))
    print(f"concise loss: {curve[-1]:.5f}, curve {curve[:4]}")
    return net


def sgd(params, states, hyperparams):
    for p in params:
        p.data.sub_(hyperparams["lr"] * p.grad)
        p.grad.data.zero_()


def init_momentum_states(feature_dim):
    v_w = torch.zeros((feature_dim, 1))
    v_b = torch.zeros(1)
    return (v_w, v_b)


def sgd_momentum(params, states, hyperparams):
    for p, v in zip(params, states):
        with torch.no_grad():
            v[:] = hyperparams["momentum"] * v + p.grad
            p[:] -= hyperparams["lr"] * v
        p.grad.data.zero_()


def init_adagrad_states(feature_dim):
    return (torch.zeros((feature_dim, 1)), torch.zeros(1))


def adagrad(params, states, hyperparams):
    eps = 1e-6
    for p, s in zip(params, states):
        with torch.no_grad():
            s[:] += torch.square(p.grad)
            p[:] -= hyperparams["lr"] * p.grad / torch.sqrt(s + eps)
        p.grad.data.zero_()


def init_rmsprop_states(feature_dim):
    return (torch.zeros((feature_dim, 1)), torch.zeros(1))


def rmsprop(params, states, hyperparams):
    gamma, eps = hyperparams["gamma"], 1e-6
    for p, s in zip(params, states):
        with torch.no_grad():
            s[:] = gamma * s + (1 - gamma) * torch.square(p.grad)
            p[:] -= hyperparams["lr"] * p.grad / torch.sqrt(s + eps)
        p.grad.data.zero_()


def init_adadelta_states(feature_dim):
    s_w, s_b = torch.zeros((feature_dim, 1)), torch.zeros(1)
    delta_w, delta_b = torch.zeros((feature_dim, 1)), torch.zeros(1)
    return ((s_w, delta_w), (s_b, delta_b))


def adadelta(params, states, hyperparams):
    rho, eps = hyperparams["rho"], 1e-5
    for p, (s, delta) in zip(params, states):
        with torch.no_grad():
            s[:] = rho * s + (1 - rho) * torch.square(p.grad)
            g = (torch.sqrt(delta + eps) / torch.sqrt(s + eps)) * p.grad
            p[:] -= g
            delta[:] = rho * delta + (1 - rho) * g * g
        p.grad.data.zero_()


def init_adam_states(feature_dim):
    v_w, v_b = torch.zeros((feature_dim, 1)), torch.zeros(1)
    s_w, s_b = torch.zeros((feature_dim, 1)), torch.zeros(1)
    return ((v_w, s_w), (v_b, s_b))


def adam(params, states, hyperparams):
    beta1, beta2, eps = 0.9, 0.999, 1e-6
    for p, (v, s) in zip(params, states):
        with torch.no_grad():
            v[:] = beta1 * v + (1 - beta1) * p.grad
            s[:] = beta2 * s + (1 - beta2) * torch.square(p.grad)
            v_bias_corr = v / (1 - beta1 ** hyperparams["t"])
            s_bias_corr = s / (1 - beta2 ** hyperparams["t"])
            p[:] -= hyperparams["lr"] * v_bias_corr / (torch.sqrt(s_bias_corr) + eps)
        p.grad.data.zero_()
    hyperparams["t"] += 1


def yogi(params, states, hyperparams):
    beta1, beta2, eps = 0.9, 0.999, 1e-3
    for p, (v, s) in zip(params, states):
        with torch.no_grad():
            v[:] = beta1 * v + (1 - beta1) * p.grad
            s[:] = s + (1 - beta2) * torch.sign(torch.square(p.grad) - s) * torch.square(p.grad)
            v_bias_corr = v / (1 - beta1 ** hyperparams["t"])
            s_bias_corr = s / (1 - beta2 ** hyperparams["t"])
            p[:] -= hyperparams["lr"] * v_bias_corr / (torch.sqrt(s_bias_corr) + eps)
        p.grad.data.zero_()
    hyperparams["t"] += 1


w, b = train_ch11(sgd, None, {"lr": 0.05}, data, d)
print("sgd w", w.detach().reshape(-1), b.detach())
train_concise_ch11(torch.optim.SGD, {"lr": 0.05}, data)
train_ch11(sgd_momentum, init_momentum_states(d), {"lr": 0.02, "momentum": 0.5}, data, d)
train_concise_ch11(torch.optim.SGD, {"lr": 0.02, "momentum": 0.5}, data)
train_ch11(adagrad, init_adagrad_states(d), {"lr": 0.1}, data, d)
train_concise_ch11(torch.optim.Adagrad, {"lr": 0.1}, data)
train_ch11(rmsprop, init_rmsprop_states(d), {"lr": 0.01, "gamma": 0.9}, data, d)
train_concise_ch11(torch.optim.RMSprop, {"lr": 0.01, "alpha": 0.9}, data)
train_ch11(adadelta, init_adadelta_states(d), {"rho": 0.9}, data, d)
train_concise_ch11(torch.optim.Adadelta, {"rho": 0.9}, data)
train_ch11(adam, init_adam_states(d), {"lr": 0.01, "t": 1}, data, d)
train_concise_ch11(torch.optim.Adam, {"lr": 0.01}, data)
train_ch11(yogi, init_adam_states(d), {"lr": 0.01, "t": 1}, data, d)


class SquareRootScheduler:
    def __init__(self, lr=0.1):
        self.lr = lr

    def __call__(self, num_update):
        return self.lr * pow(num_update + 1.0, -0.5)


class FactorScheduler:
    def __init__(self, factor=1, stop_factor_lr=1e-7, base_lr=0.1):
        self.factor = factor
        self.stop_factor_lr = stop_factor_lr
        self.base_lr = base_lr

    def __call__(self, num_update):
        self.base_lr = max(self.stop_factor_lr, self.base_lr * self.factor)
        return self.base_lr


class CosineScheduler:
    def __init__(self, max_update, base_lr=0.01, final_lr=0, warmup_steps=0, warmup_begin_lr=0):
        self.base_lr_orig = base_lr
        self.max_update = max_update
        self.final_lr = final_lr
        self.warmup_steps = warmup_steps
        self.warmup_begin_lr = warmup_begin_lr
        self.max_steps = self.max_update - self.warmup_steps

    def get_warmup_lr(self, epoch):
        increase = (self.base_lr_orig - self.warmup_begin_lr) * float(epoch) / float(self.warmup_steps)
        return self.warmup_begin_lr + increase

    def __call__(self, epoch):
        if epoch < self.warmup_steps:
            return self.get_warmup_lr(epoch)
        if epoch <= self.max_update:
            self.base_lr = self.final_lr + (self.base_lr_orig - self.final_lr) * (
                1 + math.cos(math.pi * (epoch - self.warmup_steps) / self.max_steps)) / 2
        return self.base_lr


sq = SquareRootScheduler(lr=0.1)
print("sqrt", [round(sq(t), 5) for t in range(0, 30, 6)])
fs = FactorScheduler(factor=0.9, stop_factor_lr=1e-2, base_lr=2.0)
print("factor", [round(fs(t), 5) for t in range(0, 50, 5)])
cs = CosineScheduler(max_update=20, base_lr=0.3, final_lr=0.01)
print("cosine", [round(cs(t), 5) for t in range(0, 30, 3)])
cw = CosineScheduler(20, warmup_steps=5, base_lr=0.3, final_lr=0.01)
print("cosine warmup", [round(cw(t), 5) for t in range(0, 30, 3)])

net = nn.Sequential(nn.Linear(d, 8), nn.ReLU(), nn.Linear(8, 1))
trainer = torch.optim.SGD(net.parameters(), lr=0.05)
scheduler = torch.optim.lr_scheduler.MultiStepLR(trainer, milestones=[3, 6], gamma=0.5)
loss = nn.MSELoss()
for epoch in range(8):
    for X, y in load_array(data, 50, is_train=False):
        trainer.zero_grad()
        l = loss(net(X), y)
        l.backward()
        trainer.step()
    scheduler.step()
    print(f"epoch {epoch} lr {scheduler.get_last_lr()[0]:.4f} loss {l.item():.5f}")
custom = CosineScheduler(8, warmup_steps=2, base_lr=0.05, final_lr=0.001)
for epoch in range(4):
    for param_group in trainer.param_groups:
        param_group["lr"] = custom(epoch)
    trainer.zero_grad()
    l = loss(net(features), labels)
    l.backward()
    trainer.step()
    print(f"custom epoch {epoch} lr {trainer.param_groups[0]['lr']:.4f} loss {l.item():.5f}")
