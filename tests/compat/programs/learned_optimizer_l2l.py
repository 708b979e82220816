"""Learning to learn by gradient descent by gradient descent (Andrychowicz et al.), the way the popular
PyTorch reimplementations write it: a coordinatewise LSTMCell optimizer with gradient preprocessing
(log-magnitude and sign, clamped at exp(-p)), unrolled optimisation of random quadratics with the meta
loss summed over the unroll, truncated backprop through time by detaching the optimizee parameters and
the LSTM state between unrolls (requires_grad_ on the detached leaves), meta-training with Adam, then
comparison against SGD and Adam on held-out quadratics."""

import math

import torch
import torch.nn as nn

torch.manual_seed(0)
torch.set_num_threads(1)
P = 10.0


def preprocess(g):
    g = g.unsqueeze(-1)
    keep = (g.abs() >= math.exp(-P)).float()
    log_part = keep * (g.abs() + 1e-8).log() / P - (1 - keep)
    sign_part = keep * torch.sign(g) + (1 - keep) * math.exp(P) * g
    return torch.cat([log_part, sign_part], -1)


class LSTMOptimizer(nn.Module):
    def __init__(self, hidden=20):
        super().__init__()
        self.cell1 = nn.LSTMCell(2, hidden)
        self.cell2 = nn.LSTMCell(hidden, hidden)
        self.out = nn.Linear(hidden, 1)
        self.out.weight.data.mul_(0.1)
        self.hidden = hidden

    def init_state(self, n):
        z = lambda: torch.zeros(n, self.hidden)
        return [(z(), z()), (z(), z())]

    def forward(self, g, state):
        h1, c1 = self.cell1(preprocess(g), state[0])
        h2, c2 = self.cell2(h1, state[1])
        return self.out(h2).squeeze(-1) * 0.1, [(h1, c1), (h2, c2)]


def quadratic(gen, d=10):
    W = torch.randn(d, d, generator=gen)
    y = torch.randn(d, generator=gen)
    return lambda theta: ((W @ theta - y) ** 2).sum()


print("preprocess", preprocess(torch.tensor([1.0, -1e-6, 0.0, 3e-5])).tolist())
opt_net = LSTMOptimizer()
meta_opt = torch.optim.Adam(opt_net.parameters(), lr=1e-2)
gen = torch.Generator().manual_seed(1)
for epoch in range(9):
    f = quadratic(gen)
    theta = torch.zeros(10, requires_grad=True)
    state = opt_net.init_state(10)
    total = 0.0
    for unroll in range(4):
        meta_loss = 0.0
        for _ in range(5):
            loss = f(theta)
            (g,) = torch.autograd.grad(loss, theta, retain_graph=True)
            update, state = opt_net(g.detach(), state)
            theta = theta + update
            meta_loss = meta_loss + f(theta)
        meta_opt.zero_grad()
        meta_loss.backward()
        meta_opt.step()
        total += meta_loss.item()
        theta = theta.detach().requires_grad_()
        state = [(h.detach(), c.detach()) for h, c in state]
    if epoch % 3 == 0 or epoch == 8:
        print(f"meta epoch {epoch:2d} meta loss {total:.3f} final f {f(theta).item():.4f}")

test_gen = torch.Generator().manual_seed(99)
results = {"lstm": [], "sgd": [], "adam": []}
for trial in range(3):
    f = quadratic(test_gen)
    theta = torch.zeros(10, requires_grad=True)
    state = opt_net.init_state(10)
    for _ in range(20):
        (g,) = torch.autograd.grad(f(theta), theta)
        with torch.no_grad():
            update, state = opt_net(g, state)
        theta = (theta + update).detach().requires_grad_()
    results["lstm"].append(f(theta).item())
    for name, cls, lr in (("sgd", torch.optim.SGD, 0.003), ("adam", torch.optim.Adam, 0.1)):
        th = torch.zeros(10, requires_grad=True)
        o = cls([th], lr=lr)
        for _ in range(20):
            o.zero_grad()
            f(th).backward()
            o.step()
        results[name].append(f(th).item())
for name, vals in results.items():
    print(f"{name:4s} after 20 steps", [f"{v:.3f}" for v in vals])
print("lstm state shapes", [tuple(h.shape) for h, _ in state], "params", sum(p.numel() for p in opt_net.parameters()))
