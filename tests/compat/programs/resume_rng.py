"""Checkpointing and reproducibility the way training scripts do it:
torch.save / torch.load of model + optimizer + scheduler state to an
io.BytesIO and to a temporary file, optimizer.state_dict() round trips
(param_groups, Adam's exp_avg / step), resuming mid-run and matching the
unbroken run, torch.Generator and torch.manual_seed replaying the same
draws (get_rng_state / set_rng_state, fork_rng), a DataLoader with a seeded
generator replaying its shuffle, and load_state_dict(strict=False) reporting
missing / unexpected keys. The training data and weights are fixed; the random
draws are compared with themselves, so the printed numbers agree."""

import copy
import io
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

rng = np.random.RandomState(0)
X = torch.tensor(rng.randn(96, 6), dtype=torch.float32)
y = torch.tensor((rng.randn(96) > 0).astype(np.int64))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 16)
        self.bn = nn.BatchNorm1d(16)
        self.fc2 = nn.Linear(16, 2)

    def forward(self, x):
        return self.fc2(F.relu(self.bn(self.fc1(x))))


def fresh():
    model = Net()
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            p.copy_(0.3 * torch.sin(torch.arange(p.numel(), dtype=torch.float32) * 0.9 + i).view_as(p))
    opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=12, eta_min=1e-4)
    return model, opt, sched


def train_steps(model, opt, sched, start, stop, log):
    model.train()
    for step in range(start, stop):
        idx = torch.arange(step * 16, step * 16 + 16) % 96
        loss = F.cross_entropy(model(X[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        log.append(round(loss.item(), 6))
    return log


model, opt, sched = fresh()
full_log = train_steps(model, opt, sched, 0, 12, [])
print("unbroken losses", full_log)

model, opt, sched = fresh()
log = train_steps(model, opt, sched, 0, 5, [])
buffer = io.BytesIO()
torch.save({"epoch": 5, "model_state_dict": model.state_dict(), "optimizer_state_dict": opt.state_dict(),
            "scheduler": sched.state_dict(), "log": log}, buffer)
print("checkpoint bytes > 0", buffer.getbuffer().nbytes > 0)
sd = opt.state_dict()
group = sd["param_groups"][0]
print("param_group", group["lr"], group["betas"], group["eps"], group["weight_decay"], group["amsgrad"],
      group["initial_lr"])
print("state entries", len(sd["state"]), "step", float(sd["state"][0]["step"]), "exp_avg shape",
      tuple(sd["state"][0]["exp_avg"].shape), "params", sd["param_groups"][0]["params"])
print("model keys", list(model.state_dict().keys()))

buffer.seek(0)
checkpoint = torch.load(buffer, weights_only=True)
model2, opt2, sched2 = fresh()
model2.load_state_dict(checkpoint["model_state_dict"])
opt2.load_state_dict(checkpoint["optimizer_state_dict"])
sched2.load_state_dict(checkpoint["scheduler"])
print("resumed at epoch", checkpoint["epoch"], "lr", f"{opt2.param_groups[0]['lr']:.8f}",
      "bn running_mean[0]", f"{model2.bn.running_mean[0].item():.6f}")
resumed = train_steps(model2, opt2, sched2, 5, 12, list(checkpoint["log"]))
print("resumed losses", resumed)
print("resumed run identical:", resumed == full_log)

with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "model.pt")
    torch.save(model2.state_dict(), path)
    model3 = Net()
    missing_unexpected = model3.load_state_dict(torch.load(path, map_location="cpu"))
    print("file round trip", all(torch.equal(a, b) for a, b in zip(model2.parameters(), model3.parameters())),
          "result", missing_unexpected)
partial = {k: v for k, v in model2.state_dict().items() if not k.startswith("fc2")}
partial["extra.weight"] = torch.zeros(1)
result = Net().load_state_dict(partial, strict=False)
print("missing", result.missing_keys, "unexpected", result.unexpected_keys)
try:
    Net().load_state_dict(partial)
except RuntimeError as e:
    print("strict load raises RuntimeError:", "Missing key(s)" in str(e), "Unexpected key(s)" in str(e))
clone = copy.deepcopy(model2)
print("deepcopy equal", torch.equal(clone.fc1.weight, model2.fc1.weight), "shares memory",
      clone.fc1.weight.data_ptr() == model2.fc1.weight.data_ptr())

# reproducibility: the same seed replays the same draws
torch.manual_seed(123)
a = torch.randn(5)
state = torch.get_rng_state()
b = torch.rand(3)
torch.set_rng_state(state)
b2 = torch.rand(3)
torch.manual_seed(123)
print("manual_seed replays", torch.equal(a, torch.randn(5)), "rng_state replays", torch.equal(b, b2))
g1 = torch.Generator().manual_seed(7)
g2 = torch.Generator().manual_seed(7)
print("generators agree", torch.equal(torch.randint(0, 100, (10,), generator=g1), torch.randint(0, 100, (10,), generator=g2)),
      "initial_seed", g1.initial_seed())
gs = g1.get_state()
p1 = torch.randperm(8, generator=g1)
g1.set_state(gs)
print("generator state replays", torch.equal(p1, torch.randperm(8, generator=g1)))
with torch.random.fork_rng():
    torch.randn(100)
after_fork = torch.randn(2)
torch.manual_seed(123)
torch.randn(5)
print("fork_rng leaves the global stream alone", torch.equal(after_fork, torch.randn(2)))
loader_orders = []
for _ in range(2):
    g = torch.Generator()
    g.manual_seed(0)
    loader = DataLoader(TensorDataset(torch.arange(10)), batch_size=4, shuffle=True, generator=g)
    loader_orders.append([batch[0].tolist() for batch in loader])
print("seeded DataLoader replays", loader_orders[0] == loader_orders[1], "batch sizes",
      [len(b) for b in loader_orders[0]], "covers all", sorted(sum(loader_orders[0], [])) == list(range(10)))
drop = nn.Dropout(0.5)
torch.manual_seed(5)
m1 = drop(torch.ones(20))
torch.manual_seed(5)
m2 = drop(torch.ones(20))
print("dropout replays", torch.equal(m1, m2), "kept values", sorted(set(m1.tolist())))
