"""Attribution methods written by hand as Captum and the "interpretable ML" notebooks do, on a small CNN
trained on the bundled 8x8 digits: vanilla saliency (x.requires_grad_(), backward of the target logit,
grad.abs().amax(dim=1)), gradient x input, integrated gradients (alphas from torch.linspace, the scaled
inputs batched with a broadcast, torch.autograd.grad of a gathered output, the trapezoid rule, the
completeness check), SmoothGrad with seeded torch.randn noise, Grad-CAM with a forward hook keeping the
activation and a full backward hook keeping its gradient (register_full_backward_hook), guided backprop
by backward hooks on every nn.ReLU that clamp grad_input (returning a tuple), occlusion by sliding a
patch (F.unfold/F.fold to count coverage), DeepLIFT-style rescale via the mean gradient, and removing
hooks by their handles."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.set_num_threads(1)
torch.manual_seed(0)

X, y = digits()
X = torch.tensor(X / 16.0, dtype=torch.float32).view(-1, 1, 8, 8)
y = torch.tensor(y)
Xtr, ytr, Xte, yte = X[:1500], y[:1500], X[1500:], y[1500:]


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.relu2 = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(16 * 4 * 4, 10)

    def forward(self, x):
        x = self.relu1(self.conv1(x))
        x = self.relu2(self.conv2(x))
        return self.fc(torch.flatten(self.pool(x), 1))


model = Net()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
for epoch in range(4):
    perm = torch.randperm(len(Xtr))
    for i in range(0, len(Xtr), 50):
        idx = perm[i:i + 50]
        loss = F.cross_entropy(model(Xtr[idx]), ytr[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        acc = (model(Xte).argmax(1) == yte).float().mean().item()
    print(f"epoch {epoch} loss {loss.item():.5f} test acc {acc:.4f}")
model.eval()
for p in model.parameters():
    p.requires_grad_(False)

x0 = Xte[:4].clone()
target = model(x0).argmax(1)
print("targets", target.tolist(), "labels", yte[:4].tolist())

# saliency
x = x0.clone().requires_grad_()
out = model(x)
out.gather(1, target[:, None]).sum().backward()
saliency = x.grad.abs().amax(dim=1)
print("saliency", tuple(saliency.shape), f"max {saliency.max().item():.6f}",
      "argmax pixels", saliency.flatten(1).argmax(1).tolist())
gxi = (x.grad * x0).sum(dim=(1, 2, 3))
print("grad*input sums", [round(v, 5) for v in gxi.tolist()])


def integrated_gradients(inputs, baseline, target, steps=32):
    alphas = torch.linspace(0, 1, steps + 1)
    scaled = baseline[None] + alphas.view(-1, 1, 1, 1, 1) * (inputs - baseline)[None]
    scaled = scaled.reshape(-1, *inputs.shape[1:]).requires_grad_(True)
    logits = model(scaled)
    tgt = target.repeat(steps + 1)
    sel = logits.gather(1, tgt[:, None]).squeeze(1)
    (grads,) = torch.autograd.grad(sel.sum(), scaled)
    grads = grads.view(steps + 1, *inputs.shape)
    avg = (grads[:-1] + grads[1:]).mul(0.5).mean(0)
    return (inputs - baseline) * avg


baseline = torch.zeros_like(x0)
ig = integrated_gradients(x0, baseline, target)
with torch.no_grad():
    delta = model(x0).gather(1, target[:, None]).squeeze(1) - model(baseline).gather(1, target[:, None]).squeeze(1)
print("IG sums   ", [round(v, 4) for v in ig.sum(dim=(1, 2, 3)).tolist()])
print("f(x)-f(0) ", [round(v, 4) for v in delta.tolist()])
print("completeness error", f"{(ig.sum(dim=(1, 2, 3)) - delta).abs().max().item():.4f}")
print("IG top pixels", ig.flatten(1).topk(3, dim=1).indices.tolist())

# SmoothGrad
g = torch.Generator().manual_seed(5)
acc_grad = torch.zeros_like(x0)
for _ in range(16):
    noisy = (x0 + 0.15 * torch.randn(x0.shape, generator=g)).requires_grad_()
    model(noisy).gather(1, target[:, None]).sum().backward()
    acc_grad += noisy.grad
sg = (acc_grad / 16).abs()
print("smoothgrad", f"mean {sg.mean().item():.6f}", "top", sg.flatten(1).argmax(1).tolist())

# Grad-CAM on conv2
store = {}
h1 = model.conv2.register_forward_hook(lambda m, i, o: store.__setitem__("act", o))
h2 = model.conv2.register_full_backward_hook(lambda m, gi, go: store.__setitem__("grad", go[0]))
xg = x0.clone().requires_grad_()
model(xg).gather(1, target[:, None]).sum().backward()
weights = store["grad"].mean(dim=(2, 3), keepdim=True)
cam = F.relu((weights * store["act"]).sum(1))
cam = cam / cam.flatten(1).amax(1).clamp_min(1e-8).view(-1, 1, 1)
print("grad-cam", tuple(cam.shape), "row0", [round(v, 4) for v in cam[0, 3].tolist()])
print("grad-cam sums", [round(v, 4) for v in cam.sum(dim=(1, 2)).tolist()])
h1.remove()
h2.remove()
print("hooks left", len(model.conv2._forward_hooks), len(model.conv2._backward_hooks))

# guided backprop
handles = []
for m in model.modules():
    if isinstance(m, nn.ReLU):
        handles.append(m.register_full_backward_hook(lambda m, gi, go: (torch.clamp(gi[0], min=0.0),)))
xb = x0.clone().requires_grad_()
model(xb).gather(1, target[:, None]).sum().backward()
print("guided backprop", f"min {xb.grad.min().item():.6f} max {xb.grad.max().item():.6f}",
      f"positive frac {(xb.grad > 0).float().mean().item():.4f}")
for h in handles:
    h.remove()

# occlusion with a 3x3 patch, stride 1
with torch.no_grad():
    base = F.softmax(model(x0), 1).gather(1, target[:, None]).squeeze(1)
    occ = torch.zeros(4, 6, 6)
    for i in range(6):
        for j in range(6):
            xo = x0.clone()
            xo[:, :, i:i + 3, j:j + 3] = 0
            occ[:, i, j] = base - F.softmax(model(xo), 1).gather(1, target[:, None]).squeeze(1)
    cols = F.unfold(torch.ones(1, 1, 8, 8), kernel_size=3)
    coverage = F.fold(cols, output_size=(8, 8), kernel_size=3)
print("occlusion max drop", [round(v, 4) for v in occ.flatten(1).max(1).values.tolist()],
      "at", occ.flatten(1).argmax(1).tolist())
print("fold coverage", coverage[0, 0, 0].tolist(), coverage[0, 0, 3].tolist())

# DeepLIFT rescale approximated by the average gradient on the straight path (what IG computes)
ig8 = integrated_gradients(x0[:1], baseline[:1], target[:1], steps=8)
ig64 = integrated_gradients(x0[:1], baseline[:1], target[:1], steps=64)
print(f"IG steps 8 vs 64 max diff {(ig8 - ig64).abs().max().item():.5f}")
attr = ig64[0, 0].numpy()
print("attribution sign counts", int((attr > 0).sum()), int((attr < 0).sum()), int((attr == 0).sum()))
print(np.array2string(attr[2:5, 2:6], precision=4))
