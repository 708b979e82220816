"""Gradient-based hyperparameter optimisation by unrolled differentiation (Maclaurin et al. / the
"learning rate of the learning rate" tutorials): an inner loop of SGD steps on ridge regression written
functionally with torch.autograd.grad(create_graph=True), the validation loss differentiated through the
whole unrolled trajectory with respect to log learning rate and log weight decay, compared with finite
differences, then an outer Adam loop tuning both; plus hypergradient descent (Baydin et al.) on the lr."""

import torch

torch.manual_seed(0)
torch.set_num_threads(1)

n, d = 80, 10
w_true = torch.randn(d)
X_tr, X_va = torch.randn(n, d), torch.randn(n, d)
y_tr = X_tr @ w_true + 0.5 * torch.randn(n)
y_va = X_va @ w_true + 0.5 * torch.randn(n)
X_tr[:, :3] *= 3.0  # badly scaled features: the learning rate matters


def inner_train(log_lr, log_wd, steps=20, create_graph=True):
    w = torch.zeros(d, requires_grad=True)
    lr, wd = log_lr.exp(), log_wd.exp()
    for _ in range(steps):
        loss = ((X_tr @ w - y_tr) ** 2).mean() + wd * (w ** 2).sum()
        (g,) = torch.autograd.grad(loss, w, create_graph=create_graph)
        w = w - lr * g
    return w


def val_loss(log_lr, log_wd):
    w = inner_train(log_lr, log_wd)
    return ((X_va @ w - y_va) ** 2).mean()


log_lr = torch.tensor(-4.0, requires_grad=True)
log_wd = torch.tensor(-3.0, requires_grad=True)
L = val_loss(log_lr, log_wd)
g_lr, g_wd = torch.autograd.grad(L, [log_lr, log_wd])
print(f"val loss {L.item():.5f} d/dlog_lr {g_lr.item():.5f} d/dlog_wd {g_wd.item():.5f}")
eps = 1e-3
fd_lr = (val_loss(log_lr.detach() + eps, log_wd.detach()) - val_loss(log_lr.detach() - eps, log_wd.detach())) / (2 * eps)
print(f"finite difference d/dlog_lr {fd_lr.item():.3f} (autograd {g_lr.item():.3f})")

# the same hypergradient in float64, checked with gradcheck
X64, y64 = X_tr.double(), y_tr.double()


def unrolled64(log_lr):
    w = torch.zeros(d, dtype=torch.float64, requires_grad=True)
    for _ in range(5):
        (g,) = torch.autograd.grad(((X64 @ w - y64) ** 2).mean(), w, create_graph=True)
        w = w - log_lr.exp() * g
    return ((X_va.double() @ w - y_va.double()) ** 2).mean()


print("gradcheck through 5 unrolled steps:", torch.autograd.gradcheck(unrolled64, (torch.tensor(-4.0, dtype=torch.float64, requires_grad=True),)))

hyper_opt = torch.optim.Adam([log_lr, log_wd], lr=0.1)
for it in range(25):
    L = val_loss(log_lr, log_wd)
    hyper_opt.zero_grad()
    L.backward()
    hyper_opt.step()
    if it % 5 == 0 or it == 24:
        print(f"outer {it:2d} val {L.item():.5f} lr {log_lr.exp().item():.5f} wd {log_wd.exp().item():.6f}")

# hypergradient descent: adapt lr online with the dot product of consecutive gradients
w = torch.zeros(d, requires_grad=True)
lr, beta = 1e-3, 1e-4
prev_g = torch.zeros(d)
for step in range(60):
    loss = ((X_tr @ w - y_tr) ** 2).mean()
    (g,) = torch.autograd.grad(loss, w)
    lr = lr + beta * torch.dot(g, prev_g).item()
    with torch.no_grad():
        w -= lr * g
    prev_g = g
    if step % 15 == 0 or step == 59:
        print(f"HD step {step:2d} loss {loss.item():.5f} lr {lr:.6f}")
