"""PyTorch's recipes "What is a state_dict", "Warmstarting a model using parameters from a different
model" and "Saving and loading multiple models in one file", with the module-state corners those
pages link to: register_buffer(persistent=False) kept out of state_dict, get_extra_state/
set_extra_state, a _version bump handled in _load_from_state_dict, state_dict and load_state_dict
hooks (register_state_dict_post_hook, register_load_state_dict_pre_hook/post_hook), the
_IncompatibleKeys result of strict=False, renaming keys for a new architecture, shape-mismatched
heads skipped by a filter, the optimizer's state_dict (param_groups, state per index) and
load_state_dict(assign=True). Everything fixed or seeded: every printed line agrees."""

import io
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.set_num_threads(1)
torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


net = Net()
optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
print("Model's state_dict:")
for param_tensor in net.state_dict():
    print(param_tensor, "\t", net.state_dict()[param_tensor].size())
print("Optimizer's state_dict:")
for var_name in optimizer.state_dict():
    print(var_name, "\t", optimizer.state_dict()[var_name])
x = torch.randn(2, 3, 32, 32)
net(x).sum().backward()
optimizer.step()
sd = optimizer.state_dict()
print(sorted(sd["state"].keys()), list(sd["state"][0].keys()), sd["state"][0]["momentum_buffer"].shape)
print(type(net.state_dict()).__name__, net.state_dict()._metadata[""], net.state_dict()._metadata["conv1"])


class NetB(nn.Module):
    """The warm-started model: the same trunk under other names, plus a new head."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5),
                                      nn.ReLU(), nn.MaxPool2d(2))
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 3)

    def forward(self, x):
        x = self.features(x).flatten(1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


buffer = io.BytesIO()
torch.save({"modelA_state_dict": net.state_dict(), "optimizerA_state_dict": optimizer.state_dict()}, buffer)
buffer.seek(0)
ckpt = torch.load(buffer, weights_only=True)
print(list(ckpt.keys()), len(ckpt["modelA_state_dict"]))

netB = NetB()
try:
    netB.load_state_dict(ckpt["modelA_state_dict"], strict=False)
except RuntimeError as e:  # strict=False forgives missing and unexpected keys, never a shape mismatch
    # (isinstance, not the class name: minigrad's errors are RuntimeError subclasses of its own)
    print(isinstance(e, RuntimeError), str(e).splitlines()[1].strip())
renamed = OrderedDict()
for k, v in ckpt["modelA_state_dict"].items():
    k = k.replace("conv1", "features.0").replace("conv2", "features.3")
    renamed[k] = v
model_dict = netB.state_dict()
compatible = {k: v for k, v in renamed.items() if k in model_dict and v.shape == model_dict[k].shape}
skipped = sorted(set(renamed) - set(compatible))
print("skipped", skipped)
result = netB.load_state_dict(compatible, strict=False)
print(result)
print(result.missing_keys, result.unexpected_keys, bool(result))
print(torch.equal(netB.features[0].weight, net.conv1.weight), torch.equal(netB.fc2.bias, net.fc2.bias))
try:
    netB.load_state_dict(renamed)
except RuntimeError as e:
    print("strict load failed:", str(e).splitlines()[0])
    print("size mismatch" in str(e), "fc3.weight" in str(e))

# freeze the warm-started trunk, fine-tune the head
for p in netB.features.parameters():
    p.requires_grad_(False)
opt_b = optim.Adam([p for p in netB.parameters() if p.requires_grad], lr=1e-3)
y = torch.tensor([0, 2])
for step in range(3):
    opt_b.zero_grad()
    loss = F.cross_entropy(netB(x), y)
    loss.backward()
    opt_b.step()
    print(f"step {step} loss {loss.item():.5f}", netB.features[0].weight.grad is None)


class Normalizer(nn.Module):
    _version = 2

    def __init__(self, dim):
        super().__init__()
        self.register_buffer("mean", torch.zeros(dim))
        self.register_buffer("scratch", torch.ones(dim), persistent=False)
        self.count = 0
        self.name = "norm"

    def forward(self, x):
        self.count += 1
        return (x - self.mean) * self.scratch

    def get_extra_state(self):
        return {"count": self.count, "name": self.name}

    def set_extra_state(self, state):
        self.count = state["count"]
        self.name = state["name"]

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        version = local_metadata.get("version", None)
        if version is None or version < 2:
            old = prefix + "running_mean"
            if old in state_dict:
                state_dict[prefix + "mean"] = state_dict.pop(old)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)


norm = Normalizer(3)
norm.mean.fill_(0.5)
norm(torch.ones(2, 3))
norm(torch.ones(2, 3))
sd = norm.state_dict()
print(list(sd.keys()), sd["_extra_state"], sd._metadata[""])
print([n for n, _ in norm.named_buffers()], list(dict(norm.named_buffers(remove_duplicate=True))))
fresh = Normalizer(3)
print(fresh.load_state_dict(sd), fresh.count, fresh.name, fresh.mean)
old = OrderedDict(running_mean=torch.tensor([1.0, 2.0, 3.0]), _extra_state={"count": 7, "name": "old"})
old._metadata = {"": {"version": 1}}
print(fresh.load_state_dict(old), fresh.mean, fresh.count, fresh.name)

calls = []


def post_hook(module, state_dict, prefix, local_metadata):
    calls.append(("post", prefix, len(state_dict)))
    state_dict[prefix + "tag"] = torch.tensor(1)


def load_pre(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
    calls.append(("load_pre", prefix))
    state_dict.pop(prefix + "tag", None)


def load_post(module, incompatible_keys):
    calls.append(("load_post", list(incompatible_keys.missing_keys)))


wrapper = nn.Sequential(nn.Linear(2, 2), Normalizer(2))
h1 = wrapper[0].register_state_dict_post_hook(post_hook)
h2 = wrapper[0].register_load_state_dict_pre_hook(load_pre)
h3 = wrapper.register_load_state_dict_post_hook(load_post)
sd = wrapper.state_dict()
print(list(sd.keys()))
print(wrapper.load_state_dict(sd))
print(calls)
h1.remove()
h2.remove()
h3.remove()
print(list(wrapper.state_dict().keys()))

# saving multiple models in one file, then assign=True onto a meta-free fresh model
modelA, modelB = nn.Linear(4, 2), nn.Linear(2, 1)
optA, optB = optim.SGD(modelA.parameters(), lr=0.1), optim.Adam(modelB.parameters())
buf = io.BytesIO()
torch.save({"modelA_state_dict": modelA.state_dict(), "modelB_state_dict": modelB.state_dict(),
            "optimizerA_state_dict": optA.state_dict(), "optimizerB_state_dict": optB.state_dict()}, buf)
buf.seek(0)
checkpoint = torch.load(buf)
mA, mB = nn.Linear(4, 2), nn.Linear(2, 1)
print(mA.load_state_dict(checkpoint["modelA_state_dict"]), mB.load_state_dict(checkpoint["modelB_state_dict"],
                                                                             assign=True))
print(mB.weight is checkpoint["modelB_state_dict"]["weight"], type(mB.weight).__name__,
      mB.weight.requires_grad)
oA, oB = optim.SGD(mA.parameters(), lr=0.5), optim.Adam(mB.parameters(), lr=0.5)
oA.load_state_dict(checkpoint["optimizerA_state_dict"])
oB.load_state_dict(checkpoint["optimizerB_state_dict"])
print(oA.param_groups[0]["lr"], oB.param_groups[0]["lr"], oB.param_groups[0]["betas"])
print(torch.equal(mA.weight, modelA.weight), torch.equal(mB.bias, modelB.bias))
mA.eval()
print(mA.training, mA(torch.ones(1, 4)))
