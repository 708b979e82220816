"""torch.func as its tutorials use it (per-sample gradients with vmap(grad(...)) over functional_call,
an ensemble through stack_module_state, jacrev/hessian, a MAML inner step), a small spatial transformer
(affine_grid + grid_sample) trained on fixed digits, and a spectral-normalized critic whose power
iteration starts from fixed vectors. Everything is fixed: the runs agree to float32 rounding."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad, grad_and_value, hessian, jacrev, stack_module_state, vmap

from _data import digits


def fixed_(module, k):
    with torch.no_grad():
        for i, p in enumerate(module.parameters()):
            p.copy_(torch.sin(torch.arange(p.numel(), dtype=torch.float32) * (k + 0.1 * i)).reshape(p.shape) * 0.3)
    return module


# 1. per-sample gradients, checked against one backward per sample
model = fixed_(nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2)), 0.9)
params = {k: v.detach() for k, v in model.named_parameters()}
x = torch.cos(torch.arange(24, dtype=torch.float32)).reshape(8, 3)
t = torch.tensor([0, 1, 1, 0, 1, 0, 0, 1])


def loss_fn(p, sample, target):
    return F.cross_entropy(functional_call(model, p, (sample.unsqueeze(0),)), target.unsqueeze(0))


per_sample = vmap(grad(loss_fn), in_dims=(None, 0, 0))(params, x, t)
print("per-sample shapes", {k: tuple(v.shape) for k, v in per_sample.items()})
agree = []
for i in range(8):
    model.zero_grad()
    F.cross_entropy(model(x[i:i + 1]), t[i:i + 1]).backward()
    agree.append(all(torch.allclose(per_sample[k][i], p.grad, atol=1e-6) for k, p in model.named_parameters()))
print("per-sample agree", all(agree))
print(f"per-sample norms {[round(v, 5) for v in per_sample['0.weight'].flatten(1).norm(dim=1).tolist()]}")
g, value = grad_and_value(lambda p: F.cross_entropy(functional_call(model, p, (x,)), t))(params)
print(f"grad_and_value {value.item():.6f} {g['2.bias'].tolist()[0]:.6f}")

# 2. an ensemble of four models in one vmap
models = [fixed_(nn.Linear(3, 2), 0.5 + j) for j in range(4)]
ens_params, ens_buffers = stack_module_state(models)
out = vmap(lambda p, b, xx: functional_call(models[0], (p, b), (xx,)), in_dims=(0, 0, None))(ens_params, ens_buffers, x)
print("ensemble", tuple(out.shape), f"{out.sum().item():.5f}", torch.allclose(out[2], models[2](x), atol=1e-6))

# 3. jacobians and hessians
f = lambda z: (z ** 3).sum() + z.prod()
z = torch.tensor([1.0, 2.0, 0.5])
print("jacrev", jacrev(f)(z).tolist(), "hessian", hessian(f)(z).tolist())
print("batched jacobian", tuple(vmap(jacrev(torch.tanh))(x).shape))

# 4. one MAML step: inner SGD through functional parameters, outer gradient through it
inner = {k: v.clone().requires_grad_() for k, v in params.items()}
loss = F.cross_entropy(functional_call(model, inner, (x,)), t)
grads = torch.autograd.grad(loss, list(inner.values()), create_graph=True)
fast = {k: v - 0.5 * gk for (k, v), gk in zip(inner.items(), grads)}
meta = F.cross_entropy(functional_call(model, fast, (x,)), t)
meta.backward()
print(f"maml meta loss {meta.item():.6f} grad {inner['0.weight'].grad.norm().item():.6f}")

# 5. a spatial transformer on 8x8 digits: a localisation net predicts an affine map
pixels, labels = digits()
xd = torch.tensor(pixels[:64], dtype=torch.float32).reshape(64, 1, 8, 8) / 16
yd = torch.tensor(labels[:64])


class STN(nn.Module):
    def __init__(self):
        super().__init__()
        self.loc = nn.Sequential(nn.Flatten(), nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 6))
        self.cls = nn.Sequential(nn.Flatten(), nn.Linear(64, 10))

    def forward(self, img):
        theta = self.loc(img).view(-1, 2, 3)
        grid = F.affine_grid(theta, img.size(), align_corners=False)
        return self.cls(F.grid_sample(img, grid, align_corners=False, padding_mode="border"))


stn = fixed_(STN(), 1.3)
with torch.no_grad():  # start from the identity map, as the tutorial does
    stn.loc[3].weight.zero_()
    stn.loc[3].bias.copy_(torch.tensor([1.0, 0.0, 0.0, 0.0, 1.0, 0.0]))
opt = torch.optim.Adam(stn.parameters(), lr=0.01)
for step in range(30):
    loss = F.cross_entropy(stn(xd), yd)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 9:
        print(f"stn step {step} | loss {loss.item():.6f}")
print(f"stn theta mean {stn.loc(xd).mean(0).tolist()[0]:.6f}")

# 6. a spectral-normalized critic with fixed power-iteration start vectors
critic = fixed_(nn.Sequential(nn.Linear(64, 32), nn.LeakyReLU(0.2), nn.Linear(32, 1)), 0.7)
for layer in (critic[0], critic[2]):
    nn.utils.parametrizations.spectral_norm(layer)
    sn = layer.parametrizations.weight[0]
    with torch.no_grad():
        sn._u.copy_(F.normalize(torch.cos(torch.arange(sn._u.numel(), dtype=torch.float32)), dim=0))
        sn._v.copy_(F.normalize(torch.sin(torch.arange(sn._v.numel(), dtype=torch.float32) + 1), dim=0))
opt = torch.optim.Adam(critic.parameters(), lr=1e-3, betas=(0.5, 0.9))
for step in range(10):
    score = critic(xd.flatten(1)).mean()
    opt.zero_grad()
    (-score).backward()
    opt.step()
print(f"critic score {score.item():.6f}")
sigmas = [torch.linalg.svdvals(layer.weight.detach())[0].item() for layer in (critic[0], critic[2])]
print(f"spectral norms {sigmas[0]:.4f} {sigmas[1]:.4f}")
