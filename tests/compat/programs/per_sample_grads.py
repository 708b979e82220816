"""The "Per-sample-gradients" tutorial as written: a small CNN on seeded
MNIST-shaped data, the naive loop of per-sample backward passes, then
torch.func's functional_call + grad + vmap(in_dims=(None, None, 0, 0)) over
a detached params dict and buffers, compared with torch.allclose; grad with
argnums and has_aux, vmap with chunk_size and out_dims, grad_and_value,
replace_all_batch_norm_modules_ for a BatchNorm model, and a DP-SGD style
step (per-sample clipping by the per-sample norms, seeded Gaussian noise).
Seeded: every number agrees to float32 rounding."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call, grad, grad_and_value, replace_all_batch_norm_modules_, vmap

torch.manual_seed(0)
torch.set_num_threads(1)


class SimpleCNN(nn.Module):
    def __init__(self):
        super(SimpleCNN, self).__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, 1)
        self.conv2 = nn.Conv2d(4, 8, 3, 1)
        self.fc1 = nn.Linear(8 * 2 * 2, 16)
        self.fc2 = nn.Linear(16, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


def loss_fn(predictions, targets):
    return F.nll_loss(predictions, targets)


device = "cpu"
num_models = 10
batch_size = 8
data = torch.randn(batch_size, 1, 8, 8, device=device)
targets = torch.randint(10, (batch_size,), device=device)

model = SimpleCNN().to(device=device)
predictions = model(data)
loss = loss_fn(predictions, targets)
print(f"batch loss {loss.item():.6f}")


def compute_grad(sample, target):
    sample = sample.unsqueeze(0)  # prepend batch dimension for processing
    target = target.unsqueeze(0)
    prediction = model(sample)
    loss = loss_fn(prediction, target)
    return torch.autograd.grad(loss, list(model.parameters()))


def compute_sample_grads(data, targets):
    """ manually process each sample with per sample gradient """
    sample_grads = [compute_grad(data[i], targets[i]) for i in range(batch_size)]
    sample_grads = zip(*sample_grads)
    sample_grads = [torch.stack(shards) for shards in sample_grads]
    return sample_grads


per_sample_grads = compute_sample_grads(data, targets)
print("conv1 per-sample grad shape", tuple(per_sample_grads[0].shape))
print("fc2 bias per-sample grads[0]", [round(v, 5) for v in per_sample_grads[-1][0].tolist()])

params = {k: v.detach() for k, v in model.named_parameters()}
buffers = {k: v.detach() for k, v in model.named_buffers()}


def compute_loss(params, buffers, sample, target):
    batch = sample.unsqueeze(0)
    targets = target.unsqueeze(0)
    predictions = functional_call(model, (params, buffers), (batch,))
    loss = loss_fn(predictions, targets)
    return loss


ft_compute_grad = grad(compute_loss)
ft_compute_sample_grad = vmap(ft_compute_grad, in_dims=(None, None, 0, 0))
ft_per_sample_grads = ft_compute_sample_grad(params, buffers, data, targets)
for per_sample_grad, (name, ft_per_sample_grad) in zip(per_sample_grads, ft_per_sample_grads.items()):
    close = torch.allclose(per_sample_grad, ft_per_sample_grad, atol=3e-3, rtol=1e-5)
    diff = (per_sample_grad - ft_per_sample_grad).abs().max().item()
    print(f"{name:14s} {tuple(ft_per_sample_grad.shape)} allclose {close} small diff {diff < 1e-5}")

# chunked vmap gives the same result
chunked = vmap(ft_compute_grad, in_dims=(None, None, 0, 0), chunk_size=3)(params, buffers, data, targets)
print("chunked equal", all(torch.allclose(chunked[k], ft_per_sample_grads[k], atol=1e-6) for k in chunked))

# per-sample gradient norms (the DP-SGD quantity)
norms = torch.stack([g.flatten(1).norm(dim=1) for g in ft_per_sample_grads.values()], dim=1).norm(dim=1)
print("per-sample norms", [f"{v:.5f}" for v in norms.tolist()])


# grad with argnums and has_aux: gradients w.r.t. the sample too, plus the predictions as aux
def loss_with_aux(params, sample, target):
    pred = functional_call(model, params, (sample.unsqueeze(0),))
    return loss_fn(pred, target.unsqueeze(0)), pred.argmax(1)


(g_params, g_input), aux = vmap(grad(loss_with_aux, argnums=(0, 1), has_aux=True),
                                in_dims=(None, 0, 0))(params, data, targets)
print("input grads", tuple(g_input.shape), f"{g_input.abs().sum().item():.5f}", "aux", aux.flatten().tolist())
print("params grads agree", torch.allclose(g_params["fc1.weight"], ft_per_sample_grads["fc1.weight"], atol=1e-6))

# out_dims: put the batch dimension last
moved = vmap(ft_compute_grad, in_dims=(None, None, 0, 0), out_dims=-1)(params, buffers, data, targets)
print("out_dims=-1 shape", tuple(moved["fc2.weight"].shape),
      torch.allclose(moved["fc2.weight"].movedim(-1, 0), ft_per_sample_grads["fc2.weight"], atol=1e-6))

g, value = vmap(grad_and_value(compute_loss), in_dims=(None, None, 0, 0))(params, buffers, data, targets)
print("per-sample losses", [f"{v:.5f}" for v in value.tolist()], f"mean {value.mean().item():.6f}")


# BatchNorm under vmap: the running statistics must be switched off first
class BNNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(5, 6)
        self.bn = nn.BatchNorm1d(6)
        self.out = nn.Linear(6, 3)

    def forward(self, x):
        return self.out(torch.relu(self.bn(self.fc(x))))


bn_net = BNNet()
replace_all_batch_norm_modules_(bn_net)
print("bn running_mean", bn_net.bn.running_mean, "track", bn_net.bn.track_running_stats)
xb = torch.randn(6, 4, 5)  # 6 samples, each a group of 4 rows normalized together
yb = torch.randint(3, (6, 4))
bn_params = {k: v.detach() for k, v in bn_net.named_parameters()}


def bn_loss(p, x, y):
    return F.cross_entropy(functional_call(bn_net, p, (x,)), y)


bn_grads = vmap(grad(bn_loss), in_dims=(None, 0, 0))(bn_params, xb, yb)
print("bn per-sample grad", tuple(bn_grads["bn.weight"].shape), [f"{v:.5f}" for v in bn_grads["bn.weight"][0].tolist()])

# a DP-SGD step: clip each sample's gradient to max_norm, sum, add noise, average
max_norm, noise_multiplier, lr = 1.0, 0.5, 0.1
factors = (max_norm / (norms + 1e-6)).clamp(max=1.0)
print("clip factors", [f"{v:.4f}" for v in factors.tolist()])
with torch.no_grad():
    for name, p in model.named_parameters():
        g = ft_per_sample_grads[name]
        clipped = (g * factors.view(-1, *([1] * (g.dim() - 1)))).sum(0)
        noisy = clipped + torch.randn_like(clipped) * noise_multiplier * max_norm
        p -= lr * noisy / batch_size
print(f"after dp-sgd step loss {loss_fn(model(data), targets).item():.6f}")
