"""Deployment and functional-programming utilities: fuse_conv_bn_eval/fuse_linear_bn_eval and the
weight-level fusers, spectral_norm/remove_spectral_norm, parametrize (type_before_parametrizations,
transfer_parametrizations_and_params, cached), rnn.invert_permutation, clip_grad_value_,
parameters_to_vector/vector_to_parameters, get_total_norm/clip_grads_with_norm_, torch.func.linearize,
vmap with in_dims/out_dims/chunk_size, functional_call with tied weights, and a custom LRScheduler."""

import torch
import torch.nn as nn
from torch.nn.utils import parametrize
from torch.nn.utils.fusion import fuse_conv_bn_eval, fuse_conv_bn_weights, fuse_linear_bn_eval, fuse_linear_bn_weights

torch.set_num_threads(1)
torch.manual_seed(0)
torch.set_printoptions(precision=5)

conv = nn.Conv2d(2, 3, 3, padding=1)
bn = nn.BatchNorm2d(3)
with torch.no_grad():
    bn.running_mean.copy_(torch.tensor([0.1, -0.2, 0.3]))
    bn.running_var.copy_(torch.tensor([1.5, 0.5, 2.0]))
    bn.weight.copy_(torch.tensor([1.2, 0.8, -0.5]))
    bn.bias.copy_(torch.tensor([0.0, 0.1, 0.2]))
conv.eval()
bn.eval()
x = torch.linspace(-1, 1, 2 * 2 * 5 * 5).reshape(2, 2, 5, 5)
fused = fuse_conv_bn_eval(conv, bn)
print(fused)
print("fused conv agrees", torch.allclose(fused(x), bn(conv(x)), atol=1e-5))
w, b = fuse_conv_bn_weights(conv.weight, conv.bias, bn.running_mean, bn.running_var, bn.eps, bn.weight, bn.bias)
print("weights fused", type(w).__name__, tuple(w.shape), b)
lin = nn.Linear(4, 3)
bn1 = nn.BatchNorm1d(3).eval()
with torch.no_grad():
    bn1.running_var.fill_(0.25)
    bn1.running_mean.fill_(0.5)
lin.eval()
flin = fuse_linear_bn_eval(lin, bn1)
v = torch.linspace(-2, 2, 8).reshape(2, 4)
print("fused linear", torch.allclose(flin(v), bn1(lin(v)), atol=1e-5), flin.bias)
lw, lb = fuse_linear_bn_weights(lin.weight, lin.bias, bn1.running_mean, bn1.running_var, bn1.eps, bn1.weight, bn1.bias)
print("linear weights fused", lb)

sn = nn.utils.spectral_norm(nn.Linear(5, 4))
print("spectral names", sorted(n for n, _ in sn.named_parameters()), sorted(n for n, _ in sn.named_buffers()))
for _ in range(3):
    sn(torch.ones(1, 5))
sigma = torch.linalg.matrix_norm(sn.weight.detach(), 2).item()
print(f"spectral sigma {sigma:.4f}")
nn.utils.remove_spectral_norm(sn)
print("removed", sorted(n for n, _ in sn.named_parameters()), list(dict(sn.named_buffers()).keys()))


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)


layer = nn.Linear(3, 3)
parametrize.register_parametrization(layer, "weight", Symmetric())
print("parametrized", parametrize.is_parametrized(layer), type(layer).__name__,
      parametrize.type_before_parametrizations(layer).__name__)
print("symmetric", torch.equal(layer.weight, layer.weight.T))
with parametrize.cached():
    w1 = layer.weight
    w2 = layer.weight
    print("cached same object", w1 is w2)
target = nn.Linear(3, 3)
parametrize.transfer_parametrizations_and_params(layer, target)
print("transferred", parametrize.is_parametrized(target, "weight"), torch.equal(target.weight, layer.weight))
parametrize.remove_parametrizations(layer, "weight", leave_parametrized=True)
print("after remove", parametrize.is_parametrized(layer), type(layer.weight).__name__)

perm = torch.tensor([2, 0, 3, 1])
print("invert_permutation", nn.utils.rnn.invert_permutation(perm), perm[nn.utils.rnn.invert_permutation(perm)])

net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
for p in net.parameters():
    nn.init.constant_(p, 0.3)
inp = torch.tensor([[1.0, -2.0, 0.5], [0.0, 1.0, 3.0]])
net(inp).pow(2).sum().backward()
grads = [p.grad for p in net.parameters()]
total = nn.utils.get_total_norm(grads, norm_type=2.0)
print("total norm", total)
nn.utils.clip_grads_with_norm_(net.parameters(), max_norm=1.0, total_norm=total)
print("clipped norm", nn.utils.get_total_norm([p.grad for p in net.parameters()]))
nn.utils.clip_grad_value_(net.parameters(), clip_value=0.05)
print("clip value", net[0].weight.grad)
vec = nn.utils.parameters_to_vector(net.parameters())
print("vector", vec.shape, vec[:5])
nn.utils.vector_to_parameters(torch.arange(vec.numel(), dtype=torch.float32) / 100, net.parameters())
print("restored", net[2].bias, net[0].weight[1])
print("inf norm", nn.utils.clip_grad_norm_(net.parameters(), 10.0, norm_type="inf"))


def f(x):
    return torch.sin(x) * x.sum()


primal = torch.tensor([0.5, 1.0, -0.3])
out, jvp_fn = torch.func.linearize(f, primal)
tangent = torch.tensor([1.0, 0.0, 2.0])
print("linearize", out, jvp_fn(tangent), torch.func.jvp(f, (primal,), (tangent,))[1])


def affine(w, xv, bias):
    return w @ xv + bias


W = torch.arange(6.0).reshape(2, 3) / 5
xs = torch.linspace(-1, 1, 12).reshape(4, 3)
print("vmap in_dims", torch.vmap(affine, in_dims=(None, 0, None))(W, xs, torch.tensor([1.0, -1.0])))
print("vmap out_dims", torch.vmap(affine, in_dims=(None, 0, None), out_dims=1)(W, xs, torch.zeros(2)).shape)
print("vmap chunked", torch.vmap(lambda r: r.norm(), chunk_size=2)(xs))
print("nested vmap", torch.vmap(torch.vmap(torch.dot))(xs.reshape(2, 2, 3), xs.flip(0).reshape(2, 2, 3)))
print("vmap dict", torch.vmap(lambda d: d["a"] * d["b"], in_dims=({"a": 0, "b": None},))({"a": xs[:, 0], "b": torch.tensor(2.0)}))


class Tied(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(5, 3)
        self.out = nn.Linear(3, 5, bias=False)
        self.out.weight = self.emb.weight

    def forward(self, idx):
        return self.out(self.emb(idx))


tied = Tied()
new_w = torch.arange(15.0).reshape(5, 3) / 10
res = torch.func.functional_call(tied, {"emb.weight": new_w}, (torch.tensor([1, 3]),))
print("functional_call tied", res)
res2 = torch.func.functional_call(tied, {"emb.weight": new_w}, (torch.tensor([1]),), tie_weights=False)
print("untied", res2)


class WarmupInverseSqrt(torch.optim.lr_scheduler.LRScheduler):
    def __init__(self, optimizer, warmup, last_epoch=-1):
        self.warmup = warmup
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        step = max(self.last_epoch, 1)
        scale = min(step / self.warmup, (self.warmup / step) ** 0.5)
        return [base * scale for base in self.base_lrs]


opt = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
sched = WarmupInverseSqrt(opt, warmup=4)
lrs = []
for _ in range(8):
    opt.step()
    sched.step()
    lrs.append(round(sched.get_last_lr()[0], 6))
print("custom scheduler", lrs, sched.state_dict()["last_epoch"], sorted(sched.state_dict()))
