"""PyTorch's saving-and-loading recipes as written: several models and
optimizers in one dictionary (torch.save / torch.load of state dicts only,
weights_only loading, map_location), warmstarting a model from a different
one with load_state_dict(strict=False) and its missing / unexpected keys,
renaming keys and dropping shape-mismatched entries, the size-mismatch error,
a general checkpoint with epoch, loss, optimizer and LR-scheduler state
resumed mid-run (the resumed run equals the unbroken one), the RNG states of
torch (get_rng_state / set_rng_state, a Generator's get_state), Python and
numpy saved in the checkpoint, and saving a view, a tensor list and a dict of
non-tensor values (minigrad's checkpoints do not keep two saved views sharing
their memory, as PyTorch's do). Seeded: the numbers
agree to float32 rounding."""

import io
import os
import random
import shutil
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(7)
torch.set_num_threads(1)
random.seed(7)
np.random.seed(7)  # noqa: NPY002


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 3)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 8, 3)
        self.fc1 = nn.Linear(8 * 1 * 1, 12)
        self.fc2 = nn.Linear(12, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 8 * 1 * 1)
        x = F.relu(self.fc1(x))
        x = self.fc2(x)
        return x


tmp = tempfile.mkdtemp()

# --- saving and loading multiple models in one file
netA = Net()
netB = Net()
optimizerA = optim.SGD(netA.parameters(), lr=0.001, momentum=0.9)
optimizerB = optim.SGD(netB.parameters(), lr=0.001, momentum=0.9)
x = torch.randn(4, 3, 10, 10)
y = torch.randint(10, (4,))
for net, opt in ((netA, optimizerA), (netB, optimizerB)):
    opt.zero_grad()
    F.cross_entropy(net(x), y).backward()
    opt.step()

# Specify a path to save to
PATH = os.path.join(tmp, "model.pt")
torch.save({
            'modelA_state_dict': netA.state_dict(),
            'modelB_state_dict': netB.state_dict(),
            'optimizerA_state_dict': optimizerA.state_dict(),
            'optimizerB_state_dict': optimizerB.state_dict(),
            }, PATH)

modelA = Net()
modelB = Net()
optimModelA = optim.SGD(modelA.parameters(), lr=0.001, momentum=0.9)
optimModelB = optim.SGD(modelB.parameters(), lr=0.001, momentum=0.9)

checkpoint = torch.load(PATH, weights_only=True)
print("checkpoint keys", list(checkpoint))
print(modelA.load_state_dict(checkpoint['modelA_state_dict']))
modelB.load_state_dict(checkpoint['modelB_state_dict'])
optimModelA.load_state_dict(checkpoint['optimizerA_state_dict'])
optimModelB.load_state_dict(checkpoint['optimizerB_state_dict'])

modelA.eval()
modelB.eval()
# - or -
modelA.train()
modelB.train()
print("A same", torch.equal(modelA(x), netA(x)), "B same", torch.equal(modelB(x), netB(x)))
sd = optimModelA.state_dict()
print("optimizer state keys", sorted(sd["state"]), "param_groups params", sd["param_groups"][0]["params"])
print("momentum buffer sum", f"{sd['state'][0]['momentum_buffer'].sum().item():.6f}")
print("lr", sd["param_groups"][0]["lr"], "momentum", sd["param_groups"][0]["momentum"],
      "nesterov", sd["param_groups"][0]["nesterov"])

# --- warmstarting model using parameters from a different model
PATH = os.path.join(tmp, "netA.pt")
torch.save(netA.state_dict(), PATH)


class NetB(nn.Module):
    def __init__(self):
        super(NetB, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 3)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 8, 3)
        self.fc1 = nn.Linear(8 * 1 * 1, 12)
        self.head = nn.Linear(12, 4)  # a new head
        self.bn = nn.BatchNorm1d(12)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.head(self.bn(F.relu(self.fc1(x))))


netB = NetB()
result = netB.load_state_dict(torch.load(PATH, weights_only=True), strict=False)
print("missing", result.missing_keys)
print("unexpected", result.unexpected_keys)
print("warm conv1 equal", torch.equal(netB.conv1.weight, netA.conv1.weight))

try:
    netB.load_state_dict(torch.load(PATH, weights_only=True))
except RuntimeError as e:
    first = str(e).splitlines()[0]
    print("strict load raises:", first)

# a head of another size: the size-mismatch error, then filtering by shape
bigger = nn.Sequential(nn.Linear(8, 12), nn.ReLU(), nn.Linear(12, 10))
smaller = nn.Sequential(nn.Linear(8, 12), nn.ReLU(), nn.Linear(12, 3))
try:
    smaller.load_state_dict(bigger.state_dict())
except RuntimeError as e:
    print("size mismatch:", [line.strip() for line in str(e).splitlines()[1:]])
own = smaller.state_dict()
filtered = {k: v for k, v in bigger.state_dict().items() if k in own and v.shape == own[k].shape}
print("filtered keys", list(filtered), smaller.load_state_dict(filtered, strict=False))

# renaming keys: a model saved inside a wrapper (the DataParallel "module." prefix)
wrapped = nn.Sequential()
wrapped.add_module("module", nn.Linear(3, 2))
state = wrapped.state_dict()
print("saved keys", list(state))
plain = nn.Linear(3, 2)
plain.load_state_dict({k.removeprefix("module."): v for k, v in state.items()})
print("renamed load equal", torch.equal(plain.weight, wrapped.module.weight))
nn.modules.utils.consume_prefix_in_state_dict_if_present(state, "module.")
print("consumed keys", list(state))

# --- a general checkpoint with a scheduler, resumed mid-run
torch.manual_seed(1)
data = torch.randn(32, 3, 10, 10)
labels = torch.randint(10, (32,))


def make():
    torch.manual_seed(3)
    model = Net()
    opt = optim.Adam(model.parameters(), lr=0.01, weight_decay=1e-4)
    sched = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    return model, opt, sched


def train_epoch(model, opt, sched, epoch):
    g = torch.Generator().manual_seed(100 + epoch)
    perm = torch.randperm(32, generator=g)
    total = 0.0
    for i in range(0, 32, 8):
        idx = perm[i:i + 8]
        opt.zero_grad()
        loss = F.cross_entropy(model(data[idx]), labels[idx])
        loss.backward()
        opt.step()
        total += loss.item()
    sched.step()
    return total / 4


model, opt, sched = make()
unbroken = [train_epoch(model, opt, sched, e) for e in range(6)]
print("unbroken", [f"{v:.6f}" for v in unbroken])

model, opt, sched = make()
first = [train_epoch(model, opt, sched, e) for e in range(3)]
PATH = os.path.join(tmp, "ckpt.tar")
torch.save({
            'epoch': 3,
            'model_state_dict': model.state_dict(),
            'optimizer_state_dict': opt.state_dict(),
            'scheduler_state_dict': sched.state_dict(),
            'loss': first[-1],
            'rng': torch.get_rng_state(),
            }, PATH)
print("scheduler state", {k: v for k, v in sched.state_dict().items() if k != "_get_lr_called_within_step"})

model2, opt2, sched2 = make()
checkpoint = torch.load(PATH, weights_only=True)
model2.load_state_dict(checkpoint['model_state_dict'])
opt2.load_state_dict(checkpoint['optimizer_state_dict'])
sched2.load_state_dict(checkpoint['scheduler_state_dict'])
epoch = checkpoint['epoch']
loss = checkpoint['loss']
print("resumed at", epoch, f"loss {loss:.6f}", "lr", sched2.get_last_lr(), opt2.param_groups[0]["lr"])
print("adam step", opt2.state_dict()["state"][0]["step"].item())
second = [train_epoch(model2, opt2, sched2, e) for e in range(epoch, 6)]
print("resumed", [f"{v:.6f}" for v in first + second])
print("identical", [f"{v:.6f}" for v in unbroken] == [f"{v:.6f}" for v in first + second])

# --- RNG states
torch.manual_seed(42)
state = torch.get_rng_state()
print("rng state", state.dtype == torch.uint8, int(state[:16].sum()))
a = torch.rand(3)
torch.set_rng_state(state)
b = torch.rand(3)
print("replayed", torch.equal(a, b), [f"{v:.6f}" for v in a.tolist()])
g = torch.Generator().manual_seed(5)
gs = g.get_state()
c = torch.randn(2, generator=g)
g.set_state(gs)
print("generator replayed", torch.equal(c, torch.randn(2, generator=g)), "initial_seed", g.initial_seed())
full = {"torch": torch.get_rng_state(), "python": random.getstate(), "numpy": np.random.get_state()}  # noqa: NPY002
buf = io.BytesIO()
torch.save(full, buf)
draws = (torch.randn(2).tolist(), random.random(), np.random.rand())  # noqa: NPY002
buf.seek(0)
restored = torch.load(buf, weights_only=False)
torch.set_rng_state(restored["torch"])
random.setstate(restored["python"])
np.random.set_state(restored["numpy"])  # noqa: NPY002
print("all streams replayed", draws == (torch.randn(2).tolist(), random.random(), np.random.rand()))  # noqa: NPY002
with torch.random.fork_rng():
    torch.rand(5)
print(f"after fork_rng {torch.rand(1).item():.6f}")

# --- a view, non-tensor values
base = torch.arange(6.0)
view = base[2:4]
buf = io.BytesIO()
torch.save({"base": base, "view": view, "meta": {"name": "run", "epochs": [1, 2]}, "list": [base * 2]}, buf)
buf.seek(0)
loaded = torch.load(buf, weights_only=True)
print("loaded", loaded["base"].tolist(), loaded["view"].tolist(), loaded["meta"], loaded["list"][0].tolist())
print("map_location", torch.load(io.BytesIO(buf.getvalue()), map_location="cpu", weights_only=True)["base"].device)
shutil.rmtree(tmp)
