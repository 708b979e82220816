"""The "Neural Tangent Kernels" and "Per-sample-gradients" tutorials with
torch.func (functional_call over a detached parameter dict, vmap with
in_dims=(None, 0), jacrev, vjp, jvp, the NTK computed by Jacobian
contraction and by implicit vjp/jvp with trace/diagonal/full compute
modes), then torch.autograd.functional's jacobian / hessian / vjp / jvp /
hvp / vhp on small functions (create_graph, strict, tuple inputs,
vectorize). Fixed weights and inputs: every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp
from torch.func import functional_call, grad, jacrev, vmap
from torch.func import jvp as fjvp
from torch.func import vjp as fvjp

torch.manual_seed(0)


def fixed(*shape, phase=0.0, scale=0.5):
    n = 1
    for s in shape:
        n *= s
    return (torch.sin(torch.arange(n, dtype=torch.float32) * 1.1 + phase) * scale).reshape(shape)


def r(t, nd=5):
    return [round(v, nd) for v in t.flatten().tolist()]


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, (3, 3))
        self.conv2 = nn.Conv2d(4, 4, (3, 3))
        self.fc = nn.Linear(16, 3)

    def forward(self, x):
        x = self.conv1(x)
        x = x.relu()
        x = self.conv2(x)
        x = x.relu()
        x = x.flatten(1)
        x = self.fc(x)
        return x


net = CNN()
with torch.no_grad():
    for i, p in enumerate(net.parameters()):
        p.copy_(fixed(*p.shape, phase=i))
x_train = fixed(5, 1, 6, 6, phase=10.0, scale=1.0)
x_test = fixed(3, 1, 6, 6, phase=20.0, scale=1.0)
params = {k: v.detach() for k, v in net.named_parameters()}


def fnet_single(params, x):
    return functional_call(net, params, (x.unsqueeze(0),)).squeeze(0)


def empirical_ntk_jacobian_contraction(fnet_single, params, x1, x2):
    jac1 = vmap(jacrev(fnet_single), (None, 0))(params, x1)
    jac1 = jac1.values()
    jac1 = [j.flatten(2) for j in jac1]
    jac2 = vmap(jacrev(fnet_single), (None, 0))(params, x2)
    jac2 = jac2.values()
    jac2 = [j.flatten(2) for j in jac2]
    result = torch.stack([torch.einsum('Naf,Mbf->NMab', j1, j2) for j1, j2 in zip(jac1, jac2)])
    result = result.sum(0)
    return result


result = empirical_ntk_jacobian_contraction(fnet_single, params, x_train, x_test)
print("ntk shape", tuple(result.shape))
print("ntk [0,0]", r(result[0, 0], 4))
print("ntk trace part", r(torch.einsum("NMaa->NM", result), 4))


def empirical_ntk_ntk_vps(func, params, x1, x2, compute='full'):
    def get_ntk(x1, x2):
        def func_x1(params):
            return func(params, x1)

        def func_x2(params):
            return func(params, x2)

        output, vjp_fn = fvjp(func_x1, params)

        def get_ntk_slice(vec):
            vjps = vjp_fn(vec)
            _, jvps = fjvp(func_x2, (params,), vjps)
            return jvps

        basis = torch.eye(output.numel(), dtype=output.dtype, device=output.device).view(output.numel(), -1)
        return vmap(get_ntk_slice)(basis)

    result = vmap(vmap(get_ntk, (None, 0)), (0, None))(x1, x2)
    if compute == 'full':
        return result
    if compute == 'trace':
        return torch.einsum('NMKK->NM', result)
    if compute == 'diagonal':
        return torch.einsum('NMKK->NMK', result)


result_vps = empirical_ntk_ntk_vps(fnet_single, params, x_train, x_test)
print("vps agrees", torch.allclose(result, result_vps, atol=1e-4))
print("diagonal", r(empirical_ntk_ntk_vps(fnet_single, params, x_train[:2], x_test[:2], 'diagonal'), 4))

# ---------------------------------------------------------------- per-sample gradients
targets = torch.tensor([0, 2, 1, 1, 0])


def loss_fn(predictions, targets):
    return F.nll_loss(F.log_softmax(predictions, dim=-1), targets)


def compute_grad(sample, target):
    sample = sample.unsqueeze(0)
    target = target.unsqueeze(0)
    prediction = net(sample)
    loss = loss_fn(prediction, target)
    return torch.autograd.grad(loss, list(net.parameters()))


per_sample_grads = [compute_grad(x_train[i], targets[i]) for i in range(5)]
per_sample_grads = list(zip(*per_sample_grads))
per_sample_grads = [torch.stack(shards) for shards in per_sample_grads]


def compute_loss(params, buffers, sample, target):
    batch = sample.unsqueeze(0)
    targets = target.unsqueeze(0)
    predictions = functional_call(net, (params, buffers), (batch,))
    return loss_fn(predictions, targets)


buffers = {k: v.detach() for k, v in net.named_buffers()}
ft_compute_grad = grad(compute_loss)
ft_compute_sample_grad = vmap(ft_compute_grad, in_dims=(None, None, 0, 0))
ft_per_sample_grads = ft_compute_sample_grad(params, buffers, x_train, targets)
for per_sample_grad, (name, ft_grad) in zip(per_sample_grads, ft_per_sample_grads.items()):
    print(name, tuple(ft_grad.shape), torch.allclose(per_sample_grad, ft_grad, atol=3e-3, rtol=1e-5),
          round(ft_grad.norm().item(), 5))

# ---------------------------------------------------------------- torch.autograd.functional


def exp_reducer(x):
    return x.exp().sum(dim=1)


inputs = fixed(2, 2, phase=1.0)
print("jacobian", r(jacobian(exp_reducer, inputs)))
print("jacobian create_graph", jacobian(exp_reducer, inputs, create_graph=True).requires_grad)


def exp_adder(x, y):
    return 2 * x.exp() + 3 * y


jx, jy = jacobian(exp_adder, (fixed(2, phase=2.0), fixed(2, phase=3.0)))
print("tuple jacobian", r(jx), r(jy))
print("vectorized", torch.allclose(jacobian(exp_reducer, inputs, vectorize=True), jacobian(exp_reducer, inputs)))


def pow_reducer(x):
    return x.pow(3).sum()


print("hessian", r(hessian(pow_reducer, fixed(2, 2, phase=4.0))))


def pow_adder_reducer(x, y):
    return (2 * x.pow(2) + 3 * y.pow(2)).sum()


h = hessian(pow_adder_reducer, (fixed(2, phase=5.0), fixed(2, phase=6.0)))
print("tuple hessian", [[r(b) for b in row] for row in h])

v = torch.ones(4)
out, vjp_val = vjp(exp_reducer, fixed(4, 4, phase=7.0), v)
print("vjp", r(out), r(vjp_val))


def adder(x, y):
    return 2 * x + 3 * y


out, (gx, gy) = vjp(adder, (fixed(2, phase=8.0), fixed(2, phase=9.0)), torch.ones(2))
print("vjp tuple", r(out), r(gx), r(gy))
out, jvp_val = jvp(exp_reducer, fixed(4, 4, phase=10.0), torch.ones(4, 4))
print("jvp", r(out), r(jvp_val))
out, hvp_val = hvp(pow_reducer, fixed(2, 2, phase=11.0), torch.ones(2, 2))
print("hvp", r(out), r(hvp_val))
out, vhp_val = vhp(pow_reducer, fixed(2, 2, phase=11.0), torch.ones(2, 2))
print("vhp", r(out), r(vhp_val))
try:
    jacobian(lambda x: torch.ones(2), fixed(2), strict=True)
except RuntimeError as err:
    print("strict:", str(err).split(".")[0])
print("non-strict zeros", r(jacobian(lambda x: torch.ones(2), fixed(2))))

# newton's method on a small system with the jacobian
def system(z):
    return torch.stack([z[0] ** 2 + z[1] ** 2 - 4.0, z[0] * z[1] - 1.0])


z = torch.tensor([2.0, 0.3], dtype=torch.float64)
for it in range(5):
    J = jacobian(system, z)
    z = z - torch.linalg.solve(J, system(z))
    print(f"newton {it} z {r(z, 8)} |f| {system(z).norm().item():.3e}")
