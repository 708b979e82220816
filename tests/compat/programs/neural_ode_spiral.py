"""A neural ODE written by hand, as blog posts do before reaching for
torchdiffeq: an nn.Module vector field f(t, y) (time concatenated to the
state), fixed-step Euler and RK4 integrators in a Python loop returning the
whole trajectory by torch.stack, trained by backprop through the solver on a
noisy 2-D spiral (the torchdiffeq ode_demo's true dynamics y' = A y**3),
random sub-trajectory batches by torch.from_numpy/np.random.choice, a
RunningAverageMeter, the Euler-vs-RK4 error, and gradients checked against
the adjoint-free finite difference. Seeded: every number agrees."""

import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
np.random.seed(0)  # noqa: NPY002 (the ode_demo's own calls)
torch.set_num_threads(1)

data_size, batch_time, batch_size = 120, 10, 16
true_y0 = torch.tensor([[2.0, 0.0]])
t = torch.linspace(0.0, 6.0, data_size)
true_A = torch.tensor([[-0.1, 2.0], [-2.0, -0.1]])


class Lambda(nn.Module):
    def forward(self, t, y):
        return torch.mm(y ** 3, true_A)


def rk4_step(func, t0, dt, y):
    k1 = func(t0, y)
    k2 = func(t0 + dt / 2, y + dt * k1 / 2)
    k3 = func(t0 + dt / 2, y + dt * k2 / 2)
    k4 = func(t0 + dt, y + dt * k3)
    return y + dt * (k1 + 2 * k2 + 2 * k3 + k4) / 6


def euler_step(func, t0, dt, y):
    return y + dt * func(t0, y)


def odeint(func, y0, t, method="rk4"):
    step = rk4_step if method == "rk4" else euler_step
    ys = [y0]
    y = y0
    for i in range(len(t) - 1):
        y = step(func, t[i], t[i + 1] - t[i], y)
        ys.append(y)
    return torch.stack(ys)


with torch.no_grad():
    true_y = odeint(Lambda(), true_y0, t)
    true_y = true_y + 0.01 * torch.randn_like(true_y)
print("true_y shape", tuple(true_y.shape))
print("true_y[-1] %.5f %.5f" % tuple(true_y[-1, 0].tolist()))


def get_batch():
    s = torch.from_numpy(np.random.choice(  # noqa: NPY002
        np.arange(data_size - batch_time, dtype=np.int64), batch_size, replace=False))
    batch_y0 = true_y[s]  # (M, 1, D)
    batch_t = t[:batch_time]
    batch_y = torch.stack([true_y[s + i] for i in range(batch_time)], dim=0)  # (T, M, 1, D)
    return batch_y0, batch_t, batch_y


class ODEFunc(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(3, hidden), nn.Tanh(), nn.Linear(hidden, 2))
        for m in self.net.modules():
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, mean=0, std=0.1)
                nn.init.constant_(m.bias, val=0)
        self.nfe = 0

    def forward(self, t, y):
        self.nfe += 1
        tt = torch.ones_like(y[..., :1]) * t
        return self.net(torch.cat([y ** 3, tt], dim=-1))


class RunningAverageMeter:
    def __init__(self, momentum=0.99):
        self.momentum = momentum
        self.val = None
        self.avg = 0

    def update(self, val):
        if self.val is None:
            self.avg = val
        else:
            self.avg = self.avg * self.momentum + val * (1 - self.momentum)
        self.val = val


func = ODEFunc()
optimizer = torch.optim.RMSprop(func.parameters(), lr=1e-3)
loss_meter = RunningAverageMeter(0.9)
for itr in range(1, 41):
    optimizer.zero_grad()
    batch_y0, batch_t, batch_y = get_batch()
    pred_y = odeint(func, batch_y0, batch_t)
    loss = torch.mean(torch.abs(pred_y - batch_y))
    loss.backward()
    optimizer.step()
    loss_meter.update(loss.item())
    if itr % 10 == 0:
        with torch.no_grad():
            pred_y = odeint(func, true_y0, t)
            total = torch.mean(torch.abs(pred_y - true_y))
        print("Iter %04d | Total Loss %.6f | running %.6f | nfe %d" % (itr, total.item(), loss_meter.avg,
                                                                     func.nfe))

# Euler against RK4 on the learned field, and a step-size study
with torch.no_grad():
    rk = odeint(func, true_y0, t, "rk4")
    eu = odeint(func, true_y0, t, "euler")
    print("euler vs rk4 max err %.6f" % (eu - rk).abs().max().item())

# gradient of a scalar of the endpoint with respect to y0: autograd vs central differences
y0 = true_y0.clone().double().requires_grad_(True)
func64 = ODEFunc().double()
func64.load_state_dict({k: v.double() for k, v in func.state_dict().items()})
with torch.no_grad():  # (in float64: in float32 the difference is rounding noise)
    t64 = t.double()
    coarse = odeint(func64, true_y0.double(), t64, "rk4")
    fine = odeint(func64, true_y0.double(), torch.linspace(0.0, 6.0, 2 * data_size - 1).double(), "rk4")[::2]
    print("rk4 step halving err %.4e" % (fine - coarse).abs().max().item())
end = odeint(func64, y0, t[:20].double())[-1].pow(2).sum()
(g,) = torch.autograd.grad(end, y0)
eps = 1e-6
fd = []
for j in range(2):
    e = torch.zeros_like(y0)
    e[0, j] = eps
    with torch.no_grad():
        fp = odeint(func64, y0 + e, t[:20].double())[-1].pow(2).sum()
        fm = odeint(func64, y0 - e, t[:20].double())[-1].pow(2).sum()
    fd.append(((fp - fm) / (2 * eps)).item())
print("dL/dy0 autograd %.6f %.6f" % tuple(g[0].tolist()))
print("dL/dy0 finite   %.6f %.6f" % tuple(fd))
print("param grad norm %.6f" % torch.norm(torch.stack([p.grad.norm() for p in func.parameters()])).item())
