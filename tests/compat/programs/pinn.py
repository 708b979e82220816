"""Physics-informed neural networks as their tutorials write them: a 1-D Poisson problem
u''(x) = -pi^2 sin(pi x) with Dirichlet boundaries (second derivatives through
autograd.grad(create_graph=True), Adam then LBFGS with strong Wolfe), and the 1-D heat
equation u_t = k u_xx on an (x, t) grid built with meshgrid, with an initial condition
and a learnable diffusivity recovered from data. Weights and collocation points are fixed."""
import math

import torch
import torch.nn as nn

torch.manual_seed(0)
torch.set_num_threads(1)


def fixed_(module, k):
    with torch.no_grad():
        for i, p in enumerate(module.parameters()):
            n = p.numel()
            p.copy_(torch.sin(torch.arange(n, dtype=torch.float32) * (k + 0.37 * i) + 0.5).reshape(p.shape)
                    * (1.5 / math.sqrt(p.shape[-1])))
    return module


class PINN(nn.Module):
    def __init__(self, n_in, width=20, depth=3):
        super().__init__()
        layers = [nn.Linear(n_in, width), nn.Tanh()]
        for _ in range(depth - 1):
            layers += [nn.Linear(width, width), nn.Tanh()]
        layers.append(nn.Linear(width, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


def derivative(y, x, order=1):
    for _ in range(order):
        y = torch.autograd.grad(y, x, grad_outputs=torch.ones_like(y), create_graph=True)[0]
    return y


# --- 1. Poisson: u'' = -pi^2 sin(pi x), u(0) = u(1) = 0, exact u = sin(pi x)
model = fixed_(PINN(1), 0.7)
x_col = torch.linspace(0, 1, 64).view(-1, 1).requires_grad_(True)
x_bc = torch.tensor([[0.0], [1.0]])
mse = nn.MSELoss()


def poisson_loss():
    u = model(x_col)
    u_xx = derivative(u, x_col, order=2)
    residual = u_xx + math.pi ** 2 * torch.sin(math.pi * x_col)
    return mse(residual, torch.zeros_like(residual)) + 10.0 * model(x_bc).pow(2).mean()


opt = torch.optim.Adam(model.parameters(), lr=5e-3)
for it in range(301):
    opt.zero_grad()
    loss = poisson_loss()
    loss.backward()
    opt.step()
    if it % 50 == 0:
        print(f"adam iter {it:3d} | loss {loss.item():.6f}")

lbfgs = torch.optim.LBFGS(model.parameters(), lr=1.0, max_iter=50, history_size=20,
                          line_search_fn="strong_wolfe", tolerance_grad=1e-9, tolerance_change=1e-12)


def closure():
    lbfgs.zero_grad()
    loss = poisson_loss()
    loss.backward()
    return loss


for it in range(2):
    loss = lbfgs.step(closure)
    print(f"lbfgs step {it} | loss {poisson_loss().item():.3e}")

x_test = torch.linspace(0, 1, 11).view(-1, 1)
with torch.no_grad():
    err = (model(x_test) - torch.sin(math.pi * x_test)).abs()
print(f"poisson max error {err.max().item():.3e} mean {err.mean().item():.3e}")
x_mid = torch.tensor([[0.5]], requires_grad=True)
u_mid = model(x_mid)
du, = torch.autograd.grad(u_mid, x_mid, create_graph=True)
d2u, = torch.autograd.grad(du, x_mid)
print(f"u(0.5) {u_mid.item():.4f} u'(0.5) {du.item():.4f} u''(0.5) {d2u.item():.3f}")

# --- 2. heat equation u_t = k u_xx on x in [0, 1], t in [0, 0.5]; recover k from sparse data
k_true = 0.1
xs = torch.linspace(0, 1, 12)
ts = torch.linspace(0, 0.5, 8)
X, T = torch.meshgrid(xs, ts, indexing="ij")
xt = torch.stack([X.flatten(), T.flatten()], dim=1).requires_grad_(True)
u_exact = lambda x, t: torch.exp(-k_true * math.pi ** 2 * t) * torch.sin(math.pi * x)
data_idx = torch.arange(0, xt.shape[0], 7)
u_data = u_exact(xt[data_idx, 0:1].detach(), xt[data_idx, 1:2].detach())

net = fixed_(PINN(2, width=16, depth=2), 1.3)
log_k = nn.Parameter(torch.tensor(math.log(0.3)))
opt = torch.optim.Adam([{"params": net.parameters()}, {"params": [log_k], "lr": 2e-2}], lr=1e-2)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=100, gamma=0.5)
for it in range(251):
    opt.zero_grad()
    u = net(xt)
    grads = torch.autograd.grad(u.sum(), xt, create_graph=True)[0]
    u_x, u_t = grads[:, 0:1], grads[:, 1:2]
    u_xx = torch.autograd.grad(u_x, xt, torch.ones_like(u_x), create_graph=True)[0][:, 0:1]
    pde = ((u_t - log_k.exp() * u_xx) ** 2).mean()
    x0 = xs.view(-1, 1)
    ic = ((net(torch.cat([x0, torch.zeros_like(x0)], 1)) - torch.sin(math.pi * x0)) ** 2).mean()
    bc_t = ts.view(-1, 1)
    bc = (net(torch.cat([torch.zeros_like(bc_t), bc_t], 1)) ** 2).mean() + \
         (net(torch.cat([torch.ones_like(bc_t), bc_t], 1)) ** 2).mean()
    data = ((u[data_idx] - u_data) ** 2).mean()
    loss = pde + ic + bc + 10 * data
    loss.backward()
    opt.step()
    sched.step()
    if it % 50 == 0:
        print(f"heat iter {it:3d} | loss {loss.item():.6f} | pde {pde.item():.6f} | k {log_k.exp().item():.5f}"
              f" | lr {sched.get_last_lr()[0]:.4g}")
print(f"recovered k {log_k.exp().item():.4f} (true {k_true})")
