"""Which training points drove a prediction? Influence functions (Koh & Liang) for an L2-regularised
logistic regression on two digit classes in float64: the exact Hessian by torch.func.hessian over a
flat parameter vector, inverse-HVPs by conjugate gradient on autograd double-backward HVPs and by
LiSSA, validated against actual leave-one-out retraining with LBFGS; then TracIn for a small MLP,
per-sample gradients by vmap(grad(functional_call)) at saved checkpoints, and Spearman agreement of
the rankings (ranks by argsort of argsort)."""

import copy

import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call, grad, hessian, vmap

from _data import digits

torch.manual_seed(0)
torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

pixels, labels = digits()
keep = (labels == 3) | (labels == 8)
X = torch.from_numpy(pixels[keep]).double() / 16.0
y = torch.from_numpy((labels[keep] == 8).astype("float64"))
X = torch.cat([X, torch.ones(len(X), 1)], 1)  # bias column
perm = torch.randperm(len(X))
tr, te = perm[:120], perm[120:170]
Xtr, ytr, Xte, yte = X[tr], y[tr], X[te], y[te]
n, d = Xtr.shape
lam = 1e-2
print("train", tuple(Xtr.shape), "test", tuple(Xte.shape), "positives", int(ytr.sum()))


def total_loss(w, Xs=Xtr, ys=ytr):
    return F.binary_cross_entropy_with_logits(Xs @ w, ys) + 0.5 * lam * w.dot(w)


def fit(Xs, ys, w0=None):
    w = (torch.zeros(d) if w0 is None else w0.clone()).requires_grad_(True)
    opt = torch.optim.LBFGS([w], lr=1, max_iter=200, tolerance_grad=1e-12, tolerance_change=1e-14,
                            history_size=20, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = total_loss(w, Xs, ys)
        loss.backward()
        return loss

    opt.step(closure)
    return w.detach()


w_hat = fit(Xtr, ytr)
g_norm = torch.autograd.functional.jacobian(total_loss, w_hat).norm()
print(f"fit loss {total_loss(w_hat).item():.8f} grad norm below 1e-6 {bool(g_norm < 1e-6)}")
test_acc = ((Xte @ w_hat > 0).double() == yte).double().mean()
print(f"test acc {test_acc.item():.4f}")

H = hessian(total_loss)(w_hat)
print("hessian", tuple(H.shape), "symmetric", torch.allclose(H, H.T), f"min eig {torch.linalg.eigvalsh(H)[0].item():.6f}")

j = int(torch.argmax((torch.sigmoid(Xte @ w_hat) - yte).abs()))  # the worst test point
z_test = Xte[j]


def point_loss(w, x, t):
    return F.binary_cross_entropy_with_logits(x @ w, t)


g_test = grad(point_loss)(w_hat, z_test, yte[j])
per_train = vmap(grad(point_loss), in_dims=(None, 0, 0))(w_hat, Xtr, ytr)
print("per-sample grads", tuple(per_train.shape))

s_exact = torch.linalg.solve(H, g_test)


def hvp(v):
    w = w_hat.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(total_loss(w), w, create_graph=True)
    (hv,) = torch.autograd.grad(g, w, grad_outputs=v)
    return hv


def conjugate_gradient(b, iters=100, tol=1e-12):
    x = torch.zeros_like(b)
    r = b.clone()
    p = r.clone()
    rs = r.dot(r)
    for k in range(iters):
        Ap = hvp(p)
        alpha = rs / p.dot(Ap)
        x = x + alpha * p
        r = r - alpha * Ap
        rs_new = r.dot(r)
        if rs_new.sqrt() < tol:
            break
        p = r + (rs_new / rs) * p
        rs = rs_new
    return x, k + 1


s_cg, cg_iters = conjugate_gradient(g_test)
print(f"cg iters {cg_iters} rel error below 1e-9 {bool((s_cg - s_exact).norm() / s_exact.norm() < 1e-9)}")


def lissa(b, scale=10.0, depth=300):
    est = b.clone()
    for _ in range(depth):
        est = b + est - hvp(est) / scale
    return est / scale


s_lissa = lissa(g_test)
print(f"lissa rel error {((s_lissa - s_exact).norm() / s_exact.norm()).item():.4f}")

influence = -(per_train @ s_exact) / n  # d(test loss)/d(weight of point i), at weight 1/n
predicted = -influence  # removing point i changes the test loss by about -influence_i
top = torch.argsort(predicted.abs(), descending=True)[:6]
print("most influential", top.tolist(), "labels", ytr[top].tolist())

base = point_loss(w_hat, z_test, yte[j]).item()
actual = []
for i in top.tolist():
    mask = torch.ones(n, dtype=torch.bool)
    mask[i] = False
    w_loo = fit(Xtr[mask], ytr[mask], w0=w_hat)
    actual.append(point_loss(w_loo, z_test, yte[j]).item() - base)
actual = torch.tensor(actual)
print("predicted", [f"{v:.6f}" for v in predicted[top].tolist()])
print("actual   ", [f"{v:.6f}" for v in actual.tolist()])
print(f"correlation {torch.corrcoef(torch.stack([predicted[top], actual]))[0, 1].item():.4f}")


# TracIn on a small MLP: sum over checkpoints of lr * grad(train) . grad(test)
torch.set_default_dtype(torch.float32)
torch.manual_seed(1)
Xf, yf, Xtf = Xtr[:, :-1].float(), ytr.float(), z_test[:-1].float()
mlp = nn.Sequential(nn.Linear(64, 16), nn.Tanh(), nn.Linear(16, 1))
opt = torch.optim.SGD(mlp.parameters(), lr=0.5)
checkpoints = []
for epoch in range(30):
    loss = F.binary_cross_entropy_with_logits(mlp(Xf).squeeze(1), yf)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if epoch % 10 == 9:
        checkpoints.append((copy.deepcopy({k: v.detach() for k, v in mlp.named_parameters()}), 0.5))
        print(f"mlp epoch {epoch} loss {loss.item():.5f}")


def mlp_loss(params, x, t):
    return F.binary_cross_entropy_with_logits(functional_call(mlp, params, (x.unsqueeze(0),)).squeeze(), t)


tracin = torch.zeros(n)
for params, lr in checkpoints:
    g_tr = vmap(grad(mlp_loss), in_dims=(None, 0, 0))(params, Xf, yf)
    g_te = grad(mlp_loss)(params, Xtf, yte[j].float())
    flat_tr = torch.cat([g.reshape(n, -1) for g in g_tr.values()], 1)
    flat_te = torch.cat([g.reshape(-1) for g in g_te.values()])
    tracin += lr * flat_tr @ flat_te
print("tracin top", torch.argsort(tracin, descending=True)[:6].tolist(), f"max {tracin.max().item():.5f}")


def ranks(v):
    return torch.argsort(torch.argsort(v)).float()


rho = torch.corrcoef(torch.stack([ranks(tracin), ranks(-influence.float())]))[0, 1]
print(f"spearman tracin vs influence {rho.item():.4f}")
self_inf = (flat_tr * flat_tr).sum(1)
print("highest self-influence", torch.topk(self_inf, 3).indices.tolist())
