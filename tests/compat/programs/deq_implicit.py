"""Deep equilibrium models as the implicit-layers tutorial (Kolter, Duvenaud,
Johnson) writes them: a layer z = tanh(W z + U x + b) solved by plain
fixed-point iteration and by Anderson acceleration (a small batched least
squares by torch.linalg.solve), the implicit backward pass by a gradient
hook registered on the equilibrium (solving the adjoint fixed point with
torch.autograd.grad of f at z*), checked against the unrolled gradient;
jacobian-free training on a toy regression, spectral-norm monitoring of W,
and the implicit function theorem in 1-d (d/dθ of the root of x = cos(θ x))
checked by finite differences. Seeded; in float64; every number agrees."""

import torch
import torch.nn as nn

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)


def forward_iteration(f, x0, max_iter=100, tol=1e-10):
    f0 = f(x0)
    res = []
    for k in range(max_iter):
        x = f0
        f0 = f(x)
        res.append((f0 - x).norm().item() / (1e-5 + f0.norm().item()))
        if res[-1] < tol:
            break
    return f0, res


def anderson(f, x0, m=5, lam=1e-4, max_iter=50, tol=1e-10, beta=1.0):
    bsz, d = x0.shape
    X = torch.zeros(bsz, m, d)
    F = torch.zeros(bsz, m, d)
    X[:, 0], F[:, 0] = x0, f(x0)
    X[:, 1], F[:, 1] = F[:, 0], f(F[:, 0])
    H = torch.zeros(bsz, m + 1, m + 1)
    H[:, 0, 1:] = H[:, 1:, 0] = 1
    y = torch.zeros(bsz, m + 1, 1)
    y[:, 0] = 1
    res = []
    for k in range(2, max_iter):
        n = min(k, m)
        G = F[:, :n] - X[:, :n]
        H[:, 1:n + 1, 1:n + 1] = torch.bmm(G, G.transpose(1, 2)) + lam * torch.eye(n)[None]
        alpha = torch.linalg.solve(H[:, :n + 1, :n + 1], y[:, :n + 1])[:, 1:n + 1, 0]
        X[:, k % m] = beta * (alpha[:, None] @ F[:, :n])[:, 0] + (1 - beta) * (alpha[:, None] @ X[:, :n])[:, 0]
        F[:, k % m] = f(X[:, k % m])
        res.append((F[:, k % m] - X[:, k % m]).norm().item() / (1e-5 + F[:, k % m].norm().item()))
        if res[-1] < tol:
            break
    return X[:, k % m], res


class TanhFixedPoint(nn.Module):
    def __init__(self, out_features):
        super().__init__()
        self.linear = nn.Linear(out_features, out_features, bias=False)

    def forward(self, z, x):
        return torch.tanh(self.linear(z) + x)


class DEQFixedPoint(nn.Module):
    def __init__(self, f, solver, **kwargs):
        super().__init__()
        self.f = f
        self.solver = solver
        self.kwargs = kwargs
        self.backward_res = []

    def forward(self, x):
        with torch.no_grad():
            z, self.forward_res = self.solver(lambda z: self.f(z, x), torch.zeros_like(x), **self.kwargs)
        z = self.f(z, x)
        z0 = z.clone().detach().requires_grad_()
        f0 = self.f(z0, x)

        def backward_hook(grad):
            g, self.backward_res = self.solver(
                lambda y: torch.autograd.grad(f0, z0, y, retain_graph=True)[0] + grad, grad, **self.kwargs)
            return g

        if z.requires_grad:
            z.register_hook(backward_hook)
        return z


d = 10
f = TanhFixedPoint(d)
with torch.no_grad():
    f.linear.weight.mul_(0.8)
print("spectral norm of W", round(torch.linalg.matrix_norm(f.linear.weight, ord=2).item(), 6))
x = torch.randn(4, d)
z1, r1 = forward_iteration(lambda z: f(z, x), torch.zeros_like(x))
z2, r2 = anderson(lambda z: f(z, x), torch.zeros_like(x), tol=1e-10)
print("forward iterations", len(r1), "final res", f"{r1[-1]:.2e}" if r1[-1] > 0 else 0)
print("anderson iterations", len(r2), "agree", bool((z1 - z2).abs().max() < 1e-8))
print("residuals (first 6)", [f"{v:.3e}" for v in r2[:6]])
print("z*[0,:4]", [round(v, 6) for v in z2[0, :4].tolist()])

# implicit gradient vs unrolled gradient
deq = DEQFixedPoint(f, anderson, tol=1e-10, max_iter=50)
xg = x.clone().requires_grad_(True)
out = deq(xg)
loss = (out ** 2).sum()
loss.backward()
g_impl_w = f.linear.weight.grad.clone()
g_impl_x = xg.grad.clone()
print("backward solver iterations", len(deq.backward_res))
f.zero_grad()
xg2 = x.clone().requires_grad_(True)
z = torch.zeros_like(x)
for _ in range(120):
    z = f(z, xg2)
(z ** 2).sum().backward()
print("dW implicit vs unrolled", bool((g_impl_w - f.linear.weight.grad).abs().max() < 1e-7))
print("dx implicit vs unrolled", bool((g_impl_x - xg2.grad).abs().max() < 1e-7))
print("dW[0,:3]", [round(v, 6) for v in g_impl_w[0, :3].tolist()])
print("dx[1,:3]", [round(v, 6) for v in g_impl_x[1, :3].tolist()])
f.zero_grad()

# train a DEQ regressor
torch.manual_seed(1)
X = torch.randn(64, 4)
Y = torch.sin(X.sum(1, keepdim=True)) + 0.1 * X[:, :1]
model = nn.Sequential(nn.Linear(4, d), DEQFixedPoint(TanhFixedPoint(d), anderson, tol=1e-6, max_iter=30),
                      nn.Linear(d, 1))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
for epoch in range(30):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(X), Y)
    loss.backward()
    opt.step()
    if epoch % 6 == 0 or epoch == 29:
        sn = torch.linalg.matrix_norm(model[1].f.linear.weight, ord=2).item()
        print(f"deq epoch {epoch:2d} | loss {loss.item():.6f} | fwd iters {len(model[1].forward_res)} "
              f"| bwd iters {len(model[1].backward_res)} | ||W||_2 {sn:.5f}")

# implicit function theorem in 1-d: x*(θ) solves x = cos(θ x)
theta = torch.tensor(0.7, requires_grad=True)
with torch.no_grad():
    xs = torch.tensor(0.5)
    for _ in range(200):
        xs = torch.cos(theta * xs)
xs = xs.clone().requires_grad_(True)
F_ = xs - torch.cos(theta * xs)
dF_dx, dF_dth = torch.autograd.grad(F_, (xs, theta))
dx_dth = -dF_dth / dF_dx
h = 1e-6
def root(t):
    v = torch.tensor(0.5)
    for _ in range(200):
        v = torch.cos(t * v)
    return v
fd = (root(torch.tensor(0.7 + h)) - root(torch.tensor(0.7 - h))) / (2 * h)
print("x*", round(xs.item(), 10), "dx*/dθ ift", round(dx_dth.item(), 8), "fd", round(fd.item(), 6))
