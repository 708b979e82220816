"""The PyTorch "Pruning Tutorial" on a LeNet-style network with fixed weights:
l1_unstructured, ln_structured along a dim, iterative pruning (the
PruningContainer's combined mask), the weight_orig parameter / weight_mask
buffer / forward pre-hook it installs, prune.remove, global_unstructured over
several layers, a custom PruningMethod, and pruned fine-tuning where the mask
keeps pruned weights at zero. random_unstructured is checked by its counts only
(the random streams differ); everything else agrees exactly."""

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.prune as prune

from _data import digits

torch.set_num_threads(1)
torch.manual_seed(0)


class LeNet(nn.Module):
    def __init__(self):
        super(LeNet, self).__init__()
        # 1 input image channel, 6 output channels, 3x3 square conv kernel
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 2 * 2, 40)
        self.fc2 = nn.Linear(40, 24)
        self.fc3 = nn.Linear(24, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = x.view(-1, int(x.nelement() / x.shape[0]))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def fixed_model():
    model = LeNet()
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            fan_in = p[0].numel() if p.dim() > 1 else p.numel()
            # distinct magnitudes, so no ties decide which weights are pruned
            p.copy_(torch.sin(torch.arange(p.numel(), dtype=torch.float32) * 0.917 + 0.1 * i + 0.05).reshape(p.shape)
                    * (1 + torch.arange(p.numel()) / (10.0 * p.numel())).reshape(p.shape) / fan_in ** 0.5)
    return model


model = fixed_model()
module = model.conv1
print(list(module.named_parameters())[0][0], list(module.named_buffers()))

prune.random_unstructured(module, name="weight", amount=0.3)
print("after random_unstructured:", [n for n, _ in module.named_parameters()], [n for n, _ in module.named_buffers()])
print("zeros", int((module.weight == 0).sum()), "of", module.weight.nelement(), "mask zeros",
      int((module.weight_mask == 0).sum()), "hooks", len(module._forward_pre_hooks))

prune.l1_unstructured(module, name="bias", amount=3)
print("bias mask", module.bias_mask.tolist(), "bias", [round(v, 5) for v in module.bias.tolist()])
for hook in module._forward_pre_hooks.values():
    if hook._tensor_name == "weight":
        print("hook", type(hook).__name__, hook._tensor_name)

# iterative pruning on the same parameter: ln_structured on top of random_unstructured
prune.ln_structured(module, name="weight", amount=0.5, n=2, dim=0)
rows = module.weight_mask.sum(dim=(1, 2, 3))
print("channels kept", int((rows > 0).sum()), "of 6, each kept channel keeps its random zeros",
      int((module.weight_mask == 0).sum()) >= 27)
for hook in module._forward_pre_hooks.values():
    if hook._tensor_name == "weight":
        print("container", type(hook).__name__, [type(m).__name__ for m in hook])

print("state_dict keys", list(model.state_dict().keys())[:6])
prune.remove(module, 'weight')
print("after remove", [n for n, _ in module.named_parameters()], [n for n, _ in module.named_buffers()])

# deterministic pruning: l1 and ln structured on fresh layers
model = fixed_model()
prune.l1_unstructured(model.fc1, name="weight", amount=0.4)
prune.ln_structured(model.conv2, name="weight", amount=4, n=1, dim=0)
print("fc1 sparsity {:.2f}%".format(100. * float(torch.sum(model.fc1.weight == 0)) / float(model.fc1.weight.nelement())))
print("conv2 pruned channels", [i for i, v in enumerate(model.conv2.weight_mask.sum((1, 2, 3)).tolist()) if v == 0])
print("l1 kept the largest", bool(model.fc1.weight_orig.abs()[model.fc1.weight_mask == 0].max()
                                  <= model.fc1.weight_orig.abs()[model.fc1.weight_mask == 1].min()))

# global pruning
model = fixed_model()
parameters_to_prune = (
    (model.conv1, 'weight'),
    (model.conv2, 'weight'),
    (model.fc1, 'weight'),
    (model.fc2, 'weight'),
    (model.fc3, 'weight'),
)
prune.global_unstructured(parameters_to_prune, pruning_method=prune.L1Unstructured, amount=0.2)
for name, m in [("conv1", model.conv1), ("conv2", model.conv2), ("fc1", model.fc1), ("fc2", model.fc2),
                ("fc3", model.fc3)]:
    print("Sparsity in {}.weight: {:.2f}%".format(name, 100. * float(torch.sum(m.weight == 0)) / float(m.weight.nelement())))
total_zero = sum(float(torch.sum(m.weight == 0)) for m, _ in parameters_to_prune)
total = sum(float(m.weight.nelement()) for m, _ in parameters_to_prune)
print("Global sparsity: {:.2f}%".format(100. * total_zero / total))


class FooBarPruningMethod(prune.BasePruningMethod):
    """Prune every other entry in a tensor
    """
    PRUNING_TYPE = 'unstructured'

    def compute_mask(self, t, default_mask):
        mask = default_mask.clone()
        mask.view(-1)[::2] = 0
        return mask


def foobar_unstructured(module, name):
    FooBarPruningMethod.apply(module, name)
    return module


model = fixed_model()
foobar_unstructured(model.fc3, name='bias')
print("custom mask", model.fc3.bias_mask.tolist())
print("identity", prune.is_pruned(model), prune.is_pruned(fixed_model()))
prune.identity(model.fc2, "weight")
print("identity mask all ones", bool(model.fc2.weight_mask.all()))

# fine-tuning a pruned network: gradients flow to weight_orig, masked entries stay zero
pixels, labels = digits()
x = torch.tensor(pixels[:600], dtype=torch.float32).reshape(-1, 1, 8, 8) / 16.0
y = torch.tensor(labels[:600])
model = fixed_model()
prune.global_unstructured(parameters_to_prune[:0] + ((model.fc1, "weight"), (model.conv2, "weight")),
                          pruning_method=prune.L1Unstructured, amount=0.5)
opt = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.9)
for step in range(20):  # (further on, float32 rounding grows chaotically: PyTorch on AVX2 and AVX-512 CPUs part)
    loss = F.cross_entropy(model(x[20 * step:20 * step + 100]), y[20 * step:20 * step + 100])
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 9:
        print(f"finetune step {step + 1} | loss {loss.item():.6f}")
masked_grad = model.fc1.weight_orig.grad[model.fc1.weight_mask == 0]
print("masked grads zero", bool((masked_grad == 0).all()), "pruned stay zero",
      int((model.fc1.weight == 0).sum()), "of", model.fc1.weight.nelement())
for m in (model.fc1, model.conv2):
    prune.remove(m, "weight")
print("final keys", [k for k in model.state_dict() if "fc1" in k or "conv2" in k])
