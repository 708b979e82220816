"""The Module API a "build the model" chapter walks through, printed: named_modules/parameters
with shared submodules (remove_duplicate), prefixes, state_dict(keep_vars), partial and failing
load_state_dict (the messages), half()/float() of parameters and buffers, train/eval and
requires_grad_ chaining, zero_grad, deepcopy, apply order, add_module/register_module and deletion,
Sequential slicing and assignment, extra_repr, Parameter reprs, and a BytesIO checkpoint printed."""

import copy
import io

import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(0)

net = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1)))
holder = nn.Module()
holder.a = net[0]
holder.b = net[0]
print([n for n, _ in holder.named_modules()], [n for n, _ in holder.named_modules(remove_duplicate=False)])
print([n for n, _ in holder.named_parameters()], [n for n, _ in holder.named_parameters(remove_duplicate=False)])
print([n for n, _ in net.named_parameters(prefix="model")][:3], [n for n, _ in net.named_parameters(recurse=False)])
print(list(net.state_dict(prefix="p.").keys())[:4], type(net.state_dict(keep_vars=True)["0.weight"]).__name__)
sd = net.state_dict()
print(len(sd), list(sd.keys()))
print("weight", sd["0.weight"], sd["1.num_batches_tracked"])
partial = {k: v for k, v in sd.items() if "bias" not in k}
result = net.load_state_dict(partial, strict=False)
print(result)
print("missing", result.missing_keys, "unexpected", result.unexpected_keys)
try:
    net.load_state_dict({**sd, "extra": torch.zeros(1)})
except RuntimeError as e:
    print("strict error:", str(e).splitlines()[0])
bad = dict(sd)
bad["0.weight"] = torch.zeros(5, 5)
try:
    net.load_state_dict(bad)
except RuntimeError as e:
    print("shape error:", str(e).splitlines()[0], "|", str(e).splitlines()[1].strip())
net.half()
print("half", net[0].weight.dtype == torch.float16, net[1].num_batches_tracked.dtype == torch.int64,
      net[1].running_mean.dtype == torch.float16)
net.float()
print("chaining", net.train(False) is net, net.training, net[2][1].training, net.requires_grad_(False) is net,
      net[0].weight.requires_grad)
net.requires_grad_(True)
net.train()
net.zero_grad()
print("grad after zero_grad", net[0].weight.grad)
net(torch.linspace(-1, 1, 8).reshape(4, 2)).sum().backward()
print("grad sum", f"{net[0].weight.grad.abs().sum().item():.6f}")
net.zero_grad(set_to_none=False)
print("zeroed in place", net[0].weight.grad.abs().sum().item())
clone = copy.deepcopy(net)
print("deepcopy", clone[0].weight is not net[0].weight, torch.equal(clone[0].weight, net[0].weight),
      clone[1].running_var.tolist())
order = []
net.apply(lambda m: order.append(type(m).__name__))
print("apply order", order)
print([type(m).__name__ for m in net.children()], len(list(net.modules())), len(list(net.parameters())))
net.add_module("tail", nn.Tanh())
net.register_module("head", nn.Identity())
print([n for n, _ in net.named_children()])
del net.tail
print([n for n, _ in net.named_children()])
net[0] = nn.Linear(2, 3)
print(len(net), net[-1], net[1:3])
try:
    net.add_module("bad.name", nn.ReLU())
except KeyError as e:
    print("KeyError", e)


class Scaler(nn.Module):
    def __init__(self, k):
        super().__init__()
        self.w = nn.Parameter(torch.ones(2))
        self.register_buffer("b", torch.zeros(2))
        self.k = k

    def extra_repr(self):
        return f"k={self.k}"

    def forward(self, x):
        return x * self.w * self.k + self.b


m = Scaler(3)
print(m, m.w.grad, hasattr(m, "b"), "w" in dir(m), "b" in m.__dict__)
m.k = 5
print(repr(m), nn.Sequential(m, nn.ReLU()))
m.w = nn.Parameter(torch.zeros(3))
print([tuple(p.shape) for p in m.parameters()])
try:
    m.w = torch.zeros(3)
except TypeError as e:
    print("TypeError", e)
p = nn.Parameter(torch.ones(2))
print(p * 2, (p * 2).requires_grad, type(p * 2).__name__, type(p.data).__name__, type(p.detach()).__name__,
      type(p.clone()).__name__)
print(nn.Parameter(torch.ones(2), requires_grad=False))
print(repr(nn.Parameter(torch.tensor([1, 2]), requires_grad=False)))

buf = io.BytesIO()
torch.save({"model": m.state_dict(), "net": net.state_dict(), "step": 3, "lrs": [0.1, 0.01],
            "meta": {"name": "scaler", "best": None}}, buf)
buf.seek(0)
ck = torch.load(buf)
print(sorted(ck), ck["step"], ck["lrs"], ck["meta"])
print("loaded", ck["model"]["w"], ck["model"]["b"].shape, ck["net"]["1.running_mean"])
fresh = Scaler(1)
fresh.w = nn.Parameter(torch.ones(3))
print(fresh.load_state_dict(ck["model"]), fresh.w)
flat = io.BytesIO()
torch.save(net.state_dict(), flat)
flat.seek(0)
restored = torch.load(flat, weights_only=True)
print("flat", list(restored)[:3], restored["0.bias"].shape, restored["1.num_batches_tracked"])
