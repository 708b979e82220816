"""Gaussian-process binary classification with the Laplace approximation (Rasmussen & Williams,
algorithms 3.1 and 3.2) in float64: an RBF kernel from torch.cdist, Newton's mode finding with
the B = I + W^1/2 K W^1/2 Cholesky trick, cholesky_solve / solve_triangular, the approximate log
marginal likelihood, kernel hyperparameters fitted by Adam through the whole Newton loop
(autograd through cholesky), predictive probabilities by probit approximation, and a check
against a Monte-Carlo estimate drawn with MultivariateNormal."""

import math

import torch

torch.manual_seed(4)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

n = 60
X = torch.rand(n, 2) * 4 - 2
f_true = torch.sin(1.5 * X[:, 0]) + 0.5 * X[:, 1] ** 2 - 1
y = torch.where(f_true + 0.2 * torch.randn(n) > 0, 1.0, -1.0)
Xs = torch.stack(torch.meshgrid(torch.linspace(-2, 2, 5), torch.linspace(-2, 2, 5), indexing="ij"), -1).reshape(-1, 2)
print("dtype", X.dtype, "positives", int((y > 0).sum()), "grid", tuple(Xs.shape))


def rbf(A, B, log_ell, log_sf):
    d2 = torch.cdist(A / log_ell.exp(), B / log_ell.exp()).pow(2)
    return torch.exp(2 * log_sf) * torch.exp(-0.5 * d2)


def laplace_mode(K, y, iters=20, tol=1e-10):
    f = torch.zeros_like(y)
    history = []
    for it in range(iters):
        pi = torch.sigmoid(f)
        t = (y + 1) / 2
        grad = t - pi
        W = pi * (1 - pi)
        sW = W.sqrt()
        B = torch.eye(len(y)) + sW[:, None] * K * sW[None, :]
        L = torch.linalg.cholesky(B)
        b = W * f + grad
        a = b - sW * torch.cholesky_solve((sW * (K @ b))[:, None], L).squeeze(1)
        f_new = K @ a
        obj = -0.5 * (a * f_new).sum() + torch.nn.functional.logsigmoid(y * f_new).sum()
        history.append(obj.item())
        done = (f_new - f).abs().max() < tol
        f = f_new
        if done:
            break
    pi = torch.sigmoid(f)
    W = pi * (1 - pi)
    sW = W.sqrt()
    L = torch.linalg.cholesky(torch.eye(len(y)) + sW[:, None] * K * sW[None, :])
    a = (y + 1) / 2 - pi
    log_z = obj - torch.log(torch.diagonal(L)).sum()
    return f, a, sW, L, log_z, history


log_ell = torch.tensor([0.0, 0.0], requires_grad=True)
log_sf = torch.tensor(0.0, requires_grad=True)
K = rbf(X, X, log_ell, log_sf)
f_hat, a, sW, L, log_z, hist = laplace_mode(K.detach(), y)
print("newton iters", len(hist), "objective", [f"{h:.6f}" for h in hist[:4]])
print(f"log Z {log_z.item():.6f} mode range {f_hat.min().item():.4f} {f_hat.max().item():.4f}")

opt = torch.optim.Adam([log_ell, log_sf], lr=0.05)
for step in range(25):
    K = rbf(X, X, log_ell, log_sf) + 1e-8 * torch.eye(n)
    _, _, _, _, log_z, hist = laplace_mode(K, y)
    opt.zero_grad()
    (-log_z).backward()
    if step % 5 == 0:
        print(f"step {step} -logZ {-log_z.item():.6f} grad {log_ell.grad} {log_sf.grad.item():.6f}"
              f" iters {len(hist)}")
    opt.step()
print("lengthscales", log_ell.exp().detach(), f"signal sd {log_sf.exp().item():.6f}")


def predict(Xs):
    with torch.no_grad():
        K = rbf(X, X, log_ell, log_sf)
        f_hat, a, sW, L, _, _ = laplace_mode(K, y)
        Ks = rbf(X, Xs, log_ell, log_sf)
        mean = Ks.T @ a
        v = torch.linalg.solve_triangular(L, sW[:, None] * Ks, upper=False)
        var = torch.exp(2 * log_sf) - (v * v).sum(0)
        kappa = 1 / torch.sqrt(1 + math.pi * var / 8)
        return mean, var, torch.sigmoid(kappa * mean)


mean, var, p = predict(Xs)
print("predictive mean", mean[:5])
print("predictive var", var[:5])
print("probit probs", p.reshape(5, 5))
acc = ((predict(X)[2] > 0.5).double() * 2 - 1 == y).double().mean()
print(f"train acc {acc.item():.4f}")

# Monte-Carlo check of one test point's averaged probability
mvn = torch.distributions.MultivariateNormal(mean[:3], covariance_matrix=torch.diag(var[:3]))
samples = mvn.sample((4000,))
mc = torch.sigmoid(samples).mean(0)
print("mc vs probit", mc, p[:3], (mc - p[:3]).abs().max().item() < 0.02)
print(f"log_prob {mvn.log_prob(mean[:3]).item():.8f} entropy {mvn.entropy().item():.8f}")

# the Hessian of the log posterior at the mode matches -(K^-1 + W)
f0 = f_hat.detach().clone().requires_grad_(True)
Kd = rbf(X, X, log_ell, log_sf).detach() + 0.1 * torch.eye(n)  # (jitter: K alone is near singular)


def log_post(f):
    return torch.nn.functional.logsigmoid(y * f).sum() - 0.5 * f @ torch.linalg.solve(Kd, f)


H = torch.autograd.functional.hessian(log_post, f0)
pi = torch.sigmoid(f_hat)
expected = -(torch.linalg.inv(Kd) + torch.diag(pi * (1 - pi)))
print("hessian match", torch.allclose(H, expected, rtol=1e-6, atol=1e-6), H.shape)
g = torch.func.grad(log_post)(f_hat.detach())
print(f"grad at the unjittered mode {g.abs().max().item():.6f}")
