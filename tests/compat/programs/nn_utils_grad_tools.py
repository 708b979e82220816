"""The gradient utilities a training-loop tutorial reaches for, with their options: clip_grad_norm_ with
norm_type 1, 2, inf and a float exponent, foreach=True/False, error_if_nonfinite, a single tensor
argument and a generator, the returned total norm; clip_grad_value_ with foreach; get_total_norm and
clip_grads_with_norm_; parameters_to_vector / vector_to_parameters round trips; weight_norm and
spectral_norm (both the old hook API and torch.nn.utils.parametrizations) with their parameter names,
remove_weight_norm / remove_parametrizations(leave_parametrized=...), spectral_norm power iterations
in train vs eval; fuse_conv_bn_eval; and skip_init / prune basics, each printed to six digits."""

import torch
import torch.nn as nn
from torch.nn.utils import parametrize

torch.set_num_threads(1)
torch.manual_seed(0)


def model():
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3))


x = torch.randn(8, 4)
y = torch.randn(8, 3)


def grads(m):
    m.zero_grad()
    ((m(x) - y) ** 2).sum().backward()
    return [p.grad.clone() for p in m.parameters()]


for norm_type in [1.0, 2.0, float("inf"), 3.5]:
    for foreach in [None, True, False]:
        m = model()
        grads(m)
        total = nn.utils.clip_grad_norm_(m.parameters(), max_norm=0.5, norm_type=norm_type, foreach=foreach)
        after = torch.cat([p.grad.flatten() for p in m.parameters()])
        print(f"clip norm_type={norm_type} foreach={foreach} total {total.item():.6f} "
              f"after {torch.linalg.vector_norm(after, norm_type).item():.6f}")
m = model()
grads(m)
print("single tensor", f"{nn.utils.clip_grad_norm_(m[0].weight, 0.1).item():.6f}",
      f"{m[0].weight.grad.norm().item():.6f}")
print("no clip needed", f"{nn.utils.clip_grad_norm_(m.parameters(), 1e6).item():.6f}")
m[2].bias.grad[0] = float("nan")
try:
    nn.utils.clip_grad_norm_(m.parameters(), 1.0, error_if_nonfinite=True)
except RuntimeError as e:
    print("nonfinite:", str(e).split(".")[0])
print("nan total", nn.utils.clip_grad_norm_(m.parameters(), 1.0).item())
m = model()
grads(m)
nn.utils.clip_grad_value_(m.parameters(), clip_value=0.2, foreach=True)
print("clip value", [f"{p.grad.abs().max().item():.6f}" for p in m.parameters()])
m = model()
g = grads(m)
total = nn.utils.get_total_norm([p.grad for p in m.parameters()], norm_type=2.0)
nn.utils.clip_grads_with_norm_(m.parameters(), max_norm=0.3, total_norm=total)
print("get_total_norm", f"{total.item():.6f}", "clipped",
      f"{nn.utils.get_total_norm([p.grad for p in m.parameters()]).item():.6f}")
print("get_total_norm inf", f"{nn.utils.get_total_norm(g, norm_type='inf').item():.6f}")

m = model()
vec = nn.utils.parameters_to_vector(m.parameters())
print("vector", tuple(vec.shape), f"{vec.sum().item():.6f}")
nn.utils.vector_to_parameters(vec * 2, m.parameters())
print("doubled", f"{m[0].weight[0, 0].item():.6f}", f"{nn.utils.parameters_to_vector(m.parameters()).sum().item():.6f}")

lin = nn.Linear(5, 3)
wn = nn.utils.weight_norm(lin, name="weight", dim=0)
print("weight_norm names", sorted(n for n, _ in wn.named_parameters()), tuple(wn.weight_g.shape))
print("weight_g", wn.weight_g.flatten(), "== row norms", torch.allclose(wn.weight_g.flatten(), wn.weight_v.norm(dim=1)))
nn.utils.remove_weight_norm(wn)
print("removed", sorted(n for n, _ in wn.named_parameters()))
lin1 = nn.Linear(5, 3)
wn1 = nn.utils.weight_norm(lin1, dim=1)
print("dim=1 g", tuple(wn1.weight_g.shape), "dim=None", tuple(nn.utils.weight_norm(nn.Linear(5, 3), dim=None).weight_g.shape))

torch.manual_seed(2)
pw = nn.utils.parametrizations.weight_norm(nn.Linear(4, 2))
print("parametrized names", sorted(n for n, _ in pw.named_parameters()))
print("original0", pw.parametrizations.weight.original0.flatten())
torch.manual_seed(3)
sn = nn.utils.parametrizations.spectral_norm(nn.Linear(6, 4), n_power_iterations=3)
sigma_true = torch.linalg.matrix_norm(sn.parametrizations.weight.original, 2)
for step in range(3):
    w = sn.weight
    print(f"spectral step {step} sigma(w) {torch.linalg.matrix_norm(w, 2).item():.6f} true {sigma_true.item():.6f}")
sn.eval()
w_eval1, w_eval2 = sn.weight, sn.weight
print("eval stable", torch.equal(w_eval1, w_eval2), "u", sn.parametrizations.weight[0]._u[:3])
parametrize.remove_parametrizations(sn, "weight", leave_parametrized=True)
print("after remove", sorted(n for n, _ in sn.named_parameters()), f"{torch.linalg.matrix_norm(sn.weight, 2).item():.6f}")
torch.manual_seed(4)
old_sn = nn.utils.spectral_norm(nn.Conv2d(2, 3, 3), n_power_iterations=2, dim=0)
print("old spectral names", sorted(n for n, _ in old_sn.named_parameters()), sorted(n for n, _ in old_sn.named_buffers()))
out = old_sn(torch.randn(1, 2, 5, 5))
print("old spectral out", f"{out.sum().item():.6f}", f"{old_sn.weight_u.sum().item():.6f}")
nn.utils.remove_spectral_norm(old_sn)
print("removed old", sorted(n for n, _ in old_sn.named_parameters()))

conv = nn.Conv2d(3, 4, 3, padding=1)
bn = nn.BatchNorm2d(4)
bn.running_mean.uniform_(-1, 1)
bn.running_var.uniform_(0.5, 2)
bn.weight.data.uniform_(0.5, 1.5)
bn.bias.data.uniform_(-0.5, 0.5)
conv.eval()
bn.eval()
fused = nn.utils.fuse_conv_bn_eval(conv, bn)
img = torch.randn(2, 3, 6, 6)
print("fused max diff small", (fused(img) - bn(conv(img))).abs().max().item() < 1e-5, f"{fused.bias.sum().item():.6f}")
lin_fused = nn.utils.fusion.fuse_linear_bn_eval(nn.Linear(3, 4).eval(), nn.BatchNorm1d(4).eval())
print("linear fused", tuple(lin_fused.weight.shape))
