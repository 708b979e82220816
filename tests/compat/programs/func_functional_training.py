"""Training with torch.func the way JAX converts write it: parameters as a dict from named_parameters,
functional_call with buffers (BatchNorm in eval mode, a tied weight passed once, strict=True), a pure
SGD/momentum step over the dict, grad with has_aux and argnums, value_and_grad-style grad_and_value,
vmap with in_dims/out_dims/chunk_size over an ensemble built by stack_module_state, per-example
losses clipped and noised DP-SGD style (the noise from a seeded generator), jacrev/jacfwd agreeing on
a small net, a Gauss-Newton step from the Jacobian, hessian of a float64 loss, and vjp/jvp/linearize
of the same function. Seeded: every printed number agrees."""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import (functional_call, grad, grad_and_value, hessian, jacfwd, jacrev, jvp, linearize,
                        stack_module_state, vjp, vmap)

torch.set_num_threads(1)
torch.manual_seed(0)


class MLP(nn.Module):
    def __init__(self, d_in=5, d_h=16, d_out=3):
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_h)
        self.bn = nn.BatchNorm1d(d_h)
        self.fc2 = nn.Linear(d_h, d_out)

    def forward(self, x):
        return self.fc2(F.gelu(self.bn(self.fc1(x))))


model = MLP()
model.train()
warm = torch.randn(64, 5)
model(warm)
model.eval()
params = {k: v.detach() for k, v in model.named_parameters()}
buffers = {k: v.detach() for k, v in model.named_buffers()}
print("params", list(params), "buffers", list(buffers))
X = torch.randn(48, 5)
Y = torch.randint(0, 3, (48,))


def loss_fn(params, buffers, x, y):
    logits = functional_call(model, (params, buffers), (x,))
    loss = F.cross_entropy(logits, y)
    return loss, logits.argmax(-1)


(g, preds) = grad(loss_fn, has_aux=True)(params, buffers, X, Y)
print("grad keys", list(g), "preds", preds[:8].tolist())
print("fc2 grad norm", f"{g['fc2.weight'].norm().item():.6f}")
ref = copy.deepcopy(model)
F.cross_entropy(ref(X), Y).backward()
print("matches autograd", all(torch.allclose(g[k], dict(ref.named_parameters())[k].grad, atol=1e-6) for k in g))

velocity = {k: torch.zeros_like(v) for k, v in params.items()}
for step in range(20):
    grads, (loss, _) = grad_and_value(loss_fn, has_aux=True)(params, buffers, X, Y)
    velocity = {k: 0.9 * velocity[k] + grads[k] for k in params}
    params = {k: params[k] - 0.1 * velocity[k] for k in params}
    if step % 5 == 4:
        print(f"functional step {step} loss {loss.item():.6f}")
model.load_state_dict({**params, **buffers}, strict=True)
with torch.no_grad():
    print("loaded acc", f"{(model(X).argmax(-1) == Y).float().mean().item():.4f}")

# argnums: gradient w.r.t. the input too
gx = grad(lambda p, x: loss_fn(p, buffers, x, Y)[0], argnums=1)(params, X)
gp, gx2 = grad(lambda p, x: loss_fn(p, buffers, x, Y)[0], argnums=(0, 1))(params, X)
print("input grad", tuple(gx.shape), f"{gx.abs().sum().item():.6f}", torch.allclose(gx, gx2))

# tied weights passed once
class Tied(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(7, 4)
        self.out = nn.Linear(4, 7, bias=False)
        self.out.weight = self.emb.weight

    def forward(self, idx):
        return self.out(self.emb(idx))


tied = Tied()
tp = dict(tied.named_parameters())
print("tied names", list(tp), "remove_duplicate False", [n for n, _ in tied.named_parameters(remove_duplicate=False)])
idx = torch.tensor([1, 2, 3, 4])
new_w = torch.randn(7, 4)
out = functional_call(tied, {"emb.weight": new_w}, (idx,), tie_weights=True)
print("tied functional", torch.allclose(out, new_w[idx] @ new_w.T))

# an ensemble by vmap
models = [MLP() for _ in range(4)]
for m in models:
    m.eval()
ens_params, ens_buffers = stack_module_state(models)
print("stacked", {k: tuple(v.shape) for k, v in list(ens_params.items())[:2]})
base = copy.deepcopy(models[0])


def fmodel(p, b, x):
    return functional_call(base, (p, b), (x,))


same_x = vmap(fmodel, in_dims=(0, 0, None))(ens_params, ens_buffers, X[:6])
diff_x = vmap(fmodel, in_dims=(0, 0, 0))(ens_params, ens_buffers, X[:24].reshape(4, 6, 5))
print("ensemble", tuple(same_x.shape), tuple(diff_x.shape))
print("member 2 matches", torch.allclose(same_x[2], models[2](X[:6]), atol=1e-6))
chunked = vmap(fmodel, in_dims=(0, 0, None), chunk_size=3)(ens_params, ens_buffers, X[:6])
print("chunked same", torch.allclose(chunked, same_x))
t_out = vmap(fmodel, in_dims=(0, 0, None), out_dims=1)(ens_params, ens_buffers, X[:6])
print("out_dims=1", tuple(t_out.shape))

# DP-SGD: per-example grads, clipped, noised
small = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3))
sp = {k: v.detach() for k, v in small.named_parameters()}


def sample_loss(p, x, y):
    logits = functional_call(small, p, (x.unsqueeze(0),))
    return F.cross_entropy(logits, y.unsqueeze(0))


gen = torch.Generator().manual_seed(123)
for step in range(5):
    per = vmap(grad(sample_loss), in_dims=(None, 0, 0))(sp, X[:16], Y[:16])
    norms = torch.sqrt(sum(v.flatten(1).pow(2).sum(1) for v in per.values()))
    factor = (1.0 / (norms + 1e-6)).clamp(max=1.0)
    noisy = {k: (v * factor.view(-1, *[1] * (v.dim() - 1))).sum(0) + torch.randn(v.shape[1:], generator=gen) * 0.1
             for k, v in per.items()}
    sp = {k: sp[k] - 0.5 * noisy[k] / 16 for k in sp}
    loss = F.cross_entropy(functional_call(small, sp, (X[:16],)), Y[:16])
    print(f"dp step {step} loss {loss.item():.6f} max norm {norms.max().item():.5f} clipped {(norms > 1).sum().item()}")

# jacobians and a Gauss-Newton step for least squares
torch.manual_seed(1)
reg = nn.Sequential(nn.Linear(2, 6), nn.Tanh(), nn.Linear(6, 1)).double()
rp = {k: v.detach() for k, v in reg.named_parameters()}
xs = torch.linspace(-2, 2, 20, dtype=torch.float64).reshape(10, 2)
ys = torch.sin(xs.sum(1))


def residuals(p):
    return functional_call(reg, p, (xs,)).squeeze(-1) - ys


jr = jacrev(residuals)(rp)
jf = jacfwd(residuals)(rp)
print("jac shapes", {k: tuple(v.shape) for k, v in jr.items()})
print("jacrev == jacfwd", all(torch.allclose(jr[k], jf[k]) for k in jr))
for it in range(3):
    J = torch.cat([v.reshape(10, -1) for v in jacrev(residuals)(rp).values()], 1)
    r = residuals(rp)
    delta = torch.linalg.solve(J.T @ J + 1.0 * torch.eye(J.shape[1], dtype=J.dtype), J.T @ r)
    offset = 0
    new = {}
    for k, v in rp.items():
        new[k] = v - delta[offset:offset + v.numel()].reshape(v.shape)
        offset += v.numel()
    rp = new
    print(f"gauss-newton {it} residual {residuals(rp).pow(2).sum().item():.10f}")


# float64 hessian, vjp / jvp / linearize
def f(w):
    return (torch.sin(w) * w.pow(2)).sum() + w.prod()


w = torch.tensor([0.3, -1.2, 0.7], dtype=torch.float64)
H = hessian(f)(w)
print("hessian", [[f"{v:.8f}" for v in row] for row in H.tolist()])
print("symmetric", torch.allclose(H, H.T))
out, vjp_fn = vjp(lambda w: torch.sin(w) * w, w)
(vj,) = vjp_fn(torch.ones_like(out))
_, jv = jvp(lambda w: torch.sin(w) * w, (w,), (torch.ones_like(w),))
print("vjp", [f"{v:.8f}" for v in vj.tolist()], "jvp", [f"{v:.8f}" for v in jv.tolist()])
val, jvp_fn = linearize(lambda w: torch.sin(w) * w, w)
print("linearize", [f"{v:.8f}" for v in jvp_fn(torch.tensor([1.0, 0.0, -1.0], dtype=torch.float64)).tolist()])
