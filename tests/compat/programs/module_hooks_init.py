"""Weight init with nn.init + model.apply, forward/backward hooks for feature extraction and
gradient inspection, parameters_to_vector, and state_dict checkpoints in memory."""
import copy
import io
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(OrderedDict([
            ("conv1", nn.Conv2d(1, 4, 3, padding=1)),
            ("bn1", nn.BatchNorm2d(4)),
            ("relu1", nn.ReLU(inplace=True)),
            ("pool", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(4, 8, 3)),
            ("relu2", nn.LeakyReLU(0.1)),
        ]))
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.0), nn.Linear(8, 3))

    def forward(self, x):
        return self.head(self.features(x))


def init_weights(m):
    # deterministic stand-ins for the random initialisers, then the real ones' statistics below
    if isinstance(m, (nn.Conv2d, nn.Linear)):
        with torch.no_grad():
            n = m.weight.numel()
            m.weight.copy_(torch.sin(torch.arange(n, dtype=torch.float32)).reshape(m.weight.shape) * 0.4)
        nn.init.constant_(m.bias, 0.01)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.ones_(m.weight)
        nn.init.zeros_(m.bias)


model = Net()
model.apply(init_weights)
print("gain relu", nn.init.calculate_gain("relu"), "leaky", round(nn.init.calculate_gain("leaky_relu", 0.1), 6),
      "tanh", nn.init.calculate_gain("tanh"), "selu", nn.init.calculate_gain("selu"))
# statistics of the random initialisers on big tensors (seed-independent up to sampling noise)
w = torch.empty(256, 512)
nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
print(f"kaiming_normal std {w.std().item():.2f}")
nn.init.xavier_uniform_(w, gain=nn.init.calculate_gain("tanh"))
print(f"xavier_uniform bound ok {bool(w.abs().max() <= 5 / 3 * (6 / 768) ** 0.5)}")
nn.init.orthogonal_(w[:64, :64])
q = w[:64, :64]
print("orthogonal", torch.allclose(q @ q.T, torch.eye(64), atol=1e-4))
nn.init.trunc_normal_(w, std=0.02, a=-0.04, b=0.04)
print("trunc_normal in range", bool(w.abs().max() <= 0.04))
e = torch.empty(3, 5)
nn.init.eye_(e)
print("eye", e.sum().item())

# forward hooks collect activations by name
activations = {}


def save_activation(name):
    def hook(module, inputs, output):
        activations[name] = output.detach()
    return hook


handles = [m.register_forward_hook(save_activation(n)) for n, m in model.named_modules()
           if isinstance(m, (nn.Conv2d, nn.Linear))]
pre_shapes = []
handles.append(model.head.register_forward_pre_hook(lambda mod, inp: pre_shapes.append(tuple(inp[0].shape))))
grad_norms = {}


def bwd_hook(module, grad_input, grad_output):
    grad_norms[type(module).__name__ + str(len(grad_norms))] = grad_output[0].norm().item()


handles.append(model.features.conv2.register_full_backward_hook(bwd_hook))
handles.append(model.head[3].register_full_backward_hook(bwd_hook))
tensor_grads = []

x = torch.cos(torch.arange(2 * 64, dtype=torch.float32) * 0.7).reshape(2, 1, 8, 8)
target = torch.tensor([0, 2])
out = model(x)
out.register_hook(lambda g: tensor_grads.append(g.abs().sum().item()))
loss = F.cross_entropy(out, target)
loss.backward()
for k in sorted(activations):
    print(f"act {k} {tuple(activations[k].shape)} mean {activations[k].mean().item():.6f}")
print("pre hook saw", pre_shapes)
for k in sorted(grad_norms):
    print(f"grad hook {k} {grad_norms[k]:.6f}")
print(f"tensor hook {tensor_grads[0]:.6f}")
for h in handles:
    h.remove()
activations.clear()
model(x)
print("after remove", len(activations))

# flat parameter vector: count, norm, round trip
vec = nn.utils.parameters_to_vector(model.parameters())
print("num params", vec.numel(), sum(p.numel() for p in model.parameters() if p.requires_grad))
print(f"param norm {vec.norm().item():.6f}")
grads = torch.cat([p.grad.reshape(-1) for p in model.parameters()])
print(f"grad norm {grads.norm().item():.6f}")
nn.utils.vector_to_parameters(vec * 2, model.parameters())
print(f"doubled {nn.utils.parameters_to_vector(model.parameters()).norm().item():.6f}")
nn.utils.vector_to_parameters(vec, model.parameters())

# state dict to memory, with a frozen copy, strict=False loading and named buffers
print("keys", list(model.state_dict().keys())[:7])
print("buffers", [n for n, _ in model.named_buffers()])
buf = io.BytesIO()
torch.save(model.state_dict(), buf)
buf.seek(0)
model2 = Net()
result = model2.load_state_dict(torch.load(buf, weights_only=True))
print("load result", result)
sd = model.state_dict()
sd["extra.weight"] = torch.zeros(1)
del sd["head.3.bias"]
res = model2.load_state_dict(sd, strict=False)
print("missing", res.missing_keys, "unexpected", res.unexpected_keys)
best = copy.deepcopy(model.state_dict())
with torch.no_grad():
    model.head[3].weight.add_(1.0)
model.load_state_dict(best)
model.eval()
model2.eval()
with torch.no_grad():
    print("restored equal", torch.equal(model(x), Net().eval().load_state_dict(best) and model(x)))
# freezing the feature extractor and fine-tuning the head
for p in model.features.parameters():
    p.requires_grad_(False)
trainable = [p for p in model.parameters() if p.requires_grad]
print("trainable", sum(p.numel() for p in trainable))
opt = torch.optim.SGD(filter(lambda p: p.requires_grad, model.parameters()), lr=0.5, momentum=0.9)
model.train()
for step in range(5):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), target)
    loss.backward()
    opt.step()
    print(f"finetune step {step} | loss {loss.item():.6f} | conv grad kept {model.features.conv1.weight.grad is not None}")
print("running_mean", [round(v, 5) for v in model.features.bn1.running_mean.tolist()])
print("named children", [n for n, _ in model.named_children()], len(list(model.modules())))
