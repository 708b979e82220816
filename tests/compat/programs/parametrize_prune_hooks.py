"""Reparametrizing and pruning layers and watching them through hooks, printed: a symmetric-weight
parametrization (register_parametrization, parametrize.cached, remove_parametrizations), orthogonal /
spectral_norm / weight_norm from nn.utils.parametrizations and their state_dict keys, l1/ln-structured
/random/global pruning with masks and remove, forward pre-hooks with kwargs, full backward (pre-)hooks,
state_dict and load_state_dict hooks, tensor hooks, post-accumulate-grad hooks and saved-tensor hooks,
then a pruned, spectral-normalised model trained a few steps."""

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.parametrize as P
import torch.nn.utils.prune as prune
from torch.nn.utils.parametrizations import orthogonal, spectral_norm, weight_norm
torch.manual_seed(0)
torch.set_num_threads(1)
class Sym(nn.Module):
    def forward(self, X): return X.triu() + X.triu(1).mT
l = nn.Linear(3, 3)
P.register_parametrization(l, "weight", Sym())
print(l)
print(l.parametrizations.weight.original.shape, P.is_parametrized(l), P.is_parametrized(l, "bias"))
print(list(l.state_dict().keys()))
print(torch.allclose(l.weight, l.weight.T))
with P.cached():
    print(l.weight is l.weight)
P.remove_parametrizations(l, "weight", leave_parametrized=True)
print(l, list(l.state_dict().keys()))
o = orthogonal(nn.Linear(4, 4))
print(o, torch.dist(o.weight @ o.weight.T, torch.eye(4)).item() < 1e-5)
sn = spectral_norm(nn.Linear(5, 3))
print(sn, list(sn.state_dict().keys()))
for _ in range(3):
    y = sn(torch.randn(2, 5))
print(round(torch.linalg.matrix_norm(sn.weight, 2).item(), 4))
wn = weight_norm(nn.Linear(3, 2))
print(list(wn.state_dict().keys()), wn.parametrizations.weight.original0.shape)
m = nn.Linear(4, 3)
prune.l1_unstructured(m, "weight", amount=0.5)
print(list(m.state_dict().keys()), int((m.weight == 0).sum()), [n for n, _ in m.named_buffers()])
prune.ln_structured(m, "weight", amount=1, n=2, dim=0)
print(int((m.weight == 0).sum()), [type(h).__name__ for h in m._forward_pre_hooks.values()])
prune.remove(m, "weight")
print(list(m.state_dict().keys()), prune.is_pruned(m))
prune.random_unstructured(m, "bias", amount=2)
print(m.bias_mask)
net = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
prune.global_unstructured([(net[0], "weight"), (net[1], "weight")], pruning_method=prune.L1Unstructured, amount=0.4)
print(int((net[0].weight == 0).sum()), int((net[1].weight == 0).sum()))
# hooks
calls = []
h1 = net.register_forward_pre_hook(lambda mod, args, kwargs: calls.append(("pre", len(args), sorted(kwargs))) , with_kwargs=True)
h2 = net[0].register_forward_hook(lambda mod, inp, out: out * 2)
h3 = net[1].register_full_backward_pre_hook(lambda mod, go: calls.append(("bpre", go[0].shape)))
h4 = net[1].register_full_backward_hook(lambda mod, gi, go: calls.append(("bwd", gi[0].shape, go[0].shape)))
out = net(torch.randn(4, 2))
out.sum().backward()
print(calls)
for h in (h1, h2, h3, h4):
    h.remove()
sd_calls = []
net.register_state_dict_pre_hook(lambda mod, prefix, keep_vars: sd_calls.append(prefix))
net[0].register_state_dict_post_hook if hasattr(net[0], "register_state_dict_post_hook") else None
net.register_load_state_dict_post_hook(lambda mod, keys: sd_calls.append(("post", keys.missing_keys)))
net.register_load_state_dict_pre_hook(lambda *a: sd_calls.append(("lpre", a[1])))
print(list(net.state_dict().keys()))
print(net.load_state_dict(net.state_dict(), strict=False))
print(sd_calls)
x = torch.randn(3, requires_grad=True)
y = x * 2
y.register_hook(lambda g: g * 10)
x.register_post_accumulate_grad_hook(lambda p: sd_calls.append(("acc", p.grad.tolist())))
(y.sum()).backward()
print(x.grad, sd_calls[-1])
with torch.autograd.graph.saved_tensors_hooks(lambda t: (sd_calls.append(("pack", tuple(t.shape))), t)[1], lambda t: t):
    z = (x * x).sum()
z.backward()
print(sd_calls[-2:])

torch.manual_seed(2)
model = nn.Sequential(spectral_norm(nn.Linear(4, 32)), nn.ReLU(), nn.Linear(32, 1))
prune.l1_unstructured(model[2], "weight", amount=0.5)
opt = torch.optim.Adam(model.parameters(), lr=0.01)
Xp = torch.randn(64, 4)
Yp = Xp[:, :1] - 2 * Xp[:, 1:2]
for step in range(30):
    loss = F.mse_loss(model(Xp), Yp)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 9:
        print(f"step {step + 1} loss {loss.item():.5f} zeros {int((model[2].weight == 0).sum())}"
              f" sigma {torch.linalg.matrix_norm(model[0].weight.detach(), 2).item():.4f}")
