"""Feature extraction and inspection with module hooks, as forum answers and
the "nn.Module hooks" docs write it: forward hooks over named_modules() that
store activations in a dict, a forward pre-hook that rewrites the input, hooks
with_kwargs=True, prepend=True ordering, always_call, handles used as context
managers, global hooks (torch.nn.modules.module.register_module_forward_hook),
backward pre-hooks that scale gradients, Grad-CAM on a small CNN with a tensor
hook on the feature map, and activation statistics for dead-ReLU detection.
Weights are fixed: every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.modules.module import register_module_forward_hook, register_module_forward_pre_hook


def fixed_(module, phase):
    with torch.no_grad():
        for i, p in enumerate(module.parameters()):
            p.copy_(0.4 * torch.sin(torch.arange(p.numel(), dtype=p.dtype) * phase + i).reshape(p.shape))


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(),
            nn.Conv2d(4, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(8, 3)

    def forward(self, x, scale=1.0):
        f = self.features(x)
        return self.classifier(self.pool(f).flatten(1)) * scale


model = SmallCNN()
fixed_(model, 0.61)
x = torch.cos(torch.arange(2 * 64, dtype=torch.float32) * 0.37).reshape(2, 1, 8, 8)

activations = {}


def get_activation(name):
    def hook(model, input, output):
        activations[name] = output.detach()
    return hook


handles = [m.register_forward_hook(get_activation(n)) for n, m in model.named_modules()
           if isinstance(m, (nn.Conv2d, nn.ReLU, nn.Linear))]
out = model(x)
for name, act in activations.items():
    print(f"act {name:12s} {tuple(act.shape)} mean {act.mean().item():.6f} zero-frac {(act == 0).float().mean().item():.4f}")
for h in handles:
    h.remove()
activations.clear()
model(x)
print("after remove", len(activations))

calls = []


def pre_hook(module, args):
    calls.append("pre")
    return (args[0] * 2,)


def kw_pre_hook(module, args, kwargs):
    calls.append(f"kw_pre scale={kwargs.get('scale')}")
    kwargs["scale"] = 0.5
    return args, kwargs


def kw_hook(module, args, kwargs, output):
    calls.append(f"kw_hook scale={kwargs['scale']}")
    return output + 1


def first_hook(module, args, output):
    calls.append("first")


h1 = model.features.register_forward_pre_hook(pre_hook)
h2 = model.register_forward_pre_hook(kw_pre_hook, with_kwargs=True)
h3 = model.register_forward_hook(kw_hook, with_kwargs=True)
h4 = model.register_forward_hook(first_hook, prepend=True)
y = model(x, scale=3.0)
print("hook calls", calls)
print("hooked output", [round(v, 6) for v in y[0].tolist()], "plain", [round(v, 6) for v in out[0].tolist()])
for h in (h1, h2, h3, h4):
    h.remove()

seen = []


def always(module, args, output):
    seen.append(type(module).__name__)


class Boom(nn.Module):
    def forward(self, x):
        raise ValueError("boom")


boom = Boom()
boom.register_forward_hook(always, always_call=True)
try:
    boom(x)
except ValueError as e:
    print("always_call ran", seen, str(e))

with model.classifier.register_forward_hook(lambda m, i, o: o * 0) as handle:
    print("inside with", model(x).abs().sum().item())
print("after with", round(model(x).abs().sum().item(), 6))

global_seen = []
gh = register_module_forward_hook(lambda m, i, o: global_seen.append(type(m).__name__))
gph = register_module_forward_pre_hook(lambda m, i: None)
model(x)
gh.remove()
gph.remove()
model(x)
print("global hook saw", global_seen)

# backward pre-hook scales the gradient flowing into a module's output
grad_log = []
bh = model.classifier.register_full_backward_pre_hook(lambda m, grad_output: (grad_output[0] * 10,))
bh2 = model.classifier.register_full_backward_hook(
    lambda m, gi, go: grad_log.append((round(gi[0].abs().sum().item(), 5), round(go[0].abs().sum().item(), 5))))
model.zero_grad()
model(x).sum().backward()
print("backward hooks", grad_log, "bias grad", model.classifier.bias.grad.tolist())
bh.remove()
bh2.remove()

# Grad-CAM: a tensor hook on the last feature map
feats = {}


def save_features(module, input, output):
    feats["value"] = output
    output.register_hook(lambda g: feats.__setitem__("grad", g))


h = model.features[3].register_forward_hook(save_features)
model.zero_grad()
logits = model(x)
cls = logits.argmax(dim=1)
logits.gather(1, cls[:, None]).sum().backward()
weights = feats["grad"].mean(dim=(2, 3), keepdim=True)
cam = F.relu((weights * feats["value"]).sum(dim=1))
cam = cam / (cam.amax(dim=(1, 2), keepdim=True) + 1e-8)
print("classes", cls.tolist(), "cam", tuple(cam.shape), [round(v, 5) for v in cam.mean(dim=(1, 2)).tolist()])
up = F.interpolate(cam[:, None], size=(8, 8), mode="bilinear", align_corners=False)
print("upsampled cam", tuple(up.shape), round(up.sum().item(), 5))
h.remove()
print("hooks left", len(model._forward_hooks), len(model.features[3]._forward_hooks))
