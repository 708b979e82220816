"""Save and resume a training run with torch.save / torch.load: a model,
its optimizer state and the step counter in one dict; the resumed run must
print the same losses as the unbroken one."""

import math
import os
import sys
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits


def make_model():
    model = nn.Sequential(nn.Linear(64, 32), nn.BatchNorm1d(32), nn.Tanh(), nn.Linear(32, 10))
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            p.copy_(torch.sin(torch.arange(p.numel(), dtype=torch.float32) * 0.37 + i).reshape(p.shape) * 0.2)
    return model


pixels, labels = digits()
x = torch.tensor(pixels[:512], dtype=torch.float32) / 16.0
y = torch.tensor(labels[:512])


def run(model, optimizer, start, stop):
    losses = []
    for step in range(start, stop):
        i = (step * 64) % 512
        loss = F.cross_entropy(model(x[i : i + 64]), y[i : i + 64])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


torch.manual_seed(0)
model = make_model()
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4)
unbroken = run(model, opt, 0, 40)
for step, loss in enumerate(unbroken):
    if step % 10 == 9:
        print(f"step {step:3d} | loss {loss:.6f}")

model = make_model()
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4)
first = run(model, opt, 0, 20)
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "ckpt.pt")
    torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "step": 20}, path)
    ckpt = torch.load(path, map_location="cpu", weights_only=True)
model = make_model()
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4)
model.load_state_dict(ckpt["model"])
opt.load_state_dict(ckpt["optimizer"])
resumed = first + run(model, opt, ckpt["step"], 40)
print(f"running_mean[:3] {model[1].running_mean[:3].tolist()}")
print(f"num_batches_tracked {int(model[1].num_batches_tracked)}")
same = all(math.isclose(a, b, rel_tol=0, abs_tol=0) for a, b in zip(unbroken, resumed))
print(f"resumed run identical: {same}")
sys.exit(0 if same else 1)
