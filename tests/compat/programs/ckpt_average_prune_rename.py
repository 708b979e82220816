"""Checkpoint averaging and surgery on state_dict values as plain tensors: a small BatchNorm MLP is trained
and snapshotted each epoch, the last three snapshots averaged (integer buffers kept from the newest),
per-tensor weight statistics printed, a global magnitude-pruning mask built from sorted magnitudes,
and the averaged weights copied into a differently named model by a key map."""

import copy
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

X = torch.randn(96, 6)
y = (X[:, 0] * 1.5 - X[:, 1] + 0.3 * X[:, 2] ** 2 > 0).long()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 16)
        self.bn1 = nn.BatchNorm1d(16)
        self.fc2 = nn.Linear(16, 2)

    def forward(self, x):
        return self.fc2(F.relu(self.bn1(self.fc1(x))))


model = Net()
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
snapshots = []
for epoch in range(6):
    model.train()
    for i in range(0, 96, 24):
        loss = F.cross_entropy(model(X[i:i + 24]), y[i:i + 24])
        opt.zero_grad()
        loss.backward()
        opt.step()
    snapshots.append(copy.deepcopy(model.state_dict()))
    print(f"epoch {epoch} loss {loss.item():.5f} tracked {model.bn1.num_batches_tracked.item()}")

# average the last three checkpoints
last = snapshots[-3:]
avg = OrderedDict()
for k, v in last[-1].items():
    if v.is_floating_point():
        avg[k] = torch.stack([sd[k] for sd in last]).mean(dim=0)
    else:
        avg[k] = v.clone()
    print(f"{k:24s} {str(v.dtype):14s} {tuple(v.shape)}")
print("differs from last:", {k: round((avg[k].float() - last[-1][k].float()).abs().max().item(), 5) for k in avg})

averaged = Net()
res = averaged.load_state_dict(avg)
print("load result", res)
averaged.eval()
model.eval()
with torch.no_grad():
    acc_last = (model(X).argmax(1) == y).float().mean().item()
    acc_avg = (averaged(X).argmax(1) == y).float().mean().item()
print(f"acc last {acc_last:.4f} averaged {acc_avg:.4f}")

# weight statistics, as tensors of the state dict
for name, t in averaged.state_dict().items():
    if t.dtype != torch.float32:
        continue
    print(f"{name:16s} mean {t.mean():+.5f} std {t.std() if t.numel() > 1 else 0.:.5f} "
          f"absmax {t.abs().max():.5f} l2 {t.norm():.5f} zeros {(t == 0).sum().item()}")

# global magnitude pruning of the weight matrices: threshold from sorted magnitudes
sd = averaged.state_dict()
weights = [k for k in sd if k.endswith("weight") and sd[k].dim() > 1]
all_mag = torch.cat([sd[k].abs().flatten() for k in weights])
sorted_mag, _ = torch.sort(all_mag)
k = int(0.4 * all_mag.numel())
threshold = sorted_mag[k - 1]
print(f"prune {k}/{all_mag.numel()} threshold {threshold.item():.6f} kth {torch.kthvalue(all_mag, k).values.item():.6f}")
masks = {}
for name in weights:
    masks[name] = (sd[name].abs() > threshold).to(sd[name].dtype)
    sd[name].mul_(masks[name])
    print(f"{name} kept {int(masks[name].sum())}/{masks[name].numel()} sparsity {1 - masks[name].mean().item():.4f}")
print("state dict shares storage", averaged.fc1.weight.data_ptr() == sd["fc1.weight"].data_ptr(),
      "zeros in module", (averaged.fc1.weight == 0).sum().item())
with torch.no_grad():
    print(f"pruned acc {(averaged(X).argmax(1) == y).float().mean().item():.4f}")


# copy into a model whose keys differ
class Renamed(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(6, 16), nn.BatchNorm1d(16), nn.ReLU())
        self.head = nn.Linear(16, 2)

    def forward(self, x):
        return self.head(self.body(x))


key_map = {"fc1": "body.0", "bn1": "body.1", "fc2": "head"}
renamed_sd = OrderedDict()
for k2, v in sd.items():
    prefix, _, rest = k2.partition(".")
    renamed_sd[f"{key_map[prefix]}.{rest}"] = v
other = Renamed().eval()
missing, unexpected = other.load_state_dict(renamed_sd, strict=False)
print("missing", missing, "unexpected", unexpected)
print("keys", list(other.state_dict().keys()))
with torch.no_grad():
    same = torch.allclose(other(X), averaged(X))
    print("renamed same output", same, "max diff", (other(X) - averaged(X)).abs().max().item())
# strict load with an extra key
renamed_sd["head.extra"] = torch.zeros(1)
try:
    other.load_state_dict(renamed_sd)
except RuntimeError as e:
    print("strict error:", str(e).splitlines()[0])
    print(str(e).splitlines()[1].strip())
