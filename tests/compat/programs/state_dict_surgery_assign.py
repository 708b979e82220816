"""State-dict surgery as people do it when checkpoints and code drift apart: stripping the
DataParallel 'module.' prefix (by dict comprehension and by consume_prefix_in_state_dict_if_present),
renaming keys after a refactor, widening a classifier head by copying rows, turning a Linear into a
1x1 Conv2d by reshaping its weight, strict=False loads and their missing/unexpected keys, shape
mismatches caught and skipped, the "Tips for loading an nn.Module from a checkpoint" recipe
(load_state_dict(assign=True)), an optimizer state carried over to a rebuilt
model, and a full training checkpoint round-tripped through BytesIO with weights_only=True. Seeded:
every printed number agrees."""

import io
from collections import OrderedDict

import torch
import torch.nn as nn
from torch.nn.modules.utils import consume_prefix_in_state_dict_if_present

torch.set_num_threads(1)
torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self, n_classes=3):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(6, 12), nn.ReLU(), nn.Linear(12, 12), nn.ReLU())
        self.norm = nn.LayerNorm(12)
        self.fc = nn.Linear(12, n_classes)
        self.register_buffer("scale", torch.tensor(2.0))

    def forward(self, x):
        return self.fc(self.norm(self.features(x))) * self.scale


X = torch.randn(32, 6)
Y = torch.randint(0, 3, (32,))
net = Net()
opt = torch.optim.Adam(net.parameters(), lr=1e-2)
for step in range(5):
    loss = nn.functional.cross_entropy(net(X), Y)
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"trained loss {loss.item():.6f}")
sd = net.state_dict()
print("keys", list(sd.keys()))
print("metadata", sorted(sd._metadata.keys())[:4], sd._metadata[""])

# DataParallel-style prefix
wrapped = OrderedDict(("module." + k, v) for k, v in sd.items())
stripped = {k[len("module."):] if k.startswith("module.") else k: v for k, v in wrapped.items()}
print("stripped == original", list(stripped) == list(sd))
consume_prefix_in_state_dict_if_present(wrapped, "module.")
print("consumed", list(wrapped)[:3], type(wrapped).__name__)
fresh = Net()
print(fresh.load_state_dict(wrapped))
print("same output", torch.equal(fresh(X), net(X)))

# renamed attribute after a refactor: features -> backbone, fc -> head
class NetV2(nn.Module):
    def __init__(self, n_classes=3):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(6, 12), nn.ReLU(), nn.Linear(12, 12), nn.ReLU())
        self.norm = nn.LayerNorm(12)
        self.head = nn.Linear(12, n_classes)
        self.register_buffer("scale", torch.tensor(1.0))
        self.extra = nn.Parameter(torch.zeros(n_classes))

    def forward(self, x):
        return self.head(self.norm(self.backbone(x))) * self.scale + self.extra


v2 = NetV2()
result = v2.load_state_dict(sd, strict=False)
print("missing", result.missing_keys)
print("unexpected", result.unexpected_keys)
renamed = {k.replace("features.", "backbone.").replace("fc.", "head."): v for k, v in sd.items()}
result = v2.load_state_dict(renamed, strict=False)
print("after rename", result)
print("v2 == v1", torch.allclose(v2(X), net(X)))
try:
    v2.load_state_dict(renamed)
except RuntimeError as e:
    print("strict error:", str(e).splitlines()[0])

# a bigger head: copy the old rows, keep the new ones' init
v3 = NetV2(n_classes=5)
own = v3.state_dict()
skipped = []
for k, v in renamed.items():
    if k in own and own[k].shape != v.shape:
        skipped.append((k, tuple(v.shape), tuple(own[k].shape)))
        own[k][: v.shape[0]] = v
    elif k in own:
        own[k] = v
print("skipped", skipped)
v3.load_state_dict(own)
print("old logits kept", torch.allclose(v3(X)[:, :3], v2(X)[:, :3] - v2.extra + v3.extra[:3], atol=1e-6))
try:
    NetV2(n_classes=5).load_state_dict(renamed, strict=False)
except RuntimeError as e:
    msg = str(e)
    print("size mismatch error:", "size mismatch for head.weight" in msg, "torch.Size([3, 12])" in msg)

# Linear -> 1x1 conv
lin = net.fc
conv = nn.Conv2d(12, 3, kernel_size=1)
conv.load_state_dict({"weight": lin.weight.detach().reshape(3, 12, 1, 1), "bias": lin.bias.detach()})
feat = net.norm(net.features(X))
print("conv == linear", torch.allclose(conv(feat[:, :, None, None]).flatten(1), lin(feat), atol=1e-6))

# the checkpoint-loading recipe: assign=True keeps the loaded tensors themselves
assigned_net = Net()
assigned_net.load_state_dict(sd, assign=True)
print("after assign", assigned_net.fc.weight.device, isinstance(assigned_net.fc.weight, nn.Parameter),
      assigned_net.fc.weight.requires_grad, torch.equal(assigned_net(X), net(X)))
print("shares storage", assigned_net.fc.weight.data_ptr() == sd["fc.weight"].data_ptr())
copied = Net()
copied.load_state_dict(sd)
print("copy shares storage", copied.fc.weight.data_ptr() == sd["fc.weight"].data_ptr())

# optimizer state across a rebuilt model (same parameter order)
shared = torch.optim.Adam(Net().parameters(), lr=1e-2)
shared.load_state_dict(opt.state_dict())
print("loaded state is shared", shared.state[shared.param_groups[0]["params"][0]]["exp_avg"] is
      opt.state[net.features[0].weight]["exp_avg"])
snapshot = io.BytesIO()
torch.save(opt.state_dict(), snapshot)
snapshot.seek(0)
opt_sd = torch.load(snapshot)
print("opt state keys", sorted(opt_sd["state"].keys()), opt_sd["param_groups"][0]["params"])
rebuilt = Net()
rebuilt.load_state_dict(sd)
opt2 = torch.optim.Adam(rebuilt.parameters(), lr=1e-2)
opt2.load_state_dict(opt_sd)
for m, o in ((net, opt), (rebuilt, opt2)):
    loss = nn.functional.cross_entropy(m(X), Y)
    o.zero_grad()
    loss.backward()
    o.step()
print("resumed identical", all(torch.equal(a, b) for a, b in zip(net.parameters(), rebuilt.parameters())))

# a full checkpoint in memory
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
sched.step()
buffer = io.BytesIO()
torch.save({"epoch": 5, "model": net.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict(),
            "rng": torch.get_rng_state(), "best": 0.25, "history": [1.0, 0.5]}, buffer)
size = buffer.tell()
buffer.seek(0)
ck = torch.load(buffer, weights_only=True, map_location="cpu")
print("checkpoint", sorted(ck), ck["epoch"], ck["best"], ck["history"], size > 1000)
print("scheduler", {k: v for k, v in sorted(ck["scheduler"].items()) if k != "_get_lr_called_within_step"})
print("exp_avg step", ck["optimizer"]["state"][0]["step"], ck["optimizer"]["state"][0]["exp_avg"].dtype)
torch.set_rng_state(ck["rng"])
a = torch.rand(3)
torch.set_rng_state(ck["rng"])
print("rng replay", torch.equal(a, torch.rand(3)))

# half-precision export and back
half_sd = {k: v.half() if v.is_floating_point() else v for k, v in net.state_dict().items()}
buf = io.BytesIO()
torch.save(half_sd, buf)
buf.seek(0)
loaded = torch.load(buf)
print("half dtypes", sorted({str(v.dtype) for v in loaded.values()}))
back = Net()
back.load_state_dict(loaded)
print("fp32 after load", back.fc.weight.dtype, f"{(back(X) - net(X)).abs().max().item():.4f}")
