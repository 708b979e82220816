"""PyTorch's "save and load the entire model" recipe and checkpoints holding Python objects: torch.save
of a whole model (tied weights, buffers, BatchNorm statistics), torch.load(weights_only=False) and the
default weights-only refusal (pickle.UnpicklingError), training resumed on the loaded model, an
argparse.Namespace beside the state dicts, torch.serialization.add_safe_globals, sets and shared views
in a checkpoint, pickle_module= forcing a full load, a lambda refused by pickle, a whole model in a
BytesIO, and a scripted model saved and loaded with torch.jit. Seeded: the numbers agree to float32
rounding."""

import argparse
import io
import os
import pickle
import shutil
import tempfile

import torch
import torch.nn as nn

torch.manual_seed(0)
torch.set_num_threads(1)
d = tempfile.mkdtemp()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(5, 4)
        self.fc = nn.Linear(4, 5)
        self.fc.weight = self.emb.weight  # tied
        self.bn = nn.BatchNorm1d(4)
        self.register_buffer("steps", torch.zeros((), dtype=torch.long))
    def forward(self, x):
        return self.fc(self.bn(self.emb(x)))


m = Net()
x = torch.tensor([0, 1, 2, 3, 4, 1])
opt = torch.optim.SGD(m.parameters(), lr=0.1)
for _ in range(3):
    opt.zero_grad()
    loss = m(x).logsumexp(-1).mean()
    loss.backward()
    opt.step()
m.steps += 3
p = os.path.join(d, "whole.pt")
torch.save(m, p)
m2 = torch.load(p, weights_only=False)
print(type(m2).__name__, m2.fc.weight is m2.emb.weight, m2.steps.item(), m2.bn.num_batches_tracked.item())
m.eval()
m2.eval()
print(torch.equal(m(x), m2(x)), m2.fc.weight.requires_grad, type(m2.fc.weight).__name__)
opt2 = torch.optim.SGD(m2.parameters(), lr=0.1)
m2.train()
loss = m2(x).logsumexp(-1).mean()
loss.backward()
opt2.step()
print(round(loss.item(), 4), m2.fc.weight.grad.shape)
# objects in checkpoints
ck = {"args": argparse.Namespace(lr=0.1, layers=[1, 2]), "model": m.state_dict(), "opt": opt.state_dict(), "epoch": 3}
torch.save(ck, p)
try:
    torch.load(p)
except pickle.UnpicklingError as e:
    print("refused", "Weights only load failed" in str(e), "argparse.Namespace" in str(e))
back = torch.load(p, weights_only=False, map_location="cpu")
print(back["args"], back["epoch"], sorted(back["model"])[:3], back["opt"]["param_groups"][0]["lr"])
m3 = Net()
m3.load_state_dict(back["model"])
m3.eval()
print(torch.equal(m3(x), m(x)))
# safe globals
torch.serialization.add_safe_globals([argparse.Namespace])
print(torch.load(p)["args"].lr)
# set and views
t = torch.arange(6.).reshape(2, 3)
torch.save({"s": {3, 4}, "v": (t, t[1], t.t())}, p)
b = torch.load(p)
print(b["s"], b["v"][1], b["v"][2].stride())
b["v"][0][1, 0] = 100.
print(b["v"][1][0].item(), b["v"][2][0, 1].item())
# unpicklable
try:
    torch.save({"f": lambda: 0}, os.path.join(d, "bad.pt"))
except Exception as e:
    print("save failed", type(e).__name__, isinstance(e, (pickle.PicklingError, AttributeError)))
# pickle_module forces weights_only False
print(type(torch.load(os.path.join(d, "whole.pt"), pickle_module=pickle)).__name__)
try:
    torch.load(p, pickle_module=pickle, weights_only=True)
except RuntimeError as e:
    print("RuntimeError", e)
# buffer
buf = io.BytesIO()
torch.save(m, buf)
buf.seek(0)
print(type(torch.load(buf, weights_only=False)).__name__)
# whole optimizer? (rare) and a float16 tensor, int tensor, bool
torch.save([torch.ones(2, dtype=torch.float16), torch.tensor([True, False]), torch.tensor(7), argparse.Namespace(a=1)], p)
print(torch.load(p, weights_only=False))
# the tutorial's TorchScript export: script, save, load, run
m.eval()
scripted = torch.jit.script(m)
scripted.save(os.path.join(d, "scripted.pt"))
m4 = torch.jit.load(os.path.join(d, "scripted.pt"))
m4.eval()
print("scripted", torch.equal(m4(x), m(x)), m4(x).sum().item())
shutil.rmtree(d)
