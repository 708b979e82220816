"""Module plumbing a long-lived codebase accumulates: a layer whose checkpoint format changed
(``_version`` with a ``_load_from_state_dict`` migration), extra state saved through
get_extra_state/set_extra_state, state_dict pre/post hooks, global module hooks
(torch.nn.modules.module.register_module_forward_hook and friends) used for an activation
census, forward hooks with kwargs and always_call, container editing (Sequential slicing,
insert/append/extend/pop, +, *, del), and load_state_dict's incompatible-keys report."""

import collections
import copy
import io

import torch
from torch import nn
from torch.nn.modules import module as module_mod

torch.manual_seed(1)
torch.set_num_threads(1)


class ScaledLinear(nn.Module):
    """Version 2 stores ``log_scale``; version 1 checkpoints stored ``scale``."""

    _version = 2

    def __init__(self, d_in, d_out):
        super().__init__()
        self.linear = nn.Linear(d_in, d_out)
        self.log_scale = nn.Parameter(torch.zeros(d_out))
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        return self.linear(x) * self.log_scale.exp()

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        version = local_metadata.get("version", None)
        if version is None or version < 2:
            old = prefix + "scale"
            if old in state_dict:
                state_dict[prefix + "log_scale"] = state_dict.pop(old).log()
                print(f"  migrated {old} from version {version}")
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)

    def get_extra_state(self):
        return {"calls": self.calls, "note": "v2"}

    def set_extra_state(self, state):
        self.calls = state["calls"]


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(ScaledLinear(4, 8), nn.ReLU(), ScaledLinear(8, 8), nn.GELU())
        self.head = nn.Linear(8, 2)
        self.register_buffer("temperature", torch.tensor(1.0))

    def forward(self, x, *, temperature=None):
        t = self.temperature if temperature is None else temperature
        return self.head(self.body(x)) / t


net = Net()
sd = net.state_dict()
print("keys", list(sd.keys()))
print("metadata", {k: v for k, v in sd._metadata.items()})
print("extra", sd["body.0._extra_state"])

# an old checkpoint: version 1 metadata, 'scale' instead of 'log_scale'
old = collections.OrderedDict()
for k, v in sd.items():
    if k.endswith("log_scale"):
        old[k[: -len("log_scale")] + "scale"] = torch.full_like(v, 2.0)
    elif not k.endswith("_extra_state"):
        old[k] = v.clone()
old._metadata = copy.deepcopy(sd._metadata)
old._metadata["body.0"]["version"] = 1
del old._metadata["body.2"]["version"]
fresh = Net()
result = fresh.load_state_dict(old, strict=False)
print("missing", result.missing_keys, "unexpected", result.unexpected_keys)
print("log_scale", fresh.body[0].log_scale.data, fresh.body[2].log_scale[:2])
print(result)
try:
    fresh.load_state_dict({"head.weight": torch.zeros(3, 8)}, strict=False)
except RuntimeError as e:
    print("size mismatch:", "size mismatch for head.weight" in str(e), str(e).splitlines()[0])

# round trip through torch.save keeps metadata and extra state
x = torch.randn(5, 4)
net(x)
net(x)
buf = io.BytesIO()
torch.save(net.state_dict(), buf)
buf.seek(0)
loaded = torch.load(buf)
print("loaded version", loaded._metadata["body.0"]["version"], loaded["body.0._extra_state"])
clone = Net()
print(clone.load_state_dict(loaded))
print("calls restored", clone.body[0].calls, torch.allclose(clone(x), net(x)))

# state_dict hooks
def post_hook(module, state_dict, prefix, local_metadata):
    state_dict[prefix + "temperature"] = state_dict[prefix + "temperature"] * 1
    print("  post hook saw", len(state_dict), "entries, prefix", repr(prefix))


def pre_hook(module, prefix, keep_vars):
    print("  pre hook keep_vars", keep_vars)


h1 = net.register_state_dict_post_hook(post_hook)
h2 = net.register_state_dict_pre_hook(pre_hook)
_ = net.state_dict(keep_vars=True)
h1.remove()
h2.remove()


def load_post(module, incompatible):
    print("  load post hook", len(incompatible.missing_keys), len(incompatible.unexpected_keys))
    incompatible.unexpected_keys.clear()


hl = clone.register_load_state_dict_post_hook(load_post)
extra = dict(loaded)
extra["stale.bias"] = torch.zeros(1)
print(clone.load_state_dict(extra))
hl.remove()

# global hooks: an activation census over every module call
census = collections.Counter()
stats = {}


def global_fwd(module, args, output):
    census[type(module).__name__] += 1
    if isinstance(output, torch.Tensor) and isinstance(module, (nn.ReLU, nn.GELU)):
        stats[type(module).__name__] = round((output > 0).float().mean().item(), 4)


def global_pre(module, args):
    if isinstance(module, nn.Linear):
        census["linear inputs"] += args[0].shape[0]


g1 = module_mod.register_module_forward_hook(global_fwd)
g2 = module_mod.register_module_forward_pre_hook(global_pre)
out = net(torch.randn(16, 4))
g1.remove()
g2.remove()
net(x)
print("census", sorted(census.items()), stats)

grads_seen = []
g3 = module_mod.register_module_full_backward_hook(
    lambda m, gin, gout: grads_seen.append((type(m).__name__, round(gout[0].abs().sum().item(), 4))))
net(x).sum().backward()
g3.remove()
print("global backward", grads_seen[:4], len(grads_seen))

# forward hooks with kwargs, always_call and prepend


def kw_hook(module, args, kwargs, output):
    return output * 0 + kwargs.get("temperature", 1.0) if kwargs.get("temperature") is not None else None


def first(module, args, output):
    print("  prepended hook runs first")


hk = net.register_forward_hook(kw_hook, with_kwargs=True)
hp = net.register_forward_hook(first, prepend=True)
print("kw out", net(x[:1], temperature=3.0), net(x[:1]).shape)
hk.remove()
hp.remove()


class Fails(nn.Module):
    def forward(self, x):
        raise ValueError("boom")


f = Fails()
f.register_forward_hook(lambda m, a, o: print("  always_call hook ran, output", o), always_call=True)
try:
    f(x)
except ValueError as e:
    print("raised", e)

# container editing
seq = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 2))
print(seq[1:3])
print(type(seq[-1]).__name__, len(seq[::2]))
seq.insert(1, nn.LayerNorm(8))
seq.append(nn.Softmax(dim=-1))
del seq[4]
print([type(m).__name__ for m in seq], list(seq._modules.keys()))
popped = seq.pop(1)
print("popped", popped, len(seq))
seq.extend([nn.Identity(), nn.Identity()])
both = nn.Sequential(nn.Linear(2, 2)) + nn.Sequential(nn.ReLU())
print(both)
rep = nn.Sequential(nn.Linear(2, 2), nn.ReLU()) * 2
print(len(rep), rep[0] is rep[2])
ml = nn.ModuleList([nn.Linear(1, 1) for _ in range(3)])
ml.insert(0, nn.ReLU())
ml += [nn.Tanh()]
print([type(m).__name__ for m in ml], ml.pop(0), len(ml))
print(net.get_submodule("body.2.linear"), net.get_parameter("body.0.log_scale").shape,
      net.get_buffer("temperature"))
try:
    net.get_submodule("body.9")
except AttributeError as e:
    print("get_submodule error:", e)
net.zero_grad(set_to_none=False)
print("zeroed", net.head.bias.grad)
net.zero_grad()
print("none", net.head.bias.grad)
