"""Domain-adversarial training (DANN) as the pytorch-domain-adaptation repos write it: a
GradientReversal autograd.Function with a lambda schedule 2/(1+exp(-10p))-1, a feature extractor
shared by a label classifier and a domain classifier, and the hooks people attach to watch it: forward
hooks collecting features into a dict (a create_feature_extractor by hand), a full backward hook
printing the reversed gradient's norm at the feature layer, tensor.register_hook scaling a gradient,
forward pre-hooks normalizing inputs, hook handles removed, and a check that the reversal flips the
domain gradient's sign. Seeded: every printed number agrees."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


class GradientReversalFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, alpha):
        ctx.alpha = alpha
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.neg() * ctx.alpha, None


class GradientReversal(nn.Module):
    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = alpha

    def forward(self, x):
        return GradientReversalFn.apply(x, self.alpha)


class DANN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(6, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU())
        self.classifier = nn.Sequential(nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 2))
        self.grl = GradientReversal()
        self.discriminator = nn.Sequential(nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, x):
        f = self.features(x)
        return self.classifier(f), self.discriminator(self.grl(f)).squeeze(1)


# source: two gaussian classes; target: the same classes, rotated and shifted
n = 128
src_y = torch.randint(0, 2, (n,))
src_x = torch.randn(n, 6) * 0.7 + (src_y.float().unsqueeze(1) * 2 - 1) * torch.linspace(1.0, 0.2, 6)
rot = torch.linalg.qr(torch.randn(6, 6))[0]
tgt_y = torch.randint(0, 2, (n,))
tgt_x = ((torch.randn(n, 6) * 0.7 + (tgt_y.float().unsqueeze(1) * 2 - 1) * torch.linspace(1.0, 0.2, 6)) @ rot * 0.5
         + 0.8)

model = DANN()
activations = {}


def save_output(name):
    def hook(module, inputs, output):
        activations[name] = output.detach()
    return hook


handles = [model.features[1].register_forward_hook(save_output("relu1")),
           model.features.register_forward_hook(save_output("features"))]
grad_norms = []
handles.append(model.features.register_full_backward_hook(
    lambda module, grad_input, grad_output: grad_norms.append(grad_output[0].norm().item())))


def standardize(module, args):
    (x,) = args
    return ((x - x.mean(0)) / (x.std(0) + 1e-5),)


handles.append(model.register_forward_pre_hook(standardize))

optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
epochs, batches = 6, 4
for epoch in range(epochs):
    totals = [0.0, 0.0, 0.0]
    for b in range(batches):
        p = (epoch * batches + b) / (epochs * batches)
        model.grl.alpha = 2.0 / (1.0 + math.exp(-10 * p)) - 1
        sl = slice(b * 32, (b + 1) * 32)
        x = torch.cat([src_x[sl], tgt_x[sl]])
        domain = torch.cat([torch.zeros(32), torch.ones(32)])
        logits, dom_logits = model(x)
        cls_loss = F.cross_entropy(logits[:32], src_y[sl])
        dom_loss = F.binary_cross_entropy_with_logits(dom_logits, domain)
        loss = cls_loss + dom_loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        totals[0] += cls_loss.item()
        totals[1] += dom_loss.item()
        totals[2] += ((dom_logits > 0).float() == domain).float().mean().item()
    with torch.no_grad():
        src_acc = (model(src_x)[0].argmax(1) == src_y).float().mean().item()
        tgt_acc = (model(tgt_x)[0].argmax(1) == tgt_y).float().mean().item()
    print(f"epoch {epoch} alpha {model.grl.alpha:.5f} cls {totals[0] / batches:.5f} dom {totals[1] / batches:.5f} "
          f"dom_acc {totals[2] / batches:.4f} src_acc {src_acc:.4f} tgt_acc {tgt_acc:.4f}")
print("activations", {k: tuple(v.shape) for k, v in activations.items()})
print(f"relu1 sparsity {(activations['relu1'] == 0).float().mean().item():.4f}")
print("backward hook calls", len(grad_norms), [f"{v:.5f}" for v in grad_norms[:3]])
for h in handles:
    h.remove()
print("hooks left", len(model._forward_hooks), len(model.features._forward_hooks),
      len(model.features._backward_hooks), len(model._forward_pre_hooks))

# reversal flips the sign of the discriminator's gradient at the features
x = src_x[:8]
f = model.features(x).detach().requires_grad_()
model.grl.alpha = 0.5
out = model.discriminator(model.grl(f)).sum()
(g_rev,) = torch.autograd.grad(out, f)
f2 = f.detach().requires_grad_()
(g_plain,) = torch.autograd.grad(model.discriminator(f2).sum(), f2)
print("reversed = -alpha * plain", torch.allclose(g_rev, -0.5 * g_plain))
print("grl grad_fn", model.grl(f).grad_fn.name(), type(model.grl(f).grad_fn).__name__)

# tensor hooks: scale, inspect, and the order they run
h = model.features(src_x[:4])
seen = []
h.register_hook(lambda g: seen.append(("first", round(g.abs().sum().item(), 5))))
h.register_hook(lambda g: g * 3)
h.register_hook(lambda g: seen.append(("third", round(g.abs().sum().item(), 5))))
model.classifier(h).sum().backward()
print("tensor hooks", seen)
w = model.classifier[0].weight
print(f"classifier grad after x3 hook {w.grad.abs().sum().item():.5f}")
leaf = torch.ones(3, requires_grad=True)
leaf.register_hook(lambda g: g.clamp(max=0.5))
(leaf * torch.tensor([0.2, 0.7, 2.0])).sum().backward()
print("clamped leaf grad", leaf.grad.tolist())
